// Package detecttest generates synthetic CloudTrail, VPC flow log and Resolver
// query log data for detect's tests and benchmarks: ordinary activity with
// planted attacks that the real datasets lack (root use, console brute force,
// SSH brute force, port scans, DNS exfiltration). Output is deterministic for
// a given seed. Addresses are documentation ranges (RFC 5737) and private
// ranges; nothing here is real.
package detecttest

import (
	"bufio"
	"compress/gzip"
	"encoding/json"
	"fmt"
	"io"
	"math/rand"
	"strings"
	"time"
)

// Account is the account every generated record belongs to.
const Account = "111122223333"

// Planted attacks: the generator plants each of these once per Plant call.
const (
	AttackerIP   = "203.0.113.66" // console brute force, stolen instance credentials
	ScannerIP    = "198.51.100.23"
	ExfilDomain  = "exfil-example.net"
	VictimUser   = "alice"
	InstanceID   = "i-0abc1234def567890"
	InstanceRole = "app-server-role"
)

// CloudTrail writes n ordinary records plus the planted attacks as one
// {"Records":[...]} delivery document, as CloudTrail writes its files.
type CloudTrail struct {
	rnd   *rand.Rand
	start time.Time
	w     *bufio.Writer
	n     int
}

// NewCloudTrail starts a generator writing to w.
func NewCloudTrail(w io.Writer, seed int64, start time.Time) *CloudTrail {
	return &CloudTrail{rnd: rand.New(rand.NewSource(seed)), start: start, w: bufio.NewWriterSize(w, 1<<16)}
}

var (
	users   = []string{"alice", "bob", "carol", "dave", "erin", "frank", "grace", "heidi"}
	apis    = [][2]string{{"ec2.amazonaws.com", "DescribeInstances"}, {"ec2.amazonaws.com", "DescribeVolumes"}, {"s3.amazonaws.com", "ListBuckets"}, {"s3.amazonaws.com", "GetBucketLocation"}, {"iam.amazonaws.com", "GetUser"}, {"sts.amazonaws.com", "GetCallerIdentity"}, {"lambda.amazonaws.com", "ListFunctions20150331"}, {"logs.amazonaws.com", "DescribeLogGroups"}, {"ec2.amazonaws.com", "DescribeSecurityGroups"}, {"kms.amazonaws.com", "Decrypt"}, {"dynamodb.amazonaws.com", "DescribeTable"}, {"cloudwatch.amazonaws.com", "GetMetricData"}}
	agents  = []string{"aws-cli/2.15.30 Python/3.11.8 Linux/6.1.79 exe/x86_64.amzn.2023 prompt/off command/ec2.describe-instances", "Boto3/1.34.69 md/Botocore#1.34.69 ua/2.0 os/linux#6.1.79 md/arch#x86_64 lang/python#3.11.8 md/pyimpl#CPython cfg/retry-mode#legacy Botocore/1.34.69", "aws-sdk-go-v2/1.26.0 os/linux lang/go#1.22.1 md/GOOS#linux md/GOARCH#amd64 api/ec2#1.150.0", "terraform-provider-aws/5.42.0 (+https://registry.terraform.io/providers/hashicorp/aws) aws-sdk-go-v2/1.26.0"}
	regions = []string{"us-east-1", "eu-west-1", "ap-southeast-2"}
)

func (g *CloudTrail) begin() error {
	_, err := g.w.WriteString(`{"Records":[`)
	return err
}

func (g *CloudTrail) emit(rec map[string]any) error {
	if g.n > 0 {
		if err := g.w.WriteByte(','); err != nil {
			return err
		}
	}
	g.n++
	b, err := json.Marshal(rec)
	if err != nil {
		return err
	}
	_, err = g.w.Write(b)
	return err
}

func (g *CloudTrail) end() error {
	if _, err := g.w.WriteString("]}"); err != nil {
		return err
	}
	return g.w.Flush()
}

func (g *CloudTrail) uuid() string {
	return fmt.Sprintf("%08x-%04x-4%03x-8%03x-%012x", g.rnd.Uint32(), g.rnd.Intn(1<<16), g.rnd.Intn(1<<12), g.rnd.Intn(1<<12), g.rnd.Int63n(1<<48))
}

func (g *CloudTrail) base(at time.Time, source, name, ip, ua string, ident map[string]any) map[string]any {
	region := regions[g.rnd.Intn(len(regions))]
	return map[string]any{
		"eventVersion": "1.09", "userIdentity": ident, "eventTime": at.UTC().Format(time.RFC3339),
		"eventSource": source, "eventName": name, "awsRegion": region, "sourceIPAddress": ip, "userAgent": ua,
		"requestParameters": map[string]any{"maxResults": 100, "filterSet": map[string]any{}, "instancesSet": map[string]any{}},
		"responseElements":  nil, "requestID": g.uuid(), "eventID": g.uuid(), "readOnly": true,
		"eventType": "AwsApiCall", "managementEvent": true, "recipientAccountId": Account, "eventCategory": "Management",
		"tlsDetails": map[string]any{"tlsVersion": "TLSv1.3", "cipherSuite": "TLS_AES_128_GCM_SHA256",
			"clientProvidedHostHeader": strings.Split(source, ".")[0] + "." + region + ".amazonaws.com"},
	}
}

func userIdent(name string) map[string]any {
	return map[string]any{"type": "IAMUser", "principalId": "AIDA" + strings.ToUpper(name) + "EXAMPLE", "arn": "arn:aws:iam::" + Account + ":user/" + name,
		"accountId": Account, "accessKeyId": "AKIA" + strings.ToUpper(name) + "EXAMPLE", "userName": name}
}

func instanceIdent() map[string]any {
	return map[string]any{"type": "AssumedRole", "principalId": "AROAEXAMPLEROLE:" + InstanceID,
		"arn": "arn:aws:sts::" + Account + ":assumed-role/" + InstanceRole + "/" + InstanceID, "accountId": Account, "accessKeyId": "ASIAEXAMPLEINSTANCE",
		"sessionContext": map[string]any{"sessionIssuer": map[string]any{"type": "Role", "principalId": "AROAEXAMPLEROLE",
			"arn": "arn:aws:iam::" + Account + ":role/" + InstanceRole, "accountId": Account, "userName": InstanceRole},
			"attributes": map[string]any{"creationDate": "2024-05-01T00:00:00Z", "mfaAuthenticated": "false"}, "ec2RoleDelivery": "2.0"}}
}

// Ordinary writes one ordinary API call at time at.
func (g *CloudTrail) Ordinary(at time.Time) error {
	api := apis[g.rnd.Intn(len(apis))]
	u := users[g.rnd.Intn(len(users))]
	ip := fmt.Sprintf("192.0.2.%d", 10+g.rnd.Intn(len(users)))
	rec := g.base(at, api[0], api[1], ip, agents[g.rnd.Intn(len(agents))], userIdent(u))
	// Real records carry more than the detectors read; these bring the size
	// to about 1.2 KB, like the benchmark records.
	rec["resources"] = []any{map[string]any{"ARN": "arn:aws:ec2:us-east-1:" + Account + ":instance/i-0" + fmt.Sprintf("%016x", g.rnd.Int63()), "accountId": Account, "type": "AWS::EC2::Instance"}}
	rec["userIdentity"].(map[string]any)["sessionContext"] = map[string]any{"attributes": map[string]any{"creationDate": at.Add(-time.Hour).UTC().Format(time.RFC3339), "mfaAuthenticated": "false"}}
	rec["apiVersion"] = "2016-11-15"
	return g.emit(rec)
}

// Plant writes the planted attacks, starting at time at:
// RootCredentialUsage, console brute force (10 failures for VictimUser from
// AttackerIP, then a success without MFA), StopLogging, and calls with the
// instance role's credentials from AttackerIP after VictimUser used that
// address.
func (g *CloudTrail) Plant(at time.Time) error {
	root := map[string]any{"type": "Root", "principalId": Account, "arn": "arn:aws:iam::" + Account + ":root", "accountId": Account, "accessKeyId": "AKIAROOTEXAMPLE"}
	rec := g.base(at, "iam.amazonaws.com", "CreateAccessKey", "192.0.2.200", agents[0], root)
	rec["readOnly"] = false
	if err := g.emit(rec); err != nil {
		return err
	}
	for i := 0; i < 10; i++ {
		rec := g.signIn(at.Add(time.Duration(i)*20*time.Second), VictimUser, AttackerIP, false, true)
		if err := g.emit(rec); err != nil {
			return err
		}
	}
	if err := g.emit(g.signIn(at.Add(4*time.Minute), VictimUser, AttackerIP, true, false)); err != nil {
		return err
	}
	rec = g.base(at.Add(5*time.Minute), "cloudtrail.amazonaws.com", "StopLogging", AttackerIP, agents[0], userIdent(VictimUser))
	rec["requestParameters"] = map[string]any{"name": "arn:aws:cloudtrail:us-east-1:" + Account + ":trail/management"}
	rec["readOnly"] = false
	if err := g.emit(rec); err != nil {
		return err
	}
	for i := 0; i < 3; i++ {
		rec = g.base(at.Add(6*time.Minute+time.Duration(i)*time.Second), "s3.amazonaws.com", "ListObjects", AttackerIP, agents[0], instanceIdent())
		if err := g.emit(rec); err != nil {
			return err
		}
	}
	return nil
}

func (g *CloudTrail) signIn(at time.Time, user, ip string, ok, mfa bool) map[string]any {
	rec := g.base(at, "signin.amazonaws.com", "ConsoleLogin", ip, "Mozilla/5.0 (X11; Linux x86_64; rv:124.0) Gecko/20100101 Firefox/124.0", userIdent(user))
	delete(rec["userIdentity"].(map[string]any), "accessKeyId")
	rec["eventType"], rec["readOnly"], rec["requestParameters"] = "AwsConsoleSignIn", false, nil
	mfaUsed := "No"
	if mfa {
		mfaUsed = "Yes"
	}
	rec["additionalEventData"] = map[string]any{"LoginTo": "https://console.aws.amazon.com/console/home", "MobileVersion": "No", "MFAUsed": mfaUsed}
	if ok {
		rec["responseElements"] = map[string]any{"ConsoleLogin": "Success"}
	} else {
		rec["responseElements"] = map[string]any{"ConsoleLogin": "Failure"}
		rec["errorMessage"] = "Failed authentication"
	}
	return rec
}

// WriteCloudTrail writes one delivery document with n ordinary records, one
// second apart from start, and the planted attacks in the middle when plant.
func WriteCloudTrail(w io.Writer, seed int64, start time.Time, n int, plant bool) error {
	g := NewCloudTrail(w, seed, start)
	if err := g.begin(); err != nil {
		return err
	}
	for i := 0; i < n; i++ {
		if plant && i == n/2 {
			if err := g.Plant(start.Add(time.Duration(i) * time.Second)); err != nil {
				return err
			}
		}
		if err := g.Ordinary(start.Add(time.Duration(i) * time.Second)); err != nil {
			return err
		}
	}
	return g.end()
}

// WriteCloudTrailGz is WriteCloudTrail gzip-compressed, as delivered to S3.
func WriteCloudTrailGz(w io.Writer, seed int64, start time.Time, n int, plant bool) error {
	zw := gzip.NewWriter(w)
	if err := WriteCloudTrail(zw, seed, start, n, plant); err != nil {
		return err
	}
	return zw.Close()
}

// WriteFlowLogs writes a flow log file in the v3 custom format with a header
// line: ordinary web traffic, an SSH brute force from ScannerIP against
// 10.0.1.10 (instance InstanceID), and an outbound port scan from 10.0.1.20
// against 198.51.100.99.
func WriteFlowLogs(w io.Writer, seed int64, start time.Time) error {
	rnd := rand.New(rand.NewSource(seed))
	bw := bufio.NewWriter(w)
	fmt.Fprintln(bw, "version account-id interface-id instance-id srcaddr dstaddr srcport dstport protocol packets bytes start end action tcp-flags log-status")
	line := func(eni, inst, src, dst string, sport, dport, proto int, t int64, action string, flags int) {
		fmt.Fprintf(bw, "3 %s %s %s %s %s %d %d %d %d %d %d %d %s %d OK\n", Account, eni, inst, src, dst, sport, dport, proto, 1+rnd.Intn(20), 60+rnd.Intn(5000), t, t+60, action, flags)
	}
	t0 := start.Unix()
	for i := 0; i < 200; i++ { // ordinary HTTPS clients
		line("eni-0web0000000000001", "i-0web00000000000001", fmt.Sprintf("192.0.2.%d", 1+rnd.Intn(200)), "10.0.1.30", 40000+rnd.Intn(20000), 443, 6, t0+int64(i), "ACCEPT", 19)
	}
	for i := 0; i < 40; i++ { // SSH brute force against the instance
		line("eni-0ssh0000000000001", InstanceID, ScannerIP, "10.0.1.10", 50000+i, 22, 6, t0+int64(i*5), "ACCEPT", 3)
	}
	for p := 1; p <= 100; p++ { // outbound port scan
		line("eni-0scan000000000001", "i-0scan0000000000001", "10.0.1.20", "198.51.100.99", 41000+p, p, 6, t0+int64(p), "ACCEPT", 2)
	}
	return bw.Flush()
}

// WriteDNSLogs writes Resolver query log JSON lines: ordinary lookups and 50
// queries from InstanceID that carry hex-encoded data under ExfilDomain.
func WriteDNSLogs(w io.Writer, seed int64, start time.Time) error {
	rnd := rand.New(rand.NewSource(seed))
	bw := bufio.NewWriter(w)
	q := func(at time.Time, name, inst, rcode string) {
		rec := map[string]any{"version": "1.100000", "account_id": Account, "region": "us-east-1", "vpc_id": "vpc-0example",
			"query_timestamp": at.UTC().Format(time.RFC3339), "query_name": name + ".", "query_type": "A", "query_class": "IN",
			"rcode": rcode, "answers": []any{}, "srcaddr": "10.0.1.40", "srcport": "53124", "transport": "UDP",
			"srcids": map[string]any{"instance": inst}}
		b, _ := json.Marshal(rec)
		bw.Write(b)
		bw.WriteByte('\n')
	}
	names := []string{"www.example.com", "api.example.org", "s3.us-east-1.amazonaws.com", "sts.amazonaws.com", "updates.example.net"}
	for i := 0; i < 300; i++ {
		q(start.Add(time.Duration(i)*time.Second), names[rnd.Intn(len(names))], "i-0web00000000000001", "NOERROR")
	}
	for i := 0; i < 50; i++ {
		chunk := make([]byte, 24)
		rnd.Read(chunk)
		q(start.Add(time.Duration(i)*3*time.Second), fmt.Sprintf("%x.%d", chunk, i)+"."+ExfilDomain, InstanceID, "NOERROR")
	}
	return bw.Flush()
}
