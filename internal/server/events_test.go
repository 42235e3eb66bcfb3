package server_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/moatdev/moat/internal/server"
)

// "Alert me when root signs in", through the real AWS CLI: an EventBridge
// rule on the console sign-in event of the root user targets a log group;
// root signs in and the event arrives there within seconds, with the
// sign-in record inside. Write API calls reach rules, reads do not, and
// PutEvents delivers custom events.
func TestEventBridgeRootSignIn(t *testing.T) {
	v2 := cliV2(t)
	t.Parallel()
	ts := start(t)
	f := newFlow(t, ts, v2)
	const root = "moat-root"
	group := func(name string) string { return "arn:aws:logs:us-east-1:" + ts.Account + ":log-group:" + name }

	f.ok(root, "logs", "create-log-group", "--log-group-name", "/moat/alerts")
	f.denied("ResourceAlreadyExistsException", "", root, "logs", "create-log-group", "--log-group-name", "/moat/alerts")
	f.denied("InvalidEventPatternException", "Event pattern is not valid", root, "events", "put-rule", "--name", "bad", "--event-pattern", `{"source":"aws.iam"}`)
	f.denied("ValidationException", "EventPattern or ScheduleExpression", root, "events", "put-rule", "--name", "empty")
	rule := f.ok(root, "events", "put-rule", "--name", "root-signin", "--event-pattern",
		`{"detail-type":["AWS Console Sign In via CloudTrail"],"detail":{"userIdentity":{"type":["Root"]}}}`)
	if str(rule, "RuleArn") != "arn:aws:events:us-east-1:"+ts.Account+":rule/root-signin" {
		t.Fatalf("put-rule: %v", rule)
	}
	if res := f.ok(root, "events", "put-targets", "--rule", "root-signin", "--targets", "Id=alerts,Arn="+group("/moat/alerts")); res["FailedEntryCount"] != float64(0) {
		t.Fatalf("put-targets: %v", res)
	}
	f.ok(root, "events", "put-targets", "--rule", "root-signin", "--targets",
		`[{"Id":"summary","Arn":"`+group("/moat/summary")+`","InputTransformer":{"InputPathsMap":{"who":"$.detail.userIdentity.arn"},"InputTemplate":"\"<who> signed in\""}}]`)
	f.denied("ValidationException", "has targets", root, "events", "delete-rule", "--name", "root-signin")
	if res := f.ok(root, "events", "test-event-pattern", "--event-pattern", `{"source":[{"prefix":"aws."}]}`,
		"--event", `{"id":"1","source":"aws.iam","detail-type":"x","account":"`+ts.Account+`","time":"2026-11-29T00:00:00Z","region":"us-east-1","resources":[],"detail":{}}`); res["Result"] != true {
		t.Fatalf("test-event-pattern: %v", res)
	}
	f.ok(root, "events", "put-rule", "--name", "user-changes", "--event-pattern", `{"source":["aws.iam"],"detail":{"eventName":["CreateUser","ListUsers"]}}`)
	f.ok(root, "events", "put-targets", "--rule", "user-changes", "--targets", "Id=log,Arn="+group("/moat/iam"))
	f.ok(root, "events", "put-rule", "--name", "app", "--event-pattern", `{"source":["my.app"],"detail":{"level":["error"]}}`)
	f.ok(root, "events", "put-targets", "--rule", "app", "--targets", "Id=log,Arn="+group("/moat/app"), "Id=sns,Arn=arn:aws:sns:us-east-1:"+ts.Account+":not-served-yet")

	// Root signs in on the console endpoint.
	pw, _ := os.ReadFile(filepath.Join(ts.Data, "root-password"))
	resp, err := http.Post(ts.URL+"/_moat/signin", "application/json",
		strings.NewReader(`{"rootEmail":"root@`+ts.Account+`.moat.invalid","password":"`+strings.TrimSpace(string(pw))+`"}`))
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("root sign-in: %v %v", resp, err)
	}
	resp.Body.Close()
	f.ok(root, "iam", "create-user", "--user-name", "watched")
	f.ok(root, "iam", "list-users")
	waitFor(t, func() bool {
		out := f.ok(root, "logs", "filter-log-events", "--log-group-name", "/moat/alerts")
		evs := out["events"].([]any)
		return len(evs) == 1 && strings.Contains(str(evs[0].(map[string]any), "message"), `"detail-type":"AWS Console Sign In via CloudTrail"`) &&
			strings.Contains(str(evs[0].(map[string]any), "message"), `"ConsoleLogin":"Success"`)
	})
	waitFor(t, func() bool {
		out, _, code := f.run(root, "logs", "filter-log-events", "--log-group-name", "/moat/summary")
		return code == 0 && strings.Contains(out, `arn:aws:iam::`+ts.Account+`:root signed in`)
	})
	waitFor(t, func() bool { // the log group appears with its first event
		out, _, code := f.run(root, "logs", "filter-log-events", "--log-group-name", "/moat/iam")
		return code == 0 && strings.Contains(out, `\"eventName\":\"CreateUser\"`)
	})
	if msgs := toJSON(f.ok(root, "logs", "filter-log-events", "--log-group-name", "/moat/iam")["events"]); strings.Contains(msgs, `\"eventName\":\"ListUsers\"`) {
		t.Errorf("a read-only call reached EventBridge: %s", msgs)
	}

	// Custom events: delivered before PutEvents answers; bad entries refused one by one.
	res := f.ok(root, "events", "put-events", "--entries",
		`[{"Source":"my.app","DetailType":"log","Detail":"{\"level\":\"error\",\"msg\":\"disk full\"}"},{"Source":"my.app","DetailType":"log","Detail":"not json"},{"Source":"aws.iam","DetailType":"spoof","Detail":"{}"}]`)
	if res["FailedEntryCount"] != float64(2) {
		t.Fatalf("put-events: %v", res)
	}
	if msgs := toJSON(f.ok(root, "logs", "filter-log-events", "--log-group-name", "/moat/app")["events"]); !strings.Contains(msgs, "disk full") {
		t.Errorf("the custom event did not reach its log group: %s", msgs)
	}
	// A custom bus: its rules see only its events.
	if out := f.ok(root, "events", "create-event-bus", "--name", "apps"); str(out, "EventBusArn") != "arn:aws:events:us-east-1:"+ts.Account+":event-bus/apps" {
		t.Fatalf("create-event-bus: %v", out)
	}
	f.denied("ResourceAlreadyExistsException", "", root, "events", "create-event-bus", "--name", "apps")
	f.denied("ValidationException", "", root, "events", "delete-event-bus", "--name", "default")
	f.ok(root, "events", "put-rule", "--name", "orders", "--event-bus-name", "apps", "--event-pattern", `{"source":["shop"]}`)
	f.ok(root, "events", "put-targets", "--rule", "orders", "--event-bus-name", "apps", "--targets", "Id=log,Arn="+group("/moat/orders"))
	f.ok(root, "events", "put-events", "--entries", `[{"Source":"shop","DetailType":"order","Detail":"{\"id\":\"on-default\"}"}]`)
	res = f.ok(root, "events", "put-events", "--entries", `[{"Source":"shop","DetailType":"order","Detail":"{\"id\":\"on-apps\"}","EventBusName":"apps"},{"Source":"shop","DetailType":"order","Detail":"{}","EventBusName":"nope"}]`)
	if res["FailedEntryCount"] != float64(1) {
		t.Fatalf("put-events to a custom bus: %v", res)
	}
	if msgs := toJSON(f.ok(root, "logs", "filter-log-events", "--log-group-name", "/moat/orders")["events"]); !strings.Contains(msgs, "on-apps") || strings.Contains(msgs, "on-default") {
		t.Errorf("the custom bus's rule got: %s", msgs)
	}
	if buses := f.ok(root, "events", "list-event-buses"); len(buses["EventBuses"].([]any)) != 2 {
		t.Errorf("list-event-buses: %v", buses)
	}
	f.ok(root, "events", "disable-rule", "--name", "app")
	if d := f.ok(root, "events", "describe-rule", "--name", "app"); str(d, "State") != "DISABLED" {
		t.Errorf("describe-rule after disable-rule: %v", d)
	}
	f.denied("ResourceNotFoundException", "does not exist", root, "events", "describe-rule", "--name", "nope")
}

// API destinations: an HTTP endpoint called with the connection's API key,
// retried with backoff when it answers 500.
func TestEventBridgeAPIDestination(t *testing.T) {
	v2 := cliV2(t)
	t.Parallel()
	ts := start(t)
	f := newFlow(t, ts, v2)
	const root = "moat-root"

	var mu sync.Mutex
	var calls []string
	hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		mu.Lock()
		defer mu.Unlock()
		calls = append(calls, r.Header.Get("x-api-key")+" "+string(b))
		if len(calls) < 3 {
			http.Error(w, "try again", http.StatusInternalServerError)
		}
	}))
	defer hook.Close()

	f.denied("ValidationException", "", root, "events", "create-connection", "--name", "bad", "--authorization-type", "API_KEY",
		"--auth-parameters", `{"BasicAuthParameters":{"Username":"u","Password":"p"}}`)
	conn := f.ok(root, "events", "create-connection", "--name", "hooks", "--authorization-type", "API_KEY",
		"--auth-parameters", `{"ApiKeyAuthParameters":{"ApiKeyName":"x-api-key","ApiKeyValue":"s3cret"}}`)
	if d := toJSON(f.ok(root, "events", "describe-connection", "--name", "hooks")); strings.Contains(d, "s3cret") {
		t.Errorf("describe-connection returned the key: %s", d)
	}
	dest := f.ok(root, "events", "create-api-destination", "--name", "hook", "--connection-arn", str(conn, "ConnectionArn"),
		"--invocation-endpoint", hook.URL+"/events", "--http-method", "POST")
	f.ok(root, "events", "put-rule", "--name", "to-hook", "--event-pattern", `{"source":["my.app"]}`)
	f.ok(root, "events", "put-targets", "--rule", "to-hook", "--targets",
		"Id=hook,Arn="+str(dest, "ApiDestinationArn")+",RoleArn=arn:aws:iam::"+ts.Account+":role/events-invoke")
	f.ok(root, "events", "put-events", "--entries", `[{"Source":"my.app","DetailType":"d","Detail":"{\"order\":\"42\"}"}]`)
	waitFor(t, func() bool { mu.Lock(); defer mu.Unlock(); return len(calls) == 3 })
	mu.Lock()
	defer mu.Unlock()
	for _, c := range calls {
		if !strings.HasPrefix(c, "s3cret ") || !strings.Contains(c, `"order":"42"`) {
			t.Errorf("call to the API destination: %s", c)
		}
	}
}

// A restart between an event and its delivery: the event reaches its rule
// after the restart, once.
func TestEventBridgeRestart(t *testing.T) {
	v2 := cliV2(t)
	t.Parallel()
	data := t.TempDir()
	ts := start(t, dataDir(data), func(c *server.Config) { c.PollInterval = time.Hour }) // never delivers before it stops
	f := newFlow(t, ts, v2)
	const root = "moat-root"
	f.ok(root, "events", "put-rule", "--name", "users", "--event-pattern", `{"source":["aws.iam"],"detail":{"eventName":["CreateUser"]}}`)
	f.ok(root, "events", "put-targets", "--rule", "users", "--targets", "Id=log,Arn=arn:aws:logs:us-east-1:"+ts.Account+":log-group:/moat/users")
	f.ok(root, "iam", "create-user", "--user-name", "before-restart")
	ts.close()

	ts2 := start(t, dataDir(data))
	f.url = ts2.URL
	waitFor(t, func() bool {
		out, _, code := f.run(root, "logs", "filter-log-events", "--log-group-name", "/moat/users")
		return code == 0 && strings.Contains(out, "before-restart")
	})
	time.Sleep(1500 * time.Millisecond) // another poll: nothing is delivered twice
	out := f.ok(root, "logs", "filter-log-events", "--log-group-name", "/moat/users")
	if n := len(out["events"].([]any)); n != 1 {
		t.Errorf("%d deliveries of one event", n)
	}
}
