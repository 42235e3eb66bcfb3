package server_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/aws/aws-sdk-go-v2/service/iam"
)

// signedJSON sends a json-1.1 request signed with the SDK's signer at the
// given time (the server's clock is moved in these tests).
func (ts *testServer) signedJSON(t *testing.T, c aws.Credentials, service, target, body string, at time.Time) (int, string) {
	t.Helper()
	req, err := http.NewRequest("POST", ts.URL+"/", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-amz-json-1.1")
	req.Header.Set("X-Amz-Target", target)
	sum := sha256.Sum256([]byte(body))
	if err := v4.NewSigner().SignHTTP(context.Background(), c, req, hex.EncodeToString(sum[:]), service, "us-east-1", at); err != nil {
		t.Fatal(err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// The key-expiry automation, scheduled with rate(1 day): when the clock
// passes 90 days it deactivates the old key (not the young one), tags the
// user, and CloudTrail shows the automation's role session as the actor.
func TestKeyExpiryAutomation(t *testing.T) {
	v2 := cliV2(t)
	ts := start(t)
	ctx := context.Background()
	root := iam.NewFromConfig(ts.config(ts.Root))
	trust := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"events.amazonaws.com"},"Action":"sts:AssumeRole"}]}`
	role, err := root.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String("key-janitor"), AssumeRolePolicyDocument: aws.String(trust)})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := root.PutRolePolicy(ctx, &iam.PutRolePolicyInput{RoleName: aws.String("key-janitor"), PolicyName: aws.String("janitor"),
		PolicyDocument: aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["iam:UpdateAccessKey","iam:TagUser"],"Resource":"*"}]}`)}); err != nil {
		t.Fatal(err)
	}
	if _, err := root.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("stale")}); err != nil {
		t.Fatal(err)
	}
	staleKey, err := root.CreateAccessKey(ctx, &iam.CreateAccessKeyInput{UserName: aws.String("stale")})
	if err != nil {
		t.Fatal(err)
	}

	f := newFlow(t, ts, v2)
	f.denied("ValidationException", "ScheduleExpression is not valid", "moat-root", "events", "put-rule", "--name", "bad", "--schedule-expression", "cron(0 12 * * * *)")
	f.ok("moat-root", "events", "put-rule", "--name", "expire-keys", "--schedule-expression", "rate(1 day)")
	f.ok("moat-root", "events", "put-targets", "--rule", "expire-keys", "--targets",
		`[{"Id":"janitor","Arn":"arn:moat:automation:::key-expiry","RoleArn":"`+aws.ToString(role.Role.Arn)+`","Input":"{\"maxAgeDays\":90}"}]`)

	// 60 days on: the schedule fires, nothing is old enough yet; a new key is made.
	ts.Clock.set(60 * 24 * time.Hour)
	defer ts.Clock.set(0)
	at := func() time.Time { return ts.Clock.now() }
	code, body := ts.signedPost(t, ts.Root, "iam", "Action=CreateUser&Version=2010-05-08&UserName=fresh", at())
	if code != 200 {
		t.Fatalf("CreateUser at +60 days: %d %s", code, body)
	}
	code, body = ts.signedPost(t, ts.Root, "iam", "Action=CreateAccessKey&Version=2010-05-08&UserName=fresh", at())
	if code != 200 {
		t.Fatalf("CreateAccessKey at +60 days: %d %s", code, body)
	}
	time.Sleep(1500 * time.Millisecond)

	// 91 days on: the stale key goes inactive; the fresh one stays.
	ts.Clock.set(91 * 24 * time.Hour)
	status := func(user string) string {
		code, body := ts.signedPost(t, ts.Root, "iam", "Action=ListAccessKeys&Version=2010-05-08&UserName="+user, at())
		if code != 200 {
			t.Fatalf("ListAccessKeys %s: %d %s", user, code, body)
		}
		return between(body, "<Status>", "<")
	}
	waitFor(t, func() bool { return status("stale") == "Inactive" })
	if s := status("fresh"); s != "Active" {
		t.Errorf("the 31-day-old key is %s", s)
	}
	code, body = ts.signedPost(t, ts.Root, "iam", "Action=ListUserTags&Version=2010-05-08&UserName=stale", at())
	if code != 200 || !strings.Contains(body, "<Key>moat:key-expiry</Key>") || !strings.Contains(body, aws.ToString(staleKey.AccessKey.AccessKeyId)) {
		t.Errorf("ListUserTags stale: %d %s", code, body)
	}

	// CloudTrail names the automation's role session as the actor.
	code, body = ts.signedJSON(t, ts.Root, "cloudtrail", "com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101.LookupEvents",
		`{"LookupAttributes":[{"AttributeKey":"EventName","AttributeValue":"UpdateAccessKey"}]}`, at())
	if code != 200 {
		t.Fatalf("LookupEvents: %d %s", code, body)
	}
	var out struct {
		Events []struct{ CloudTrailEvent string }
	}
	if err := json.Unmarshal([]byte(body), &out); err != nil || len(out.Events) != 1 {
		t.Fatalf("LookupEvents UpdateAccessKey: %v %s", err, body)
	}
	var rec struct {
		UserIdentity      struct{ Type, Arn string }
		SourceIPAddress   string
		RequestParameters map[string]string
	}
	if err := json.Unmarshal([]byte(out.Events[0].CloudTrailEvent), &rec); err != nil {
		t.Fatal(err)
	}
	if rec.UserIdentity.Type != "AssumedRole" || rec.UserIdentity.Arn != "arn:aws:sts::"+ts.Account+":assumed-role/key-janitor/moat-key-expiry" ||
		rec.SourceIPAddress != "events.amazonaws.com" || rec.RequestParameters["status"] != "Inactive" {
		t.Errorf("the UpdateAccessKey record: %+v", rec)
	}
}

// unusedDays: a key not used for that long is deactivated; one used lately
// is kept, however old.
func TestKeyExpiryUnused(t *testing.T) {
	v2 := cliV2(t)
	ts := start(t)
	ctx := context.Background()
	root := iam.NewFromConfig(ts.config(ts.Root))
	trust := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"events.amazonaws.com"},"Action":"sts:AssumeRole"}]}`
	role, err := root.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String("key-janitor"), AssumeRolePolicyDocument: aws.String(trust)})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := root.PutRolePolicy(ctx, &iam.PutRolePolicyInput{RoleName: aws.String("key-janitor"), PolicyName: aws.String("janitor"),
		PolicyDocument: aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["iam:UpdateAccessKey","iam:TagUser"],"Resource":"*"}]}`)}); err != nil {
		t.Fatal(err)
	}
	keys := map[string]aws.Credentials{}
	for _, u := range []string{"idle", "busy"} {
		if _, err := root.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String(u)}); err != nil {
			t.Fatal(err)
		}
		k, err := root.CreateAccessKey(ctx, &iam.CreateAccessKeyInput{UserName: aws.String(u)})
		if err != nil {
			t.Fatal(err)
		}
		keys[u] = aws.Credentials{AccessKeyID: aws.ToString(k.AccessKey.AccessKeyId), SecretAccessKey: aws.ToString(k.AccessKey.SecretAccessKey)}
	}
	f := newFlow(t, ts, v2)
	f.ok("moat-root", "events", "put-rule", "--name", "expire-idle-keys", "--schedule-expression", "rate(1 day)")
	f.ok("moat-root", "events", "put-targets", "--rule", "expire-idle-keys", "--targets",
		`[{"Id":"janitor","Arn":"arn:moat:automation:::key-expiry","RoleArn":"`+aws.ToString(role.Role.Arn)+`","Input":"{\"maxAgeDays\":365,\"unusedDays\":30}"}]`)

	ts.Clock.set(20 * 24 * time.Hour) // busy's key is used on day 20
	defer ts.Clock.set(0)
	if code, body := ts.signedPost(t, keys["busy"], "sts", "Action=GetCallerIdentity&Version=2011-06-15", ts.Clock.now()); code != 200 {
		t.Fatalf("busy's call: %d %s", code, body)
	}
	time.Sleep(1500 * time.Millisecond)
	ts.Clock.set(40 * 24 * time.Hour)
	status := func(user string) string {
		code, body := ts.signedPost(t, ts.Root, "iam", "Action=ListAccessKeys&Version=2010-05-08&UserName="+user, ts.Clock.now())
		if code != 200 {
			t.Fatalf("ListAccessKeys %s: %d %s", user, code, body)
		}
		return between(body, "<Status>", "<")
	}
	waitFor(t, func() bool { return status("idle") == "Inactive" })
	if s := status("busy"); s != "Active" {
		t.Errorf("the key used 20 days ago is %s", s)
	}
}
