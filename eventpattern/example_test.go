package eventpattern_test

import (
	"errors"
	"fmt"

	"github.com/moatdev/moat/eventpattern"
)

func Example() {
	rootSignIn, err := eventpattern.Parse([]byte(`{
		"detail-type": ["AWS Console Sign In via CloudTrail"],
		"detail": {"userIdentity": {"type": ["Root"]}}
	}`))
	if err != nil {
		panic(err)
	}
	noMFA, _ := eventpattern.Parse([]byte(`{"detail": {"additionalEventData": {"MFAUsed": [{"anything-but": "Yes"}]}}}`))
	set := eventpattern.NewSet()
	set.Add("root-sign-in", rootSignIn)
	set.Add("sign-in-without-mfa", noMFA)

	ids, err := set.Match([]byte(`{"detail-type": "AWS Console Sign In via CloudTrail", "source": "aws.signin",
		"detail": {"userIdentity": {"type": "Root"}, "additionalEventData": {"MFAUsed": "No"}}}`))
	fmt.Println(ids, err)

	_, err = eventpattern.Parse([]byte(`{"detail": {"state": [{"prefx": "init"}]}}`))
	var pe *eventpattern.Error
	if errors.As(err, &pe) {
		fmt.Println(pe.AWSMessage())
	}
	// Output:
	// [root-sign-in sign-in-without-mfa] <nil>
	// Event pattern is not valid. Reason: Unrecognized match type prefx
	//  at [line: 1, column: 24]
}
