package posture

import (
	"strings"

	"github.com/moatdev/moat/policy"
)

const (
	s3Docs     = "https://docs.aws.amazon.com/securityhub/latest/userguide/s3-controls.html"
	needS3     = "needs --s3 with a directory of aws s3api outputs (see posture.S3State)"
	bucketType = "AwsS3Bucket"
	allUsers   = "http://acs.amazonaws.com/groups/global/AllUsers"
	authUsers  = "http://acs.amazonaws.com/groups/global/AuthenticatedUsers"
)

func init() {
	register(&Control{ID: "S3.1", Title: "S3 general purpose buckets should have block public access settings enabled", Severity: "MEDIUM",
		Remediation: "aws s3control put-public-access-block --account-id ID --public-access-block-configuration BlockPublicAcls=true,IgnorePublicAcls=true,BlockPublicPolicy=true,RestrictPublicBuckets=true", RemediationURL: s3Docs + "#s3-1",
		Requirements: fsbp("S3.1", cis("2.1.4", "2.1.5")), check: checkAccountPAB})
	register(&Control{ID: "S3.2", Title: "S3 general purpose buckets should block public read access", Severity: "CRITICAL",
		Remediation: "Remove the public grant (bucket policy statement or ACL) or turn on Block Public Access for the bucket.", RemediationURL: s3Docs + "#s3-2",
		Requirements: fsbp("S3.2", nil), check: bucketCheck(func(s *S3State, b *Bucket) (Status, string) { return publicAccess(s, b, "read") })})
	register(&Control{ID: "S3.3", Title: "S3 general purpose buckets should block public write access", Severity: "CRITICAL",
		Remediation: "Remove the public grant (bucket policy statement or ACL) or turn on Block Public Access for the bucket.", RemediationURL: s3Docs + "#s3-3",
		Requirements: fsbp("S3.3", nil), check: bucketCheck(func(s *S3State, b *Bucket) (Status, string) { return publicAccess(s, b, "write") })})
	register(&Control{ID: "S3.4", Title: "S3 buckets should have server-side encryption enabled", Severity: "MEDIUM",
		Remediation: "aws s3api put-bucket-encryption --bucket BUCKET --server-side-encryption-configuration ...", RemediationURL: s3Docs + "#s3-4",
		Requirements: cis("", "2.1.1"), check: bucketCheck(func(_ *S3State, b *Bucket) (Status, string) {
			if b.Encryption == "" {
				return Failed, "no default encryption"
			}
			return Passed, "default encryption " + b.Encryption
		})})
	register(&Control{ID: "S3.5", Title: "S3 general purpose buckets should require requests to use SSL", Severity: "MEDIUM",
		Remediation: `Add a statement {"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":["arn:aws:s3:::BUCKET","arn:aws:s3:::BUCKET/*"],"Condition":{"Bool":{"aws:SecureTransport":"false"}}} to the bucket policy.`, RemediationURL: s3Docs + "#s3-5",
		Requirements: fsbp("S3.5", cis("2.1.1", "2.1.2")), check: bucketCheck(func(_ *S3State, b *Bucket) (Status, string) {
			if deniesInsecure(b.Policy) {
				return Passed, "the bucket policy denies requests without TLS"
			}
			return Failed, "no bucket policy statement denies requests with aws:SecureTransport false"
		})})
	register(&Control{ID: "S3.8", Title: "S3 general purpose buckets should block public access", Severity: "HIGH",
		Remediation: "aws s3api put-public-access-block --bucket BUCKET --public-access-block-configuration BlockPublicAcls=true,IgnorePublicAcls=true,BlockPublicPolicy=true,RestrictPublicBuckets=true", RemediationURL: s3Docs + "#s3-8",
		Requirements: fsbp("S3.8", nil), check: bucketCheck(func(_ *S3State, b *Bucket) (Status, string) {
			if !b.PublicAccessBlock.All() {
				return Failed, "bucket-level Block Public Access is not fully on"
			}
			return Passed, ""
		})})
	register(&Control{ID: "S3.9", Title: "S3 general purpose buckets should have server access logging enabled", Severity: "MEDIUM",
		Remediation: "aws s3api put-bucket-logging --bucket BUCKET --bucket-logging-status LoggingEnabled={TargetBucket=LOGS,TargetPrefix=BUCKET/}", RemediationURL: s3Docs + "#s3-9",
		Requirements: fsbp("S3.9", nil), check: bucketCheck(func(_ *S3State, b *Bucket) (Status, string) {
			if b.LoggingTarget == "" {
				return Failed, "server access logging is off"
			}
			return Passed, "logs to " + b.LoggingTarget
		})})
	register(&Control{ID: "S3.20", Title: "S3 general purpose buckets should have MFA delete enabled", Severity: "LOW",
		Remediation: "As the root user: aws s3api put-bucket-versioning --bucket BUCKET --versioning-configuration Status=Enabled,MFADelete=Enabled --mfa 'SERIAL CODE'", RemediationURL: s3Docs + "#s3-20",
		Requirements: cis("2.1.2", "2.1.3"), check: bucketCheck(func(_ *S3State, b *Bucket) (Status, string) {
			if b.Versioning != "Enabled" || b.MFADelete != "Enabled" {
				return Failed, "versioning " + orNone(b.Versioning) + ", MFA delete " + orNone(b.MFADelete)
			}
			return Passed, ""
		})})
	register(&Control{ID: "CloudTrail.6", Title: "Ensure the S3 bucket used to store CloudTrail logs is not publicly accessible", Severity: "CRITICAL",
		Remediation: "Remove public grants from the trail bucket and turn on its Block Public Access.", RemediationURL: ctDocs + "#cloudtrail-6",
		Requirements: cis("", "3.3"), check: trailBucketCheck(func(s *S3State, b *Bucket) (Status, string) {
			if st, why := publicAccess(s, b, "read"); st == Failed {
				return Failed, why
			}
			if st, why := publicAccess(s, b, "write"); st == Failed {
				return Failed, why
			}
			return Passed, ""
		})})
	register(&Control{ID: "CloudTrail.7", Title: "Ensure S3 bucket access logging is enabled on the CloudTrail S3 bucket", Severity: "LOW",
		Remediation: "aws s3api put-bucket-logging --bucket TRAIL-BUCKET --bucket-logging-status ...", RemediationURL: ctDocs + "#cloudtrail-7",
		Requirements: cis("3.4", "3.6"), check: trailBucketCheck(func(_ *S3State, b *Bucket) (Status, string) {
			if b.LoggingTarget == "" {
				return Failed, "server access logging is off on the trail bucket"
			}
			return Passed, ""
		})})
}

func orNone(s string) string {
	if s == "" {
		return "off"
	}
	return s
}

func bucketARN(name string) string { return "arn:aws:s3:::" + name }

func checkAccountPAB(a *Account) []Result {
	if a.S3 == nil || a.S3.AccountPublicAccessBlock == nil {
		return na("needs the account's Block Public Access (aws s3control get-public-access-block) in the --s3 directory")
	}
	if !a.S3.AccountPublicAccessBlock.All() {
		return accountResult(a, Failed, "account-level Block Public Access is not fully on")
	}
	return accountResult(a, Passed, "")
}

func bucketCheck(f func(*S3State, *Bucket) (Status, string)) func(*Account) []Result {
	return func(a *Account) []Result {
		if a.S3 == nil {
			return na(needS3)
		}
		if len(a.S3.Buckets) == 0 {
			return accountResult(a, Passed, "no buckets")
		}
		out := make([]Result, 0, len(a.S3.Buckets))
		for i := range a.S3.Buckets {
			b := &a.S3.Buckets[i]
			st, why := f(a.S3, b)
			out = append(out, Result{Status: st, ResourceType: bucketType, ResourceID: bucketARN(b.Name), Reason: why})
		}
		return out
	}
}

// trailBucketCheck runs f on the bucket of every trail whose bucket is in
// the S3 export.
func trailBucketCheck(f func(*S3State, *Bucket) (Status, string)) func(*Account) []Result {
	return func(a *Account) []Result {
		if a.Trails == nil {
			return na(needTrails)
		}
		if a.S3 == nil {
			return na(needS3)
		}
		var out []Result
		for _, t := range a.Trails.List {
			for i := range a.S3.Buckets {
				b := &a.S3.Buckets[i]
				if b.Name == t.S3BucketName {
					st, why := f(a.S3, b)
					out = append(out, Result{Status: st, ResourceType: bucketType, ResourceID: bucketARN(b.Name), Reason: why})
				}
			}
		}
		if out == nil {
			return na("no trail's bucket is in the S3 export")
		}
		return out
	}
}

// publicAccess decides S3.2 (read) and S3.3 (write): a public bucket
// policy statement granting that kind of action, unless
// RestrictPublicBuckets (bucket or account) applies, or a public ACL grant,
// unless IgnorePublicAcls applies.
func publicAccess(s *S3State, b *Bucket, kind string) (Status, string) {
	restrict, ignoreACLs := false, false
	for _, p := range []*PublicAccessBlock{b.PublicAccessBlock, s.AccountPublicAccessBlock} {
		if p != nil {
			restrict = restrict || p.RestrictPublicBuckets
			ignoreACLs = ignoreACLs || p.IgnorePublicAcls
		}
	}
	if !restrict && b.Policy != "" {
		if sid, ok := publicStatement(b.Policy, kind); ok {
			return Failed, "the bucket policy grants public " + kind + " access (statement " + sid + ")"
		}
	}
	if !ignoreACLs {
		want := map[string]bool{"read": kind == "read", "write": kind == "write"}
		for _, g := range []string{allUsers, authUsers} {
			for _, perm := range b.Grants[g] {
				if perm == "FULL_CONTROL" || want["read"] && perm == "READ" || want["write"] && perm == "WRITE" {
					return Failed, "the ACL grants " + perm + " to " + g[strings.LastIndexByte(g, '/')+1:]
				}
			}
		}
	}
	return Passed, ""
}

// publicStatement finds a statement of doc that S3 considers public and
// that grants read (s3:GetObject, s3:ListBucket) or write (s3:PutObject,
// s3:DeleteObject) actions; it returns the statement's Sid or position.
func publicStatement(doc, kind string) (string, bool) {
	p, err := policy.Parse([]byte(doc))
	if err != nil {
		return "", false
	}
	probes := map[string][]string{"read": {"s3:getobject", "s3:listbucket"}, "write": {"s3:putobject", "s3:deleteobject"}}[kind]
	for _, st := range p.Statements {
		if !policy.S3Public(&policy.Policy{Statements: []*policy.Statement{st}}) {
			continue
		}
		granted := st.NotAction
		for _, a := range st.Actions {
			for _, probe := range probes {
				granted = granted || policy.WildcardMatch(strings.ToLower(a), probe)
			}
		}
		if granted {
			if st.Sid != "" {
				return st.Sid, true
			}
			return "#" + itoa(st.Index+1), true
		}
	}
	return "", false
}

func itoa(n int) string {
	if n < 10 {
		return string(rune('0' + n))
	}
	return itoa(n/10) + string(rune('0'+n%10))
}

// deniesInsecure reports a Deny statement for every principal and every S3
// action whose condition refuses requests without TLS (aws:SecureTransport
// false), as S3.5 requires.
func deniesInsecure(doc string) bool {
	if doc == "" {
		return false
	}
	p, err := policy.Parse([]byte(doc))
	if err != nil {
		return false
	}
	for _, st := range p.Statements {
		if st.Effect != policy.Deny || st.Principal == nil || !st.Principal.Any || st.NotAction {
			continue
		}
		all := false
		for _, a := range st.Actions {
			if a == "*" || strings.EqualFold(a, "s3:*") {
				all = true
			}
		}
		if !all {
			continue
		}
		for _, c := range st.Conditions {
			if strings.EqualFold(c.Key, "aws:SecureTransport") && strings.EqualFold(strings.TrimSuffix(c.Operator, "IfExists"), "Bool") &&
				len(c.Values) == 1 && strings.EqualFold(c.Values[0], "false") {
				return true
			}
		}
	}
	return false
}
