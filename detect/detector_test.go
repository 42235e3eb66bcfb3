package detect

import (
	"fmt"
	"net/netip"
	"strings"
	"testing"
	"time"
)

func mustRecord(t *testing.T, js string) *Record {
	t.Helper()
	var r Record
	if err := parseRecord([]byte(js), &r); err != nil {
		t.Fatalf("%v in %s", err, js)
	}
	return &r
}

const user = `"userIdentity":{"type":"IAMUser","arn":"arn:aws:iam::111122223333:user/u","userName":"u","accountId":"111122223333"}`

// TestCloudTrailRules feeds one record per case and checks the finding type
// raised (or that none is).
func TestCloudTrailRules(t *testing.T) {
	t.Parallel()
	threat := NewIPList("bad.txt", ThreatCustom)
	threat.Add("198.51.100.0/24")
	cases := []struct {
		name string
		rec  string
		want string // "" = no finding
		sev  float64
	}{
		{"root call", `{"eventName":"ListBuckets","eventSource":"s3.amazonaws.com","userIdentity":{"type":"Root","accountId":"1"}}`, TypeRootCredentialUsage, SeverityLow},
		{"root call invoked by a service", `{"eventName":"X","userIdentity":{"type":"Root","invokedBy":"support.amazonaws.com"}}`, "", 0},
		{"failed root sign-in", `{"eventName":"ConsoleLogin","eventSource":"signin.amazonaws.com","responseElements":{"ConsoleLogin":"Failure"},"userIdentity":{"type":"Root"},"additionalEventData":{"MFAUsed":"Yes"}}`, "", 0},
		{"StopLogging", `{"eventName":"StopLogging","eventSource":"cloudtrail.amazonaws.com","requestParameters":{"name":"t"},` + user + `}`, TypeCloudTrailLoggingDisabled, SeverityLow},
		{"StopLogging denied", `{"eventName":"StopLogging","eventSource":"cloudtrail.amazonaws.com","errorCode":"AccessDenied",` + user + `}`, "", 0},
		{"event selectors keep management", `{"eventName":"PutEventSelectors","eventSource":"cloudtrail.amazonaws.com","requestParameters":{"eventSelectors":[{"includeManagementEvents":true}]},` + user + `}`, "", 0},
		{"advanced selectors without management", `{"eventName":"PutEventSelectors","eventSource":"cloudtrail.amazonaws.com","requestParameters":{"advancedEventSelectors":[{"fieldSelectors":[{"field":"eventCategory","equals":["Data"]}]}]},` + user + `}`, TypeCloudTrailLoggingDisabled, SeverityLow},
		{"password policy deleted", `{"eventName":"DeleteAccountPasswordPolicy","eventSource":"iam.amazonaws.com",` + user + `}`, TypePasswordPolicyChange, SeverityMedium},
		{"password policy strengthened", `{"eventName":"UpdateAccountPasswordPolicy","eventSource":"iam.amazonaws.com","requestParameters":{"minimumPasswordLength":16,"requireSymbols":true},` + user + `}`, TypePasswordPolicyChange, SeverityLow},
		{"kali", `{"eventName":"ListUsers","userAgent":"aws-cli/1.16 Python/3.6 Linux/5.10.0-kali7-amd64 botocore/1.12",` + user + `}`, TypePenTestKali, SeverityMedium},
		{"parrot", `{"eventName":"ListUsers","userAgent":"Boto3/1.7 Linux/5.7.0-parrot1-amd64",` + user + `}`, TypePenTestParrot, SeverityMedium},
		{"threat list read call", `{"eventName":"DescribeInstances","sourceIPAddress":"198.51.100.7",` + user + `}`, TypeReconMaliciousIPCustom, SeverityMedium},
		{"threat list write call", `{"eventName":"RunInstances","sourceIPAddress":"198.51.100.7",` + user + `}`, TypeUnauthMaliciousIPCustom, SeverityMedium},
		{"threat list S3 data event", `{"eventName":"GetObject","eventSource":"s3.amazonaws.com","eventCategory":"Data","sourceIPAddress":"198.51.100.7",` + user + `}`, TypeS3MaliciousIPCustom, SeverityHigh},
		{"bucket policy for everyone", `{"eventName":"PutBucketPolicy","eventSource":"s3.amazonaws.com","requestParameters":{"bucketName":"b","bucketPolicy":{"Statement":[{"Effect":"Allow","Principal":{"AWS":"*"},"Action":"s3:GetObject"}]}},` + user + `}`, TypeBucketAnonymousAccess, SeverityHigh},
		{"bucket policy with condition", `{"eventName":"PutBucketPolicy","eventSource":"s3.amazonaws.com","requestParameters":{"bucketName":"b","bucketPolicy":{"Statement":[{"Effect":"Allow","Principal":"*","Condition":{"IpAddress":{"aws:SourceIp":"10.0.0.0/8"}}}]}},` + user + `}`, "", 0},
		{"public-read ACL", `{"eventName":"PutBucketAcl","eventSource":"s3.amazonaws.com","requestParameters":{"bucketName":"b","x-amz-acl":["public-read"]},` + user + `}`, TypeBucketAnonymousAccess, SeverityHigh},
		{"authenticated-users ACL", `{"eventName":"PutBucketAcl","eventSource":"s3.amazonaws.com","requestParameters":{"bucketName":"b","AccessControlPolicy":{"AccessControlList":{"Grant":[{"Grantee":{"URI":"http://acs.amazonaws.com/groups/global/AuthenticatedUsers"}}]}}},` + user + `}`, TypeBucketPublicAccess, SeverityHigh},
		{"bucket BPA off", `{"eventName":"PutBucketPublicAccessBlock","eventSource":"s3.amazonaws.com","requestParameters":{"bucketName":"b","PublicAccessBlockConfiguration":{"BlockPublicAcls":false,"IgnorePublicAcls":true,"BlockPublicPolicy":true,"RestrictPublicBuckets":true}},` + user + `}`, TypeBucketBPADisabled, SeverityLow},
		{"bucket BPA on", `{"eventName":"PutBucketPublicAccessBlock","eventSource":"s3.amazonaws.com","requestParameters":{"bucketName":"b","PublicAccessBlockConfiguration":{"BlockPublicAcls":true,"IgnorePublicAcls":true,"BlockPublicPolicy":true,"RestrictPublicBuckets":true}},` + user + `}`, "", 0},
		{"account BPA deleted", `{"eventName":"DeleteAccountPublicAccessBlock","eventSource":"s3.amazonaws.com",` + user + `}`, TypeAccountBPADisabled, SeverityLow},
		{"access logging off", `{"eventName":"PutBucketLogging","eventSource":"s3.amazonaws.com","requestParameters":{"bucketName":"b","BucketLoggingStatus":{}},` + user + `}`, TypeS3AccessLoggingDisabled, SeverityLow},
		{"access logging on", `{"eventName":"PutBucketLogging","eventSource":"s3.amazonaws.com","requestParameters":{"bucketName":"b","BucketLoggingStatus":{"LoggingEnabled":{"TargetBucket":"l"}}},` + user + `}`, "", 0},
		{"snapshot public", `{"eventName":"ModifySnapshotAttribute","requestParameters":{"snapshotId":"snap-1","createVolumePermission":{"add":{"items":[{"group":"all"}]}}},` + user + `}`, TypeMoatSnapshotPublic, SeverityHigh},
		{"snapshot shared with one account", `{"eventName":"ModifySnapshotAttribute","requestParameters":{"snapshotId":"snap-1","createVolumePermission":{"add":{"items":[{"userId":"444455556666"}]}}},` + user + `}`, "", 0},
		{"AMI public", `{"eventName":"ModifyImageAttribute","requestParameters":{"imageId":"ami-1","launchPermission":{"add":{"items":[{"group":"all"}]}}},` + user + `}`, TypeMoatSnapshotPublic, SeverityHigh},
		{"RDS snapshot public", `{"eventName":"ModifyDBSnapshotAttribute","requestParameters":{"dBSnapshotIdentifier":"s","attributeName":"restore","valuesToAdd":["all"]},` + user + `}`, TypeMoatSnapshotPublic, SeverityHigh},
		{"insight record", `{"eventType":"AwsCloudTrailInsight","insightDetails":{}}`, "", 0},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			d, _ := New(Options{ThreatLists: []*IPList{threat}})
			got := d.CloudTrail(mustRecord(t, tc.rec))
			if tc.want == "" {
				if len(got) != 0 {
					t.Fatalf("raised %s", got[0].Type)
				}
				return
			}
			if len(got) != 1 || got[0].Type != tc.want || got[0].Severity != tc.sev {
				var types []string
				for _, f := range got {
					types = append(types, fmt.Sprintf("%s(%v)", f.Type, f.Severity))
				}
				t.Fatalf("got %v, want %s(%v)", types, tc.want, tc.sev)
			}
		})
	}
}

func TestTrustedListWins(t *testing.T) {
	t.Parallel()
	l := NewIPList("both", ThreatCustom)
	l.Add("198.51.100.7")
	d, _ := New(Options{ThreatLists: []*IPList{l}, TrustedList: l})
	if got := d.CloudTrail(mustRecord(t, `{"eventName":"RunInstances","sourceIPAddress":"198.51.100.7",`+user+`}`)); len(got) != 0 {
		t.Fatalf("trusted address raised %s", got[0].Type)
	}
}

func TestAggregationUpdatesOneFinding(t *testing.T) {
	t.Parallel()
	d, _ := New(Options{})
	var id string
	for i, ts := range []string{"2024-01-01T00:00:05Z", "2024-01-01T00:00:01Z", "2024-01-01T00:00:09Z"} {
		got := d.CloudTrail(mustRecord(t, `{"eventName":"StopLogging","eventSource":"cloudtrail.amazonaws.com","eventTime":"`+ts+`","requestParameters":{"name":"t"},`+user+`}`))
		if len(got) != 1 {
			t.Fatalf("call %d: %d findings", i, len(got))
		}
		if id == "" {
			id = got[0].ID
		} else if got[0].ID != id {
			t.Fatalf("repeat got a new id")
		}
	}
	f := d.Findings()
	if len(f) != 1 || f[0].Service.Count != 3 || f[0].Service.EventFirstSeen != "2024-01-01T00:00:01.000Z" || f[0].Service.EventLastSeen != "2024-01-01T00:00:09.000Z" {
		t.Fatalf("%+v", f[0].Service)
	}
	if !strings.HasPrefix(f[0].ARN, "arn:aws:guardduty::111122223333:detector/") {
		t.Errorf("arn %s", f[0].ARN)
	}
}

// fakeGeo places 192.0.2.0/24 in Paris, 203.0.113.0/24 in Sydney and
// 198.51.100.0/24 in Berlin.
type fakeGeo struct{}

func (fakeGeo) Lookup(a netip.Addr) (Location, bool) {
	switch {
	case netip.MustParsePrefix("192.0.2.0/24").Contains(a):
		return Location{CountryCode: "FR", CountryName: "France", City: "Paris", Lat: 48.86, Lon: 2.35, HasCoords: true}, true
	case netip.MustParsePrefix("203.0.113.0/24").Contains(a):
		return Location{CountryCode: "AU", CountryName: "Australia", City: "Sydney", Lat: -33.87, Lon: 151.21, HasCoords: true}, true
	case netip.MustParsePrefix("198.51.100.0/24").Contains(a):
		return Location{CountryCode: "DE", CountryName: "Germany", City: "Berlin", Lat: 52.52, Lon: 13.40, HasCoords: true}, true
	}
	return Location{}, false
}

func TestConsoleLoginImpossibleTravel(t *testing.T) {
	t.Parallel()
	login := func(ts, ip string) *Record {
		return mustRecord(t, `{"eventName":"ConsoleLogin","eventSource":"signin.amazonaws.com","eventTime":"`+ts+`","sourceIPAddress":"`+ip+`","responseElements":{"ConsoleLogin":"Success"},"additionalEventData":{"MFAUsed":"Yes"},`+user+`}`)
	}
	d, _ := New(Options{GeoIP: fakeGeo{}})
	if got := d.CloudTrail(login("2024-01-01T10:00:00Z", "192.0.2.1")); len(got) != 0 {
		t.Fatal("first sign-in raised a finding")
	}
	if got := d.CloudTrail(login("2024-01-01T16:00:00Z", "198.51.100.1")); len(got) != 0 { // Paris→Berlin in 6 h: possible
		t.Fatalf("possible travel raised %s", got[0].Type)
	}
	got := d.CloudTrail(login("2024-01-01T17:00:00Z", "203.0.113.9")) // Berlin→Sydney in 1 h
	if len(got) != 1 || got[0].Type != TypeConsoleLoginSuccessB || got[0].Service.AdditionalInfo["previousCountry"] != "DE" {
		t.Fatalf("%+v", got)
	}
	if c := got[0].Service.Action.AWSAPICallAction.RemoteIPDetails.Country; c == nil || c.CountryCode != "AU" {
		t.Fatalf("remote country %+v", c)
	}
}

func TestSSHFromDisallowedCountry(t *testing.T) {
	t.Parallel()
	if _, err := New(Options{SSHAllowedCountries: []string{"FR"}}); err == nil {
		t.Fatal("allowed countries without GeoIP accepted")
	}
	d, _ := New(Options{GeoIP: fakeGeo{}, SSHAllowedCountries: []string{"FR", "DE"}})
	rec := func(src string, action string) *FlowRecord {
		r, _ := NewFlowLogReader(strings.NewReader("2 111122223333 eni-1 "+src+" 10.0.0.5 50000 22 6 10 840 1700000000 1700000060 "+action+" OK\n"), "f", "")
		fr, err := r.Next()
		if err != nil {
			t.Fatal(err)
		}
		return fr
	}
	if got := d.FlowLog(rec("192.0.2.8", "ACCEPT")); len(got) != 0 {
		t.Fatal("SSH from France flagged")
	}
	if got := d.FlowLog(rec("203.0.113.8", "REJECT")); len(got) != 0 {
		t.Fatal("rejected SSH flagged")
	}
	got := d.FlowLog(rec("203.0.113.8", "ACCEPT"))
	if len(got) != 1 || got[0].Type != TypeMoatSSHDisallowedCountry || got[0].Service.AdditionalInfo["country"] != "AU" {
		t.Fatalf("%+v", got)
	}
}

// TestAnomalousBehavior learns a user's habits for the learning period and
// then sees GetSecretValue from a new network with a new tool.
func TestAnomalousBehavior(t *testing.T) {
	t.Parallel()
	d, _ := New(Options{Baseline: BaselineOptions{Learning: 48 * time.Hour, MinEvents: 10}})
	start := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	call := func(at time.Time, api, ip, ua string) []*Finding {
		return d.CloudTrail(mustRecord(t, fmt.Sprintf(`{"eventName":%q,"eventTime":%q,"sourceIPAddress":%q,"userAgent":%q,%s}`, api, at.Format(time.RFC3339), ip, ua, user)))
	}
	for h := 0; h < 72; h++ { // three days of routine: learning ends after two
		for _, api := range []string{"DescribeInstances", "ListBuckets", "GetSecretValue"} {
			if got := call(start.Add(time.Duration(h)*time.Hour), api, "192.0.2.10", "aws-cli/2.15 Python/3.11"); len(got) != 0 {
				t.Fatalf("routine call %s at hour %d raised %s", api, h, got[0].Type)
			}
		}
	}
	late := start.Add(80 * time.Hour)
	if got := call(late, "CreateAccessKey", "192.0.2.10", "aws-cli/2.15 Python/3.11"); len(got) != 0 {
		t.Fatalf("new API from the usual network and tool raised %s", got[0].Type)
	}
	got := call(late.Add(time.Minute), "AttachUserPolicy", "203.0.113.50", "Boto3/1.34")
	if len(got) != 1 || got[0].Type != "PrivilegeEscalation:IAMUser/AnomalousBehavior" || got[0].Severity != SeverityMedium {
		t.Fatalf("%+v", got)
	}
	if !strings.Contains(got[0].Description, "never called before") || !strings.Contains(got[0].Description, "new user agent family boto3") {
		t.Errorf("description %q", got[0].Description)
	}
	// A burst of a known API: 1 call an hour while learning, now 25 in an hour.
	var burst []*Finding
	for i := 0; i < 25; i++ {
		burst = call(late.Add(2*time.Hour+time.Duration(i)*time.Second), "GetSecretValue", "192.0.2.10", "aws-cli/2.15 Python/3.11")
	}
	if len(burst) != 1 || burst[0].Type != "CredentialAccess:IAMUser/AnomalousBehavior" {
		t.Fatalf("burst: %+v", burst)
	}
	// A principal still learning raises nothing.
	d2, _ := New(Options{})
	if got := d2.CloudTrail(mustRecord(t, `{"eventName":"StopLogging","eventSource":"x","eventTime":"2024-01-01T00:00:00Z",`+user+`}`)); len(got) != 0 {
		t.Fatalf("learning principal raised %s", got[0].Type)
	}
}

func TestDNSRules(t *testing.T) {
	t.Parallel()
	c2 := NewIPList("c2.txt", ThreatCommandAndControl)
	c2.Add("evil.example")
	mining := NewIPList("pools.txt", ThreatCryptoMining)
	mining.Add("pool.example.org")
	d, _ := New(Options{ThreatLists: []*IPList{c2, mining}})
	q := func(name, rcode, answer string) []*Finding {
		js := `{"query_timestamp":"2024-01-01T00:00:00Z","query_name":"` + name + `","rcode":"` + rcode + `","srcaddr":"10.0.0.9","srcids":{"instance":"i-0123456789abcdef0"},"answers":[{"Rdata":"` + answer + `","Type":"A"}]}`
		r := NewDNSReader(strings.NewReader(js), "q")
		dq, err := r.Next()
		if err != nil {
			t.Fatal(err)
		}
		return d.DNSQuery(dq)
	}
	expect := func(got []*Finding, typ string) {
		t.Helper()
		if len(got) != 1 || got[0].Type != typ {
			t.Fatalf("got %+v, want %s", got, typ)
		}
	}
	expect(q("beacon.EVIL.example.", "NOERROR", "192.0.2.1"), TypeCnCDNS)
	expect(q("eu.pool.example.org.", "NOERROR", "192.0.2.1"), TypeBitcoinToolDNS)
	expect(q("rebind.attacker.example.", "NOERROR", "169.254.169.254"), TypeMetadataDNSRebind)
	if got := q("www.example.com.", "NOERROR", "192.0.2.1"); len(got) != 0 {
		t.Fatalf("ordinary query raised %s", got[0].Type)
	}
	var got []*Finding
	for _, name := range []string{"xkqzvbnmwrt", "qpzlkrtvbnx", "zzkvqpwtrml", "bnmqwrtzxkp", "vkqzrtwpmnb"} {
		got = q(name+".com.", "NXDOMAIN", "")
	}
	expect(got, TypeDGADomainRequest)
	for _, name := range []string{"wikipedia", "stackoverflow", "cloudflare"} {
		if g := q(name+".org.", "NXDOMAIN", ""); len(g) != 0 && g[0].Service.Count > 1 {
			t.Fatalf("%s counted as DGA", name)
		}
	}
}

func TestFlowRules(t *testing.T) {
	t.Parallel()
	d, _ := New(Options{Thresholds: Thresholds{PortSweepHosts: 10, DoSPackets: 5000, SpamHosts: 5, ProbeRejects: 3}})
	flow := func(line string) []*Finding {
		r, _ := NewFlowLogReader(strings.NewReader(line+"\n"), "f", "")
		fr, err := r.Next()
		if err != nil {
			t.Fatal(err)
		}
		return d.FlowLog(fr)
	}
	var got []*Finding
	for i := 0; i < 10; i++ { // sweep port 445 across public hosts
		got = flow(fmt.Sprintf("2 1 eni-a 10.0.0.1 198.51.100.%d 40000 445 6 1 60 1700000000 1700000060 REJECT OK", i))
	}
	if len(got) != 1 || got[0].Type != TypePortSweep || got[0].Severity != SeverityHigh {
		t.Fatalf("sweep: %+v", got)
	}
	got = flow("2 1 eni-b 10.0.0.2 203.0.113.9 40000 53 17 6000 480000 1700000000 1700000060 ACCEPT OK")
	if len(got) != 1 || got[0].Type != TypeDoSDNS {
		t.Fatalf("dns dos: %+v", got)
	}
	got = flow("2 1 eni-b 10.0.0.2 203.0.113.9 40000 443 17 6000 480000 1700000000 1700000060 ACCEPT OK")
	if len(got) != 1 || got[0].Type != TypeDoSUdpOnTcpPorts {
		t.Fatalf("udp on tcp port: %+v", got)
	}
	got = flow("2 1 eni-b 10.0.0.2 203.0.113.9 - - 47 6000 480000 1700000000 1700000060 ACCEPT OK")
	if len(got) != 1 || got[0].Type != TypeDoSUnusualProtocol {
		t.Fatalf("gre: %+v", got)
	}
	for i := 0; i < 5; i++ {
		got = flow(fmt.Sprintf("2 1 eni-c 10.0.0.3 192.0.2.%d 40000 25 6 5 300 1700000000 1700000060 ACCEPT OK", i))
	}
	if len(got) != 1 || got[0].Type != TypeSpambot {
		t.Fatalf("spam: %+v", got)
	}
	for p := 0; p < 3; p++ { // a scanner is rejected thrice, then gets in on 8080
		flow(fmt.Sprintf("2 1 eni-d 192.0.2.200 10.0.0.4 50000 %d 6 1 40 1700000000 1700000060 REJECT OK", 100+p))
	}
	got = flow("2 1 eni-d 192.0.2.200 10.0.0.4 50000 8080 6 1 40 1700000000 1700000060 ACCEPT OK")
	if len(got) != 1 || got[0].Type != TypePortProbeUnprotectedPort || got[0].Service.Action.PortProbeAction == nil {
		t.Fatalf("probe: %+v", got)
	}
	// The instance as the source of SSH brute force is High.
	for i := 0; i < 20; i++ {
		got = flow(fmt.Sprintf("2 1 eni-e 10.0.0.5 203.0.113.77 %d 22 6 5 300 1700000000 1700000060 ACCEPT OK", 40000+i))
	}
	if len(got) != 1 || got[0].Type != TypeSSHBruteForce || got[0].Severity != SeverityHigh || got[0].Service.ResourceRole != "ACTOR" {
		t.Fatalf("outbound brute force: %+v", got)
	}
	for i := 0; i < 20; i++ {
		got = flow(fmt.Sprintf("2 1 eni-f 198.51.100.50 10.0.0.6 %d 5986 6 5 300 1700000000 1700000060 ACCEPT OK", 40000+i))
	}
	if len(got) != 1 || got[0].Type != TypeWinRMBruteForce || got[0].Severity != SeverityLow {
		t.Fatalf("WinRM brute force: %+v", got)
	}
}

func TestInstanceCredentialsWithKnownAddresses(t *testing.T) {
	t.Parallel()
	inst := "i-0123456789abcdef0"
	call := func(d *Detector, ip, endpoint string) []*Finding {
		return d.CloudTrail(mustRecord(t, `{"eventName":"ListBuckets","sourceIPAddress":"`+ip+`","vpcEndpointId":"`+endpoint+`","userIdentity":{"type":"AssumedRole","arn":"arn:aws:sts::1:assumed-role/web/`+inst+`","sessionContext":{"sessionIssuer":{"arn":"arn:aws:iam::1:role/web"}}}}`))
	}
	d, _ := New(Options{InstanceAddresses: map[string][]netip.Addr{inst: {netip.MustParseAddr("203.0.113.5")}}})
	if got := call(d, "203.0.113.5", ""); len(got) != 0 {
		t.Fatal("the instance's own address flagged")
	}
	if got := call(d, "198.51.100.9", "vpce-1"); len(got) != 0 {
		t.Fatal("a call through a VPC endpoint flagged")
	}
	if got := call(d, "198.51.100.9", ""); len(got) != 1 || got[0].Type != TypeInstanceCredExfilOutside {
		t.Fatalf("%+v", got)
	}
	// Learnt from a flow log with instance-id: the instance's public address.
	d2, _ := New(Options{})
	r, _ := NewFlowLogReader(strings.NewReader("version instance-id srcaddr dstaddr srcport dstport protocol action log-status flow-direction\n"+
		"3 "+inst+" 203.0.113.5 192.0.2.1 40000 443 6 ACCEPT OK egress\n"), "f", "")
	fr, err := r.Next()
	if err != nil {
		t.Fatal(err)
	}
	d2.FlowLog(fr)
	if got := call(d2, "203.0.113.5", ""); len(got) != 0 {
		t.Fatal("address learnt from flow logs flagged")
	}
	if got := call(d2, "198.51.100.10", ""); len(got) != 1 {
		t.Fatal("other address not flagged")
	}
	// Without known addresses, an address no person used is not flagged...
	d3, _ := New(Options{})
	if got := call(d3, "198.51.100.11", ""); len(got) != 0 {
		t.Fatal("unknown address flagged without evidence")
	}
	// ...until a person calls from it: then the earlier call is raised.
	got := d3.CloudTrail(mustRecord(t, `{"eventName":"GetUser","sourceIPAddress":"198.51.100.11",`+user+`}`))
	if len(got) != 1 || got[0].Type != TypeInstanceCredExfilOutside {
		t.Fatalf("pending call not raised: %+v", got)
	}
}

func TestNetworkPortUnusual(t *testing.T) {
	t.Parallel()
	d, _ := New(Options{Baseline: BaselineOptions{Learning: 24 * time.Hour, MinEvents: 10}})
	start := int64(1700000000)
	flow := func(at int64, port int) []*Finding {
		r, _ := NewFlowLogReader(strings.NewReader(fmt.Sprintf("2 1 eni-u 10.0.0.7 203.0.113.20 40000 %d 6 5 300 %d %d ACCEPT OK\n", port, at, at+60)), "f", "")
		fr, err := r.Next()
		if err != nil {
			t.Fatal(err)
		}
		return d.FlowLog(fr)
	}
	if got := flow(start, 8443); len(got) != 0 { // new port while learning: learnt, not flagged
		t.Fatalf("learning raised %s", got[0].Type)
	}
	for h := int64(0); h < 48; h++ {
		if got := flow(start+h*3600, 443); len(got) != 0 {
			t.Fatalf("routine port raised %s", got[0].Type)
		}
	}
	got := flow(start+49*3600, 6667)
	if len(got) != 1 || got[0].Type != TypeNetworkPortUnusual || got[0].Service.AdditionalInfo["port"] != "6667" {
		t.Fatalf("%+v", got)
	}
	if got := flow(start+50*3600, 8443); len(got) != 0 {
		t.Fatal("port learnt during learning flagged")
	}
	if got := flow(start+50*3600, 60000); len(got) != 0 {
		t.Fatal("ephemeral remote port flagged")
	}
}

func TestReadInstances(t *testing.T) {
	t.Parallel()
	doc := `{"Reservations":[{"Instances":[{"InstanceId":"i-0123456789abcdef0","PrivateIpAddress":"10.0.0.5","PublicIpAddress":"203.0.113.5",
		"NetworkInterfaces":[{"PrivateIpAddresses":[{"PrivateIpAddress":"10.0.0.5","Association":{"PublicIp":"203.0.113.5"}},{"PrivateIpAddress":"10.0.0.6"}],
		"Ipv6Addresses":[{"Ipv6Address":"2001:db8::5"}]}]}]}]}`
	m, err := ReadInstances(strings.NewReader(doc), "i.json")
	if err != nil {
		t.Fatal(err)
	}
	if got := fmt.Sprint(m["i-0123456789abcdef0"]); got != "[10.0.0.5 203.0.113.5 10.0.0.5 203.0.113.5 10.0.0.6 2001:db8::5]" {
		t.Fatalf("%s", got)
	}
	if _, err := ReadInstances(strings.NewReader(`{"Reservations":[{"Instances":[{}]}]}`), "x.json"); err == nil || !strings.Contains(err.Error(), "Reservations[0].Instances[0].InstanceId: missing") {
		t.Fatalf("%v", err)
	}
	if _, err := ReadInstances(strings.NewReader(`[`), "y.json"); err == nil || !strings.Contains(err.Error(), "y.json: not describe-instances output") {
		t.Fatalf("%v", err)
	}
}

func TestTrafficVolumeUnusual(t *testing.T) {
	t.Parallel()
	d, _ := New(Options{Baseline: BaselineOptions{Learning: 24 * time.Hour, MinEvents: 10}})
	start := int64(1700000000)
	flow := func(at, bytes int64) []*Finding {
		r, _ := NewFlowLogReader(strings.NewReader(fmt.Sprintf("2 1 eni-v 10.0.0.8 203.0.113.30 40000 443 6 1000 %d %d %d ACCEPT OK\n", bytes, at, at+60)), "f", "")
		fr, err := r.Next()
		if err != nil {
			t.Fatal(err)
		}
		return d.FlowLog(fr)
	}
	for h := int64(0); h < 30; h++ { // 5 MB an hour while learning
		if got := flow(start+h*3600, 5<<20); len(got) != 0 {
			t.Fatalf("learning raised %s", got[0].Type)
		}
	}
	if got := flow(start+40*3600, 40<<20); len(got) != 0 { // 40 MB: under 100 MB
		t.Fatal("40 MB flagged")
	}
	got := flow(start+41*3600, 200<<20)
	if len(got) != 1 || got[0].Type != TypeTrafficVolumeUnusual || got[0].Service.AdditionalInfo["learntHourlyMax"] != "5242880" {
		t.Fatalf("%+v", got)
	}
}
