package policy

import "testing"

// A role is named by partition, account and name: its path does not appear
// in its sessions' ARNs, and names are unique per account.
func TestRolePrincipalIgnoresPath(t *testing.T) {
	t.Parallel()
	doc := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:role/team/ops-role"},"Action":"s3:GetObject","Resource":"*"}]}`
	p, err := Parse([]byte(doc))
	if err != nil {
		t.Fatal(err)
	}
	c, err := Compile(p, Resource)
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		principal string
		want      Grant
	}{
		{"arn:aws:sts::111122223333:assumed-role/ops-role/build-1", GrantRole},
		{"arn:aws:iam::111122223333:role/ops-role", GrantCaller},
		{"arn:aws:sts::111122223333:assumed-role/other-role/build-1", 0},
		{"arn:aws:sts::444455556666:assumed-role/ops-role/build-1", 0},
	}
	for _, tc := range cases {
		caller, err := NewCaller(tc.principal)
		if err != nil {
			t.Fatal(err)
		}
		res := c.Evaluate(&Request{Action: "s3:GetObject", Resource: "arn:aws:s3:::b/k", Caller: caller, Context: NewContext()})
		if res.Grants != tc.want || res.Allow != (tc.want != 0) {
			t.Errorf("%s: grants %b allow %v, want grants %b", tc.principal, res.Grants, res.Allow, tc.want)
		}
	}
	if n := len(cases); n != 4 {
		t.Fatalf("%d cases", n)
	}
}

// A * that ends a segment may stand for the rest of the ARN.
func TestTrailingStarCoversRemainingFields(t *testing.T) {
	t.Parallel()
	for _, r := range []string{"arn:aws:dynamodb:us-east-1:*", "arn:aws:lambda:*"} {
		p, err := Parse([]byte(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"` + r + `"}]}`))
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range Validate(p, Identity) {
			if f.Severity == SeverityError {
				t.Errorf("%s: %s %s", r, f.Code, f.Message)
			}
		}
	}
	p, _ := Parse([]byte(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"arn:aws:dynamodb"}]}`))
	errs := 0
	for _, f := range Validate(p, Identity) {
		if f.Code == "MISSING_ARN_FIELD" {
			errs++
		}
	}
	if errs != 1 {
		t.Fatalf("arn:aws:dynamodb: %d MISSING_ARN_FIELD findings, want 1", errs)
	}
}
