package dataid

import (
	"archive/zip"
	"bytes"
	"compress/gzip"
	"fmt"
	"strings"
	"testing"
	"unicode/utf8"
)

// A deterministic labelled corpus: documents built piece by piece, each
// planted positive recorded with its exact location as it is written, and
// decoys that must not be reported.

type want struct {
	path, id       string
	offset, length int
	line, column   int
	extendedOnly   bool
}

type docBuilder struct {
	path string
	b    strings.Builder
	line int
	col  int
	want []want
}

func newDoc(path string) *docBuilder { return &docBuilder{path: path, line: 1, col: 1} }

func (d *docBuilder) text(s string) *docBuilder {
	for _, r := range s {
		if r == '\n' {
			d.line, d.col = d.line+1, 1
		} else {
			d.col++
		}
	}
	d.b.WriteString(s)
	return d
}

// plant writes s and records it as an occurrence of id.
func (d *docBuilder) plant(id, s string, extendedOnly bool) *docBuilder {
	d.want = append(d.want, want{path: d.path, id: id, offset: d.b.Len(), length: len(s), line: d.line, column: d.col, extendedOnly: extendedOnly})
	return d.text(s)
}

func (d *docBuilder) bytes() []byte { return []byte(d.b.String()) }

const (
	goodCard   = "4532015112830366"
	goodSecret = "Zx9Kq2Lm8Np4Rs6Tu1Vw3Yb5Cd7Ef0GhIjKlMnOp"
	pemBody    = "MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcw\n"
)

// decoys look like sensitive data to a naive regex and must not be reported.
var decoys = strings.Join([]string{
	"card: 4532015112830367 (luhn failure)",
	"card: 4111111111111111 (issuer test number)",
	"aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
	"stripe sk_test_4eC39HqLyjWDarjtT1zdp7dc",
	"credentials commit 3f786850e387550fdab836ed7e6dc881de23001b",
	"request 123e4567-e89b-12d3-a456-426614174000",
	"version 1.12.4 build 20240115",
	"dob: 1985-02-29",
	"ID 900101-1234567",
	"-----BEGIN PUBLIC KEY-----\n" + pemBody + "-----END PUBLIC KEY-----",
	"-----BEGIN CERTIFICATE-----\n" + pemBody + "-----END CERTIFICATE-----",
	"-----BEGIN RSA PRIVATE KEY-----\n<your key here>\n-----END RSA PRIVATE KEY-----",
	"AKIAIOSFODNN7EXAMPLE",
	"timestamp 1700000000123",
	"ref 415-555-0132",
}, "\n") + "\n"

func textDoc(path string) *docBuilder {
	d := newDoc(path)
	d.text("Customer export — 고객 정보\n")
	d.text("visa card ").plant("CREDIT_CARD_NUMBER", goodCard, false).text("\n")
	d.text("주민등록번호: ").plant("KOREA_RESIDENT_REGISTRATION_NUMBER", "900101-1234567", true).text("\n")
	d.text("old id 900101-1234568 → ")
	d.want = append(d.want, want{path: path, id: "KOREA_RESIDENT_REGISTRATION_NUMBER", offset: d.b.Len() - len("900101-1234568 → "), length: 14,
		line: d.line, column: d.col - utf8.RuneCountInString("900101-1234568 → "), extendedOnly: true})
	d.text("\n")
	d.text("aws_secret_access_key = ").plant("AWS_CREDENTIALS", goodSecret, false).text("\n")
	d.text("메일 ").plant("EMAIL_ADDRESS", "kim@example.co.kr", true).text(" 휴대폰 ").plant("KOREA_MOBILE_PHONE_NUMBER", "010-1234-5678", true).text("\n")
	d.text("iban ").plant("GERMANY_BANK_ACCOUNT_NUMBER", "DE89 3704 0044 0532 0130 00", false).text("\n")
	d.plant("PKCS", "-----BEGIN PRIVATE KEY-----\n"+pemBody+"-----END PRIVATE KEY-----", false).text("\n")
	d.text(decoys)
	return d
}

func csvDoc(path string) *docBuilder {
	d := newDoc(path)
	d.text("name,credit_card,주민등록번호,note\n")
	d.text("kim,").plant("CREDIT_CARD_NUMBER", goodCard, false).text(",").plant("KOREA_RESIDENT_REGISTRATION_NUMBER", "9001011234567", true).text(",\"say \"\"hi\"\" ssn ")
	d.plant("USA_SOCIAL_SECURITY_NUMBER", "123-45-6789", false).text("\"\n")
	d.text("lee,4532015112830367,9013011234567,version 1.2.3\n")
	return d
}

func jsonDoc(path string) *docBuilder {
	d := newDoc(path)
	d.text(`{"credentials": {"aws": {"secret_key": "`).plant("AWS_CREDENTIALS", goodSecret, false).text(`"}},` + "\n")
	d.text(` "escaped": "`).plant("HTTP_BASIC_AUTH_HEADER", `Authorization: Basic dXNlcjpwYXNzd29yZA\u003d\u003d`, false)
	d.text(`", "dob": "`).plant("DATE_OF_BIRTH", "1984-02-29", false).text(`",` + "\n")
	d.text(` "key": "`).plant("PKCS", `-----BEGIN PRIVATE KEY-----\n`+strings.ReplaceAll(pemBody, "\n", `\n`)+`-----END PRIVATE KEY-----`, false).text(`",` + "\n")
	d.text(` "uuid": "123e4567-e89b-12d3-a456-426614174000", "card": `).plant("CREDIT_CARD_NUMBER", goodCard, false).text("}\n")
	return d
}

func jsonlDoc(path string) *docBuilder {
	d := newDoc(path)
	d.text(`{"ssn": "`).plant("USA_SOCIAL_SECURITY_NUMBER", "123-45-6789", false).text(`"}` + "\n")
	d.text(`{"ssn": "000-12-3456"}` + "\n")
	d.text(`{"휴대폰": "`).plant("KOREA_MOBILE_PHONE_NUMBER", "01012345678", true).text(`"}` + "\n")
	return d
}

type corpusFile struct {
	path string
	data []byte
	want []want
}

// buildCorpus returns the corpus files; archives re-home their members' wants.
func buildCorpus(t *testing.T) []corpusFile {
	t.Helper()
	txt, csvd, js, jl := textDoc("notes.txt"), csvDoc("export.csv"), jsonDoc("config.json"), jsonlDoc("events.jsonl")
	files := []corpusFile{{txt.path, txt.bytes(), txt.want}, {csvd.path, csvd.bytes(), csvd.want},
		{js.path, js.bytes(), js.want}, {jl.path, jl.bytes(), jl.want}}

	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	zw.Name = "notes.txt"
	zw.Write(txt.bytes())
	zw.Close()
	files = append(files, corpusFile{"notes.txt.gz", gz.Bytes(), rehome(txt.want, "notes.txt.gz!notes.txt")})

	inner := zipOf(t, map[string][]byte{"deep/notes.txt": txt.bytes()})
	outer := zipOf(t, map[string][]byte{"export.csv": csvd.bytes(), "inner.zip": inner})
	w := rehome(csvd.want, "bundle.zip!export.csv")
	w = append(w, rehome(txt.want, "bundle.zip!inner.zip!deep/notes.txt")...)
	files = append(files, corpusFile{"bundle.zip", outer, w})
	return files
}

func rehome(ws []want, path string) []want {
	out := make([]want, len(ws))
	for i, w := range ws {
		w.path = path
		out[i] = w
	}
	return out
}

func zipOf(t *testing.T, members map[string][]byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, name := range []string{"export.csv", "inner.zip", "deep/notes.txt", "a.txt", "bomb.txt"} {
		data, ok := members[name]
		if !ok {
			continue
		}
		w, err := zw.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		w.Write(data)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestLabelledCorpus(t *testing.T) {
	t.Parallel()
	files := buildCorpus(t)
	for _, profile := range []Profile{ProfileMacie, ProfileExtended} {
		s, err := New(Config{Profile: profile})
		if err != nil {
			t.Fatal(err)
		}
		st := s.NewState()
		wanted, found := 0, 0
		for _, f := range files {
			got := map[string]bool{}
			s.ScanDocument(st, f.path, f.data, Limits{}, func(r Result) {
				if r.Status != StatusComplete {
					t.Errorf("%s: %s %s %s", r.Path, r.Status, r.Reason, r.Detail)
				}
				for _, o := range r.Occurrences {
					got[key(o.Path, o.Identifier, int(o.ByteOffset), o.ByteLength, o.Line, o.Column)] = true
				}
			})
			for _, w := range f.want {
				if w.extendedOnly && profile == ProfileMacie {
					continue
				}
				wanted++
				k := key(w.path, w.id, w.offset, w.length, w.line, w.column)
				if !got[k] {
					t.Errorf("profile %d: missing %s", profile, k)
					continue
				}
				found++
				delete(got, k)
			}
			for k := range got {
				t.Errorf("profile %d: unexpected occurrence (a decoy?) %s", profile, k)
			}
		}
		if wanted < 20 || found != wanted {
			t.Fatalf("profile %d: found %d of %d planted positives", profile, found, wanted)
		}
	}
}

func key(path, id string, off, n, line, col int) string {
	return fmt.Sprintf("%s %s @%d+%d %d:%d", path, id, off, n, line, col)
}

func TestCorpusIsDeterministic(t *testing.T) {
	t.Parallel()
	a, b := buildCorpus(t), buildCorpus(t)
	for i := range a {
		if a[i].path != "bundle.zip" && a[i].path != "notes.txt.gz" && !bytes.Equal(a[i].data, b[i].data) {
			t.Fatalf("%s differs between two builds", a[i].path)
		}
	}
}
