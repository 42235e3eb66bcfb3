package dataid

import (
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// benchText builds n bytes of mixed, realistic text: prose, log lines full
// of numbers and timestamps, key=value config, JSON fragments, Korean text,
// with a sensitive value every few hundred lines. Deterministic.
func benchText(n int) []byte {
	r := rand.New(rand.NewPCG(1, 2))
	words := strings.Fields("the quick brown fox jumps over lazy dog customer account order shipped payment " +
		"received invoice total amount user session request response error warning info debug service 고객 주문 배송 결제 확인")
	var b strings.Builder
	for b.Len() < n {
		switch r.IntN(6) {
		case 0:
			for i := 0; i < 12; i++ {
				b.WriteString(words[r.IntN(len(words))])
				b.WriteByte(' ')
			}
		case 1:
			fmt.Fprintf(&b, "2026-11-%02dT%02d:%02d:%02dZ INFO request id=%d latency=%d.%03dms status=%d bytes=%d",
				r.IntN(28)+1, r.IntN(24), r.IntN(60), r.IntN(60), r.Int64N(1e12), r.IntN(900), r.IntN(1000), 200+r.IntN(4)*100, r.IntN(1e6))
		case 2:
			fmt.Fprintf(&b, `{"id": "%08x-%04x-%04x", "count": %d, "price": %d.%02d, "version": "1.%d.%d"}`,
				r.Uint32(), r.IntN(65536), r.IntN(65536), r.IntN(1000), r.IntN(500), r.IntN(100), r.IntN(20), r.IntN(20))
		case 3:
			fmt.Fprintf(&b, "ip=10.%d.%d.%d port=%d commit=%016x%016x", r.IntN(256), r.IntN(256), r.IntN(256), r.IntN(65536), r.Uint64(), r.Uint64())
		case 4:
			fmt.Fprintf(&b, "phone support line open %d hours, order no %d, tel ext %d", r.IntN(24), r.Int64N(1e9), r.IntN(9999))
		case 5:
			if r.IntN(50) == 0 {
				b.WriteString("visa card " + goodCard + " 주민등록번호 900101-1234568 email kim@example.com AKIAZ7Q3RXW5ABCDEFGH")
			} else {
				b.WriteString("lorem ipsum dolor sit amet consectetur adipiscing elit sed do eiusmod tempor")
			}
		}
		b.WriteByte('\n')
	}
	return []byte(b.String()[:n])
}

func BenchmarkScanText(b *testing.B) {
	data := benchText(8 << 20)
	for _, p := range []struct {
		name    string
		profile Profile
	}{{"macie", ProfileMacie}, {"extended", ProfileExtended}} {
		b.Run(p.name, func(b *testing.B) {
			s, err := New(Config{Profile: p.profile})
			if err != nil {
				b.Fatal(err)
			}
			st := s.NewState()
			b.SetBytes(int64(len(data)))
			b.ReportAllocs()
			for b.Loop() {
				if len(s.Scan(st, data, "", false)) == 0 {
					b.Fatal("nothing found")
				}
			}
		})
	}
}

func BenchmarkScanPaths(b *testing.B) {
	dir := b.TempDir()
	var total int64
	for i := 0; i < 16; i++ {
		data := benchText(2 << 20)
		total += int64(len(data))
		if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("f%02d.log", i)), data, 0o600); err != nil {
			b.Fatal(err)
		}
	}
	s, err := New(Config{Profile: ProfileExtended})
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(total)
	for b.Loop() {
		n := 0
		if err := s.ScanPaths([]string{dir}, Options{}, func(r Result) { n += len(r.Occurrences) }); err != nil || n == 0 {
			b.Fatal(err, n)
		}
	}
}

func BenchmarkScanCSV(b *testing.B) {
	var sb strings.Builder
	sb.WriteString("id,name,card,phone,note\n")
	for i := 0; sb.Len() < 4<<20; i++ {
		fmt.Fprintf(&sb, "%d,user%d,%s,010-%04d-%04d,\"order %d shipped\"\n", i, i, goodCard, i%10000, (i*7)%10000, i)
	}
	data := []byte(sb.String())
	s, _ := New(Config{Profile: ProfileExtended})
	st := s.NewState()
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		s.ScanDocument(st, "x.csv", data, Limits{}, func(Result) {})
	}
}
