package eventpattern

import (
	"fmt"
	"testing"
)

func TestExplain(t *testing.T) {
	t.Parallel()
	cases := []struct {
		pattern, event, want string
	}{
		{`{"source":["aws.ec2"]}`, ec2Event, `true [{true []}]`},
		{`{"source":["aws.s3"],"detail":{"state":["terminated"],"nope":["x"]}}`, ec2Event,
			`false [{false [{detail.nope [] the event has no value at this path} {source ["aws.ec2"] no value matches}]}]`},
		{`{"detail":{"state":[{"exists":false}]}}`, ec2Event,
			`false [{false [{detail.state ["terminated"] the pattern requires the field to be absent}]}]`},
		{`{"$or":[{"source":["x"]},{"detail":{"c-count":[5]}}]}`, ec2Event,
			`true [{false [{source ["aws.ec2"] no value matches}]} {true []}]`},
		{`{"employees":{"firstName":["Anna"],"lastName":["Jones"]}}`, employees,
			`false [{false [{ [] the values come from different elements of the same array (array consistency)}]}]`},
		{`{"detail":{"tags":["z"]}}`, ec2Event, `false [{false [{detail.tags ["a" "b"] no value matches}]}]`},
	}
	for _, tc := range cases {
		ex, err := mustParse(t, tc.pattern).Explain([]byte(tc.event))
		if err != nil {
			t.Fatal(err)
		}
		if got := fmt.Sprint(ex.Matched, " ", ex.Branches); got != tc.want {
			t.Errorf("%s\n got %s\nwant %s", tc.pattern, got, tc.want)
		}
	}
	if _, err := mustParse(t, `{"a":["x"]}`).Explain([]byte(`{"a":`)); err == nil {
		t.Error("Explain accepted a truncated event")
	}
}
