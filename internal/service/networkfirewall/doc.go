// Package networkfirewall serves AWS Network Firewall's management API
// (json 1.0, X-Amz-Target NetworkFirewall_20201112, signing name
// network-firewall) over moat's own Suricata engine (suricata/,
// suricata/nfw): what a caller uploads is parsed, linted and compiled the
// way a firewall would run it, and refused with the rule's line, column and
// keyword when Suricata or Network Firewall would refuse it.
//
// Served:
//
//   - Rule groups: CreateRuleGroup (RuleGroup or Rules, DryRun),
//     DescribeRuleGroup, UpdateRuleGroup (UpdateToken), DeleteRuleGroup,
//     ListRuleGroups (Scope, Type, MaxResults/NextToken),
//     DescribeRuleGroupMetadata; AnalyzeRuleGroup on Create, Update and
//     Describe reports stateless pass/forward rules without a return path
//     (STATELESS_RULE_FORWARDING_ASYMMETRICALLY: no pass/forward rule of the
//     group with sources and destinations, and their ports, swapped — moat's
//     reading of the documented cause) and pass/forward rules on TCP flags
//     (STATELESS_RULE_CONTAINS_TCP_FLAGS). Stateful groups
//     of the three kinds (RulesString, RulesSourceList domain lists,
//     5-tuple StatefulRules) with RuleVariables and StatefulRuleOptions;
//     stateless groups (StatelessRulesAndCustomActions). Suricata rules are
//     parsed in Network Firewall mode: a rule Suricata refuses (syntax, an
//     unknown keyword) or Network Firewall refuses (threshold, lua,
//     dataset, … on its limitations list) fails the call with
//     InvalidRequestException naming the line, column, sid and keyword, as
//     does a sid used twice in one group. Rules that are valid Suricata but
//     that moat does not evaluate (ftp, dcerpc, … application protocols)
//     are accepted, as Network Firewall accepts them, and kept aside.
//     ConsumedCapacity: stateless by the documented product formula;
//     stateful one per rule, a domain list one per domain and target type
//     (moat's estimate; AWS does not publish the stateful formula). Rules
//     that need more than the group's Capacity are refused with
//     InvalidRequestException (AWS's InsufficientCapacityException is
//     documented as AWS lacking capacity, not a rule group's; UpdateRuleGroup
//     does not model it). Capacity is 1–30,000. A group's rule order is
//     fixed at creation: an UpdateRuleGroup that changes it (or sends Rules,
//     which means DEFAULT_ACTION_ORDER, to a STRICT_ORDER group) is refused
//     with AWS's "parameter is invalid, parameter: [ORDER]".
//   - Firewall policies: Create/Describe/Update/Delete/ListFirewallPolicies.
//     References are resolved in the caller's account and Region (an
//     unknown or wrong-type group is InvalidRequestException, naming the
//     reference), priorities checked (required and unique for
//     STRICT_ORDER, refused otherwise with AWS's "Priority cannot be
//     provided"), and the whole policy compiled by suricata/nfw, so a
//     group whose rule order differs from the policy's, bad default
//     actions or stateful default actions outside STRICT_ORDER are refused
//     as AWS refuses them. An UpdateRuleGroup that would break a policy
//     using the group is refused. Deleting a group a policy uses, or a
//     policy a firewall uses, is InvalidOperationException.
//   - Firewalls: CreateFirewall, DescribeFirewall (FirewallStatus READY,
//     one SyncState per subnet with an endpoint and the policy's objects
//     IN_SYNC with their update tokens), ListFirewalls (VpcIds),
//     DeleteFirewall (refused while DeleteProtection is on),
//     UpdateFirewallDeleteProtection, AssociateFirewallPolicy (refused under
//     FirewallPolicyChangeProtection), Update/DescribeLoggingConfiguration
//     (recorded and validated, one change per call as AWS requires; no logs
//     are written by the API), UpdateFirewallDescription,
//     UpdateFirewallPolicyChangeProtection, UpdateSubnetChangeProtection,
//     AssociateSubnets and DisassociateSubnets (refused under
//     SubnetChangeProtection), UpdateFirewallEncryptionConfiguration
//     (recorded).
//   - TagResource, UntagResource, ListTagsForResource on the four
//     resource types.
//   - PutResourcePolicy, DescribeResourcePolicy, DeleteResourcePolicy on
//     rule groups and firewall policies: the document is parsed by moat's
//     IAM policy engine and kept to what Network Firewall accepts (Allow
//     statements with a principal, the resource's own ARN, only the actions
//     sharing grants; otherwise InvalidResourcePolicyException "The supplied
//     policy does not match RAM managed permissions: …"). Recorded,
//     not enforced: sharing also needs AWS RAM, which moat does not serve,
//     so another account cannot reference the resource yet.
//
// UpdateToken locking: every write returns a new token; UpdateRuleGroup and
// UpdateFirewallPolicy require the current one, the firewall updates check
// it when given; a stale token is InvalidTokenException. All writes of one
// call happen in one store transaction (DryRun writes nothing). State is
// per account and Region; quotas are AWS's defaults (5 firewalls, 20
// policies, 50 stateful and 50 stateless groups).
//
// Where moat differs: firewalls are READY at once (AWS goes through
// PROVISIONING); moat does not check that the VPC and subnets exist (no EC2
// lookup is exported to this package yet) and gives each subnet the first
// free Availability Zone REGION+a, b, c…; endpoint IDs are derived from the
// firewall and subnet. Name collisions are InvalidRequestException (the
// model has no AlreadyExists error). A rule using a variable that neither
// the group's RuleVariables nor Suricata's default suricata.yaml defines is
// refused; Network Firewall's own set of predefined variables is not
// published. IP set references (ReferenceSets, @NAME in rules) are checked
// — at most 5, each with an ARN, every @NAME a rule uses declared — but not
// resolved: moat has no managed prefix lists or resource groups to read, so
// for validation an @NAME stands for a documentation range, and `moat nfw
// pcap` does not load such rules.
//
// Not served: AWS managed rule groups (Scope MANAGED lists none), TLS
// inspection configurations, VPC endpoint associations, transit gateway
// attachments, Availability Zone mappings, UpdateFirewallAnalysisSettings,
// DescribeRuleGroupSummary, DescribeFirewallMetadata, analysis reports,
// flow operations and the proxy operations.
//
// `moat nfw fetch` (internal/cli) reads a live policy and its groups back
// through this API and replays captures through them offline.
package networkfirewall
