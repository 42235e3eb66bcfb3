package nfw

import (
	"fmt"
	"strings"

	"github.com/moatdev/moat/suricata"
)

// GroupCheck is what CheckRuleGroup found in one rule group.
type GroupCheck struct {
	// Rules counts the group's rules: Suricata rule lines, 5-tuple rules,
	// the rules a domain list generates, or stateless rules.
	Rules int
	// ConsumedCapacity is the capacity the rules use (ConsumedCapacity).
	ConsumedCapacity int
	// Text is a stateful group's rules as Suricata text (domain lists and
	// 5-tuple rules as generated); "" for stateless groups.
	Text string
	// Refused lists the stateful rules that Suricata or Network Firewall
	// refuse; Unsupported those that are valid but that moat does not
	// evaluate (they would load in Network Firewall).
	Refused, Unsupported []*suricata.Error
}

// CheckRuleGroup validates one rule group the way CreateRuleGroup and
// UpdateRuleGroup do, field by field: typ is STATEFUL or STATELESS, path
// prefixes field names in errors ("RuleGroup"). A structural problem (a
// missing or contradictory field, a bad stateless rule) is the error; the
// Suricata rules that do not load are listed in the check, each with its
// line, column and keyword, so the caller decides what to refuse.
func CheckRuleGroup(typ string, g *RuleGroup, path string) (*GroupCheck, error) {
	src := &g.RulesSource
	sp := path + ".RulesSource"
	kinds := 0
	if src.RulesString != "" {
		kinds++
	}
	if src.RulesSourceList != nil {
		kinds++
	}
	if len(src.StatefulRules) > 0 {
		kinds++
	}
	if src.StatelessRulesAndCustomActions != nil {
		kinds++
	}
	if kinds > 1 {
		return nil, fmt.Errorf("%s: exactly one of RulesString, RulesSourceList, StatefulRules, StatelessRulesAndCustomActions is allowed", sp)
	}
	switch typ {
	case "STATELESS":
		sl := src.StatelessRulesAndCustomActions
		if sl == nil {
			return nil, fmt.Errorf("%s.StatelessRulesAndCustomActions: required for a STATELESS rule group", sp)
		}
		if g.RuleVariables != nil {
			return nil, fmt.Errorf("RuleVariables cannot be provided, context: RuleVariables (%s.RuleVariables: only stateful rule groups have rule variables)", path)
		}
		if g.StatefulRuleOptions != nil {
			return nil, fmt.Errorf("StatefulRuleOptions cannot be provided, context: StatefulRuleOptions (%s.StatefulRuleOptions: only stateful rule groups have stateful rule options)", path)
		}
		customs := map[string]bool{}
		for i, c := range sl.CustomActions {
			if c.ActionName == "" {
				return nil, fmt.Errorf("%s.StatelessRulesAndCustomActions.CustomActions[%d].ActionName: required", sp, i)
			}
			customs[c.ActionName] = true
		}
		if _, err := compileStateless("", 0, sl.StatelessRules, sp+".StatelessRulesAndCustomActions.StatelessRules", customs); err != nil {
			return nil, err
		}
		gc := &GroupCheck{Rules: len(sl.StatelessRules)}
		for i := range sl.StatelessRules {
			gc.ConsumedCapacity += sl.StatelessRules[i].Capacity()
		}
		return gc, nil
	case "STATEFUL":
	default:
		return nil, fmt.Errorf("Type: %q is not STATEFUL or STATELESS", typ)
	}
	if src.StatelessRulesAndCustomActions != nil {
		return nil, fmt.Errorf("%s.StatelessRulesAndCustomActions: only STATELESS rule groups have stateless rules", sp)
	}
	if o := g.StatefulRuleOptions; o != nil && o.RuleOrder != "" && o.RuleOrder != "DEFAULT_ACTION_ORDER" && o.RuleOrder != "STRICT_ORDER" {
		return nil, fmt.Errorf("%s.StatefulRuleOptions.RuleOrder: %q is not DEFAULT_ACTION_ORDER or STRICT_ORDER", path, o.RuleOrder)
	}
	gc := &GroupCheck{}
	switch {
	case src.RulesSourceList != nil:
		if err := src.RulesSourceList.Validate(sp + ".RulesSourceList"); err != nil {
			return nil, err
		}
		gc.Text = src.RulesSourceList.Rules(1)
	case len(src.StatefulRules) > 0:
		var b strings.Builder
		for i := range src.StatefulRules {
			line, err := src.StatefulRules[i].Render(fmt.Sprintf("%s.StatefulRules[%d]", sp, i))
			if err != nil {
				return nil, err
			}
			b.WriteString(line + "\n")
		}
		gc.Text = b.String()
	default:
		gc.Text = src.RulesString
	}
	cfg := groupConfig(&DescribeRuleGroup{RuleGroup: *g}, &FirewallPolicy{})
	cfg.File = ""
	rs := suricata.Parse([]byte(gc.Text), cfg)
	gc.Rules = rs.Lines
	seen := map[uint32]int{}
	for _, r := range rs.Rules {
		if first, dup := seen[r.SID]; dup {
			rs.Errors = append(rs.Errors, &suricata.Error{Line: r.Line, Column: 1, SID: r.SID, Keyword: "sid",
				Message: fmt.Sprintf("sid %d is already used by the rule on line %d (sids must be unique in a rule group)", r.SID, first), By: suricata.RefusedBySuricata})
			continue
		}
		seen[r.SID] = r.Line
	}
	for _, e := range rs.Errors {
		if e.By == suricata.UnsupportedByMoat {
			gc.Unsupported = append(gc.Unsupported, e)
		} else {
			gc.Refused = append(gc.Refused, e)
		}
	}
	gc.ConsumedCapacity = (&DescribeRuleGroup{RuleGroup: *g}).ConsumedCapacity(rs.Lines)
	return gc, nil
}
