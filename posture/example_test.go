package posture_test

import (
	"fmt"
	"time"

	"github.com/moatdev/moat/posture"
)

func Example() {
	report, err := posture.ParseCredentialReport("report.csv", []byte(csvHeader+
		"<root_account>,arn:aws:iam::111122223333:root,2024-06-01T00:00:00+00:00,not_supported,N/A,not_supported,not_supported,true,true,2024-06-02T00:00:00+00:00,N/A,N/A,N/A,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A\n"))
	if err != nil {
		panic(err)
	}
	rep := posture.Evaluate(&posture.Account{Credentials: report, Now: time.Date(2026, 11, 28, 0, 0, 0, 0, time.UTC)})
	for _, cr := range rep.Controls {
		if cr.Status == posture.ControlFailed {
			fmt.Println(cr.Control.ID, cr.Results[0].Reason)
		}
	}
	// FSBP 3 of 4 passed (75%), each CIS version 7 of 8 (88%): the average is 84.
	fmt.Println("score:", rep.Score)
	// Output:
	// IAM.4 the root user has an active access key
	// score: 84
}
