// Command serve measures moat serve end to end: signed GetCallerIdentity
// requests per second over loopback from N concurrent clients, with SigV4
// verification, authorization and a durable CloudTrail record per call,
// beside a bare net/http handler answering the same requests in the same run
// with the same client work (one signed request, replayed).
//
//	go run ./bench/serve -clients 64 -rounds 5 -duration 3s
package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"flag"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"os"
	"runtime/pprof"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"

	"github.com/moatdev/moat/internal/server"
)

const form = "Action=GetCallerIdentity&Version=2011-06-15"

func main() {
	clients := flag.Int("clients", 32, "concurrent clients")
	duration := flag.Duration("duration", 3*time.Second, "how long each round measures one server")
	rounds := flag.Int("rounds", 5, "rounds; each measures the bare handler then moat, and the medians are compared")
	syncNormal := flag.Bool("sync-normal", false, "SQLite synchronous=NORMAL instead of FULL")
	cpuProfile := flag.String("cpuprofile", "", "write a CPU profile of the moat phase to this file")
	flag.Parse()

	dir, err := os.MkdirTemp("", "moat-bench-serve-")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	srv, err := server.Open(server.Config{Addr: "127.0.0.1:0", DataDir: dir, SyncNormal: *syncNormal})
	if err != nil {
		log.Fatal(err)
	}
	creds := rootCredentials(dir)
	moatURL, stopMoat := listen(srv)
	bareURL, stopBare := listen(http.HandlerFunc(bare))

	fmt.Printf("clients=%d rounds=%d of %s per server, synchronous=%s\n", *clients, *rounds, *duration, map[bool]string{false: "FULL", true: "NORMAL"}[*syncNormal])
	if *cpuProfile != "" {
		f, err := os.Create(*cpuProfile)
		if err != nil {
			log.Fatal(err)
		}
		if err := pprof.StartCPUProfile(f); err != nil {
			log.Fatal(err)
		}
		defer pprof.StopCPUProfile()
	}
	// Interleaved rounds, so that a change in the machine's load affects
	// both servers alike.
	var bares, moats []float64
	for r := 0; r < *rounds; r++ {
		c0 := cpuTime()
		bares = append(bares, load(bareURL, creds, *clients, *duration))
		c1 := cpuTime()
		moats = append(moats, load(moatURL, creds, *clients, *duration))
		c2 := cpuTime()
		fmt.Printf("round %d: bare %.0f req/s (%.0f µs CPU each, client included), moat %.0f req/s (%.0f µs CPU each)\n", r+1,
			bares[r], perRequest(c1-c0, bares[r], *duration), moats[r], perRequest(c2-c1, moats[r], *duration))
	}
	bareRate, moatRate := median(bares), median(moats)
	st := srv.TrailStats()
	fmt.Printf("group commit: %d records in %d commits (%.1f per commit)\n", st.Records, st.Commits, float64(st.Records)/float64(max(st.Commits, 1)))
	fmt.Printf("bare net/http: %.0f req/s (median)\n", bareRate)
	fmt.Printf("moat serve:    %.0f req/s (median; SigV4 + authz + durable CloudTrail record)\n", moatRate)
	fmt.Printf("ratio: %.1f%% of the bare handler\n", 100*moatRate/bareRate)
	stopBare()
	stopMoat()
	if err := srv.Close(); err != nil {
		log.Fatal(err)
	}
}

// bare answers like STS without doing any of STS's work.
func bare(w http.ResponseWriter, r *http.Request) {
	_, _ = io.Copy(io.Discard, r.Body)
	w.Header().Set("Content-Type", "text/xml")
	w.Header().Set("x-amzn-RequestId", "00000000-0000-0000-0000-000000000000")
	_, _ = io.WriteString(w, `<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><GetCallerIdentityResult><Arn>arn:aws:iam::123456789012:root</Arn><UserId>123456789012</UserId><Account>123456789012</Account></GetCallerIdentityResult><ResponseMetadata><RequestId>00000000-0000-0000-0000-000000000000</RequestId></ResponseMetadata></GetCallerIdentityResponse>`)
}

func listen(h http.Handler) (string, func()) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		log.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		if s, ok := h.(*server.Server); ok {
			_ = s.Serve(ctx, ln)
			return
		}
		hs := &http.Server{Handler: h}
		go func() { <-ctx.Done(); _ = hs.Close() }()
		_ = hs.Serve(ln)
	}()
	return "http://" + ln.Addr().String() + "/", func() { cancel(); <-done }
}

// load sends signed requests from n clients for d and returns requests/s.
// The request is signed once and replayed (AWS, and moat, accept a signed
// request again within its 15-minute window), so that client-side signing
// does not cap what is measured: the servers' work is.
func load(url string, creds aws.Credentials, n int, d time.Duration) float64 {
	tr := &http.Transport{MaxIdleConnsPerHost: n, MaxConnsPerHost: n}
	client := &http.Client{Transport: tr}
	defer tr.CloseIdleConnections()
	sum := sha256.Sum256([]byte(form))
	signed, _ := http.NewRequest("POST", url, strings.NewReader(form))
	signed.Header.Set("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")
	if err := v4.NewSigner().SignHTTP(context.Background(), creds, signed, hex.EncodeToString(sum[:]), "sts", "us-east-1", time.Now()); err != nil {
		log.Fatal(err)
	}
	var count, failed atomic.Int64
	stop := time.Now().Add(d)
	var wg sync.WaitGroup
	start := time.Now()
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for time.Now().Before(stop) {
				req, _ := http.NewRequest("POST", url, strings.NewReader(form))
				req.Header = signed.Header.Clone()
				resp, err := client.Do(req)
				if err != nil {
					failed.Add(1)
					continue
				}
				_, _ = io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				if resp.StatusCode != 200 {
					failed.Add(1)
					continue
				}
				count.Add(1)
			}
		}()
	}
	wg.Wait()
	if f := failed.Load(); f > 0 {
		log.Printf("%s: %d failed requests", url, f)
	}
	return float64(count.Load()) / time.Since(start).Seconds()
}

func rootCredentials(dir string) aws.Credentials {
	b, err := os.ReadFile(dir + "/" + server.CredentialsFile)
	if err != nil {
		log.Fatal(err)
	}
	var c aws.Credentials
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "aws_access_key_id = "); ok {
			c.AccessKeyID = v
		}
		if v, ok := strings.CutPrefix(line, "aws_secret_access_key = "); ok {
			c.SecretAccessKey = v
		}
	}
	return c
}

func median(xs []float64) float64 {
	s := append([]float64(nil), xs...)
	sort.Float64s(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

// cpuTime is the CPU time (user + system) this process has used.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func perRequest(cpu time.Duration, rate float64, d time.Duration) float64 {
	return float64(cpu.Microseconds()) / (rate * d.Seconds())
}
