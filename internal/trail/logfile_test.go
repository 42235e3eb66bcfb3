package trail

import (
	"bytes"
	"compress/gzip"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestLogFileKey(t *testing.T) {
	t.Parallel()
	at := time.Date(2026, 11, 29, 12, 5, 59, 0, time.FixedZone("X", 3600))
	got := LogFileKey("", "111122223333", "us-east-1", at, "Ab12Cd34Ef56Gh78")
	want := "AWSLogs/111122223333/CloudTrail/us-east-1/2026/11/29/111122223333_CloudTrail_us-east-1_20261129T1105Z_Ab12Cd34Ef56Gh78.json.gz"
	if got != want {
		t.Errorf("LogFileKey = %s\nwant %s", got, want)
	}
	if got := LogFileKey("o-exampleorgid", "111122223333", "us-east-1", at, "u"); !strings.HasPrefix(got, "AWSLogs/o-exampleorgid/111122223333/CloudTrail/") {
		t.Errorf("organization key = %s", got)
	}
}

func TestReadRecordsShapes(t *testing.T) {
	t.Parallel()
	read := func(name string, b []byte) []*Record {
		t.Helper()
		recs, err := ReadRecords(bytes.NewReader(b))
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		return recs
	}
	array, err := os.ReadFile(filepath.Join(sharedDetection(t), "stratus-red-team-detonation-logs", "aws.persistence.iam-create-admin-user.json"))
	if err != nil {
		t.Fatal(err)
	}
	if n := len(read("array", array)); n != 3 {
		t.Errorf("array: %d records, want 3", n)
	}
	logFile, err := os.ReadFile(filepath.Join(sharedDetection(t), "awsdocs-examples", "awsdocs-cloudtrail-examples.json"))
	if err != nil {
		t.Fatal(err)
	}
	recs := read("Records", logFile)
	if len(recs) != 19 || recs[0].EventName != "ConsoleLogin" {
		t.Fatalf("Records: %d records", len(recs))
	}
	var lines bytes.Buffer
	for _, r := range recs {
		b, err := Encode(r)
		if err != nil {
			t.Fatal(err)
		}
		lines.Write(append(b, '\n'))
	}
	if n := len(read("lines", lines.Bytes())); n != 19 {
		t.Errorf("JSON lines: %d records, want 19", n)
	}
	var gz bytes.Buffer
	if err := WriteLogFile(&gz, recs); err != nil {
		t.Fatal(err)
	}
	back := read("gzip log file", gz.Bytes())
	if len(back) != 19 || back[18].EventID != recs[18].EventID {
		t.Errorf("gzip round trip: %d records", len(back))
	}
	if n := len(read("empty", []byte("  \n"))); n != 0 {
		t.Errorf("empty: %d records", n)
	}
	if n := len(read("one line", []byte(`{"eventName":"X"}`))); n != 1 {
		t.Errorf("one line: %d records", n)
	}
}

func TestReadRecordsErrors(t *testing.T) {
	t.Parallel()
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	zw.Write([]byte(`{"Records":[{"eventName":"X"}]}`))
	zw.Close()
	truncated := gz.Bytes()[:gz.Len()-6]
	for name, in := range map[string][]byte{
		"not JSON":          []byte("hello"),
		"array of strings":  []byte(`["a"]`),
		"line not object":   []byte("{\"eventName\":\"X\"}\n42\n"),
		"bad record":        []byte(`{"Records":[{"eventTime":"never"}]}`),
		"truncated gzip":    truncated,
		"gzip magic only":   {0x1f, 0x8b},
		"unterminated line": []byte("{\"eventName\":\"X\"}\n{\"eventName\""),
	} {
		if recs, err := ReadRecords(bytes.NewReader(in)); err == nil {
			t.Errorf("%s: read %d records without error", name, len(recs))
		}
	}
}
