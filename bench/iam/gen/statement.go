package gen

import (
	"encoding/json"
	"fmt"
	"strings"
)

// policyKind is where a generated policy goes; it decides which elements
// its statements may carry.
type policyKind uint8

const (
	kindIdentity policyKind = iota
	kindBoundary
	kindSession
	kindResource
	kindTrust
	kindSCPAllow
	kindSCPDeny
	kindRCP
	kindVPCE
)

func (g *caseGen) effect(deny float64) string {
	if g.chance(deny) {
		return "Deny"
	}
	return "Allow"
}

func (g *caseGen) policy(n int, kind policyKind) Doc {
	stmts := make([]Stmt, 0, n)
	for i := 0; i < n; i++ {
		eff := g.effect(0.12)
		switch kind {
		case kindRCP, kindSCPDeny:
			eff = "Deny"
		case kindSCPAllow, kindTrust:
			eff = g.effect(0.1)
		case kindBoundary, kindVPCE:
			eff = g.effect(0.08)
		}
		stmts = append(stmts, g.statement(kind, eff))
	}
	d := doc(stmts...)
	if kind == kindRCP || kind == kindSCPDeny || kind == kindSCPAllow {
		return d
	}
	return g.version(d)
}

// version occasionally uses the 2008 version or none (variables then are
// literal text, [VARS]).
func (g *caseGen) version(d Doc) Doc {
	switch x := g.r.Float64(); {
	case x < 0.02:
		d["Version"] = "2008-10-17"
		g.feature("version-2008")
	case x < 0.03:
		delete(d, "Version")
		g.feature("no-version")
	}
	return d
}

func (g *caseGen) statement(kind policyKind, eff string) Stmt {
	s := Stmt{"Effect": eff}
	if g.chance(0.2) {
		g.sid++
		s["Sid"] = fmt.Sprintf("%s%d", eff, g.sid)
	}
	// Principal
	switch kind {
	case kindResource, kindTrust:
		pe, f := g.principalElement(&g.c, g.resAcct)
		if eff == "Deny" && kind == kindResource && g.chance(0.12) {
			s["NotPrincipal"] = pe
			g.feature("notprincipal")
		} else {
			s["Principal"] = pe
			g.feature(f)
		}
	case kindRCP, kindVPCE:
		s["Principal"] = "*"
	}
	// Action
	switch {
	case kind == kindTrust:
		s["Action"] = g.trustAction()
	case kind == kindRCP:
		s["Action"] = g.actionPatterns(false, false)
	case eff == "Allow" && g.chance(0.08) || g.chance(0.02):
		s["NotAction"] = g.actionPatterns(true, kind == kindSCPAllow || kind == kindSCPDeny)
		g.feature("notaction")
	default:
		s["Action"] = g.actionPatterns(true, kind == kindSCPAllow || kind == kindSCPDeny)
	}
	// Resource
	if kind != kindTrust {
		if eff == "Allow" && g.chance(0.06) || g.chance(0.03) {
			nr := g.resourcePatterns()
			s["NotResource"] = nr
			g.feature("notresource")
			if b, _ := json.Marshal(nr); strings.Contains(string(b), "${") {
				g.feature("var-notresource")
			}
		} else {
			s["Resource"] = g.resourcePatterns()
		}
	}
	// Condition
	p := 0.35
	switch kind {
	case kindTrust:
		p = 0.6
	case kindRCP, kindSCPDeny:
		p = 0.9
	}
	if g.chance(p) {
		s["Condition"] = g.conditionBlock(kind)
	}
	return s
}

func (g *caseGen) trustAction() any {
	var acts []string
	switch g.a.name {
	case "AssumeRoleWithWebIdentity":
		acts = []string{"sts:AssumeRoleWithWebIdentity", "sts:AssumeRole*", "sts:AssumeRoleWithWebIdentity"}
	default:
		acts = []string{"sts:AssumeRole", "sts:AssumeRole", "sts:TagSession", "sts:*", "sts:AssumeRole*"}
	}
	if g.chance(0.25) {
		return []any{"sts:AssumeRole", "sts:TagSession"}
	}
	return pick(g.r, acts)
}

// actionPattern returns one action pattern, often covering the request's action.
// In SCPs a wildcard may only end an action name (scpOnly) [SCP syntax].
func (g *caseGen) actionPattern(star, scpOnly bool) string {
	r := g.r
	a := g.a
	name := a.name
	x := r.Float64()
	if scpOnly && x >= 0.57 && x < 0.67 {
		x = 0.5
	}
	switch {
	case x < 0.33:
		if g.chance(0.1) {
			g.feature("action-case")
			return strings.ToUpper(a.service) + ":" + strings.ToLower(name)
		}
		return a.full()
	case x < 0.45:
		return a.service + ":*"
	case x < 0.57:
		k := 1 + r.IntN(len(name)-1)
		return a.service + ":" + name[:k] + "*"
	case x < 0.63:
		k := 1 + r.IntN(len(name)-1)
		return a.service + ":*" + name[k:]
	case x < 0.67:
		k := r.IntN(len(name))
		g.feature("action-qmark")
		return a.service + ":" + name[:k] + "?" + name[k+1:]
	case x < 0.71 && star:
		return "*"
	case x < 0.86:
		if o := otherActions[a.service]; len(o) > 0 && g.chance(0.6) {
			return a.service + ":" + pick(r, o)
		}
		for {
			b := &catalog[r.IntN(len(catalog))]
			if b.service == a.service && b.name != a.name {
				return b.full()
			}
		}
	default:
		b := &catalog[r.IntN(len(catalog))]
		if g.chance(0.5) {
			return b.service + ":*"
		}
		return b.full()
	}
}

func (g *caseGen) actionPatterns(star, scpOnly bool) any {
	if g.chance(0.3) {
		return []any{g.actionPattern(star, scpOnly), g.actionPattern(star, scpOnly)}
	}
	return g.actionPattern(star, scpOnly)
}

func (g *caseGen) resourcePatterns() any {
	if g.chance(0.25) {
		return []any{g.resourcePattern(), g.resourcePattern()}
	}
	return g.resourcePattern()
}

// resourcePattern returns one Resource pattern, often covering the request's resource.
func (g *caseGen) resourcePattern() string {
	r := g.r
	arn := g.resource
	if arn == "*" {
		if g.chance(0.75) {
			return "*"
		}
		g.feature("wildcard-only-arn-scoped")
		return "arn:aws:" + g.a.service + ":::*"
	}
	parts := strings.SplitN(arn, ":", 6)
	rest := parts[5]
	switch x := r.Float64(); {
	case x < 0.30:
		return arn
	case x < 0.45:
		// keep the resource type word, wildcard the rest of the id
		cut := typeEnd(rest)
		k := cut + r.IntN(len(rest)-cut+1)
		return strings.Join(parts[:5], ":") + ":" + rest[:k] + "*"
	case x < 0.50:
		p := slices5(parts)
		p[3] = "*"
		return strings.Join(p, ":")
	case x < 0.55:
		p := slices5(parts)
		p[4] = "*"
		return strings.Join(p, ":")
	case x < 0.63:
		return "*"
	case x < 0.69:
		k := typeEnd(rest) + r.IntN(len(rest)-typeEnd(rest))
		if k < len(rest) && rest[k] != '/' && rest[k] != ':' {
			g.feature("resource-qmark")
			return strings.Join(parts[:5], ":") + ":" + rest[:k] + "?" + rest[k+1:]
		}
		return arn
	case x < 0.72:
		g.feature("resource-colon-star")
		if parts[2] == "s3" {
			return "arn:aws:s3:::*"
		}
		if g.chance(0.5) {
			return "arn:aws:" + parts[2] + ":" + parts[3] + ":*"
		}
		return "arn:aws:" + parts[2] + ":*"
	case x < 0.80:
		return g.variableResource(parts)
	default:
		// another resource of the same type
		name := pick(r, g.a.names)
		other := strings.NewReplacer("{acct}", pick(r, []string{AcctA, AcctB, AcctC}), "{region}", g.region, "{name}", name).Replace(g.a.arn)
		if g.chance(0.3) {
			return other[:len(other)-1] + "*"
		}
		return other
	}
}

func slices5(p []string) []string { return append([]string(nil), p...) }

// typeEnd returns the index just after the resource-type word of an ARN's
// resource part ("user/", "function:", "" for S3 and SQS/SNS names).
func typeEnd(rest string) int {
	if i := strings.IndexAny(rest, "/:"); i >= 0 {
		return i + 1
	}
	return 0
}

// variableResource returns a pattern with a policy variable in the
// resource part.
func (g *caseGen) variableResource(parts []string) string {
	g.feature("var-resource")
	head := strings.Join(parts[:5], ":") + ":"
	rest := parts[5]
	switch g.a.service {
	case "s3":
		b := rest
		if i := strings.IndexByte(rest, '/'); i >= 0 {
			b = rest[:i]
		}
		return head + b + "/home/${aws:username}/*"
	case "iam":
		return head + rest[:typeEnd(rest)] + "${aws:username}"
	default:
		if g.chance(0.5) {
			g.feature("var-default")
			return head + rest[:typeEnd(rest)] + "${aws:PrincipalTag/team, 'company-wide'}*"
		}
		return head + rest[:typeEnd(rest)] + "${aws:PrincipalTag/team}*"
	}
}
