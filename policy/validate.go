package policy

import (
	"encoding/base64"
	"fmt"
	"sort"
	"strconv"
	"strings"
)

// Validate checks p as a policy of the given kind, the way IAM Access
// Analyzer's ValidatePolicy does, and returns findings sorted by position.
// Codes are Access Analyzer's issue codes where one exists; codes that are
// moat's own are listed in docs/policy-language.md. No service/action
// database is consulted: unknown actions, resource types and service keys are
// not reported.
func Validate(p *Policy, kind Kind) []Finding {
	if p == nil {
		return nil
	}
	v := &validator{p: p, kind: kind}
	v.policy()
	for _, s := range p.Statements {
		v.statement(s)
	}
	sort.SliceStable(v.out, func(i, j int) bool {
		a, b := v.out[i], v.out[j]
		if a.Line != b.Line {
			return a.Line < b.Line
		}
		return a.Column < b.Column
	})
	return v.out
}

type validator struct {
	p    *Policy
	kind Kind
	out  []Finding
}

func (v *validator) add(sev Severity, code, path string, line, col int, format string, args ...any) {
	v.out = append(v.out, Finding{Severity: sev, Code: code, Path: path, Line: line, Column: col, Message: fmt.Sprintf(format, args...)})
}

// at reports at a statement element ("Action", "Action[2]", "" = the statement).
func (v *validator) at(s *Statement, elem string, sev Severity, code, format string, args ...any) {
	pos, ok := s.pos[elem]
	if !ok {
		base := elem
		if i := strings.IndexByte(elem, '['); i >= 0 {
			base = elem[:i]
		}
		if pos, ok = s.pos[base]; !ok {
			pos = position{s.Line, s.Column}
		}
	}
	path := s.path
	if elem != "" {
		path += "." + elem
	}
	v.add(sev, code, path, pos.line, pos.col, format, args...)
}

func (v *validator) policy() {
	p := v.p
	switch p.Version {
	case "2012-10-17":
	case "":
		sev := SeverityWarning
		if v.kind == SCP || v.kind == RCP {
			sev = SeverityError
		}
		v.add(sev, "MISSING_VERSION", "Version", 1, 1, "add Version \"2012-10-17\": without it policy variables are literal text")
	case "2008-10-17":
		sev := SeverityWarning
		if v.kind == SCP || v.kind == RCP {
			sev = SeverityError
		}
		v.add(sev, "OBSOLETE_VERSION", "Version", p.versionLine, p.versionColumn, "Version 2008-10-17 is obsolete: use 2012-10-17 (policy variables are literal text with 2008-10-17)")
	default:
		v.add(SeverityError, "INVALID_VERSION", "Version", p.versionLine, p.versionColumn, "the Version %q is not valid: use \"2012-10-17\"", p.Version)
	}
	if len(p.Statements) == 0 {
		v.add(SeverityError, "MISSING_STATEMENT", "Statement", 1, 1, "the policy has no statements")
	}
	seen := map[string]*Statement{}
	for _, s := range p.Statements {
		if s.Sid == "" {
			continue
		}
		if first, ok := seen[s.Sid]; ok {
			sev := SeverityWarning
			if v.kind == SCP || v.kind == RCP || v.kind == Trust {
				sev = SeverityError
			}
			v.at(s, "Sid", sev, "UNIQUE_SIDS_REQUIRED", "duplicate Sid %q (also %s)", s.Sid, first.path)
		} else {
			seen[s.Sid] = s
		}
	}
}

func (v *validator) statement(s *Statement) {
	v.effect(s)
	v.principal(s)
	v.actions(s)
	v.resources(s)
	v.conditions(s)
}

func (v *validator) effect(s *Statement) {
	switch {
	case !s.raw.effectIsText:
		v.at(s, "", SeverityError, "MISSING_EFFECT", "add an Effect element: Allow or Deny")
	case s.Effect == 0:
		v.at(s, "Effect", SeverityError, "INVALID_EFFECT", "the effect %q is not valid: use Allow or Deny%s", s.raw.effect, suggest(s.raw.effect, []string{"Allow", "Deny"}))
	case v.kind == RCP && s.Effect == Allow:
		v.at(s, "Effect", SeverityError, "RCP_ALLOW_NOT_SUPPORTED", "resource control policies may only contain Deny statements (Allow is reserved for RCPFullAWSAccess)")
	}
}

func (v *validator) principal(s *Statement) {
	elem := "Principal"
	if s.NotPrincipal {
		elem = "NotPrincipal"
	}
	switch v.kind {
	case Identity, PermissionsBoundary, Session:
		if s.Principal != nil {
			v.at(s, elem, SeverityError, "UNSUPPORTED_PRINCIPAL", "the %s element is not supported in %s policies", elem, kindTitle(v.kind))
		}
		return
	case SCP:
		if s.Principal != nil {
			v.at(s, elem, SeverityError, "SCP_SYNTAX_ERROR_PRINCIPAL", "service control policies do not support the %s element", elem)
		}
		return
	}
	if s.Principal == nil {
		if v.kind == Resource || v.kind == Trust || v.kind == RCP {
			v.at(s, "", SeverityError, "MISSING_PRINCIPAL", "add a Principal element to the statement: %s policies must name who they apply to", kindTitle(v.kind))
		}
		return
	}
	if s.NotPrincipal {
		switch {
		case v.kind == Trust:
			v.at(s, elem, SeverityError, "INVALID_POLICY_ELEMENT", "NotPrincipal is not supported in role trust policies")
		case s.Effect == Allow:
			v.at(s, elem, SeverityWarning, "ALLOW_WITH_NOT_PRINCIPAL", "Allow with NotPrincipal grants access to every principal not listed, anonymous users included")
		case s.Effect == Deny:
			v.at(s, elem, SeverityWarning, "DENY_WITH_NOT_PRINCIPAL", "Deny with NotPrincipal always denies principals with a permissions boundary and exempts only principals listed together with their account (and role); use a condition on aws:PrincipalArn instead")
		}
	}
	pr := s.Principal
	if len(pr.AWS)+len(pr.Service)+len(pr.Federated)+len(pr.CanonicalUser) == 0 && !pr.Any {
		v.at(s, elem, SeveritySuggestion, "EMPTY_OBJECT_PRINCIPAL", "the %s element is empty and names nobody", elem)
	}
	for _, a := range pr.AWS {
		if msg := checkAWSPrincipal(a); msg != "" {
			v.at(s, elem, SeverityError, "INVALID_PRINCIPAL_FORMAT", "%s", msg)
		}
	}
	for _, sv := range pr.Service {
		if strings.ContainsAny(sv, "*?") || strings.Contains(sv, "${") || !strings.Contains(sv, ".") {
			v.at(s, elem, SeverityError, "INVALID_PRINCIPAL_FORMAT", "the service principal %q is not valid: use a name such as ec2.amazonaws.com (no wildcards)", sv)
		}
	}
	for _, f := range pr.Federated {
		if strings.ContainsAny(f, "*?") || strings.Contains(f, "${") {
			v.at(s, elem, SeverityError, "INVALID_PRINCIPAL_FORMAT", "the federated principal %q is not valid: wildcards and variables are not allowed", f)
		}
	}
}

func kindTitle(k Kind) string {
	switch k {
	case Identity:
		return "identity"
	case Resource:
		return "resource-based"
	case Trust:
		return "role trust"
	case PermissionsBoundary:
		return "permissions boundary"
	case Session:
		return "session"
	case SCP:
		return "service control"
	case RCP:
		return "resource control"
	}
	return "VPC endpoint"
}

// checkAWSPrincipal returns a message when an AWS principal value is not one
// of the documented forms.
func checkAWSPrincipal(a string) string {
	if a == "*" || isAccountID(a) {
		return ""
	}
	if strings.ContainsAny(a, "*?") {
		return fmt.Sprintf("the principal %q is not valid: wildcards are not allowed in principals except for \"*\" alone", a)
	}
	if strings.Contains(a, "${") {
		return fmt.Sprintf("the principal %q is not valid: policy variables are not allowed in principals", a)
	}
	if !strings.HasPrefix(a, "arn:") {
		return fmt.Sprintf("the principal %q is not valid: use an account ID, an IAM ARN or \"*\"", a)
	}
	parts := strings.SplitN(a, ":", 6)
	if len(parts) < 6 || !isAccountID(parts[4]) && parts[4] != "aws" {
		return fmt.Sprintf("the principal %q is not valid: the ARN needs a 12-digit account", a)
	}
	res := parts[5]
	switch parts[2] {
	case "iam":
		if res == "root" || strings.HasPrefix(res, "user/") || strings.HasPrefix(res, "role/") ||
			strings.HasPrefix(res, "oidc-provider/") || strings.HasPrefix(res, "saml-provider/") {
			return ""
		}
		if strings.HasPrefix(res, "group/") {
			return fmt.Sprintf("the principal %q is not valid: IAM groups cannot be principals", a)
		}
	case "sts":
		if strings.HasPrefix(res, "assumed-role/") || strings.HasPrefix(res, "federated-user/") {
			return ""
		}
	}
	return fmt.Sprintf("the principal %q is not valid: expected an account root, user, role, assumed-role or federated-user ARN", a)
}

func (v *validator) actions(s *Statement) {
	elem := "Action"
	if s.NotAction {
		elem = "NotAction"
	}
	if s.Actions == nil {
		v.at(s, "", SeverityError, "MISSING_ACTION", "add an Action or NotAction element to the statement")
		return
	}
	if len(s.Actions) == 0 {
		v.at(s, elem, SeveritySuggestion, "EMPTY_ARRAY_ACTION", "the %s array is empty: the statement matches no action", elem)
	}
	for i, a := range s.Actions {
		e := elem + "[" + strconv.Itoa(i) + "]"
		if strings.Contains(a, "${") {
			v.at(s, e, SeverityError, "INVALID_ACTION", "the action %q is not valid: policy variables are not allowed in %s", a, elem)
			continue
		}
		if a == "*" {
			continue
		}
		svc, name, ok := strings.Cut(a, ":")
		if !ok || svc == "" || name == "" || strings.ContainsAny(svc, "*?") || !validServicePrefix(svc) {
			v.at(s, e, SeverityError, "INVALID_ACTION", "the action %q is not valid: use service:ActionName (wildcards only in the action name) or \"*\"", a)
			continue
		}
		if v.kind == SCP {
			if k := strings.IndexAny(name, "*?"); k >= 0 && !(k == len(name)-1 && name[k] == '*') {
				v.at(s, e, SeverityError, "SCP_SYNTAX_ERROR_ACTION_WILDCARD", "service control policies allow a wildcard only at the end of an action name, got %q", a)
			}
		}
	}
}

func validServicePrefix(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '.' || c == '_') {
			return false
		}
	}
	return true
}

func (v *validator) resources(s *Statement) {
	elem := "Resource"
	if s.NotResource {
		elem = "NotResource"
	}
	if !s.HasResource {
		switch v.kind {
		case Identity, PermissionsBoundary, Session, SCP, RCP:
			v.at(s, "", SeverityError, "MISSING_RESOURCE", "add a Resource or NotResource element to the statement")
		}
		return
	}
	if s.NotResource && s.Effect == Allow {
		v.at(s, elem, SeverityWarning, "ALLOW_WITH_NOT_RESOURCE", "Allow with NotResource grants the actions on every resource not listed, including resources created later; list the resources you mean in Resource instead")
	}
	if len(s.Resources) == 0 {
		v.at(s, elem, SeveritySuggestion, "EMPTY_ARRAY_RESOURCE", "the %s array is empty: the statement matches no resource", elem)
	}
	for i, r := range s.Resources {
		e := elem + "[" + strconv.Itoa(i) + "]"
		for _, f := range checkResource(r, v.p.Version == "2012-10-17") {
			v.at(s, e, f.sev, f.code, "%s", f.msg)
		}
	}
}

type issue struct {
	sev  Severity
	code string
	msg  string
}

var partitions = map[string]bool{"aws": true, "aws-cn": true, "aws-us-gov": true, "aws-iso": true, "aws-iso-b": true,
	"aws-iso-e": true, "aws-iso-f": true, "aws-eusc": true}

// typedServices always have a resource-type word in their ARNs.
var typedServices = map[string]bool{"iam": true, "ec2": true, "kms": true, "lambda": true, "dynamodb": true,
	"rds": true, "ecs": true, "eks": true, "secretsmanager": true, "ssm": true, "logs": true, "cloudformation": true,
	"elasticloadbalancing": true, "autoscaling": true, "states": true, "events": true, "ecr": true, "sts": true,
	"organizations": true, "cloudwatch": true, "elasticfilesystem": true, "glue": true, "kinesis": true, "firehose": true}

func checkResource(r string, vars bool) []issue {
	if r == "*" {
		return nil
	}
	var out []issue
	if !strings.HasPrefix(r, "arn:") {
		return []issue{{SeverityError, "INVALID_ARN_PREFIX", fmt.Sprintf("the resource %q is not valid: use an ARN starting with \"arn:\" or \"*\"", r)}}
	}
	f := strings.SplitN(r, ":", 6)
	if len(f) < 6 {
		return []issue{{SeverityError, "MISSING_ARN_FIELD", fmt.Sprintf("the resource %q is missing ARN fields: use arn:partition:service:region:account:resource", r)}}
	}
	if !partitions[f[1]] && !strings.ContainsAny(f[1], "*?") && !strings.Contains(f[1], "${") {
		out = append(out, issue{SeverityError, "INVALID_PARTITION", fmt.Sprintf("the partition %q in %q is not valid", f[1], r)})
	}
	if strings.ContainsAny(f[2], "*?") {
		out = append(out, issue{SeverityError, "INVALID_ARN_RESOURCE", fmt.Sprintf("the service segment of %q may not contain wildcards", r)})
	}
	if f[2] != strings.ToLower(f[2]) {
		out = append(out, issue{SeverityError, "INVALID_ARN_SERVICE_CASE", fmt.Sprintf("the service %q in %q must be lower case", f[2], r)})
	}
	res := f[5]
	if res != "*" {
		word := res
		sep := strings.IndexAny(res, "/:")
		if sep >= 0 {
			word = res[:sep]
		}
		switch {
		case !strings.ContainsAny(word, "*?") || word == "*":
		case f[2] == "iam":
			// The IAM Resource page's example: arn:aws:iam::123456789012:u* is not allowed.
			out = append(out, issue{SeverityError, "INVALID_ARN_RESOURCE", fmt.Sprintf("the resource type in %q may not contain wildcards: write the type out (e.g. user/*)", r)})
		case sep >= 0 && typedServices[f[2]]:
			out = append(out, issue{SeverityWarning, "WILDCARD_IN_RESOURCE_TYPE", fmt.Sprintf("the resource type in %q contains a wildcard; AWS recommends writing the type out, and how such patterns match is not specified", r)})
		}
	}
	if strings.Contains(r, "${") {
		head := f[0] + f[1] + f[2] + f[3] + f[4]
		switch {
		case !vars:
			out = append(out, issue{SeverityWarning, "VARIABLE_WITHOUT_VERSION", fmt.Sprintf("%q looks like it uses a policy variable, but variables need Version 2012-10-17: it is literal text here", r)})
		case strings.Contains(head, "${"):
			out = append(out, issue{SeverityWarning, "VARIABLE_OUTSIDE_RESOURCE_PART", fmt.Sprintf("policy variables are substituted only in the resource part of an ARN (after the fifth colon); elsewhere moat keeps them as literal text: %q", r)})
		}
	}
	return out
}

// singleValued lists global keys AWS documents as single-valued; prefixes end in '/'.
var singleValued = []string{"aws:principaltag/", "aws:requesttag/", "aws:resourcetag/", "aws:sourceip", "aws:sourcevpce",
	"aws:sourcevpc", "aws:vpcsourceip", "aws:securetransport", "aws:multifactorauthpresent", "aws:multifactorauthage",
	"aws:tokenissuetime", "aws:principalorgid", "aws:principalaccount", "aws:userid", "aws:username", "aws:principalarn",
	"aws:principaltype", "aws:currenttime", "aws:epochtime", "aws:requestedregion", "aws:viaawsservice",
	"aws:calledviafirst", "aws:calledvialast", "aws:principalisawsservice", "aws:principalservicename", "aws:sourcearn",
	"aws:sourceaccount", "aws:resourceaccount", "aws:sourceidentity", "aws:referer", "aws:useragent", "aws:sourceorgid",
	"aws:resourceorgid", "aws:federatedprovider", "aws:ec2instancesourcevpc", "aws:ec2instancesourceprivateipv4"}

// multiValued lists keys AWS documents as multivalued.
var multiValued = map[string]bool{"aws:tagkeys": true, "aws:calledvia": true, "aws:principalorgpaths": true,
	"aws:principalservicenameslist": true, "aws:resourceorgpaths": true, "aws:sourceorgpaths": true,
	"dynamodb:attributes": true}

func isSingleValued(key string) bool {
	k := strings.ToLower(key)
	for _, s := range singleValued {
		if k == s || (strings.HasSuffix(s, "/") && strings.HasPrefix(k, s) && len(k) > len(s)) {
			return true
		}
	}
	return false
}

func (v *validator) conditions(s *Statement) {
	if !s.has["Condition"] {
		return
	}
	if len(s.Conditions) == 0 {
		v.at(s, "Condition", SeveritySuggestion, "EMPTY_OBJECT_CONDITION", "the Condition element is empty")
	}
	keysByOp := map[string]map[string]string{}
	for i := range s.Conditions {
		c := &s.Conditions[i]
		path := s.path + ".Condition." + c.Operator + "." + c.Key
		add := func(sev Severity, code, format string, args ...any) {
			v.add(sev, code, path, c.Line, c.Column, format, args...)
		}
		op, ok := parseOperator(c.Operator)
		if !ok {
			if strings.HasSuffix(c.Operator, "IfExists") && strings.HasSuffix(strings.TrimSuffix(c.Operator, "IfExists"), "Null") {
				add(SeverityError, "NULL_WITH_IF_EXISTS", "the Null operator cannot be used with IfExists")
			} else {
				v.add(SeverityError, "INVALID_CONDITION_OPERATOR", s.path+".Condition", c.opLine, c.opColumn, "unknown operator %s%s", c.Operator, suggestOperator(c.Operator))
			}
			continue
		}
		lower := strings.ToLower(c.Key)
		if m := keysByOp[c.Operator]; m != nil {
			if prev, dup := m[lower]; dup && prev != c.Key {
				add(SeverityError, "DUPLICATE_KEYS_WITH_DIFFERENT_CASE", "the condition keys %q and %q differ only in case; keys are case-insensitive", prev, c.Key)
			}
		} else {
			keysByOp[c.Operator] = map[string]string{}
		}
		keysByOp[c.Operator][lower] = c.Key
		if !strings.Contains(c.Key, ":") {
			add(SeverityError, "INVALID_CONDITION_KEY_FORMAT", "the condition key %q is not valid: use prefix:name, e.g. aws:SourceIp", c.Key)
		}
		if len(c.Values) == 0 {
			add(SeveritySuggestion, "EMPTY_ARRAY_CONDITION", "the condition has no values")
		}
		v.conditionValues(s, c, op, add)
		v.conditionSets(s, c, op, add)
	}
}

func (v *validator) conditionSets(s *Statement, c *Condition, op parsedOp, add func(Severity, string, string, ...any)) {
	switch {
	case op.set != setNone && isSingleValued(c.Key):
		code := "FOR_ALL_VALUES_WITH_SINGLE_VALUED_KEY"
		if op.set == setForAny {
			code = "FOR_ANY_VALUE_WITH_SINGLE_VALUED_KEY"
		}
		add(SeverityWarning, code, "%s is a single-valued key: remove the set operator from %s, it can make the policy more permissive than intended", c.Key, c.Operator)
	case op.set == setNone && op.info.base != opNull && multiValued[strings.ToLower(c.Key)]:
		add(SeverityWarning, "MULTIVALUED_KEY_WITHOUT_SET_OPERATOR", "%s is a multivalued key: use ForAllValues: or ForAnyValue: with %s (without one the condition never matches)", c.Key, c.Operator)
	}
	if op.set == setForAll && s.Effect == Allow {
		add(SeverityWarning, "FOR_ALL_VALUES_WITH_ALLOW", "ForAllValues with Allow also matches requests without %s or with an empty set; add a Null condition with \"false\" for %s", c.Key, c.Key)
	}
	if op.set != setNone && op.info.base == opNull {
		add(SeverityWarning, "SET_OPERATOR_WITH_NULL", "a set operator has no effect on Null")
	}
}

func (v *validator) conditionValues(s *Statement, c *Condition, op parsedOp, add func(Severity, string, string, ...any)) {
	vars := v.p.Version == "2012-10-17"
	for _, val := range c.Values {
		if strings.Contains(val, "${") && vars && !op.info.base.acceptsVariables() && !isEscapeOnly(val) {
			add(SeverityError, "INVALID_VARIABLE_FOR_OPERATOR", "policy variables are not supported with the %s operator", op.name)
			continue
		}
		if strings.Contains(val, "${") {
			continue
		}
		bad := ""
		switch op.info.base {
		case opNumericEquals, opNumericLessThan, opNumericLessThanEquals, opNumericGreaterThan, opNumericGreaterThanEquals:
			if _, ok := parseNumber(val); !ok {
				bad = "a number"
			}
		case opDateEquals, opDateLessThan, opDateLessThanEquals, opDateGreaterThan, opDateGreaterThanEquals:
			if _, ok := parseDate(val); !ok {
				bad = "an ISO 8601 date or epoch seconds"
			}
		case opIPAddress:
			if _, ok := parseCIDR(val); !ok {
				bad = "an IPv4 or IPv6 address or CIDR"
			}
		case opBool, opNull:
			if l := strings.ToLower(val); l != "true" && l != "false" {
				bad = "true or false"
			}
		case opBinaryEquals:
			if _, err := base64.StdEncoding.DecodeString(val); err != nil {
				bad = "base64"
			}
		case opArnLike:
			if val != "*" && strings.Count(val, ":") < 5 {
				bad = "an ARN (arn:partition:service:region:account:resource)"
			}
		}
		if bad != "" {
			add(SeverityError, "DATA_TYPE_MISMATCH", "the value %q does not match the type of %s: expected %s", val, op.name, bad)
		}
	}
	if op.info.base == opBool && len(c.Values) > 1 {
		add(SeverityError, "INVALID_CONDITION_MULTIPLE_BOOLEAN", "Bool takes a single value: \"true\" or \"false\"")
	}
}

// isEscapeOnly reports whether every ${...} in s is one of the escapes ${*} ${?} ${$}.
func isEscapeOnly(s string) bool {
	r := strings.NewReplacer("${*}", "", "${?}", "", "${$}", "")
	return !strings.Contains(r.Replace(s), "${")
}
