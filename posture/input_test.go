package posture_test

import (
	"encoding/base64"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/moatdev/moat/posture"
)

const csvHeader = "user,arn,user_creation_time,password_enabled,password_last_used,password_last_changed,password_next_rotation,mfa_active,access_key_1_active,access_key_1_last_rotated,access_key_1_last_used_date,access_key_1_last_used_region,access_key_1_last_used_service,access_key_2_active,access_key_2_last_rotated,access_key_2_last_used_date,access_key_2_last_used_region,access_key_2_last_used_service,cert_1_active,cert_1_last_rotated,cert_2_active,cert_2_last_rotated\n"

const okRow = "bob,arn:aws:iam::111122223333:user/bob,2025-03-01T09:00:00+00:00,false,N/A,N/A,N/A,false,true,2026-10-15T00:00:00+00:00,N/A,N/A,N/A,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A\n"

func TestInputErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		parse func() error
		want  string
	}{
		{"auth: syntax error located", func() error {
			_, err := posture.ParseAuthDetails("a.json", []byte("{\n  \"UserDetailList\": [\n    {\"UserName\": \"x\",,}\n  ]\n}"))
			return err
		}, "a.json:3:22: invalid JSON"},
		{"auth: truncated", func() error {
			_, err := posture.ParseAuthDetails("a.json", []byte(`{"UserDetailList": [{"UserName": "x"`))
			return err
		}, "truncated"},
		{"auth: wrong type names the field", func() error {
			_, err := posture.ParseAuthDetails("a.json", []byte(`{"UserDetailList": [{"UserName": 7}]}`))
			return err
		}, "a.json:1:34: UserDetailList.UserName: expected a string, got JSON number"},
		{"auth: not the right export", func() error {
			_, err := posture.ParseAuthDetails("a.json", []byte(`{"Users": []}`))
			return err
		}, "not get-account-authorization-details output"},
		{"auth: user without arn", func() error {
			_, err := posture.ParseAuthDetails("a.json", []byte(`{"UserDetailList": [{"UserName": "x"}]}`))
			return err
		}, "UserDetailList[0]: a user needs UserName and Arn"},
		{"auth: bad URL-encoded policy", func() error {
			_, err := posture.ParseAuthDetails("a.json", []byte(`{"RoleDetailList": [{"RoleName": "r", "Arn": "arn:aws:iam::1:role/r", "AssumeRolePolicyDocument": "%zz"}]}`))
			return err
		}, "RoleDetailList[0].AssumeRolePolicyDocument: policy document is a string but not URL-encoded JSON"},
		{"auth: bad statement names the document", func() error {
			_, err := posture.ParseAuthDetails("a.json", []byte(`{"Policies": [{"Arn": "p", "PolicyVersionList": [{"Document": {"Statement": 7}}]}]}`))
			return err
		}, "Policies[0].PolicyVersionList[0].Document: policy document Statement"},
		{"auth: empty file", func() error { _, err := posture.ParseAuthDetails("a.json", nil); return err }, "a.json:1:1: empty file"},
		{"credreport: missing column", func() error {
			_, err := posture.ParseCredentialReport("c.csv", []byte("user,arn\nx,y\n"))
			return err
		}, "c.csv:1:1: user_creation_time: missing column"},
		{"credreport: bad boolean with line and column", func() error {
			_, err := posture.ParseCredentialReport("c.csv", []byte(csvHeader+okRow+strings.Replace(okRow, ",false,true,", ",maybe,true,", 1)))
			return err
		}, "c.csv:3:8: mfa_active: expected true or false, got \"maybe\""},
		{"credreport: bad time", func() error {
			_, err := posture.ParseCredentialReport("c.csv", []byte(csvHeader+strings.Replace(okRow, "2026-10-15T00:00:00+00:00", "yesterday", 1)))
			return err
		}, "c.csv:2:10: access_key_1_last_rotated: expected an ISO 8601 time"},
		{"credreport: ragged row", func() error {
			_, err := posture.ParseCredentialReport("c.csv", []byte(csvHeader+"bob,arn\n"))
			return err
		}, "c.csv:2:1: wrong number of fields"},
		{"credreport: empty", func() error { _, err := posture.ParseCredentialReport("c.csv", []byte("")); return err }, "empty credential report"},
		{"credreport: JSON without Content", func() error {
			_, err := posture.ParseCredentialReport("c.json", []byte(`{"ReportFormat":"text/csv"}`))
			return err
		}, "Content: get-credential-report output without Content"},
		{"credreport: JSON with bad base64", func() error {
			_, err := posture.ParseCredentialReport("c.json", []byte(`{"Content":"!!!"}`))
			return err
		}, "Content is not base64"},
		{"password policy: wrong type", func() error {
			_, err := posture.ParsePasswordPolicy("p.json", []byte(`{"PasswordPolicy": {"MinimumPasswordLength": "14"}}`))
			return err
		}, "PasswordPolicy.MinimumPasswordLength: expected a number"},
		{"trails: unknown document", func() error {
			return (&posture.Trails{}).ParseTrails("t.json", []byte("{\"trailList\": []}\n{\"Foo\": 1}"))
		}, "t.json:2:1: not describe-trails"},
		{"trails: truncated stream", func() error {
			return (&posture.Trails{}).ParseTrails("t.json", []byte(`{"trailList": [{"Name": "a"`))
		}, "truncated"},
		{"trails: status without a trail", func() error {
			return (&posture.Trails{}).ParseTrails("t.json", []byte(`{"trailList": []} {"IsLogging": true}`))
		}, "1 get-trail-status outputs but only 0 trails"},
		{"trails: selectors for an unknown trail", func() error {
			return (&posture.Trails{}).ParseTrails("t.json", []byte(`{"trailList": [{"Name":"a","TrailARN":"arn:a"}]} {"TrailARN":"arn:b","EventSelectors":[]}`))
		}, `get-event-selectors for "arn:b" matches no trail`},
		{"trails: bad time in the second document", func() error {
			return (&posture.Trails{}).ParseTrails("t.json", []byte("{\"trailList\": [{\"Name\":\"a\"}]}\n{\"IsLogging\": true, \"LatestDeliveryTime\": \"soon\"}"))
		}, "t.json:2:"},
		{"trails: not an object", func() error { return (&posture.Trails{}).ParseTrails("t.json", []byte(`[1]`)) }, "document 1 is not a JSON object"},
		{"ec2: bad JSON", func() error { return (&posture.EC2State{}).Add("sg.json", []byte(`{"SecurityGroups": [}`)) }, "sg.json:1:21: invalid JSON"},
		{"ec2: wrong type", func() error {
			return (&posture.EC2State{}).Add("sg.json", []byte(`{"SecurityGroups": [{"IpPermissions": [{"FromPort": "22"}]}]}`))
		}, "SecurityGroups.IpPermissions.FromPort: expected a number"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			err := tc.parse()
			var ie *posture.InputError
			if !errors.As(err, &ie) {
				t.Fatalf("error %v (%T) is not an *InputError", err, err)
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error %q does not contain %q", err, tc.want)
			}
		})
	}
	if len(tests) != 24 {
		t.Fatalf("%d cases, want 24", len(tests))
	}
}

func TestCredentialReportForms(t *testing.T) {
	t.Parallel()
	csv := csvHeader + okRow
	rows, err := posture.ParseCredentialReport("c.csv", []byte(csv))
	if err != nil || len(rows) != 1 || !rows[0].AccessKey[0].Active || rows[0].MFAActive || rows[0].Line != 2 {
		t.Fatalf("%v %+v", err, rows)
	}
	js := `{"Content":"` + base64.StdEncoding.EncodeToString([]byte(csv)) + `","ReportFormat":"text/csv"}`
	rows2, err := posture.ParseCredentialReport("c.json", []byte(js))
	if err != nil || len(rows2) != 1 || rows2[0].User != "bob" {
		t.Fatalf("%v %+v", err, rows2)
	}
	// Columns are found by name: reordering them changes nothing.
	cols := strings.Split(strings.TrimSpace(csvHeader), ",")
	vals := strings.Split(strings.TrimSpace(okRow), ",")
	cols[0], cols[1], vals[0], vals[1] = cols[1], cols[0], vals[1], vals[0]
	rows3, err := posture.ParseCredentialReport("c.csv", []byte(strings.Join(cols, ",")+"\n"+strings.Join(vals, ",")+"\n"))
	if err != nil || rows3[0].User != "bob" || rows3[0].Arn != "arn:aws:iam::111122223333:user/bob" {
		t.Fatalf("%v %+v", err, rows3)
	}
}

func TestTrailsBinding(t *testing.T) {
	t.Parallel()
	var tr posture.Trails
	stream := `[{"trailList":[{"Name":"a","TrailARN":"arn:a"},{"Name":"b","TrailARN":"arn:b"}]},
	{"IsLogging": false, "Name": "b"}, {"IsLogging": true, "LatestDeliveryTime": 1764331200.5},
	{"TrailARN":"arn:b","AdvancedEventSelectors":[{"Name":"m","FieldSelectors":[{"Field":"eventCategory","Equals":["Management"]}]}]}]`
	if err := tr.ParseTrails("t.json", []byte(stream)); err != nil {
		t.Fatal(err)
	}
	a, b := tr.List[0], tr.List[1]
	if a.Status == nil || !*a.Status.IsLogging || a.Status.LatestDeliveryTime.Unix() != 1764331200 {
		t.Fatalf("trail a status %+v", a.Status)
	}
	if b.Status == nil || *b.Status.IsLogging || b.Selectors == nil || a.Selectors != nil {
		t.Fatalf("trail b %+v %+v", b.Status, b.Selectors)
	}
}

func TestLoadErrors(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	for _, tc := range []struct {
		in   posture.Inputs
		want string
	}{
		{posture.Inputs{AuthDetails: filepath.Join(dir, "missing.json")}, "missing.json: stat"},
		{posture.Inputs{CredentialReport: dir}, "is a directory"},
		{posture.Inputs{EC2Dir: dir}, "no describe-* output found"},
		{posture.Inputs{EC2Dir: filepath.Join(dir, "nope")}, "nope"},
		{posture.Inputs{Trails: []string{filepath.Join(dir, "t.json")}}, "t.json"},
	} {
		_, err := posture.Load(tc.in)
		var ie *posture.InputError
		if !errors.As(err, &ie) || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%+v: error %v, want an InputError containing %q", tc.in, err, tc.want)
		}
	}
	if err := os.WriteFile(filepath.Join(dir, "x.json"), []byte(`{"SecurityGroups": [`), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := posture.Load(posture.Inputs{EC2Dir: dir}); err == nil || !strings.Contains(err.Error(), "x.json") {
		t.Errorf("truncated EC2 file: %v", err)
	}
}
