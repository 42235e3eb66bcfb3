// Package managed defines moat's versions of AWS's managed rule groups
// under AWS's names, rule names and labels, and registers them with
// package waf when imported:
//
//	import _ "github.com/moatdev/moat/waf/managed"
//
// AWSManagedRulesCommonRuleSet, AWSManagedRulesKnownBadInputsRuleSet,
// AWSManagedRulesSQLiRuleSet, AWSManagedRulesLinuxRuleSet,
// AWSManagedRulesUnixRuleSet, AWSManagedRulesAmazonIpReputationList and
// AWSManagedRulesAnonymousIpList. AWS keeps its rules' logic private; these
// rules implement each rule's documented intent with AWS's own statement
// language (so DescribeManagedRuleGroup-style listings, labels, overrides
// and capacities behave as with AWS), and use AWS's documented thresholds
// exactly (query string > 2,048 bytes, cookie header > 10,240 bytes, body >
// 8,192 bytes, URI path > 1,024 bytes). The two IP list groups match IP sets
// the user supplies under the rule names (e.g. an IP set named
// AWSManagedIPReputationList). Results differ from AWS's on inputs where
// AWS's private patterns differ; docs/waf.md says how. Each rule stays
// within its AWS description: shell commands are caught by the Unix group's
// rules only, absolute OS paths by the OS groups' LFI rules, and
// EC2MetaDataSSRF looks for EC2's metadata service, not other clouds'.
package managed
