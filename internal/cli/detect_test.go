package cli

import (
	"encoding/json"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/moatdev/moat/detect/detecttest"
)

// detectFixtures writes a CloudTrail tree in AWS's layout (with a digest
// file that must be skipped), a flow log and a Resolver query log.
func detectFixtures(t *testing.T) (trail, flows, dns string) {
	t.Helper()
	dir := t.TempDir()
	start := time.Date(2024, 5, 1, 12, 0, 0, 0, time.UTC)
	trail = filepath.Join(dir, "AWSLogs", detecttest.Account, "CloudTrail")
	day := filepath.Join(trail, "us-east-1", "2024", "05", "01")
	digest := filepath.Join(dir, "AWSLogs", detecttest.Account, "CloudTrail-Digest", "us-east-1")
	for _, d := range []string{day, digest} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	write := func(path string, fn func(f *os.File) error) {
		f, err := os.Create(path)
		if err != nil {
			t.Fatal(err)
		}
		if err := fn(f); err != nil {
			t.Fatal(err)
		}
		f.Close()
	}
	write(filepath.Join(day, detecttest.Account+"_CloudTrail_us-east-1_20240501T1200Z_a.json.gz"), func(f *os.File) error {
		return detecttest.WriteCloudTrailGz(f, 1, start, 500, true)
	})
	write(filepath.Join(day, detecttest.Account+"_CloudTrail_us-east-1_20240501T1300Z_b.json"), func(f *os.File) error {
		_, err := f.WriteString("{\"Records\":[\n{\"eventName\":\"A\",\"eventTime\":\"2024-05-01T13:00:00Z\"},\n{\"eventName\": 7}\n]}\n")
		return err
	})
	write(filepath.Join(digest, detecttest.Account+"_CloudTrail-Digest_us-east-1_t_us-east-1_20240501T130000Z.json.gz"), func(f *os.File) error {
		_, err := f.WriteString("not a record file")
		return err
	})
	flows = filepath.Join(dir, "flows.log")
	write(flows, func(f *os.File) error { return detecttest.WriteFlowLogs(f, 2, start) })
	dns = filepath.Join(dir, "resolver.log")
	write(dns, func(f *os.File) error { return detecttest.WriteDNSLogs(f, 3, start) })
	return filepath.Join(dir, "AWSLogs"), flows, dns
}

func TestDetectCommand(t *testing.T) {
	trail, flows, dns := detectFixtures(t)
	dir := filepath.Dir(flows)
	threat := filepath.Join(dir, "threat.txt")
	os.WriteFile(threat, []byte("# scanners\n198.51.100.0/24\n"), 0o600)
	geo, err := detecttest.MMDB([]detecttest.GeoEntry{{Network: netip.MustParsePrefix("198.51.100.0/24"), CountryCode: "DE", CountryName: "Germany", City: "Berlin", Lat: 52.52, Lon: 13.4}})
	if err != nil {
		t.Fatal(err)
	}
	geoFile := filepath.Join(dir, "geo.mmdb")
	os.WriteFile(geoFile, geo, 0o600)
	instances := filepath.Join(dir, "instances.json")
	os.WriteFile(instances, []byte(`{"Reservations":[{"Instances":[{"InstanceId":"`+detecttest.InstanceID+`","PublicIpAddress":"`+detecttest.AttackerIP+`"}]}]}`), 0o600)
	badList := filepath.Join(dir, "bad.txt")
	os.WriteFile(badList, []byte("10.0.0.0/8\nnot an ip\n"), 0o600)

	cases := []struct {
		name     string
		args     []string
		code     int
		out, err []string
	}{
		{name: "all sources, table", args: []string{"detect", "--cloudtrail", trail, "--flowlogs", flows, "--dns", dns}, code: 0,
			out: []string{"Policy:IAMUser/RootCredentialUsage", "UnauthorizedAccess:EC2/SSHBruteForce", "Trojan:EC2/DNSDataExfiltration", "moat:CredentialAccess:IAMUser/ConsoleLoginBruteForce"},
			err: []string{"_b.json:3:15: record 2: eventName: expected string, got number", "1 malformed"}},
		{name: "fail-on high", args: []string{"detect", "--cloudtrail", trail, "--fail-on", "high"}, code: 1,
			out: []string{"InstanceCredentialExfiltration.OutsideAWS"}},
		{name: "instance addresses known", args: []string{"detect", "--cloudtrail", trail, "--instances", instances, "--fail-on", "high"}, code: 0,
			out: []string{"RootCredentialUsage"}},
		{name: "bad instances file", args: []string{"detect", "--cloudtrail", trail, "--instances", threat}, code: 1, err: []string{"not describe-instances output"}},
		{name: "fail-on critical passes", args: []string{"detect", "--cloudtrail", trail, "--fail-on", "critical"}, code: 0},
		{name: "threat list", args: []string{"detect", "--flowlogs", flows, "--threat-list", threat, "--format", "json"}, code: 0,
			out: []string{`"type": "UnauthorizedAccess:EC2/MaliciousIPCaller.Custom"`, `"threatListName": "threat.txt"`}},
		{name: "trusted list silences the scanner", args: []string{"detect", "--flowlogs", flows, "--trusted-list", threat}, code: 0,
			out: []string{"no findings"}},
		{name: "sarif", args: []string{"detect", "--dns", dns, "--format", "sarif"}, code: 0, out: []string{`"version": "2.1.0"`, `"ruleId": "Trojan:EC2/DNSDataExfiltration"`, `"level": "error"`}},
		{name: "asff", args: []string{"detect", "--dns", dns, "--format", "asff"}, code: 0, out: []string{`"SchemaVersion": "2018-10-08"`, `"Label": "HIGH"`, `"Type": "AwsEc2Instance"`}},
		{name: "missing path", args: []string{"detect", "--cloudtrail", filepath.Join(dir, "nope")}, code: 2, err: []string{"nope"}},
		{name: "bad list entry", args: []string{"detect", "--flowlogs", flows, "--threat-list", badList}, code: 1, err: []string{"bad.txt:2:1: not an IP address, CIDR range or domain name"}},
		{name: "bad list kind", args: []string{"detect", "--flowlogs", flows, "--threat-list", "evil:" + threat}, code: 1, err: []string{`kind "evil"`}},
		{name: "no sources", args: []string{"detect"}, code: 1, err: []string{"nothing to read"}},
		{name: "bad format", args: []string{"detect", "--dns", dns, "--format", "xml"}, code: 1, err: []string{`--format "xml"`}},
		{name: "bad progress", args: []string{"detect", "--dns", dns, "--progress", "sometimes"}, code: 1, err: []string{`--progress "sometimes"`}},
		{name: "progress always", args: []string{"detect", "--dns", dns, "--progress", "always"}, code: 0, err: []string{"moat detect: 1 files, 350 records"}},
		{name: "bad flow format", args: []string{"detect", "--flowlogs", flows, "--flow-format", "${version} src addr!"}, code: 1, err: []string{"--flow-format"}},
		{name: "bad fail-on", args: []string{"detect", "--dns", dns, "--fail-on", "severe"}, code: 1, err: []string{"--fail-on"}},
		{name: "ssh from a disallowed country", args: []string{"detect", "--flowlogs", flows, "--geoip", geoFile, "--ssh-allowed-countries", "FR", "--format", "json"}, code: 0,
			out: []string{`"type": "moat:UnauthorizedAccess:EC2/SSHFromDisallowedCountry"`, `"countryCode": "DE"`, `"cityName": "Berlin"`}},
		{name: "ssh from an allowed country", args: []string{"detect", "--flowlogs", flows, "--geoip", geoFile, "--ssh-allowed-countries", "DE"}, code: 0,
			out: []string{"UnauthorizedAccess:EC2/SSHBruteForce"}},
		{name: "bad geoip file", args: []string{"detect", "--flowlogs", flows, "--geoip", badList}, code: 1, err: []string{"geoip database"}},
		{name: "country rule needs geoip", args: []string{"detect", "--flowlogs", flows, "--ssh-allowed-countries", "FR"}, code: 1, err: []string{"GeoIP"}},
		{name: "disable a type", args: []string{"detect", "--dns", dns, "--disable", "Trojan:EC2/DNSDataExfiltration"}, code: 0, out: []string{"no findings"}},
		{name: "unknown type to disable", args: []string{"detect", "--dns", dns, "--disable", "Nope:X/Y"}, code: 1, err: []string{`unknown finding type "Nope:X/Y"`}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			out, errs, code := runCLI(t, tc.args...)
			if code != tc.code {
				t.Fatalf("exit %d, want %d\nstdout:\n%s\nstderr:\n%s", code, tc.code, out, errs)
			}
			for _, w := range tc.out {
				if !strings.Contains(out, w) {
					t.Errorf("stdout lacks %q:\n%s", w, out)
				}
			}
			for _, w := range tc.err {
				if !strings.Contains(errs, w) {
					t.Errorf("stderr lacks %q:\n%s", w, errs)
				}
			}
		})
	}
}

func TestDetectCommandJSONShape(t *testing.T) {
	trail, _, _ := detectFixtures(t)
	out, errs, code := runCLI(t, "detect", "--cloudtrail", trail, "--format", "json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	var doc struct {
		Findings []struct {
			SchemaVersion string  `json:"schemaVersion"`
			ID            string  `json:"id"`
			Type          string  `json:"type"`
			Severity      float64 `json:"severity"`
			Service       struct {
				Count          int    `json:"count"`
				EventFirstSeen string `json:"eventFirstSeen"`
				Action         struct {
					ActionType string `json:"actionType"`
				} `json:"action"`
			} `json:"service"`
		} `json:"findings"`
	}
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatal(err)
	}
	if len(doc.Findings) != 6 { // brute force is raised per user and per address
		t.Fatalf("%d findings, want the 6 planted", len(doc.Findings))
	}
	for _, f := range doc.Findings {
		if f.SchemaVersion != "2.0" || len(f.ID) != 32 || f.Service.Count < 1 || f.Service.Action.ActionType != "AWS_API_CALL" || f.Service.EventFirstSeen == "" {
			t.Errorf("finding %+v", f)
		}
	}
}
