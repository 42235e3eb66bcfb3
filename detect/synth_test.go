package detect

import (
	"bytes"
	"errors"
	"io"
	"testing"
	"time"

	"github.com/moatdev/moat/detect/detecttest"
)

var synthStart = time.Date(2024, 5, 1, 12, 0, 0, 0, time.UTC)

func feedCloudTrail(t *testing.T, d *Detector, data []byte) int {
	t.Helper()
	r := NewCloudTrailReader(bytes.NewReader(data), "synth")
	n := 0
	for {
		rec, err := r.Next()
		if errors.Is(err, io.EOF) {
			return n
		}
		if err != nil {
			t.Fatal(err)
		}
		n++
		d.CloudTrail(rec)
	}
}

func byType(d *Detector) map[string][]*Finding {
	m := map[string][]*Finding{}
	for _, f := range d.Findings() {
		m[f.Type] = append(m[f.Type], f)
	}
	return m
}

func TestSyntheticCloudTrailPlantedAttacks(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	if err := detecttest.WriteCloudTrailGz(&buf, 7, synthStart, 2000, true); err != nil {
		t.Fatal(err)
	}
	d, _ := New(Options{})
	if n := feedCloudTrail(t, d, buf.Bytes()); n != 2000+16 {
		t.Fatalf("read %d records, want 2016", n)
	}
	got := byType(d)
	if f := got[TypeRootCredentialUsage]; len(f) != 1 || f[0].Service.Action.AWSAPICallAction.API != "CreateAccessKey" {
		t.Errorf("root usage: %+v", f)
	}
	bf := got[TypeMoatConsoleBruteForce]
	if len(bf) != 2 { // one for the user, one for the address
		t.Fatalf("brute force findings %d, want 2 (user and address)", len(bf))
	}
	for _, f := range bf {
		// 10 failures, threshold 5: raised at the 5th, updated by the next five.
		if f.Service.Count != 6 || f.Severity != SeverityMedium || f.Service.ServiceName != "moat" {
			t.Errorf("brute force %s: count %d severity %v service %s", f.Title, f.Service.Count, f.Severity, f.Service.ServiceName)
		}
	}
	if len(got[TypeMoatConsoleLoginWithoutMFA]) != 1 {
		t.Errorf("sign-in without MFA not found")
	}
	if len(got[TypeCloudTrailLoggingDisabled]) != 1 {
		t.Errorf("StopLogging not found")
	}
	ex := got[TypeInstanceCredExfilOutside]
	if len(ex) != 1 || ex[0].Service.Count != 3 {
		t.Fatalf("instance credential exfiltration: %+v", ex)
	}
	if len(got) != 5 {
		t.Errorf("finding types %v, want exactly the five planted", typesOfSlice(got))
	}
}

func typesOfSlice(m map[string][]*Finding) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}

func TestSyntheticCloudTrailOrdinaryIsQuiet(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	if err := detecttest.WriteCloudTrail(&buf, 3, synthStart, 3000, false); err != nil {
		t.Fatal(err)
	}
	d, _ := New(Options{})
	feedCloudTrail(t, d, buf.Bytes())
	if f := d.Findings(); len(f) != 0 {
		t.Fatalf("ordinary activity raised %d findings, first %s", len(f), f[0].Type)
	}
}

func TestSyntheticFlowLogs(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	if err := detecttest.WriteFlowLogs(&buf, 5, synthStart); err != nil {
		t.Fatal(err)
	}
	d, _ := New(Options{})
	r, err := NewFlowLogReader(&buf, "flows", "")
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for {
		rec, err := r.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		n++
		d.FlowLog(rec)
	}
	if n != 340 {
		t.Fatalf("read %d records, want 340", n)
	}
	got := byType(d)
	ssh := got[TypeSSHBruteForce]
	if len(ssh) != 1 || ssh[0].Severity != SeverityLow || ssh[0].Service.ResourceRole != "TARGET" ||
		ssh[0].Resource.InstanceDetails.InstanceID != detecttest.InstanceID {
		t.Fatalf("SSH brute force: %+v", ssh)
	}
	if c := ssh[0].Service.Action.NetworkConnectionAction; c.ConnectionDirection != "INBOUND" || c.RemoteIPDetails.IPAddressV4 != detecttest.ScannerIP || c.LocalPortDetails.PortName != "SSH" {
		t.Errorf("SSH action %+v", c)
	}
	ps := got[TypePortscan]
	if len(ps) != 1 || ps[0].Service.ResourceRole != "ACTOR" || ps[0].Service.Count != 51 {
		t.Fatalf("port scan: %+v", ps)
	}
	if len(got) != 2 {
		t.Errorf("finding types %v, want SSHBruteForce and Portscan only", typesOfSlice(got))
	}
}

func TestSyntheticDNSExfiltration(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	if err := detecttest.WriteDNSLogs(&buf, 9, synthStart); err != nil {
		t.Fatal(err)
	}
	d, _ := New(Options{})
	r := NewDNSReader(&buf, "dns")
	n := 0
	for {
		q, err := r.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		n++
		d.DNSQuery(q)
	}
	if n != 350 {
		t.Fatalf("read %d queries, want 350", n)
	}
	got := byType(d)
	ex := got[TypeDNSDataExfiltration]
	if len(ex) != 1 || ex[0].Resource.InstanceDetails.InstanceID != detecttest.InstanceID || ex[0].Service.Count != 21 {
		t.Fatalf("DNS exfiltration: %+v", ex)
	}
	if len(got) != 1 {
		t.Errorf("finding types %v", typesOfSlice(got))
	}
}
