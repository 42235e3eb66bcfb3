package cli

import (
	"context"
	"net"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"

	"github.com/moatdev/moat/internal/server"
)

// liveServer starts moat serve on a loopback port for a command that talks
// to it, points the AWS shared config at its credentials file (profile
// moat-root, as a user's would be) and returns its endpoint and an SDK
// configuration for the root user.
func liveServer(t *testing.T) (string, aws.Config) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	data := t.TempDir()
	srv, err := server.Open(server.Config{Addr: ln.Addr().String(), DataDir: data, Stdout: &strings.Builder{}})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ctx, ln) }()
	t.Cleanup(func() { cancel(); <-done; srv.Close() })
	endpoint := "http://" + ln.Addr().String()
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", filepath.Join(data, server.CredentialsFile))
	t.Setenv("AWS_CONFIG_FILE", filepath.Join(t.TempDir(), "config"))
	t.Setenv("AWS_ACCESS_KEY_ID", "")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "")
	cfg, err := config.LoadDefaultConfig(ctx, config.WithSharedConfigProfile("moat-root"), config.WithRegion("us-east-1"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := cfg.Credentials.Retrieve(ctx); err != nil {
		t.Fatal(err)
	}
	cfg.BaseEndpoint = aws.String(endpoint)
	return endpoint, cfg
}
