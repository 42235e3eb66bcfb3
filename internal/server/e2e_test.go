package server_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/aws/aws-sdk-go-v2/service/cloudtrail"
	cttypes "github.com/aws/aws-sdk-go-v2/service/cloudtrail/types"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/moatdev/moat/internal/server"
)

func TestHealthNeedsNoAuth(t *testing.T) {
	ts := start(t)
	resp, err := http.Get(ts.URL + "/_moat/health")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 200 || !strings.Contains(string(b), `"ok"`) {
		t.Fatalf("health: %d %s", resp.StatusCode, b)
	}
}

func TestFirstStartWritesRootCredentialsOnce(t *testing.T) {
	ts := start(t)
	if len(ts.Account) != 12 {
		t.Fatalf("account id %q", ts.Account)
	}
	fi, err := os.Stat(ts.Data + "/credentials")
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o600 {
		t.Fatalf("credentials file mode %v, want 0600", fi.Mode().Perm())
	}
	if !strings.Contains(ts.Stdout, "sts get-caller-identity") || strings.Contains(ts.Stdout, ts.Root.SecretAccessKey) {
		t.Fatalf("welcome text must say how to use the key and never print the secret:\n%s", ts.Stdout)
	}
	data, account := ts.Data, ts.Account
	ts.close()
	again := start(t, dataDir(data))
	if again.Account != account {
		t.Fatalf("restart: account %s, want %s", again.Account, account)
	}
	if again.Stdout != "" {
		t.Fatalf("restart printed %q; it must print nothing (no secret)", again.Stdout)
	}
	out, err := sts.NewFromConfig(again.config(again.Root)).GetCallerIdentity(context.Background(), &sts.GetCallerIdentityInput{})
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToString(out.Account) != account {
		t.Fatalf("account after restart %s", aws.ToString(out.Account))
	}
}

func TestRootGetCallerIdentity(t *testing.T) {
	ts := start(t)
	out, err := sts.NewFromConfig(ts.config(ts.Root)).GetCallerIdentity(context.Background(), &sts.GetCallerIdentityInput{})
	if err != nil {
		t.Fatal(err)
	}
	want := "arn:aws:iam::" + ts.Account + ":root"
	if aws.ToString(out.Arn) != want || aws.ToString(out.Account) != ts.Account || aws.ToString(out.UserId) != ts.Account {
		t.Fatalf("GetCallerIdentity = %s %s %s, want %s", aws.ToString(out.Arn), aws.ToString(out.Account), aws.ToString(out.UserId), want)
	}
}

// A user created by root signs its own requests; without policies it may
// only call GetCallerIdentity, and is told so in AWS's words.
func TestUserCreatedByRootSignsItsOwnRequests(t *testing.T) {
	ts := start(t)
	ctx := context.Background()
	root := iam.NewFromConfig(ts.config(ts.Root))
	u, err := root.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("alice"), Path: aws.String("/eng/")})
	if err != nil {
		t.Fatal(err)
	}
	userARN := "arn:aws:iam::" + ts.Account + ":user/eng/alice"
	if aws.ToString(u.User.Arn) != userARN || !strings.HasPrefix(aws.ToString(u.User.UserId), "AIDA") {
		t.Fatalf("CreateUser: %+v", u.User)
	}
	k, err := root.CreateAccessKey(ctx, &iam.CreateAccessKeyInput{UserName: aws.String("alice")})
	if err != nil {
		t.Fatal(err)
	}
	alice := aws.Credentials{AccessKeyID: aws.ToString(k.AccessKey.AccessKeyId), SecretAccessKey: aws.ToString(k.AccessKey.SecretAccessKey)}
	if !strings.HasPrefix(alice.AccessKeyID, "AKIA") || len(alice.SecretAccessKey) != 40 {
		t.Fatalf("CreateAccessKey: %s / secret of %d chars", alice.AccessKeyID, len(alice.SecretAccessKey))
	}
	id, err := sts.NewFromConfig(ts.config(alice)).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToString(id.Arn) != userARN || aws.ToString(id.UserId) != aws.ToString(u.User.UserId) {
		t.Fatalf("alice's identity: %s %s", aws.ToString(id.Arn), aws.ToString(id.UserId))
	}
	_, err = iam.NewFromConfig(ts.config(alice)).CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("mallory")})
	ae := apiError(t, err, "AccessDenied")
	want := "User: " + userARN + " is not authorized to perform: iam:CreateUser on resource: arn:aws:iam::" + ts.Account + ":user/mallory because no identity-based policy allows the iam:CreateUser action"
	if ae.ErrorMessage() != want {
		t.Fatalf("AccessDenied message:\n got %s\nwant %s", ae.ErrorMessage(), want)
	}
}

func TestUsersAndKeysLifecycle(t *testing.T) {
	ts := start(t)
	ctx := context.Background()
	c := iam.NewFromConfig(ts.config(ts.Root))
	for _, n := range []string{"carol", "bob", "dave"} {
		if _, err := c.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String(n)}); err != nil {
			t.Fatal(err)
		}
	}
	_, err := c.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("BOB")})
	if ae := apiError(t, err, "EntityAlreadyExists"); ae.ErrorMessage() != "User with name BOB already exists." {
		t.Fatalf("message %q", ae.ErrorMessage())
	}
	_, err = c.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("no spaces")})
	apiError(t, err, "ValidationError")
	_, err = c.GetUser(ctx, &iam.GetUserInput{UserName: aws.String("nobody")})
	if ae := apiError(t, err, "NoSuchEntity"); ae.ErrorMessage() != "The user with name nobody cannot be found." {
		t.Fatalf("message %q", ae.ErrorMessage())
	}

	// Paging with MaxItems 1 visits every user once, in order.
	var names []string
	p := iam.NewListUsersPaginator(c, &iam.ListUsersInput{MaxItems: aws.Int32(1)})
	pages := 0
	for p.HasMorePages() {
		out, err := p.NextPage(ctx)
		if err != nil {
			t.Fatal(err)
		}
		pages++
		for _, u := range out.Users {
			names = append(names, aws.ToString(u.UserName))
		}
	}
	if strings.Join(names, ",") != "bob,carol,dave" || pages != 3 {
		t.Fatalf("ListUsers pages=%d names=%v", pages, names)
	}

	k1, err := c.CreateAccessKey(ctx, &iam.CreateAccessKeyInput{UserName: aws.String("bob")})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.CreateAccessKey(ctx, &iam.CreateAccessKeyInput{UserName: aws.String("bob")}); err != nil {
		t.Fatal(err)
	}
	_, err = c.CreateAccessKey(ctx, &iam.CreateAccessKeyInput{UserName: aws.String("bob")})
	apiError(t, err, "LimitExceeded")
	keys, err := c.ListAccessKeys(ctx, &iam.ListAccessKeysInput{UserName: aws.String("bob")})
	if err != nil {
		t.Fatal(err)
	}
	if len(keys.AccessKeyMetadata) != 2 {
		t.Fatalf("ListAccessKeys: %d keys", len(keys.AccessKeyMetadata))
	}
	_, err = c.DeleteUser(ctx, &iam.DeleteUserInput{UserName: aws.String("bob")})
	apiError(t, err, "DeleteConflict")

	bob := aws.Credentials{AccessKeyID: aws.ToString(k1.AccessKey.AccessKeyId), SecretAccessKey: aws.ToString(k1.AccessKey.SecretAccessKey)}
	stsBob := sts.NewFromConfig(ts.config(bob))
	if _, err := stsBob.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{}); err != nil {
		t.Fatal(err)
	}
	for _, m := range keys.AccessKeyMetadata {
		if _, err := c.DeleteAccessKey(ctx, &iam.DeleteAccessKeyInput{UserName: aws.String("bob"), AccessKeyId: m.AccessKeyId}); err != nil {
			t.Fatal(err)
		}
	}
	_, err = stsBob.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	apiError(t, err, "InvalidClientTokenId") // a deleted key stops working at once
	if _, err := c.DeleteUser(ctx, &iam.DeleteUserInput{UserName: aws.String("bob")}); err != nil {
		t.Fatal(err)
	}
	_, err = c.DeleteUser(ctx, &iam.DeleteUserInput{UserName: aws.String("bob")})
	apiError(t, err, "NoSuchEntity")
}

// Every authentication failure gets AWS's code, through the SDK's typed errors.
func TestAuthenticationFailures(t *testing.T) {
	ts := start(t)
	ctx := context.Background()
	gci := func(c aws.Credentials) error {
		_, err := sts.NewFromConfig(ts.config(c)).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
		return err
	}
	wrongSecret := ts.Root
	wrongSecret.SecretAccessKey = strings.Repeat("x", 40)
	cases := []struct {
		name, code, msg string
		err             func() error
	}{
		{"unknown key", "InvalidClientTokenId", "The security token included in the request is invalid.", func() error {
			return gci(aws.Credentials{AccessKeyID: "AKIAIOSFODNN7EXAMPLE", SecretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"})
		}},
		{"wrong secret", "SignatureDoesNotMatch", "The request signature we calculated does not match", func() error { return gci(wrongSecret) }},
		{"unsigned", "MissingAuthenticationToken", "", func() error { return gci(aws.Credentials{}) }},
		{"json protocol unknown key", "UnrecognizedClientException", "The security token included in the request is invalid.", func() error {
			_, err := cloudtrail.NewFromConfig(ts.config(aws.Credentials{AccessKeyID: "AKIAIOSFODNN7EXAMPLE", SecretAccessKey: "x"})).LookupEvents(ctx, &cloudtrail.LookupEventsInput{})
			return err
		}},
		{"json protocol wrong secret", "InvalidSignatureException", "", func() error {
			_, err := cloudtrail.NewFromConfig(ts.config(wrongSecret)).LookupEvents(ctx, &cloudtrail.LookupEventsInput{})
			return err
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			ae := apiError(t, tc.err(), tc.code)
			if !strings.Contains(ae.ErrorMessage(), tc.msg) {
				t.Fatalf("message %q does not contain %q", ae.ErrorMessage(), tc.msg)
			}
		})
	}
}

// The clock-skew, expired-token and expired-presign cases move the
// server's clock.
func TestAuthenticationFailuresInTime(t *testing.T) {
	ts := start(t)
	ctx := context.Background()
	stsRoot := sts.NewFromConfig(ts.config(ts.Root))

	t.Run("skew", func(t *testing.T) {
		ts.Clock.set(20 * time.Minute)
		defer ts.Clock.set(0)
		_, err := stsRoot.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
		ae := apiError(t, err, "SignatureDoesNotMatch")
		if !strings.HasPrefix(ae.ErrorMessage(), "Signature expired: ") {
			t.Fatalf("message %q", ae.ErrorMessage())
		}
	})
	t.Run("expired session token", func(t *testing.T) {
		tok, err := stsRoot.GetSessionToken(ctx, &sts.GetSessionTokenInput{DurationSeconds: aws.Int32(900)})
		if err != nil {
			t.Fatal(err)
		}
		sess := aws.Credentials{AccessKeyID: aws.ToString(tok.Credentials.AccessKeyId), SecretAccessKey: aws.ToString(tok.Credentials.SecretAccessKey), SessionToken: aws.ToString(tok.Credentials.SessionToken)}
		c := sts.NewFromConfig(ts.config(sess))
		if _, err := c.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{}); err != nil {
			t.Fatalf("fresh session: %v", err)
		}
		bad := sess
		bad.SessionToken = "not-the-token"
		_, err = sts.NewFromConfig(ts.config(bad)).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
		apiError(t, err, "InvalidClientTokenId")
		// Expired: move the server 16 minutes on and sign with the server's
		// time, so that only the token's lifetime is wrong.
		ts.Clock.set(16 * time.Minute)
		defer ts.Clock.set(0)
		code, body := ts.signedPost(t, sess, "sts", "Action=GetCallerIdentity&Version=2011-06-15", ts.Clock.now())
		if code != 403 || !strings.Contains(body, "<Code>ExpiredToken</Code>") {
			t.Fatalf("expired session: %d %s", code, body)
		}
	})
	t.Run("presigned URL past X-Amz-Expires", func(t *testing.T) {
		req, _ := http.NewRequest("GET", ts.URL+"/?Action=GetCallerIdentity&Version=2011-06-15&X-Amz-Expires=60", nil)
		sum := sha256.Sum256(nil)
		url, hdr, err := v4.NewSigner().PresignHTTP(ctx, ts.Root, req, hex.EncodeToString(sum[:]), "sts", "us-east-1", time.Now())
		if err != nil {
			t.Fatal(err)
		}
		get := func() (int, string) {
			hr, _ := http.NewRequest("GET", url, nil)
			for k, v := range hdr {
				hr.Header[k] = v
			}
			resp, err := http.DefaultClient.Do(hr)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			b, _ := io.ReadAll(resp.Body)
			return resp.StatusCode, string(b)
		}
		if code, body := get(); code != 200 || !strings.Contains(body, ts.Account) {
			t.Fatalf("fresh presigned URL: %d %s", code, body)
		}
		ts.Clock.set(2 * time.Minute) // past X-Amz-Expires, inside the skew window
		defer ts.Clock.set(0)
		if code, body := get(); code != 400 || !strings.Contains(body, "<Code>RequestExpired</Code>") {
			t.Fatalf("expired presigned URL: %d %s", code, body)
		}
	})
}

func TestIncompleteSignature(t *testing.T) {
	ts := start(t)
	req, _ := http.NewRequest("POST", ts.URL+"/", strings.NewReader("Action=GetCallerIdentity&Version=2011-06-15"))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("X-Amz-Date", time.Now().UTC().Format("20060102T150405Z"))
	req.Header.Set("Authorization", "AWS4-HMAC-SHA256 Credential="+ts.Root.AccessKeyID+"/"+time.Now().UTC().Format("20060102")+"/us-east-1/sts/aws4_request, SignedHeaders=host;x-amz-date")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 400 || !strings.Contains(string(b), "<Code>IncompleteSignature</Code>") || resp.Header.Get("x-amzn-RequestId") == "" {
		t.Fatalf("%d %s", resp.StatusCode, b)
	}
}

func TestUnsignedRequests(t *testing.T) {
	post := func(url string) (int, string) {
		resp, err := http.Post(url+"/", "application/x-www-form-urlencoded", strings.NewReader("Action=GetCallerIdentity&Version=2011-06-15"))
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	strict := start(t)
	if code, body := post(strict.URL); code != 403 || !strings.Contains(body, "MissingAuthenticationToken") {
		t.Fatalf("unsigned without the flag: %d %s", code, body)
	}
	open := start(t, insecure())
	if code, body := post(open.URL); code != 200 || !strings.Contains(body, "arn:aws:iam::"+open.Account+":root") {
		t.Fatalf("unsigned with --insecure-allow-unsigned: %d %s", code, body)
	}
}

// aws-iam-authenticator asks STS for JSON.
func TestGetCallerIdentityAnswersJSONWhenAsked(t *testing.T) {
	ts := start(t, insecure())
	req, _ := http.NewRequest("POST", ts.URL+"/", strings.NewReader("Action=GetCallerIdentity&Version=2011-06-15"))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Accept", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out struct {
		GetCallerIdentityResponse struct {
			GetCallerIdentityResult struct{ Arn, Account, UserId string }
			ResponseMetadata        struct{ RequestId string }
		}
	}
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
		t.Fatal(err)
	}
	r := out.GetCallerIdentityResponse
	if r.GetCallerIdentityResult.Account != ts.Account || r.ResponseMetadata.RequestId == "" {
		t.Fatalf("%+v", r)
	}
}

func TestUnknownOperation(t *testing.T) {
	ts := start(t, insecure())
	resp, err := http.Post(ts.URL+"/", "application/x-www-form-urlencoded", strings.NewReader("Action=FlyToTheMoon&Version=2010-05-08"))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 400 || !strings.Contains(string(b), "<Code>InvalidAction</Code>") {
		t.Fatalf("%d %s", resp.StatusCode, b)
	}
	req, _ := http.NewRequest("POST", ts.URL+"/", strings.NewReader("{}"))
	req.Header.Set("X-Amz-Target", "com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101.FlyToTheMoon")
	req.Header.Set("Content-Type", "application/x-amz-json-1.1")
	resp2, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp2.Body.Close()
	b, _ = io.ReadAll(resp2.Body)
	if resp2.StatusCode != 400 || !strings.Contains(string(b), "UnknownOperationException") {
		t.Fatalf("%d %s", resp2.StatusCode, b)
	}
}

func TestTLS(t *testing.T) {
	ts := start(t, withTLS())
	out, err := sts.NewFromConfig(ts.config(ts.Root)).GetCallerIdentity(context.Background(), &sts.GetCallerIdentityInput{})
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToString(out.Account) != ts.Account {
		t.Fatalf("account %s", aws.ToString(out.Account))
	}
	fi, err := os.Stat(ts.Data + "/tls-key.pem")
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("tls key: %v %v", err, fi)
	}
}

// Every call is recorded, failures included, and LookupEvents finds it.
func TestCloudTrailRecordsEveryOutcome(t *testing.T) {
	ts := start(t)
	ctx := context.Background()
	root := iam.NewFromConfig(ts.config(ts.Root))
	if _, err := root.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("erin")}); err != nil {
		t.Fatal(err)
	}
	k, err := root.CreateAccessKey(ctx, &iam.CreateAccessKeyInput{UserName: aws.String("erin")})
	if err != nil {
		t.Fatal(err)
	}
	erin := aws.Credentials{AccessKeyID: aws.ToString(k.AccessKey.AccessKeyId), SecretAccessKey: aws.ToString(k.AccessKey.SecretAccessKey)}
	_, err = iam.NewFromConfig(ts.config(erin)).ListUsers(ctx, &iam.ListUsersInput{})
	apiError(t, err, "AccessDenied")

	ct := cloudtrail.NewFromConfig(ts.config(ts.Root))
	lookup := func(key cttypes.LookupAttributeKey, value string) []cttypes.Event {
		t.Helper()
		out, err := ct.LookupEvents(ctx, &cloudtrail.LookupEventsInput{LookupAttributes: []cttypes.LookupAttribute{{AttributeKey: key, AttributeValue: aws.String(value)}}})
		if err != nil {
			t.Fatal(err)
		}
		return out.Events
	}
	created := lookup(cttypes.LookupAttributeKeyEventName, "CreateUser")
	if len(created) != 1 {
		t.Fatalf("CreateUser events: %d", len(created))
	}
	var rec map[string]any
	if err := json.Unmarshal([]byte(aws.ToString(created[0].CloudTrailEvent)), &rec); err != nil {
		t.Fatal(err)
	}
	ui := rec["userIdentity"].(map[string]any)
	if rec["eventSource"] != "iam.amazonaws.com" || rec["awsRegion"] != "us-east-1" || ui["type"] != "Root" || rec["readOnly"] != false ||
		rec["recipientAccountId"] != ts.Account || rec["requestParameters"].(map[string]any)["userName"] != "erin" {
		t.Fatalf("CreateUser record: %s", aws.ToString(created[0].CloudTrailEvent))
	}
	denied := lookup(cttypes.LookupAttributeKeyEventName, "ListUsers")
	if len(denied) != 1 {
		t.Fatalf("ListUsers events: %d", len(denied))
	}
	var drec map[string]any
	_ = json.Unmarshal([]byte(aws.ToString(denied[0].CloudTrailEvent)), &drec)
	if drec["errorCode"] != "AccessDenied" || drec["userIdentity"].(map[string]any)["userName"] != "erin" {
		t.Fatalf("AccessDenied record: %s", aws.ToString(denied[0].CloudTrailEvent))
	}
	// The secret of CreateAccessKey never reaches the trail.
	keyEvents := lookup(cttypes.LookupAttributeKeyEventName, "CreateAccessKey")
	if len(keyEvents) != 1 || strings.Contains(aws.ToString(keyEvents[0].CloudTrailEvent), erin.SecretAccessKey) {
		t.Fatalf("CreateAccessKey record leaks the secret or is missing: %d events", len(keyEvents))
	}
	byUser := lookup(cttypes.LookupAttributeKeyUsername, "erin")
	if len(byUser) != 1 {
		t.Fatalf("events by Username erin: %d", len(byUser))
	}

	_, err = ct.LookupEvents(ctx, &cloudtrail.LookupEventsInput{LookupAttributes: []cttypes.LookupAttribute{
		{AttributeKey: cttypes.LookupAttributeKeyEventName, AttributeValue: aws.String("a")},
		{AttributeKey: cttypes.LookupAttributeKeyUsername, AttributeValue: aws.String("b")},
	}})
	apiError(t, err, "InvalidLookupAttributesException")

	// Paging: MaxResults 1 walks every event once.
	all := map[string]bool{}
	p := cloudtrail.NewLookupEventsPaginator(ct, &cloudtrail.LookupEventsInput{MaxResults: aws.Int32(1)})
	for p.HasMorePages() {
		out, err := p.NextPage(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range out.Events {
			id := aws.ToString(e.EventId)
			if all[id] {
				t.Fatalf("event %s returned twice", id)
			}
			all[id] = true
		}
	}
	if len(all) < 4 {
		t.Fatalf("paging found %d events", len(all))
	}
}

// Debug logs say why a signature failed without ever holding a secret, a
// session token or a signature.
func TestLogsHoldNoSecrets(t *testing.T) {
	var logs lockedBuffer
	ts := start(t, logTo(&logs))
	ctx := context.Background()
	tok, err := sts.NewFromConfig(ts.config(ts.Root)).GetSessionToken(ctx, &sts.GetSessionTokenInput{})
	if err != nil {
		t.Fatal(err)
	}
	sess := aws.Credentials{AccessKeyID: aws.ToString(tok.Credentials.AccessKeyId), SecretAccessKey: aws.ToString(tok.Credentials.SecretAccessKey), SessionToken: aws.ToString(tok.Credentials.SessionToken)}
	bad := sess
	bad.SecretAccessKey = strings.Repeat("y", 40)
	_, err = sts.NewFromConfig(ts.config(bad)).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	apiError(t, err, "SignatureDoesNotMatch")
	ts.close()
	out := logs.String()
	if !strings.Contains(out, "signature mismatch") {
		t.Fatalf("debug logs do not explain the mismatch:\n%s", out)
	}
	for name, secret := range map[string]string{"root secret": ts.Root.SecretAccessKey, "session secret": sess.SecretAccessKey, "session token": sess.SessionToken} {
		if strings.Contains(out, secret) {
			t.Errorf("logs contain the %s", name)
		}
	}
}

type lockedBuffer struct {
	mu  sync.Mutex
	buf strings.Builder
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// --explain logs the decision trace: the statements that matched and where.
func TestExplainLogsTheDecision(t *testing.T) {
	var logs lockedBuffer
	ts := start(t, logTo(&logs), func(c *server.Config) { c.Explain = true })
	ctx := context.Background()
	root := iam.NewFromConfig(ts.config(ts.Root))
	if _, err := root.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("ex")}); err != nil {
		t.Fatal(err)
	}
	if _, err := root.PutUserPolicy(ctx, &iam.PutUserPolicyInput{UserName: aws.String("ex"), PolicyName: aws.String("deny-list"),
		PolicyDocument: aws.String("{\"Version\":\"2012-10-17\",\n\"Statement\":[{\"Sid\":\"NoList\",\"Effect\":\"Deny\",\"Action\":\"iam:ListUsers\",\"Resource\":\"*\"}]}")}); err != nil {
		t.Fatal(err)
	}
	k, err := root.CreateAccessKey(ctx, &iam.CreateAccessKeyInput{UserName: aws.String("ex")})
	if err != nil {
		t.Fatal(err)
	}
	_, err = iam.NewFromConfig(ts.config(aws.Credentials{AccessKeyID: aws.ToString(k.AccessKey.AccessKeyId), SecretAccessKey: aws.ToString(k.AccessKey.SecretAccessKey)})).ListUsers(ctx, &iam.ListUsersInput{})
	apiError(t, err, "AccessDenied")
	out := logs.String()
	if !strings.Contains(out, "decision=ExplicitDeny") || !strings.Contains(out, "(NoList) at 2:14") {
		t.Fatalf("no decision trace with the deciding statement in the log:\n%s", out)
	}
}
