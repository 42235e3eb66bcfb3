package nfw

import "fmt"

// Capacity is a stateless rule's capacity as the Network Firewall guide
// ("Setting rule group capacity") defines it: the product, over its match
// settings, of the number of elements (a setting with no criteria counts 1).
func (r *StatelessRule) Capacity() int {
	m := r.RuleDefinition.MatchAttributes
	n := 1
	for _, k := range []int{len(m.Sources), len(m.Destinations), len(m.SourcePorts), len(m.DestinationPorts), len(m.Protocols), len(m.TCPFlags)} {
		n *= max(k, 1)
	}
	return n
}

// ConsumedCapacity estimates the capacity a rule group uses. Stateless:
// the sum of its rules' capacities (documented). Stateful: one per rule;
// for a domain list one per domain and target type (moat's estimate: AWS
// does not publish the stateful formula).
func (g *DescribeRuleGroup) ConsumedCapacity(rules int) int {
	src := g.RuleGroup.RulesSource
	switch {
	case src.StatelessRulesAndCustomActions != nil:
		n := 0
		for i := range src.StatelessRulesAndCustomActions.StatelessRules {
			n += src.StatelessRulesAndCustomActions.StatelessRules[i].Capacity()
		}
		return n
	case src.RulesSourceList != nil:
		return len(src.RulesSourceList.Targets) * max(1, len(src.RulesSourceList.TargetTypes))
	}
	return rules
}

// checkCapacity refuses a group whose rules exceed its declared Capacity
// (when the document gives one), as CreateRuleGroup/UpdateRuleGroup do.
func checkCapacity(g *DescribeRuleGroup, rules int) error {
	c := g.RuleGroupResponse.Capacity
	if c == 0 {
		return nil
	}
	if used := g.ConsumedCapacity(rules); used > c {
		return fmt.Errorf("RuleGroups[%s].RuleGroupResponse.Capacity: the rules need capacity %d, the group has %d", g.RuleGroupResponse.RuleGroupName, used, c)
	}
	return nil
}
