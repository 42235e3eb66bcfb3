package cli

import (
	"bufio"
	"context"
	"crypto/rand"
	"crypto/tls"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"github.com/moatdev/moat/waf"
	_ "github.com/moatdev/moat/waf/managed" // moat's definitions of AWS's managed rule groups
)

func init() { registerCmd(newWAFCmd) }

func newWAFCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "waf",
		Short: "Evaluate AWS WAF web ACLs offline or enforce them as a reverse proxy",
	}
	cmd.AddCommand(newWAFTestCmd(), newWAFCapacityCmd(), newWAFProxyCmd())
	return cmd
}

// wafFlags are the inputs every waf command shares.
type wafFlags struct {
	files        waf.Files
	geoDB, asnDB string
	resource     string
	searchString string
	tokenKey     string
}

func (f *wafFlags) register(cmd *cobra.Command) {
	fl := cmd.Flags()
	fl.StringVar(&f.files.WebACL, "web-acl", "", "web ACL JSON as `aws wafv2 get-web-acl` prints it (required)")
	fl.StringArrayVar(&f.files.IPSets, "ip-set", nil, "IP set JSON (get-ip-set); repeatable")
	fl.StringArrayVar(&f.files.RegexPatternSets, "regex-set", nil, "regex pattern set JSON (get-regex-pattern-set); repeatable")
	fl.StringArrayVar(&f.files.RuleGroups, "rule-group", nil, "rule group JSON (get-rule-group), also used for a managed group of the same Name; repeatable")
	fl.StringVar(&f.geoDB, "geo-db", "", "MaxMind country or city database for GeoMatch")
	fl.StringVar(&f.asnDB, "asn-db", "", "MaxMind ASN database for AsnMatch")
	fl.StringVar(&f.resource, "resource-type", "CLOUDFRONT", "protected resource type; sets the body inspection limit (APPLICATION_LOAD_BALANCER and APPSYNC: 8 KB)")
	fl.StringVar(&f.searchString, "search-string", "auto", "how ByteMatch SearchString is written: base64 (API output), raw (CLI input) or auto")
	fl.StringVar(&f.tokenKey, "token-key", "", "hex key that signs aws-waf-token cookies (default: random per run)")
	_ = cmd.MarkFlagRequired("web-acl")
}

func (f *wafFlags) options() (waf.Options, error) {
	opts := waf.Options{ResourceType: f.resource, SearchString: f.searchString}
	if f.tokenKey != "" {
		k, err := hex.DecodeString(f.tokenKey)
		if err != nil || len(k) < 16 {
			return opts, errors.New("--token-key must be at least 16 bytes in hex")
		}
		opts.TokenKey = k
	} else {
		opts.TokenKey = randomKey()
	}
	if f.geoDB != "" || f.asnDB != "" {
		g, err := waf.OpenMaxMind(f.geoDB, f.asnDB)
		if err != nil {
			return opts, err
		}
		opts.Geo = g
	}
	return opts, nil
}

func randomKey() []byte {
	k := make([]byte, 32)
	rand.Read(k)
	return k
}

func newWAFTestCmd() *cobra.Command {
	var f wafFlags
	var logRecords bool
	cmd := &cobra.Command{
		Use:   "test",
		Short: "Evaluate requests read as JSON Lines against a web ACL",
		Long: `Reads requests from standard input, one JSON object per line:
  {"id":"…","method":"GET","uri":"/path?a=b","headers":[["Host","example.com"]],"body":"…","clientIp":"203.0.113.9"}
(optional: "timestamp" in epoch milliseconds, "ja3", "ja4", "httpVersion") and
prints one line per request, in input order:
  {"id":"…","action":"ALLOW|BLOCK|COUNT|CAPTCHA|CHALLENGE","terminatingRuleId":"…","labels":[…]}
A bad line prints {"id":"…","error":"…"} and the run goes on. --log prints
AWS's WAF log record for each request instead.`,
		Example: `  moat waf test --web-acl acl.json --ip-set blocked.json < requests.jsonl`,
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			opts, err := f.options()
			if err != nil {
				return err
			}
			clock := &stepClock{}
			opts.Now = clock.now
			acl, err := waf.CompileFiles(f.files, opts)
			if err != nil {
				return err
			}
			return wafTest(cmd.InOrStdin(), cmd.OutOrStdout(), acl, clock, logRecords)
		},
	}
	f.register(cmd)
	cmd.Flags().BoolVar(&logRecords, "log", false, "print AWS WAF log records instead of the short result lines")
	return cmd
}

// stepClock is the wall clock unless a request carries a timestamp.
type stepClock struct{ t time.Time }

func (c *stepClock) now() time.Time {
	if c.t.IsZero() {
		return time.Now()
	}
	return c.t
}

func wafTest(in io.Reader, out io.Writer, acl *waf.WebACL, clock *stepClock, logRecords bool) error {
	rd := waf.NewRequestReader(in)
	w := bufio.NewWriterSize(out, 64<<10)
	var res waf.Result
	var line []byte
	for {
		req, ts, err := rd.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		var le *waf.LineError
		switch {
		case errors.As(err, &le):
			line = waf.AppendTestError(line[:0], le.ID, le.Error())
		case err != nil:
			w.Flush()
			return fmt.Errorf("reading requests: %w", err)
		default:
			clock.t = ts
			acl.Evaluate(req, &res)
			if logRecords {
				b, err := json.Marshal(acl.Log(req, &res, clock.now(), waf.LogSource{Name: "MOAT", ID: "waf-test"}))
				if err != nil {
					return err
				}
				line = append(append(line[:0], b...), '\n')
			} else {
				line = waf.AppendTestResult(line[:0], req.ID, &res)
			}
		}
		if _, err := w.Write(line); err != nil {
			return err
		}
	}
	return w.Flush()
}

func newWAFCapacityCmd() *cobra.Command {
	var f wafFlags
	cmd := &cobra.Command{
		Use:   "capacity",
		Short: "Check a web ACL as CheckCapacity/CreateWebACL would and print its WCUs",
		Long: `Loads and compiles the web ACL with everything it references and prints
{"Capacity": N} as CheckCapacity does; errors name the file, line, column
and JSON path, and the WAFV2 exception AWS would answer with.`,
		Example: `  moat waf capacity --web-acl acl.json --rule-group my-group.json`,
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			opts, err := f.options()
			if err != nil {
				return err
			}
			acl, err := waf.CompileFiles(f.files, opts)
			if err != nil {
				var we *waf.Error
				if errors.As(err, &we) && we.Code != "" {
					return fmt.Errorf("%w (%s)", err, we.Code)
				}
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "{\"Capacity\": %d}\n", acl.Capacity())
			return nil
		},
	}
	f.register(cmd)
	return cmd
}

func newWAFProxyCmd() *cobra.Command {
	var f wafFlags
	var upstream, listen, metrics, xff, logFile, tlsCert, tlsKey string
	var reload time.Duration
	cmd := &cobra.Command{
		Use:   "proxy",
		Short: "Enforce a web ACL as a reverse proxy in front of an upstream",
		Long: `Listens on --listen, evaluates every request with the web ACL and forwards
allowed and counted requests to --upstream (with inserted x-amzn-waf-
headers); blocked requests get the ACL's response, CAPTCHA and Challenge an
interstitial that issues an aws-waf-token cookie. Bodies are inspected up
to the resource type's limit and streamed whole. The ACL files are
re-read when they change (--reload) without dropping connections. Log
records (AWS's format) go to --log; --metrics serves per-rule counters in
the Prometheus format.`,
		Example: `  moat waf proxy --web-acl acl.json --upstream http://127.0.0.1:8080 --listen 127.0.0.1:8443 --log waf.log`,
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			opts, err := f.options()
			if err != nil {
				return err
			}
			u, err := url.Parse(upstream)
			if err != nil || u.Host == "" {
				return fmt.Errorf("--upstream: not an absolute URL: %q", upstream)
			}
			rl, err := waf.NewReloader(f.files, opts)
			if err != nil {
				return err
			}
			cfg := waf.ProxyConfig{Upstream: u, ACL: rl.Current, TokenKey: opts.TokenKey, XFF: xff}
			if logFile != "" {
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
			ctx, stop := signal.NotifyContext(cmd.Context(), os.Interrupt, syscall.SIGTERM)
			defer stop()
			var tlsConf *tls.Config
			if (tlsCert == "") != (tlsKey == "") {
				return errors.New("--tls-cert and --tls-key go together")
			}
			if tlsCert != "" {
				cert, err := tls.LoadX509KeyPair(tlsCert, tlsKey)
				if err != nil {
					return err
				}
				tlsConf = p.TLSConfig(&tls.Config{Certificates: []tls.Certificate{cert}, NextProtos: []string{"h2", "http/1.1"}, MinVersion: tls.VersionTLS12})
			}
			return serveWAFProxy(ctx, cmd.ErrOrStderr(), p, rl, listen, metrics, reload, tlsConf)
		},
	}
	f.register(cmd)
	fl := cmd.Flags()
	fl.StringVar(&upstream, "upstream", "", "upstream URL (required)")
	fl.StringVar(&listen, "listen", "127.0.0.1:8443", "address to listen on")
	fl.StringVar(&metrics, "metrics", "", "address for the Prometheus /metrics endpoint (off when empty)")
	fl.StringVar(&xff, "xff", waf.XFFAppend, "X-Forwarded-For handling: append, preserve or remove")
	fl.StringVar(&logFile, "log", "", "append AWS WAF log records (JSON Lines) to this file")
	fl.DurationVar(&reload, "reload", 2*time.Second, "how often to check the ACL files for changes (0: never)")
	fl.StringVar(&tlsCert, "tls-cert", "", "serve TLS (and HTTP/2) with this certificate; enables JA3/JA4 fingerprints")
	fl.StringVar(&tlsKey, "tls-key", "", "private key of --tls-cert")
	_ = cmd.MarkFlagRequired("upstream")
	return cmd
}

func serveWAFProxy(ctx context.Context, stderr io.Writer, p *waf.Proxy, rl *waf.Reloader, listen, metrics string, reload time.Duration, tlsConf *tls.Config) error {
	ln, err := net.Listen("tcp", listen)
	if err != nil {
		return err
	}
	srv := &http.Server{Handler: p, ReadHeaderTimeout: 10 * time.Second, MaxHeaderBytes: 64 << 10, ConnState: p.ConnState, TLSConfig: tlsConf}
	if tlsConf != nil {
		ln = tls.NewListener(ln, tlsConf)
	}
	errc := make(chan error, 2)
	go func() { errc <- srv.Serve(ln) }()
	var msrv *http.Server
	if metrics != "" {
		mln, err := net.Listen("tcp", metrics)
		if err != nil {
			srv.Close()
			return err
		}
		mux := http.NewServeMux()
		mux.Handle("/metrics", p.Metrics)
		msrv = &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
		go func() { errc <- msrv.Serve(mln) }()
	}
	fmt.Fprintf(stderr, "moat waf proxy: listening on %s\n", ln.Addr())
	var tick <-chan time.Time
	if reload > 0 {
		t := time.NewTicker(reload)
		defer t.Stop()
		tick = t.C
	}
	for {
		select {
		case <-ctx.Done():
			sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			if msrv != nil {
				msrv.Shutdown(sctx)
			}
			return srv.Shutdown(sctx)
		case err := <-errc:
			return err
		case <-tick:
			if changed, err := rl.Check(); err != nil {
				fmt.Fprintf(stderr, "moat waf proxy: keeping the previous web ACL: %v\n", err)
			} else if changed {
				fmt.Fprintf(stderr, "moat waf proxy: reloaded web ACL %s\n", rl.Current().Name())
			}
		}
	}
}
