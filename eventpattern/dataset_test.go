package eventpattern

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// stratusDir holds real CloudTrail records of Stratus Red Team detonations
// (read from the shared datasets, never copied into the repository).
const stratusDir = "../../shared/datasets/detection/stratus-red-team-detonation-logs"

// stratusEvents wraps every record as EventBridge delivers CloudTrail
// records: source aws.<service>, detail-type "AWS API Call via CloudTrail"
// (or "AWS Console Sign In via CloudTrail"), detail = the record. The map
// key is the file name.
func stratusEvents(t testing.TB) map[string][][]byte {
	t.Helper()
	files, _ := filepath.Glob(filepath.Join(stratusDir, "*.json"))
	if len(files) == 0 {
		t.Skip("shared datasets not present: " + stratusDir)
	}
	out := map[string][][]byte{}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var recs []map[string]any
		if err := json.Unmarshal(data, &recs); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		for _, r := range recs {
			src, _ := r["eventSource"].(string)
			dt := "AWS API Call via CloudTrail"
			if r["eventType"] == "AwsConsoleSignIn" {
				dt = "AWS Console Sign In via CloudTrail"
			}
			ev, _ := json.Marshal(map[string]any{"version": "0", "id": r["eventID"], "detail-type": dt,
				"source": "aws." + strings.TrimSuffix(src, ".amazonaws.com"), "account": r["recipientAccountId"],
				"time": r["eventTime"], "region": r["awsRegion"], "resources": []any{}, "detail": r})
			out[filepath.Base(f)] = append(out[filepath.Base(f)], ev)
		}
	}
	return out
}

// TestStratusRecords runs detection-style rules and 1,000 of the benchmark's
// rules over real CloudTrail records: the Set agrees with the naive matcher
// on every record, and each detection rule fires on its technique's file.
func TestStratusRecords(t *testing.T) {
	events := stratusEvents(t)
	detections := map[string]string{
		"aws.defense-evasion.cloudtrail-stop.json":   `{"source":["aws.cloudtrail"],"detail":{"eventName":["StopLogging"]}}`,
		"aws.defense-evasion.cloudtrail-delete.json": `{"detail":{"eventSource":["cloudtrail.amazonaws.com"],"eventName":["DeleteTrail"]}}`,
		"aws.initial-access.console-login-without-mfa.json": `{"detail-type":["AWS Console Sign In via CloudTrail"],
			"detail":{"additionalEventData":{"MFAUsed":[{"anything-but":"Yes"}]}}}`,
		"aws.exfiltration.ec2-security-group-open-port-22-ingress.json": `{"detail":{"eventName":["AuthorizeSecurityGroupIngress"],
			"requestParameters":{"cidrIp":[{"suffix":"/0"}],"fromPort":[{"numeric":["<=",22]}],"toPort":[{"numeric":[">=",22]}]}}}`,
		"aws.credential-access.secretsmanager-retrieve-secrets.json": `{"detail":{"eventName":[{"prefix":"GetSecret"}],"errorCode":[{"exists":false}]}}`,
	}
	s, ids, pats := benchSet(t, 1000)
	for file, src := range detections {
		p := mustParse(t, src)
		s.Add(file, p)
		pats[file] = p
		ids = append(ids, file)
	}
	sortStrings(ids)
	fired := map[string]bool{}
	n := 0
	for file, evs := range events {
		for _, ev := range evs {
			got, err := s.Match(ev)
			if err != nil {
				t.Fatalf("%s: %v", file, err)
			}
			want, _ := naiveMatchAll(ids, pats, ev)
			if strings.Join(got, ",") != strings.Join(want, ",") {
				t.Fatalf("%s: set %v naive %v\n%s", file, got, want, ev)
			}
			if contains(got, file) {
				fired[file] = true
			}
			n++
		}
	}
	if n < 300 {
		t.Fatalf("only %d records", n)
	}
	for file := range detections {
		if !fired[file] {
			t.Errorf("detection for %s did not fire", file)
		}
	}
	t.Logf("%d records from %d files", n, len(events))
}

// BenchmarkStratus matches the real CloudTrail records against 10,000
// rules (skipped without the shared datasets).
func BenchmarkStratus(b *testing.B) {
	var events [][]byte
	for _, evs := range stratusEvents(b) {
		events = append(events, evs...)
	}
	s, _, _ := benchSet(b, 10000)
	b.ReportAllocs()
	var dst []string
	for i := 0; b.Loop(); i++ {
		dst, _ = s.MatchAppend(dst[:0], events[i%len(events)])
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "events/s")
}
