package awsmanaged

import (
	"strings"
	"testing"
)

func TestEmbeddedPolicies(t *testing.T) {
	if n := Len(); n < 1500 {
		t.Fatalf("%d managed policies embedded, want the full set (1,594 in 0.0.656)", n)
	}
	for _, arn := range []string{
		"arn:aws:iam::aws:policy/ReadOnlyAccess",
		"arn:aws:iam::aws:policy/AdministratorAccess",
		"arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole",
	} {
		p, ok, err := ByARN(arn)
		if err != nil || !ok {
			t.Fatalf("%s: %v %v", arn, ok, err)
		}
		if !strings.Contains(p.Document, `"Statement"`) || p.VersionID == "" {
			t.Fatalf("%s: document %.80s version %q", arn, p.Document, p.VersionID)
		}
	}
	if _, ok, _ := ByARN("arn:aws:iam::aws:policy/NoSuchPolicy"); ok {
		t.Fatal("found a policy that does not exist")
	}
}
