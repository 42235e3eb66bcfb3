package posture_test

import (
	"testing"
	"time"

	"github.com/moatdev/moat/posture"
)

var evalNow = time.Date(2026, 11, 28, 12, 0, 0, 0, time.UTC)

func loadAccount(t testing.TB, dir string) *posture.Account {
	t.Helper()
	in := posture.Inputs{AuthDetails: "testdata/" + dir + "/auth.json", PasswordPolicy: "testdata/" + dir + "/password-policy.json",
		EC2Dir: "testdata/" + dir + "/ec2", Trails: []string{"testdata/" + dir + "/trails.json"}}
	if dir == "weak" {
		in.CredentialReport = "testdata/weak/credreport.csv"
	} else {
		in.CredentialReport = "testdata/fixed/credreport.json"
	}
	a, err := posture.Load(in)
	if err != nil {
		t.Fatalf("Load %s: %v", dir, err)
	}
	a.Now = evalNow
	return a
}

func statuses(r *posture.Report) map[string]posture.ControlStatus {
	m := map[string]posture.ControlStatus{}
	for _, cr := range r.Controls {
		m[cr.Control.ID] = cr.Status
	}
	return m
}
