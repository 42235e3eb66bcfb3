package policy_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/moatdev/moat/policy"
)

var benchServices = []string{"s3", "ec2", "iam", "dynamodb", "sqs", "sns", "lambda", "kms"}

// workload builds an IAM-like policy of n statements: wildcard actions over
// 8 services, ARN wildcards, tag and IP conditions, every 10th statement a Deny.
func workload(n int) string {
	var b strings.Builder
	b.WriteString(`{"Version":"2012-10-17","Statement":[`)
	for i := 0; i < n; i++ {
		if i > 0 {
			b.WriteByte(',')
		}
		svc := benchServices[i%len(benchServices)]
		effect := "Allow"
		if i%10 == 9 {
			effect = "Deny"
		}
		fmt.Fprintf(&b, `{"Sid":"S%d","Effect":%q,"Action":["%s:Get*","%s:List*","%s:Describe*","%s:Put%dItem"],`, i, effect, svc, svc, svc, svc, i)
		fmt.Fprintf(&b, `"Resource":["arn:aws:%s:*:111122223333:res%d/*","arn:aws:%s:us-east-1:111122223333:team-%d-*"]`, svc, i, svc, i)
		switch i % 3 {
		case 0:
			fmt.Fprintf(&b, `,"Condition":{"StringEquals":{"aws:PrincipalTag/team":["team%d","ops"]}}`, i%7)
		case 1:
			b.WriteString(`,"Condition":{"IpAddress":{"aws:SourceIp":["10.0.0.0/8","192.0.2.0/24"]},"Bool":{"aws:SecureTransport":"true"}}`)
		}
		b.WriteByte('}')
	}
	b.WriteString(`]}`)
	return b.String()
}

func benchRequest(n int) *policy.Request {
	ctx := policy.NewContext()
	ctx.Set("aws:PrincipalTag/team", "ops")
	ctx.Set("aws:SourceIp", "10.1.2.3")
	ctx.Set("aws:SecureTransport", "true")
	i := n - 1 - ((n - 1) % len(benchServices)) // last s3 statement: forces a full candidate scan
	return &policy.Request{Action: "s3:GetObject", Resource: fmt.Sprintf("arn:aws:s3:us-east-1:111122223333:res%d/key", i), Context: ctx}
}

func BenchmarkEvaluate(b *testing.B) {
	for _, n := range []int{10, 100, 1000} {
		b.Run(fmt.Sprintf("statements=%d", n), func(b *testing.B) {
			c := mustCompile(b, workload(n), policy.Identity)
			r := benchRequest(n)
			if res := c.Evaluate(r); !res.Allow {
				b.Fatalf("workload request not allowed: %+v", res)
			}
			b.ReportAllocs()
			b.ResetTimer()
			cpu := processCPU()
			for i := 0; i < b.N; i++ {
				c.Evaluate(r)
			}
			reportCPU(b, cpu)
		})
	}
}

// readOnlyLike builds one statement with ~2,900 action patterns shaped like
// AWS's ReadOnlyAccess (service:Describe*, service:Get*, exact names).
func readOnlyLike() string {
	verbs := []string{"Describe*", "Get*", "List*", "BatchGet*", "Search*", "View*", "Query", "Scan", "Lookup*", "Check*", "Validate*"}
	var acts []string
	for s := 0; len(acts) < 2900; s++ {
		svc := fmt.Sprintf("svc%d", s)
		for _, v := range verbs {
			acts = append(acts, fmt.Sprintf("%q", svc+":"+v))
		}
		for k := 0; k < 10; k++ {
			acts = append(acts, fmt.Sprintf(`"%s:Read%dThing"`, svc, k))
		}
	}
	return doc(`{"Effect":"Allow","Action":[` + strings.Join(acts, ",") + `],"Resource":"*"}`)
}

func BenchmarkEvaluateReadOnlyAccessShape(b *testing.B) {
	c := mustCompile(b, readOnlyLike(), policy.Identity)
	for _, a := range []string{"svc77:DescribeThings", "svc200:PutThing", "nosuch:GetThing"} {
		b.Run(a, func(b *testing.B) {
			r := &policy.Request{Action: a, Resource: "*", Context: policy.NewContext()}
			b.ReportAllocs()
			for i := 0; i < b.N; i++ {
				c.Evaluate(r)
			}
		})
	}
}

func BenchmarkCompile1000(b *testing.B) {
	p, err := policy.Parse([]byte(workload(1000)))
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		if _, err := policy.Compile(p, policy.Identity); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkParse1000(b *testing.B) {
	d := []byte(workload(1000))
	b.SetBytes(int64(len(d)))
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		if _, err := policy.Parse(d); err != nil {
			b.Fatal(err)
		}
	}
}

func TestEvaluateDoesNotAllocate(t *testing.T) {
	c := mustCompile(t, workload(100), policy.Identity)
	r := benchRequest(100)
	vars := mustCompile(t, doc(`{"Effect":"Allow","Action":"s3:*","Resource":"arn:aws:s3:::b/${aws:username}/*","Condition":{"StringLike":{"s3:prefix":"home/${aws:username}/*"},"ArnLike":{"aws:SourceArn":"arn:aws:sns:*:${aws:PrincipalAccount}:*"}}}`), policy.Resource)
	ctx := policy.NewContext()
	ctx.Set("aws:username", "alice")
	ctx.Set("s3:prefix", "home/alice/x")
	ctx.Set("aws:PrincipalAccount", "111122223333")
	ctx.Set("aws:SourceArn", "arn:aws:sns:us-east-1:111122223333:t")
	vr := &policy.Request{Action: "S3:GetObject", Resource: "arn:aws:s3:::b/alice/k", Context: ctx}
	if !vars.Evaluate(vr).Allow {
		t.Fatal("variables request not allowed")
	}
	for name, f := range map[string]func(){"workload": func() { c.Evaluate(r) }, "variables": func() { vars.Evaluate(vr) }} {
		if a := testing.AllocsPerRun(100, f); a != 0 {
			t.Errorf("%s: Evaluate allocates %v times per call", name, a)
		}
	}
}
