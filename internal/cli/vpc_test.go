package cli

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const netAccount = "../../vpc/testdata/account"

func runNet(t *testing.T, args ...string) (string, string, int) {
	t.Helper()
	var out, errb bytes.Buffer
	code := run(append([]string{"net"}, args...), strings.NewReader(""), &out, &errb)
	return out.String(), errb.String(), code
}

func TestNetReachText(t *testing.T) {
	t.Parallel()
	out, errs, code := runNet(t, "reach", "--from-files", netAccount, "--from", "igw-0a1b2c3d4e5f60041", "--to", "i-0a1b2c3d4e5f600c1", "--port", "22")
	if code != 0 || !strings.Contains(out, "REACHABLE") || !strings.Contains(out, "sg-0a1b2c3d4e5f60061 ingress rule tcp/22 from 0.0.0.0/0") {
		t.Fatalf("exit %d stderr %q\n%s", code, errs, out)
	}
	out, _, code = runNet(t, "reach", "--from-files", netAccount, "--from", "i-0a1b2c3d4e5f600c3", "--to", "i-0a1b2c3d4e5f600c2", "--port", "443")
	if code != exitUnreachable || !strings.Contains(out, "NO_ROUTE_TO_DESTINATION") || !strings.Contains(out, "rtb-0a1b2c3d4e5f60033") {
		t.Fatalf("exit %d\n%s", code, out)
	}
}

func TestNetReachCIDR(t *testing.T) {
	t.Parallel()
	out, errs, code := runNet(t, "reach", "--from-files", netAccount, "--from", "i-0a1b2c3d4e5f600c2", "--to", "192.0.2.0/24", "--port", "443")
	if code != 0 || !strings.Contains(out, "-> 192.0.2.0/24 tcp: REACHABLE") {
		t.Fatalf("exit %d %q\n%s", code, errs, out)
	}
	if _, errs, code := runNet(t, "reach", "--from-files", netAccount, "--from", "i-0a1b2c3d4e5f600c2", "--to", "192.0.2.0/33"); code != 1 || !strings.Contains(errs, "not a CIDR") {
		t.Fatalf("bad CIDR: exit %d %q", code, errs)
	}
}

func TestNetReachJSON(t *testing.T) {
	t.Parallel()
	out, errs, code := runNet(t, "reach", "--from-files", netAccount, "--from", "i-0a1b2c3d4e5f600c1", "--to", "eni-0a1b2c3d4e5f600e1", "--port", "5432", "--output", "json")
	if code != exitUnreachable {
		t.Fatalf("exit %d, stderr %q", code, errs)
	}
	var a struct {
		NetworkPathFound bool
		Explanations     []struct {
			ExplanationCode string
			Component       struct{ Id string }
			SecurityGroups  []struct{ Id string }
		}
		ForwardPathComponents []struct{ SequenceNumber int }
	}
	if err := json.Unmarshal([]byte(out), &a); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if a.NetworkPathFound || len(a.Explanations) != 1 || a.Explanations[0].ExplanationCode != "ENI_SG_RULES_MISMATCH" ||
		a.Explanations[0].Component.Id != "eni-0a1b2c3d4e5f600e1" || len(a.Explanations[0].SecurityGroups) != 1 || len(a.ForwardPathComponents) == 0 {
		t.Fatalf("%+v", a)
	}
}

func TestNetReachErrors(t *testing.T) {
	t.Parallel()
	cases := []struct {
		args []string
		want string
	}{
		{[]string{"reach", "--from", "i-1", "--to", "i-2"}, "--from-files DIR is required"},
		{[]string{"reach", "--from-files", netAccount, "--from", "i-0000", "--to", "i-0a1b2c3d4e5f600c1"}, "InvalidInstanceID.NotFound"},
		{[]string{"reach", "--from-files", netAccount, "--from", "i-0a1b2c3d4e5f600c1", "--to", "eni-0000"}, "InvalidNetworkInterfaceID.NotFound"},
		{[]string{"reach", "--from-files", netAccount, "--from", "i-0a1b2c3d4e5f600c1", "--to", "i-0a1b2c3d4e5f600c2", "--port", "70000"}, "--port"},
		{[]string{"reach", "--from-files", netAccount, "--from", "i-0a1b2c3d4e5f600c1", "--to", "i-0a1b2c3d4e5f600c2", "--proto", "icmp"}, "Valid values: tcp, udp"},
		{[]string{"reach", "--from-files", netAccount, "--from", "i-0a1b2c3d4e5f600c1", "--to-ip", "10.0.0.300"}, "--to-ip"},
		{[]string{"exposed", "--from-files", netAccount, "--output", "xml"}, "--output"},
	}
	for _, c := range cases {
		_, errs, code := runNet(t, c.args...)
		if code != 1 || !strings.Contains(errs, c.want) {
			t.Errorf("%v: exit %d, stderr %q; want %q", c.args, code, errs, c.want)
		}
	}
}

// A broken file is reported and skipped; --strict makes it fatal.
func TestNetBadFile(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	for _, name := range []string{"describe-instances.json", "describe-security-groups.json", "describe-subnets.json", "describe-vpcs.json"} {
		data, err := os.ReadFile(filepath.Join(netAccount, name))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.WriteFile(filepath.Join(dir, "describe-network-acls.json"), []byte("{\"NetworkAcls\": [\n  {\"NetworkAclId\": \"acl-1\", \"Entries\": [{\"RuleNumber\": \"x\"}]}\n]}"), 0o600); err != nil {
		t.Fatal(err)
	}
	out, errs, code := runNet(t, "exposed", "--from-files", dir)
	if code != 0 || !strings.Contains(errs, "describe-network-acls.json:2:") || !strings.Contains(errs, "RuleNumber") {
		t.Fatalf("exit %d stderr %q", code, errs)
	}
	if !strings.Contains(out, "no network interface") {
		t.Fatalf("without internet gateways nothing is exposed: %s", out)
	}
	if _, _, code := runNet(t, "exposed", "--from-files", dir, "--strict"); code != 1 {
		t.Fatalf("--strict: exit %d", code)
	}
}

func TestNetExposed(t *testing.T) {
	t.Parallel()
	out, errs, code := runNet(t, "exposed", "--from-files", netAccount, "--sensitive-only")
	if code != 0 || !strings.Contains(out, "eni-0a1b2c3d4e5f600d1") || strings.Contains(out, "eni-0a1b2c3d4e5f600d2") ||
		!strings.Contains(out, "Session Manager") || !strings.Contains(out, "except 198.51.100.0-198.51.100.255") {
		t.Fatalf("exit %d stderr %q\n%s", code, errs, out)
	}
	out, _, _ = runNet(t, "exposed", "--from-files", netAccount, "--output", "json")
	var list []struct {
		NetworkInterfaceId string
		Ports              string
		SensitivePorts     []int
		Path               []struct{ Component struct{ Id string } }
	}
	if err := json.Unmarshal([]byte(out), &list); err != nil || len(list) != 2 || list[0].Ports != "22" || len(list[0].Path) != 4 {
		t.Fatalf("%v %+v\n%s", err, list, out)
	}
}

func TestNetOverlaps(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	doc := `{"Vpcs": [{"VpcId": "vpc-1", "OwnerId": "111122223333", "CidrBlock": "10.0.0.0/16"},
	  {"VpcId": "vpc-2", "OwnerId": "444455556666", "CidrBlock": "10.0.64.0/18"},
	  {"VpcId": "vpc-3", "OwnerId": "444455556666", "CidrBlock": "10.9.0.0/16"}]}`
	if err := os.WriteFile(filepath.Join(dir, "vpcs.json"), []byte(doc), 0o600); err != nil {
		t.Fatal(err)
	}
	out, errs, code := runNet(t, "overlaps", "--from-files", dir)
	if code != 0 || strings.Count(out, "\n") != 1 || !strings.Contains(out, "vpc-1 10.0.0.0/16 (111122223333) overlaps vpc-2 10.0.64.0/18 (444455556666)") {
		t.Fatalf("exit %d stderr %q\n%s", code, errs, out)
	}
}

func TestNetEval(t *testing.T) {
	t.Parallel()
	out, errs, code := runNet(t, "eval", "--from-files", netAccount, "--src", "192.0.2.10", "--dst", "203.0.113.10", "--dport", "22")
	if code != 0 || !strings.Contains(out, "REACHABLE") || !strings.Contains(out, "example packet: 192.0.2.10:49152 -> 10.0.1.10:22") {
		t.Fatalf("exit %d stderr %q\n%s", code, errs, out)
	}
	// The ACL's rule 90 denies 198.51.100.0/24 inbound.
	out, _, code = runNet(t, "eval", "--from-files", netAccount, "--src", "198.51.100.9", "--dst", "203.0.113.10", "--dport", "22")
	if code != exitUnreachable || !strings.Contains(out, "ingress rule 90 denies") {
		t.Fatalf("exit %d\n%s", code, out)
	}
	out, _, code = runNet(t, "eval", "--from-files", netAccount, "--src", "10.0.1.10", "--dst", "10.0.1.20", "--proto", "icmp")
	if code != exitUnreachable || !strings.Contains(out, "ENI_SG_RULES_MISMATCH") {
		t.Fatalf("ping bastion -> web: exit %d\n%s", code, out)
	}
	if _, errs, code := runNet(t, "eval", "--from-files", netAccount, "--src", "10.0.1.10", "--dst", "10.0.1.20", "--proto", "bogus"); code != 1 || !strings.Contains(errs, "--proto") {
		t.Fatalf("bad proto: exit %d %q", code, errs)
	}
}

func TestNetStale(t *testing.T) {
	t.Parallel()
	out, errs, code := runNet(t, "stale", "--from-files", netAccount)
	if code != 0 || !strings.Contains(out, "no stale") {
		t.Fatalf("exit %d %q\n%s", code, errs, out)
	}
	dir := t.TempDir()
	doc := `{"SecurityGroups": [{"GroupId": "sg-1", "VpcId": "vpc-1", "IpPermissions": [{"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "UserIdGroupPairs": [{"GroupId": "sg-gone"}]}]}]}`
	if err := os.WriteFile(filepath.Join(dir, "sg.json"), []byte(doc), 0o600); err != nil {
		t.Fatal(err)
	}
	out, _, code = runNet(t, "stale", "--from-files", dir)
	if code != 0 || !strings.Contains(out, "sg-1 ingress tcp/22 sg-gone: the referenced group sg-gone does not exist") {
		t.Fatalf("exit %d\n%s", code, out)
	}
}

func TestNetFlowCheck(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	log := "version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status\n" +
		"2 111122223333 eni-0a1b2c3d4e5f600d1 192.0.2.10 10.0.1.10 40000 22 6 10 840 1764400000 1764400060 ACCEPT OK\n" +
		"2 111122223333 eni-0a1b2c3d4e5f600d2 192.0.2.10 10.0.1.20 40000 3389 6 1 60 1764400000 1764400060 ACCEPT OK\n" +
		"garbage line\n"
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	zw.Write([]byte(log))
	zw.Close()
	name := filepath.Join(dir, "flow.log.gz")
	if err := os.WriteFile(name, gz.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	out, errs, code := runNet(t, "flowcheck", "--from-files", netAccount, name)
	if code != exitUnreachable || !strings.Contains(out, "flow.log.gz:3: eni-0a1b2c3d4e5f600d2 DISAGREES") ||
		!strings.Contains(out, "2 records checked, 1 disagree, 0 not checkable, 1 malformed") || !strings.Contains(errs, "flow.log.gz:4") {
		t.Fatalf("exit %d stderr %q\n%s", code, errs, out)
	}
	if _, errs, code := runNet(t, "flowcheck", "--from-files", netAccount, filepath.Join(dir, "missing.log")); code != 1 || !strings.Contains(errs, "missing.log") {
		t.Fatalf("missing file: exit %d %q", code, errs)
	}
}
