package detect_test

import (
	"fmt"

	"github.com/moatdev/moat/detect"
)

// A Detector takes CloudTrail records one at a time, as a live stream
// delivers them, and returns the findings each one raised or updated.
func Example() {
	d, err := detect.New(detect.Options{})
	if err != nil {
		panic(err)
	}
	rec, err := detect.ParseRecord([]byte(`{"eventVersion":"1.09","eventTime":"2024-05-01T12:00:00Z",
		"eventSource":"cloudtrail.amazonaws.com","eventName":"StopLogging","awsRegion":"us-east-1",
		"sourceIPAddress":"192.0.2.10","requestParameters":{"name":"management"},"recipientAccountId":"111122223333",
		"userIdentity":{"type":"IAMUser","arn":"arn:aws:iam::111122223333:user/alice","userName":"alice"}}`))
	if err != nil {
		panic(err)
	}
	for _, f := range d.CloudTrail(rec) {
		fmt.Println(f.Type, detect.SeverityLabel(f.Severity), f.Service.Count)
		fmt.Println(f.Title)
	}
	_, err = detect.ParseRecord([]byte("{\n  \"eventName\": 42\n}"))
	fmt.Println(err)
	// Output:
	// Stealth:IAMUser/CloudTrailLoggingDisabled Low 1
	// AWS CloudTrail trail management was disabled.
	// 2:16: eventName: expected string, got number
}
