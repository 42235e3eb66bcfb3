package cli

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/wafv2"
	waftypes "github.com/aws/aws-sdk-go-v2/service/wafv2/types"
)

// syncBuffer is a bytes.Buffer safe for the proxy's goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// A web ACL and its IP set stored in moat serve are enforced by `moat waf
// proxy --web-acl-arn`, which follows UpdateIPSet without a restart.
func TestWAFProxyLiveWebACL(t *testing.T) {
	endpoint, cfg := liveServer(t)
	ctx := context.Background()
	c := wafv2.NewFromConfig(cfg)
	ips, err := c.CreateIPSet(ctx, &wafv2.CreateIPSetInput{Name: aws.String("blocked"), Scope: waftypes.ScopeRegional,
		IPAddressVersion: waftypes.IPAddressVersionIpv4, Addresses: []string{"192.0.2.0/24"}})
	if err != nil {
		t.Fatal(err)
	}
	vis := func(n string) *waftypes.VisibilityConfig {
		return &waftypes.VisibilityConfig{MetricName: aws.String(n), SampledRequestsEnabled: true, CloudWatchMetricsEnabled: true}
	}
	rx, err := c.CreateRegexPatternSet(ctx, &wafv2.CreateRegexPatternSetInput{Name: aws.String("private"), Scope: waftypes.ScopeRegional,
		RegularExpressionList: []waftypes.Regex{{RegexString: aws.String("^/private(/|$)")}}})
	if err != nil {
		t.Fatal(err)
	}
	group, err := c.CreateRuleGroup(ctx, &wafv2.CreateRuleGroupInput{Name: aws.String("paths"), Scope: waftypes.ScopeRegional, Capacity: aws.Int64(50),
		VisibilityConfig: vis("paths"), Rules: []waftypes.Rule{{Name: aws.String("private"), Priority: 0, Action: &waftypes.RuleAction{Block: &waftypes.BlockAction{}},
			VisibilityConfig: vis("private"), Statement: &waftypes.Statement{RegexPatternSetReferenceStatement: &waftypes.RegexPatternSetReferenceStatement{ARN: rx.Summary.ARN,
				FieldToMatch: &waftypes.FieldToMatch{UriPath: &waftypes.UriPath{}}, TextTransformations: []waftypes.TextTransformation{{Priority: 0, Type: waftypes.TextTransformationTypeLowercase}}}}}}})
	if err != nil {
		t.Fatal(err)
	}
	acl, err := c.CreateWebACL(ctx, &wafv2.CreateWebACLInput{Name: aws.String("app"), Scope: waftypes.ScopeRegional,
		DefaultAction: &waftypes.DefaultAction{Allow: &waftypes.AllowAction{}}, VisibilityConfig: vis("app"),
		Rules: []waftypes.Rule{
			{Name: aws.String("admin"), Priority: 0, Action: &waftypes.RuleAction{Block: &waftypes.BlockAction{}}, VisibilityConfig: vis("admin"),
				Statement: &waftypes.Statement{ByteMatchStatement: &waftypes.ByteMatchStatement{SearchString: []byte("/admin"), PositionalConstraint: waftypes.PositionalConstraintStartsWith,
					FieldToMatch: &waftypes.FieldToMatch{UriPath: &waftypes.UriPath{}}, TextTransformations: []waftypes.TextTransformation{{Priority: 0, Type: waftypes.TextTransformationTypeNone}}}}},
			{Name: aws.String("blocked-ips"), Priority: 1, Action: &waftypes.RuleAction{Block: &waftypes.BlockAction{}}, VisibilityConfig: vis("ips"),
				Statement: &waftypes.Statement{IPSetReferenceStatement: &waftypes.IPSetReferenceStatement{ARN: ips.Summary.ARN}}},
			{Name: aws.String("paths"), Priority: 2, OverrideAction: &waftypes.OverrideAction{None: &waftypes.NoneAction{}}, VisibilityConfig: vis("paths"),
				Statement: &waftypes.Statement{RuleGroupReferenceStatement: &waftypes.RuleGroupReferenceStatement{ARN: group.Summary.ARN}}},
		}})
	if err != nil {
		t.Fatal(err)
	}

	upstream := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "upstream "+r.URL.Path) }))
	t.Cleanup(upstream.Close)
	var stderr syncBuffer
	pctx, pcancel := context.WithCancel(context.Background())
	pdone := make(chan error, 1)
	go func() {
		root := newRootCmd()
		root.SetArgs([]string{"waf", "proxy", "--web-acl-arn", aws.ToString(acl.Summary.ARN), "--endpoint-url", endpoint, "--profile", "moat-root",
			"--upstream", upstream.URL, "--listen", "127.0.0.1:0", "--reload", "50ms"})
		root.SetOut(io.Discard)
		root.SetErr(&stderr)
		pdone <- root.ExecuteContext(pctx)
	}()
	t.Cleanup(func() {
		pcancel()
		if err := <-pdone; err != nil {
			t.Errorf("proxy: %v", err)
		}
	})
	addrRE := regexp.MustCompile(`listening on (\S+)`)
	var proxy string
	for deadline := time.Now().Add(10 * time.Second); proxy == ""; time.Sleep(20 * time.Millisecond) {
		if m := addrRE.FindStringSubmatch(stderr.String()); m != nil {
			proxy = "http://" + m[1]
		}
		if time.Now().After(deadline) {
			t.Fatalf("proxy did not start: %s", stderr.String())
		}
	}
	status := func(path string) int {
		resp, err := http.Get(proxy + path)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	if s := status("/"); s != 200 {
		t.Fatalf("GET / through the proxy: %d", s)
	}
	if s := status("/admin/users"); s != 403 {
		t.Fatalf("GET /admin/users: %d, want 403", s)
	}
	if s := status("/PRIVATE/keys"); s != 403 {
		t.Fatalf("GET /PRIVATE/keys (the rule group's regex set): %d, want 403", s)
	}
	if s := status("/privateer"); s != 200 {
		t.Fatalf("GET /privateer: %d, want 200", s)
	}

	// The loopback client joins the IP set: the proxy follows.
	got, err := c.GetIPSet(ctx, &wafv2.GetIPSetInput{Name: aws.String("blocked"), Scope: waftypes.ScopeRegional, Id: ips.Summary.Id})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.UpdateIPSet(ctx, &wafv2.UpdateIPSetInput{Name: aws.String("blocked"), Scope: waftypes.ScopeRegional, Id: ips.Summary.Id,
		Addresses: []string{"192.0.2.0/24", "127.0.0.1/32"}, LockToken: got.LockToken}); err != nil {
		t.Fatal(err)
	}
	for deadline := time.Now().Add(10 * time.Second); status("/") != 403; time.Sleep(20 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("the proxy did not pick up UpdateIPSet: %s", stderr.String())
		}
	}
	if !strings.Contains(stderr.String(), "reloaded web ACL app") {
		t.Errorf("no reload message: %s", stderr.String())
	}
}

func TestWAFProxyLiveFlags(t *testing.T) {
	t.Parallel()
	_, errs, code := runWAF(t, "", "proxy", "--upstream", "http://127.0.0.1:1")
	if code == 0 || !strings.Contains(errs, "--web-acl-arn") {
		t.Fatalf("proxy without an ACL: %d %s", code, errs)
	}
	_, errs, code = runWAF(t, "", "proxy", "--web-acl", "x.json", "--web-acl-arn", "arn:aws:wafv2:us-east-1:1:regional/webacl/a/b", "--upstream", "http://127.0.0.1:1")
	if code == 0 || !strings.Contains(errs, "exclude each other") {
		t.Fatalf("both: %d %s", code, errs)
	}
	_, errs, code = runWAF(t, "", "proxy", "--web-acl-arn", "arn:aws:wafv2:us-east-1:1:regional/ipset/a/b", "--upstream", "http://127.0.0.1:1")
	if code == 0 || !strings.Contains(errs, "not a web ACL ARN") {
		t.Fatalf("an IP set ARN: %d %s", code, errs)
	}
}
