package posture

import (
	"fmt"
	"strings"
)

// Controls with no Requirements are moat's own: reported, but in no
// standard's score.

func init() {
	register(&Control{ID: "Moat.IAM.ExternalTrust", Title: "IAM role trust policies should not let principals outside the account assume the role without review", Severity: "HIGH",
		Remediation:    "Limit the trust policy to the principals that need the role and add conditions (sts:ExternalId, aws:PrincipalOrgID, aws:SourceAccount); remove \"*\" principals.",
		RemediationURL: "https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-resources.html#access-analyzer-iam-role",
		check:          checkExternalTrust})
}

// checkExternalTrust is an IAM Access Analyzer-style external access check
// of role trust policies (the issue's "IAM Access Analyzer-style external
// access"; AWS's CIS 1.20 only asks that an analyzer exists). A trust
// statement that lets anyone assume the role without a condition FAILS; one
// that lets another account, a federated identity provider or anyone under a
// condition is WARNING, to be reviewed as an Access Analyzer finding would
// be. AWS service principals are internal.
func checkExternalTrust(a *Account) []Result {
	if a.Auth == nil {
		return na(needAuth)
	}
	out := make([]Result, 0, len(a.Auth.RoleDetailList))
	for i := range a.Auth.RoleDetailList {
		r := &a.Auth.RoleDetailList[i]
		res := Result{Status: Passed, ResourceType: "AwsIamRole", ResourceID: r.Arn}
		for j := range r.AssumeRolePolicyDocument.Statements {
			st, why := externalTrust(&r.AssumeRolePolicyDocument.Statements[j], a.AccountID)
			if st == Failed || (st == Warning && res.Status == Passed) {
				res.Status, res.Reason = st, fmt.Sprintf("Statement[%d] %s", j, why)
			}
		}
		out = append(out, res)
	}
	if len(out) == 0 {
		return accountResult(a, Passed, "the account has no roles")
	}
	return out
}

func externalTrust(s *Statement, account string) (Status, string) {
	p := s.Principal
	if s.Effect != "Allow" || p == nil || !assumesRole(s.Action) {
		return Passed, ""
	}
	if p.Anyone || containsAny(p.AWS, "*") {
		if s.HasCondition {
			return Warning, "lets any AWS principal assume the role, limited by a condition"
		}
		return Failed, "lets any AWS principal assume the role"
	}
	for _, pr := range p.AWS {
		if acct := principalAccount(pr); acct != "" && acct != account {
			return Warning, "lets account " + acct + " assume the role"
		}
	}
	if len(p.Federated) > 0 {
		return Warning, "lets federated identities of " + p.Federated[0] + " assume the role"
	}
	return Passed, ""
}

func assumesRole(actions []string) bool {
	for _, a := range actions {
		l := strings.ToLower(a)
		if l == "*" || l == "sts:*" || strings.HasPrefix(l, "sts:assumerole") {
			return true
		}
	}
	return false
}

// principalAccount returns the account of an AWS principal: a 12-digit id
// or an IAM ARN.
func principalAccount(p string) string {
	if len(p) == 12 && strings.Trim(p, "0123456789") == "" {
		return p
	}
	return accountOfARN(p)
}
