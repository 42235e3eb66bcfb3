package authz_test

import (
	"encoding/json"
	"fmt"
	"testing"

	"github.com/moatdev/moat/authz"
	"github.com/moatdev/moat/policy"
)

// readOnlySized returns an identity policy shaped like AWS's ReadOnlyAccess
// (v188: one Allow statement of ~2,900 read action patterns over "*").
func readOnlySized(tb testing.TB) (string, int) {
	tb.Helper()
	verbs := []string{"Get*", "List*", "Describe*", "BatchGet*", "View*", "Search*", "Query*", "Scan*", "Lookup*", "Check*"}
	var actions []string
	for i := range 289 {
		for _, v := range verbs {
			actions = append(actions, fmt.Sprintf("svc%03d:%s", i, v))
		}
	}
	actions = append(actions, "s3:Get*", "s3:List*", "s3:Describe*", "ec2:Describe*", "ec2:Get*", "iam:Get*", "iam:List*", "kms:Describe*", "kms:List*", "sts:GetCallerIdentity")
	doc, err := json.Marshal(map[string]any{
		"Version":   "2012-10-17",
		"Statement": []any{map[string]any{"Sid": "ReadOnly", "Effect": "Allow", "Action": actions, "Resource": "*"}},
	})
	if err != nil {
		tb.Fatal(err)
	}
	return string(doc), len(actions)
}

func benchSmall(b *testing.B) (*authz.Request, *authz.Policies) {
	r := request(b, alice, "s3:GetObject", "arn:aws:s3:::example-reports/2026/q1.csv", acct)
	r.Context.Set("aws:SecureTransport", "true")
	p := &authz.Policies{Identity: []authz.Policy{compile(b, policy.Identity, "small", `{"Version":"2012-10-17","Statement":[
		{"Effect":"Allow","Action":["s3:GetObject","s3:ListBucket"],"Resource":["arn:aws:s3:::example-reports","arn:aws:s3:::example-reports/*"]},
		{"Effect":"Allow","Action":"ec2:Describe*","Resource":"*"},
		{"Sid":"TlsOnly","Effect":"Deny","Action":"s3:*","Resource":"*","Condition":{"Bool":{"aws:SecureTransport":"false"}}}]}`)}}
	return r, p
}

func benchHeavy(b *testing.B) (*authz.Request, *authz.Policies) {
	ro, n := readOnlySized(b)
	if n < 2900 {
		b.Fatalf("ReadOnlyAccess-sized policy has %d patterns", n)
	}
	r := request(b, session, "s3:GetObject", "arn:aws:s3:::example-data/reports/2026/q1.csv", acct)
	for k, v := range map[string]string{
		"aws:SecureTransport": "true", "aws:SourceIp": "203.0.113.9", "aws:RequestedRegion": "eu-west-1",
		"aws:PrincipalArn": "arn:aws:iam::111122223333:role/app", "aws:PrincipalTag/team": "data", "aws:PrincipalOrgID": "o-exampleorg",
	} {
		r.Context.Set(k, v)
	}
	r.Context.SetMulti("aws:CalledVia", []string{"athena.amazonaws.com"})
	id := func(name, doc string) authz.Policy { return compile(b, policy.Identity, name, doc) }
	rp := compile(b, policy.Resource, "bucket", `{"Version":"2012-10-17","Statement":[
		{"Sid":"TeamRead","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":["s3:GetObject","s3:ListBucket"],
		 "Resource":["arn:aws:s3:::example-data","arn:aws:s3:::example-data/*"],
		 "Condition":{"StringEquals":{"aws:PrincipalTag/team":["data","analytics"],"aws:PrincipalOrgID":"o-exampleorg"},"IpAddress":{"aws:SourceIp":["203.0.113.0/24","198.51.100.0/24"]}}},
		{"Sid":"TlsOnly","Effect":"Deny","Principal":"*","Action":"s3:*","Resource":["arn:aws:s3:::example-data","arn:aws:s3:::example-data/*"],"Condition":{"Bool":{"aws:SecureTransport":"false"}}},
		{"Sid":"NoOutsiders","Effect":"Deny","Principal":"*","Action":"s3:*","Resource":"arn:aws:s3:::example-data/*","Condition":{"StringNotEqualsIfExists":{"aws:PrincipalOrgID":"o-exampleorg"}}}]}`)
	p := &authz.Policies{
		Identity: []authz.Policy{
			id("ReadOnlyAccess", ro),
			id("Ec2Ops", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["ec2:StartInstances","ec2:StopInstances"],"Resource":"arn:aws:ec2:*:111122223333:instance/*","Condition":{"StringEquals":{"aws:ResourceTag/team":"${aws:PrincipalTag/team}"}}}]}`),
			id("DenyIAMWrites", `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":["iam:Create*","iam:Delete*","iam:Put*","iam:Attach*"],"Resource":"*"}]}`),
			id("Logs", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["logs:CreateLogStream","logs:PutLogEvents"],"Resource":"arn:aws:logs:*:111122223333:log-group:/app/*:*"}]}`),
			id("MFA", `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","NotAction":["iam:*","sts:*","s3:Get*","s3:List*"],"Resource":"*","Condition":{"BoolIfExists":{"aws:MultiFactorAuthPresent":"false"}}}]}`),
		},
		Resource:            &rp,
		PermissionsBoundary: []authz.Policy{compile(b, policy.PermissionsBoundary, "Boundary", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:*","ec2:*","logs:*","cloudwatch:*"],"Resource":"*"},{"Effect":"Deny","Action":"s3:DeleteBucket","Resource":"*"}]}`)},
		SCPs: []authz.Level{
			{Target: "r-root", Policies: []authz.Policy{compile(b, policy.SCP, "FullAWSAccess", allowAll)}},
			{Target: "ou-workloads", Policies: []authz.Policy{
				compile(b, policy.SCP, "AllowAll", allowAll),
				compile(b, policy.SCP, "EuOnly", `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","NotAction":["iam:*","sts:*","organizations:*"],"Resource":"*","Condition":{"StringNotEquals":{"aws:RequestedRegion":["eu-west-1","eu-central-1"]}}}]}`),
			}},
		},
	}
	return r, p
}

// BenchmarkEvaluate measures one decision on one core:
//
//	go test ./authz -run '^$' -bench Evaluate -benchmem -cpu 1
//
// cpu-ns/op is the process CPU time per decision (GC and runtime included),
// the figure to compare on a machine shared with other work.
func BenchmarkEvaluate(b *testing.B) {
	for _, bc := range []struct {
		name  string
		setup func(*testing.B) (*authz.Request, *authz.Policies)
		want  authz.Decision
	}{
		{"small", benchSmall, authz.Allowed},
		{"heavy", benchHeavy, authz.Allowed},
	} {
		b.Run(bc.name, func(b *testing.B) {
			r, p := bc.setup(b)
			if got := authz.Evaluate(r, p); got.Decision != bc.want {
				b.Fatalf("benchmark request decided %+v, want %s: %s", got, bc.want, got.Message(r))
			}
			b.ReportAllocs()
			b.ResetTimer()
			cpu0, okCPU := processCPU()
			for b.Loop() {
				authz.Evaluate(r, p)
			}
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "decisions/s")
			// On a shared machine wall time includes waiting for a core;
			// CPU time per decision is what one unshared core would take.
			if cpu1, ok := processCPU(); ok && okCPU && b.N > 0 {
				b.ReportMetric(float64(cpu1-cpu0)/float64(b.N), "cpu-ns/op")
			}
		})
	}
}

// BenchmarkExplain shows what an explanation costs on top of a decision.
func BenchmarkExplain(b *testing.B) {
	r, p := benchHeavy(b)
	b.ReportAllocs()
	for b.Loop() {
		authz.Explain(r, p)
	}
}
