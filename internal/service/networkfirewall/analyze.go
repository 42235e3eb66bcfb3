package networkfirewall

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
)

// AnalysisResult is one finding of AnalyzeRuleGroup.
type AnalysisResult struct {
	IdentifiedRuleIds []string
	IdentifiedType    string
	AnalysisDetail    string
}

// analyze is AnalyzeRuleGroup for a stateless group, as the API reference
// describes it: pass or forward rules without a return path (no pass or
// forward rule of the group matches the reverse direction: sources and
// destinations, and their ports, swapped) are
// STATELESS_RULE_FORWARDING_ASYMMETRICALLY; pass or forward rules that
// inspect TCP flags are STATELESS_RULE_CONTAINS_TCP_FLAGS. Rule IDs are the
// rules' priorities. Stateful groups have no findings.
func analyze(rg *RuleGroup) []AnalysisResult {
	src := rg.RulesSource
	if src == nil || src.StatelessRulesAndCustomActions == nil {
		return []AnalysisResult{}
	}
	type dir struct{ src, dst, sp, dp string }
	forwards := func(r StatelessRule) bool {
		if r.RuleDefinition == nil {
			return false
		}
		for _, a := range r.RuleDefinition.Actions {
			if a == "aws:pass" || a == "aws:forward_to_sfe" {
				return true
			}
		}
		return false
	}
	key := func(r StatelessRule) dir {
		m := r.RuleDefinition.MatchAttributes
		if m == nil {
			m = &MatchAttributes{}
		}
		return dir{addrSet(m.Sources), addrSet(m.Destinations), portSet(m.SourcePorts), portSet(m.DestinationPorts)}
	}
	rules := src.StatelessRulesAndCustomActions.StatelessRules
	have := map[dir]bool{}
	for _, r := range rules {
		if forwards(r) {
			have[key(r)] = true
		}
	}
	var asym, flags []string
	for _, r := range rules {
		if !forwards(r) {
			continue
		}
		k := key(r)
		if !have[dir{k.dst, k.src, k.dp, k.sp}] {
			asym = append(asym, strconv.Itoa(int(r.Priority)))
		}
		if m := r.RuleDefinition.MatchAttributes; m != nil && len(m.TCPFlags) > 0 {
			flags = append(flags, strconv.Itoa(int(r.Priority)))
		}
	}
	out := []AnalysisResult{}
	if len(asym) > 0 {
		out = append(out, AnalysisResult{IdentifiedRuleIds: asym, IdentifiedType: "STATELESS_RULE_FORWARDING_ASYMMETRICALLY",
			AnalysisDetail: fmt.Sprintf("Rules with priority %s pass or forward traffic with no rule for the return direction (sources and destinations, and their ports, swapped)", strings.Join(asym, ", "))})
	}
	if len(flags) > 0 {
		out = append(out, AnalysisResult{IdentifiedRuleIds: flags, IdentifiedType: "STATELESS_RULE_CONTAINS_TCP_FLAGS",
			AnalysisDetail: fmt.Sprintf("Rules with priority %s pass or forward traffic on TCP flags, which differ between the forward and return directions", strings.Join(flags, ", "))})
	}
	return out
}

func addrSet(as []Address) string {
	var s []string
	for _, a := range as {
		if a.AddressDefinition != "0.0.0.0/0" && a.AddressDefinition != "::/0" {
			s = append(s, a.AddressDefinition)
		}
	}
	sort.Strings(s)
	return strings.Join(s, ",")
}

func portSet(ps []PortRange) string {
	var s []string
	for _, p := range ps {
		if p.FromPort == 0 && p.ToPort == 65535 {
			continue
		}
		s = append(s, fmt.Sprintf("%d:%d", p.FromPort, p.ToPort))
	}
	sort.Strings(s)
	return strings.Join(s, ",")
}
