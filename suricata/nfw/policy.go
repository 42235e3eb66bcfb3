package nfw

import (
	"bytes"
	"encoding/json"
	"fmt"
	"sort"
	"strings"

	"github.com/moatdev/moat/suricata"
)

// PolicyDocument is what `moat nfw pcap --policy` reads: a firewall policy
// as DescribeFirewallPolicy returns it and its rule groups as
// DescribeRuleGroup returns them.
type PolicyDocument struct {
	FirewallPolicy FirewallPolicy      `json:"FirewallPolicy"`
	RuleGroups     []DescribeRuleGroup `json:"RuleGroups"`
}

// FirewallPolicy has the fields of the API's FirewallPolicy that moat applies.
type FirewallPolicy struct {
	StatelessDefaultActions         []string               `json:"StatelessDefaultActions"`
	StatelessFragmentDefaultActions []string               `json:"StatelessFragmentDefaultActions"`
	StatelessCustomActions          []CustomAction         `json:"StatelessCustomActions,omitempty"`
	StatelessRuleGroupReferences    []RuleGroupReference   `json:"StatelessRuleGroupReferences,omitempty"`
	StatefulRuleGroupReferences     []RuleGroupReference   `json:"StatefulRuleGroupReferences,omitempty"`
	StatefulDefaultActions          []string               `json:"StatefulDefaultActions,omitempty"`
	StatefulEngineOptions           *StatefulEngineOptions `json:"StatefulEngineOptions,omitempty"`
	PolicyVariables                 *PolicyVariables       `json:"PolicyVariables,omitempty"`
}

// CustomAction is a stateless custom action (metrics publishing).
type CustomAction struct {
	ActionName string `json:"ActionName"`
}

// RuleGroupReference points at a rule group by ARN.
type RuleGroupReference struct {
	ResourceArn string `json:"ResourceArn"`
	Priority    int    `json:"Priority"`
}

// StatefulEngineOptions selects the rule order.
type StatefulEngineOptions struct {
	RuleOrder             string `json:"RuleOrder"`
	StreamExceptionPolicy string `json:"StreamExceptionPolicy,omitempty"`
}

// PolicyVariables overrides HOME_NET for every stateful group.
type PolicyVariables struct {
	RuleVariables map[string]IPSet `json:"RuleVariables"`
}

// IPSet is a variable's definition.
type IPSet struct {
	Definition []string `json:"Definition"`
}

// DescribeRuleGroup is the DescribeRuleGroup output shape.
type DescribeRuleGroup struct {
	RuleGroup         RuleGroup         `json:"RuleGroup"`
	RuleGroupResponse RuleGroupResponse `json:"RuleGroupResponse"`
}

// RuleGroupResponse identifies the group.
type RuleGroupResponse struct {
	RuleGroupArn  string `json:"RuleGroupArn"`
	RuleGroupName string `json:"RuleGroupName"`
	Type          string `json:"Type"`
	Capacity      int    `json:"Capacity,omitempty"`
}

// RuleGroup is the API's RuleGroup.
type RuleGroup struct {
	RuleVariables       *RuleVariables       `json:"RuleVariables,omitempty"`
	RulesSource         RulesSource          `json:"RulesSource"`
	StatefulRuleOptions *StatefulRuleOptions `json:"StatefulRuleOptions,omitempty"`
}

// RuleVariables are a group's IP and port sets.
type RuleVariables struct {
	IPSets   map[string]IPSet   `json:"IPSets,omitempty"`
	PortSets map[string]PortSet `json:"PortSets,omitempty"`
}

// PortSet is a port variable's definition.
type PortSet struct {
	Definition []string `json:"Definition"`
}

// StatefulRuleOptions is the group's rule order.
type StatefulRuleOptions struct {
	RuleOrder string `json:"RuleOrder"`
}

// RulesSource holds exactly one kind of rules.
type RulesSource struct {
	RulesString                    string                          `json:"RulesString,omitempty"`
	RulesSourceList                *RulesSourceList                `json:"RulesSourceList,omitempty"`
	StatefulRules                  []StatefulRule                  `json:"StatefulRules,omitempty"`
	StatelessRulesAndCustomActions *StatelessRulesAndCustomActions `json:"StatelessRulesAndCustomActions,omitempty"`
}

// StatelessRulesAndCustomActions is a stateless group's content.
type StatelessRulesAndCustomActions struct {
	StatelessRules []StatelessRule `json:"StatelessRules"`
	CustomActions  []CustomAction  `json:"CustomActions,omitempty"`
}

// Firewall evaluates packets the way a Network Firewall endpoint with one
// policy does: the stateless engine first, then (for aws:forward_to_sfe)
// the stateful engine with the policy's rule order and default actions.
type Firewall struct {
	stateless     []compiledStateless
	defaultAction string
	stateful      *suricata.Engine
	withDefaults  *Stateful
	// RuleErrors lists the stateful rules that did not load (each names
	// its rule group, line and keyword); the others run.
	RuleErrors []string
	// Rendered holds each stateful group's rules as Suricata text, in
	// evaluation order of the groups (domain lists and 5-tuple rules as
	// generated).
	Rendered []RenderedGroup
	dropRule *suricata.Rule
}

// RenderedGroup is one stateful rule group as Suricata text.
type RenderedGroup struct {
	Name     string
	Priority int
	Rules    string
}

// LoadPolicyDocument parses and compiles a policy document. Structural
// errors (bad JSON, unknown rule group, invalid fields) fail with the
// field's path; Suricata rules that do not load are collected in RuleErrors.
func LoadPolicyDocument(src []byte) (*Firewall, error) {
	var doc PolicyDocument
	dec := json.NewDecoder(bytes.NewReader(src))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&doc); err != nil {
		return nil, fmt.Errorf("policy document: %w", err)
	}
	return Compile(&doc)
}

// Compile builds a Firewall from a policy document.
func Compile(doc *PolicyDocument) (*Firewall, error) {
	fp := &doc.FirewallPolicy
	fw := &Firewall{dropRule: &suricata.Rule{Action: suricata.ActionDrop, Msg: "stateless", GID: 1, Priority: 3}}
	groups := map[string]*DescribeRuleGroup{}
	for i := range doc.RuleGroups {
		g := &doc.RuleGroups[i]
		if g.RuleGroupResponse.RuleGroupArn == "" {
			return nil, fmt.Errorf("RuleGroups[%d].RuleGroupResponse.RuleGroupArn: required", i)
		}
		groups[g.RuleGroupResponse.RuleGroupArn] = g
	}
	var err error
	if fw.defaultAction, err = standardAction(fp.StatelessDefaultActions, "FirewallPolicy.StatelessDefaultActions"); err != nil {
		return nil, err
	}
	if _, err = standardAction(fp.StatelessFragmentDefaultActions, "FirewallPolicy.StatelessFragmentDefaultActions"); err != nil {
		return nil, err
	}
	if err := fw.compileStateless(fp, groups); err != nil {
		return nil, err
	}
	if err := fw.compileStateful(fp, groups); err != nil {
		return nil, err
	}
	return fw, nil
}

func standardAction(acts []string, path string) (string, error) {
	found := ""
	for _, a := range acts {
		switch a {
		case "aws:pass", "aws:drop", "aws:forward_to_sfe":
			if found != "" {
				return "", fmt.Errorf("%s: more than one of aws:pass, aws:drop, aws:forward_to_sfe", path)
			}
			found = a
		}
	}
	if found == "" {
		return "", fmt.Errorf("%s: exactly one of aws:pass, aws:drop, aws:forward_to_sfe is required", path)
	}
	return found, nil
}

func (fw *Firewall) compileStateless(fp *FirewallPolicy, groups map[string]*DescribeRuleGroup) error {
	customs := map[string]bool{}
	for _, c := range fp.StatelessCustomActions {
		customs[c.ActionName] = true
	}
	for i, ref := range fp.StatelessRuleGroupReferences {
		path := fmt.Sprintf("FirewallPolicy.StatelessRuleGroupReferences[%d]", i)
		g, ok := groups[ref.ResourceArn]
		if !ok {
			return fmt.Errorf("%s.ResourceArn: rule group %q is not in RuleGroups", path, ref.ResourceArn)
		}
		src := g.RuleGroup.RulesSource.StatelessRulesAndCustomActions
		if g.RuleGroupResponse.Type != "STATELESS" || src == nil {
			return fmt.Errorf("%s.ResourceArn: %q is not a STATELESS rule group with StatelessRulesAndCustomActions", path, ref.ResourceArn)
		}
		gc := map[string]bool{}
		for k := range customs {
			gc[k] = true
		}
		for _, c := range src.CustomActions {
			gc[c.ActionName] = true
		}
		if err := checkCapacity(g, 0); err != nil {
			return err
		}
		rs, err := compileStateless(g.RuleGroupResponse.RuleGroupName, ref.Priority, src.StatelessRules,
			"RuleGroups["+g.RuleGroupResponse.RuleGroupName+"].RuleGroup.RulesSource.StatelessRulesAndCustomActions.StatelessRules", gc)
		if err != nil {
			return err
		}
		fw.stateless = append(fw.stateless, rs...)
	}
	sortStateless(fw.stateless)
	return nil
}

func (fw *Firewall) compileStateful(fp *FirewallPolicy, groups map[string]*DescribeRuleGroup) error {
	strict := fp.StatefulEngineOptions != nil && fp.StatefulEngineOptions.RuleOrder == "STRICT_ORDER"
	if fp.StatefulEngineOptions != nil && !strict && fp.StatefulEngineOptions.RuleOrder != "" && fp.StatefulEngineOptions.RuleOrder != "DEFAULT_ACTION_ORDER" {
		return fmt.Errorf("FirewallPolicy.StatefulEngineOptions.RuleOrder: %q is not DEFAULT_ACTION_ORDER or STRICT_ORDER", fp.StatefulEngineOptions.RuleOrder)
	}
	if len(fp.StatefulDefaultActions) > 0 && !strict {
		return fmt.Errorf("FirewallPolicy.StatefulDefaultActions: only allowed with StatefulEngineOptions.RuleOrder STRICT_ORDER")
	}
	refs := append([]RuleGroupReference(nil), fp.StatefulRuleGroupReferences...)
	if strict {
		sort.SliceStable(refs, func(i, j int) bool { return refs[i].Priority < refs[j].Priority })
	}
	var rules []*suricata.Rule
	for i, ref := range refs {
		path := fmt.Sprintf("FirewallPolicy.StatefulRuleGroupReferences[%d]", i)
		g, ok := groups[ref.ResourceArn]
		if !ok {
			return fmt.Errorf("%s.ResourceArn: rule group %q is not in RuleGroups", path, ref.ResourceArn)
		}
		if g.RuleGroupResponse.Type != "STATEFUL" {
			return fmt.Errorf("%s.ResourceArn: %q is not a STATEFUL rule group", path, ref.ResourceArn)
		}
		groupOrder := "DEFAULT_ACTION_ORDER"
		if o := g.RuleGroup.StatefulRuleOptions; o != nil && o.RuleOrder != "" {
			groupOrder = o.RuleOrder
		}
		if (groupOrder == "STRICT_ORDER") != strict {
			return fmt.Errorf("%s: rule group %q has rule order %s, the policy another (they must match)", path, g.RuleGroupResponse.RuleGroupName, groupOrder)
		}
		text, err := groupRules(g)
		if err != nil {
			return err
		}
		fw.Rendered = append(fw.Rendered, RenderedGroup{Name: g.RuleGroupResponse.RuleGroupName, Priority: ref.Priority, Rules: text})
		cfg := groupConfig(g, fp)
		rs := suricata.Parse([]byte(text), cfg)
		if err := checkCapacity(g, rs.Lines); err != nil {
			return err
		}
		for _, e := range rs.Errors {
			fw.RuleErrors = append(fw.RuleErrors, e.Error())
		}
		rules = append(rules, rs.Rules...)
	}
	eng, err := suricata.Compile(rules, suricata.Options{StrictOrder: strict, IPS: true})
	if err != nil {
		return err
	}
	fw.stateful = eng
	if len(fp.StatefulDefaultActions) > 0 {
		s, err := NewStateful(eng, fp.StatefulDefaultActions)
		if err != nil {
			return fmt.Errorf("FirewallPolicy.%w", err)
		}
		fw.withDefaults = s
	}
	return nil
}

// groupRules renders a stateful group's rules as Suricata text.
func groupRules(g *DescribeRuleGroup) (string, error) {
	src := &g.RuleGroup.RulesSource
	name := g.RuleGroupResponse.RuleGroupName
	path := "RuleGroups[" + name + "].RuleGroup.RulesSource"
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
	if kinds != 1 {
		return "", fmt.Errorf("%s: exactly one of RulesString, RulesSourceList, StatefulRules is required", path)
	}
	switch {
	case src.RulesSourceList != nil:
		if err := src.RulesSourceList.Validate(path + ".RulesSourceList"); err != nil {
			return "", err
		}
		return src.RulesSourceList.Rules(1), nil
	case len(src.StatefulRules) > 0:
		var b strings.Builder
		for i := range src.StatefulRules {
			line, err := src.StatefulRules[i].Render(fmt.Sprintf("%s.StatefulRules[%d]", path, i))
			if err != nil {
				return "", err
			}
			b.WriteString(line + "\n")
		}
		return b.String(), nil
	}
	return src.RulesString, nil
}

func groupConfig(g *DescribeRuleGroup, fp *FirewallPolicy) *suricata.Config {
	cfg := &suricata.Config{NetworkFirewall: true, File: g.RuleGroupResponse.RuleGroupName, AddressVars: map[string]string{}, PortVars: map[string]string{}}
	if v := g.RuleGroup.RuleVariables; v != nil {
		for k, s := range v.IPSets {
			cfg.AddressVars[k] = "[" + strings.Join(s.Definition, ",") + "]"
		}
		for k, s := range v.PortSets {
			cfg.PortVars[k] = "[" + strings.Join(s.Definition, ",") + "]"
		}
	}
	if pv := fp.PolicyVariables; pv != nil {
		if h, ok := pv.RuleVariables["HOME_NET"]; ok {
			cfg.AddressVars["HOME_NET"] = "[" + strings.Join(h.Definition, ",") + "]"
		}
	}
	return cfg
}

// NewScratch implements replay.Inspector.
func (fw *Firewall) NewScratch() *suricata.Scratch { return fw.stateful.NewScratch() }

// Inspect applies the stateless engine, then the stateful one.
func (fw *Firewall) Inspect(p *suricata.Packet, fs *suricata.FlowState, th *suricata.Thresholds, sc *suricata.Scratch) *suricata.Verdict {
	action := fw.defaultAction
	for i := range fw.stateless {
		r := &fw.stateless[i]
		if r.match(p.Proto, p.Src, p.Dst, p.SrcPort, p.DstPort, p.TCPFlags) {
			action = r.action
			break
		}
	}
	switch action {
	case "aws:pass":
		return sc.Reset()
	case "aws:drop":
		v := sc.Reset()
		v.Drop = fw.dropRule
		return v
	}
	if fw.withDefaults != nil {
		return fw.withDefaults.Inspect(p, fs, th, sc)
	}
	return fw.stateful.Inspect(p, fs, th, sc)
}

// UsesBuffer reports whether a stateful rule inspects buffer b.
func (fw *Firewall) UsesBuffer(b suricata.Buffer) bool { return fw.stateful.UsesBuffer(b) }
