package detect

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

// datasetDir finds ../shared/datasets/detection from the module root, or
// skips the test when the folder is absent.
func datasetDir(t *testing.T, sub string) string {
	t.Helper()
	dir := filepath.Join("..", "..", "shared", "datasets", "detection", sub)
	if _, err := os.Stat(dir); err != nil {
		t.Skipf("shared dataset %s not present (%v); these tests need ../shared from the module root", sub, err)
	}
	return dir
}

// runFile feeds one CloudTrail file to a fresh detector and returns the
// finding types raised, the records read and the read errors.
func runFile(t *testing.T, path string, opts Options) (map[string]*Finding, int, []error) {
	t.Helper()
	d, err := New(opts)
	if err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	r := NewCloudTrailReader(f, filepath.Base(path))
	n := 0
	var errs []error
	for {
		rec, err := r.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			errs = append(errs, err)
			continue
		}
		n++
		d.CloudTrail(rec)
	}
	got := map[string]*Finding{}
	for _, f := range d.Findings() {
		got[f.Type] = f
	}
	return got, n, errs
}

func typesOf(m map[string]*Finding) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// TestStratusTechniques runs every Stratus Red Team detonation log and checks
// that it raises exactly the findings a user would expect for the technique.
func TestStratusTechniques(t *testing.T) {
	dir := datasetDir(t, "stratus-red-team-detonation-logs")
	want := map[string][]string{
		"aws.defense-evasion.cloudtrail-stop":                  {TypeCloudTrailLoggingDisabled},
		"aws.defense-evasion.cloudtrail-delete":                {TypeCloudTrailLoggingDisabled},
		"aws.defense-evasion.cloudtrail-event-selectors":       {TypeCloudTrailLoggingDisabled},
		"aws.initial-access.console-login-without-mfa":         {TypeMoatConsoleLoginWithoutMFA},
		"aws.credential-access.ec2-steal-instance-credentials": {TypeInstanceCredExfilOutside},
	}
	files, _ := filepath.Glob(filepath.Join(dir, "*.json"))
	if len(files) != 35 {
		t.Fatalf("expected the 35 Stratus detonation logs, found %d", len(files))
	}
	total := 0
	for _, path := range files {
		tech := strings.TrimSuffix(filepath.Base(path), ".json")
		t.Run(tech, func(t *testing.T) {
			got, n, errs := runFile(t, path, Options{})
			total += n
			if len(errs) > 0 {
				t.Fatalf("read errors: %v", errs)
			}
			// Exactly the expected types: the other techniques raise nothing
			// without Sigma rules (their API calls need a learnt baseline to
			// be anomalous; see TestSigmaHQAWSRules for what Sigma adds).
			if strings.Join(typesOf(got), ",") != strings.Join(want[tech], ",") {
				t.Errorf("findings %v, want %v", typesOf(got), want[tech])
			}
			t.Logf("%s: %d records, findings %v", tech, n, typesOf(got))
		})
	}
	if total != 310 {
		t.Fatalf("read %d records, the Stratus logs hold 310", total)
	}
}

func TestOTRFInstanceCredentialExfiltration(t *testing.T) {
	dir := datasetDir(t, "otrf-ec2-proxy-s3-exfiltration")
	got, n, errs := runFile(t, filepath.Join(dir, "ec2_proxy_s3_exfiltration_2020-09-14011940.json"), Options{})
	if n != 103 || len(errs) != 0 {
		t.Fatalf("read %d records with errors %v, want 103 and none", n, errs)
	}
	f := got[TypeInstanceCredExfilOutside]
	if f == nil {
		t.Fatalf("no InstanceCredentialExfiltration.OutsideAWS; got %v", typesOf(got))
	}
	if f.Service.Count != 11 {
		t.Errorf("count %d, want the 11 calls made with the instance's credentials from 1.2.3.4", f.Service.Count)
	}
	if ip := f.Service.Action.AWSAPICallAction.RemoteIPDetails.IPAddressV4; ip != "1.2.3.4" {
		t.Errorf("remote IP %q", ip)
	}
	if f.Resource.AccessKeyDetails.UserType != "AssumedRole" || f.Service.AdditionalInfo["instanceId"] != "i-0317f6c6b66ae9c40" {
		t.Errorf("resource %+v info %v", f.Resource.AccessKeyDetails, f.Service.AdditionalInfo)
	}
	if f.Service.EventFirstSeen != "2020-09-14T01:00:04.000Z" || f.Service.EventLastSeen != "2020-09-14T01:13:20.000Z" {
		t.Errorf("first/last seen %s %s", f.Service.EventFirstSeen, f.Service.EventLastSeen)
	}
	for typ, f := range got {
		if f.Severity >= SeverityHigh && typ != TypeInstanceCredExfilOutside {
			t.Errorf("unexpected High finding %s", typ)
		}
	}
}

func TestAWSDocsExamples(t *testing.T) {
	dir := datasetDir(t, "awsdocs-examples")
	got, n, errs := runFile(t, filepath.Join(dir, "awsdocs-cloudtrail-examples.json"), Options{})
	if n != 19 || len(errs) != 0 {
		t.Fatalf("read %d records with errors %v, want 19 and none", n, errs)
	}
	root := got[TypeRootCredentialUsage]
	if root == nil {
		t.Fatalf("no RootCredentialUsage; got %v", typesOf(got))
	}
	// Two successful root sign-ins, EnableMFADevice and PasswordUpdated; the failed sign-in is not root usage.
	if root.Service.Count != 4 {
		t.Errorf("root usage count %d, want 4", root.Service.Count)
	}
	if root.Severity != SeverityLow || SeverityLabel(root.Severity) != "Low" {
		t.Errorf("severity %v", root.Severity)
	}
	if got[TypeMoatConsoleLoginWithoutMFA] == nil {
		t.Errorf("sign-ins with MFAUsed No raised nothing")
	}
	for typ, f := range got {
		if f.Severity >= SeverityHigh {
			t.Errorf("unexpected High finding %s", typ)
		}
	}
}

func TestVPCDocsFlowExamples(t *testing.T) {
	dir := datasetDir(t, "vpcflow-awsdocs-examples")
	data, err := os.ReadFile(filepath.Join(dir, "awsdocs-examples", "flow-log-examples.json"))
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Blocks []struct {
			Format  string   `json:"format"`
			Records []string `json:"records"`
		} `json:"blocks"`
	}
	if err := json.Unmarshal(data, &doc); err != nil {
		t.Fatal(err)
	}
	d, _ := New(Options{})
	n := 0
	for i, b := range doc.Blocks {
		format := b.Format
		if strings.HasPrefix(format, "default") {
			format = DefaultFlowFormat
		}
		var lines []string
		for _, l := range b.Records { // the guide annotates some lines with " #..." and elides others with "..."
			l, _, _ = strings.Cut(l, " #")
			if strings.TrimSpace(l) != "..." {
				lines = append(lines, l)
			}
		}
		r, err := NewFlowLogReader(strings.NewReader(strings.Join(lines, "\n")), fmt.Sprintf("block %d", i), format)
		if err != nil {
			t.Fatalf("block %d format %q: %v", i, b.Format, err)
		}
		for {
			rec, err := r.Next()
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				t.Fatalf("block %d (%s): %v", i, b.Format, err)
			}
			n++
			for _, f := range d.FlowLog(rec) {
				t.Errorf("documentation example raised %s", f.Type)
			}
		}
	}
	if n != 27 { // 28 lines, one of which is the guide's "..."
		t.Fatalf("read %d records, the examples hold 27", n)
	}
}
