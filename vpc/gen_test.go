package vpc

import (
	"fmt"
	"math/rand/v2"
	"net/netip"
)

// genNetwork builds a synthetic network of about enis interfaces for the
// benchmarks: several peered VPCs (full mesh, routes both ways), 20 subnets
// per VPC (half public through an internet gateway, half private through a
// NAT gateway), custom network ACLs with deny and allow entries, 50 security
// groups per VPC with 60 inbound rules each (CIDRs, port ranges, prefix
// lists and references to neighbouring groups, so references chain), and
// 1-3 groups per interface; a quarter of the public-subnet interfaces have a
// public IP. Built directly (not through the mutations, which validate).
func genNetwork(enis int) *Network {
	r := rand.New(rand.NewPCG(1, uint64(enis)))
	n := NewNetwork("111122223333")
	nvpc := 1
	switch {
	case enis >= 50000:
		nvpc = 5
	case enis >= 1000:
		nvpc = 3
	}
	const subnets, groups, rules = 20, 50, 60
	perSubnet := (enis + nvpc*subnets - 1) / (nvpc * subnets)
	pl := &PrefixList{PrefixListId: "pl-office", PrefixListName: "office", AddressFamily: "IPv4", MaxEntries: 10, OwnerId: n.OwnerID,
		Entries: []PrefixListEntry{{Cidr: netip.MustParsePrefix("192.0.2.0/24")}, {Cidr: netip.MustParsePrefix("203.0.113.0/24")}}}
	n.PrefixLists[pl.PrefixListId] = pl
	var vpcs []*VPC
	for v := range nvpc {
		vpc := &VPC{VpcId: fmt.Sprintf("vpc-%04d", v), OwnerId: n.OwnerID, CidrBlocks: []netip.Prefix{netip.PrefixFrom(netip.AddrFrom4([4]byte{10, byte(v), 0, 0}), 16)}}
		n.VPCs[vpc.VpcId] = vpc
		vpcs = append(vpcs, vpc)
	}
	peers := map[[2]int]string{}
	for a := range nvpc {
		for b := a + 1; b < nvpc; b++ {
			id := fmt.Sprintf("pcx-%02d%02d", a, b)
			n.Peerings[id] = &PeeringConnection{VpcPeeringConnectionId: id, RequesterVpcId: vpcs[a].VpcId, AccepterVpcId: vpcs[b].VpcId, Status: "active"}
			peers[[2]int{a, b}], peers[[2]int{b, a}] = id, id
		}
	}
	eniSeq := 0
	for v, vpc := range vpcs {
		igw := &InternetGateway{InternetGatewayId: fmt.Sprintf("igw-%04d", v), VpcId: vpc.VpcId}
		n.InternetGateways[igw.InternetGatewayId] = igw
		sgIDs := genGroups(n, r, vpc, v, groups, rules)
		pub := &RouteTable{RouteTableId: fmt.Sprintf("rtb-%04d-pub", v), VpcId: vpc.VpcId}
		priv := &RouteTable{RouteTableId: fmt.Sprintf("rtb-%04d-priv", v), VpcId: vpc.VpcId, Main: true}
		for _, rt := range []*RouteTable{pub, priv} {
			rt.Routes = append(rt.Routes, Route{DestinationCidrBlock: vpc.CidrBlocks[0], TargetType: TargetLocal, TargetId: "local", State: "active"})
			for o := range nvpc {
				if o != v {
					rt.Routes = append(rt.Routes, Route{DestinationCidrBlock: vpcs[o].CidrBlocks[0], TargetType: TargetVpcPeeringConnection, TargetId: peers[[2]int{v, o}], State: "active"})
				}
			}
			n.RouteTables[rt.RouteTableId] = rt
		}
		pub.Routes = append(pub.Routes, Route{DestinationCidrBlock: allIPv4, TargetType: TargetInternetGateway, TargetId: igw.InternetGatewayId, State: "active"})
		acl := genACL(vpc, v)
		n.NetworkACLs[acl.NetworkAclId] = acl
		for s := range subnets {
			sub := &Subnet{SubnetId: fmt.Sprintf("subnet-%04d-%02d", v, s), VpcId: vpc.VpcId,
				CidrBlock: netip.PrefixFrom(netip.AddrFrom4([4]byte{10, byte(v), byte(s * 4), 0}), 22)}
			n.Subnets[sub.SubnetId] = sub
			acl.SubnetIds = append(acl.SubnetIds, sub.SubnetId)
			public := s%2 == 0
			if public {
				pub.SubnetIds = append(pub.SubnetIds, sub.SubnetId)
			} else {
				priv.SubnetIds = append(priv.SubnetIds, sub.SubnetId)
			}
			if s == 0 {
				nat := &NATGateway{NatGatewayId: fmt.Sprintf("nat-%04d", v), VpcId: vpc.VpcId, SubnetId: sub.SubnetId, ConnectivityType: "public",
					State: "available", PrivateIp: netip.AddrFrom4([4]byte{10, byte(v), 0, 4}), PublicIp: netip.AddrFrom4([4]byte{198, 51, 100, byte(v)})}
				n.NATGateways[nat.NatGatewayId] = nat
				priv.Routes = append(priv.Routes, Route{DestinationCidrBlock: allIPv4, TargetType: TargetNatGateway, TargetId: nat.NatGatewayId, State: "active"})
			}
			base := addrU32(sub.CidrBlock.Addr()) + 5
			for i := 0; i < perSubnet && eniSeq < enis; i++ {
				e := &NetworkInterface{NetworkInterfaceId: fmt.Sprintf("eni-%08d", eniSeq), SubnetId: sub.SubnetId, VpcId: vpc.VpcId,
					InterfaceType: "interface", Status: "in-use", PrivateIpAddresses: []netip.Addr{u32Addr(base + uint32(i))}, SourceDestCheck: true}
				for range 1 + r.IntN(3) {
					e.Groups = append(e.Groups, sgIDs[r.IntN(len(sgIDs))])
				}
				if public && r.IntN(4) == 0 {
					e.PublicIp = u32Addr(0x64000000 - 1 - uint32(eniSeq)) // below 100.0.0.0: public space
				}
				n.Interfaces[e.NetworkInterfaceId] = e
				eniSeq++
			}
		}
	}
	return n
}

var benchPorts = []int{22, 80, 443, 3306, 5432, 6379, 8080, 9200}

func genGroups(n *Network, r *rand.Rand, vpc *VPC, v, groups, rules int) []string {
	ids := make([]string, groups)
	for g := range groups {
		ids[g] = fmt.Sprintf("sg-%04d-%02d", v, g)
	}
	for g, id := range ids {
		sg := &SecurityGroup{GroupId: id, GroupName: id, VpcId: vpc.VpcId, OwnerId: n.OwnerID}
		sg.Egress = []SecurityGroupRule{{SecurityGroupRuleId: id + "-e", IsEgress: true, IpProtocol: -1, FromPort: -1, ToPort: -1, CidrIpv4: allIPv4}}
		for k := range rules {
			p := benchPorts[r.IntN(len(benchPorts))]
			rule := SecurityGroupRule{SecurityGroupRuleId: fmt.Sprintf("%s-%02d", id, k), IpProtocol: ProtoTCP, FromPort: p, ToPort: p}
			switch k % 6 {
			case 0: // chained reference to the previous group
				rule.ReferencedGroup = &ReferencedGroup{GroupId: ids[(g+groups-1)%groups]}
			case 1:
				rule.ReferencedGroup = &ReferencedGroup{GroupId: ids[r.IntN(groups)]}
			case 2:
				rule.PrefixListId = "pl-office"
			case 3:
				rule.FromPort, rule.ToPort = 1024+r.IntN(1000), 30000+r.IntN(1000)
				rule.CidrIpv4 = netip.PrefixFrom(netip.AddrFrom4([4]byte{10, byte(r.IntN(5)), byte(r.IntN(80)), 0}), 24)
			case 4:
				if r.IntN(20) == 0 {
					rule.CidrIpv4 = allIPv4 // occasionally open to the world
				} else {
					rule.CidrIpv4 = netip.PrefixFrom(netip.AddrFrom4([4]byte{byte(11 + r.IntN(80)), byte(r.IntN(256)), 0, 0}), 16)
				}
			default:
				rule.CidrIpv4 = netip.PrefixFrom(netip.AddrFrom4([4]byte{10, byte(r.IntN(5)), byte(r.IntN(80)), 0}), 22)
			}
			sg.Ingress = append(sg.Ingress, rule)
		}
		n.SecurityGroups[id] = sg
	}
	return ids
}

func genACL(vpc *VPC, v int) *NetworkACL {
	acl := &NetworkACL{NetworkAclId: fmt.Sprintf("acl-%04d", v), VpcId: vpc.VpcId, IsDefault: true}
	add := func(e ACLEntry) { acl.Entries = append(acl.Entries, e) }
	for _, egress := range []bool{false, true} {
		add(ACL(50, egress, ProtoTCP, "deny", "198.18.0.0/15", 0, 65535))
		add(ACL(60, egress, ProtoTCP, "deny", "0.0.0.0/0", 23, 23))
		add(ACL(100, egress, ProtoTCP, "allow", "10.0.0.0/8", 0, 65535))
		add(ACL(110, egress, ProtoTCP, "allow", "0.0.0.0/0", 1024, 65535))
		for i, p := range benchPorts {
			add(ACL(200+i, egress, ProtoTCP, "allow", "0.0.0.0/0", p, p))
		}
		add(ACL(300, egress, ProtoUDP, "allow", "0.0.0.0/0", 53, 53))
		add(ACL(32767, egress, -1, "deny", "0.0.0.0/0", -1, -1))
	}
	return acl
}
