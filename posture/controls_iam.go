package posture

import (
	"fmt"
	"time"
)

const (
	needCredReport = "needs the credential report (--credential-report: aws iam get-credential-report)"
	needAuth       = "needs --auth-details (aws iam get-account-authorization-details)"
	needPwPolicy   = "needs --password-policy (aws iam get-account-password-policy)"
	iamDocs        = "https://docs.aws.amazon.com/securityhub/latest/userguide/iam-controls.html"
)

func cis(v3, v14 string) []Requirement {
	var r []Requirement
	if v3 != "" {
		r = append(r, Requirement{StandardCIS300, v3})
	}
	if v14 != "" {
		r = append(r, Requirement{StandardCIS140, v14})
	}
	return r
}

func fsbp(id string, rest []Requirement) []Requirement {
	return append([]Requirement{{StandardFSBP, id}}, rest...)
}

func init() {
	register(&Control{ID: "IAM.4", Title: "IAM root user access key should not exist", Severity: "CRITICAL",
		Remediation: "Delete the root user's access keys (IAM console, signed in as root: Security credentials > Access keys).", RemediationURL: iamDocs + "#iam-4",
		Requirements: fsbp("IAM.4", cis("1.4", "1.4")), check: rootCheck(func(c *Credential) (bool, string) {
			if c.AccessKey[0].Active || c.AccessKey[1].Active {
				return false, "the root user has an active access key"
			}
			return true, "the root user has no active access key"
		})})
	register(&Control{ID: "IAM.9", Title: "MFA should be enabled for the root user", Severity: "CRITICAL",
		Remediation: "Sign in as root and assign an MFA device (Security credentials > Multi-factor authentication).", RemediationURL: iamDocs + "#iam-9",
		Requirements: cis("1.5", "1.5"), check: rootCheck(func(c *Credential) (bool, string) {
			if !c.MFAActive {
				return false, "the root user has no MFA device"
			}
			return true, "the root user has MFA"
		})})
	register(&Control{ID: "IAM.6", Title: "Hardware MFA should be enabled for the root user", Severity: "CRITICAL",
		Remediation: "Replace the root user's virtual MFA device with a hardware MFA device.", RemediationURL: iamDocs + "#iam-6",
		Requirements: fsbp("IAM.6", cis("1.6", "1.6")), check: checkRootHardwareMFA})
	register(&Control{ID: "CIS.root_usage", Title: "Avoid the use of the root user", Severity: "LOW",
		Remediation:  "Use IAM users or roles for daily work; keep root for the few tasks that need it.",
		Requirements: cis("1.7", "1.7"), check: checkRootUsage})
	register(&Control{ID: "IAM.5", Title: "MFA should be enabled for all IAM users that have a console password", Severity: "MEDIUM",
		Remediation: "aws iam enable-mfa-device for each listed user, or remove the console password (aws iam delete-login-profile).", RemediationURL: iamDocs + "#iam-5",
		Requirements: fsbp("IAM.5", cis("1.10", "1.10")), check: userCheck(func(c *Credential, _ time.Time) (Status, string) {
			if c.PasswordEnabled && !c.MFAActive {
				return Failed, "console password without MFA"
			}
			return Passed, ""
		})})
	register(&Control{ID: "CIS.no_initial_keys", Title: "Do not set up access keys during initial user setup for IAM users with a console password", Severity: "LOW",
		Remediation:  "Delete access keys that were created with the user and never used (aws iam delete-access-key).",
		Requirements: cis("1.11", "1.11"), check: userCheck(func(c *Credential, _ time.Time) (Status, string) {
			for i, k := range c.AccessKey {
				if c.PasswordEnabled && k.Active && k.LastUsedDate.IsZero() {
					return Failed, fmt.Sprintf("console user with access key %d active and never used", i+1)
				}
			}
			return Passed, ""
		})})
	register(&Control{ID: "IAM.22", Title: "IAM user credentials unused for 45 days should be removed", Severity: "MEDIUM",
		Remediation: "Deactivate or delete passwords and access keys not used for 45 days (aws iam update-access-key --status Inactive, aws iam delete-login-profile).", RemediationURL: iamDocs + "#iam-22",
		Requirements: cis("1.12", "1.12"), check: userCheck(unusedCredentials(45))})
	register(&Control{ID: "IAM.8", Title: "Unused IAM user credentials should be removed", Severity: "MEDIUM",
		Remediation: "Deactivate or delete passwords and access keys not used for 90 days.", RemediationURL: iamDocs + "#iam-8",
		Requirements: fsbp("IAM.8", nil), check: userCheck(unusedCredentials(90))})
	register(&Control{ID: "CIS.one_active_key", Title: "Ensure there is only one active access key for any single IAM user", Severity: "LOW",
		Remediation:  "Deactivate the older key once the newer one is in use (aws iam update-access-key --status Inactive).",
		Requirements: cis("1.13", "1.13"), check: userCheck(func(c *Credential, _ time.Time) (Status, string) {
			if c.AccessKey[0].Active && c.AccessKey[1].Active {
				return Failed, "two active access keys"
			}
			return Passed, ""
		})})
	register(&Control{ID: "IAM.3", Title: "IAM users' access keys should be rotated every 90 days or less", Severity: "MEDIUM",
		Remediation: "Create a new key, move clients to it, then deactivate and delete the old one (aws iam create-access-key / delete-access-key).", RemediationURL: iamDocs + "#iam-3",
		Requirements: fsbp("IAM.3", cis("1.14", "1.14")), check: userCheck(func(c *Credential, now time.Time) (Status, string) {
			for i, k := range c.AccessKey {
				if k.Active && !k.LastRotated.IsZero() && olderThan(k.LastRotated, now, 90) {
					return Failed, fmt.Sprintf("access key %d last rotated %s", i+1, k.LastRotated.Format("2006-01-02"))
				}
			}
			return Passed, ""
		})})
	registerPasswordPolicy()
	registerPolicyControls()
}

// rootCheck evaluates the root row of the credential report.
func rootCheck(f func(*Credential) (bool, string)) func(*Account) []Result {
	return func(a *Account) []Result {
		if a.Credentials == nil {
			return na(needCredReport)
		}
		root := findRoot(a)
		if root == nil {
			return na("the credential report has no <root_account> row")
		}
		ok, why := f(root)
		st := Passed
		if !ok {
			st = Failed
		}
		return accountResult(a, st, why)
	}
}

func findRoot(a *Account) *Credential {
	for i := range a.Credentials {
		if a.Credentials[i].IsRoot() {
			return &a.Credentials[i]
		}
	}
	return nil
}

// The credential report says whether root has MFA, not which kind: that
// needs list-virtual-mfa-devices, which is not an input.
func checkRootHardwareMFA(a *Account) []Result {
	if a.Credentials == nil {
		return na(needCredReport)
	}
	root := findRoot(a)
	if root == nil {
		return na("the credential report has no <root_account> row")
	}
	if !root.MFAActive {
		return accountResult(a, Failed, "the root user has no MFA device at all")
	}
	return na("root has MFA; whether it is a hardware device needs aws iam list-virtual-mfa-devices, not an input of moat posture")
}

// rootUsageDays is moat's threshold for CIS "avoid the use of the root
// user": AWS Security Hub has no control for it.
const rootUsageDays = 90

func checkRootUsage(a *Account) []Result {
	if a.Credentials == nil {
		return na(needCredReport)
	}
	root := findRoot(a)
	if root == nil {
		return na("the credential report has no <root_account> row")
	}
	last := root.PasswordLastUsed
	for _, k := range root.AccessKey {
		if k.LastUsedDate.After(last) {
			last = k.LastUsedDate
		}
	}
	if !last.IsZero() && !olderThan(last, a.Now, rootUsageDays) {
		return accountResult(a, Failed, fmt.Sprintf("the root user was last used %s (within %d days)", last.Format("2006-01-02"), rootUsageDays))
	}
	return accountResult(a, Passed, fmt.Sprintf("the root user was not used in the last %d days", rootUsageDays))
}

// userCheck evaluates every IAM user row of the credential report (root excluded).
func userCheck(f func(*Credential, time.Time) (Status, string)) func(*Account) []Result {
	return func(a *Account) []Result {
		if a.Credentials == nil {
			return na(needCredReport)
		}
		out := make([]Result, 0, len(a.Credentials))
		for i := range a.Credentials {
			c := &a.Credentials[i]
			if c.IsRoot() {
				continue
			}
			st, why := f(c, a.Now)
			out = append(out, Result{Status: st, ResourceType: "AwsIamUser", ResourceID: c.Arn, Reason: why})
		}
		if len(out) == 0 {
			return accountResult(a, Passed, "the account has no IAM users")
		}
		return out
	}
}

// unusedCredentials is the logic of the Config rule
// iam-user-unused-credentials-check: a password or an active access key not
// used within days (or, never used, created more than days ago).
func unusedCredentials(days int) func(*Credential, time.Time) (Status, string) {
	return func(c *Credential, now time.Time) (Status, string) {
		if c.PasswordEnabled {
			last := c.PasswordLastUsed
			if last.IsZero() {
				last = laterOf(c.PasswordLastChanged, c.UserCreationTime)
			}
			if !last.IsZero() && olderThan(last, now, days) {
				return Failed, fmt.Sprintf("console password not used for more than %d days", days)
			}
		}
		for i, k := range c.AccessKey {
			if !k.Active {
				continue
			}
			last := k.LastUsedDate
			if last.IsZero() {
				last = k.LastRotated
			}
			if !last.IsZero() && olderThan(last, now, days) {
				return Failed, fmt.Sprintf("access key %d not used for more than %d days", i+1, days)
			}
		}
		return Passed, ""
	}
}

func laterOf(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

func registerPasswordPolicy() {
	register(&Control{ID: "IAM.15", Title: "Ensure IAM password policy requires minimum password length of 14 or greater", Severity: "MEDIUM",
		Remediation: "aws iam update-account-password-policy --minimum-password-length 14 (keep the other settings you need).", RemediationURL: iamDocs + "#iam-15",
		Requirements: cis("1.8", "1.8"), check: pwCheck(func(p *PasswordPolicy) (bool, string) {
			return p.MinimumPasswordLength >= 14, fmt.Sprintf("minimum password length %d", p.MinimumPasswordLength)
		})})
	register(&Control{ID: "IAM.16", Title: "Ensure IAM password policy prevents password reuse", Severity: "LOW",
		Remediation: "aws iam update-account-password-policy --password-reuse-prevention 24.", RemediationURL: iamDocs + "#iam-16",
		Requirements: cis("1.9", "1.9"), check: pwCheck(func(p *PasswordPolicy) (bool, string) {
			n := 0
			if p.PasswordReusePrevention != nil {
				n = *p.PasswordReusePrevention
			}
			return n >= 24, fmt.Sprintf("password reuse prevention %d (24 required)", n)
		})})
	register(&Control{ID: "IAM.7", Title: "Password policies for IAM users should have strong configurations", Severity: "MEDIUM",
		Remediation: "aws iam update-account-password-policy --require-uppercase-characters --require-lowercase-characters --require-symbols --require-numbers --minimum-password-length 8 (or more).", RemediationURL: iamDocs + "#iam-7",
		Requirements: fsbp("IAM.7", nil), check: pwCheck(func(p *PasswordPolicy) (bool, string) {
			var miss []string
			for _, x := range []struct {
				ok   bool
				name string
			}{{p.RequireUppercaseCharacters, "uppercase"}, {p.RequireLowercaseCharacters, "lowercase"}, {p.RequireSymbols, "symbols"},
				{p.RequireNumbers, "numbers"}, {p.MinimumPasswordLength >= 8, "length >= 8"}} {
				if !x.ok {
					miss = append(miss, x.name)
				}
			}
			if len(miss) > 0 {
				return false, fmt.Sprintf("password policy does not require %v", miss)
			}
			return true, "uppercase, lowercase, symbols, numbers and length >= 8 required"
		})})
}

func pwCheck(f func(*PasswordPolicy) (bool, string)) func(*Account) []Result {
	return func(a *Account) []Result {
		if a.PasswordPolicy == nil {
			return na(needPwPolicy)
		}
		ok, why := f(a.PasswordPolicy)
		st := Passed
		if !ok {
			st = Failed
		}
		return accountResult(a, st, why)
	}
}
