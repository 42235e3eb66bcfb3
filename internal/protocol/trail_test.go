package protocol

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"testing"
	"time"
)

const detonations = "/work/shared/datasets/detection/stratus-red-team-detonation-logs"

// recordFields returns requestParameters and responseElements of the first
// record of eventName in a shared detonation log.
func recordFields(t *testing.T, file, eventName string) (req, resp any) {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(detonations, file))
	if errors.Is(err, os.ErrNotExist) {
		t.Skipf("dataset %s absent (needs /work/shared/datasets/detection): skipping", file)
	}
	if err != nil {
		t.Fatal(err)
	}
	var recs []struct {
		EventName         string          `json:"eventName"`
		RequestParameters json.RawMessage `json:"requestParameters"`
		ResponseElements  json.RawMessage `json:"responseElements"`
	}
	if err := json.Unmarshal(b, &recs); err != nil {
		t.Fatal(err)
	}
	for _, r := range recs {
		if r.EventName == eventName && len(r.ResponseElements) > 4 {
			return unmarshalAny(t, r.RequestParameters), unmarshalAny(t, r.ResponseElements)
		}
	}
	t.Fatalf("%s: no %s record with responseElements", file, eventName)
	return nil, nil
}

func unmarshalAny(t *testing.T, b []byte) any {
	t.Helper()
	var x any
	if err := json.Unmarshal(b, &x); err != nil {
		t.Fatalf("%s: %v", b, err)
	}
	return x
}

// TestTrailJSONMatchesRealRecords renders structs holding the values of real
// CloudTrail records and compares with those records' JSON.
func TestTrailJSONMatchesRealRecords(t *testing.T) {
	t.Parallel()
	cases := []struct {
		file, event string
		in, out     any
	}{
		{"aws.persistence.iam-create-admin-user.json", "CreateUser",
			&CreateUserInput{UserName: "malicious-iam-user", Tags: []Tag{{"StratusRedTeam", "true"}}},
			&CreateUserOutput{User: User{Arn: "arn:aws:iam::229654561268:user/malicious-iam-user", CreateDate: time.Date(2024, 8, 1, 13, 33, 28, 0, time.UTC),
				Path: "/", Tags: []Tag{{"StratusRedTeam", "true"}}, UserID: "AIDAL1XMLVWIUOK8KAF0", UserName: "malicious-iam-user"}}},
		{"aws.persistence.iam-backdoor-user.json", "CreateAccessKey",
			&struct{ UserName string }{"stratus-red-team-backdoor-u-user"},
			&CreateAccessKeyOutput{AccessKey: AccessKey{AccessKeyID: "AKIAL80DWDVKKM0UXEER", CreateDate: time.Date(2024, 7, 30, 21, 53, 13, 0, time.UTC),
				Status: "Active", UserName: "stratus-red-team-backdoor-u-user", SecretAccessKey: "never-in-the-trail"}}},
		{"aws.persistence.iam-create-user-login-profile.json", "CreateLoginProfile",
			&CreateLoginProfileInput{UserName: "stratus-red-team-login-profile-user", Password: "hunter2!", PasswordResetRequired: ptr(false)},
			&struct {
				LoginProfile struct {
					UserName              string
					CreateDate            time.Time
					PasswordResetRequired bool
				}
			}{LoginProfile: struct {
				UserName              string
				CreateDate            time.Time
				PasswordResetRequired bool
			}{"stratus-red-team-login-profile-user", time.Date(2024, 8, 1, 13, 42, 21, 0, time.UTC), false}}},
	}
	for _, c := range cases {
		t.Run(c.event, func(t *testing.T) {
			wantReq, wantResp := recordFields(t, c.file, c.event)
			if got := unmarshalAny(t, TrailJSON(c.in)); !reflect.DeepEqual(got, wantReq) {
				t.Errorf("requestParameters\n got: %s\nwant: %v", TrailJSON(c.in), wantReq)
			}
			if got := unmarshalAny(t, TrailJSON(c.out)); !reflect.DeepEqual(got, wantResp) {
				t.Errorf("responseElements\n got: %s\nwant: %v", TrailJSON(c.out), wantResp)
			}
		})
	}
	t.Run("AssumeRole", func(t *testing.T) {
		wantReq, wantResp := recordFields(t, "aws.credential-access.ec2-get-password-data.json", "AssumeRole")
		m := wantResp.(map[string]any)
		creds := m["credentials"].(map[string]any)
		user := m["assumedRoleUser"].(map[string]any)
		out := &AssumeRoleOutput{
			AssumedRoleUser: &AssumedRoleUser{Arn: user["arn"].(string), AssumedRoleID: user["assumedRoleId"].(string)},
			Credentials: &Credentials{AccessKeyID: creds["accessKeyId"].(string), SessionToken: creds["sessionToken"].(string), SecretAccessKey: "secret",
				Expiration: time.Date(2024, 7, 30, 21, 46, 15, 0, time.UTC)},
		}
		in := &AssumeRoleInput{DurationSeconds: ptr(int32(900)), RoleArn: "arn:aws:iam::457448411975:role/stratus-red-team-ec2-get-password-data-role", RoleSessionName: "aws-go-sdk-1722375070115152000"}
		if got := unmarshalAny(t, TrailJSON(in)); !reflect.DeepEqual(got, wantReq) {
			t.Errorf("requestParameters\n got: %s\nwant: %v", TrailJSON(in), wantReq)
		}
		if got := unmarshalAny(t, TrailJSON(out)); !reflect.DeepEqual(got, wantResp) {
			t.Errorf("responseElements\n got: %s\nwant: %v", TrailJSON(out), wantResp)
		}
	})
}

func TestTrailJSON(t *testing.T) {
	t.Parallel()
	type nested struct{ Name string }
	type kitchen struct {
		S        string
		Empty    string
		Explicit *string
		N        int
		B        bool
		PB       *bool
		F        float64
		T        time.Time  `aws:",trailtime=iso8601"`
		TE       *time.Time `aws:",trailtime=epoch"`
		TZ       time.Time
		L        []string
		NilL     []string
		EmptyL   []int
		M        map[string]string
		Nested   nested
		PNested  *nested
		Secret   string `aws:",sensitive"`
		Blob     []byte
		Raw      json.RawMessage
		SSHKey   string `aws:"SSHPublicKey"`
		EC2Name  string `aws:"groupId"`
		Times    []time.Time
	}
	v := kitchen{S: "s", Explicit: ptr(""), N: 0, PB: ptr(false), F: 1.5, T: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC), TE: ptr(time.Unix(1767322800, 0)),
		L: []string{"a", ""}, EmptyL: []int{}, M: map[string]string{"k": "v"}, PNested: &nested{}, Secret: "pw", Blob: []byte("hi"), Raw: json.RawMessage(`{"a":1}`),
		SSHKey: "ssh-ed25519 AAAA", EC2Name: "sg-1", Times: []time.Time{time.Date(2026, 1, 2, 15, 4, 5, 0, time.UTC)}}
	want := `{"s":"s","explicit":"","n":0,"b":false,"pB":false,"f":1.5,"t":"2026-01-02T03:04:05Z","tE":1767322800,"l":["a",""],"emptyL":[],"m":{"k":"v"},"pNested":{},"blob":"aGk=","raw":{"a":1},"sSHPublicKey":"ssh-ed25519 AAAA","groupId":"sg-1","times":["Jan 2, 2026 3:04:05 PM"]}`
	if got := string(TrailJSON(&v)); got != want {
		t.Errorf("TrailJSON\n got: %s\nwant: %s", got, want)
	}
	if got := string(TrailJSON(v)); got != want {
		t.Errorf("TrailJSON by value differs: %s", got)
	}
	for name, x := range map[string]any{"nil": nil, "typed nil": (*CreateUserInput)(nil), "empty": &CreateUserInput{}, "not struct": "x", "only sensitive": &struct {
		P string `aws:",sensitive"`
	}{"pw"}} {
		if got := TrailJSON(x); got != nil {
			t.Errorf("%s: got %s, want nil", name, got)
		}
	}
	comma := &Credentials{Expiration: time.Date(2024, 7, 31, 20, 7, 33, 0, time.UTC)}
	if got := string(TrailJSON(comma)); got != `{"expiration":"Jul 31, 2024, 8:07:33 PM"}` {
		t.Errorf("comma style: %s", got)
	}
}
