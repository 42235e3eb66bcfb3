package vpc

import (
	"errors"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func loadAccount(t *testing.T) *Network {
	t.Helper()
	n, errs := LoadDir(filepath.Join("testdata", "account"))
	if len(errs) > 0 {
		t.Fatalf("loading testdata/account: %v", errs)
	}
	return n
}

func TestLoadAccount(t *testing.T) {
	t.Parallel()
	n := loadAccount(t)
	counts := map[string][2]int{
		"VPCs": {len(n.VPCs), 2}, "Subnets": {len(n.Subnets), 3}, "RouteTables": {len(n.RouteTables), 3},
		"SecurityGroups": {len(n.SecurityGroups), 4}, "NetworkACLs": {len(n.NetworkACLs), 2},
		"Interfaces": {len(n.Interfaces), 5}, "Instances": {len(n.Instances), 3}, "InternetGateways": {len(n.InternetGateways), 1},
		"NATGateways": {len(n.NATGateways), 1}, "Peerings": {len(n.Peerings), 1}, "PrefixLists": {len(n.PrefixLists), 2},
		"Endpoints": {len(n.Endpoints), 1},
	}
	for k, c := range counts {
		if c[0] != c[1] {
			t.Errorf("%s: %d, want %d", k, c[0], c[1])
		}
	}
	office := n.PrefixLists["pl-0a1b2c3d4e5f600b1"]
	if office == nil || len(office.Entries) != 2 || office.MaxEntries != 10 || office.PrefixListName != "office" {
		t.Fatalf("office prefix list %+v: want its 2 entries merged with its description", office)
	}
	db := n.SecurityGroups["sg-0a1b2c3d4e5f60063"]
	if len(db.Ingress) != 3 || len(db.Egress) != 0 {
		t.Fatalf("db group: %d ingress rules (want 3: two groups and a prefix list), %d egress (want 0)", len(db.Ingress), len(db.Egress))
	}
	bastion := n.Interfaces["eni-0a1b2c3d4e5f600d1"]
	if bastion.PublicIp != netip.MustParseAddr("203.0.113.10") || bastion.InstanceId != "i-0a1b2c3d4e5f600c1" {
		t.Fatalf("bastion ENI %+v", bastion)
	}
	if i := n.Instances["i-0a1b2c3d4e5f600c1"]; i.HttpTokens != "optional" || i.HttpPutResponseHopLimit != 1 {
		t.Fatalf("instance metadata options %+v", i)
	}
	var pl *Route
	for _, rt := range n.RouteTables {
		for i := range rt.Routes {
			if rt.Routes[i].DestinationPrefixListId != "" {
				pl = &rt.Routes[i]
			}
		}
	}
	if pl == nil || pl.TargetType != TargetGatewayEndpoint || pl.TargetId != "vpce-0a1b2c3d4e5f600a1" {
		t.Fatalf("gateway endpoint route %+v", pl)
	}
	if n.Endpoints["vpce-0a1b2c3d4e5f600a1"].Policy == nil {
		t.Fatal("endpoint policy not compiled")
	}
}

func TestLoadedAccountReach(t *testing.T) {
	t.Parallel()
	a := Compile(loadAccount(t))
	cases := []struct {
		name  string
		q     PathQuery
		codes string
	}{
		{"internet to bastion ssh", PathQuery{Source: "igw-0a1b2c3d4e5f60041", Destination: "i-0a1b2c3d4e5f600c1", Protocol: "tcp", DestinationPorts: PortRange{22, 22}}, ""},
		{"internet to web ssh", PathQuery{Source: "igw-0a1b2c3d4e5f60041", Destination: "i-0a1b2c3d4e5f600c2", Protocol: "tcp", DestinationPorts: PortRange{22, 22}}, CodeSGRulesMismatch},
		{"bastion to web ssh (group reference)", PathQuery{Source: "i-0a1b2c3d4e5f600c1", Destination: "i-0a1b2c3d4e5f600c2", Protocol: "tcp", DestinationPorts: PortRange{22, 22}}, ""},
		{"web to rds", PathQuery{Source: "i-0a1b2c3d4e5f600c2", Destination: "eni-0a1b2c3d4e5f600e1", Protocol: "tcp", DestinationPorts: PortRange{5432, 5432}}, ""},
		{"bastion to rds", PathQuery{Source: "i-0a1b2c3d4e5f600c1", Destination: "eni-0a1b2c3d4e5f600e1", Protocol: "tcp", DestinationPorts: PortRange{5432, 5432}}, CodeSGRulesMismatch},
		{"peered monitoring to rds (cross-VPC reference)", PathQuery{Source: "i-0a1b2c3d4e5f600c3", Destination: "eni-0a1b2c3d4e5f600e1", Protocol: "tcp", DestinationPorts: PortRange{5432, 5432}}, ""},
		{"peered monitoring to web: no route", PathQuery{Source: "i-0a1b2c3d4e5f600c3", Destination: "i-0a1b2c3d4e5f600c2", Protocol: "tcp", DestinationPorts: PortRange{443, 443}}, CodeNoRoute},
		// The db group has no egress rule, and the subnet ACL's rule 90
		// (deny 198.51.100.0/24 inbound) would also drop S3's replies.
		{"rds to s3 through the gateway endpoint", PathQuery{Source: "eni-0a1b2c3d4e5f600e1", DestinationIp: netip.MustParseAddr("198.51.100.130"), Protocol: "tcp", DestinationPorts: PortRange{443, 443}},
			CodeSGRulesMismatch + " " + CodeACLRestriction},
		{"web to the internet", PathQuery{Source: "i-0a1b2c3d4e5f600c2", Destination: "igw-0a1b2c3d4e5f60041", Protocol: "udp", DestinationPorts: PortRange{53, 53}}, ""},
		{"blocked source range", PathQuery{Source: "igw-0a1b2c3d4e5f60041", SourceIp: netip.MustParseAddr("198.51.100.7"), Destination: "i-0a1b2c3d4e5f600c1", Protocol: "tcp", DestinationPorts: PortRange{22, 22}}, CodeACLRestriction},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			res, err := a.Reach(c.q)
			if err != nil {
				t.Fatal(err)
			}
			var codes []string
			for _, e := range res.Explanations {
				codes = append(codes, e.ExplanationCode)
			}
			if got := strings.Join(codes, " "); got != c.codes || res.NetworkPathFound != (c.codes == "") {
				t.Fatalf("found=%v codes %q, want %q\n%s", res.NetworkPathFound, got, c.codes, messages(res))
			}
		})
	}
}

func TestLoadErrors(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name, file, doc, want string
	}{
		{"syntax", "x.json", "{\"Vpcs\": [\n  {\"VpcId\": \"vpc-1\",, }\n]}", "x.json:2:"},
		{"truncated", "x.json", `{"Subnets": [{"SubnetId": "subnet-1", "VpcId": "vpc-1", "CidrBlock": "10.0.0.0/24"}`, "truncated"},
		{"bad cidr", "sg.json", "{\"SecurityGroups\": [\n {\"GroupId\": \"sg-1\", \"IpPermissions\": [{\"IpProtocol\": \"tcp\", \"FromPort\": 22, \"ToPort\": 22, \"IpRanges\": [{\"CidrIp\": \"10.0.0.0/33\"}]}]}]}",
			`sg.json:2:2: SecurityGroups[0].IpPermissions[0].IpRanges[0].CidrIp: "10.0.0.0/33" is not an IPv4 CIDR block`},
		{"port out of range", "acl.json", `{"NetworkAcls": [{"NetworkAclId": "acl-1", "Entries": [{"RuleNumber": 10, "Protocol": "6", "RuleAction": "allow", "CidrBlock": "0.0.0.0/0", "PortRange": {"From": 0, "To": 70000}}]}]}`,
			"NetworkAcls[0].Entries[0].PortRange: 0-70000"},
		{"rule number", "acl.json", `{"NetworkAcls": [{"NetworkAclId": "acl-1", "Entries": [{"RuleNumber": 0, "Protocol": "-1", "RuleAction": "allow", "CidrBlock": "0.0.0.0/0"}]}]}`,
			"Entries[0].RuleNumber: 0 is outside"},
		{"wrong type", "v.json", `{"Vpcs": [{"VpcId": 7}]}`, "Vpcs[0].VpcId: VpcId is number, want string"},
		{"sg port", "sg.json", `{"SecurityGroups": [{"GroupId": "sg-1", "IpPermissions": [{"IpProtocol": "tcp", "FromPort": 90, "ToPort": 80, "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}]}]}`,
			"IpPermissions[0].FromPort"},
		{"unknown doc", "x.json", `{"Buckets": []}`, "no known top-level key"},
		{"not an object", "x.json", `[1,2]`, "must be a JSON object"},
		{"missing id", "s.json", `{"Subnets": [{"VpcId": "vpc-1", "CidrBlock": "10.0.0.0/24"}]}`, "Subnets[0].SubnetId: missing"},
		{"entries without id", "entries.json", `{"Entries": [{"Cidr": "10.0.0.0/8"}]}`, "file name"},
		{"bad endpoint policy", "e.json", `{"VpcEndpoints": [{"VpcEndpointId": "vpce-1", "PolicyDocument": "{\"Statement\": 5}"}]}`, "VpcEndpoints[0].PolicyDocument"},
		{"route without target", "r.json", `{"RouteTables": [{"RouteTableId": "rtb-1", "VpcId": "vpc-1", "Routes": [{"DestinationCidrBlock": "0.0.0.0/0"}]}]}`, "has no target"},
		{"trailing data", "x.json", `{"Vpcs": []} {}`, "after the JSON object"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			n := NewNetwork("")
			err := n.Load(c.file, []byte(c.doc))
			var le *LoadError
			if !errors.As(err, &le) {
				t.Fatalf("error %v (%T), want *LoadError", err, err)
			}
			if !strings.Contains(err.Error(), c.want) {
				t.Fatalf("error %q does not contain %q", err, c.want)
			}
			if len(n.VPCs)+len(n.Subnets)+len(n.SecurityGroups)+len(n.NetworkACLs)+len(n.RouteTables)+len(n.Endpoints) != 0 {
				t.Fatal("a failing document changed the network")
			}
		})
	}
}

// A bad file is reported; the good ones are kept.
func TestLoadDirKeepsGoodFiles(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	good, err := os.ReadFile(filepath.Join("testdata", "account", "describe-vpcs.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "a.json"), good, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "b.json"), good[:len(good)/2], 0o600); err != nil {
		t.Fatal(err)
	}
	n, errs := LoadDir(dir)
	if len(errs) != 1 || !strings.Contains(errs[0].Error(), "b.json") {
		t.Fatalf("errors %v, want one naming b.json", errs)
	}
	if len(n.VPCs) != 2 {
		t.Fatalf("%d VPCs kept from a.json, want 2", len(n.VPCs))
	}
	if _, errs := LoadDir(t.TempDir()); len(errs) != 1 || !strings.Contains(errs[0].Error(), "no *.json") {
		t.Fatalf("empty dir: %v", errs)
	}
}

// Instances described without NetworkInterfaces get a primary interface from
// their own fields; a stopped instance is BAD_STATE.
func TestInstanceWithoutInterfaces(t *testing.T) {
	t.Parallel()
	n := loadAccount(t)
	doc := `{"Reservations": [{"Instances": [{"InstanceId": "i-0000000000000000f", "State": {"Name": "stopped"},
	  "SubnetId": "subnet-0a1b2c3d4e5f60011", "VpcId": "vpc-0a1b2c3d4e5f60001", "PrivateIpAddress": "10.0.1.99",
	  "PublicIpAddress": "203.0.113.99", "SecurityGroups": [{"GroupId": "sg-0a1b2c3d4e5f60061", "GroupName": "bastion"}]}]}]}`
	if err := n.Load("trimmed.json", []byte(doc)); err != nil {
		t.Fatal(err)
	}
	e := n.Interfaces["eni-of-i-0000000000000000f"]
	if e == nil || e.PublicIp.String() != "203.0.113.99" || len(e.Groups) != 1 || !e.SourceDestCheck {
		t.Fatalf("synthesized interface %+v", e)
	}
	res, err := Compile(n).Reach(PathQuery{Source: "igw-0a1b2c3d4e5f60041", Destination: "i-0000000000000000f", Protocol: "tcp", DestinationPorts: PortRange{22, 22}})
	if err != nil {
		t.Fatal(err)
	}
	if res.NetworkPathFound || len(res.Explanations) != 1 || res.Explanations[0].ExplanationCode != CodeBadState {
		t.Fatalf("stopped instance: %s", messages(res))
	}
	for _, x := range Compile(n).Exposed() {
		if x.InstanceId == "i-0000000000000000f" {
			t.Fatal("a stopped instance is reported as exposed")
		}
	}
}
