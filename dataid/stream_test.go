package dataid

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestStreamMatchesWhole: a large text file scanned in chunks reports
// exactly what scanning it whole reports, occurrences across chunk
// boundaries included. Not parallel: it shrinks the chunk size.
func TestStreamMatchesWhole(t *testing.T) {
	oldChunk, oldOverlap := textChunk, chunkOverlap
	textChunk, chunkOverlap = 1500, 600
	defer func() { textChunk, chunkOverlap = oldChunk, oldOverlap }()

	var b strings.Builder
	for i := 0; b.Len() < 20000; i++ {
		fmt.Fprintf(&b, "%s line %d 주민 visa %s\n", strings.Repeat("x", i%37), i, goodCard)
		if i%7 == 0 {
			b.WriteString("aws_secret_access_key = " + goodSecret + "\n")
		}
		if i%11 == 0 {
			b.WriteString("-----BEGIN PRIVATE KEY-----\n" + pemBody + "-----END PRIVATE KEY-----\n")
		}
	}
	data := []byte(b.String())
	dir := t.TempDir()
	file := filepath.Join(dir, "big.log")
	if err := os.WriteFile(file, data, 0o600); err != nil {
		t.Fatal(err)
	}
	s, err := New(Config{})
	if err != nil {
		t.Fatal(err)
	}
	var whole, streamed []Occurrence
	s.ScanDocument(s.NewState(), "big.log", data, Limits{}, func(r Result) { whole = append(whole, r.Occurrences...) })
	var res []Result
	if err := s.ScanPaths([]string{dir}, Options{}, func(r Result) { res = append(res, r) }); err != nil {
		t.Fatal(err)
	}
	for _, r := range res {
		streamed = append(streamed, r.Occurrences...)
		if r.Status != StatusComplete || r.Size != int64(len(data)) {
			t.Fatalf("streamed result %s %s size %d", r.Status, r.Reason, r.Size)
		}
	}
	if len(whole) < 100 || len(whole) != len(streamed) {
		t.Fatalf("whole %d occurrences, streamed %d", len(whole), len(streamed))
	}
	for i := range whole {
		w, g := whole[i], streamed[i]
		if w.ByteOffset != g.ByteOffset || w.Line != g.Line || w.Column != g.Column || w.Identifier != g.Identifier || w.ByteLength != g.ByteLength {
			t.Fatalf("occurrence %d: whole %+v, streamed %+v", i, w, g)
		}
	}
}

func TestStreamBinary(t *testing.T) {
	oldChunk := textChunk
	textChunk = 1000
	defer func() { textChunk = oldChunk }()
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "blob.dat"), append([]byte{0, 1, 2}, make([]byte, 5000)...), 0o600)
	s, _ := New(Config{})
	var res []Result
	s.ScanPaths([]string{dir}, Options{}, func(r Result) { res = append(res, r) })
	if len(res) != 1 || res[0].Status != StatusSkipped || res[0].Reason != ReasonUnsupportedType {
		t.Fatalf("%+v", res)
	}
}
