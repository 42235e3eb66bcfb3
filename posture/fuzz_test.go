package posture_test

import (
	"errors"
	"os"
	"testing"

	"github.com/moatdev/moat/posture"
)

func requireInputError(t *testing.T, err error) {
	t.Helper()
	if err == nil {
		return
	}
	var ie *posture.InputError
	if !errors.As(err, &ie) || ie.Message == "" || ie.File == "" {
		t.Fatalf("error %v (%T) is not an InputError with file and message", err, err)
	}
}

func seed(f *testing.F, path string) {
	data, err := os.ReadFile(path)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(data)
}

func FuzzParseAuthDetails(f *testing.F) {
	seed(f, "testdata/weak/auth.json")
	seed(f, "testdata/fixed/auth.json")
	f.Add([]byte(`{"Policies":[{"PolicyVersionList":[{"Document":"%7B%22Statement%22%3A%7B%7D%7D","IsDefaultVersion":true}]}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		d, err := posture.ParseAuthDetails("f.json", data)
		requireInputError(t, err)
		if err == nil {
			posture.Evaluate(&posture.Account{Auth: d})
		}
	})
}

func FuzzParseCredentialReport(f *testing.F) {
	seed(f, "testdata/weak/credreport.csv")
	seed(f, "testdata/fixed/credreport.json")
	f.Add([]byte(csvHeader + "\"a\nb\",x\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		rows, err := posture.ParseCredentialReport("f.csv", data)
		requireInputError(t, err)
		if err == nil {
			posture.Evaluate(&posture.Account{Credentials: rows, Now: evalNow})
		}
	})
}

func FuzzParseTrails(f *testing.F) {
	seed(f, "testdata/fixed/trails.json")
	f.Add([]byte(`[{"trailList":[{"Name":"a"}]},{"IsLogging":true,"LatestDeliveryTime":1.5}]`))
	f.Fuzz(func(t *testing.T, data []byte) {
		var tr posture.Trails
		err := tr.ParseTrails("f.json", data)
		requireInputError(t, err)
		if err == nil {
			posture.Evaluate(&posture.Account{Trails: &tr, Now: evalNow})
		}
	})
}

func FuzzEC2Add(f *testing.F) {
	for _, n := range []string{"security-groups", "network-acls", "instances", "route-tables"} {
		seed(f, "testdata/weak/ec2/"+n+".json")
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		st := &posture.EC2State{}
		err := st.Add("f.json", data)
		requireInputError(t, err)
		if err == nil {
			posture.Evaluate(&posture.Account{EC2: st, Now: evalNow})
		}
	})
}
