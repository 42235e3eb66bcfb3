// Command gen writes a deterministic mixed-format corpus for the dataid
// benchmark: log and prose text, CSV, JSON Lines, JSON, and gzip and zip
// archives of them, with a sprinkling of sensitive values (cards, secrets,
// Korean RRNs, keys) among plenty of look-alikes (timestamps, ids, hashes).
//
//	go run ./bench/dataid/gen -out /tmp/corpus -mib 1024
package main

import (
	"archive/zip"
	"bytes"
	"compress/gzip"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
)

func main() {
	out := flag.String("out", "corpus", "output directory")
	mib := flag.Int("mib", 1024, "total size in MiB (uncompressed)")
	flag.Parse()
	if err := gen(*out, int64(*mib)<<20); err != nil {
		fmt.Fprintln(os.Stderr, "gen:", err)
		os.Exit(1)
	}
}

const fileSize = 8 << 20

func gen(dir string, total int64) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	r := rand.New(rand.NewPCG(42, 7))
	for i := 0; int64(i)*fileSize < total; i++ {
		var name string
		var data []byte
		switch i % 6 {
		case 0, 1:
			name, data = fmt.Sprintf("logs/app-%04d.log", i), text(r, fileSize)
		case 2:
			name, data = fmt.Sprintf("exports/customers-%04d.csv", i), csv(r, fileSize)
		case 3:
			name, data = fmt.Sprintf("events/events-%04d.jsonl", i), jsonl(r, fileSize)
		case 4:
			name, data = fmt.Sprintf("logs/app-%04d.log.gz", i), gz(text(r, fileSize))
		case 5:
			name, data = fmt.Sprintf("bundles/bundle-%04d.zip", i), zipOf(map[string][]byte{"a.log": text(r, fileSize/2), "b.csv": csv(r, fileSize/2)})
		}
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(p, data, 0o644); err != nil {
			return err
		}
	}
	return nil
}

var words = strings.Fields("the quick brown fox jumps over lazy dog customer account order shipped payment received " +
	"invoice total amount user session request response error warning info debug service 고객 주문 배송 결제 확인")

func sensitive(r *rand.Rand) string {
	switch r.IntN(6) {
	case 0:
		return "visa card 4532015112830366"
	case 1:
		return "aws_secret_access_key = Zx9Kq2Lm8Np4Rs6Tu1Vw3Yb5Cd7Ef0GhIjKlMnOp"
	case 2:
		return "주민등록번호 900101-1234568"
	case 3:
		return "ssn 123-45-6789"
	case 4:
		return "token eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl"
	}
	return "contact kim@example.co.kr, AKIAZ7Q3RXW5ABCDEFGH"
}

func text(r *rand.Rand, n int) []byte {
	var b bytes.Buffer
	for b.Len() < n {
		switch r.IntN(5) {
		case 0:
			for i := 0; i < 12; i++ {
				b.WriteString(words[r.IntN(len(words))])
				b.WriteByte(' ')
			}
		case 1:
			fmt.Fprintf(&b, "2026-11-%02dT%02d:%02d:%02dZ INFO id=%d latency=%d.%03dms status=%d bytes=%d",
				r.IntN(28)+1, r.IntN(24), r.IntN(60), r.IntN(60), r.Int64N(1e12), r.IntN(900), r.IntN(1000), 200+r.IntN(4)*100, r.IntN(1e6))
		case 2:
			fmt.Fprintf(&b, "commit %016x%016x%08x version 1.%d.%d uuid %08x-%04x-4%03x", r.Uint64(), r.Uint64(), r.Uint32(), r.IntN(20), r.IntN(20), r.Uint32(), r.IntN(65536), r.IntN(4096))
		case 3:
			fmt.Fprintf(&b, "ip=10.%d.%d.%d port=%d order no %d ts=%d", r.IntN(256), r.IntN(256), r.IntN(256), r.IntN(65536), r.Int64N(1e9), 1700000000000+r.Int64N(1e10))
		case 4:
			if r.IntN(20) == 0 {
				b.WriteString(sensitive(r))
			} else {
				b.WriteString("lorem ipsum dolor sit amet consectetur adipiscing elit sed do eiusmod tempor")
			}
		}
		b.WriteByte('\n')
	}
	return b.Bytes()
}

func csv(r *rand.Rand, n int) []byte {
	var b bytes.Buffer
	b.WriteString("id,name,card,phone,created,note\n")
	for i := 0; b.Len() < n; i++ {
		card := fmt.Sprintf("%016d", r.Int64N(1e16))
		if r.IntN(50) == 0 {
			card = "4532015112830366"
		}
		fmt.Fprintf(&b, "%d,user%d,%s,010-%04d-%04d,2026-%02d-%02d,\"order %d shipped\"\n", i, r.IntN(1e6), card, r.IntN(10000), r.IntN(10000), r.IntN(12)+1, r.IntN(28)+1, r.Int64N(1e9))
	}
	return b.Bytes()
}

func jsonl(r *rand.Rand, n int) []byte {
	var b bytes.Buffer
	for b.Len() < n {
		note := "ok"
		if r.IntN(30) == 0 {
			note = sensitive(r)
		}
		fmt.Fprintf(&b, `{"ts": %d, "user": {"id": %d, "email": "user%d@example.com"}, "amount": %d.%02d, "note": %q}`+"\n",
			1700000000000+r.Int64N(1e10), r.IntN(1e6), r.IntN(1e6), r.IntN(1000), r.IntN(100), note)
	}
	return b.Bytes()
}

func gz(data []byte) []byte {
	var b bytes.Buffer
	w := gzip.NewWriter(&b)
	w.Write(data)
	w.Close()
	return b.Bytes()
}

func zipOf(members map[string][]byte) []byte {
	var b bytes.Buffer
	w := zip.NewWriter(&b)
	for _, name := range []string{"a.log", "b.csv"} {
		f, _ := w.Create(name)
		f.Write(members[name])
	}
	w.Close()
	return b.Bytes()
}
