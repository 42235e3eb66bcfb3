package posture

import "fmt"

const (
	supportAccessARN   = "arn:aws:iam::aws:policy/AWSSupportAccess"
	cloudShellFullARN  = "arn:aws:iam::aws:policy/AWSCloudShellFullAccess"
	policyResourceType = "AwsIamPolicy"
)

func registerPolicyControls() {
	register(&Control{ID: "IAM.1", Title: `IAM policies should not allow full "*" administrative privileges`, Severity: "HIGH",
		Remediation: `Replace "Action": "*" on "Resource": "*" with the actions the principals need (aws iam create-policy-version --set-as-default).`, RemediationURL: iamDocs + "#iam-1",
		Requirements: fsbp("IAM.1", cis("1.16", "1.16")), check: customerPolicyCheck(func(s *Statement) string {
			if s.AllowsFullAdmin() {
				return `allows "Action": "*" on "Resource": "*"`
			}
			return ""
		})})
	register(&Control{ID: "IAM.21", Title: "IAM customer managed policies that you create should not allow wildcard actions for services", Severity: "LOW",
		Remediation: `Replace "service:*" actions with the specific actions needed.`, RemediationURL: iamDocs + "#iam-21",
		Requirements: fsbp("IAM.21", nil), check: customerPolicyCheck(func(s *Statement) string {
			if w := s.ServiceWildcard(); w != "" {
				return fmt.Sprintf("allows the service wildcard %q", w)
			}
			return ""
		})})
	register(&Control{ID: "IAM.2", Title: "IAM users should not have IAM policies attached", Severity: "LOW",
		Remediation: "Put the user in a group with the policy and detach/delete the user's own policies (aws iam detach-user-policy, delete-user-policy).", RemediationURL: iamDocs + "#iam-2",
		Requirements: fsbp("IAM.2", cis("1.15", "1.15")), check: checkUserPolicies})
	register(&Control{ID: "IAM.18", Title: "Ensure a support role has been created to manage incidents with AWS Support", Severity: "LOW",
		Remediation: "aws iam create-role for your support staff and aws iam attach-role-policy --policy-arn " + supportAccessARN + ".", RemediationURL: iamDocs + "#iam-18",
		Requirements: cis("1.17", "1.17"), check: checkSupportRole})
	register(&Control{ID: "IAM.27", Title: "IAM identities should not have the AWSCloudShellFullAccess policy attached", Severity: "MEDIUM",
		Remediation: "Detach AWSCloudShellFullAccess; grant CloudShell only to those who need it, with narrower policies.", RemediationURL: iamDocs + "#iam-27",
		Requirements: cis("1.22", ""), check: checkCloudShell})
}

// customerPolicyCheck flags customer managed policies whose default version
// has a statement bad returns a reason for (AWS managed policies are not
// checked, as with IAM.1's Config rule).
func customerPolicyCheck(bad func(*Statement) string) func(*Account) []Result {
	return func(a *Account) []Result {
		if a.Auth == nil {
			return na(needAuth)
		}
		var out []Result
		for i := range a.Auth.Policies {
			p := &a.Auth.Policies[i]
			if p.AWSManaged() {
				continue
			}
			doc := p.DefaultDocument()
			if doc == nil {
				out = append(out, Result{Status: Warning, ResourceType: policyResourceType, ResourceID: p.Arn, Reason: "the export has no default version document for this policy"})
				continue
			}
			r := Result{Status: Passed, ResourceType: policyResourceType, ResourceID: p.Arn}
			for j := range doc.Statements {
				if why := bad(&doc.Statements[j]); why != "" {
					r.Status, r.Reason = Failed, fmt.Sprintf("Statement[%d] %s", j, why)
					break
				}
			}
			out = append(out, r)
		}
		if len(out) == 0 {
			return accountResult(a, Passed, "the account has no customer managed policies")
		}
		return out
	}
}

func checkUserPolicies(a *Account) []Result {
	if a.Auth == nil {
		return na(needAuth)
	}
	out := make([]Result, 0, len(a.Auth.UserDetailList))
	for _, u := range a.Auth.UserDetailList {
		r := Result{Status: Passed, ResourceType: "AwsIamUser", ResourceID: u.Arn}
		if n, m := len(u.UserPolicyList), len(u.AttachedManagedPolicies); n+m > 0 {
			r.Status, r.Reason = Failed, fmt.Sprintf("%d inline and %d attached managed policies on the user", n, m)
		}
		out = append(out, r)
	}
	if len(out) == 0 {
		return accountResult(a, Passed, "the account has no IAM users")
	}
	return out
}

func checkSupportRole(a *Account) []Result {
	if a.Auth == nil {
		return na(needAuth)
	}
	for _, r := range a.Auth.RoleDetailList {
		for _, p := range r.AttachedManagedPolicies {
			if p.PolicyArn == supportAccessARN {
				return accountResult(a, Passed, "role "+r.RoleName+" has AWSSupportAccess")
			}
		}
	}
	return accountResult(a, Failed, "no role has the AWSSupportAccess managed policy attached")
}

func checkCloudShell(a *Account) []Result {
	if a.Auth == nil {
		return na(needAuth)
	}
	var out []Result
	flag := func(typ, arn string, ps []AttachedPolicy) {
		for _, p := range ps {
			if p.PolicyArn == cloudShellFullARN {
				out = append(out, Result{Status: Failed, ResourceType: typ, ResourceID: arn, Reason: "AWSCloudShellFullAccess is attached"})
			}
		}
	}
	for _, u := range a.Auth.UserDetailList {
		flag("AwsIamUser", u.Arn, u.AttachedManagedPolicies)
	}
	for _, g := range a.Auth.GroupDetailList {
		flag("AwsIamGroup", g.Arn, g.AttachedManagedPolicies)
	}
	for _, r := range a.Auth.RoleDetailList {
		flag("AwsIamRole", r.Arn, r.AttachedManagedPolicies)
	}
	if len(out) == 0 {
		return accountResult(a, Passed, "no user, group or role has AWSCloudShellFullAccess")
	}
	return out
}
