package asff_test

import (
	"reflect"
	"strings"
	"testing"

	"github.com/moatdev/moat/asff"
)

func TestIndexHints(t *testing.T) {
	t.Parallel()
	pf, err := asff.ParseFilters([]byte(`{"SeverityLabel":[{"Comparison":"EQUALS","Value":"HIGH"},{"Comparison":"EQUALS","Value":"CRITICAL"}],
		"ResourceId":[{"Comparison":"PREFIX","Value":"arn:aws:ec2:"},{"Comparison":"NOT_EQUALS","Value":"x"}],
		"Title":[{"Comparison":"CONTAINS","Value":"root"}],"WorkflowStatus":[{"Comparison":"NOT_EQUALS","Value":"RESOLVED"}],
		"Confidence":[{"Gte":50}]}`))
	if err != nil {
		t.Fatal(err)
	}
	c, err := asff.Compile(pf, testNow)
	if err != nil {
		t.Fatal(err)
	}
	want := []asff.IndexHint{
		{Attribute: "ResourceId", Prefixes: []string{"arn:aws:ec2:"}},
		{Attribute: "SeverityLabel", Equals: []string{"HIGH", "CRITICAL"}},
	}
	if got := c.IndexHints(); !reflect.DeepEqual(got, want) {
		t.Fatalf("hints %+v, want %+v", got, want)
	}
	// Soundness: every finding a filter matches satisfies every hint.
	matched := 0
	for _, js := range []string{
		`{"SeverityLabel":[{"Comparison":"EQUALS","Value":"HIGH"}],"ResourceId":[{"Comparison":"PREFIX","Value":"arn:aws:ec2:"},{"Comparison":"PREFIX","Value":"c-"}]}`,
		`{"ResourceType":[{"Comparison":"PREFIX","Value":"AwsS3"}],"ProductName":[{"Comparison":"EQUALS","Value":"Macie"}]}`,
		`{"Type":[{"Comparison":"PREFIX","Value":"Software"},{"Comparison":"NOT_EQUALS","Value":"x"}]}`,
	} {
		pf, _ := asff.ParseFilters([]byte(js))
		c, err := asff.Compile(pf, testNow)
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range loadFindings(t) {
			if !c.Match(f) {
				continue
			}
			matched++
			for _, h := range c.IndexHints() {
				if !hintHolds(f, h) {
					t.Fatalf("finding %s matches %s but not hint %+v", f.Id, js, h)
				}
			}
		}
	}
	if matched != 6 {
		t.Fatalf("%d matches across the soundness filters, want 6", matched)
	}
	if vals, ok := asff.Attribute(loadFindings(t)[3], "ResourceType"); !ok || !reflect.DeepEqual(vals, []string{"AwsS3Bucket", "AwsS3Object"}) {
		t.Fatalf("ResourceType of f4: %v %v", vals, ok)
	}
	if _, ok := asff.Attribute(loadFindings(t)[0], "Confidence"); ok {
		t.Fatal("number attribute read as string")
	}
}

func hintHolds(f *asff.Finding, h asff.IndexHint) bool {
	vals, _ := asff.Attribute(f, h.Attribute)
	for _, v := range vals {
		for _, e := range h.Equals {
			if v == e {
				return true
			}
		}
		for _, p := range h.Prefixes {
			if strings.HasPrefix(v, p) {
				return true
			}
		}
	}
	return false
}
