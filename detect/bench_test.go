package detect

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"testing"
	"time"

	"github.com/moatdev/moat/detect/detecttest"
)

// benchRecords returns n ordinary records (with the planted attacks) as one
// delivery document.
func benchDoc(b *testing.B, n int) []byte {
	b.Helper()
	var buf bytes.Buffer
	if err := detecttest.WriteCloudTrail(&buf, 1, time.Date(2024, 5, 1, 0, 0, 0, 0, time.UTC), n, true); err != nil {
		b.Fatal(err)
	}
	return buf.Bytes()
}

// BenchmarkCloudTrailReader: decompressed input, read and parse only.
func BenchmarkCloudTrailReader(b *testing.B) {
	doc := benchDoc(b, 10000)
	b.SetBytes(int64(len(doc)))
	b.ReportAllocs()
	b.ResetTimer()
	n := 0
	cpu0 := processCPU()
	for i := 0; i < b.N; i++ {
		r := NewCloudTrailReader(bytes.NewReader(doc), "bench")
		for {
			if _, err := r.Next(); err != nil {
				break
			}
			n++
		}
	}
	b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "records/s")
	reportCPURate(b, cpu0, n)
}

func reportCPURate(b *testing.B, cpu0 time.Duration, n int) {
	if cpu := processCPU() - cpu0; cpu > 0 {
		b.ReportMetric(float64(n)/cpu.Seconds(), "records/cpu-s")
	}
}

// BenchmarkDetectorCloudTrail: the detectors alone on parsed records.
func BenchmarkDetectorCloudTrail(b *testing.B) {
	doc := benchDoc(b, 10000)
	var recs []*Record
	r := NewCloudTrailReader(bytes.NewReader(doc), "bench")
	for {
		rec, err := r.Next()
		if err != nil {
			break
		}
		c := *rec
		c.Raw = append([]byte(nil), rec.Raw...)
		recs = append(recs, &c)
	}
	d, _ := New(Options{})
	b.ReportAllocs()
	b.ResetTimer()
	cpu0 := processCPU()
	for i := 0; i < b.N; i++ {
		d.CloudTrail(recs[i%len(recs)])
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "records/s")
	reportCPURate(b, cpu0, b.N)
}

// BenchmarkScan runs Scan over a tree of .json.gz delivery files, parse-only
// and with every detector, and reports records/s for both. The tree has
// MOAT_DETECT_BENCH_RECORDS records (default 200,000) in files of 10,000; set
// MOAT_DETECT_BENCH_DIR to keep it between runs. With MOAT_DETECT_BENCH_SIGMA
// pointing at a rule directory, the detect run also runs those rules.
func BenchmarkScan(b *testing.B) {
	n := 200000
	if v := os.Getenv("MOAT_DETECT_BENCH_RECORDS"); v != "" {
		n, _ = strconv.Atoi(v)
	}
	dir := os.Getenv("MOAT_DETECT_BENCH_DIR")
	if dir == "" {
		dir = b.TempDir()
	}
	tree := filepath.Join(dir, fmt.Sprintf("trail-%d", n))
	if _, err := os.Stat(tree); err != nil {
		if err := writeBenchTree(tree, n); err != nil {
			b.Fatal(err)
		}
	}
	opts := Options{}
	if s := os.Getenv("MOAT_DETECT_BENCH_SIGMA"); s != "" {
		rules, err := LoadSigmaDir(s)
		if err != nil {
			b.Fatal(err)
		}
		opts.Sigma = rules
	}
	for _, mode := range []string{"parse-only", "detect"} {
		b.Run(mode, func(b *testing.B) {
			var st ScanStats
			cpu0 := processCPU()
			for i := 0; i < b.N; i++ {
				d, _ := New(opts)
				var err error
				st, err = Scan(context.Background(), Sources{CloudTrail: []string{tree}}, d, ScanOptions{ParseOnly: mode == "parse-only"})
				if err != nil || st.Malformed > 0 || st.Records < n {
					b.Fatalf("%v: %+v", err, st)
				}
				if mode == "detect" {
					checkPlanted(b, d)
				}
			}
			var ms runtime.MemStats
			runtime.ReadMemStats(&ms)
			b.ReportMetric(float64(st.Records)*float64(b.N)/b.Elapsed().Seconds(), "records/s")
			reportCPURate(b, cpu0, st.Records*b.N)
			b.ReportMetric(float64(ms.Sys)/(1<<20), "MB-sys")
		})
	}
}

// checkPlanted fails unless every planted attack was found (the same
// attacks in every file aggregate into the same six findings).
func checkPlanted(b *testing.B, d *Detector) {
	b.Helper()
	got := map[string]int{}
	for _, f := range d.Findings() {
		got[f.Type]++
	}
	for typ, n := range map[string]int{TypeRootCredentialUsage: 1, TypeMoatConsoleBruteForce: 2, TypeMoatConsoleLoginWithoutMFA: 1,
		TypeCloudTrailLoggingDisabled: 1, TypeInstanceCredExfilOutside: 1} {
		if got[typ] != n {
			b.Fatalf("planted %s: %d findings, want %d (all: %v)", typ, got[typ], n, got)
		}
	}
}

func writeBenchTree(tree string, n int) error {
	const per = 10000
	start := time.Date(2024, 5, 1, 0, 0, 0, 0, time.UTC)
	for i := 0; i*per < n; i++ {
		at := start.Add(time.Duration(i*per) * time.Second)
		day := filepath.Join(tree, "AWSLogs", detecttest.Account, "CloudTrail", "us-east-1", at.Format("2006/01/02"))
		if err := os.MkdirAll(day, 0o755); err != nil {
			return err
		}
		name := fmt.Sprintf("%s_CloudTrail_us-east-1_%s_%06d.json.gz", detecttest.Account, at.Format("20060102T1504Z"), i)
		f, err := os.Create(filepath.Join(day, name))
		if err != nil {
			return err
		}
		// Each file plants the attacks once.
		if err := detecttest.WriteCloudTrailGz(f, int64(i), at, min(per, n-i*per), true); err != nil {
			f.Close()
			return err
		}
		if err := f.Close(); err != nil {
			return err
		}
	}
	return nil
}

// BenchmarkRecordDecode compares the record decoder with encoding/json on
// the same records (already split).
func BenchmarkRecordDecode(b *testing.B) {
	doc := benchDoc(b, 2000)
	var recs [][]byte
	js := newJSONStream(bytes.NewReader(doc))
	for {
		r, err := js.next()
		if err != nil {
			break
		}
		recs = append(recs, append([]byte(nil), r...))
	}
	b.Run("encoding-json", func(b *testing.B) {
		var r Record
		cpu0 := processCPU()
		for i := 0; i < b.N; i++ {
			if err := parseRecord(recs[i%len(recs)], &r); err != nil {
				b.Fatal(err)
			}
		}
		reportCPURate(b, cpu0, b.N)
	})
	b.Run("fast", func(b *testing.B) {
		var r Record
		dec := ctDecoder{intern: map[string]string{}}
		cpu0 := processCPU()
		for i := 0; i < b.N; i++ {
			if err := decodeRecordFast(&dec, recs[i%len(recs)], &r); err != nil {
				b.Fatal(err)
			}
		}
		reportCPURate(b, cpu0, b.N)
	})
}
