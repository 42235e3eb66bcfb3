package cli

import (
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"os/signal"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/wafv2"
	waftypes "github.com/aws/aws-sdk-go-v2/service/wafv2/types"
	"github.com/aws/smithy-go/middleware"
	smithyhttp "github.com/aws/smithy-go/transport/http"
	"github.com/spf13/cobra"

	"github.com/moatdev/moat/waf"
)

// `moat waf proxy --web-acl-arn ARN` enforces a web ACL stored in a WAFV2
// API (moat serve's, with --endpoint-url, or AWS's) and follows its changes.
// The command registry builds `waf proxy` in waf.go, so the constructor is
// wrapped here (waf.go's init runs first: files initialise in name order).
func init() {
	for i, build := range engineCmds {
		build := build
		engineCmds[i] = func() *cobra.Command {
			c := build()
			if c.Name() == "waf" {
				for _, sub := range c.Commands() {
					if sub.Name() == "proxy" {
						addLiveWebACL(sub)
					}
				}
			}
			return c
		}
	}
}

func addLiveWebACL(cmd *cobra.Command) {
	var arn, endpoint, profile string
	fl := cmd.Flags()
	fl.StringVar(&arn, "web-acl-arn", "", "enforce this web ACL of a WAFV2 API (GetWebACL) instead of --web-acl files; its IP sets, regex pattern sets and rule groups are fetched too, and changes (UpdateWebACL, UpdateIPSet, ...) are picked up every --reload")
	fl.StringVar(&endpoint, "endpoint-url", "", "WAFV2 API endpoint for --web-acl-arn (moat serve's URL; default: AWS's)")
	fl.StringVar(&profile, "profile", "", "AWS profile for --web-acl-arn (default: the usual credential chain)")
	if f := fl.Lookup("web-acl"); f != nil {
		delete(f.Annotations, cobra.BashCompOneRequiredFlag) // required unless --web-acl-arn
	}
	cmd.Example += "\n  moat waf proxy --web-acl-arn arn:aws:wafv2:us-east-1:123456789012:regional/webacl/app/ID \\\n    --endpoint-url http://127.0.0.1:4566 --profile moat-root --upstream http://127.0.0.1:8080"
	files := cmd.RunE
	cmd.RunE = func(c *cobra.Command, args []string) error {
		switch {
		case arn == "" && !c.Flags().Changed("web-acl"):
			return errors.New(`required flag(s) "web-acl" not set (or give --web-acl-arn)`)
		case arn == "":
			return files(c, args)
		case c.Flags().Changed("web-acl"):
			return errors.New("--web-acl and --web-acl-arn exclude each other")
		}
		return runLiveProxy(c, arn, endpoint, profile)
	}
}

// liveACL fetches a web ACL and what it references from a WAFV2 API.
type liveACL struct {
	client *wafv2.Client
	arn    string
	opts   waf.Options
}

func newLiveACL(ctx context.Context, arn, endpoint, profile string, opts waf.Options) (*liveACL, error) {
	parts := strings.SplitN(arn, ":", 6)
	if len(parts) != 6 || parts[2] != "wafv2" || !strings.Contains(parts[5], "/webacl/") {
		return nil, fmt.Errorf("--web-acl-arn: not a web ACL ARN: %q", arn)
	}
	lo := []func(*config.LoadOptions) error{config.WithRegion(parts[3])}
	if profile != "" {
		lo = append(lo, config.WithSharedConfigProfile(profile))
	}
	cfg, err := config.LoadDefaultConfig(ctx, lo...)
	if err != nil {
		return nil, err
	}
	if endpoint != "" {
		cfg.BaseEndpoint = aws.String(endpoint)
	}
	opts.SearchString = "base64" // API output
	return &liveACL{client: wafv2.NewFromConfig(cfg), arn: arn, opts: opts}, nil
}

// rawBody keeps the HTTP response body of a call: the engine reads AWS's
// JSON as the API sends it, members the SDK does not model included.
func rawBody(dst *[]byte) func(*wafv2.Options) {
	return func(o *wafv2.Options) {
		o.APIOptions = append(o.APIOptions, func(s *middleware.Stack) error {
			return s.Deserialize.Add(middleware.DeserializeMiddlewareFunc("moatRawBody", func(ctx context.Context, in middleware.DeserializeInput, next middleware.DeserializeHandler) (middleware.DeserializeOutput, middleware.Metadata, error) {
				out, md, err := next.HandleDeserialize(ctx, in)
				if resp, ok := out.RawResponse.(*smithyhttp.Response); ok && resp.Body != nil {
					b, rerr := io.ReadAll(io.LimitReader(resp.Body, waf.MaxDocumentSize+1))
					if rerr == nil {
						*dst = b
						resp.Body = io.NopCloser(bytes.NewReader(b))
					}
				}
				return out, md, err
			}), middleware.After)
		})
	}
}

// fetch compiles the current web ACL; the fingerprint is the lock tokens of
// the ACL and everything it references, so any update changes it.
func (l *liveACL) fetch(ctx context.Context) (*waf.WebACL, string, error) {
	var raw []byte
	out, err := l.client.GetWebACL(ctx, &wafv2.GetWebACLInput{ARN: aws.String(l.arn)}, rawBody(&raw))
	if err != nil {
		return nil, "", err
	}
	f, err := waf.ParseWebACL(raw)
	if err != nil {
		return nil, "", fmt.Errorf("web ACL %s: %w", l.arn, err)
	}
	fp := aws.ToString(out.LockToken)
	opts := l.opts
	opts.Resources = waf.Resources{ManagedRuleGroups: l.opts.ManagedRuleGroups}
	seen := map[string]bool{}
	var refs []string
	collect := func(rules []waf.Rule) {
		for i := range rules {
			liveRefs(rules[i].Statement, func(arn string) {
				if !seen[arn] {
					seen[arn] = true
					refs = append(refs, arn)
				}
			})
		}
	}
	collect(f.Rules)
	for i := 0; i < len(refs); i++ { // rule groups add their own references
		token, err := l.fetchRef(ctx, refs[i], &opts.Resources, collect)
		if err != nil {
			return nil, "", err
		}
		fp += ";" + token
	}
	acl, err := waf.Compile(f, opts)
	if err != nil {
		return nil, "", fmt.Errorf("web ACL %s: %w", l.arn, err)
	}
	return acl, fp, nil
}

func (l *liveACL) fetchRef(ctx context.Context, arn string, res *waf.Resources, collect func([]waf.Rule)) (string, error) {
	path := strings.Split(arn[strings.LastIndexByte(arn, ':')+1:], "/")
	if len(path) != 4 {
		return "", fmt.Errorf("not a WAFV2 ARN: %q", arn)
	}
	scope := waftypes.ScopeRegional
	if path[0] == "global" {
		scope = waftypes.ScopeCloudfront
	}
	var raw []byte
	switch path[1] {
	case "ipset":
		out, err := l.client.GetIPSet(ctx, &wafv2.GetIPSetInput{Name: aws.String(path[2]), Scope: scope, Id: aws.String(path[3])}, rawBody(&raw))
		if err != nil {
			return "", fmt.Errorf("IP set %s: %w", arn, err)
		}
		s, err := waf.ParseIPSet(raw)
		if err != nil {
			return "", fmt.Errorf("IP set %s: %w", arn, err)
		}
		res.IPSets = append(res.IPSets, s)
		return aws.ToString(out.LockToken), nil
	case "regexpatternset":
		out, err := l.client.GetRegexPatternSet(ctx, &wafv2.GetRegexPatternSetInput{Name: aws.String(path[2]), Scope: scope, Id: aws.String(path[3])}, rawBody(&raw))
		if err != nil {
			return "", fmt.Errorf("regex pattern set %s: %w", arn, err)
		}
		s, err := waf.ParseRegexPatternSet(raw)
		if err != nil {
			return "", fmt.Errorf("regex pattern set %s: %w", arn, err)
		}
		res.RegexPatternSets = append(res.RegexPatternSets, s)
		return aws.ToString(out.LockToken), nil
	case "rulegroup":
		out, err := l.client.GetRuleGroup(ctx, &wafv2.GetRuleGroupInput{ARN: aws.String(arn)}, rawBody(&raw))
		if err != nil {
			return "", fmt.Errorf("rule group %s: %w", arn, err)
		}
		g, err := waf.ParseRuleGroup(raw)
		if err != nil {
			return "", fmt.Errorf("rule group %s: %w", arn, err)
		}
		res.RuleGroups = append(res.RuleGroups, g)
		collect(g.Rules)
		return aws.ToString(out.LockToken), nil
	}
	return "", fmt.Errorf("unsupported reference %q", arn)
}

// liveRefs calls fn with each ARN a statement (and its nested statements)
// references.
func liveRefs(s *waf.Statement, fn func(string)) {
	if s == nil {
		return
	}
	switch {
	case s.IPSetReferenceStatement != nil:
		fn(s.IPSetReferenceStatement.ARN)
	case s.RegexPatternSetReferenceStatement != nil:
		fn(s.RegexPatternSetReferenceStatement.ARN)
	case s.RuleGroupReferenceStatement != nil:
		fn(s.RuleGroupReferenceStatement.ARN)
	case s.AndStatement != nil:
		for i := range s.AndStatement.Statements {
			liveRefs(&s.AndStatement.Statements[i], fn)
		}
	case s.OrStatement != nil:
		for i := range s.OrStatement.Statements {
			liveRefs(&s.OrStatement.Statements[i], fn)
		}
	case s.NotStatement != nil:
		liveRefs(s.NotStatement.Statement, fn)
	case s.RateBasedStatement != nil:
		liveRefs(s.RateBasedStatement.ScopeDownStatement, fn)
	case s.ManagedRuleGroupStatement != nil:
		liveRefs(s.ManagedRuleGroupStatement.ScopeDownStatement, fn)
	}
}

// lockedWriter serialises the proxy's and the poller's messages.
type lockedWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}

// runLiveProxy is `waf proxy` with the ACL from the API: the same flags,
// the same server (serveWAFProxy), an ACL swapped in place when a poll sees
// a new lock token.
func runLiveProxy(cmd *cobra.Command, arn, endpoint, profile string) error {
	fl := cmd.Flags()
	str := func(name string) string { v, _ := fl.GetString(name); return v }
	f := wafFlags{geoDB: str("geo-db"), asnDB: str("asn-db"), resource: str("resource-type"), tokenKey: str("token-key")}
	opts, err := f.options()
	if err != nil {
		return err
	}
	u, err := url.Parse(str("upstream"))
	if err != nil || u.Host == "" {
		return fmt.Errorf("--upstream: not an absolute URL: %q", str("upstream"))
	}
	ctx, stop := signal.NotifyContext(cmd.Context(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	live, err := newLiveACL(ctx, arn, endpoint, profile, opts)
	if err != nil {
		return err
	}
	acl, fp, err := live.fetch(ctx)
	if err != nil {
		return err
	}
	var cur atomic.Pointer[waf.WebACL]
	cur.Store(acl)
	cfg := waf.ProxyConfig{Upstream: u, ACL: cur.Load, TokenKey: opts.TokenKey, XFF: str("xff")}
	if logFile := str("log"); logFile != "" {
		lf, err := os.OpenFile(logFile, os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o600)
		if err != nil {
			return err
		}
		defer lf.Close()
		cfg.Log = lf
	}
	p, err := waf.NewProxy(cfg)
	if err != nil {
		return err
	}
	var tlsConf *tls.Config
	if cert, key := str("tls-cert"), str("tls-key"); cert != "" || key != "" {
		if cert == "" || key == "" {
			return errors.New("--tls-cert and --tls-key go together")
		}
		pair, err := tls.LoadX509KeyPair(cert, key)
		if err != nil {
			return err
		}
		tlsConf = p.TLSConfig(&tls.Config{Certificates: []tls.Certificate{pair}, NextProtos: []string{"h2", "http/1.1"}, MinVersion: tls.VersionTLS12})
	}
	stderr := &lockedWriter{w: cmd.ErrOrStderr()}
	if every, _ := fl.GetDuration("reload"); every > 0 {
		go pollLive(ctx, stderr, live, &cur, fp, every)
	}
	return serveWAFProxy(ctx, stderr, p, nil, str("listen"), str("metrics"), 0, tlsConf)
}

// pollLive re-reads the web ACL every interval and swaps in a new compiled
// ACL when a lock token changed; a fetch or compile error keeps the
// previous ACL, as the file reloader does.
func pollLive(ctx context.Context, stderr io.Writer, live *liveACL, cur *atomic.Pointer[waf.WebACL], fp string, every time.Duration) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		acl, next, err := live.fetch(ctx)
		switch {
		case ctx.Err() != nil:
			return
		case err != nil:
			fmt.Fprintf(stderr, "moat waf proxy: keeping the previous web ACL: %v\n", err)
		case next != fp:
			fp = next
			cur.Store(acl)
			fmt.Fprintf(stderr, "moat waf proxy: reloaded web ACL %s\n", acl.Name())
		}
	}
}
