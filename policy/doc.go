// Package policy implements the AWS IAM policy language: Parse a JSON policy
// document (with line:column positions and JSON paths for every error),
// Validate it the way IAM Access Analyzer's ValidatePolicy does, Compile it
// once into an immutable evaluator, and Evaluate requests against it without
// allocating.
//
//	p, err := policy.Parse(doc)                  // *policy.Error{Line, Column, Path, Message, Code}
//	findings := policy.Validate(p, policy.Identity)
//	c, err := policy.Compile(p, policy.Identity) // fails only when evaluation cannot be faithful
//	res := c.Evaluate(&policy.Request{Action: "s3:GetObject", Resource: arn, Context: ctx})
//
// One Compiled policy answers for one document; combining policy types
// (identity, resource, boundary, session, SCP, RCP, endpoint) into an AWS
// decision is package authz's job. Result reports the first applicable Allow
// and Deny statements and, for policies with Principal, how the Allow
// statements named the caller (Grant), which authz needs for the same-account
// rules of resource-based policies.
//
// # What is implemented
//
// Grammar (reference_policies_grammar, _elements_*): Version, Id, Statement
// (object or array), Sid, Effect, Principal/NotPrincipal (AWS, Service,
// Federated, CanonicalUser; "*"), Action/NotAction, Resource/NotResource,
// Condition. Strings or arrays wherever AWS accepts both. Duplicate keys in
// one object, unknown elements, wrong JSON types and X together with NotX are
// parse errors. Documents are limited to MaxDocumentSize bytes and MaxDepth
// levels of nesting.
//
// Matching: actions case-insensitively with '*' and '?'; resources
// case-sensitively, '*' spanning '/' inside a segment, a '*' that ends a
// colon-separated segment crossing colons (current Resource page), other
// wildcards never matching ':'; requests for actions without resource types
// (Resource "*") are covered only by a policy Resource of exactly "*"
// ([NACT]; the spec's decision on the contradicting Carlos example).
// Wildcard matching is linear for patterns whose wildcards may cross colons
// and O(text × pattern) otherwise; there is no backtracking.
//
// Conditions: every operator of reference_policies_elements_condition_operators
// (String*, Numeric*, Date* with W3C ISO 8601 and epoch seconds compared as
// instants, Bool, BinaryEquals, IpAddress/NotIpAddress for IPv4 and IPv6 with
// /0, Arn* field by field, Null), the IfExists suffix, ForAllValues: and
// ForAnyValue: (empty or missing sets: ForAllValues true, ForAnyValue false),
// several values = OR (negated operators: differ from all), several keys and
// operators = AND, negated operators true on a missing key. Condition key
// names, including tag keys after aws:PrincipalTag/ etc., are
// case-insensitive.
//
// Policy variables (reference_policies_variables): only with Version
// 2012-10-17; ${key}, ${key, 'default'}, the escapes ${*} ${?} ${$}; in the
// resource part of Resource/NotResource ARNs and in String, ARN and Bool
// condition values; substituted text is literal; variables resolve from the
// request Context only (it is authoritative) and only from single-valued
// keys. Unresolved: a Resource pattern matches nothing, a condition value
// matches nothing (so positive operators are false and negated ones true).
//
// Principals: see Grant. NotPrincipal exempts a caller only when every
// identity in its chain is listed (a user: its ARN and its account; a role
// session: session ARN, role ARN and account; root: the account), per the
// NotPrincipal page; Deny + NotPrincipal always applies to a caller with
// Caller.HasPermissionsBoundary ([PB]).
//
// Validation: findings use Access Analyzer issue codes where they exist
// (access-analyzer-reference-policy-checks); codes that are moat's own are
// listed in docs/policy-language.md. There is no service, action, resource
// type or condition-key database yet: unknown actions, resource types and
// service keys are not reported.
//
// # Where AWS is silent or moat chooses
//
//   - A multivalued context key (set with Context.SetMulti) under an operator
//     without ForAllValues:/ForAnyValue: never matches, for positive and
//     negated operators alike (AWS only says "use a set operator";
//     iam-simulate answers the same).
//   - ForAnyValue:...IfExists on a missing key is true (the IfExists rule);
//     iam-simulate says false.
//   - For Null, an empty multivalued key counts as absent.
//   - Bool accepts policy variables (the operators page allows it, the
//     variables page does not) and compares case-insensitively.
//   - BinaryEquals compares the base64 text of the request value with the
//     policy value.
//   - Numbers are compared as float64.
//   - Policy values that do not parse (a bad date, number, CIDR or ARN) match
//     nothing; Validate reports them as DATA_TYPE_MISMATCH.
//   - '?' in an ARN pattern never matches ':'; a non-final '*' of a segment
//     does not cross ':' (the Resource page only says what a final one does).
//   - Variables outside the resource part of a Resource ARN stay literal, as
//     the spec says; note that the AWS managed policy
//     AmazonTimestreamInfluxDBServiceRolePolicy uses ${aws:PrincipalAccount}
//     in the account field, which suggests AWS substitutes there too
//     (Validate warns: VARIABLE_OUTSIDE_RESOURCE_PART).
//   - Principal in identity-type policies is ignored by Compile (Validate
//     reports UNSUPPORTED_PRINCIPAL). A statement of a resource-type policy
//     without Principal applies to every caller with Grant 0.
//   - Allow + NotPrincipal grants as GrantAnyone.
//   - Principal ARNs are compared verbatim: AWS stores unique IDs for named
//     users and roles in trust policies, so a deleted and recreated user or
//     role would no longer match there; moat does not model unique IDs.
//   - NewCaller derives an assumed-role session's role ARN without a path;
//     set Caller.RoleARN when the role has one.
//
// AWS documentation (https://docs.aws.amazon.com/):
//
//	IAM/latest/UserGuide/reference_policies_grammar.html
//	IAM/latest/UserGuide/reference_policies_elements.html (and _elements_*)
//	IAM/latest/UserGuide/reference_policies_elements_condition_operators.html
//	IAM/latest/UserGuide/reference_policies_condition-single-vs-multi-valued-context-keys.html
//	IAM/latest/UserGuide/reference_policies_variables.html
//	IAM/latest/UserGuide/reference_policies_elements_notprincipal.html
//	IAM/latest/UserGuide/reference-arns.html
//	IAM/latest/UserGuide/access-analyzer-reference-policy-checks.html
//
// # Concurrency and cost
//
// Compiled is immutable and safe for concurrent use. Evaluate does not
// allocate: actions are indexed per service prefix (exact names in a map,
// "Prefix*" names in a byte trie, other wildcards in a short list, all
// lower-cased at compile time), resources are compiled to exact, prefix,
// suffix or pre-split chunk matchers, and conditions to typed comparisons
// (parsed numbers, instants, CIDRs, lower-cased keys). A Context may be read
// by many Evaluate calls at once but must not be written meanwhile.
package policy
