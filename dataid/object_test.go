package dataid

import (
	"archive/zip"
	"bytes"
	"strings"
	"testing"
)

func objZip(t testing.TB, files map[string]string) []byte {
	t.Helper()
	var b bytes.Buffer
	w := zip.NewWriter(&b)
	for _, name := range []string{"a.txt", "b.csv", "c.gz"} {
		body, ok := files[name]
		if !ok {
			continue
		}
		f, err := w.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		_, _ = f.Write([]byte(body))
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// One object, one result: an archive's members fold together, a corrupt
// member makes the result PARTIAL, and Macie's 15-location cap holds
// while counts count everything.
func TestScanObject(t *testing.T) {
	s, err := New(Config{})
	if err != nil {
		t.Fatal(err)
	}
	st := s.NewState()
	data := objZip(t, map[string]string{
		"a.txt": "card: " + goodCard + "\n",
		"b.csv": "name,card_number\nKim," + goodCard + "\n",
		"c.gz":  "\x1f\x8b\x08\x00 broken",
	})
	r := s.ScanObject(st, "bundle.zip", data, Limits{}, nil)
	if r.FindingType != "SensitiveData:S3Object/Financial" || r.Severity != High || r.Classification.Status.Code != StatusPartial || r.Classification.MimeType != "application/zip" {
		t.Fatalf("zip: %s %s %+v", r.FindingType, r.Severity, r.Classification.Status)
	}
	d := r.Classification.SensitiveData[0].Detections[0]
	if d.Count != 2 || len(d.Occurrences.LineRanges) != 1 || len(d.Occurrences.Cells) != 1 {
		t.Fatalf("zip detections: %+v", d)
	}

	many := strings.Repeat("card: "+goodCard+"\n", 20)
	r = s.ScanObject(st, "many.txt", []byte(many), Limits{}, nil)
	d = r.Classification.SensitiveData[0].Detections[0]
	if d.Count != 20 || len(d.Occurrences.LineRanges) != MaxOccurrencesPerType || !r.Classification.AdditionalOccurrences || r.Classification.Status.Code != StatusComplete {
		t.Fatalf("20 cards: count %d, %d locations, additional %v", d.Count, len(d.Occurrences.LineRanges), r.Classification.AdditionalOccurrences)
	}

	r = s.ScanObject(st, "blob.bin", []byte("\x00\x01card: "+goodCard), Limits{}, nil)
	if r.FindingType != "" || r.Classification.Status.Code != StatusSkipped {
		t.Fatalf("binary: %s %+v", r.FindingType, r.Classification.Status)
	}
}

// BenchmarkScanObject measures one 4 MiB text object through ScanObject,
// the work of a classification job per object.
func BenchmarkScanObject(b *testing.B) {
	s, err := New(Config{})
	if err != nil {
		b.Fatal(err)
	}
	data := benchText(4 << 20)
	st := s.NewState()
	b.SetBytes(int64(len(data)))
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if r := s.ScanObject(st, "x.txt", data, Limits{}, nil); r.FindingType == "" {
			b.Fatal("nothing found")
		}
	}
}
