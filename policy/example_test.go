package policy_test

import (
	"fmt"

	"github.com/moatdev/moat/policy"
)

func Example() {
	doc := []byte(`{
  "Version": "2012-10-17",
  "Statement": [
    {"Sid": "AllowGetList", "Effect": "Allow", "Action": ["iam:Get*", "iam:List*"], "Resource": "*"},
    {"Sid": "DenyReports", "Effect": "Deny", "Action": "iam:*Report", "Resource": "*"}
  ]
}`)
	p, err := policy.Parse(doc)
	if err != nil {
		fmt.Println(err)
		return
	}
	c, err := policy.Compile(p, policy.Identity)
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, action := range []string{"iam:GetUser", "iam:CreatePolicy", "iam:GenerateCredentialReport"} {
		r := c.Evaluate(&policy.Request{Action: action, Resource: "*"})
		fmt.Printf("%s: allow=%v (statement %d) deny=%v (statement %d)\n", action, r.Allow, r.AllowStmt, r.Deny, r.DenyStmt)
	}
	// Output:
	// iam:GetUser: allow=true (statement 0) deny=false (statement -1)
	// iam:CreatePolicy: allow=false (statement -1) deny=false (statement -1)
	// iam:GenerateCredentialReport: allow=false (statement -1) deny=true (statement 1)
}

func ExampleValidate() {
	p, _ := policy.Parse([]byte(`{"Version": "2012-10-17", "Statement": [
  {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*",
   "Condition": {"StringEqual": {"aws:PrincipalTag/team": "red"}}}]}`))
	for _, f := range policy.Validate(p, policy.Identity) {
		fmt.Printf("%d:%d: %s %s: %s: %s\n", f.Line, f.Column, f.Severity, f.Code, f.Path, f.Message)
	}
	// Output:
	// 3:18: ERROR INVALID_CONDITION_OPERATOR: Statement[0].Condition: unknown operator StringEqual (did you mean StringEquals?)
}

func ExampleContext() {
	ctx := policy.NewContext()
	ctx.Set("aws:SourceIp", "203.0.113.7")
	ctx.SetMulti("aws:TagKeys", []string{"team", "env"})
	v, multi, ok := ctx.Get("AWS:sourceip")
	fmt.Println(v, multi, ok)
	v, multi, ok = ctx.Get("aws:TagKeys")
	fmt.Println(v, multi, ok)
	// Output:
	// [203.0.113.7] false true
	// [team env] true true
}
