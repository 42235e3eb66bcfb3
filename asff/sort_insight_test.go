package asff_test

import (
	"reflect"
	"strings"
	"testing"

	"github.com/moatdev/moat/asff"
)

func TestSort(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		criteria []asff.SortCriterion
		want     string
	}{
		{"severity desc by rank, not alphabet", []asff.SortCriterion{{Field: "SeverityLabel", SortOrder: "desc"}}, "f1,f2,f6,f3,f4,f5"},
		{"severity asc", []asff.SortCriterion{{Field: "SeverityLabel"}}, "f5,f4,f3,f2,f6,f1"},
		{"updated desc", []asff.SortCriterion{{Field: "UpdatedAt", SortOrder: "desc"}}, "f5,f1,f3,f6,f2,f4"},
		{"number, missing last", []asff.SortCriterion{{Field: "Confidence", SortOrder: "desc"}}, "f3,f1,f2,f4,f5,f6"},
		{"two keys", []asff.SortCriterion{{Field: "ProductName"}, {Field: "CreatedAt", SortOrder: "desc"}}, "f3,f4,f2,f1,f5,f6"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			fs := loadFindings(t)
			s, err := asff.CompileSort(tc.criteria)
			if err != nil {
				t.Fatal(err)
			}
			s.Sort(fs)
			var got []string
			for _, f := range fs {
				got = append(got, f.Id)
			}
			if g := strings.Join(got, ","); g != tc.want {
				t.Fatalf("order %s, want %s", g, tc.want)
			}
		})
	}
}

func TestSortErrors(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		c    asff.SortCriterion
		want string
	}{
		{asff.SortCriterion{Field: "SeverityLable"}, `unknown finding attribute (did you mean`},
		{asff.SortCriterion{Field: "ResourceTags"}, `cannot sort by a MapFilter attribute`},
		{asff.SortCriterion{Field: "Title", SortOrder: "up"}, `SortOrder "up"`},
	} {
		_, err := asff.CompileSort([]asff.SortCriterion{tc.c})
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%+v: error %v, want %q", tc.c, err, tc.want)
		}
	}
}

func TestGroupBy(t *testing.T) {
	t.Parallel()
	fs := loadFindings(t)
	all, err := asff.Compile(nil, testNow)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		attr, filters string
		want          []asff.InsightResultValue
	}{
		{"SeverityLabel", `{}`, []asff.InsightResultValue{{"HIGH", 2}, {"CRITICAL", 1}, {"INFORMATIONAL", 1}, {"LOW", 1}, {"MEDIUM", 1}}},
		{"AwsAccountId", `{}`, []asff.InsightResultValue{{"111122223333", 5}, {"444455556666", 1}}},
		// f4 has two resources: it counts once under each type.
		{"ResourceType", `{"RecordState":[{"Comparison":"EQUALS","Value":"ARCHIVED"}]}`, []asff.InsightResultValue{{"AwsS3Bucket", 1}, {"AwsS3Object", 1}}},
		{"ComplianceSecurityControlId", `{"ComplianceStatus":[{"Comparison":"EQUALS","Value":"FAILED"}]}`, []asff.InsightResultValue{{"EC2.13", 1}, {"IAM.4", 1}}},
		{"ProductName", `{}`, []asff.InsightResultValue{{"Security Hub", 3}, {"GuardDuty", 1}, {"Macie", 1}}},
	}
	for _, tc := range tests {
		f := all
		if tc.filters != "{}" {
			pf, _ := asff.ParseFilters([]byte(tc.filters))
			if f, err = asff.Compile(pf, testNow); err != nil {
				t.Fatal(err)
			}
		}
		got, err := asff.GroupBy(fs, f, tc.attr)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, tc.want) {
			t.Errorf("%s: got %v, want %v", tc.attr, got, tc.want)
		}
	}
	if _, err := asff.NewGrouper("Confidence"); err == nil || !strings.Contains(err.Error(), "only string attributes") {
		t.Errorf("grouping by a number: %v", err)
	}
	if _, err := asff.NewGrouper("Nope"); err == nil {
		t.Error("unknown attribute accepted")
	}
}

func TestGroupByCapsResults(t *testing.T) {
	t.Parallel()
	g, err := asff.NewGrouper("Id")
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 150; i++ {
		g.Add(&asff.Finding{Id: strings.Repeat("x", i+1)})
	}
	if n := len(g.Results()); n != asff.MaxInsightResults {
		t.Fatalf("%d results, want %d", n, asff.MaxInsightResults)
	}
}
