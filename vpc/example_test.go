package vpc_test

import (
	"fmt"
	"net/netip"

	"github.com/moatdev/moat/vpc"
)

func p(n int) *int { return &n }

// A web server the internet reaches on 443, and a database only the web
// tier may reach: the database's group stops a direct connection from the
// internet-facing bastion, and the analysis says which rule to change.
func ExampleAnalyzer_Reach() {
	n := vpc.NewNetwork("111122223333")
	v, _ := n.CreateVpc("10.0.0.0/16")
	pub, _ := n.CreateSubnet(v.VpcId, "10.0.1.0/24", "us-east-1a")
	priv, _ := n.CreateSubnet(v.VpcId, "10.0.2.0/24", "us-east-1a")
	igw := n.CreateInternetGateway()
	_ = n.AttachInternetGateway(igw.InternetGatewayId, v.VpcId)
	rt, _ := n.CreateRouteTable(v.VpcId)
	_ = n.CreateRoute(rt.RouteTableId, vpc.Route{DestinationCidrBlock: netip.MustParsePrefix("0.0.0.0/0"),
		TargetType: vpc.TargetInternetGateway, TargetId: igw.InternetGatewayId})
	_ = n.AssociateRouteTable(rt.RouteTableId, pub.SubnetId)

	web, _ := n.CreateSecurityGroup(v.VpcId, "web", "web")
	db, _ := n.CreateSecurityGroup(v.VpcId, "db", "db")
	_, _ = n.AuthorizeSecurityGroupIngress(web.GroupId, []vpc.IpPermission{{IpProtocol: "tcp", FromPort: p(443), ToPort: p(443), IpRanges: []string{"0.0.0.0/0"}}})
	_, _ = n.AuthorizeSecurityGroupIngress(db.GroupId, []vpc.IpPermission{{IpProtocol: "tcp", FromPort: p(5432), ToPort: p(5432),
		UserIdGroupPairs: []vpc.ReferencedGroup{{GroupId: web.GroupId}}}})
	bastion, _ := n.CreateSecurityGroup(v.VpcId, "bastion", "bastion")

	w, _ := n.RunInstance(pub.SubnetId, []string{web.GroupId}, netip.MustParseAddr("198.51.100.10"))
	b, _ := n.RunInstance(pub.SubnetId, []string{bastion.GroupId}, netip.MustParseAddr("198.51.100.11"))
	d, _ := n.RunInstance(priv.SubnetId, []string{db.GroupId}, netip.Addr{})

	a := vpc.Compile(n)
	for _, src := range []*vpc.Instance{w, b} {
		res, _ := a.Reach(vpc.PathQuery{Source: src.InstanceId, Destination: d.InstanceId, Protocol: "tcp",
			DestinationPorts: vpc.PortRange{From: 5432, To: 5432}})
		fmt.Println(res.NetworkPathFound)
		for _, e := range res.Explanations {
			fmt.Println(e.ExplanationCode, e.Direction, e.SecurityGroups[0] == db.GroupId)
		}
	}
	res, _ := a.Reach(vpc.PathQuery{Source: igw.InternetGatewayId, Destination: w.InstanceId, Protocol: "tcp"})
	fmt.Println("internet reaches web on", res.DestinationPorts.PortString())
	// Output:
	// true
	// false
	// ENI_SG_RULES_MISMATCH ingress true
	// internet reaches web on 443
}
