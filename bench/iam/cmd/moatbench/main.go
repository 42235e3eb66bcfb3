// Command moatbench measures moat's IAM decisions/s on the cases of a case
// file: each case is read and its policies compiled once (authz/cases, the
// reader behind `moat policy eval`), then authz.Evaluate is called in a loop:
// a warm-up, then timed rounds, like oracle-bench.mjs. Run it on one core:
//
//	GOMAXPROCS=1 taskset -c 0 moatbench -rounds 5 -seconds 3 -managed mp.json case.jsonl
//
// For every case it prints one line per round and
//
//	RESULT <id> decision=<d> median=<n>/s best=<n>/s worst=<n>/s calls=<n> ns/op=<n> allocs/op=<n>
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"runtime"
	"slices"
	"time"

	"github.com/moatdev/moat/authz"
	"github.com/moatdev/moat/authz/cases"
)

func main() {
	rounds := flag.Int("rounds", 5, "timed rounds")
	seconds := flag.Float64("seconds", 3, "seconds per round")
	warm := flag.Float64("warmup", 2, "warm-up seconds")
	managedFile := flag.String("managed", os.Getenv("MOAT_MANAGED_POLICIES"), "managed-policies file")
	flag.Parse()
	if flag.NArg() != 1 {
		fmt.Fprintln(os.Stderr, "usage: moatbench [flags] cases.jsonl")
		os.Exit(2)
	}
	var managed cases.Managed
	if *managedFile != "" {
		f, err := os.Open(*managedFile)
		check(err)
		managed, err = cases.ReadManaged(f)
		check(err)
		f.Close()
	}
	f, err := os.Open(flag.Arg(0))
	check(err)
	defer f.Close()
	rd := cases.NewReader(f, managed)
	for {
		c, err := rd.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		check(err)
		bench(c, *rounds, time.Duration(*seconds*float64(time.Second)), time.Duration(*warm*float64(time.Second)))
	}
}

func bench(c *cases.Case, rounds int, round, warm time.Duration) {
	req, pols := &c.Request, &c.Policies
	decision := authz.Evaluate(req, pols).Decision
	for t0 := time.Now(); time.Since(t0) < warm; {
		for range 1000 {
			if authz.Evaluate(req, pols).Decision != decision {
				check(fmt.Errorf("%s: decision changed during warm-up", c.ID))
			}
		}
	}
	var ms0, ms1 runtime.MemStats
	runtime.ReadMemStats(&ms0)
	rates := make([]float64, 0, rounds)
	total := 0
	var elapsed time.Duration
	for i := range rounds {
		calls := 0
		t0 := time.Now()
		var d time.Duration
		for d < round {
			for range 1000 {
				authz.Evaluate(req, pols)
			}
			calls += 1000
			d = time.Since(t0)
		}
		rate := float64(calls) / d.Seconds()
		rates = append(rates, rate)
		total += calls
		elapsed += d
		fmt.Printf("round %d: %d calls, %.0f/s\n", i+1, calls, rate)
	}
	runtime.ReadMemStats(&ms1)
	slices.Sort(rates)
	fmt.Printf("RESULT %s decision=%s median=%.0f/s best=%.0f/s worst=%.0f/s calls=%d ns/op=%.1f allocs/op=%.3f\n",
		c.ID, decision, rates[len(rates)/2], rates[len(rates)-1], rates[0], total,
		float64(elapsed.Nanoseconds())/float64(total), float64(ms1.Mallocs-ms0.Mallocs)/float64(total))
}

func check(err error) {
	if err != nil {
		fmt.Fprintln(os.Stderr, "moatbench:", err)
		os.Exit(1)
	}
}
