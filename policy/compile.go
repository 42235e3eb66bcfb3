package policy

import (
	"fmt"
	"strings"

	"github.com/moatdev/moat/policy/internal/glob"
)

// Compiled is a policy compiled for evaluation. It is immutable and safe for
// concurrent use by any number of goroutines.
type Compiled struct {
	p          *Policy
	kind       Kind
	stmts      []cstmt
	actions    actionIndex
	needGrants bool // some Allow statement has Principal/NotPrincipal
}

type cstmt struct {
	index        int
	effect       Effect
	notAction    bool
	actions      []glob.Pattern // lower-cased; used for NotAction and Matches
	hasResource  bool
	notResource  bool
	resources    []cresource
	principal    *cprincipal // nil: no Principal element, or kind without principals
	notPrincipal bool
	conds        []ccond
}

// cresource is one Resource pattern: static, or with variables in its resource part.
type cresource struct {
	pat  glob.Pattern
	all  bool      // exactly "*"
	tmpl *template // with variables
}

// Compile compiles p for use as a policy of the given kind. It fails (with an
// *Error naming the position) only when the policy cannot be evaluated
// faithfully: a missing or invalid Effect, a statement without Action or
// NotAction, an unknown condition operator, an unknown Version. Problems
// that do not change evaluation are Validate's business.
func Compile(p *Policy, kind Kind) (*Compiled, error) {
	if p == nil {
		return nil, &Error{Message: "nil policy"}
	}
	if p.Version != "" && p.Version != "2012-10-17" && p.Version != "2008-10-17" {
		return nil, &Error{Line: p.versionLine, Column: p.versionColumn, Path: "Version",
			Message: fmt.Sprintf("must be \"2012-10-17\" or \"2008-10-17\", got %q", p.Version)}
	}
	vars := p.Version == "2012-10-17"
	c := &Compiled{p: p, kind: kind, stmts: make([]cstmt, len(p.Statements))}
	for i, s := range p.Statements {
		cs, err := compileStatement(s, kind, vars)
		if err != nil {
			return nil, err
		}
		c.stmts[i] = cs
		if cs.notAction {
			c.actions.always = addStmt(c.actions.always, int32(i))
		} else {
			for _, a := range s.Actions {
				c.actions.add(strings.ToLower(a), int32(i))
			}
		}
		if cs.principal != nil && cs.effect == Allow {
			c.needGrants = true
		}
	}
	c.actions.finish()
	return c, nil
}

func stmtErr(s *Statement, elem, format string, args ...any) *Error {
	pos, ok := s.pos[elem]
	if !ok {
		pos = position{s.Line, s.Column}
	}
	path := s.path
	if elem != "" {
		path += "." + elem
	}
	return &Error{Line: pos.line, Column: pos.col, Path: path, Message: fmt.Sprintf(format, args...)}
}

func compileStatement(s *Statement, kind Kind, vars bool) (cstmt, error) {
	cs := cstmt{index: s.Index, effect: s.Effect, notAction: s.NotAction,
		hasResource: s.HasResource, notResource: s.NotResource, notPrincipal: s.NotPrincipal}
	switch {
	case !s.raw.effectIsText:
		return cs, stmtErr(s, "", "missing required element Effect")
	case s.Effect == 0:
		p, ok := s.pos["Effect.value"]
		if !ok {
			p = position{s.Line, s.Column}
		}
		return cs, &Error{Line: p.line, Column: p.col, Path: s.path + ".Effect",
			Message: fmt.Sprintf("must be \"Allow\" or \"Deny\", got %q", s.raw.effect)}
	case s.Actions == nil:
		return cs, stmtErr(s, "", "missing required element Action or NotAction")
	}
	for _, a := range s.Actions {
		cs.actions = append(cs.actions, glob.Compile(strings.ToLower(a), false))
	}
	for _, r := range s.Resources {
		cs.resources = append(cs.resources, compileResource(r, vars))
	}
	if s.Principal != nil && kind.hasPrincipal() {
		cs.principal = compilePrincipal(s.Principal)
	}
	for _, op := range s.ops {
		if _, ok := parseOperator(op.name); !ok {
			return cs, &Error{Line: op.line, Column: op.col, Path: s.path + ".Condition",
				Message: "unknown operator " + op.name + suggestOperator(op.name)}
		}
	}
	for i := range s.Conditions {
		cc, msg := compileCondition(&s.Conditions[i], vars)
		if msg != "" {
			cond := &s.Conditions[i]
			return cs, &Error{Line: cond.opLine, Column: cond.opColumn, Path: s.path + ".Condition", Message: msg}
		}
		cs.conds = append(cs.conds, cc)
	}
	return cs, nil
}

// compileResource compiles a Resource pattern; variables are honoured only in
// the resource part (after the fifth colon) and only with Version 2012-10-17.
func compileResource(r string, vars bool) cresource {
	if r == "*" {
		return cresource{all: true, pat: glob.Compile(r, true)}
	}
	if vars && hasVars(r) {
		head, tail := splitResourcePart(r)
		if hasVars(tail) {
			t := parseTemplate(tail, true, true)
			if head != "" {
				t.parts = append([]part{{toks: glob.Tokens(head, true)}}, t.parts...)
			}
			return cresource{tmpl: &t}
		}
	}
	return cresource{pat: glob.Compile(r, true)}
}

// splitResourcePart splits an ARN pattern after its fifth colon.
func splitResourcePart(r string) (head, tail string) {
	n := 0
	for i := 0; i < len(r); i++ {
		if r[i] == ':' {
			n++
			if n == 5 {
				return r[:i+1], r[i+1:]
			}
		}
	}
	return r, ""
}

// Policy returns the parsed policy.
func (c *Compiled) Policy() *Policy { return c.p }

// Kind returns the kind the policy was compiled as.
func (c *Compiled) Kind() Kind { return c.kind }

// evalState accumulates a Result.
type evalState struct {
	allow, deny int
	grants      Grant
}

// Evaluate evaluates the request against every statement. It does not allocate.
func (c *Compiled) Evaluate(r *Request) Result {
	st := evalState{allow: len(c.stmts), deny: len(c.stmts)}
	var buf [128]byte
	action := lowerASCII(r.Action, buf[:])
	c.visit(action, r, &st)
	res := Result{AllowStmt: -1, DenyStmt: -1, Grants: st.grants}
	if st.allow < len(c.stmts) {
		res.Allow, res.AllowStmt = true, c.stmts[st.allow].index
	}
	if st.deny < len(c.stmts) {
		res.Deny, res.DenyStmt = true, c.stmts[st.deny].index
	}
	return res
}

// visit considers every statement whose Action may match the lower-cased action.
func (c *Compiled) visit(action string, r *Request, st *evalState) {
	x := &c.actions
	c.considerAll(x.all, r, st)
	for i := range x.general {
		if x.general[i].pat.Match(action) {
			c.consider(x.general[i].stmt, r, st)
		}
	}
	for _, i := range x.always {
		if !c.stmts[i].actionMatches(action) {
			c.consider(i, r, st)
		}
	}
	colon := strings.IndexByte(action, ':')
	if colon < 0 {
		return
	}
	svc := x.services[action[:colon]]
	if svc == nil {
		return
	}
	name := action[colon+1:]
	c.considerAll(svc.all, r, st)
	c.considerAll(svc.exact[name], r, st)
	n := &svc.trie
	for k := 0; n != nil; k++ {
		c.considerAll(n.stmts, r, st)
		if k == len(name) {
			break
		}
		n = n.child(name[k], false)
	}
	for i := range svc.general {
		if svc.general[i].pat.Match(name) {
			c.consider(svc.general[i].stmt, r, st)
		}
	}
}

func (c *Compiled) considerAll(list []int32, r *Request, st *evalState) {
	for _, i := range list {
		c.consider(i, r, st)
	}
}

// consider checks statement i (whose action matches) and records it.
func (c *Compiled) consider(i int32, r *Request, st *evalState) {
	s := &c.stmts[i]
	if s.effect == Allow {
		if int(i) >= st.allow && !(c.needGrants && s.principal != nil) {
			return
		}
	} else if int(i) >= st.deny {
		return
	}
	g, ok := s.applies(r)
	if !ok {
		return
	}
	if s.effect == Allow {
		st.grants |= g
		st.allow = min(st.allow, int(i))
	} else {
		st.deny = min(st.deny, int(i))
	}
}

// applies checks resource, principal and conditions (the action already matched).
func (s *cstmt) applies(r *Request) (Grant, bool) {
	if !s.resourceMatches(r.Resource, r.Context) {
		return 0, false
	}
	var g Grant
	if s.principal != nil {
		if s.notPrincipal {
			boundaryDeny := s.effect == Deny && r.Caller != nil && r.Caller.HasPermissionsBoundary
			if !boundaryDeny && s.principal.exempts(r.Caller) {
				return 0, false
			}
			if s.effect == Allow {
				g = GrantAnyone
			}
		} else if g = s.principal.grants(r.Caller); g == 0 {
			return 0, false
		}
	}
	for k := range s.conds {
		if !s.conds[k].eval(r.Context) {
			return 0, false
		}
	}
	return g, true
}

func (s *cstmt) actionMatches(action string) bool {
	for k := range s.actions {
		if s.actions[k].Match(action) {
			return true
		}
	}
	return false
}

func (s *cstmt) resourceMatches(resource string, ctx *Context) bool {
	if !s.hasResource {
		return true
	}
	m := false
	for k := range s.resources {
		if s.resources[k].match(resource, ctx) {
			m = true
			break
		}
	}
	return m != s.notResource
}

func (cr *cresource) match(resource string, ctx *Context) bool {
	if resource == "*" { // actions without resource types: only "*" covers them [NACT]
		return cr.all
	}
	if cr.tmpl == nil {
		return cr.pat.Match(resource)
	}
	var buf [256]glob.Token
	toks, ok := cr.tmpl.expandTokens(ctx, buf[:0])
	return ok && glob.MatchTokens(toks, resource)
}

// Matches calls fn for every applicable statement, in document order, with
// how its Principal names the caller (0 for statements without Principal).
func (c *Compiled) Matches(r *Request, fn func(stmt int, effect Effect, grants Grant)) {
	action := strings.ToLower(r.Action)
	for i := range c.stmts {
		s := &c.stmts[i]
		if s.actionMatches(action) == s.notAction {
			continue
		}
		if g, ok := s.applies(r); ok {
			fn(s.index, s.effect, g)
		}
	}
}

// ConditionKeys returns the condition keys (as written, without
// duplicates, in document order) of the statements whose Action or
// NotAction applies to action, leaving out keys a statement only tests with
// an ...IfExists operator or Null, which a request may lack. The IAM
// simulator reports the ones its context does not provide as
// MissingContextValues.
func (c *Compiled) ConditionKeys(action string) []string {
	action = strings.ToLower(action)
	var keys []string
	seen := map[string]bool{}
	for i := range c.stmts {
		s := &c.stmts[i]
		if s.actionMatches(action) == s.notAction {
			continue
		}
		for _, st := range c.p.Statements {
			if st.Index != s.index {
				continue
			}
			for _, cond := range st.Conditions {
				op := strings.ToLower(cond.Operator)
				if strings.HasSuffix(op, "ifexists") || op == "null" || seen[strings.ToLower(cond.Key)] {
					continue
				}
				seen[strings.ToLower(cond.Key)] = true
				keys = append(keys, cond.Key)
			}
		}
	}
	return keys
}
