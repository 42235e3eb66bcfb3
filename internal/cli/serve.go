package cli

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"github.com/moatdev/moat/internal/server"
)

func newServeCmd() *cobra.Command {
	cfg := server.Config{}
	var logLevel string
	cmd := &cobra.Command{
		Use:   "serve",
		Short: "Run the AWS-compatible endpoint",
		Long: `Run the AWS-compatible endpoint. Point the AWS CLI or an SDK at it with
--endpoint-url. Every call is SigV4-authenticated, authorized by the IAM engine
and recorded as a CloudTrail event in the data directory.

On first start moat creates a management account and its root user's access
key, written to DATA/credentials (profile moat-root, mode 0600). SIGINT or
SIGTERM stop it gracefully: in-flight requests finish and the store is closed.`,
		Example: `  moat serve
  AWS_SHARED_CREDENTIALS_FILE=.moat/credentials aws --endpoint-url http://127.0.0.1:4566 \
      --profile moat-root --region us-east-1 sts get-caller-identity`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			level, err := parseLevel(logLevel)
			if err != nil {
				return err
			}
			cfg.Log = slog.New(slog.NewTextHandler(cmd.ErrOrStderr(), &slog.HandlerOptions{Level: level}))
			cfg.Stdout = cmd.OutOrStdout()
			ctx, stop := signal.NotifyContext(cmd.Context(), os.Interrupt, syscall.SIGTERM)
			defer stop()
			return serve(ctx, cfg)
		},
	}
	f := cmd.Flags()
	f.StringVar(&cfg.Addr, "addr", envOr("MOAT_ADDR", "127.0.0.1:4566"), "listen address (env MOAT_ADDR)")
	f.StringVar(&cfg.DataDir, "data", envOr("MOAT_DATA", ".moat"), "data directory (env MOAT_DATA)")
	f.StringVar(&cfg.AccountID, "account-id", "", "12-digit id of the management account created on first start (default: random)")
	f.StringVar(&cfg.Region, "region", "us-east-1", "region of requests that do not name one")
	f.BoolVar(&cfg.InsecureAllowUnsigned, "insecure-allow-unsigned", false, "accept unsigned requests as the management account's root user")
	f.BoolVar(&cfg.TLS, "tls", false, "serve HTTPS with a self-signed certificate kept in the data directory")
	f.BoolVar(&cfg.Explain, "explain", false, "log every authorization decision with the statements that matched (also per request: header X-Moat-Explain: 1)")
	f.BoolVar(&cfg.SyncNormal, "sync-normal", false, "SQLite synchronous=NORMAL: faster, survives a process crash but not a power loss")
	f.StringVar(&cfg.TrailDir, "trail-dir", "", "directory standing for the S3 buckets trails deliver to (default <data>/trails)")
	f.DurationVar(&cfg.TrailInterval, "trail-interval", 5*time.Minute, "how often trails deliver log files (CloudTrail: about every 5 minutes)")
	f.DurationVar(&cfg.TrailDigestInterval, "trail-digest-interval", time.Hour, "how often trails with log file validation write digest files")
	f.StringVar(&cfg.SMTP, "smtp", "", "host:port of an SMTP relay for SNS e-mail (default: write .eml files to <data>/sns/mailbox)")
	f.StringVar(&logLevel, "log-level", "info", "debug, info, warn or error")
	return cmd
}

func serve(ctx context.Context, cfg server.Config) error {
	srv, err := server.Open(cfg)
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		srv.Close()
		return err
	}
	scheme := "http"
	if cfg.TLS {
		scheme = "https"
	}
	cfg.Log.Info("moat is serving", "endpoint", scheme+"://"+ln.Addr().String(), "account", srv.ManagementAccount(), "data", cfg.DataDir)
	serr := srv.Serve(ctx, ln)
	if cerr := srv.Close(); cerr != nil && serr == nil {
		serr = cerr
	}
	if serr == nil {
		cfg.Log.Info("stopped cleanly")
	}
	return serr
}

func envOr(name, def string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return def
}

func parseLevel(s string) (slog.Level, error) {
	var l slog.Level
	if err := l.UnmarshalText([]byte(s)); err != nil {
		return l, fmt.Errorf("--log-level %q: want debug, info, warn or error", s)
	}
	return l, nil
}
