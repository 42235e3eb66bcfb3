package authz

import "github.com/moatdev/moat/policy"

// articles gives the indefinite article AWS writes before each type in
// "with an explicit deny in a service control policy".
var articles = [...]string{"an ", "a ", "a ", "a ", "a ", "a ", "a "}

// Message returns the AccessDenied text AWS returns for the result, "" when the
// request is allowed. The forms are those of the IAM User Guide page
// "Troubleshoot access denied error messages"
// (https://docs.aws.amazon.com/IAM/latest/UserGuide/troubleshoot_access-denied.html):
//
//	User: <caller> is not authorized to perform: <action> on resource: <resource> because no <type> allows the <action> action
//	User: <caller> is not authorized to perform: <action> on resource: <resource> with an explicit deny in a <type>
//
// The caller is its ARN (a session ARN for role sessions), the service name for
// a service principal, and "anonymous" for unsigned requests, as S3 writes it.
// Role trust policies and KMS key policies are named "resource-based policy",
// their type in AWS's taxonomy.
func (res Result) Message(r *Request) string {
	if res.Decision == Allowed {
		return ""
	}
	who := "anonymous"
	if r.Caller != nil && r.Caller.Kind != policy.Anonymous && r.Caller.ARN != "" {
		who = r.Caller.ARN
	}
	msg := "User: " + who + " is not authorized to perform: " + r.Action + " on resource: " + r.Resource
	if res.Decision == ExplicitDeny {
		article := "a "
		if int(res.Type) < len(articles) {
			article = articles[res.Type]
		}
		return msg + " with an explicit deny in " + article + res.Type.String()
	}
	return msg + " because no " + res.Type.String() + " allows the " + r.Action + " action"
}
