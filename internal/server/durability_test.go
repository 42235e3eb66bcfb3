package server_test

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudtrail"
	cttypes "github.com/aws/aws-sdk-go-v2/service/cloudtrail/types"
	"github.com/aws/aws-sdk-go-v2/service/iam"

	"github.com/moatdev/moat/internal/cli"
	"github.com/moatdev/moat/internal/server"
)

// TestChildServe is not a test: the durability tests run this test binary
// again as a child process that runs `moat serve` (the real command, signal
// handling included) until it is killed or told to stop.
func TestChildServe(t *testing.T) {
	data := os.Getenv("MOAT_TEST_CHILD_DATA")
	if data == "" {
		t.Skip("runs only as the durability tests' child process")
	}
	os.Exit(cli.Main([]string{"serve", "--addr", "127.0.0.1:0", "--data", data}))
}

type child struct {
	cmd    *exec.Cmd
	addr   string
	stderr *lockedBuffer
}

// startChild starts `moat serve` in a child process and waits for the line
// that says where it listens.
func startChild(t *testing.T, data string) *child {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestChildServe$", "-test.v=false")
	cmd.Env = append(os.Environ(), "MOAT_TEST_CHILD_DATA="+data)
	pipe, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	c := &child{cmd: cmd, stderr: &lockedBuffer{}}
	found := make(chan string, 1)
	go func() {
		lines := bufio.NewScanner(pipe)
		for lines.Scan() {
			line := lines.Text()
			fmt.Fprintln(c.stderr, line)
			if _, rest, ok := strings.Cut(line, "endpoint=http://"); ok {
				addr, _, _ := strings.Cut(rest, " ")
				select {
				case found <- addr:
				default:
				}
			}
		}
	}()
	select {
	case c.addr = <-found:
		return c
	case <-time.After(60 * time.Second):
		t.Fatalf("child server did not start:\n%s", c.stderr.String())
		return nil
	}
}

// Writes acknowledged before a SIGKILL survive it, with their CloudTrail
// records: both are durable before the response goes out.
func TestAcknowledgedWritesSurviveSIGKILL(t *testing.T) {
	if testing.Short() {
		t.Skip("starts child processes")
	}
	data := t.TempDir()
	c := startChild(t, data)
	ts := &testServer{t: t, URL: "http://" + c.addr}
	root := readCredentials(t, filepath.Join(data, server.CredentialsFile))
	client := iam.NewFromConfig(ts.config(root))

	var mu sync.Mutex
	acked := map[string]bool{}
	var wg sync.WaitGroup
	stop := make(chan struct{})
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func(g int) {
			defer wg.Done()
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				name := fmt.Sprintf("u%d-%d", g, i)
				_, err := client.CreateUser(context.Background(), &iam.CreateUserInput{UserName: aws.String(name)})
				if err != nil {
					return // the server is gone
				}
				mu.Lock()
				acked[name] = true
				mu.Unlock()
			}
		}(g)
	}
	deadline := time.Now().Add(20 * time.Second)
	for {
		mu.Lock()
		n := len(acked)
		mu.Unlock()
		if n >= 200 || time.Now().After(deadline) {
			break
		}
		time.Sleep(5 * time.Millisecond)
	}
	if err := c.cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	close(stop)
	wg.Wait()
	_ = c.cmd.Wait()
	if len(acked) < 50 {
		t.Fatalf("only %d CreateUser calls succeeded before the kill", len(acked))
	}

	c2 := startChild(t, data)
	ts2 := &testServer{t: t, URL: "http://" + c2.addr}
	ctx := context.Background()
	found := map[string]bool{}
	p := iam.NewListUsersPaginator(iam.NewFromConfig(ts2.config(root)), &iam.ListUsersInput{MaxItems: aws.Int32(1000)})
	for p.HasMorePages() {
		out, err := p.NextPage(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, u := range out.Users {
			found[aws.ToString(u.UserName)] = true
		}
	}
	recorded := map[string]bool{}
	lp := cloudtrail.NewLookupEventsPaginator(cloudtrail.NewFromConfig(ts2.config(root)), &cloudtrail.LookupEventsInput{
		LookupAttributes: []cttypes.LookupAttribute{{AttributeKey: cttypes.LookupAttributeKeyEventName, AttributeValue: aws.String("CreateUser")}},
	})
	for lp.HasMorePages() {
		out, err := lp.NextPage(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range out.Events {
			var rec struct {
				ErrorCode         string `json:"errorCode"`
				RequestParameters struct {
					UserName string `json:"userName"`
				} `json:"requestParameters"`
			}
			if err := json.Unmarshal([]byte(aws.ToString(e.CloudTrailEvent)), &rec); err != nil {
				t.Fatal(err)
			}
			if rec.ErrorCode == "" {
				recorded[rec.RequestParameters.UserName] = true
			}
		}
	}
	for name := range acked {
		if !found[name] {
			t.Errorf("user %s was acknowledged but lost", name)
		}
		if !recorded[name] {
			t.Errorf("user %s was acknowledged but its CloudTrail record was lost", name)
		}
	}
	t.Logf("%d acknowledged writes, %d users and %d CreateUser records after the restart", len(acked), len(found), len(recorded))
}

// SIGTERM stops moat serve cleanly: it exits 0, says so, and the data
// directory opens again with everything acknowledged before the signal.
func TestSIGTERMStopsCleanly(t *testing.T) {
	if testing.Short() {
		t.Skip("starts child processes")
	}
	data := t.TempDir()
	c := startChild(t, data)
	root := readCredentials(t, filepath.Join(data, server.CredentialsFile))
	ts := &testServer{t: t, URL: "http://" + c.addr}
	client := iam.NewFromConfig(ts.config(root))
	for i := 0; i < 20; i++ {
		if _, err := client.CreateUser(context.Background(), &iam.CreateUserInput{UserName: aws.String(fmt.Sprintf("term-%d", i))}); err != nil {
			t.Fatal(err)
		}
	}
	if err := c.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	err := c.cmd.Wait()
	if err != nil {
		t.Fatalf("moat serve after SIGTERM: %v\n%s", err, c.stderr.String())
	}
	if !strings.Contains(c.stderr.String(), "stopped cleanly") {
		t.Fatalf("no clean-stop line in the log:\n%s", c.stderr.String())
	}
	c2 := startChild(t, data)
	ts2 := &testServer{t: t, URL: "http://" + c2.addr}
	out, err := iam.NewFromConfig(ts2.config(root)).ListUsers(context.Background(), &iam.ListUsersInput{})
	if err != nil {
		t.Fatal(err)
	}
	if len(out.Users) != 20 {
		t.Fatalf("%d users after a clean stop, want 20", len(out.Users))
	}
}
