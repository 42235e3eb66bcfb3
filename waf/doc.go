// Package waf evaluates AWS WAF (WAFv2) web ACLs as AWS does, offline.
//
//	f, err := waf.ParseWebACL(data)          // `aws wafv2 get-web-acl` output, envelope optional
//	ips, err := waf.ParseIPSet(ipData)       // get-ip-set; ParseRegexPatternSet, ParseRuleGroup alike
//	acl, err := waf.Compile(f, waf.Options{Resources: waf.Resources{IPSets: []*waf.IPSetDoc{ips}}})
//	var res waf.Result
//	acl.Evaluate(&waf.Request{Method: "GET", URI: "/a?b=c", ClientIP: ip}, &res)
//	// res.Action, res.TerminatingRuleID, res.Labels, res.Response, ...
//
// Every load or compile error is an *Error with line, column and the JSON
// path of the offending member, and the WAFV2 exception AWS would answer
// with (Code).
//
// # What is implemented
//
// Object model and evaluation (waf-rule-action, web-acl-processing-order):
// rules in ascending Priority; rule groups (RuleGroupReferenceStatement,
// ManagedRuleGroupStatement) expanded in place with their own priorities,
// OverrideAction None/Count, RuleActionOverrides and legacy ExcludedRules,
// ScopeDownStatement; Allow/Block terminating, Count non-terminating,
// CAPTCHA/Challenge non-terminating with a valid token and terminating
// otherwise (HTTP 405 / 202 interstitials); DefaultAction; CustomResponse
// (status, x-amzn-waf- prefixed headers, CustomResponseBodies); custom
// request headers (x-amzn-waf- prefix); labels fully qualified in the
// namespace of the web ACL or rule group that adds them, visible to later
// rules only; LabelMatchStatement with LABEL/NAMESPACE scope and keys
// relative to the statement's context unless fully qualified.
//
// Statements: ByteMatch (all five PositionalConstraints), RegexMatch,
// RegexPatternSetReference, SqliMatch (LOW/HIGH), XssMatch, SizeConstraint,
// GeoMatch and AsnMatch (through a GeoResolver such as a MaxMind database),
// IPSetReference (IPv4/IPv6, IPSetForwardedIPConfig FIRST/LAST/ANY),
// RateBased (IP, FORWARDED_IP, CONSTANT, CUSTOM_KEYS; 60-600 s windows;
// scope-down), LabelMatch, And/Or/Not, ManagedRuleGroup, RuleGroupReference.
// FieldToMatch: every component AWS lists, with OversizeHandling and the
// inspection limits (body 8 KB for ALB/AppSync, 16 KB default or
// AssociationConfig up to 64 KB elsewhere; headers and cookies 8 KB / 200).
// All 21 TextTransformations, applied in priority order. Capacity (WCU) is
// computed from AWS's published per-statement costs and checked against
// the 5,000 WCU maximum (CheckCapacity for a bare list of rules).
//
// Around the evaluator: AWS's log record (WebACL.Log, with match details
// for SQLi and XSS), sampled requests (Sampler, for GetSampledRequests),
// moat-signed aws-waf-token cookies for CAPTCHA and Challenge (IssueToken),
// JA3 and JA4 fingerprints of TLS ClientHellos, and an enforcing reverse
// proxy (Proxy, with Reloader for ACL files and Metrics in the Prometheus
// format).
//
// # Why hand-written
//
// AWS publishes semantics, not code. The transformations are written here
// (not taken from Coraza, whose names they share) so that they append into
// per-request buffers without allocating; JSON bodies are scanned by a
// lenient scanner because AWS's JSON parsing accepts input encoding/json
// rejects (missing separators). SQL injection and XSS detection use
// github.com/corazawaf/libinjection-go: AWS does not document its detectors,
// so moat's results follow libinjection, and SensitivityLevel HIGH adds
// moat's own SQL patterns. Regular expressions use Go's RE2 syntax, which
// covers the PCRE subset AWS accepts (no backreferences or lookaround).
//
// # Not implemented
//
// Bot Control, ATP and ACFP managed rule group configurations
// (ManagedRuleGroupConfigs is read and ignored); managed rule groups are
// moat's definitions (package waf/managed registers seven of AWS's groups),
// registered with RegisterManagedRuleGroup or supplied as rule group files;
// data protection (log redaction); Firewall Manager rule groups (read,
// ignored). See docs/waf.md for every choice where AWS is silent.
//
// # Concurrency
//
// A compiled *WebACL is safe for concurrent use. Rate-based counters are its
// only mutable state, behind a mutex per rule.
package waf
