package server_test

import (
	"context"
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudtrail"
	cttypes "github.com/aws/aws-sdk-go-v2/service/cloudtrail/types"
	"github.com/aws/aws-sdk-go-v2/service/iam"

	"github.com/moatdev/moat/internal/identity"
	"github.com/moatdev/moat/internal/server"
)

// Console sign-in: root by e-mail with the password moat wrote once, IAM
// users with their login profile and MFA device; every attempt is a
// ConsoleLogin record shaped as AWS's.
func TestConsoleSignIn(t *testing.T) {
	ts := start(t)
	ctx := context.Background()
	pwFile := filepath.Join(ts.Data, server.RootPasswordFile)
	fi, err := os.Stat(pwFile)
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("root password file: %v %v", fi, err)
	}
	pwBytes, _ := os.ReadFile(pwFile)
	rootPW := strings.TrimSpace(string(pwBytes))
	post := func(body string) (int, map[string]any) {
		t.Helper()
		resp, err := http.Post(ts.URL+"/_moat/signin", "application/json", strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		m := map[string]any{}
		_ = json.NewDecoder(resp.Body).Decode(&m)
		return resp.StatusCode, m
	}
	rootEmail := "root@" + ts.Account + ".moat.invalid"
	if code, m := post(`{"rootEmail":"` + rootEmail + `","password":"` + rootPW + `"}`); code != 200 || m["ConsoleLogin"] != "Success" {
		t.Fatalf("root sign-in: %d %v", code, m)
	}
	if code, m := post(`{"rootEmail":"` + rootEmail + `","password":"wrong"}`); code != 401 || m["message"] != "Failed authentication" {
		t.Fatalf("root sign-in with a wrong password: %d %v", code, m)
	}
	if code, _ := post(`{"password":"x"}`); code != 400 {
		t.Fatalf("a body without a name: %d", code)
	}
	if code, _ := post(`not json`); code != 400 {
		t.Fatalf("garbage body: %d", code)
	}

	root := iam.NewFromConfig(ts.config(ts.Root))
	if _, err := root.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("alice")}); err != nil {
		t.Fatal(err)
	}
	if _, err := root.CreateLoginProfile(ctx, &iam.CreateLoginProfileInput{UserName: aws.String("alice"), Password: aws.String("Correct-Horse-9")}); err != nil {
		t.Fatal(err)
	}
	dev, err := root.CreateVirtualMFADevice(ctx, &iam.CreateVirtualMFADeviceInput{VirtualMFADeviceName: aws.String("alice")})
	if err != nil {
		t.Fatal(err)
	}
	seed := string(dev.VirtualMFADevice.Base32StringSeed)
	c1, _ := identity.TOTP(seed, ts.Clock.now())
	c2, _ := identity.TOTP(seed, ts.Clock.now().Add(30*time.Second))
	if _, err := root.EnableMFADevice(ctx, &iam.EnableMFADeviceInput{UserName: aws.String("alice"), SerialNumber: dev.VirtualMFADevice.SerialNumber, AuthenticationCode1: aws.String(c1), AuthenticationCode2: aws.String(c2)}); err != nil {
		t.Fatal(err)
	}
	user := `{"accountId":"` + ts.Account + `","userName":"alice","password":"Correct-Horse-9"`
	if code, _ := post(user + `}`); code != 401 {
		t.Fatalf("sign-in without the MFA code: %d", code)
	}
	ts.Clock.set(60 * time.Second)
	defer ts.Clock.set(0)
	code3, _ := identity.TOTP(seed, ts.Clock.now())
	if code, m := post(user + `,"mfaCode":"` + code3 + `"}`); code != 200 || m["ConsoleLogin"] != "Success" {
		t.Fatalf("sign-in with password and MFA: %d %v", code, m)
	}
	if code, _ := post(`{"accountId":"` + ts.Account + `","userName":"mallory","password":"x"}`); code != 401 {
		t.Fatalf("unknown user: %d", code)
	}

	// The records, as LookupEvents returns them.
	ct := cloudtrail.NewFromConfig(ts.config(ts.Root))
	ev, err := ct.LookupEvents(ctx, &cloudtrail.LookupEventsInput{LookupAttributes: []cttypes.LookupAttribute{{AttributeKey: cttypes.LookupAttributeKeyEventName, AttributeValue: aws.String("ConsoleLogin")}}})
	if err != nil {
		t.Fatal(err)
	}
	type rec struct {
		EventSource, EventType, ErrorMessage string
		UserIdentity                         struct{ Type, UserName, Arn string }
		ResponseElements                     struct{ ConsoleLogin string }
		AdditionalEventData                  struct{ MFAUsed string }
	}
	var recs []rec
	for _, e := range ev.Events {
		var r rec
		if err := json.Unmarshal([]byte(aws.ToString(e.CloudTrailEvent)), &r); err != nil {
			t.Fatal(err)
		}
		if r.EventSource != "signin.amazonaws.com" || r.EventType != "AwsConsoleSignIn" {
			t.Errorf("record source/type: %+v", r)
		}
		recs = append(recs, r)
	}
	// Newest first: mallory, alice with MFA, alice without, root wrong, root.
	if len(recs) != 5 {
		t.Fatalf("%d ConsoleLogin records, want 5 (the bad bodies are not sign-in attempts)", len(recs))
	}
	want := []struct{ typ, user, result, mfa, msg string }{
		{"IAMUser", "HIDDEN_DUE_TO_SECURITY_REASONS", "Failure", "No", "Failed authentication"},
		{"IAMUser", "alice", "Success", "Yes", ""},
		{"IAMUser", "alice", "Failure", "No", "Failed authentication"},
		{"Root", "", "Failure", "No", "Failed authentication"},
		{"Root", "", "Success", "No", ""},
	}
	for i, w := range want {
		r := recs[i]
		if r.UserIdentity.Type != w.typ || r.UserIdentity.UserName != w.user || r.ResponseElements.ConsoleLogin != w.result || r.AdditionalEventData.MFAUsed != w.mfa || r.ErrorMessage != w.msg {
			t.Errorf("record %d = %+v, want %+v", i, r, w)
		}
	}

	// A hard-expired password is refused.
	if _, err := root.UpdateAccountPasswordPolicy(ctx, &iam.UpdateAccountPasswordPolicyInput{MaxPasswordAge: aws.Int32(1), HardExpiry: aws.Bool(true)}); err != nil {
		t.Fatal(err)
	}
	ts.Clock.set(49 * time.Hour)
	code4, _ := identity.TOTP(seed, ts.Clock.now())
	if code, m := post(user + `,"mfaCode":"` + code4 + `"}`); code != 401 || m["message"] != "Password expired" {
		t.Fatalf("sign-in with a hard-expired password: %d %v", code, m)
	}
}
