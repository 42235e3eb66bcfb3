package cli

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func runEvents(t *testing.T, stdin string, args ...string) (string, string, int) {
	t.Helper()
	var out, errb bytes.Buffer
	code := run(append([]string{"events", "test-pattern"}, args...), strings.NewReader(stdin), &out, &errb)
	return out.String(), errb.String(), code
}

func eventsFile(t *testing.T, name, content string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

const rootSignIn = `{"version":"0","id":"1","detail-type":"AWS Console Sign In via CloudTrail","source":"aws.signin",
"account":"111122223333","time":"2026-11-29T10:00:00Z","region":"us-east-1","resources":[],
"detail":{"userIdentity":{"type":"Root","arn":"arn:aws:iam::111122223333:root"},"eventName":"ConsoleLogin",
"sourceIPAddress":"198.51.100.7","responseElements":{"ConsoleLogin":"Success"},"additionalEventData":{"MFAUsed":"Yes"}}}`

const rootPattern = `{"detail-type":["AWS Console Sign In via CloudTrail"],"detail":{"userIdentity":{"type":["Root"]}}}`

func TestEventsTestPatternMatch(t *testing.T) {
	t.Parallel()
	ev := eventsFile(t, "event.json", rootSignIn)
	out, errs, code := runEvents(t, "", "--pattern", eventsFile(t, "p.json", rootPattern), "--event", ev)
	if code != 0 || out != "{\n    \"Result\": true\n}\n" || errs != "" {
		t.Fatalf("exit %d out %q err %q", code, out, errs)
	}
	// Pattern on standard input; a pattern that does not match exits 1.
	out, errs, code = runEvents(t, `{"detail":{"sourceIPAddress":[{"cidr":"10.0.0.0/8"}]}}`, "--pattern", "-", "--event", ev)
	if code != 1 || out != "{\n    \"Result\": false\n}\n" || errs != "" {
		t.Fatalf("no match: exit %d out %q err %q", code, out, errs)
	}
	// Event on standard input.
	_, _, code = runEvents(t, rootSignIn, "--pattern", eventsFile(t, "p.json", `{"detail":{"additionalEventData":{"MFAUsed":[{"anything-but":"No"}]}}}`), "--event", "-")
	if code != 0 {
		t.Fatalf("event on stdin: exit %d", code)
	}
}

func TestEventsTestPatternBadInput(t *testing.T) {
	t.Parallel()
	ev := eventsFile(t, "event.json", rootSignIn)
	good := eventsFile(t, "p.json", rootPattern)
	cases := []struct {
		name string
		args []string
		want string
	}{
		{"invalid pattern", []string{"--pattern", eventsFile(t, "bad.json", "{\n  \"detail\": {\"state\": [{\"prefi\": \"x\"}]}\n}"), "--event", ev},
			"bad.json:2:25: Unrecognized match type prefi\nInvalidEventPatternException: Event pattern is not valid. Reason: Unrecognized match type prefi"},
		{"pattern not JSON", []string{"--pattern", eventsFile(t, "bad.json", `{"a":`), "--event", ev}, "bad.json:1:6: Invalid JSON"},
		{"event not an object", []string{"--pattern", good, "--event", eventsFile(t, "e.json", `["x"]`)}, "e.json:1:1: the event is not a JSON object"},
		{"truncated event", []string{"--pattern", good, "--event", eventsFile(t, "e.json", rootSignIn[:200])}, "e.json:3:"},
		{"missing pattern file", []string{"--pattern", filepath.Join(t.TempDir(), "nope.json"), "--event", ev}, "no such file"},
		{"missing flag", []string{"--event", ev}, "--pattern and --event are required"},
		{"both stdin", []string{"--pattern", "-", "--event", "-"}, `only one of --pattern and --event can be "-"`},
		{"oversize event", []string{"--pattern", good, "--event", eventsFile(t, "big.json", `{"a":"`+strings.Repeat("x", 300*1024)+`"}`)}, "larger than 262144 bytes"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			out, errs, code := runEvents(t, "", tc.args...)
			if code != 2 || out != "" || !strings.Contains(errs, tc.want) {
				t.Fatalf("exit %d out %q\nstderr %q\nwant it to contain %q", code, out, errs, tc.want)
			}
		})
	}
}

func TestEventsTestPatternExplain(t *testing.T) {
	t.Parallel()
	pattern := eventsFile(t, "p.json", `{"$or":[{"detail":{"eventName":["StopLogging"]}},{"source":["aws.signin"],"detail":{"userIdentity":{"type":["IAMUser"]}}}]}`)
	out, errs, code := runEvents(t, "", "--explain", "--pattern", pattern, "--event", eventsFile(t, "e.json", rootSignIn))
	want := `branch 1: detail.eventName: no value matches (event: "ConsoleLogin")
branch 2: detail.userIdentity.type: no value matches (event: "Root")
`
	if code != 1 || out != "{\n    \"Result\": false\n}\n" || errs != want {
		t.Fatalf("exit %d out %q\nstderr:\n%s\nwant:\n%s", code, out, errs, want)
	}
	_, errs, code = runEvents(t, "", "--explain", "--pattern", eventsFile(t, "p.json", rootPattern), "--event", eventsFile(t, "e.json", rootSignIn))
	if code != 0 || errs != "branch 1: matches\n" {
		t.Fatalf("exit %d stderr %q", code, errs)
	}
}
