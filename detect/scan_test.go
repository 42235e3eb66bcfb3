package detect

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/moatdev/moat/detect/detecttest"
)

func writeFile(t *testing.T, path string, data []byte) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
}

func TestScanTree(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	start := time.Date(2024, 5, 1, 12, 0, 0, 0, time.UTC)
	trail := filepath.Join(dir, "AWSLogs", "111122223333")
	var gz bytes.Buffer
	if err := detecttest.WriteCloudTrailGz(&gz, 1, start, 300, true); err != nil {
		t.Fatal(err)
	}
	writeFile(t, filepath.Join(trail, "CloudTrail", "us-east-1", "2024", "05", "01", "a.json.gz"), gz.Bytes())
	writeFile(t, filepath.Join(trail, "CloudTrail", "us-east-1", "2024", "05", "01", "b.json"), []byte("[{\"eventName\":\"X\"},\n{\"eventName\":[]}]"))
	writeFile(t, filepath.Join(trail, "CloudTrail", "us-east-1", "2024", "05", "01", "notes.txt"), []byte("not a trail file"))
	writeFile(t, filepath.Join(trail, "CloudTrail-Digest", "us-east-1", "d.json.gz"), []byte("not records"))
	writeFile(t, filepath.Join(trail, "CloudTrail", ".hidden", "h.json"), []byte("garbage"))
	var flows bytes.Buffer
	zw := gzip.NewWriter(&flows)
	detecttest.WriteFlowLogs(zw, 2, start)
	zw.Close()
	writeFile(t, filepath.Join(dir, "flows", "f.log.gz"), flows.Bytes())

	d, _ := New(Options{})
	var progress int
	st, err := Scan(context.Background(), Sources{CloudTrail: []string{trail, filepath.Join(dir, "missing")}, FlowLogs: []string{filepath.Join(dir, "flows")}}, d,
		ScanOptions{Workers: 3, Progress: func(ScanStats) { progress++ }})
	if err != nil {
		t.Fatal(err)
	}
	if st.Files != 3 || st.Records != 316+1+340 || st.Malformed != 1 || len(st.Errors) != 1 || len(st.Unreadable) != 1 || st.Bytes == 0 {
		t.Fatalf("stats %+v", st)
	}
	if !strings.Contains(st.Errors[0].Error(), "b.json:2:14: record 2: eventName: expected string, got array") {
		t.Errorf("error %v", st.Errors[0])
	}
	got := map[string]bool{}
	for _, f := range d.Findings() {
		got[f.Type] = true
	}
	for _, typ := range []string{TypeRootCredentialUsage, TypeSSHBruteForce, TypePortscan, TypeInstanceCredExfilOutside} {
		if !got[typ] {
			t.Errorf("missing %s", typ)
		}
	}
	// Parse-only reads the same and raises nothing.
	d2, _ := New(Options{})
	st2, _ := Scan(context.Background(), Sources{CloudTrail: []string{trail}}, d2, ScanOptions{ParseOnly: true, KeepErrors: 1})
	if st2.Records != 317 || len(d2.Findings()) != 0 {
		t.Fatalf("parse-only %+v, %d findings", st2, len(d2.Findings()))
	}
	// A cancelled scan stops.
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := Scan(ctx, Sources{CloudTrail: []string{trail}}, d2, ScanOptions{}); err == nil {
		t.Fatal("cancelled scan returned no error")
	}
}

func TestOutputs(t *testing.T) {
	t.Parallel()
	d, _ := New(Options{AccountID: "111122223333", Region: "us-east-1"})
	d.CloudTrail(mustRecord(t, `{"eventName":"PutBucketAcl","eventSource":"s3.amazonaws.com","awsRegion":"us-east-1","recipientAccountId":"111122223333","requestParameters":{"bucketName":"b","x-amz-acl":["public-read"]},`+user+`}`))
	d.CloudTrail(mustRecord(t, `{"eventName":"StopLogging","eventSource":"cloudtrail.amazonaws.com","awsRegion":"us-east-1","requestParameters":{"name":"t"},`+user+`}`))
	fs := d.Findings()
	var js, asff, sarif, table bytes.Buffer
	if err := WriteJSON(&js, fs); err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Findings []Finding `json:"findings"`
	}
	if err := json.Unmarshal(js.Bytes(), &doc); err != nil || len(doc.Findings) != 2 || doc.Findings[0].Type != TypeBucketAnonymousAccess {
		t.Fatalf("json %v %+v", err, doc)
	}
	if err := WriteASFF(&asff, fs); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`"ProductArn": "arn:aws:securityhub:us-east-1::product/aws/guardduty"`, `"Type": "AwsS3Bucket"`, `"Id": "arn:aws:s3:::b"`, `"Normalized": 80`, `"Label": "HIGH"`, `"Label": "LOW"`} {
		if !strings.Contains(asff.String(), want) {
			t.Errorf("ASFF lacks %s:\n%s", want, asff.String())
		}
	}
	if err := WriteSARIF(&sarif, fs, "test"); err != nil {
		t.Fatal(err)
	}
	var s struct {
		Runs []struct {
			Results []struct {
				RuleID, Level string
			} `json:"results"`
		} `json:"runs"`
	}
	if err := json.Unmarshal(sarif.Bytes(), &s); err != nil || len(s.Runs[0].Results) != 2 || s.Runs[0].Results[0].Level != "error" || s.Runs[0].Results[1].Level != "note" {
		t.Fatalf("sarif %v %+v", err, s)
	}
	WriteTable(&table, fs)
	if lines := strings.Split(strings.TrimSpace(table.String()), "\n"); len(lines) != 3 || !strings.HasPrefix(lines[1], "High") {
		t.Fatalf("table:\n%s", table.String())
	}
	empty := bytes.Buffer{}
	WriteJSON(&empty, nil)
	if !strings.Contains(empty.String(), `"findings": []`) {
		t.Errorf("empty json %s", empty.String())
	}
}

func TestParseSeverityAndLabels(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]float64{"low": 1, "MEDIUM": 4, "high": 7, "critical": 9, "5.5": 5.5} {
		if got, err := ParseSeverity(in); err != nil || got != want {
			t.Errorf("%s: %v %v", in, got, err)
		}
	}
	for _, bad := range []string{"severe", "11", "-1"} {
		if _, err := ParseSeverity(bad); err == nil {
			t.Errorf("%s accepted", bad)
		}
	}
	for sev, want := range map[float64]string{0: "Informational", 2: "Low", 5: "Medium", 8: "High", 9.5: "Critical"} {
		if SeverityLabel(sev) != want {
			t.Errorf("%v: %s", sev, SeverityLabel(sev))
		}
	}
	if len(FindingTypes()) != 51 || !IsMoatType(TypeMoatSigma) || IsMoatType(TypePortscan) {
		t.Error("finding type catalogue")
	}
}

func TestSTIXList(t *testing.T) {
	t.Parallel()
	stix := `<?xml version="1.0"?>
<stix:STIX_Package xmlns:stix="http://stix.mitre.org/stix-1" xmlns:AddressObj="http://cybox.mitre.org/objects#AddressObject-2" xmlns:DomainNameObj="http://cybox.mitre.org/objects#DomainNameObject-1" xmlns:cybox="http://cybox.mitre.org/cybox-2">
 <stix:Observables>
  <cybox:Observable><cybox:Object><cybox:Properties><AddressObj:Address_Value condition="Equals">198.51.100.1##comma##203.0.113.0/24</AddressObj:Address_Value></cybox:Properties></cybox:Object></cybox:Observable>
  <cybox:Observable><cybox:Object><cybox:Properties><DomainNameObj:Value>evil.example</DomainNameObj:Value></cybox:Properties></cybox:Object></cybox:Observable>
 </stix:Observables>
</stix:STIX_Package>`
	l, err := ReadIPList(strings.NewReader(stix), "s.xml", FormatSTIX, ThreatCommandAndControl)
	if err != nil {
		t.Fatal(err)
	}
	if l.Len() != 3 || !l.Contains(mustAddr("203.0.113.77")) || !l.Contains(mustAddr("198.51.100.1")) || !l.ContainsDomain("a.evil.example") || l.Contains(mustAddr("198.51.100.2")) {
		t.Fatalf("list %+v", l)
	}
	if _, err := ReadIPList(strings.NewReader("<a><b>"), "bad.xml", FormatSTIX, ThreatCustom); err == nil || !strings.Contains(err.Error(), "bad.xml:1:") {
		t.Fatalf("bad STIX: %v", err)
	}
	if _, err := ReadIPList(strings.NewReader(""), "x", "OTX_CSV", ThreatCustom); err == nil {
		t.Fatal("unsupported format accepted")
	}
}

func mustAddr(s string) netip.Addr { a, _ := parseAddr(s); return a }

func TestWindowExpiry(t *testing.T) {
	t.Parallel()
	d, _ := New(Options{})
	t0 := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := 0; i < 3; i++ {
		d.CloudTrail(mustRecord(t, `{"eventName":"ConsoleLogin","eventSource":"signin.amazonaws.com","eventTime":"2024-01-01T00:00:0`+itoa(i)+`Z","sourceIPAddress":"192.0.2.`+itoa(i)+`","responseElements":{"ConsoleLogin":"Failure"},`+user+`}`))
	}
	if len(d.ct.failedByUser) != 1 || len(d.ct.failedByIP) != 3 {
		t.Fatalf("windows %d %d", len(d.ct.failedByUser), len(d.ct.failedByIP))
	}
	d.seen = 65535
	d.tick(t0.Add(time.Hour))
	if len(d.ct.failedByUser) != 0 || len(d.ct.failedByIP) != 0 {
		t.Fatalf("idle windows not expired: %d %d", len(d.ct.failedByUser), len(d.ct.failedByIP))
	}
}

func TestYAMLSubset(t *testing.T) {
	t.Parallel()
	v, err := parseYAML("a: [x, 'y, z', \"q\\n\"]\nb: ~\nc: >\n  one\n  two\nd:\n- k: v\n  m: n\n- plain # comment\n'e': 'it''s'\n")
	if err != nil {
		t.Fatal(err)
	}
	m := v.(*yamlMap)
	a := m.get("a").([]any)
	if len(a) != 3 || a[1] != "y, z" || a[2] != "q\n" || m.get("b") != nil || m.get("c") != "one two" || m.get("e") != "it's" {
		t.Fatalf("%+v", m.vals)
	}
	d := m.get("d").([]any)
	if d[0].(*yamlMap).get("m") != "n" || d[1] != "plain" {
		t.Fatalf("%+v", d)
	}
	for _, bad := range []string{"a: b\na: c\n", "a: {x: 1}\n", "a: 'open\n", "\ta: b\n", "a: *alias\n", "just text\n", ""} {
		if _, err := parseYAML(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}
