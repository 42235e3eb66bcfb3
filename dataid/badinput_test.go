package dataid

import (
	"archive/zip"
	"bytes"
	"compress/gzip"
	"strings"
	"testing"
)

func scanAll(t *testing.T, name string, data []byte, lim Limits) []Result {
	t.Helper()
	s, err := New(Config{Profile: ProfileExtended})
	if err != nil {
		t.Fatal(err)
	}
	var out []Result
	s.ScanDocument(s.NewState(), name, data, lim, func(r Result) { out = append(out, r) })
	return out
}

func findResult(rs []Result, path string) *Result {
	for i := range rs {
		if rs[i].Path == path {
			return &rs[i]
		}
	}
	return nil
}

func gzipOf(data []byte) []byte {
	var b bytes.Buffer
	w := gzip.NewWriter(&b)
	w.Write(data)
	w.Close()
	return b.Bytes()
}

func TestBadInput(t *testing.T) {
	t.Parallel()
	card := []byte("visa " + goodCard + "\n")
	bomb := zipOf(t, map[string][]byte{"bomb.txt": bytes.Repeat([]byte{'a'}, 8<<20), "a.txt": card})
	nested := card
	for i := 0; i < 4; i++ {
		nested = zipOf(t, map[string][]byte{"inner.zip": nested})
	}
	truncGz := gzipOf(append(bytes.Repeat([]byte("filler line\n"), 2000), card...))
	truncGz = truncGz[:len(truncGz)-20]

	cases := []struct {
		name, file string
		data       []byte
		lim        Limits
		path       string // result to check
		status     string
		reason     string
		detail     string // substring
		occ        int    // occurrences expected in that result
	}{
		{"corrupt zip", "x.zip", []byte("PK\x03\x04 this is not a zip"), Limits{}, "x.zip", StatusSkipped, ReasonMalformed, "zip:", 0},
		{"zip bomb member", "b.zip", bomb, Limits{MaxExpansionRatio: 100}, "b.zip!bomb.txt", StatusSkipped, ReasonArchiveRatio, "100 times", 0},
		{"bomb sibling still scanned", "b.zip", bomb, Limits{MaxExpansionRatio: 100}, "b.zip!a.txt", StatusComplete, "", "", 1},
		{"member over size limit", "b.zip", bomb, Limits{MaxFileSize: 1 << 20}, "b.zip!bomb.txt", StatusPartial, ReasonSizeLimit, "size limit", 0},
		{"nesting", "n.zip", nested, Limits{MaxArchiveDepth: 3}, "n.zip!inner.zip!inner.zip!inner.zip", StatusSkipped, ReasonArchiveNesting, "3 levels", 0},
		{"nesting within limit", "n.zip", nested, Limits{MaxArchiveDepth: 5}, "n.zip!inner.zip!inner.zip!inner.zip!inner.zip", StatusComplete, "", "", 1},
		{"binary", "x.bin", append([]byte("visa "+goodCard), 0, 1, 2), Limits{}, "x.bin", StatusSkipped, ReasonUnsupportedType, "binary", 0},
		{"truncated gzip keeps what was read", "t.txt.gz", truncGz, Limits{}, "t.txt.gz", StatusPartial, ReasonMalformed, "gzip stream", 0},
		{"malformed json keeps earlier values", "m.json", []byte("{\"ssn\": \"123-45-6789\",\n \"x\": [1, 2,, 3]}"), Limits{}, "m.json", StatusPartial, ReasonMalformed, "line 2, column 13", 1},
		{"json nesting", "d.json", []byte(strings.Repeat("[", 300) + strings.Repeat("]", 300)), Limits{}, "d.json", StatusPartial, ReasonJSONNesting, "deeper than 256", 0},
		{"bad jsonl line does not lose the others", "e.jsonl", []byte("{\"ssn\":\"123-45-6789\"}\n{oops}\n{\"ssn\":\"234-56-7890\"}\n"), Limits{}, "e.jsonl", StatusPartial, ReasonMalformed, "record 1", 2},
		{"unterminated csv quote", "q.csv", []byte("ssn,x\n123-45-6789,\"open\n"), Limits{}, "q.csv", StatusPartial, ReasonMalformed, "line 2, column 13", 1},
		{"huge single line", "h.txt", append(bytes.Repeat([]byte("x"), 4<<20), card...), Limits{}, "h.txt", StatusComplete, "", "", 1},
		{"invalid utf-8", "u.txt", append([]byte("\xfd\xff\xfe visa "), []byte(goodCard)...), Limits{}, "u.txt", StatusComplete, ReasonInvalidUTF8, "invalid UTF-8", 1},
		{"unsupported parquet", "p.parquet", []byte("PAR1...."), Limits{}, "p.parquet", StatusSkipped, ReasonUnsupportedType, ".parquet", 0},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			rs := scanAll(t, c.file, c.data, c.lim)
			r := findResult(rs, c.path)
			if r == nil {
				t.Fatalf("no result for %s in %+v", c.path, rs)
			}
			if r.Status != c.status || r.Reason != c.reason || !strings.Contains(r.Detail, c.detail) || len(r.Occurrences) != c.occ {
				t.Fatalf("got %s %s %q with %d occurrences, want %s %s %q with %d", r.Status, r.Reason, r.Detail, len(r.Occurrences), c.status, c.reason, c.detail, c.occ)
			}
		})
	}
}

func TestTruncatedGzipMemberScanned(t *testing.T) {
	t.Parallel()
	data := gzipOf([]byte("visa " + goodCard + "\n" + strings.Repeat("filler\n", 5000)))
	rs := scanAll(t, "t.txt.gz", data[:len(data)-10], Limits{})
	if m := findResult(rs, "t.txt.gz!t.txt"); m == nil || len(m.Occurrences) != 1 {
		t.Fatalf("the card before the cut was lost: %+v", rs)
	}
}

func TestUTF16(t *testing.T) {
	t.Parallel()
	var b []byte
	b = append(b, 0xff, 0xfe)
	for _, r := range "주민등록번호 900101-1234567 card " + goodCard {
		b = append(b, byte(r), byte(r>>8))
	}
	rs := scanAll(t, "w.txt", b, Limits{})
	if len(rs) != 1 || len(rs[0].Occurrences) != 2 || rs[0].Occurrences[0].Column != 8 {
		t.Fatalf("UTF-16 text: %+v", rs)
	}
}

func TestZipMemberCRCError(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	w, _ := zw.CreateHeader(&zip.FileHeader{Name: "a.txt", Method: zip.Store})
	w.Write([]byte("visa " + goodCard))
	zw.Close()
	data := buf.Bytes()
	i := bytes.Index(data, []byte("visa"))
	data[i] = 'V' // payload changed: the CRC no longer matches
	rs := scanAll(t, "c.zip", data, Limits{})
	r := findResult(rs, "c.zip!a.txt")
	if r == nil || len(r.Occurrences) != 1 {
		t.Fatalf("member with a bad CRC: %+v", rs)
	}
	var bad bool
	for _, x := range rs {
		bad = bad || x.Reason == ReasonMalformed
	}
	if !bad {
		t.Fatalf("the CRC error was not reported: %+v", rs)
	}
}

func TestEUCKR(t *testing.T) {
	t.Parallel()
	// "주민등록번호: 900101-1234567" in EUC-KR: the keyword is found in its
	// EUC-KR bytes; the post-2020 number (no check digit) needs it.
	data := append([]byte("\xc1\xd6\xb9\xce\xb5\xee\xb7\xcf\xb9\xf8\xc8\xa3: "), "900101-1234567\n"...)
	rs := scanAll(t, "old.txt", data, Limits{})
	if len(rs) != 1 || len(rs[0].Occurrences) != 1 || rs[0].Occurrences[0].Identifier != "KOREA_RESIDENT_REGISTRATION_NUMBER" ||
		rs[0].Occurrences[0].ByteOffset != 14 {
		t.Fatalf("EUC-KR: %+v", rs)
	}
	if rs[0].Reason != ReasonInvalidUTF8 {
		t.Errorf("reason %q", rs[0].Reason)
	}
}
