package posture

import (
	"fmt"
	"strings"
)

// highRiskPorts is EC2.19's list of ports that must not be open to the
// world [unverified: from memory of the control's description].
var highRiskPorts = []int{20, 21, 22, 23, 25, 110, 135, 143, 445, 1433, 1434, 3000, 3306, 3389, 4333, 5000, 5432, 5500, 5601, 8080, 8088, 8888, 9200, 9300}

// authorizedPorts is EC2.18's default authorizedTcpPorts parameter.
var authorizedPorts = []int{80, 443}

func init() {
	register(&Control{ID: "EC2.19", Title: "Security groups should not allow unrestricted access to ports with high risk", Severity: "CRITICAL",
		Remediation: "Remove rules opening high-risk ports (databases, RDP, SSH, SMB ...) to 0.0.0.0/0 or ::/0.", RemediationURL: ec2Docs + "#ec2-19",
		Requirements: fsbp("EC2.19", nil), check: sgCheck("", highRiskPorts)})
	register(&Control{ID: "EC2.18", Title: "Security groups should only allow unrestricted incoming traffic for authorized ports", Severity: "HIGH",
		Remediation: "Restrict world-open rules to the authorized ports (TCP 80 and 443 by default).", RemediationURL: ec2Docs + "#ec2-18",
		Requirements: fsbp("EC2.18", nil), check: checkAuthorizedPorts})
	register(&Control{ID: "EC2.16", Title: "Unused Network Access Control Lists should be removed", Severity: "LOW",
		Remediation: "aws ec2 delete-network-acl for network ACLs associated with no subnet.", RemediationURL: ec2Docs + "#ec2-16",
		Requirements: fsbp("EC2.16", nil), check: checkUnusedNACLs})
	register(&Control{ID: "EC2.15", Title: "EC2 subnets should not automatically assign public IP addresses", Severity: "MEDIUM",
		Remediation: "aws ec2 modify-subnet-attribute --subnet-id ID --no-map-public-ip-on-launch.", RemediationURL: ec2Docs + "#ec2-15",
		Requirements: fsbp("EC2.15", nil), check: listCheck("Subnets", "describe-subnets", func(a *Account) []Result {
			out := make([]Result, 0, len(a.EC2.Subnets))
			for _, s := range a.EC2.Subnets {
				r := Result{Status: Passed, ResourceType: "AwsEc2Subnet", ResourceID: fmt.Sprintf("arn:aws:ec2:%s:%s:subnet/%s", a.Region, ownerOr(s.OwnerId, a), s.SubnetId)}
				if s.MapPublicIpOnLaunch {
					r.Status, r.Reason = Failed, s.SubnetId+" assigns public IPv4 addresses on launch"
				}
				out = append(out, r)
			}
			return out
		})})
	register(&Control{ID: "EC2.3", Title: "Attached Amazon EBS volumes should be encrypted at-rest", Severity: "MEDIUM",
		Remediation: "Snapshot the volume, copy the snapshot with encryption, and replace the volume with one made from the encrypted copy.", RemediationURL: ec2Docs + "#ec2-3",
		Requirements: fsbp("EC2.3", nil), check: listCheck("Volumes", "describe-volumes", func(a *Account) []Result {
			var out []Result
			for _, v := range a.EC2.Volumes {
				if len(v.Attachments) == 0 {
					continue // the control looks at attached volumes only
				}
				r := Result{Status: Passed, ResourceType: "AwsEc2Volume", ResourceID: fmt.Sprintf("arn:aws:ec2:%s:%s:volume/%s", a.Region, a.AccountID, v.VolumeId)}
				if !v.Encrypted {
					r.Status, r.Reason = Failed, v.VolumeId+" is attached and not encrypted"
				}
				out = append(out, r)
			}
			return out
		})})
	register(&Control{ID: "EC2.12", Title: "Unused Amazon EC2 EIPs should be removed", Severity: "LOW",
		Remediation: "aws ec2 release-address for Elastic IPs associated with nothing.", RemediationURL: ec2Docs + "#ec2-12",
		Requirements: fsbp("EC2.12", nil), check: listCheck("Addresses", "describe-addresses", func(a *Account) []Result {
			out := make([]Result, 0, len(a.EC2.Addresses))
			for _, e := range a.EC2.Addresses {
				r := Result{Status: Passed, ResourceType: "AwsEc2Eip", ResourceID: fmt.Sprintf("arn:aws:ec2:%s:%s:eip-allocation/%s", a.Region, a.AccountID, e.AllocationId)}
				if e.AssociationId == "" {
					r.Status, r.Reason = Failed, e.PublicIp+" is allocated but associated with nothing"
				}
				out = append(out, r)
			}
			return out
		})})
	register(&Control{ID: "EC2.17", Title: "EC2 instances should not use multiple ENIs", Severity: "LOW",
		Remediation: "Detach the extra network interfaces unless the instance needs them (aws ec2 detach-network-interface).", RemediationURL: ec2Docs + "#ec2-17",
		Requirements: fsbp("EC2.17", nil), check: instanceCheck(func(in *Instance) (Status, string) {
			if n := len(in.NetworkInterfaces); n > 1 {
				return Failed, fmt.Sprintf("%d network interfaces", n)
			}
			return Passed, ""
		})})
	register(&Control{ID: "EC2.24", Title: "Amazon EC2 paravirtual instance types should not be used", Severity: "MEDIUM",
		Remediation: "Move the workload to an HVM AMI and instance type.", RemediationURL: ec2Docs + "#ec2-24",
		Requirements: fsbp("EC2.24", nil), check: instanceCheck(func(in *Instance) (Status, string) {
			if in.VirtualizationType == "paravirtual" {
				return Failed, "paravirtual virtualization"
			}
			return Passed, ""
		})})
}

func ownerOr(owner string, a *Account) string {
	if owner == "" {
		return a.AccountID
	}
	return owner
}

// listCheck runs f when the describe-* output named by member was given.
func listCheck(member, command string, f func(*Account) []Result) func(*Account) []Result {
	return func(a *Account) []Result {
		if !a.ec2Has(member) {
			return na(fmt.Sprintf(needEC2, command))
		}
		out := f(a)
		if len(out) == 0 {
			return accountResult(a, Passed, "no "+strings.ToLower(member)+" to check")
		}
		return out
	}
}

// checkAuthorizedPorts fails a group with a world-open rule (0.0.0.0/0 or
// ::/0) for anything but the authorized TCP ports.
func checkAuthorizedPorts(a *Account) []Result {
	if !a.ec2Has("SecurityGroups") {
		return na(fmt.Sprintf(needEC2, "describe-security-groups"))
	}
	out := make([]Result, 0, len(a.EC2.SecurityGroups))
	for i := range a.EC2.SecurityGroups {
		g := &a.EC2.SecurityGroups[i]
		r := Result{Status: Passed, ResourceType: "AwsEc2SecurityGroup", ResourceID: sgARN(a, g)}
		for _, p := range g.IpPermissions {
			if !worldOpen(p) || onlyAuthorized(p) {
				continue
			}
			r.Status, r.Reason = Failed, fmt.Sprintf("%s opens %s to the world", g.GroupId, describePerm(p))
			break
		}
		out = append(out, r)
	}
	if len(out) == 0 {
		return accountResult(a, Passed, "no security groups")
	}
	return out
}

func worldOpen(p IpPermission) bool {
	for _, r := range p.IpRanges {
		if r.CidrIp == worldV4 {
			return true
		}
	}
	for _, r := range p.Ipv6Ranges {
		if r.CidrIpv6 == worldV6 {
			return true
		}
	}
	return false
}

func onlyAuthorized(p IpPermission) bool {
	proto := strings.ToLower(p.IpProtocol)
	if (proto != "tcp" && proto != "6") || p.FromPort == nil || p.ToPort == nil {
		return false
	}
	for port := *p.FromPort; port <= *p.ToPort; port++ {
		if !containsInt(authorizedPorts, port) {
			return false
		}
	}
	return true
}

func containsInt(list []int, v int) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}

func describePerm(p IpPermission) string {
	if p.IpProtocol == "-1" {
		return "all traffic"
	}
	if p.FromPort == nil || p.ToPort == nil {
		return p.IpProtocol
	}
	if *p.FromPort == *p.ToPort {
		return fmt.Sprintf("%s port %d", p.IpProtocol, *p.FromPort)
	}
	return fmt.Sprintf("%s ports %d-%d", p.IpProtocol, *p.FromPort, *p.ToPort)
}

func checkUnusedNACLs(a *Account) []Result {
	if !a.ec2Has("NetworkAcls") {
		return na(fmt.Sprintf(needEC2, "describe-network-acls"))
	}
	out := make([]Result, 0, len(a.EC2.NetworkAcls))
	for _, n := range a.EC2.NetworkAcls {
		r := Result{Status: Passed, ResourceType: "AwsEc2NetworkAcl", ResourceID: fmt.Sprintf("arn:aws:ec2:%s:%s:network-acl/%s", a.Region, ownerOr(n.OwnerId, a), n.NetworkAclId)}
		if len(n.Associations) == 0 {
			r.Status, r.Reason = Failed, n.NetworkAclId+" is associated with no subnet"
		}
		out = append(out, r)
	}
	if len(out) == 0 {
		return accountResult(a, Passed, "no network ACLs")
	}
	return out
}
