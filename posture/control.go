package posture

import (
	"fmt"
	"math"
	"slices"
	"strings"
	"time"
)

// Status is a control finding's Compliance.Status.
type Status string

// The four Compliance.Status values of ASFF.
const (
	Passed       Status = "PASSED"
	Failed       Status = "FAILED"
	Warning      Status = "WARNING"
	NotAvailable Status = "NOT_AVAILABLE"
)

// ControlStatus is a control's overall status, derived from its findings as
// Security Hub does: FAILED if any finding FAILED; UNKNOWN if any finding is
// WARNING (and none FAILED); PASSED if all findings PASSED; NO_DATA when the
// control could not be evaluated (only NOT_AVAILABLE findings) — see docs/posture.md.
type ControlStatus string

// Overall control statuses (the console's Passed/Failed/Unknown/No data).
const (
	ControlPassed  ControlStatus = "PASSED"
	ControlFailed  ControlStatus = "FAILED"
	ControlUnknown ControlStatus = "UNKNOWN"
	ControlNoData  ControlStatus = "NO_DATA"
)

// Standards, by the StandardsArn suffix AWS uses.
const (
	StandardFSBP   = "aws-foundational-security-best-practices/v/1.0.0"
	StandardCIS300 = "cis-aws-foundations-benchmark/v/3.0.0"
	StandardCIS140 = "cis-aws-foundations-benchmark/v/1.4.0"
)

// StandardNames are the standards' display names.
var StandardNames = map[string]string{
	StandardFSBP:   "AWS Foundational Security Best Practices v1.0.0",
	StandardCIS300: "CIS AWS Foundations Benchmark v3.0.0",
	StandardCIS140: "CIS AWS Foundations Benchmark v1.4.0",
}

// Requirement ties a control to one standard's requirement id.
type Requirement struct {
	Standard string // e.g. StandardCIS300
	ID       string // e.g. "1.4"; for FSBP the control id
}

// Result is one evaluated resource of a control: the finding's
// Compliance.Status, the resource and why.
type Result struct {
	Status       Status
	ResourceType string // ASFF resource type: AwsAccount, AwsIamUser, AwsEc2SecurityGroup...
	ResourceID   string
	Reason       string
}

// Control is one check. ID is the Security Hub control id (IAM.4, EC2.8)
// where AWS has one; controls AWS's Security Hub does not implement carry a
// moat id "CIS.<topic>".
type Control struct {
	ID             string
	Title          string
	Severity       string // INFORMATIONAL, LOW, MEDIUM, HIGH, CRITICAL
	Remediation    string
	RemediationURL string
	Requirements   []Requirement
	check          func(a *Account) []Result
}

var registry = map[string]*Control{}

// register adds a control; duplicate ids or requirement ids panic.
func register(c *Control) {
	if _, dup := registry[c.ID]; dup {
		panic("posture: duplicate control " + c.ID)
	}
	for _, r := range c.Requirements {
		for _, o := range registry {
			for _, or := range o.Requirements {
				if or == r {
					panic(fmt.Sprintf("posture: %s %s is claimed by %s and %s", r.Standard, r.ID, o.ID, c.ID))
				}
			}
		}
	}
	if c.check == nil {
		panic("posture: control " + c.ID + " has no check")
	}
	registry[c.ID] = c
}

// Controls returns every control, by id.
func Controls() []*Control {
	out := make([]*Control, 0, len(registry))
	for _, c := range registry {
		out = append(out, c)
	}
	slices.SortFunc(out, func(a, b *Control) int { return compareIDs(a.ID, b.ID) })
	return out
}

// compareIDs orders "IAM.2" before "IAM.10".
func compareIDs(a, b string) int {
	pa, na := splitID(a)
	pb, nb := splitID(b)
	if c := strings.Compare(pa, pb); c != 0 {
		return c
	}
	if na != nb {
		return na - nb
	}
	return strings.Compare(a, b)
}

func splitID(id string) (string, int) {
	i := strings.LastIndexByte(id, '.')
	if i < 0 {
		return id, 0
	}
	n := 0
	for _, ch := range id[i+1:] {
		if ch < '0' || ch > '9' {
			return id, 0
		}
		n = n*10 + int(ch-'0')
	}
	return id[:i], n
}

// Account is the exported state of one account. A nil input means it was
// not supplied: the controls that need it report NOT_AVAILABLE.
type Account struct {
	AccountID      string // 12 digits; derived from the inputs when empty
	Region         string // region for findings; "us-east-1" when empty
	Auth           *AuthDetails
	Credentials    []Credential // nil: no credential report
	PasswordPolicy *PasswordPolicy
	EC2            *EC2State
	Trails         *Trails
	S3             *S3State
	Now            time.Time // evaluation time; ages are measured from it
}

// ControlResult is one control's evaluation.
type ControlResult struct {
	Control *Control
	Status  ControlStatus
	Results []Result
}

// Failing returns the FAILED results.
func (r *ControlResult) Failing() []Result {
	var out []Result
	for _, x := range r.Results {
		if x.Status == Failed {
			out = append(out, x)
		}
	}
	return out
}

// StandardScore is one standard's security score.
type StandardScore struct {
	Standard string
	Name     string
	Passed   int
	Failed   int
	Unknown  int
	NoData   int
	// Score is round(100 × Passed / (Passed + Failed + Unknown)); -1 when no
	// control has data.
	Score int
}

// Report is the evaluation of every control on one account.
type Report struct {
	AccountID   string
	Region      string
	GeneratedAt time.Time
	Controls    []ControlResult
	Standards   []StandardScore
	// Score is the summary score: the average of the standard scores that
	// have data, rounded; -1 when none has.
	Score    int
	Warnings []string
}

// Evaluate runs every control on the account.
func Evaluate(a *Account) *Report {
	if a.Now.IsZero() {
		a.Now = time.Now().UTC()
	}
	if a.AccountID == "" {
		a.AccountID = deriveAccountID(a)
	}
	if a.Region == "" {
		a.Region = "us-east-1"
	}
	rep := &Report{AccountID: a.AccountID, Region: a.Region, GeneratedAt: a.Now}
	for _, c := range Controls() {
		res := c.check(a)
		rep.Controls = append(rep.Controls, ControlResult{Control: c, Status: overall(res), Results: res})
	}
	rep.Standards, rep.Score = scores(rep.Controls)
	rep.Warnings = inputWarnings(a)
	return rep
}

func overall(res []Result) ControlStatus {
	st := ControlNoData
	for _, r := range res {
		switch r.Status {
		case Failed:
			return ControlFailed
		case Warning:
			st = ControlUnknown
		case Passed:
			if st == ControlNoData {
				st = ControlPassed
			}
		}
	}
	return st
}

// scores computes each standard's score as AWS does: passed controls divided
// by enabled controls that have data, as a rounded percentage
// (standards-security-score in the Security Hub user guide); the summary is
// the average of the standard scores.
func scores(crs []ControlResult) ([]StandardScore, int) {
	byStd := map[string]*StandardScore{}
	for _, std := range []string{StandardFSBP, StandardCIS300, StandardCIS140} {
		byStd[std] = &StandardScore{Standard: std, Name: StandardNames[std]}
	}
	for _, cr := range crs {
		for _, r := range cr.Control.Requirements {
			s := byStd[r.Standard]
			switch cr.Status {
			case ControlPassed:
				s.Passed++
			case ControlFailed:
				s.Failed++
			case ControlUnknown:
				s.Unknown++
			default:
				s.NoData++
			}
		}
	}
	var out []StandardScore
	sum, n := 0, 0
	for _, std := range []string{StandardFSBP, StandardCIS300, StandardCIS140} {
		s := byStd[std]
		s.Score = -1
		if d := s.Passed + s.Failed + s.Unknown; d > 0 {
			s.Score = int(math.Round(100 * float64(s.Passed) / float64(d)))
			sum += s.Score
			n++
		}
		out = append(out, *s)
	}
	if n == 0 {
		return out, -1
	}
	return out, int(math.Round(float64(sum) / float64(n)))
}

func deriveAccountID(a *Account) string {
	for _, c := range a.Credentials {
		if id := accountOfARN(c.Arn); id != "" {
			return id
		}
	}
	if a.Auth != nil {
		for _, u := range a.Auth.UserDetailList {
			if id := accountOfARN(u.Arn); id != "" {
				return id
			}
		}
		for _, r := range a.Auth.RoleDetailList {
			if id := accountOfARN(r.Arn); id != "" {
				return id
			}
		}
	}
	if a.EC2 != nil {
		for _, g := range a.EC2.SecurityGroups {
			if g.OwnerId != "" {
				return g.OwnerId
			}
		}
	}
	if a.Trails != nil {
		for _, t := range a.Trails.List {
			if id := accountOfARN(t.TrailARN); id != "" {
				return id
			}
		}
	}
	return "000000000000"
}

func accountOfARN(arn string) string {
	parts := strings.SplitN(arn, ":", 6)
	if len(parts) == 6 && len(parts[4]) == 12 {
		return parts[4]
	}
	return ""
}

func inputWarnings(a *Account) []string {
	var w []string
	if a.Auth != nil && a.Auth.IsTruncated {
		w = append(w, "get-account-authorization-details output is truncated (IsTruncated true): checks saw only part of the account")
	}
	if a.EC2 != nil {
		for _, s := range a.EC2.Skipped {
			w = append(w, "--ec2: skipped "+s+": not a describe-* output moat reads")
		}
	}
	return w
}

// helpers for checks

func accountResource(a *Account) (string, string) {
	return "AwsAccount", "AWS::::Account:" + a.AccountID
}

func na(reason string) []Result { return []Result{{Status: NotAvailable, Reason: reason}} }

func accountResult(a *Account, st Status, reason string) []Result {
	t, id := accountResource(a)
	return []Result{{Status: st, ResourceType: t, ResourceID: id, Reason: reason}}
}

// olderThan reports whether t is more than days days before now.
func olderThan(t, now time.Time, days int) bool {
	return now.Sub(t) > time.Duration(days)*24*time.Hour
}
