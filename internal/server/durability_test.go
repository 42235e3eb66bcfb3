package server_test

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"net"
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

	"github.com/moatdev/moat/internal/server"
)

// TestChildServe is not a test: the durability test runs this test binary
// again as a child process that serves until it is killed.
func TestChildServe(t *testing.T) {
	data := os.Getenv("MOAT_TEST_CHILD_DATA")
	if data == "" {
		t.Skip("runs only as the durability test's child process")
	}
	srv, err := server.Open(server.Config{Addr: "127.0.0.1:0", DataDir: data})
	if err != nil {
		fmt.Println("ERROR", err)
		os.Exit(3)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		os.Exit(3)
	}
	fmt.Println("LISTEN", ln.Addr().String())
	_ = srv.Serve(context.Background(), ln)
}

type child struct {
	cmd  *exec.Cmd
	addr string
}

func startChild(t *testing.T, data string) *child {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestChildServe$", "-test.v=false")
	cmd.Env = append(os.Environ(), "MOAT_TEST_CHILD_DATA="+data)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	lines := bufio.NewScanner(out)
	deadline := time.AfterFunc(60*time.Second, func() { _ = cmd.Process.Kill() })
	defer deadline.Stop()
	for lines.Scan() {
		if addr, ok := strings.CutPrefix(lines.Text(), "LISTEN "); ok {
			go func() {
				for lines.Scan() {
				}
			}()
			return &child{cmd: cmd, addr: addr}
		}
	}
	t.Fatal("child server did not start")
	return nil
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
