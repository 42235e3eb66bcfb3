package policy_test

import (
	"fmt"
	"net/netip"
	"strings"
	"testing"
)

// baseline is a hand-written matcher for exactly the benchmark workload,
// indexed by service prefix: the yardstick BenchmarkEvaluate is compared with
// (run both in one process; a shared machine makes absolute numbers noisy).
type baseline struct {
	bySvc map[string][]int
	stmts []baseStmt
}

type baseStmt struct {
	deny      bool
	actions   []string // lower-case name patterns
	resources []string
	cond      int // 0: team tag, 1: IP + TLS, 2: none
	teams     []string
	cidrs     []netip.Prefix
}

func newBaseline(n int) *baseline {
	b := &baseline{bySvc: map[string][]int{}}
	for i := 0; i < n; i++ {
		svc := benchServices[i%len(benchServices)]
		st := baseStmt{
			deny:      i%10 == 9,
			actions:   []string{"get*", "list*", "describe*", fmt.Sprintf("put%ditem", i)},
			resources: []string{fmt.Sprintf("arn:aws:%s:*:111122223333:res%d/*", svc, i), fmt.Sprintf("arn:aws:%s:us-east-1:111122223333:team-%d-*", svc, i)},
			cond:      i % 3,
			teams:     []string{fmt.Sprintf("team%d", i%7), "ops"},
			cidrs:     []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8"), netip.MustParsePrefix("192.0.2.0/24")},
		}
		b.bySvc[svc] = append(b.bySvc[svc], len(b.stmts))
		b.stmts = append(b.stmts, st)
	}
	return b
}

// wild is the classic iterative '*' matcher.
func wild(p, s string) bool {
	pi, si, star, mark := 0, 0, -1, 0
	for si < len(s) {
		switch {
		case pi < len(p) && p[pi] == s[si]:
			pi++
			si++
		case pi < len(p) && p[pi] == '*':
			star, mark = pi, si
			pi++
		case star >= 0:
			pi, mark = star+1, mark+1
			si = mark
		default:
			return false
		}
	}
	for pi < len(p) && p[pi] == '*' {
		pi++
	}
	return pi == len(p)
}

type baseReq struct {
	action, resource, team string
	ip                     netip.Addr
	tls                    bool
}

func (b *baseline) evaluate(r *baseReq) (allow, deny int) {
	allow, deny = -1, -1
	svc, name, _ := strings.Cut(strings.ToLower(r.action), ":")
	for _, i := range b.bySvc[svc] {
		st := &b.stmts[i]
		if (st.deny && deny >= 0) || (!st.deny && allow >= 0) {
			continue
		}
		ok := false
		for _, a := range st.actions {
			if wild(a, name) {
				ok = true
				break
			}
		}
		if !ok {
			continue
		}
		ok = false
		for _, p := range st.resources {
			if wild(p, r.resource) {
				ok = true
				break
			}
		}
		if !ok {
			continue
		}
		switch st.cond {
		case 0:
			ok = false
			for _, t := range st.teams {
				ok = ok || t == r.team
			}
		case 1:
			ok = false
			for _, c := range st.cidrs {
				ok = ok || c.Contains(r.ip)
			}
			ok = ok && r.tls
		}
		if !ok {
			continue
		}
		if st.deny {
			deny = i
		} else {
			allow = i
		}
	}
	return allow, deny
}

func BenchmarkBaseline(b *testing.B) {
	for _, n := range []int{10, 100, 1000} {
		b.Run(fmt.Sprintf("statements=%d", n), func(b *testing.B) {
			m := newBaseline(n)
			pr := benchRequest(n)
			r := &baseReq{action: pr.Action, resource: pr.Resource, team: "ops", ip: netip.MustParseAddr("10.1.2.3"), tls: true}
			if a, _ := m.evaluate(r); a < 0 {
				b.Fatal("baseline does not allow the workload request")
			}
			b.ReportAllocs()
			b.ResetTimer()
			cpu := processCPU()
			for i := 0; i < b.N; i++ {
				m.evaluate(r)
			}
			reportCPU(b, cpu)
		})
	}
}

// TestBaselineAgrees checks that the yardstick and moat decide the workload alike.
func TestBaselineAgrees(t *testing.T) {
	t.Parallel()
	for _, n := range []int{10, 100} {
		c := mustCompile(t, workload(n), 0)
		m := newBaseline(n)
		pr := benchRequest(n)
		a, d := m.evaluate(&baseReq{action: pr.Action, resource: pr.Resource, team: "ops", ip: netip.MustParseAddr("10.1.2.3"), tls: true})
		res := c.Evaluate(pr)
		if res.AllowStmt != a || res.DenyStmt != d {
			t.Fatalf("n=%d: moat %+v, baseline allow %d deny %d", n, res, a, d)
		}
	}
}
