package posture

import (
	"fmt"
	"slices"
	"strings"
)

const (
	ec2Docs      = "https://docs.aws.amazon.com/securityhub/latest/userguide/ec2-controls.html"
	worldV4      = "0.0.0.0/0"
	worldV6      = "::/0"
	needEC2      = "needs --ec2 with aws ec2 %s output"
	terminated   = "terminated"
	instanceType = "AwsEc2Instance"
)

// adminPorts are the "remote server administration ports" of EC2.53/EC2.54
// and CIS 5.x (the controls' default parameter).
var adminPorts = []int{22, 3389}

func init() {
	register(&Control{ID: "EC2.53", Title: "EC2 security groups should not allow ingress from 0.0.0.0/0 to remote server administration ports", Severity: "HIGH",
		Remediation: "Remove the rule (aws ec2 revoke-security-group-ingress) or narrow it to known addresses; prefer Session Manager.", RemediationURL: ec2Docs + "#ec2-53",
		Requirements: cis("5.2", "5.2"), check: sgCheck(worldV4, adminPorts)})
	register(&Control{ID: "EC2.54", Title: "EC2 security groups should not allow ingress from ::/0 to remote server administration ports", Severity: "HIGH",
		Remediation: "Remove the IPv6 rule (aws ec2 revoke-security-group-ingress --ip-permissions ...Ipv6Ranges) or narrow it.", RemediationURL: ec2Docs + "#ec2-54",
		Requirements: cis("5.3", ""), check: sgCheck(worldV6, adminPorts)})
	register(&Control{ID: "EC2.13", Title: "Security groups should not allow ingress from 0.0.0.0/0 or ::/0 to port 22", Severity: "HIGH",
		Remediation: "Remove SSH rules open to the world (aws ec2 revoke-security-group-ingress --protocol tcp --port 22 --cidr 0.0.0.0/0).", RemediationURL: ec2Docs + "#ec2-13",
		Requirements: fsbp("EC2.13", nil), check: sgCheck("", []int{22})})
	register(&Control{ID: "EC2.21", Title: "Network ACLs should not allow ingress from 0.0.0.0/0 to port 22 or port 3389", Severity: "MEDIUM",
		Remediation: "Add a lower-numbered deny entry or remove the allow entry (aws ec2 replace-network-acl-entry / delete-network-acl-entry).", RemediationURL: ec2Docs + "#ec2-21",
		Requirements: fsbp("EC2.21", cis("5.1", "5.1")), check: checkNACLs})
	register(&Control{ID: "EC2.2", Title: "VPC default security groups should not allow inbound or outbound traffic", Severity: "HIGH",
		Remediation: "Remove every rule of each default security group (aws ec2 revoke-security-group-ingress/-egress) and use dedicated groups.", RemediationURL: ec2Docs + "#ec2-2",
		Requirements: fsbp("EC2.2", cis("5.4", "5.3")), check: checkDefaultSG})
	register(&Control{ID: "CIS.peering_routes", Title: "Ensure routing tables for VPC peering are least access", Severity: "LOW",
		Remediation:  "Route only the peer's needed CIDRs to the pcx- connection (aws ec2 replace-route).",
		Requirements: cis("5.5", "5.4"), check: checkPeering})
	register(&Control{ID: "EC2.8", Title: "EC2 instances should use Instance Metadata Service Version 2 (IMDSv2)", Severity: "HIGH",
		Remediation: "aws ec2 modify-instance-metadata-options --instance-id ID --http-tokens required --http-endpoint enabled.", RemediationURL: ec2Docs + "#ec2-8",
		Requirements: fsbp("EC2.8", cis("5.6", "")), check: instanceCheck(func(in *Instance) (Status, string) {
			if in.MetadataOptions == nil || in.MetadataOptions.HttpTokens != "required" {
				tok := "absent"
				if in.MetadataOptions != nil {
					tok = in.MetadataOptions.HttpTokens
				}
				return Failed, "HttpTokens is " + tok + ", not required"
			}
			return Passed, ""
		})})
	register(&Control{ID: "EC2.9", Title: "EC2 instances should not have a public IPv4 address", Severity: "HIGH",
		Remediation: "Launch instances without public IPs behind a load balancer or NAT; disassociate Elastic IPs.", RemediationURL: ec2Docs + "#ec2-9",
		Requirements: fsbp("EC2.9", nil), check: instanceCheck(func(in *Instance) (Status, string) {
			if in.PublicIpAddress != "" {
				return Failed, "public IPv4 address " + in.PublicIpAddress
			}
			return Passed, ""
		})})
	register(&Control{ID: "EC2.6", Title: "VPC flow logging should be enabled in all VPCs", Severity: "MEDIUM",
		Remediation: "aws ec2 create-flow-logs --resource-type VPC --resource-ids VPC --traffic-type REJECT (or ALL) --log-destination-type ...", RemediationURL: ec2Docs + "#ec2-6",
		Requirements: fsbp("EC2.6", cis("3.7", "3.9")), check: checkFlowLogs})
	register(&Control{ID: "EC2.7", Title: "EBS default encryption should be enabled", Severity: "MEDIUM",
		Remediation: "aws ec2 enable-ebs-encryption-by-default in every region you use.", RemediationURL: ec2Docs + "#ec2-7",
		Requirements: fsbp("EC2.7", cis("2.2.1", "2.2.1")), check: checkEBSDefault})
}

func (a *Account) ec2Has(member string) bool { return a.EC2 != nil && a.EC2.Seen[member] }

func sgARN(a *Account, g *SecurityGroup) string {
	owner := g.OwnerId
	if owner == "" {
		owner = a.AccountID
	}
	return fmt.Sprintf("arn:aws:ec2:%s:%s:security-group/%s", a.Region, owner, g.GroupId)
}

// sgCheck flags security groups with an ingress rule from world ("" = both
// 0.0.0.0/0 and ::/0) that reaches one of ports over TCP or all protocols.
func sgCheck(world string, ports []int) func(*Account) []Result {
	return func(a *Account) []Result {
		if !a.ec2Has("SecurityGroups") {
			return na(fmt.Sprintf(needEC2, "describe-security-groups"))
		}
		out := make([]Result, 0, len(a.EC2.SecurityGroups))
		for i := range a.EC2.SecurityGroups {
			g := &a.EC2.SecurityGroups[i]
			r := Result{Status: Passed, ResourceType: "AwsEc2SecurityGroup", ResourceID: sgARN(a, g)}
			if why := openToWorld(g, world, ports); why != "" {
				r.Status, r.Reason = Failed, why
			}
			out = append(out, r)
		}
		if len(out) == 0 {
			return accountResult(a, Passed, "no security groups")
		}
		return out
	}
}

func openToWorld(g *SecurityGroup, world string, ports []int) string {
	for _, p := range g.IpPermissions {
		var sources []string
		for _, r := range p.IpRanges {
			if r.CidrIp == worldV4 && world != worldV6 {
				sources = append(sources, worldV4)
			}
		}
		for _, r := range p.Ipv6Ranges {
			if r.CidrIpv6 == worldV6 && world != worldV4 {
				sources = append(sources, worldV6)
			}
		}
		if len(sources) == 0 {
			continue
		}
		for _, port := range ports {
			if permCovers(p, port) {
				return fmt.Sprintf("%s allows %s from %s", g.GroupId, portDesc(p, port), sources[0])
			}
		}
	}
	return ""
}

func permCovers(p IpPermission, port int) bool {
	switch strings.ToLower(p.IpProtocol) {
	case "-1", "all":
		return true
	case "tcp", "6":
		if p.FromPort == nil || p.ToPort == nil {
			return true
		}
		return (*p.FromPort <= port && port <= *p.ToPort) || (*p.FromPort == -1)
	}
	return false
}

func portDesc(p IpPermission, port int) string {
	if p.IpProtocol == "-1" {
		return fmt.Sprintf("all traffic (including port %d)", port)
	}
	return fmt.Sprintf("TCP port %d", port)
}

// checkNACLs evaluates ingress entries in rule-number order, as the VPC
// does: the first entry matching traffic from 0.0.0.0/0 to the port decides.
func checkNACLs(a *Account) []Result {
	if !a.ec2Has("NetworkAcls") {
		return na(fmt.Sprintf(needEC2, "describe-network-acls"))
	}
	out := make([]Result, 0, len(a.EC2.NetworkAcls))
	for _, n := range a.EC2.NetworkAcls {
		owner := n.OwnerId
		if owner == "" {
			owner = a.AccountID
		}
		r := Result{Status: Passed, ResourceType: "AwsEc2NetworkAcl", ResourceID: fmt.Sprintf("arn:aws:ec2:%s:%s:network-acl/%s", a.Region, owner, n.NetworkAclId)}
		entries := slices.Clone(n.Entries)
		slices.SortFunc(entries, func(x, y AclEntry) int { return x.RuleNumber - y.RuleNumber })
		for _, port := range adminPorts {
			if e := firstMatch(entries, port); e != nil && e.RuleAction == "allow" {
				r.Status, r.Reason = Failed, fmt.Sprintf("%s rule %d allows port %d from 0.0.0.0/0", n.NetworkAclId, e.RuleNumber, port)
				break
			}
		}
		out = append(out, r)
	}
	if len(out) == 0 {
		return accountResult(a, Passed, "no network ACLs")
	}
	return out
}

func firstMatch(entries []AclEntry, port int) *AclEntry {
	for i := range entries {
		e := &entries[i]
		if e.Egress || e.CidrBlock != worldV4 {
			continue
		}
		switch e.Protocol {
		case "-1":
			return e
		case "6":
			if e.PortRange == nil || (e.PortRange.From <= port && port <= e.PortRange.To) {
				return e
			}
		}
	}
	return nil
}

func checkDefaultSG(a *Account) []Result {
	if !a.ec2Has("SecurityGroups") {
		return na(fmt.Sprintf(needEC2, "describe-security-groups"))
	}
	var out []Result
	for i := range a.EC2.SecurityGroups {
		g := &a.EC2.SecurityGroups[i]
		if g.GroupName != "default" {
			continue
		}
		r := Result{Status: Passed, ResourceType: "AwsEc2SecurityGroup", ResourceID: sgARN(a, g)}
		if n, m := len(g.IpPermissions), len(g.IpPermissionsEgress); n+m > 0 {
			r.Status, r.Reason = Failed, fmt.Sprintf("default security group %s of %s has %d inbound and %d outbound rules", g.GroupId, g.VpcId, n, m)
		}
		out = append(out, r)
	}
	if len(out) == 0 {
		return na("describe-security-groups holds no default security group")
	}
	return out
}

func checkPeering(a *Account) []Result {
	if !a.ec2Has("RouteTables") {
		return na(fmt.Sprintf(needEC2, "describe-route-tables"))
	}
	out := make([]Result, 0, len(a.EC2.RouteTables))
	for _, rt := range a.EC2.RouteTables {
		r := Result{Status: Passed, ResourceType: "AwsEc2RouteTable", ResourceID: fmt.Sprintf("arn:aws:ec2:%s:%s:route-table/%s", a.Region, a.AccountID, rt.RouteTableId)}
		for _, route := range rt.Routes {
			if route.VpcPeeringConnectionId == "" {
				continue
			}
			dest := route.DestinationCidrBlock + route.DestinationIpv6CidrBlock
			if dest == worldV4 || dest == worldV6 {
				r.Status, r.Reason = Failed, fmt.Sprintf("routes %s (everything) to %s", dest, route.VpcPeeringConnectionId)
				break
			}
			// CIS 5.5 is a manual recommendation: a narrower route still needs a person's review.
			r.Status, r.Reason = Warning, fmt.Sprintf("routes %s to %s: check it is only what the peer needs", dest, route.VpcPeeringConnectionId)
		}
		out = append(out, r)
	}
	if len(out) == 0 {
		return accountResult(a, Passed, "no route tables")
	}
	return out
}

func instanceCheck(f func(*Instance) (Status, string)) func(*Account) []Result {
	return func(a *Account) []Result {
		if !a.ec2Has("Reservations") {
			return na(fmt.Sprintf(needEC2, "describe-instances"))
		}
		var out []Result
		for i := range a.EC2.Instances {
			in := &a.EC2.Instances[i]
			if in.State.Name == terminated {
				continue
			}
			owner := in.OwnerId
			if owner == "" {
				owner = a.AccountID
			}
			st, why := f(in)
			out = append(out, Result{Status: st, ResourceType: instanceType, ResourceID: fmt.Sprintf("arn:aws:ec2:%s:%s:instance/%s", a.Region, owner, in.InstanceId), Reason: why})
		}
		if len(out) == 0 {
			return accountResult(a, Passed, "no instances")
		}
		return out
	}
}

func checkFlowLogs(a *Account) []Result {
	if !a.ec2Has("Vpcs") || !a.ec2Has("FlowLogs") {
		return na(fmt.Sprintf(needEC2, "describe-vpcs and describe-flow-logs"))
	}
	logged := map[string]bool{}
	for _, f := range a.EC2.FlowLogs {
		if f.FlowLogStatus == "" || f.FlowLogStatus == "ACTIVE" {
			logged[f.ResourceId] = true
		}
	}
	out := make([]Result, 0, len(a.EC2.Vpcs))
	for _, v := range a.EC2.Vpcs {
		r := Result{Status: Passed, ResourceType: "AwsEc2Vpc", ResourceID: fmt.Sprintf("arn:aws:ec2:%s:%s:vpc/%s", a.Region, a.AccountID, v.VpcId)}
		if !logged[v.VpcId] {
			r.Status, r.Reason = Failed, v.VpcId+" has no active flow log"
		}
		out = append(out, r)
	}
	if len(out) == 0 {
		return accountResult(a, Passed, "no VPCs")
	}
	return out
}

func checkEBSDefault(a *Account) []Result {
	if !a.ec2Has("EbsEncryptionByDefault") {
		return na(fmt.Sprintf(needEC2, "get-ebs-encryption-by-default"))
	}
	off := 0
	for _, on := range a.EC2.EbsEncryptionByDefault {
		if !on {
			off++
		}
	}
	if off > 0 {
		return accountResult(a, Failed, fmt.Sprintf("EBS encryption by default is off in %d of %d exported regions", off, len(a.EC2.EbsEncryptionByDefault)))
	}
	return accountResult(a, Passed, "EBS encryption by default is on")
}
