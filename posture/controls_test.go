package posture_test

import (
	"strings"
	"testing"
	"time"

	"github.com/moatdev/moat/posture"
)

func resultOf(t *testing.T, r *posture.Report, id string) *posture.ControlResult {
	t.Helper()
	for i := range r.Controls {
		if r.Controls[i].Control.ID == id {
			return &r.Controls[i]
		}
	}
	t.Fatalf("no control %s", id)
	return nil
}

func ptr[T any](v T) *T { return &v }

func user(a *posture.Account, name string) *posture.Credential {
	for i := range a.Credentials {
		if a.Credentials[i].User == name {
			return &a.Credentials[i]
		}
	}
	panic("no user " + name)
}

// Each case starts from the fixed account (where the control passes), checks
// that it passes, applies one change and checks the control's new status and
// the reason given for the failing resource.
func TestControlsPassAndFail(t *testing.T) {
	t.Parallel()
	day := 24 * time.Hour
	tests := []struct {
		control string
		change  func(a *posture.Account)
		want    posture.ControlStatus
		reason  string
	}{
		{"IAM.4", func(a *posture.Account) { user(a, posture.RootUser).AccessKey[1].Active = true }, posture.ControlFailed, "root user has an active access key"},
		{"IAM.9", func(a *posture.Account) { user(a, posture.RootUser).MFAActive = false }, posture.ControlFailed, "no MFA device"},
		{"IAM.6", func(a *posture.Account) { user(a, posture.RootUser).MFAActive = false }, posture.ControlFailed, "no MFA device at all"},
		{"CIS.root_usage", func(a *posture.Account) { user(a, posture.RootUser).PasswordLastUsed = evalNow.Add(-2 * day) }, posture.ControlFailed, "within 90 days"},
		{"CIS.root_usage", func(a *posture.Account) { user(a, posture.RootUser).AccessKey[0].LastUsedDate = evalNow.Add(-89 * day) }, posture.ControlFailed, "within 90 days"},
		{"IAM.5", func(a *posture.Account) { user(a, "alice").MFAActive = false }, posture.ControlFailed, "console password without MFA"},
		{"CIS.no_initial_keys", func(a *posture.Account) {
			user(a, "alice").AccessKey[0] = posture.KeyInfo{Active: true, LastRotated: evalNow.Add(-day)}
		}, posture.ControlFailed, "access key 1 active and never used"},
		{"IAM.22", func(a *posture.Account) { user(a, "bob").AccessKey[0].LastUsedDate = evalNow.Add(-46 * day) }, posture.ControlFailed, "access key 1 not used for more than 45 days"},
		{"IAM.22", func(a *posture.Account) {
			u := user(a, "alice")
			u.PasswordLastUsed, u.PasswordLastChanged, u.UserCreationTime = time.Time{}, evalNow.Add(-50*day), evalNow.Add(-60*day)
		}, posture.ControlFailed, "console password not used for more than 45 days"},
		{"IAM.8", func(a *posture.Account) { user(a, "bob").AccessKey[0].LastUsedDate = evalNow.Add(-46 * day) }, posture.ControlPassed, ""},
		{"IAM.8", func(a *posture.Account) { user(a, "bob").AccessKey[0].LastUsedDate = evalNow.Add(-91 * day) }, posture.ControlFailed, "more than 90 days"},
		{"CIS.one_active_key", func(a *posture.Account) {
			user(a, "bob").AccessKey[1] = posture.KeyInfo{Active: true, LastRotated: evalNow.Add(-day), LastUsedDate: evalNow}
		}, posture.ControlFailed, "two active access keys"},
		{"IAM.3", func(a *posture.Account) { user(a, "bob").AccessKey[0].LastRotated = evalNow.Add(-91 * day) }, posture.ControlFailed, "access key 1 last rotated"},
		{"IAM.3", func(a *posture.Account) {
			u := user(a, "bob")
			u.AccessKey[0].LastRotated, u.AccessKey[0].Active = evalNow.Add(-400*day), false
		}, posture.ControlPassed, ""},
		{"IAM.15", func(a *posture.Account) { a.PasswordPolicy.MinimumPasswordLength = 13 }, posture.ControlFailed, "minimum password length 13"},
		{"IAM.16", func(a *posture.Account) { a.PasswordPolicy.PasswordReusePrevention = ptr(5) }, posture.ControlFailed, "reuse prevention 5"},
		{"IAM.7", func(a *posture.Account) { a.PasswordPolicy.RequireNumbers = false }, posture.ControlFailed, "[numbers]"},
		{"IAM.15", func(a *posture.Account) { a.PasswordPolicy = &posture.PasswordPolicy{} }, posture.ControlFailed, "minimum password length 0"},
		{"IAM.1", func(a *posture.Account) {
			p := &a.Auth.Policies[0]
			p.PolicyVersionList[0].Document.Statements[0].Action = []string{"*:*"}
		}, posture.ControlFailed, `Statement[0] allows "Action": "*"`},
		{"IAM.1", func(a *posture.Account) {
			p := &a.Auth.Policies[0]
			p.PolicyVersionList[0].Document.Statements[0] = posture.Statement{Effect: "Deny", Action: []string{"*"}, Resource: []string{"*"}}
		}, posture.ControlPassed, ""},
		{"IAM.21", func(a *posture.Account) {
			a.Auth.Policies[0].PolicyVersionList[0].Document.Statements[0].Action = []string{"iam:*"}
		}, posture.ControlFailed, `service wildcard "iam:*"`},
		{"IAM.2", func(a *posture.Account) {
			a.Auth.UserDetailList[1].AttachedManagedPolicies = []posture.AttachedPolicy{{PolicyArn: "arn:aws:iam::aws:policy/ReadOnlyAccess"}}
		}, posture.ControlFailed, "0 inline and 1 attached"},
		{"IAM.18", func(a *posture.Account) { a.Auth.RoleDetailList[0].AttachedManagedPolicies = nil }, posture.ControlFailed, "no role has the AWSSupportAccess"},
		{"IAM.27", func(a *posture.Account) {
			a.Auth.GroupDetailList[1].AttachedManagedPolicies = append(a.Auth.GroupDetailList[1].AttachedManagedPolicies,
				posture.AttachedPolicy{PolicyArn: "arn:aws:iam::aws:policy/AWSCloudShellFullAccess"})
		}, posture.ControlFailed, "AWSCloudShellFullAccess is attached"},
		{"EC2.53", func(a *posture.Account) { openPort(a, "tcp", 3389, 3389, "0.0.0.0/0", "") }, posture.ControlFailed, "TCP port 3389 from 0.0.0.0/0"},
		{"EC2.53", func(a *posture.Account) { openPort(a, "-1", 0, 0, "0.0.0.0/0", "") }, posture.ControlFailed, "all traffic"},
		{"EC2.53", func(a *posture.Account) { openPort(a, "tcp", 23, 3388, "0.0.0.0/0", "") }, posture.ControlPassed, ""},
		{"EC2.53", func(a *posture.Account) { openPort(a, "udp", 22, 22, "0.0.0.0/0", "") }, posture.ControlPassed, ""},
		{"EC2.54", func(a *posture.Account) { openPort(a, "6", 0, 65535, "", "::/0") }, posture.ControlFailed, "TCP port 22 from ::/0"},
		{"EC2.54", func(a *posture.Account) { openPort(a, "tcp", 22, 22, "0.0.0.0/0", "") }, posture.ControlPassed, ""},
		{"EC2.13", func(a *posture.Account) { openPort(a, "tcp", 22, 22, "", "::/0") }, posture.ControlFailed, "port 22 from ::/0"},
		{"EC2.13", func(a *posture.Account) { openPort(a, "tcp", 3389, 3389, "0.0.0.0/0", "") }, posture.ControlPassed, ""},
		{"EC2.21", func(a *posture.Account) { a.EC2.NetworkAcls[0].Entries = a.EC2.NetworkAcls[0].Entries[1:] }, posture.ControlFailed, "rule 100 allows port 22"},
		{"EC2.21", func(a *posture.Account) { a.EC2.NetworkAcls[0].Entries[1].RuleNumber = 200 }, posture.ControlFailed, "rule 100 allows port 3389"},
		{"EC2.2", func(a *posture.Account) {
			a.EC2.SecurityGroups[0].IpPermissionsEgress = []posture.IpPermission{{IpProtocol: "-1"}}
		}, posture.ControlFailed, "0 inbound and 1 outbound"},
		{"CIS.peering_routes", func(a *posture.Account) { addRoute(a, "10.1.0.0/16") }, posture.ControlUnknown, "check it is only what the peer needs"},
		{"CIS.peering_routes", func(a *posture.Account) { addRoute(a, "0.0.0.0/0") }, posture.ControlFailed, "(everything)"},
		{"EC2.8", func(a *posture.Account) { a.EC2.Instances[0].MetadataOptions.HttpTokens = "optional" }, posture.ControlFailed, "HttpTokens is optional"},
		{"EC2.8", func(a *posture.Account) { a.EC2.Instances[0].MetadataOptions = nil }, posture.ControlFailed, "HttpTokens is absent"},
		{"EC2.8", func(a *posture.Account) {
			a.EC2.Instances[0].MetadataOptions.HttpTokens = "optional"
			a.EC2.Instances[0].State.Name = "terminated"
		}, posture.ControlPassed, ""},
		{"EC2.9", func(a *posture.Account) { a.EC2.Instances[0].PublicIpAddress = "198.51.100.1" }, posture.ControlFailed, "public IPv4 address 198.51.100.1"},
		{"EC2.6", func(a *posture.Account) { a.EC2.FlowLogs[0].ResourceId = "vpc-other" }, posture.ControlFailed, "has no active flow log"},
		{"EC2.6", func(a *posture.Account) { a.EC2.FlowLogs[0].FlowLogStatus = "INACTIVE" }, posture.ControlFailed, "has no active flow log"},
		{"EC2.7", func(a *posture.Account) { a.EC2.EbsEncryptionByDefault = append(a.EC2.EbsEncryptionByDefault, false) }, posture.ControlFailed, "off in 1 of 2"},
		{"CloudTrail.1", func(a *posture.Account) { a.Trails.List[0].IsMultiRegionTrail = false }, posture.ControlFailed, "no multi-Region trail"},
		{"CloudTrail.1", func(a *posture.Account) { a.Trails.List[0].Status.IsLogging = ptr(false) }, posture.ControlFailed, "no multi-Region trail"},
		{"CloudTrail.1", func(a *posture.Account) { a.Trails.List[0].Selectors.EventSelectors[0].ReadWriteType = "WriteOnly" }, posture.ControlFailed, "read and write"},
		{"CloudTrail.1", func(a *posture.Account) { a.Trails.List[0].Status = nil }, posture.ControlNoData, ""},
		{"CloudTrail.3", func(a *posture.Account) { a.Trails.List[0].Status.IsLogging = ptr(false) }, posture.ControlFailed, "no trail is logging"},
		{"CloudTrail.4", func(a *posture.Account) { a.Trails.List[0].LogFileValidationEnabled = false }, posture.ControlFailed, "log file validation is off"},
		{"CloudTrail.2", func(a *posture.Account) { a.Trails.List[0].KmsKeyId = "" }, posture.ControlFailed, "no KmsKeyId"},
		{"CloudTrail.5", func(a *posture.Account) { a.Trails.List[0].CloudWatchLogsLogGroupArn = "" }, posture.ControlFailed, "not integrated"},
		{"CloudTrail.5", func(a *posture.Account) {
			a.Trails.List[0].Status.LatestCloudWatchLogsDeliveryTime.Time = evalNow.Add(-2 * day)
		}, posture.ControlFailed, "no delivery to CloudWatch Logs in the last day"},
		{"S3.22", func(a *posture.Account) { a.Trails.List[0].Selectors.EventSelectors[0].ReadWriteType = "ReadOnly" }, posture.ControlFailed, "WriteOnly"},
		{"S3.23", func(a *posture.Account) { a.Trails.List[0].Selectors.EventSelectors[0].ReadWriteType = "WriteOnly" }, posture.ControlFailed, "ReadOnly"},
		{"S3.23", func(a *posture.Account) {
			a.Trails.List[0].Selectors.EventSelectors[0].DataResources[0].Values = []string{"arn:aws:s3:::one-bucket/"}
		}, posture.ControlFailed, "for all buckets"},
		{"EC2.19", func(a *posture.Account) { openPort(a, "tcp", 3306, 3306, "0.0.0.0/0", "") }, posture.ControlFailed, "TCP port 3306 from 0.0.0.0/0"},
		{"EC2.19", func(a *posture.Account) { openPort(a, "tcp", 8443, 8443, "0.0.0.0/0", "") }, posture.ControlPassed, ""},
		{"EC2.18", func(a *posture.Account) { openPort(a, "tcp", 8443, 8443, "", "::/0") }, posture.ControlFailed, "tcp port 8443 to the world"},
		{"EC2.18", func(a *posture.Account) { openPort(a, "tcp", 80, 80, "0.0.0.0/0", "") }, posture.ControlPassed, ""},
		{"EC2.18", func(a *posture.Account) { openPort(a, "-1", 0, 0, "0.0.0.0/0", "") }, posture.ControlFailed, "all traffic to the world"},
		{"EC2.16", func(a *posture.Account) { a.EC2.NetworkAcls[0].Associations = nil }, posture.ControlFailed, "associated with no subnet"},
		{"EC2.15", func(a *posture.Account) { a.EC2.Subnets[0].MapPublicIpOnLaunch = true }, posture.ControlFailed, "assigns public IPv4 addresses"},
		{"EC2.3", func(a *posture.Account) { a.EC2.Volumes[0].Encrypted = false }, posture.ControlFailed, "attached and not encrypted"},
		{"EC2.12", func(a *posture.Account) { a.EC2.Addresses[0].AssociationId = "" }, posture.ControlFailed, "associated with nothing"},
		{"EC2.17", func(a *posture.Account) {
			a.EC2.Instances[0].NetworkInterfaces = append(a.EC2.Instances[0].NetworkInterfaces, a.EC2.Instances[0].NetworkInterfaces[0])
		}, posture.ControlFailed, "2 network interfaces"},
		{"EC2.24", func(a *posture.Account) { a.EC2.Instances[0].VirtualizationType = "paravirtual" }, posture.ControlFailed, "paravirtual"},
		{"Moat.IAM.ExternalTrust", func(a *posture.Account) { trust(a).Principal.AWS = []string{"444455556666"} }, posture.ControlUnknown, "lets account 444455556666"},
		{"Moat.IAM.ExternalTrust", func(a *posture.Account) { trust(a).Principal.AWS = []string{"arn:aws:iam::444455556666:role/x"} }, posture.ControlUnknown, "lets account 444455556666"},
		{"Moat.IAM.ExternalTrust", func(a *posture.Account) { trust(a).Principal.AWS = []string{"*"} }, posture.ControlFailed, "lets any AWS principal assume the role"},
		{"Moat.IAM.ExternalTrust", func(a *posture.Account) { trust(a).Principal.AWS, trust(a).HasCondition = []string{"*"}, true }, posture.ControlUnknown, "limited by a condition"},
		{"Moat.IAM.ExternalTrust", func(a *posture.Account) {
			trust(a).Principal = &posture.Principals{Federated: []string{"arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com"}}
		}, posture.ControlUnknown, "federated identities"},
		{"Moat.IAM.ExternalTrust", func(a *posture.Account) {
			trust(a).Principal = &posture.Principals{Service: []string{"ec2.amazonaws.com"}}
		}, posture.ControlPassed, ""},
		{"Moat.IAM.ExternalTrust", func(a *posture.Account) { trust(a).Principal.Anyone, trust(a).Effect = true, "Deny" }, posture.ControlPassed, ""},
	}
	for _, tc := range tests {
		t.Run(tc.control+"/"+string(tc.want)+"/"+tc.reason, func(t *testing.T) {
			t.Parallel()
			base := posture.Evaluate(loadAccount(t, "fixed"))
			wantBase := posture.ControlPassed
			if tc.control == "IAM.6" { // MFA kind is not in the exports
				wantBase = posture.ControlNoData
			}
			if got := resultOf(t, base, tc.control).Status; got != wantBase {
				t.Fatalf("%s on the fixed account: %s, want %s (%+v)", tc.control, got, wantBase, resultOf(t, base, tc.control).Results)
			}
			a := loadAccount(t, "fixed")
			tc.change(a)
			cr := resultOf(t, posture.Evaluate(a), tc.control)
			if cr.Status != tc.want {
				t.Fatalf("status %s, want %s (%+v)", cr.Status, tc.want, cr.Results)
			}
			if tc.reason == "" {
				return
			}
			for _, r := range cr.Results {
				if strings.Contains(r.Reason, tc.reason) {
					return
				}
			}
			t.Fatalf("no result says %q: %+v", tc.reason, cr.Results)
		})
	}
	if len(tests) != 74 {
		t.Fatalf("%d cases, want 74", len(tests))
	}
}

func openPort(a *posture.Account, proto string, from, to int, v4, v6 string) {
	p := posture.IpPermission{IpProtocol: proto, FromPort: &from, ToPort: &to}
	if v4 != "" {
		p.IpRanges = append(p.IpRanges, struct {
			CidrIp string `json:"CidrIp"`
		}{v4})
	}
	if v6 != "" {
		p.Ipv6Ranges = append(p.Ipv6Ranges, struct {
			CidrIpv6 string `json:"CidrIpv6"`
		}{v6})
	}
	g := &a.EC2.SecurityGroups[1]
	g.IpPermissions = append(g.IpPermissions, p)
}

func addRoute(a *posture.Account, dest string) {
	rt := &a.EC2.RouteTables[0]
	rt.Routes = append(rt.Routes, struct {
		DestinationCidrBlock     string `json:"DestinationCidrBlock"`
		DestinationIpv6CidrBlock string `json:"DestinationIpv6CidrBlock"`
		VpcPeeringConnectionId   string `json:"VpcPeeringConnectionId"`
		State                    string `json:"State"`
	}{DestinationCidrBlock: dest, VpcPeeringConnectionId: "pcx-1"})
}

// Controls that need a missing input say NOT_AVAILABLE (NO_DATA), never PASSED.
func TestMissingInputsAreNotAvailable(t *testing.T) {
	t.Parallel()
	r := posture.Evaluate(&posture.Account{Now: evalNow})
	for _, cr := range r.Controls {
		if cr.Status != posture.ControlNoData {
			t.Errorf("%s with no inputs: %s, want NO_DATA", cr.Control.ID, cr.Status)
		}
		for _, x := range cr.Results {
			if x.Status != posture.NotAvailable || x.Reason == "" {
				t.Errorf("%s: %+v, want NOT_AVAILABLE with a reason", cr.Control.ID, x)
			}
		}
	}
	if r.Score != -1 {
		t.Fatalf("score %d with no data, want -1", r.Score)
	}
	// Controls for services moat does not read stay NOT_AVAILABLE with every input given.
	full := statuses(posture.Evaluate(loadAccount(t, "fixed")))
	for _, id := range []string{"S3.5", "RDS.2", "EFS.1", "KMS.4", "Config.1", "CloudWatch.1", "GuardDuty.1", "IAM.26", "IAM.28", "Account.1", "IAM.6"} {
		if full[id] != posture.ControlNoData {
			t.Errorf("%s with every input: %s, want NO_DATA", id, full[id])
		}
	}
}

// The scenario: a weak account (root key, no MFA, SSH open to the
// world, no trail) fails the expected controls; once fixed, the score is
// 100% for the controls that have data.
func TestWeakAccountThenFixed(t *testing.T) {
	t.Parallel()
	weak := posture.Evaluate(loadAccount(t, "weak"))
	st := statuses(weak)
	for _, id := range []string{"IAM.4", "IAM.9", "IAM.6", "EC2.13", "EC2.53", "EC2.54", "CloudTrail.1", "CloudTrail.3", "EC2.2", "EC2.8", "IAM.1", "IAM.5"} {
		if st[id] != posture.ControlFailed {
			t.Errorf("weak account %s: %s, want FAILED", id, st[id])
		}
	}
	// FSBP: 2 of 29 controls with data pass (EC2.17, EC2.24): 7%; both CIS versions 0%; average 2.
	if weak.Score != 2 {
		t.Errorf("weak score %d, want 2", weak.Score)
	}
	if len(weak.Warnings) != 1 || !strings.Contains(weak.Warnings[0], "notes.json") {
		t.Errorf("warnings %v, want the skipped notes.json", weak.Warnings)
	}
	fixed := posture.Evaluate(loadAccount(t, "fixed"))
	if fixed.Score != 100 {
		t.Fatalf("fixed score %d, want 100", fixed.Score)
	}
	for _, s := range fixed.Standards {
		if s.Score != 100 || s.Failed != 0 || s.Passed == 0 {
			t.Errorf("fixed %s: %+v", s.Name, s)
		}
	}
	if fixed.AccountID != "111122223333" {
		t.Errorf("account %q", fixed.AccountID)
	}
}

func TestScoreIsPassedOverControlsWithData(t *testing.T) {
	t.Parallel()
	a := loadAccount(t, "fixed")
	user(a, posture.RootUser).AccessKey[0].Active = true // IAM.4: FSBP, CIS 3.0.0, CIS 1.4.0
	addRoute(a, "10.1.0.0/16")                           // CIS.peering_routes UNKNOWN: CIS only
	r := posture.Evaluate(a)
	for _, s := range r.Standards {
		want := s.Passed * 100 / (s.Passed + s.Failed + s.Unknown)
		if s.Failed != 1 {
			t.Errorf("%s: %d failed, want 1", s.Name, s.Failed)
		}
		if s.Standard != posture.StandardFSBP && s.Unknown != 1 {
			t.Errorf("%s: %d unknown, want 1", s.Name, s.Unknown)
		}
		if s.Score < want || s.Score > want+1 {
			t.Errorf("%s: score %d, want about %d (%+v)", s.Name, s.Score, want, s)
		}
	}
	// FSBP: 27 of 28 → 96; CIS 3.0.0: 25 of 27 → 93; CIS 1.4.0: 23 of 25 → 92; average 93.7 → 94.
	if r.Standards[0].Score != 96 || r.Standards[1].Score != 93 || r.Standards[2].Score != 92 || r.Score != 94 {
		t.Fatalf("scores %d %d %d summary %d", r.Standards[0].Score, r.Standards[1].Score, r.Standards[2].Score, r.Score)
	}
}

// trust returns the first statement of the fixed account's support role trust policy.
func trust(a *posture.Account) *posture.Statement {
	return &a.Auth.RoleDetailList[0].AssumeRolePolicyDocument.Statements[0]
}
