package server_test

import (
	"bufio"
	"context"
	"crypto/sha256"
	"crypto/tls"
	"encoding/hex"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/smithy-go"

	"github.com/moatdev/moat/internal/server"
)

// clock is a server clock tests can move.
type clock struct{ offset atomic.Int64 }

func (c *clock) now() time.Time          { return time.Now().Add(time.Duration(c.offset.Load())) }
func (c *clock) advance(d time.Duration) { c.offset.Add(int64(d)) }
func (c *clock) set(d time.Duration)     { c.offset.Store(int64(d)) }

// testServer is moat serve running in-process on a random loopback port
// with its own data directory.
type testServer struct {
	t       testing.TB
	URL     string
	Data    string
	Account string
	Root    aws.Credentials
	Clock   *clock
	Stdout  string
	srv     *server.Server
	stop    context.CancelFunc
	done    chan error
}

type option func(*server.Config)

func insecure() option        { return func(c *server.Config) { c.InsecureAllowUnsigned = true } }
func withTLS() option         { return func(c *server.Config) { c.TLS = true } }
func dataDir(d string) option { return func(c *server.Config) { c.DataDir = d } }
func logTo(w io.Writer) option {
	return func(c *server.Config) {
		c.Log = slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{Level: slog.LevelDebug}))
	}
}

func start(t *testing.T, opts ...option) *testServer { return startTB(t, opts...) }

func startBench(b *testing.B, opts ...option) *testServer { return startTB(b, opts...) }

func startTB(t testing.TB, opts ...option) *testServer {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ts := &testServer{t: t, Clock: &clock{}}
	var out strings.Builder
	cfg := server.Config{Addr: ln.Addr().String(), DataDir: t.TempDir(), Clock: ts.Clock.now, Stdout: &out}
	for _, o := range opts {
		o(&cfg)
	}
	srv, err := server.Open(cfg)
	if err != nil {
		ln.Close()
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	ts.srv, ts.stop, ts.done, ts.Data = srv, cancel, make(chan error, 1), cfg.DataDir
	ts.Account, ts.Stdout = srv.ManagementAccount(), out.String()
	scheme := "http"
	if cfg.TLS {
		scheme = "https"
	}
	ts.URL = scheme + "://" + ln.Addr().String()
	go func() { ts.done <- srv.Serve(ctx, ln) }()
	t.Cleanup(ts.close)
	ts.Root = readCredentials(t, filepath.Join(cfg.DataDir, server.CredentialsFile))
	return ts
}

func (ts *testServer) close() {
	if ts.stop == nil {
		return
	}
	ts.stop()
	if err := <-ts.done; err != nil {
		ts.t.Errorf("serve: %v", err)
	}
	if err := ts.srv.Close(); err != nil {
		ts.t.Errorf("close: %v", err)
	}
	ts.stop = nil
}

// readCredentials parses the moat-root profile of a shared-credentials file.
func readCredentials(t testing.TB, path string) aws.Credentials {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var c aws.Credentials
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		k, v, ok := strings.Cut(sc.Text(), " = ")
		switch {
		case !ok:
		case k == "aws_access_key_id":
			c.AccessKeyID = v
		case k == "aws_secret_access_key":
			c.SecretAccessKey = v
		}
	}
	if c.AccessKeyID == "" || c.SecretAccessKey == "" {
		t.Fatalf("%s has no moat-root key", path)
	}
	return c
}

// config is an SDK configuration for these credentials against the server;
// no retries, so that each assertion sees the first answer.
func (ts *testServer) config(c aws.Credentials) aws.Config {
	cfg := aws.Config{
		Region:           "us-east-1",
		BaseEndpoint:     aws.String(ts.URL),
		Retryer:          func() aws.Retryer { return aws.NopRetryer{} },
		RetryMaxAttempts: 1,
	}
	if c.AccessKeyID != "" {
		cfg.Credentials = credentials.NewStaticCredentialsProvider(c.AccessKeyID, c.SecretAccessKey, c.SessionToken)
	} else {
		cfg.Credentials = aws.AnonymousCredentials{}
	}
	if strings.HasPrefix(ts.URL, "https") {
		cfg.HTTPClient = insecureTLSClient()
	}
	return cfg
}

// apiError asserts err is an AWS API error with the code and returns it.
func apiError(t *testing.T, err error, code string) smithy.APIError {
	t.Helper()
	var ae smithy.APIError
	if !errors.As(err, &ae) {
		t.Fatalf("want API error %s, got %v", code, err)
	}
	if ae.ErrorCode() != code {
		t.Fatalf("want error code %s, got %s: %s", code, ae.ErrorCode(), ae.ErrorMessage())
	}
	return ae
}

func insecureTLSClient() *http.Client {
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.TLSClientConfig = &tls.Config{InsecureSkipVerify: true} //nolint:gosec // the test server's self-signed certificate
	return &http.Client{Transport: tr}
}

func init() {
	// No client in these tests may reach a real AWS address.
	os.Setenv("AWS_EC2_METADATA_DISABLED", "true")
}

// signedPost sends a form-encoded query-protocol request signed with the SDK's
// signer at the given time, and returns the status and body.
func (ts *testServer) signedPost(t *testing.T, c aws.Credentials, service, form string, at time.Time) (int, string) {
	t.Helper()
	req, err := http.NewRequest("POST", ts.URL+"/", strings.NewReader(form))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")
	sum := sha256.Sum256([]byte(form))
	if err := v4.NewSigner().SignHTTP(context.Background(), c, req, hex.EncodeToString(sum[:]), service, "us-east-1", at); err != nil {
		t.Fatal(err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}
