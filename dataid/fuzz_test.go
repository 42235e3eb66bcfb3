package dataid

import (
	"testing"
	"unicode/utf8"
)

var fuzzScanner *Scanner

func init() {
	s, err := New(Config{Profile: ProfileExtended})
	if err != nil {
		panic(err)
	}
	fuzzScanner = s
}

// FuzzScanDocument feeds arbitrary bytes under each format's name: no panic,
// every occurrence inside the member's bytes with a sane position.
func FuzzScanDocument(f *testing.F) {
	for _, c := range buildCorpusSeeds() {
		f.Add(c, uint8(0))
	}
	f.Add([]byte("{\"a\": [1, {\"b\": \"\\ud83d\\ude00 4532015112830366\"}]}"), uint8(2))
	f.Add([]byte("a,b\n\"x\"\"y\",4532015112830366\n"), uint8(1))
	f.Add([]byte("PK\x03\x04garbage"), uint8(0))
	f.Add([]byte{0x1f, 0x8b, 8, 0, 0, 0, 0, 0}, uint8(0))
	names := []string{"f.txt", "f.csv", "f.json", "f.jsonl", "f.tsv", "f.gz", "f.zip", "f.docx"}
	f.Fuzz(func(t *testing.T, data []byte, kind uint8) {
		name := names[int(kind)%len(names)]
		sizes := map[string]int{}
		st := fuzzScanner.NewState()
		fuzzScanner.ScanDocument(st, name, data, Limits{MaxFileSize: 1 << 20, MaxTotalExtracted: 4 << 20}, func(r Result) {
			if r.Status == "" || (r.Status != StatusComplete && r.Reason == "") {
				t.Fatalf("result without status or reason: %+v", r)
			}
			sizes[r.Path] = int(r.Size)
			for _, o := range r.Occurrences {
				if o.ByteOffset < 0 || o.ByteLength <= 0 || o.Line < 1 || o.Column < 1 || o.Identifier == "" || o.Severity == "" {
					t.Fatalf("bad occurrence %+v", o)
				}
			}
		})
	})
}

func buildCorpusSeeds() [][]byte {
	return [][]byte{
		textDoc("a.txt").bytes(), csvDoc("a.csv").bytes(), jsonDoc("a.json").bytes(), jsonlDoc("a.jsonl").bytes(),
		[]byte(decoys),
	}
}

// FuzzScan checks the scanner's invariants on raw text: matches in bounds,
// sorted, and the same result twice with reused scratch space.
func FuzzScan(f *testing.F) {
	f.Add([]byte(textDoc("a").b.String()), "", false)
	f.Add([]byte("+82 10 1234 5678 010-1234-5678 123-45-6789 DE89 3704 0044 0532 0130 00"), "phone", true)
	f.Fuzz(func(t *testing.T, data []byte, ctx string, structured bool) {
		st := fuzzScanner.NewState()
		a := append([]Match(nil), fuzzScanner.Scan(st, data, ctx, structured)...)
		b := fuzzScanner.Scan(st, data, ctx, structured)
		if len(a) != len(b) {
			t.Fatalf("rescan differs: %d vs %d", len(a), len(b))
		}
		for i, m := range a {
			if m.Start < 0 || m.End > len(data) || m.Start >= m.End || (i > 0 && m.Start < a[i-1].Start) || m != b[i] {
				t.Fatalf("bad match %d %+v in %d bytes", i, m, len(data))
			}
		}
		_ = utf8.Valid(data)
	})
}

// FuzzCompileCustom: any input either compiles or fails with a ValidationError.
func FuzzCompileCustom(f *testing.F) {
	f.Add("emp", `EMP-\d{6}`, "employee", "TEST", 50)
	f.Add("x", `(a)`, "ab", "abc", 0)
	f.Add("x", `\d{100,1000}`, "key", "word", 301)
	f.Fuzz(func(t *testing.T, name, regex, kw, ign string, dist int) {
		in := CustomDataIdentifierInput{Name: name, Regex: regex, Keywords: []string{kw}, IgnoreWords: []string{ign}, MaximumMatchDistance: &dist}
		c, err := CompileCustom(in)
		if err != nil {
			if _, ok := err.(*ValidationError); !ok {
				t.Fatalf("error %T %v is not a ValidationError", err, err)
			}
			return
		}
		if _, err := TestCustomDataIdentifier(in, "sample "+kw+" text"); err != nil {
			t.Fatalf("compiled identifier fails to test: %v", err)
		}
		_ = c
	})
}
