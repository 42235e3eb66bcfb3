// Command coraza-bench runs the labelled corpus (moat waf test JSON Lines,
// ids "<family>-<n>") through Coraza with the OWASP Core Rule Set at a
// paranoia level, in-process, and prints requests per CPU-second and the
// detection and false-positive rates. It lives under testdata so that the
// moat module never builds it: bench/waf/run.sh copies it into a temporary
// module that requires Coraza (moat itself does not).
package main

import (
	"bufio"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"strings"
	"syscall"
	"time"

	coreruleset "github.com/corazawaf/coraza-coreruleset/v4"
	"github.com/corazawaf/coraza/v3"
)

type request struct {
	ID       string      `json:"id"`
	Method   string      `json:"method"`
	URI      string      `json:"uri"`
	Headers  [][2]string `json:"headers"`
	Body     string      `json:"body"`
	ClientIP string      `json:"clientIp"`
}

func cpu() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func main() {
	pl := flag.Int("pl", 1, "CRS paranoia level")
	rounds := flag.Int("rounds", 3, "passes over the corpus")
	flag.Parse()
	var reqs []request
	sc := bufio.NewScanner(os.Stdin)
	sc.Buffer(nil, 16<<20)
	for sc.Scan() {
		var r request
		if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
			fmt.Fprintln(os.Stderr, "bad line:", err)
			os.Exit(1)
		}
		reqs = append(reqs, r)
	}
	waf, err := coraza.NewWAF(coraza.NewWAFConfig().WithRootFS(coreruleset.FS).WithDirectives(fmt.Sprintf(`
Include @coraza.conf-recommended
Include @crs-setup.conf.example
SecAction "id:900000,phase:1,pass,t:none,nolog,setvar:tx.blocking_paranoia_level=%d"
Include @owasp_crs/*.conf
SecRuleEngine On
`, *pl)))
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	blocked := make([]bool, len(reqs))
	start := cpu()
	for round := 0; round < *rounds; round++ {
		for i, r := range reqs {
			blocked[i] = run(waf, r)
		}
	}
	used := cpu() - start
	var attacks, caught, benign, fp int
	for i, r := range reqs {
		if strings.HasPrefix(r.ID, "benign") {
			benign++
			if blocked[i] {
				fp++
			}
		} else {
			attacks++
			if blocked[i] {
				caught++
			}
		}
	}
	n := len(reqs) * *rounds
	fmt.Printf("coraza-crs-pl%d requests=%d cpu_s=%.3f req_per_cpu_s=%.0f attacks_blocked=%d/%d benign_blocked=%d/%d\n",
		*pl, n, used.Seconds(), float64(n)/used.Seconds(), caught, attacks, fp, benign)
}

func run(waf coraza.WAF, r request) bool {
	tx := waf.NewTransaction()
	defer func() {
		tx.ProcessLogging()
		tx.Close()
	}()
	tx.ProcessConnection(r.ClientIP, 40000, "127.0.0.1", 80)
	tx.ProcessURI(r.URI, r.Method, "HTTP/1.1")
	for _, h := range r.Headers {
		tx.AddRequestHeader(h[0], h[1])
	}
	if strings.Contains(r.Method, "POST") && !hasHeader(r, "content-type") {
		tx.AddRequestHeader("Content-Type", "application/x-www-form-urlencoded")
	}
	if it := tx.ProcessRequestHeaders(); it != nil {
		return true
	}
	if r.Body != "" {
		if it, _, err := tx.WriteRequestBody([]byte(r.Body)); it != nil || err != nil {
			return it != nil
		}
	}
	it, err := tx.ProcessRequestBody()
	return it != nil && err == nil
}

func hasHeader(r request, name string) bool {
	for _, h := range r.Headers {
		if strings.EqualFold(h[0], name) {
			return true
		}
	}
	return false
}
