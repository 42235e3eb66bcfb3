package eventpattern

import (
	"bytes"
	"fmt"
	"os"
	"sort"
	"testing"
	"time"
)

// cloudTrailEvents reads testdata/cloudtrail-events.jsonl: EventBridge
// events of detail-type "AWS API Call via CloudTrail" whose detail is a
// CloudTrail record (written for these tests in the shape AWS delivers).
func cloudTrailEvents(tb testing.TB) [][]byte {
	tb.Helper()
	data, err := os.ReadFile("testdata/cloudtrail-events.jsonl")
	if err != nil {
		tb.Fatal(err)
	}
	var out [][]byte
	for _, l := range bytes.Split(bytes.TrimSpace(data), []byte("\n")) {
		out = append(out, l)
	}
	if len(out) != 4 {
		tb.Fatalf("%d events, want 4", len(out))
	}
	return out
}

var benchServices = []string{"iam", "s3", "ec2", "cloudtrail", "kms", "sts", "lambda", "rds", "sns", "sqs", "guardduty", "organizations"}

// cloudTrailRules returns n patterns of the shapes teams write for CloudTrail
// events: source and eventName, prefixes, identity types, cidr on the source
// address, exists on errorCode, suffixes of ARNs, equals-ignore-case, $or,
// and a few anything-but. Rule 0 matches the root event.
func cloudTrailRules(n int) map[string]string {
	out := map[string]string{"r00000": `{"detail-type":["AWS API Call via CloudTrail"],"detail":{"userIdentity":{"type":["Root"]}}}`}
	for i := 1; i < n; i++ {
		svc := benchServices[i%len(benchServices)]
		name := fmt.Sprintf("Op%dAction", i)
		var p string
		switch i % 8 {
		case 0:
			p = fmt.Sprintf(`{"source":["aws.%s"],"detail-type":["AWS API Call via CloudTrail"],"detail":{"eventName":["%s"]}}`, svc, name)
		case 1:
			p = fmt.Sprintf(`{"detail":{"eventSource":["%s.amazonaws.com"],"eventName":[{"prefix":"Create%d"}]}}`, svc, i)
		case 2:
			p = fmt.Sprintf(`{"detail":{"userIdentity":{"type":["Root","IAMUser"]},"eventName":["%s"]}}`, name)
		case 3:
			p = fmt.Sprintf(`{"detail":{"sourceIPAddress":[{"cidr":"10.%d.%d.0/24"}],"eventName":["%s"]}}`, i%250, i/250%250, name)
		case 4:
			p = fmt.Sprintf(`{"detail":{"errorCode":[{"exists":true}],"eventSource":["%s.amazonaws.com"],"eventName":["%s"]}}`, svc, name)
		case 5:
			p = fmt.Sprintf(`{"detail":{"userIdentity":{"arn":[{"suffix":":user/u%d"}]}}}`, i)
		case 6:
			p = fmt.Sprintf(`{"detail":{"eventName":[{"equals-ignore-case":"%s"}],"readOnly":[false]}}`, name)
		default:
			p = fmt.Sprintf(`{"source":["aws.%s"],"$or":[{"detail":{"eventName":["%s"]}},{"detail":{"requestParameters":{"userName":["u%d"]}}}]}`, svc, name, i)
		}
		if i%200 == 199 {
			p = fmt.Sprintf(`{"detail":{"eventSource":["%s.amazonaws.com"],"eventName":[{"anything-but":["%s"]}],"userIdentity":{"userName":["u%d"]}}}`, svc, name, i)
		}
		out[fmt.Sprintf("r%05d", i)] = p
	}
	return out
}

func benchSet(tb testing.TB, n int) (*Set, []string, map[string]*Pattern) {
	tb.Helper()
	s := NewSet()
	pats := map[string]*Pattern{}
	var ids []string
	for id, src := range cloudTrailRules(n) {
		p, err := Parse([]byte(src))
		if err != nil {
			tb.Fatalf("%s: %v", src, err)
		}
		s.Add(id, p)
		pats[id] = p
		ids = append(ids, id)
	}
	sort.Strings(ids)
	return s, ids, pats
}

// BenchmarkCloudTrail measures events/s of Set.MatchAppend against 1, 100 and
// 10,000 rules, then times the naive matcher (decode, then try each rule) on
// the same events and reports naive/set, the speed-up.
func BenchmarkCloudTrail(b *testing.B) {
	events := cloudTrailEvents(b)
	for _, n := range []int{1, 100, 10000} {
		s, ids, pats := benchSet(b, n)
		if _, err := s.Match(events[0]); err != nil { // build the index outside the timing
			b.Fatal(err)
		}
		b.Run(fmt.Sprintf("rules=%d", n), func(b *testing.B) {
			b.ReportAllocs()
			var dst []string
			for i := 0; b.Loop(); i++ {
				dst, _ = s.MatchAppend(dst[:0], events[i%len(events)])
			}
			setNs := float64(b.Elapsed().Nanoseconds()) / float64(b.N)
			naiveNs := timeNaive(ids, pats, events)
			b.ReportMetric(1e9/setNs, "events/s")
			b.ReportMetric(1e9/naiveNs, "naive-events/s")
			b.ReportMetric(naiveNs/setNs, "naive/set")
		})
	}
}

// timeNaive returns the naive matcher's ns per event, over at least 100ms.
func timeNaive(ids []string, pats map[string]*Pattern, events [][]byte) float64 {
	start, k := time.Now(), 0
	for ; time.Since(start) < 100*time.Millisecond || k < len(events); k++ {
		if _, err := naiveMatchAll(ids, pats, events[k%len(events)]); err != nil {
			panic(err)
		}
	}
	return float64(time.Since(start).Nanoseconds()) / float64(k)
}

// TestSetScales checks the bound: the per-event cost at 10,000 rules
// stays within 3x of the cost at 1 rule (best of three runs, the machine is
// shared), that both answer the same as the naive matcher, and that matching
// does not allocate.
func TestSetScales(t *testing.T) {
	if testing.Short() || raceEnabled {
		t.Skip("timing and allocation test skipped with -short and -race")
	}
	events := cloudTrailEvents(t)
	cost := func(n int) (float64, float64) {
		s, ids, pats := benchSet(t, n)
		for _, ev := range events {
			got, _ := s.Match(ev)
			want, _ := naiveMatchAll(ids, pats, ev)
			if fmt.Sprint(got) != fmt.Sprint(want) {
				t.Fatalf("%d rules: set %v naive %v", n, got, want)
			}
		}
		var dst []string
		allocs := testing.AllocsPerRun(100, func() { dst, _ = s.MatchAppend(dst[:0], events[3]) })
		r := testing.Benchmark(func(b *testing.B) {
			for i := 0; b.Loop(); i++ {
				dst, _ = s.MatchAppend(dst[:0], events[i%len(events)])
			}
		})
		return float64(r.NsPerOp()), allocs
	}
	best := 1e18
	for range 3 {
		one, a1 := cost(1)
		many, a2 := cost(10000)
		if a1 != 0 || a2 != 0 {
			t.Fatalf("allocations per match: %v with 1 rule, %v with 10000", a1, a2)
		}
		best = min(best, many/one)
		t.Logf("1 rule %.0f ns/event, 10000 rules %.0f ns/event, ratio %.2f", one, many, many/one)
		if best <= 3 {
			return
		}
	}
	t.Fatalf("10,000 rules cost %.2fx one rule, want <= 3x", best)
}

// BenchmarkBuild measures adding 10,000 parsed rules and building the index
// (what a bus pays when its rules change).
func BenchmarkBuild(b *testing.B) {
	src := cloudTrailRules(10000)
	pats := map[string]*Pattern{}
	for id, s := range src {
		pats[id] = mustParse(b, s)
	}
	ev := cloudTrailEvents(b)[0]
	b.ReportAllocs()
	for b.Loop() {
		s := NewSet()
		for id, p := range pats {
			s.Add(id, p)
		}
		if _, err := s.Match(ev); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkParse measures parsing one CloudTrail rule.
func BenchmarkParse(b *testing.B) {
	src := []byte(`{"source":["aws.iam"],"detail-type":["AWS API Call via CloudTrail"],"detail":{"eventName":[{"prefix":"Create"}],"userIdentity":{"type":[{"anything-but":["AWSService"]}]},"sourceIPAddress":[{"cidr":"10.0.0.0/8"}]}}`)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Parse(src); err != nil {
			b.Fatal(err)
		}
	}
}
