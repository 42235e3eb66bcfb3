package authz_test

import (
	"fmt"

	"github.com/moatdev/moat/authz"
	"github.com/moatdev/moat/policy"
)

// The "explicit vs implicit deny" example of the IAM User Guide, decided for
// three actions.
func Example() {
	doc := []byte(`{"Version": "2012-10-17", "Statement": [
	  {"Sid": "AllowGetList", "Effect": "Allow", "Action": ["iam:Get*", "iam:List*"], "Resource": "*"},
	  {"Sid": "DenyReports", "Effect": "Deny", "Action": "iam:*Report", "Resource": "*"}]}`)
	p, err := policy.Parse(doc)
	if err != nil {
		panic(err)
	}
	compiled, err := policy.Compile(p, policy.Identity)
	if err != nil {
		panic(err)
	}
	policies := &authz.Policies{Identity: []authz.Policy{{Name: "ReadIAM", Compiled: compiled}}}
	caller, err := policy.NewCaller("arn:aws:iam::123456789012:user/bob")
	if err != nil {
		panic(err)
	}
	for _, action := range []string{"iam:GetUser", "iam:CreatePolicy", "iam:GenerateCredentialReport"} {
		r := &authz.Request{Caller: caller, Action: action, Resource: "*", ResourceAccount: "123456789012"}
		res := authz.Evaluate(r, policies)
		if res.Decision == authz.Allowed {
			fmt.Println(action, res.Decision)
			continue
		}
		fmt.Println(action, res.Decision, res.Message(r))
	}
	// Output:
	// iam:GetUser Allowed
	// iam:CreatePolicy ImplicitDeny User: arn:aws:iam::123456789012:user/bob is not authorized to perform: iam:CreatePolicy on resource: * because no identity-based policy allows the iam:CreatePolicy action
	// iam:GenerateCredentialReport ExplicitDeny User: arn:aws:iam::123456789012:user/bob is not authorized to perform: iam:GenerateCredentialReport on resource: * with an explicit deny in an identity-based policy
}
