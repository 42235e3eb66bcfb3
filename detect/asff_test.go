package detect

import (
	"bytes"
	"testing"

	"github.com/moatdev/moat/asff"
)

// The ASFF moat writes is what Security Hub accepts: asff validates every
// finding as BatchImportFindings does (types have at most three parts, so
// the slash of a GuardDuty type must not reach them).
func TestASFFIsValidASFF(t *testing.T) {
	var fs []*Finding
	for _, typ := range []string{"Policy:IAMUser/RootCredentialUsage", "Stealth:IAMUser/CloudTrailLoggingDisabled", "Recon:EC2/PortProbeUnprotectedPort", "moat:Discovery:IAMUser/ConsoleBruteForce"} {
		fs = append(fs, &Finding{SchemaVersion: "2.0", AccountID: "111122223333", Region: "us-east-1", Partition: "aws", ID: "f1",
			ARN: "arn:aws:guardduty:us-east-1:111122223333:detector/d1/finding/f1", Type: typ, Severity: 5,
			CreatedAt: "2026-11-29T10:00:00.000Z", UpdatedAt: "2026-11-29T10:00:00.000Z", Title: "t", Description: "d",
			Resource: FindingResource{ResourceType: "AccessKey"}, Service: Service{EventFirstSeen: "2026-11-29T10:00:00.000Z", EventLastSeen: "2026-11-29T10:00:00.000Z", Count: 1}})
	}
	var buf bytes.Buffer
	if err := WriteASFF(&buf, fs); err != nil {
		t.Fatal(err)
	}
	res, err := asff.ParseBatchImport(buf.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	if len(res.FailedFindings) != 0 || len(res.Findings) != len(fs) {
		t.Fatalf("Security Hub would refuse moat's ASFF: %+v", res.FailedFindings)
	}
	if got := res.Findings[0].Types[0]; got != "Software and Configuration Checks/AWS Security Best Practices/Policy:IAMUser-RootCredentialUsage" {
		t.Errorf("ASFF type = %q", got)
	}
}
