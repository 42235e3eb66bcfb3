package iambench

// One IAM-like workload evaluated by four engines, at 10 / 100 / 1,000
// statements:
//
//	(a) moat: policy.Compile + authz.Evaluate
//	(b) reference: a hand-written matcher over pre-parsed statements indexed by service prefix
//	(c) cedar-go: one permit/forbid per statement, `like` on action and resource strings
//	(d) OPA/Rego: a prepared query over the statements as data, indexed by service
//
// The workload: wildcard actions over 8 services, ARN patterns with
// wildcards, tag (aws:ResourceTag/team) and IP (aws:SourceIp) conditions,
// every 10th statement a Deny. TestEnginesAgree checks that all four return
// the same decision for every request of the sample.
//
//	go test -run TestEnginesAgree -bench . -benchtime 2s   (in bench/iam)

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/netip"
	"strings"
	"testing"

	"github.com/cedar-policy/cedar-go"
	cedartypes "github.com/cedar-policy/cedar-go/types"
	"github.com/open-policy-agent/opa/v1/rego"
	"github.com/open-policy-agent/opa/v1/storage/inmem"

	"github.com/moatdev/moat/authz"
	"github.com/moatdev/moat/policy"
)

const (
	acct      = "111122223333"
	principal = "arn:aws:iam::" + acct + ":user/alice"
)

var sizes = []int{10, 100, 1000}

// ---- the workload ----------------------------------------------------------

type service struct {
	name    string
	actions []string
	arn     func(id string) string // a concrete resource ARN
}

var services = []service{
	{"s3", []string{"GetObject", "PutObject", "DeleteObject", "GetObjectTagging", "ListBucket"}, func(id string) string { return "arn:aws:s3:::bucket-" + id + "/data/file.csv" }},
	{"ec2", []string{"StartInstances", "StopInstances", "TerminateInstances", "DescribeInstances", "DeleteVolume"}, func(id string) string { return "arn:aws:ec2:us-east-1:" + acct + ":instance/i-" + id }},
	{"iam", []string{"GetUser", "ListUsers", "CreateUser", "DeleteUser", "GetRole"}, func(id string) string { return "arn:aws:iam::" + acct + ":user/team/u" + id }},
	{"dynamodb", []string{"GetItem", "PutItem", "Query", "Scan", "DeleteItem"}, func(id string) string {
		return "arn:aws:dynamodb:eu-west-1:" + acct + ":table/t" + id
	}},
	{"sqs", []string{"SendMessage", "ReceiveMessage", "DeleteMessage", "GetQueueUrl"}, func(id string) string { return "arn:aws:sqs:us-east-1:" + acct + ":q" + id }},
	{"sns", []string{"Publish", "Subscribe", "GetTopicAttributes"}, func(id string) string { return "arn:aws:sns:us-east-1:" + acct + ":topic" + id }},
	{"lambda", []string{"InvokeFunction", "GetFunction", "UpdateFunctionCode"}, func(id string) string {
		return "arn:aws:lambda:us-east-1:" + acct + ":function:f" + id
	}},
	{"kms", []string{"Decrypt", "Encrypt", "GenerateDataKey", "DescribeKey"}, func(id string) string {
		return "arn:aws:kms:us-east-1:" + acct + ":key/k" + id
	}},
}

// stmt is one statement of the workload, already in the engines' common form.
type stmt struct {
	deny      bool
	service   string   // the one service its actions belong to
	actions   []string // "svc:Pattern"
	resources []string // ARN patterns ('*' wildcards)
	tag       string   // StringEquals aws:ResourceTag/team, "" = none
	cidr      string   // IpAddress aws:SourceIp, "" = none
	id        string   // the resource id it was built around
}

// ids is how many resource ids per service a workload of n statements uses.
func ids(n int) int { return 10 + n/4 }

type request struct {
	action, resource, tag, ip string
}

var (
	teams = []string{"red", "blue", "green", "gold"}
	cidrs = []string{"10.0.0.0/8", "192.168.0.0/16", "203.0.113.0/24", "198.51.100.0/25"}
	ips   = []string{"10.1.2.3", "192.168.7.7", "203.0.113.9", "198.51.100.200", "172.16.0.1"}
)

func workload(n int) []stmt {
	r := rand.New(rand.NewPCG(42, uint64(n)))
	out := make([]stmt, n)
	for i := range out {
		svc := services[r.IntN(len(services))]
		id := fmt.Sprint(r.IntN(ids(n)))
		s := stmt{deny: i%10 == 9, service: svc.name, id: id}
		for k := 1 + r.IntN(2); k > 0; k-- {
			a := svc.actions[r.IntN(len(svc.actions))]
			switch x := r.IntN(8); {
			case x < 2:
				a = a[:1+r.IntN(len(a)-1)] + "*"
			case x == 2 && r.IntN(n) < 30: // broad patterns stay a few dozen at any size
				a = "*"
			}
			s.actions = append(s.actions, svc.name+":"+a)
		}
		full := svc.arn(id)
		x := r.IntN(20)
		if x >= 14 && r.IntN(n) >= 30 {
			x = 0
		}
		switch {
		case x < 8:
			s.resources = []string{full}
		case x < 14:
			s.resources = []string{svc.arn(fmt.Sprint(r.IntN(ids(n)))), full[:len(full)-1] + "*"}
		case x < 17:
			s.resources = []string{full[:strings.LastIndexAny(full, "/:")+2] + "*"}
		default:
			s.resources = []string{strings.Replace(full, id, "*", 1)}
		}
		switch r.IntN(3) {
		case 0:
			s.tag = teams[r.IntN(len(teams))]
		case 1:
			s.cidr = cidrs[r.IntN(len(cidrs))]
		}
		out[i] = s
	}
	return out
}

// requests returns a sample of requests, half aimed at some statement.
func requests(stmts []stmt, n int) []request {
	r := rand.New(rand.NewPCG(7, uint64(len(stmts))))
	out := make([]request, n)
	for i := range out {
		svc := services[r.IntN(len(services))]
		id := fmt.Sprint(r.IntN(ids(len(stmts))))
		if i%2 == 0 {
			s := stmts[r.IntN(len(stmts))]
			id = s.id
			for _, sv := range services {
				if sv.name == s.service {
					svc = sv
				}
			}
		}
		out[i] = request{
			action:   svc.name + ":" + svc.actions[r.IntN(len(svc.actions))],
			resource: svc.arn(id),
			tag:      teams[r.IntN(len(teams))],
			ip:       ips[r.IntN(len(ips))],
		}
	}
	return out
}

// ---- engines ---------------------------------------------------------------

type engine interface {
	decide(i int) string // decision for request i: Allowed / ExplicitDeny / ImplicitDeny
}

// (a) moat

type moatEngine struct {
	pols authz.Policies
	reqs []authz.Request
}

func policyJSON(stmts []stmt) []byte {
	var list []map[string]any
	for _, s := range stmts {
		m := map[string]any{"Effect": "Allow", "Action": s.actions, "Resource": s.resources}
		if s.deny {
			m["Effect"] = "Deny"
		}
		if s.tag != "" {
			m["Condition"] = map[string]any{"StringEquals": map[string]any{"aws:ResourceTag/team": s.tag}}
		}
		if s.cidr != "" {
			m["Condition"] = map[string]any{"IpAddress": map[string]any{"aws:SourceIp": s.cidr}}
		}
		list = append(list, m)
	}
	b, err := json.Marshal(map[string]any{"Version": "2012-10-17", "Statement": list})
	if err != nil {
		panic(err)
	}
	return b
}

func newMoat(tb testing.TB, stmts []stmt, reqs []request) *moatEngine {
	tb.Helper()
	p, err := policy.Parse(policyJSON(stmts))
	if err != nil {
		tb.Fatalf("moat parse: %v", err)
	}
	c, err := policy.Compile(p, policy.Identity)
	if err != nil {
		tb.Fatalf("moat compile: %v", err)
	}
	caller, err := policy.NewCaller(principal)
	if err != nil {
		tb.Fatalf("moat caller: %v", err)
	}
	e := &moatEngine{pols: authz.Policies{Identity: []authz.Policy{{Name: "Workload", Compiled: c}}}}
	for _, r := range reqs {
		ctx := policy.NewContext()
		ctx.Set("aws:ResourceTag/team", r.tag)
		ctx.Set("aws:SourceIp", r.ip)
		e.reqs = append(e.reqs, authz.Request{Caller: caller, Action: r.action, Resource: r.resource, ResourceAccount: acct, Context: ctx})
	}
	return e
}

func (e *moatEngine) decide(i int) string {
	return authz.Evaluate(&e.reqs[i], &e.pols).Decision.String()
}

// (b) the reference: pre-parsed statements indexed by service prefix

type refStmt struct {
	deny      bool
	actions   []string // lower-cased action-name patterns (after "svc:")
	resources []string
	tag       string
	cidr      netip.Prefix
	hasCIDR   bool
}

type refRequest struct {
	service, name string // name lower-cased
	resource, tag string
	ip            netip.Addr
}

type refEngine struct {
	byService map[string][]refStmt
	reqs      []refRequest
}

func newRef(stmts []stmt, reqs []request) *refEngine {
	e := &refEngine{byService: map[string][]refStmt{}}
	for _, s := range stmts {
		rs := refStmt{deny: s.deny, resources: s.resources, tag: s.tag}
		for _, a := range s.actions {
			rs.actions = append(rs.actions, strings.ToLower(a[strings.IndexByte(a, ':')+1:]))
		}
		if s.cidr != "" {
			rs.cidr, rs.hasCIDR = netip.MustParsePrefix(s.cidr), true
		}
		e.byService[s.service] = append(e.byService[s.service], rs)
	}
	for _, r := range reqs {
		svc, name, _ := strings.Cut(r.action, ":")
		e.reqs = append(e.reqs, refRequest{service: svc, name: strings.ToLower(name), resource: r.resource, tag: r.tag, ip: netip.MustParseAddr(r.ip)})
	}
	return e
}

// glob matches s against a pattern where '*' is any run of characters.
func glob(p, s string) bool {
	star, next := -1, 0
	i, j := 0, 0
	for j < len(s) {
		switch {
		case i < len(p) && p[i] == '*':
			star, next = i, j
			i++
		case i < len(p) && p[i] == s[j]:
			i++
			j++
		case star >= 0:
			i, next = star+1, next+1
			j = next
		default:
			return false
		}
	}
	for i < len(p) && p[i] == '*' {
		i++
	}
	return i == len(p)
}

func anyGlob(ps []string, s string) bool {
	for _, p := range ps {
		if glob(p, s) {
			return true
		}
	}
	return false
}

func (e *refEngine) decide(i int) string {
	r := &e.reqs[i]
	allowed := false
	for k := range e.byService[r.service] {
		s := &e.byService[r.service][k]
		if !anyGlob(s.actions, r.name) || !anyGlob(s.resources, r.resource) {
			continue
		}
		if s.tag != "" && s.tag != r.tag || s.hasCIDR && !s.cidr.Contains(r.ip) {
			continue
		}
		if s.deny {
			return "ExplicitDeny"
		}
		allowed = true
	}
	if allowed {
		return "Allowed"
	}
	return "ImplicitDeny"
}

// (c) cedar-go

type cedarEngine struct {
	ps   *cedar.PolicySet
	reqs []cedar.Request
}

func cedarText(stmts []stmt) string {
	var b strings.Builder
	for _, s := range stmts {
		effect := "permit"
		if s.deny {
			effect = "forbid"
		}
		var acts, ress []string
		for _, a := range s.actions {
			acts = append(acts, fmt.Sprintf("context.action like %q", strings.ToLower(a)))
		}
		for _, r := range s.resources {
			ress = append(ress, fmt.Sprintf("context.resource like %q", r))
		}
		fmt.Fprintf(&b, "%s(principal, action, resource) when { (%s) && (%s)", effect, strings.Join(acts, " || "), strings.Join(ress, " || "))
		if s.tag != "" {
			fmt.Fprintf(&b, " && context.tag == %q", s.tag)
		}
		if s.cidr != "" {
			fmt.Fprintf(&b, " && context.ip.isInRange(ip(%q))", s.cidr)
		}
		b.WriteString(" };\n")
	}
	return b.String()
}

func newCedar(tb testing.TB, stmts []stmt, reqs []request) *cedarEngine {
	tb.Helper()
	ps, err := cedar.NewPolicySetFromBytes("workload.cedar", []byte(cedarText(stmts)))
	if err != nil {
		tb.Fatalf("cedar: %v", err)
	}
	e := &cedarEngine{ps: ps}
	for _, r := range reqs {
		ip, err := cedartypes.ParseIPAddr(r.ip)
		if err != nil {
			tb.Fatalf("cedar ip: %v", err)
		}
		e.reqs = append(e.reqs, cedar.Request{
			Principal: cedar.NewEntityUID("User", "alice"),
			Action:    cedar.NewEntityUID("Action", "call"),
			Resource:  cedar.NewEntityUID("Resource", "r"),
			Context: cedar.NewRecord(cedar.RecordMap{
				"action":   cedar.String(strings.ToLower(r.action)),
				"resource": cedar.String(r.resource),
				"tag":      cedar.String(r.tag),
				"ip":       ip,
			}),
		})
	}
	return e
}

func (e *cedarEngine) decide(i int) string {
	d, diag := e.ps.IsAuthorized(cedar.EntityMap{}, e.reqs[i])
	switch {
	case d == cedar.Allow:
		return "Allowed"
	case len(diag.Reasons) > 0:
		return "ExplicitDeny" // a forbid applied
	default:
		return "ImplicitDeny"
	}
}

// (d) OPA / Rego

const regoModule = `package iam

import rego.v1

applies(s) if {
	some a in s.actions
	glob.match(a, null, input.name)
	some r in s.resources
	glob.match(r, null, input.resource)
	cond_ok(s)
}

cond_ok(s) if {
	s.tag == ""
	s.cidr == ""
}

cond_ok(s) if {
	s.tag != ""
	s.tag == input.tag
}

cond_ok(s) if {
	s.cidr != ""
	net.cidr_contains(s.cidr, input.ip)
}

deny if {
	some s in data.stmts[input.service]
	s.deny
	applies(s)
}

allow if {
	some s in data.stmts[input.service]
	not s.deny
	applies(s)
}

default decision := "ImplicitDeny"

decision := "ExplicitDeny" if deny

decision := "Allowed" if {
	not deny
	allow
}
`

type opaEngine struct {
	pq   rego.PreparedEvalQuery
	reqs []map[string]any
}

func newOPA(tb testing.TB, stmts []stmt, reqs []request) *opaEngine {
	tb.Helper()
	byService := map[string]any{}
	for _, s := range stmts {
		var acts []any
		for _, a := range s.actions {
			acts = append(acts, strings.ToLower(a[strings.IndexByte(a, ':')+1:]))
		}
		var ress []any
		for _, r := range s.resources {
			ress = append(ress, r)
		}
		list, _ := byService[s.service].([]any)
		byService[s.service] = append(list, map[string]any{"deny": s.deny, "actions": acts, "resources": ress, "tag": s.tag, "cidr": s.cidr})
	}
	store := inmem.NewFromObject(map[string]any{"stmts": byService})
	pq, err := rego.New(rego.Query("data.iam.decision"), rego.Module("iam.rego", regoModule), rego.Store(store)).PrepareForEval(context.Background())
	if err != nil {
		tb.Fatalf("opa: %v", err)
	}
	e := &opaEngine{pq: pq}
	for _, r := range reqs {
		svc, name, _ := strings.Cut(r.action, ":")
		e.reqs = append(e.reqs, map[string]any{"service": svc, "name": strings.ToLower(name), "resource": r.resource, "tag": r.tag, "ip": r.ip})
	}
	return e
}

func (e *opaEngine) decide(i int) string {
	rs, err := e.pq.Eval(context.Background(), rego.EvalInput(e.reqs[i]))
	if err != nil || len(rs) != 1 || len(rs[0].Expressions) != 1 {
		return fmt.Sprintf("error(%v)", err)
	}
	s, _ := rs[0].Expressions[0].Value.(string)
	return s
}

// ---- tests and benchmarks --------------------------------------------------

const sampleSize = 256

func engines(tb testing.TB, n int) (map[string]engine, int) {
	tb.Helper()
	stmts := workload(n)
	reqs := requests(stmts, sampleSize)
	return map[string]engine{
		"moat":      newMoat(tb, stmts, reqs),
		"reference": newRef(stmts, reqs),
		"cedar":     newCedar(tb, stmts, reqs),
		"opa":       newOPA(tb, stmts, reqs),
	}, len(reqs)
}

func TestEnginesAgree(t *testing.T) {
	for _, n := range sizes {
		es, nreq := engines(t, n)
		counts := map[string]int{}
		for i := 0; i < nreq; i++ {
			want := es["reference"].decide(i)
			counts[want]++
			for name, e := range es {
				if got := e.decide(i); got != want {
					t.Errorf("%d statements, request %d: %s says %s, reference says %s", n, i, name, got, want)
				}
			}
		}
		t.Logf("%d statements: %d requests, decisions %v", n, nreq, counts)
		if nreq != sampleSize || counts["Allowed"] == 0 || counts["ImplicitDeny"] == 0 || n >= 100 && counts["ExplicitDeny"] == 0 {
			t.Fatalf("%d statements: the sample does not exercise every decision: %v", n, counts)
		}
	}
}

func BenchmarkEngines(b *testing.B) {
	for _, n := range sizes {
		es, nreq := engines(b, n)
		for _, name := range []string{"moat", "reference", "cedar", "opa"} {
			e := es[name]
			b.Run(fmt.Sprintf("%s/%d", name, n), func(b *testing.B) {
				b.ReportAllocs()
				i := 0
				for b.Loop() {
					e.decide(i)
					i++
					if i == nreq {
						i = 0
					}
				}
			})
		}
	}
}
