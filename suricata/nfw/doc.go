// Package nfw models AWS Network Firewall's packet evaluation on top of
// package suricata: the stateless engine, the three kinds of stateful rule
// groups, rule order and the stateful default actions.
//
//	fw, err := nfw.LoadPolicyDocument(src) // FirewallPolicy + DescribeRuleGroup outputs
//	st, err := replay.Run(pcap, out, replay.Config{Inspector: fw})
//
// Stateless (firewall-policy-processing, stateless-default-actions): rule
// groups by their policy Priority, rules by their own Priority, first match
// decides; aws:pass (no stateful inspection), aws:drop, aws:forward_to_sfe;
// custom actions are validated but publish no metrics; unmatched packets
// take StatelessDefaultActions. StatelessFragmentDefaultActions is
// validated but not applied: replay hands the engines reassembled datagrams.
//
// Stateful groups: RulesString (Suricata text, parsed in Network Firewall
// mode so threshold, lua, datasets... are refused as ANF refuses them),
// StatefulRules (5-tuple rules rendered to one Suricata line each, a sid is
// required) and RulesSourceList (domain lists, see RulesSourceList.Rules).
// Rule variables come from the group's RuleVariables (IPSets, PortSets) and
// the policy's PolicyVariables (HOME_NET); absent those, Suricata's default
// HOME_NET applies (Network Firewall's default is the VPC CIDR, which an
// offline policy document does not carry). IP set references
// (ReferenceSets) are not resolved.
//
// Rule order: DEFAULT_ACTION_ORDER (pass, drop, reject, alert over all
// groups) or STRICT_ORDER (groups by Priority, rules as written, first
// pass/drop/reject decides), with the stateful default actions
// aws:drop_strict, aws:drop_established, aws:alert_strict and
// aws:alert_established. A policy and its groups must agree on the order.
// Default-action alerts carry the action's name as the signature and sid 0:
// AWS does not document those log fields, so this is moat's choice.
// Capacity: when a group's RuleGroupResponse.Capacity is given, its rules
// must fit: stateless rules by the documented product-of-match-settings
// formula, stateful groups at one per rule (one per domain and target type
// for domain lists; AWS does not publish the stateful formula, so that part
// is moat's estimate). StreamExceptionPolicy and TLS inspection are not
// modelled.
package nfw
