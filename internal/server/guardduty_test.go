package server_test

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudtrail"
	"github.com/aws/aws-sdk-go-v2/service/guardduty"
	gdtypes "github.com/aws/aws-sdk-go-v2/service/guardduty/types"
	"github.com/aws/aws-sdk-go-v2/service/iam"
)

// With a detector enabled, the detection engine watches the live CloudTrail
// stream: root's API calls raise Policy:IAMUser/RootCredentialUsage and a
// StopLogging raises Stealth:IAMUser/CloudTrailLoggingDisabled, in
// GuardDuty's shape through the real SDK, and findings can be archived.
func TestGuardDutyLive(t *testing.T) {
	ts := start(t)
	ctx := context.Background()
	gd := guardduty.NewFromConfig(ts.config(ts.Root))
	det, err := gd.CreateDetector(ctx, &guardduty.CreateDetectorInput{Enable: aws.Bool(true)})
	if err != nil {
		t.Fatal(err)
	}
	id := aws.ToString(det.DetectorId)
	_, err = gd.CreateDetector(ctx, &guardduty.CreateDetectorInput{Enable: aws.Bool(true)})
	apiError(t, err, "BadRequestException")
	list, err := gd.ListDetectors(ctx, &guardduty.ListDetectorsInput{})
	if err != nil || len(list.DetectorIds) != 1 || list.DetectorIds[0] != id {
		t.Fatalf("ListDetectors: %+v %v", list, err)
	}
	got, err := gd.GetDetector(ctx, &guardduty.GetDetectorInput{DetectorId: aws.String(id)})
	if err != nil || got.Status != gdtypes.DetectorStatusEnabled {
		t.Fatalf("GetDetector: %+v %v", got, err)
	}
	_, err = gd.GetDetector(ctx, &guardduty.GetDetectorInput{DetectorId: aws.String("0123456789abcdef0123456789abcdef")})
	apiError(t, err, "BadRequestException")

	// A threat list naming the address this test calls from.
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.txt")
	_ = os.WriteFile(bad, []byte("127.0.0.1\nnot-an-address!\n"), 0o600)
	_, err = gd.CreateThreatIntelSet(ctx, &guardduty.CreateThreatIntelSetInput{DetectorId: aws.String(id), Name: aws.String("bad"), Format: gdtypes.ThreatIntelSetFormatTxt,
		Location: aws.String(bad), Activate: aws.Bool(true)})
	apiError(t, err, "BadRequestException")
	threats := filepath.Join(dir, "threats.txt")
	_ = os.WriteFile(threats, []byte("# moat test\n127.0.0.1\n198.51.100.0/24\n"), 0o600)
	ts1, err := gd.CreateThreatIntelSet(ctx, &guardduty.CreateThreatIntelSetInput{DetectorId: aws.String(id), Name: aws.String("lab"), Format: gdtypes.ThreatIntelSetFormatTxt,
		Location: aws.String("file://" + threats), Activate: aws.Bool(true)})
	if err != nil {
		t.Fatal(err)
	}
	sets, err := gd.ListThreatIntelSets(ctx, &guardduty.ListThreatIntelSetsInput{DetectorId: aws.String(id)})
	if err != nil || len(sets.ThreatIntelSetIds) != 1 || sets.ThreatIntelSetIds[0] != aws.ToString(ts1.ThreatIntelSetId) {
		t.Fatalf("ListThreatIntelSets: %+v %v", sets, err)
	}
	got1, err := gd.GetThreatIntelSet(ctx, &guardduty.GetThreatIntelSetInput{DetectorId: aws.String(id), ThreatIntelSetId: ts1.ThreatIntelSetId})
	if err != nil || got1.Status != gdtypes.ThreatIntelSetStatusActive {
		t.Fatalf("GetThreatIntelSet: %+v %v", got1, err)
	}

	// Root at work, and a trail stopped.
	if _, err := iam.NewFromConfig(ts.config(ts.Root)).CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("ops")}); err != nil {
		t.Fatal(err)
	}
	ct := cloudtrail.NewFromConfig(ts.config(ts.Root))
	if _, err := ct.CreateTrail(ctx, &cloudtrail.CreateTrailInput{Name: aws.String("audit"), S3BucketName: aws.String("audit-bucket")}); err != nil {
		t.Fatal(err)
	}
	if _, err := ct.StartLogging(ctx, &cloudtrail.StartLoggingInput{Name: aws.String("audit")}); err != nil {
		t.Fatal(err)
	}
	if _, err := ct.StopLogging(ctx, &cloudtrail.StopLoggingInput{Name: aws.String("audit")}); err != nil {
		t.Fatal(err)
	}

	types := map[string]string{} // type → finding id
	waitFor(t, func() bool {
		ids, err := gd.ListFindings(ctx, &guardduty.ListFindingsInput{DetectorId: aws.String(id)})
		if err != nil || len(ids.FindingIds) == 0 {
			return false
		}
		fs, err := gd.GetFindings(ctx, &guardduty.GetFindingsInput{DetectorId: aws.String(id), FindingIds: ids.FindingIds})
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range fs.Findings {
			types[aws.ToString(f.Type)] = aws.ToString(f.Id)
			if aws.ToString(f.AccountId) != ts.Account || f.Severity == nil || f.Service == nil || aws.ToString(f.Service.DetectorId) != id {
				t.Errorf("finding shape: %+v", f)
			}
		}
		return types["Policy:IAMUser/RootCredentialUsage"] != "" && types["Stealth:IAMUser/CloudTrailLoggingDisabled"] != "" &&
			types["UnauthorizedAccess:IAMUser/MaliciousIPCaller.Custom"] != ""
	})

	// Filter by type, archive, and filter on archived.
	byType, err := gd.ListFindings(ctx, &guardduty.ListFindingsInput{DetectorId: aws.String(id), FindingCriteria: &gdtypes.FindingCriteria{
		Criterion: map[string]gdtypes.Condition{"type": {Equals: []string{"Stealth:IAMUser/CloudTrailLoggingDisabled"}}}}})
	if err != nil || len(byType.FindingIds) != 1 {
		t.Fatalf("ListFindings by type: %+v %v", byType, err)
	}
	if _, err := gd.ArchiveFindings(ctx, &guardduty.ArchiveFindingsInput{DetectorId: aws.String(id), FindingIds: byType.FindingIds}); err != nil {
		t.Fatal(err)
	}
	active, err := gd.ListFindings(ctx, &guardduty.ListFindingsInput{DetectorId: aws.String(id), FindingCriteria: &gdtypes.FindingCriteria{
		Criterion: map[string]gdtypes.Condition{"service.archived": {Equals: []string{"false"}}}}})
	if err != nil {
		t.Fatal(err)
	}
	for _, fid := range active.FindingIds {
		if fid == byType.FindingIds[0] {
			t.Errorf("an archived finding is listed as active")
		}
	}
	fs, err := gd.GetFindings(ctx, &guardduty.GetFindingsInput{DetectorId: aws.String(id), FindingIds: byType.FindingIds})
	if err != nil || len(fs.Findings) != 1 || !aws.ToBool(fs.Findings[0].Service.Archived) {
		b, _ := json.Marshal(fs)
		t.Fatalf("archived finding: %s %v", b, err)
	}
	_, err = gd.ListFindings(ctx, &guardduty.ListFindingsInput{DetectorId: aws.String(id), FindingCriteria: &gdtypes.FindingCriteria{
		Criterion: map[string]gdtypes.Condition{"resource.instanceDetails.colour": {Equals: []string{"blue"}}}}})
	apiError(t, err, "BadRequestException")
}
