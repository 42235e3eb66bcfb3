package events

import (
	"testing"
	"time"
)

func TestScheduleExpressions(t *testing.T) {
	at := func(s string) time.Time { v, _ := time.Parse(time.RFC3339, s); return v }
	for _, tc := range []struct {
		expr      string
		last, now string
		due       bool
	}{
		{"rate(1 day)", "2026-01-01T00:00:00Z", "2026-01-01T23:59:00Z", false},
		{"rate(1 day)", "2026-01-01T00:00:00Z", "2026-01-02T00:00:00Z", true},
		{"rate(5 minutes)", "2026-01-01T00:00:00Z", "2026-01-01T00:05:00Z", true},
		{"cron(0 12 * * ? *)", "2026-01-01T11:00:00Z", "2026-01-01T11:59:00Z", false},
		{"cron(0 12 * * ? *)", "2026-01-01T11:00:00Z", "2026-01-01T12:00:30Z", true},
		{"cron(0/15 * ? * MON-FRI *)", "2026-01-03T10:01:00Z", "2026-01-03T10:20:00Z", false}, // a Saturday
		{"cron(0/15 * ? * MON-FRI *)", "2026-01-05T10:01:00Z", "2026-01-05T10:20:00Z", true},  // a Monday, 10:15
		{"cron(30 8 1 JAN ? 2027)", "2026-12-31T00:00:00Z", "2027-01-01T08:30:00Z", true},
	} {
		s, err := parseSchedule(tc.expr)
		if err != nil {
			t.Fatalf("%s: %v", tc.expr, err)
		}
		if got := s.due(at(tc.last), at(tc.now)); got != tc.due {
			t.Errorf("%s from %s to %s: due %v, want %v", tc.expr, tc.last, tc.now, got, tc.due)
		}
	}
	for _, bad := range []string{"rate(0 days)", "rate(1 days)", "rate(2 day)", "rate(5 weeks)", "cron(0 12 * * * *)", "cron(0 12 * *)", "cron(61 * * * ? *)", "cron(0 12 ? * FUNDAY *)", "every day"} {
		if _, err := parseSchedule(bad); err == nil {
			t.Errorf("%q: accepted", bad)
		}
	}
}

// FuzzParseSchedule: any expression is either refused or gives a schedule
// whose due check terminates.
func FuzzParseSchedule(f *testing.F) {
	for _, s := range []string{"rate(1 day)", "rate(5 minutes)", "cron(0 12 * * ? *)", "cron(0/15 * ? * MON-FRI *)", "cron(30 8 1 JAN ? 2027)", "cron(1-5,7 */2 ? * SUN#2 *)", "rate(", "cron()"} {
		f.Add(s)
	}
	last, now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(2026, 1, 2, 0, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, expr string) {
		s, err := parseSchedule(expr)
		if err != nil {
			return
		}
		_ = s.due(last, now)
	})
}

func TestInputTransformer(t *testing.T) {
	ev := []byte(`{"detail-type":"AWS Console Sign In via CloudTrail","account":"111122223333","detail":{"userIdentity":{"type":"Root","arn":"arn:aws:iam::111122223333:root"},"sourceIPAddress":"203.0.113.9","n":3}}`)
	for _, tc := range []struct {
		it   InputTransformer
		want string
	}{
		{InputTransformer{InputPathsMap: map[string]string{"who": "$.detail.userIdentity.arn", "ip": "$.detail.sourceIPAddress"}, InputTemplate: `"<who> signed in from <ip>"`},
			`"arn:aws:iam::111122223333:root signed in from 203.0.113.9"`},
		{InputTransformer{InputPathsMap: map[string]string{"n": "$.detail.n", "type": "$.detail.userIdentity.type"}, InputTemplate: `{"count": <n>, "type": "<type>", "rule": "<aws.events.rule-name>"}`},
			`{"count": 3, "type": "Root", "rule": "root-signin"}`},
		{InputTransformer{InputPathsMap: map[string]string{"x": "$.detail.missing"}, InputTemplate: `{"x": <x>}`}, `{"x": null}`},
	} {
		if got := tc.it.transform(ev, "root-signin"); got != tc.want {
			t.Errorf("transform(%q) = %s, want %s", tc.it.InputTemplate, got, tc.want)
		}
	}
}
