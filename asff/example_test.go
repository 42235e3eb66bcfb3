package asff_test

import (
	"fmt"
	"time"

	"github.com/moatdev/moat/asff"
)

func Example() {
	res, err := asff.ParseBatchImport([]byte(`{"Findings":[
	 {"SchemaVersion":"2018-10-08","Id":"a","ProductArn":"arn:aws:securityhub:us-east-1:111122223333:product/111122223333/default",
	  "GeneratorId":"g","AwsAccountId":"111122223333","Types":["TTPs"],"CreatedAt":"2026-11-28T00:00:00Z","UpdatedAt":"2026-11-28T00:00:00Z",
	  "Severity":{"Label":"HIGH"},"Title":"t","Description":"d","Resources":[{"Type":"Other","Id":"r"}],"Workflow":{"Status":"NEW"}},
	 {"Id":"b","Title":"no schema"}]}`))
	if err != nil {
		panic(err)
	}
	fmt.Println("accepted:", len(res.Findings))
	fmt.Println("failed:", res.FailedFindings[0].Id, res.FailedFindings[0].ErrorCode)

	filters, _ := asff.ParseFilters([]byte(`{"SeverityLabel":[{"Comparison":"EQUALS","Value":"HIGH"}],"WorkflowStatus":[{"Comparison":"EQUALS","Value":"NEW"}]}`))
	f, err := asff.Compile(filters, time.Now())
	if err != nil {
		panic(err)
	}
	fmt.Println("matches:", f.Match(&res.Findings[0]))
	// Output:
	// accepted: 1
	// failed: b InvalidInput
	// matches: true
}
