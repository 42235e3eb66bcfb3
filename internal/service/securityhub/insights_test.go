package securityhub

import (
	"testing"
	"time"

	"github.com/moatdev/moat/asff"
)

// Every managed insight's filters and grouping are valid for the engine.
func TestManagedInsightsCompile(t *testing.T) {
	seen := map[string]bool{}
	for _, m := range managedInsights {
		if seen[m.InsightArn] {
			t.Errorf("duplicate managed insight %s", m.InsightArn)
		}
		seen[m.InsightArn] = true
		f, err := asff.ParseFilters(m.Filters)
		if err == nil {
			_, err = asff.Compile(f, time.Now())
		}
		if err != nil {
			t.Errorf("%s: filters: %v", m.Name, err)
		}
		if _, err := asff.NewGrouper(m.GroupByAttribute); err != nil {
			t.Errorf("%s: group by: %v", m.Name, err)
		}
		if managedInsight(m.InsightArn) == nil {
			t.Errorf("%s not found by ARN", m.InsightArn)
		}
	}
}
