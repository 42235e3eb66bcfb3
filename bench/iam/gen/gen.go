// Package gen generates random but meaningful IAM authorization cases in
// the JSON Lines format of iam-cases-schema.md, deterministically from a
// seed: real actions over ten services, concrete resource ARNs of a type the
// action takes, policy patterns derived from the request (so statements
// match often enough to give a mix of decisions), conditions of every
// operator family, policy variables, every policy type and principal kind.
// The cases stay within what iam-simulate accepts (iam-evaluation.md §8).
package gen

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
)

// Generator makes cases; case i depends only on (seed, i).
type Generator struct{ seed uint64 }

// New returns a generator for the seed.
func New(seed uint64) *Generator { return &Generator{seed: seed} }

// caseGen holds the state of one case being generated.
type caseGen struct {
	r        *rand.Rand
	a        *action
	c        caller
	resource string
	resAcct  string
	region   string
	ctx      map[string]any
	facts    map[string]any // values the request would carry (ctx is a subset)
	keys     []string       // condition keys valid for the action
	features map[string]bool
	sid      int
}

// Case returns case number i.
func (g *Generator) Case(i int) Case {
	cg := &caseGen{
		r:        rand.New(rand.NewPCG(g.seed, uint64(i)+1)),
		features: map[string]bool{},
	}
	return cg.build(fmt.Sprintf("gen-%d-%05d", g.seed, i))
}

func (g *caseGen) feature(f string) {
	if f != "" {
		g.features[f] = true
	}
}

func pick[T any](r *rand.Rand, xs []T) T { return xs[r.IntN(len(xs))] }

func (g *caseGen) chance(p float64) bool { return g.r.Float64() < p }

func (g *caseGen) build(id string) Case {
	r := g.r
	// Wildcard-only actions are a small share of the catalog's weight.
	for {
		g.a = &catalog[r.IntN(len(catalog))]
		if g.a.arn != "" || g.chance(0.4) {
			break
		}
	}
	g.c = g.pickCaller(g.a)
	g.region = pick(r, []string{"us-east-1", "eu-west-1"})
	g.resAcct = AcctA
	if g.a.arn != "" && g.c.kind != pWebOIDC && g.c.kind != pWebIdP && g.chance(0.35) {
		g.resAcct = AcctB
		g.feature("cross-account")
	}
	if g.c.kind == pAnonymous || g.c.kind == pService {
		g.resAcct = AcctA
	}
	g.resource = "*"
	if g.a.arn != "" {
		name := pick(r, g.a.names)
		g.resource = strings.NewReplacer("{acct}", g.resAcct, "{region}", g.region, "{name}", name).Replace(g.a.arn)
	} else {
		g.feature("wildcard-only-action")
	}
	pols := Policies{}
	hasVPCE := g.c.kind != pService && g.chance(0.10)
	g.makeContext(hasVPCE)
	g.makePolicies(&pols, hasVPCE)
	features := make([]string, 0, len(g.features))
	for f := range g.features {
		features = append(features, f)
	}
	slices.Sort(features)
	return Case{
		ID:       id,
		Features: features,
		Request: Request{
			Principal:       g.c.arn,
			Action:          g.a.full(),
			Resource:        g.resource,
			ResourceAccount: g.resAcct,
			Context:         g.ctx,
		},
		Policies: pols,
	}
}

func (g *caseGen) makePolicies(p *Policies, hasVPCE bool) {
	c := &g.c
	principalSide := c.kind != pAnonymous && c.kind != pService && c.kind != pWebOIDC && c.kind != pWebIdP
	if principalSide {
		n := pick(g.r, []int{0, 1, 1, 1, 2, 2, 2, 3, 3})
		for i := 0; i < n; i++ {
			p.Identity = append(p.Identity, g.identityPolicy(i))
		}
		if c.kind != pRoot && g.chance(0.15) { // the root user cannot have a boundary
			g.feature("boundary")
			p.PermissionBoundary = Named{Name: "Boundary", Policy: g.policy(1+g.r.IntN(2), kindBoundary)}
		}
		if c.isSession() && (c.kind == pFederated && g.chance(0.7) || c.kind != pFederated && g.chance(0.4)) {
			g.feature("session-policy")
			p.Session = g.policy(1+g.r.IntN(3), kindSession)
		} else if c.kind == pFederated {
			g.feature("federated-nosession")
		}
		if c.kind != pRoot && g.chance(0.25) || c.kind == pRoot && g.chance(0.4) {
			g.feature("scp")
			p.SCPs = g.scpLevels()
		}
	}
	switch g.a.res {
	case resGeneric:
		if !principalSide || g.chance(0.55) {
			g.feature("resource-policy")
			p.Resource = g.policy(1+g.r.IntN(3), kindResource)
		}
	case resTrust:
		g.feature("trust-policy")
		p.Resource = g.policy(1+g.r.IntN(2), kindTrust)
	case resKMS:
		g.feature("key-policy")
		p.Resource = g.keyPolicy()
	}
	// RCPs apply only to the services AWS lists (orgs_manage_policies_rcps.html#rcp-supported-services).
	if g.a.arn != "" && rcpServices[g.a.service] && g.chance(0.2) {
		g.feature("rcp")
		p.RCPs = g.rcpLevels()
	}
	if hasVPCE {
		g.feature("vpc-endpoint")
		p.VPCEndpoint = []any{g.policy(1+g.r.IntN(2), kindVPCE)}
	}
}

func (g *caseGen) identityPolicy(i int) any {
	if g.chance(0.08) {
		g.feature("managed-policy")
		return Managed{ManagedPolicy: pick(g.r, managedNames)}
	}
	d := g.policy(1+g.r.IntN(4), kindIdentity)
	if g.chance(0.5) {
		return Named{Name: fmt.Sprintf("Inline%d", i+1), Policy: d}
	}
	return d
}

func (g *caseGen) scpLevels() []Level {
	full := Named{Name: "FullAWSAccess", Policy: doc(Stmt{"Effect": "Allow", "Action": "*", "Resource": "*"})}
	n := 1 + g.r.IntN(3)
	targets := []string{"r-root", "ou-workloads", g.c.account}
	var out []Level
	for i := 0; i < n; i++ {
		lvl := Level{Target: targets[i]}
		if i == 0 && g.chance(0.9) || i > 0 && g.chance(0.6) {
			lvl.Policies = append(lvl.Policies, full)
		} else {
			g.feature("scp-allow-list")
			lvl.Policies = append(lvl.Policies, Named{Name: fmt.Sprintf("AllowList%d", i), Policy: g.policy(1+g.r.IntN(2), kindSCPAllow)})
		}
		if g.chance(0.35) {
			lvl.Policies = append(lvl.Policies, Named{Name: fmt.Sprintf("Guardrail%d", i), Policy: g.policy(1+g.r.IntN(2), kindSCPDeny)})
		}
		out = append(out, lvl)
	}
	return out
}

func (g *caseGen) rcpLevels() []Level {
	n := 1 + g.r.IntN(2)
	targets := []string{"r-root", "ou-data"}
	var out []Level
	for i := 0; i < n; i++ {
		lvl := Level{Target: targets[i], Policies: []any{}}
		for j := g.r.IntN(2) + g.r.IntN(2); j > 0; j-- {
			lvl.Policies = append(lvl.Policies, Named{Name: fmt.Sprintf("RCP%d%d", i, j), Policy: g.policy(1+g.r.IntN(2), kindRCP)})
		}
		out = append(out, lvl)
	}
	return out
}

func (g *caseGen) keyPolicy() Doc {
	var stmts []Stmt
	if g.chance(0.6) {
		g.feature("kms-enable-iam")
		stmts = append(stmts, Stmt{"Sid": "EnableIAMUserPermissions", "Effect": "Allow",
			"Principal": map[string]any{"AWS": "arn:aws:iam::" + g.resAcct + ":root"}, "Action": "kms:*", "Resource": "*"})
	}
	for n := g.r.IntN(3); n > 0 || len(stmts) == 0; n-- {
		stmts = append(stmts, g.statement(kindResource, g.effect(0.2)))
	}
	return g.version(doc(stmts...))
}
