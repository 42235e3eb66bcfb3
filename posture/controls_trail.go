package posture

import (
	"fmt"
	"time"
)

const (
	ctDocs       = "https://docs.aws.amazon.com/securityhub/latest/userguide/cloudtrail-controls.html"
	needTrails   = "needs --trails with aws cloudtrail describe-trails output"
	trailType    = "AwsCloudTrailTrail"
	s3ObjectType = "AWS::S3::Object"
)

func init() {
	register(&Control{ID: "CloudTrail.1", Title: "CloudTrail should be enabled and configured with at least one multi-Region trail that includes read and write management events", Severity: "HIGH",
		Remediation: "aws cloudtrail create-trail --is-multi-region-trail ... ; aws cloudtrail start-logging; event selectors with ReadWriteType All and management events.", RemediationURL: ctDocs + "#cloudtrail-1",
		Requirements: fsbp("CloudTrail.1", cis("3.1", "3.1")), check: checkMultiRegionTrail})
	register(&Control{ID: "CloudTrail.3", Title: "At least one CloudTrail trail should be enabled", Severity: "HIGH",
		Remediation: "aws cloudtrail create-trail and aws cloudtrail start-logging.", RemediationURL: ctDocs + "#cloudtrail-3",
		Requirements: fsbp("CloudTrail.3", nil), check: checkAnyTrail})
	register(&Control{ID: "CloudTrail.4", Title: "CloudTrail log file validation should be enabled", Severity: "LOW",
		Remediation: "aws cloudtrail update-trail --name TRAIL --enable-log-file-validation.", RemediationURL: ctDocs + "#cloudtrail-4",
		Requirements: fsbp("CloudTrail.4", cis("3.2", "3.2")), check: trailCheck(func(t *Trail, _ time.Time) (Status, string) {
			if !t.LogFileValidationEnabled {
				return Failed, "log file validation is off"
			}
			return Passed, ""
		})})
	register(&Control{ID: "CloudTrail.2", Title: "CloudTrail should have encryption at-rest enabled", Severity: "MEDIUM",
		Remediation: "aws cloudtrail update-trail --name TRAIL --kms-key-id KEY (the key policy must let CloudTrail use it).", RemediationURL: ctDocs + "#cloudtrail-2",
		Requirements: fsbp("CloudTrail.2", cis("3.5", "3.7")), check: trailCheck(func(t *Trail, _ time.Time) (Status, string) {
			if t.KmsKeyId == "" {
				return Failed, "logs are not encrypted with a KMS key (no KmsKeyId)"
			}
			return Passed, ""
		})})
	register(&Control{ID: "CloudTrail.5", Title: "CloudTrail trails should be integrated with Amazon CloudWatch Logs", Severity: "LOW",
		Remediation: "aws cloudtrail update-trail --name TRAIL --cloud-watch-logs-log-group-arn ARN --cloud-watch-logs-role-arn ROLE.", RemediationURL: ctDocs + "#cloudtrail-5",
		Requirements: fsbp("CloudTrail.5", cis("", "3.4")), check: trailCheck(checkTrailCWL)})
	register(&Control{ID: "S3.22", Title: "S3 general purpose buckets should log object-level write events", Severity: "MEDIUM",
		Remediation:  "Add an event selector for AWS::S3::Object data events (WriteOnly or All) on a multi-Region trail (aws cloudtrail put-event-selectors).",
		Requirements: cis("3.8", "3.10"), check: s3DataEvents("WriteOnly")})
	register(&Control{ID: "S3.23", Title: "S3 general purpose buckets should log object-level read events", Severity: "MEDIUM",
		Remediation:  "Add an event selector for AWS::S3::Object data events (ReadOnly or All) on a multi-Region trail (aws cloudtrail put-event-selectors).",
		Requirements: cis("3.9", "3.11"), check: s3DataEvents("ReadOnly")})
}

func trailARN(a *Account, t *Trail) string {
	if t.TrailARN != "" {
		return t.TrailARN
	}
	return fmt.Sprintf("arn:aws:cloudtrail:%s:%s:trail/%s", a.Region, a.AccountID, t.Name)
}

func trailCheck(f func(*Trail, time.Time) (Status, string)) func(*Account) []Result {
	return func(a *Account) []Result {
		if a.Trails == nil {
			return na(needTrails)
		}
		if len(a.Trails.List) == 0 {
			return accountResult(a, Failed, "the account has no trail")
		}
		out := make([]Result, 0, len(a.Trails.List))
		for i := range a.Trails.List {
			t := &a.Trails.List[i]
			st, why := f(t, a.Now)
			out = append(out, Result{Status: st, ResourceType: trailType, ResourceID: trailARN(a, t), Reason: why})
		}
		return out
	}
}

// checkTrailCWL: the trail sends to a log group and, when get-trail-status
// is given, delivered there within the last day (CIS 1.4.0 3.4).
func checkTrailCWL(t *Trail, now time.Time) (Status, string) {
	if t.CloudWatchLogsLogGroupArn == "" {
		return Failed, "not integrated with CloudWatch Logs"
	}
	if t.Status != nil {
		last := t.Status.LatestCloudWatchLogsDeliveryTime.Time
		if last.IsZero() || olderThan(last, now, 1) {
			return Failed, "no delivery to CloudWatch Logs in the last day"
		}
	}
	return Passed, ""
}

func logging(t *Trail) (bool, bool) {
	if t.Status == nil || t.Status.IsLogging == nil {
		return false, false
	}
	return *t.Status.IsLogging, true
}

// managementReadWrite reports whether the trail records read and write
// management events: no selectors at all is CloudTrail's default (all
// management events); basic selectors need ReadWriteType All with
// IncludeManagementEvents; an advanced selector needs eventCategory
// Management without a readOnly field.
func managementReadWrite(t *Trail) (bool, bool) {
	s := t.Selectors
	if s == nil {
		return false, false
	}
	if len(s.EventSelectors) == 0 && len(s.AdvancedEventSelectors) == 0 {
		return true, true
	}
	for _, es := range s.EventSelectors {
		if es.ReadWriteType == "All" && (es.IncludeManagementEvents == nil || *es.IncludeManagementEvents) {
			return true, true
		}
	}
	for _, as := range s.AdvancedEventSelectors {
		mgmt, readOnly := false, false
		for _, f := range as.FieldSelectors {
			switch f.Field {
			case "eventCategory":
				mgmt = containsAny(f.Equals, "Management")
			case "readOnly":
				readOnly = true
			}
		}
		if mgmt && !readOnly {
			return true, true
		}
	}
	return false, true
}

func checkMultiRegionTrail(a *Account) []Result {
	if a.Trails == nil {
		return na(needTrails)
	}
	unknown := ""
	for i := range a.Trails.List {
		t := &a.Trails.List[i]
		if !t.IsMultiRegionTrail {
			continue
		}
		on, known := logging(t)
		rw, knownSel := managementReadWrite(t)
		switch {
		case known && knownSel && on && rw:
			return accountResult(a, Passed, "multi-Region trail "+t.Name+" is logging read and write management events")
		case !known || !knownSel:
			unknown = t.Name
		}
	}
	if unknown != "" {
		return na("multi-Region trail " + unknown + " exists; deciding needs its get-trail-status and get-event-selectors output in --trails")
	}
	return accountResult(a, Failed, "no multi-Region trail is logging read and write management events")
}

func checkAnyTrail(a *Account) []Result {
	if a.Trails == nil {
		return na(needTrails)
	}
	if len(a.Trails.List) == 0 {
		return accountResult(a, Failed, "the account has no trail")
	}
	if !a.Trails.HaveStatus {
		return accountResult(a, Passed, "trail "+a.Trails.List[0].Name+" exists (logging state not supplied)")
	}
	for i := range a.Trails.List {
		if on, _ := logging(&a.Trails.List[i]); on {
			return accountResult(a, Passed, "trail "+a.Trails.List[i].Name+" is logging")
		}
	}
	return accountResult(a, Failed, "no trail is logging")
}

// s3DataEvents: a multi-Region trail records S3 object data events of the
// given direction ("WriteOnly" or "ReadOnly"; "All" covers both) for all
// buckets (a data resource value "arn:aws:s3" or "arn:aws:s3:::").
func s3DataEvents(dir string) func(*Account) []Result {
	return func(a *Account) []Result {
		if a.Trails == nil {
			return na(needTrails)
		}
		if !a.Trails.HaveSelectors {
			return na("needs get-event-selectors output in --trails")
		}
		for i := range a.Trails.List {
			t := &a.Trails.List[i]
			if t.IsMultiRegionTrail && t.Selectors != nil && recordsS3Objects(t.Selectors, dir) {
				return accountResult(a, Passed, "multi-Region trail "+t.Name+" records S3 object "+dir+" data events")
			}
		}
		return accountResult(a, Failed, "no multi-Region trail records S3 object-level "+dir+" events for all buckets")
	}
}

func recordsS3Objects(s *EventSelectors, dir string) bool {
	for _, es := range s.EventSelectors {
		if es.ReadWriteType != "All" && es.ReadWriteType != dir {
			continue
		}
		for _, dr := range es.DataResources {
			if dr.Type == s3ObjectType && containsAny(dr.Values, "arn:aws:s3", "arn:aws:s3:::") {
				return true
			}
		}
	}
	for _, as := range s.AdvancedEventSelectors {
		data, s3, dirOK := false, false, true
		for _, f := range as.FieldSelectors {
			switch f.Field {
			case "eventCategory":
				data = containsAny(f.Equals, "Data")
			case "resources.type":
				s3 = containsAny(f.Equals, s3ObjectType)
			case "readOnly":
				want := "false"
				if dir == "ReadOnly" {
					want = "true"
				}
				dirOK = containsAny(f.Equals, want)
			case "resources.ARN":
				dirOK = dirOK && len(f.Equals) == 0 && len(f.StartsWith) == 0
			}
		}
		if data && s3 && dirOK {
			return true
		}
	}
	return false
}
