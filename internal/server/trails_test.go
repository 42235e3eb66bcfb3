package server_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudtrail"
	cttypes "github.com/aws/aws-sdk-go-v2/service/cloudtrail/types"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/organizations"
	orgtypes "github.com/aws/aws-sdk-go-v2/service/organizations/types"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/moatdev/moat/internal/cli"
	"github.com/moatdev/moat/internal/server"
	"github.com/moatdev/moat/internal/trail"
)

// logFiles returns the delivered log files under dir and the event names in
// each.
func logFiles(t *testing.T, dir string) map[string][]string {
	t.Helper()
	out := map[string][]string{}
	_ = filepath.WalkDir(dir, func(p string, e fs.DirEntry, err error) error {
		if err != nil || e.IsDir() || !strings.HasSuffix(p, ".json.gz") || !strings.Contains(p, "/CloudTrail/") {
			return nil
		}
		f, err := os.Open(p)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		zr, err := gzip.NewReader(f)
		if err != nil {
			t.Fatalf("%s: %v", p, err)
		}
		var file struct {
			Records []struct{ EventName, EventSource string }
		}
		if err := json.NewDecoder(zr).Decode(&file); err != nil {
			t.Fatalf("%s: %v", p, err)
		}
		for _, r := range file.Records {
			out[p] = append(out[p], r.EventName)
		}
		return nil
	})
	return out
}

// eventNames lists every delivered event name, each between spaces.
func eventNames(files map[string][]string) string {
	var b strings.Builder
	for _, names := range files {
		for _, n := range names {
			b.WriteString(" " + n + " ")
		}
	}
	return b.String()
}

// A trail created and started with the real SDK delivers CloudTrail's
// layout and format into the trail directory, follows its event selectors,
// stops with StopLogging, and its digest chain validates until a file is
// changed, deleted or added.
func TestTrailDeliveryAndValidation(t *testing.T) {
	trailDir := t.TempDir()
	ts := start(t, func(c *server.Config) {
		c.TrailDir, c.TrailInterval, c.TrailDigestInterval = trailDir, 50*time.Millisecond, time.Hour
	})
	ctx := context.Background()
	ct := cloudtrail.NewFromConfig(ts.config(ts.Root))
	root := iam.NewFromConfig(ts.config(ts.Root))

	_, err := ct.CreateTrail(ctx, &cloudtrail.CreateTrailInput{Name: aws.String("a"), S3BucketName: aws.String("audit-bucket")})
	apiError(t, err, "InvalidTrailNameException")
	_, err = ct.CreateTrail(ctx, &cloudtrail.CreateTrailInput{Name: aws.String("main"), S3BucketName: aws.String("Bad_Bucket")})
	apiError(t, err, "InvalidS3BucketNameException")
	created, err := ct.CreateTrail(ctx, &cloudtrail.CreateTrailInput{Name: aws.String("main"), S3BucketName: aws.String("audit-bucket"), S3KeyPrefix: aws.String("corp"),
		IsMultiRegionTrail: aws.Bool(true), EnableLogFileValidation: aws.Bool(true)})
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToString(created.TrailARN) != "arn:aws:cloudtrail:us-east-1:"+ts.Account+":trail/main" || !aws.ToBool(created.LogFileValidationEnabled) {
		t.Fatalf("CreateTrail: %+v", created)
	}
	_, err = ct.CreateTrail(ctx, &cloudtrail.CreateTrailInput{Name: aws.String("main"), S3BucketName: aws.String("audit-bucket")})
	apiError(t, err, "TrailAlreadyExistsException")
	_, err = ct.GetTrail(ctx, &cloudtrail.GetTrailInput{Name: aws.String("nope")})
	apiError(t, err, "TrailNotFoundException")
	st, err := ct.GetTrailStatus(ctx, &cloudtrail.GetTrailStatusInput{Name: aws.String("main")})
	if err != nil || aws.ToBool(st.IsLogging) {
		t.Fatalf("status of a new trail: %+v %v", st, err)
	}
	// A multi-region trail shows in another region as a shadow that only its
	// home region may change.
	west := cloudtrail.NewFromConfig(ts.config(ts.Root), func(o *cloudtrail.Options) { o.Region = "eu-west-1" })
	d, err := west.DescribeTrails(ctx, &cloudtrail.DescribeTrailsInput{})
	if err != nil || len(d.TrailList) != 1 || aws.ToString(d.TrailList[0].HomeRegion) != "us-east-1" {
		t.Fatalf("DescribeTrails in eu-west-1: %+v %v", d, err)
	}
	_, err = west.StartLogging(ctx, &cloudtrail.StartLoggingInput{Name: aws.String("main")})
	apiError(t, err, "InvalidHomeRegionException")

	if _, err := ct.StartLogging(ctx, &cloudtrail.StartLoggingInput{Name: created.TrailARN}); err != nil {
		t.Fatal(err)
	}
	for _, u := range []string{"u1", "u2"} {
		if _, err := root.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String(u)}); err != nil {
			t.Fatal(err)
		}
	}
	waitFor(t, func() bool { return strings.Count(eventNames(logFiles(t, trailDir)), " CreateUser ") == 2 })
	layout := regexp.MustCompile(`/audit-bucket/corp/AWSLogs/` + ts.Account + `/CloudTrail/us-east-1/\d{4}/\d{2}/\d{2}/` + ts.Account + `_CloudTrail_us-east-1_\d{8}T\d{4}Z_[A-Za-z0-9]{16}\.json\.gz$`)
	for p := range logFiles(t, trailDir) {
		if !layout.MatchString(p) {
			t.Errorf("log file path %s does not follow CloudTrail's layout", p)
		}
	}
	waitFor(t, func() bool { // the status is stored just after the file
		st, err = ct.GetTrailStatus(ctx, &cloudtrail.GetTrailStatusInput{Name: aws.String("main")})
		return err == nil && st.LatestDeliveryTime != nil
	})
	if !aws.ToBool(st.IsLogging) || aws.ToString(st.LatestDeliveryError) != "" {
		t.Fatalf("status after a delivery: logging %v, error %q", aws.ToBool(st.IsLogging), aws.ToString(st.LatestDeliveryError))
	}

	// Write events only: reads are no longer delivered.
	if _, err := ct.PutEventSelectors(ctx, &cloudtrail.PutEventSelectorsInput{TrailName: aws.String("main"),
		EventSelectors: []cttypes.EventSelector{{ReadWriteType: cttypes.ReadWriteTypeWriteOnly, IncludeManagementEvents: aws.Bool(true)}}}); err != nil {
		t.Fatal(err)
	}
	_, err = ct.PutEventSelectors(ctx, &cloudtrail.PutEventSelectorsInput{TrailName: aws.String("main"),
		EventSelectors: []cttypes.EventSelector{{ReadWriteType: "Sometimes"}}})
	apiError(t, err, "InvalidEventSelectorsException")
	sel, err := ct.GetEventSelectors(ctx, &cloudtrail.GetEventSelectorsInput{TrailName: aws.String("main")})
	if err != nil || len(sel.EventSelectors) != 1 || sel.EventSelectors[0].ReadWriteType != cttypes.ReadWriteTypeWriteOnly {
		t.Fatalf("GetEventSelectors: %+v %v", sel, err)
	}
	if _, err := root.ListUsers(ctx, &iam.ListUsersInput{}); err != nil {
		t.Fatal(err)
	}
	if _, err := root.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("u3")}); err != nil {
		t.Fatal(err)
	}
	waitFor(t, func() bool { return strings.Count(eventNames(logFiles(t, trailDir)), " CreateUser ") == 3 })
	if names := eventNames(logFiles(t, trailDir)); strings.Contains(names, " ListUsers ") {
		t.Errorf("a read event was delivered by a WriteOnly trail: %s", names)
	}

	// StopLogging is itself delivered; what follows it is not.
	if _, err := ct.StopLogging(ctx, &cloudtrail.StopLoggingInput{Name: aws.String("main")}); err != nil {
		t.Fatal(err)
	}
	if _, err := root.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("after-stop")}); err != nil {
		t.Fatal(err)
	}
	waitFor(t, func() bool { return strings.Contains(eventNames(logFiles(t, trailDir)), " StopLogging ") })
	ts.close() // shutdown delivers what is pending and closes the digest chain
	names := eventNames(logFiles(t, trailDir))
	if strings.Count(names, " CreateUser ") != 3 {
		t.Errorf("after StopLogging a CreateUser was delivered: %s", names)
	}

	pub, err := trail.ReadPublicKey(filepath.Join(ts.Data, "cloudtrail", "digest-key.pem.pub.pem"))
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	rep, err := trail.Validate(trailDir, pub, &out)
	if err != nil {
		t.Fatal(err)
	}
	if !rep.OK() || rep.DigestsValid == 0 || rep.LogsValid != rep.Logs || rep.Logs < 3 {
		t.Fatalf("a fresh trail does not validate: %+v\n%s", rep, out.String())
	}
	validate := func() (int, string) {
		var stdout, stderr bytes.Buffer
		code := cli.Run([]string{"trail", "validate", "--data", ts.Data, trailDir}, nil, &stdout, &stderr)
		return code, stdout.String() + stderr.String()
	}
	if code, text := validate(); code != 0 || !strings.Contains(text, "log files valid") {
		t.Fatalf("moat trail validate on a fresh tree: exit %d\n%s", code, text)
	}

	// Change one file, delete another, add a third: each is named.
	files := logFiles(t, trailDir)
	var paths []string
	for p := range files {
		paths = append(paths, p)
	}
	if len(paths) < 2 {
		t.Fatalf("want at least two log files to tamper with, have %d", len(paths))
	}
	var tampered bytes.Buffer
	zw := gzip.NewWriter(&tampered)
	io.WriteString(zw, `{"Records":[]}`)
	zw.Close()
	if err := os.WriteFile(paths[0], tampered.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Remove(paths[1]); err != nil {
		t.Fatal(err)
	}
	added := filepath.Join(filepath.Dir(paths[0]), ts.Account+"_CloudTrail_us-east-1_20000101T0000Z_AAAAAAAAAAAAAAAA.json.gz")
	if err := os.WriteFile(added, tampered.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	out.Reset()
	rep, err = trail.Validate(trailDir, pub, &out)
	if err != nil {
		t.Fatal(err)
	}
	kinds := map[string]string{}
	for _, p := range rep.Problems {
		kinds[filepath.Base(p.Path)] = p.Kind
	}
	if kinds[filepath.Base(paths[0])] != "changed" || kinds[filepath.Base(paths[1])] != "deleted" || kinds[filepath.Base(added)] != "added" {
		t.Errorf("validation after tampering: %+v\n%s", rep.Problems, out.String())
	}
	if code, text := validate(); code != 1 || !strings.Contains(text, filepath.Base(added)+"\tINVALID: not listed in any digest file (added)") {
		t.Errorf("moat trail validate after tampering: exit %d\n%s", code, text)
	}
}

// waitFor polls cond for up to ten seconds.
func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatal("condition not met within 10s")
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// A trail whose bucket directory cannot be written reports it in
// GetTrailStatus and keeps its records; once the directory is writable they
// are delivered, none lost.
func TestTrailDeliveryError(t *testing.T) {
	trailDir := t.TempDir()
	blocker := filepath.Join(trailDir, "blocked-bucket")
	if err := os.WriteFile(blocker, []byte("a file where the bucket directory should be"), 0o644); err != nil {
		t.Fatal(err)
	}
	ts := start(t, func(c *server.Config) { c.TrailDir, c.TrailInterval = trailDir, 50*time.Millisecond })
	ctx := context.Background()
	ct := cloudtrail.NewFromConfig(ts.config(ts.Root))
	if _, err := ct.CreateTrail(ctx, &cloudtrail.CreateTrailInput{Name: aws.String("blocked"), S3BucketName: aws.String("blocked-bucket")}); err != nil {
		t.Fatal(err)
	}
	if _, err := ct.StartLogging(ctx, &cloudtrail.StartLoggingInput{Name: aws.String("blocked")}); err != nil {
		t.Fatal(err)
	}
	root := iam.NewFromConfig(ts.config(ts.Root))
	if _, err := root.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("kept")}); err != nil {
		t.Fatal(err)
	}
	var st *cloudtrail.GetTrailStatusOutput
	waitFor(t, func() bool {
		var err error
		st, err = ct.GetTrailStatus(ctx, &cloudtrail.GetTrailStatusInput{Name: aws.String("blocked")})
		return err == nil && aws.ToString(st.LatestDeliveryError) != ""
	})
	if st.LatestDeliveryTime != nil {
		t.Errorf("a failed trail reports a delivery at %v", st.LatestDeliveryTime)
	}
	if err := os.Remove(blocker); err != nil {
		t.Fatal(err)
	}
	waitFor(t, func() bool { return strings.Contains(eventNames(logFiles(t, trailDir)), " CreateUser ") })
	waitFor(t, func() bool {
		st, err := ct.GetTrailStatus(ctx, &cloudtrail.GetTrailStatusInput{Name: aws.String("blocked")})
		return err == nil && aws.ToString(st.LatestDeliveryError) == "" && st.LatestDeliveryTime != nil
	})
	if _, err := ct.DeleteTrail(ctx, &cloudtrail.DeleteTrailInput{Name: aws.String("blocked")}); err != nil {
		t.Fatal(err)
	}
	_, err := ct.GetTrailStatus(ctx, &cloudtrail.GetTrailStatusInput{Name: aws.String("blocked")})
	apiError(t, err, "TrailNotFoundException")
}

// An organization trail in the management account delivers the member
// accounts' events too, under AWSLogs/<org id>/<account>/.
func TestOrganizationTrail(t *testing.T) {
	trailDir := t.TempDir()
	ts := start(t, func(c *server.Config) { c.TrailDir, c.TrailInterval = trailDir, 50*time.Millisecond })
	ctx := context.Background()
	org := organizations.NewFromConfig(ts.config(ts.Root))
	o, err := org.CreateOrganization(ctx, &organizations.CreateOrganizationInput{FeatureSet: orgtypes.OrganizationFeatureSetAll})
	if err != nil {
		t.Fatal(err)
	}
	ca, err := org.CreateAccount(ctx, &organizations.CreateAccountInput{Email: aws.String("m@example.com"), AccountName: aws.String("member")})
	if err != nil {
		t.Fatal(err)
	}
	member := aws.ToString(ca.CreateAccountStatus.AccountId)
	ct := cloudtrail.NewFromConfig(ts.config(ts.Root))
	if _, err := ct.CreateTrail(ctx, &cloudtrail.CreateTrailInput{Name: aws.String("org"), S3BucketName: aws.String("org-audit"), IsOrganizationTrail: aws.Bool(true)}); err != nil {
		t.Fatal(err)
	}
	if _, err := ct.StartLogging(ctx, &cloudtrail.StartLoggingInput{Name: aws.String("org")}); err != nil {
		t.Fatal(err)
	}
	root := iam.NewFromConfig(ts.config(ts.Root))
	if _, err := root.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("ops")}); err != nil {
		t.Fatal(err)
	}
	if _, err := root.AttachUserPolicy(ctx, &iam.AttachUserPolicyInput{UserName: aws.String("ops"), PolicyArn: aws.String("arn:aws:iam::aws:policy/AdministratorAccess")}); err != nil {
		t.Fatal(err)
	}
	k, err := root.CreateAccessKey(ctx, &iam.CreateAccessKeyInput{UserName: aws.String("ops")})
	if err != nil {
		t.Fatal(err)
	}
	ops := aws.Credentials{AccessKeyID: aws.ToString(k.AccessKey.AccessKeyId), SecretAccessKey: aws.ToString(k.AccessKey.SecretAccessKey)}
	ar, err := sts.NewFromConfig(ts.config(ops)).AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: aws.String("arn:aws:iam::" + member + ":role/OrganizationAccountAccessRole"), RoleSessionName: aws.String("ops")})
	if err != nil {
		t.Fatal(err)
	}
	inMember := iam.NewFromConfig(ts.config(aws.Credentials{AccessKeyID: aws.ToString(ar.Credentials.AccessKeyId), SecretAccessKey: aws.ToString(ar.Credentials.SecretAccessKey), SessionToken: aws.ToString(ar.Credentials.SessionToken)}))
	if _, err := inMember.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("in-member")}); err != nil {
		t.Fatal(err)
	}
	prefix := filepath.Join(trailDir, "org-audit", "AWSLogs", aws.ToString(o.Organization.Id), member, "CloudTrail") + string(filepath.Separator)
	waitFor(t, func() bool {
		for p, names := range logFiles(t, trailDir) {
			if strings.HasPrefix(p, prefix) && strings.Contains(" "+strings.Join(names, " ")+" ", " CreateUser ") {
				return true
			}
		}
		return false
	})
}
