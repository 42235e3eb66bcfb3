// Command gen writes detect's synthetic fixtures (see package detect/detecttest)
// to a directory, for looking at them or feeding them to moat detect:
//
//	go run ./detect/testdata/gen -out /tmp/fixtures -records 100000
//
// The tests generate the same data in memory; nothing here is committed
// output.
package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/moatdev/moat/detect/detecttest"
)

func main() {
	out := flag.String("out", "fixtures", "output directory")
	n := flag.Int("records", 10000, "ordinary CloudTrail records")
	seed := flag.Int64("seed", 1, "random seed")
	flag.Parse()
	start := time.Date(2024, 5, 1, 12, 0, 0, 0, time.UTC)
	if err := run(*out, *n, *seed, start); err != nil {
		fmt.Fprintln(os.Stderr, "gen:", err)
		os.Exit(1)
	}
}

func run(out string, n int, seed int64, start time.Time) error {
	if err := os.MkdirAll(out, 0o755); err != nil {
		return err
	}
	write := func(name string, fn func(f *os.File) error) error {
		f, err := os.Create(filepath.Join(out, name))
		if err != nil {
			return err
		}
		if err := fn(f); err != nil {
			f.Close()
			return err
		}
		return f.Close()
	}
	if err := write(detecttest.Account+"_CloudTrail_us-east-1_20240501T1200Z_synth.json.gz", func(f *os.File) error {
		return detecttest.WriteCloudTrailGz(f, seed, start, n, true)
	}); err != nil {
		return err
	}
	if err := write("flowlogs.log", func(f *os.File) error { return detecttest.WriteFlowLogs(f, seed, start) }); err != nil {
		return err
	}
	return write("resolver.log", func(f *os.File) error { return detecttest.WriteDNSLogs(f, seed, start) })
}
