package asff_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/moatdev/moat/asff"
)

// synthetic returns n findings with spread severities, workflow states and resources.
func synthetic(n int) []*asff.Finding {
	labels := []string{"INFORMATIONAL", "LOW", "MEDIUM", "HIGH", "CRITICAL"}
	status := []string{"NEW", "NOTIFIED", "RESOLVED", "SUPPRESSED"}
	types := []string{"AwsEc2Instance", "AwsS3Bucket", "AwsIamUser", "AwsAccount"}
	out := make([]*asff.Finding, n)
	base := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	for i := range out {
		norm := int32(i % 101)
		out[i] = &asff.Finding{
			Id: fmt.Sprintf("f-%d", i), AwsAccountId: "111122223333", ProductName: "Security Hub",
			UpdatedAt: base.Add(time.Duration(i%40320) * time.Minute).Format(time.RFC3339),
			Severity:  &asff.Severity{Label: labels[i%5], Normalized: &norm},
			Workflow:  &asff.Workflow{Status: status[i%4]}, RecordState: "ACTIVE",
			Resources: []asff.Resource{{Type: types[i%4], Id: fmt.Sprintf("arn:aws:ec2:us-east-1:111122223333:instance/i-%06d", i%5000), Tags: map[string]string{"team": "t" + fmt.Sprint(i%7)}}},
		}
	}
	return out
}

// BenchmarkFilterMatch: the typical GetFindings filter (severity >=
// HIGH, workflow NEW, resource prefix) over 100,000 findings per iteration.
func BenchmarkFilterMatch(b *testing.B) {
	fs := synthetic(100_000)
	pf, err := asff.ParseFilters([]byte(`{"SeverityLabel":[{"Comparison":"EQUALS","Value":"HIGH"},{"Comparison":"EQUALS","Value":"CRITICAL"}],
		"WorkflowStatus":[{"Comparison":"EQUALS","Value":"NEW"}],"ResourceId":[{"Comparison":"PREFIX","Value":"arn:aws:ec2:us-east-1:111122223333:instance/i-00"}],
		"UpdatedAt":[{"DateRange":{"Value":30,"Unit":"DAYS"}}],"ResourceTags":[{"Key":"team","Value":"t3","Comparison":"NOT_EQUALS"}]}`))
	if err != nil {
		b.Fatal(err)
	}
	c, err := asff.Compile(pf, time.Date(2026, 11, 29, 0, 0, 0, 0, time.UTC))
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	hits := 0
	for b.Loop() {
		hits = 0
		for _, f := range fs {
			if c.Match(f) {
				hits++
			}
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(fs)), "ns/finding")
	if hits == 0 {
		b.Fatal("filter matched nothing")
	}
}

func BenchmarkGroupByResource(b *testing.B) {
	fs := synthetic(100_000)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := asff.GroupBy(fs, nil, "ResourceId"); err != nil {
			b.Fatal(err)
		}
	}
}
