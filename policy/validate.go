package policy

import (
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
	v.redundancy(s)
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
	if v.kind == RCP {
		if s.NotPrincipal {
			v.at(s, elem, SeverityError, "RCP_UNSUPPORTED_ELEMENT", "resource control policies do not support NotPrincipal; use Principal \"*\" with a condition on aws:PrincipalArn")
			return
		}
		if !s.Principal.Any {
			v.at(s, elem, SeverityWarning, "RCP_PRINCIPAL_NOT_STAR", "resource control policies name principals with \"*\" and narrow them with conditions")
		}
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
	if s.NotAction && v.kind == RCP {
		v.at(s, elem, SeverityError, "RCP_UNSUPPORTED_ELEMENT", "resource control policies do not support NotAction")
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
