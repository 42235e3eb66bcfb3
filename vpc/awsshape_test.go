package vpc

import (
	"encoding/json"
	"strings"
	"testing"
)

func TestAnalysisJSONShapes(t *testing.T) {
	t.Parallel()
	x := threeTier(t)
	a := Compile(x.n)
	ok := must(a.Reach(PathQuery{Source: x.web.InstanceId, Destination: x.app.InstanceId, Protocol: "tcp", DestinationPorts: PortRange{8080, 8080}})).AWS()
	var sawRoute, sawACL, sawSG bool
	for _, c := range ok.ForwardPathComponents {
		if r := c.RouteTableRoute; r != nil && r.GatewayId == "local" && r.DestinationCidr == "10.0.0.0/16" {
			sawRoute = true
		}
		if r := c.AclRule; r != nil && r.RuleNumber == 100 && r.RuleAction == "allow" && r.Egress && r.Protocol == "6" &&
			r.PortRange != nil && r.PortRange.From == 8080 && r.Cidr == "10.0.2.0/24" {
			sawACL = true
		}
		if r := c.SecurityGroupRule; r != nil && r.Direction == "ingress" && r.ReferencedGroupId == x.webSG.GroupId &&
			r.SecurityGroupId == x.appSG.GroupId && r.PortRange != nil && r.PortRange.To == 8080 && r.Protocol == "tcp" {
			sawSG = true
		}
	}
	if !ok.NetworkPathFound || !sawRoute || !sawACL || !sawSG || len(ok.Explanations) != 0 || len(ok.ReturnPathComponents) == 0 {
		t.Fatalf("route %v acl %v sg %v: %+v", sawRoute, sawACL, sawSG, ok)
	}
	blocked := must(a.Reach(PathQuery{Source: x.db.InstanceId, Destination: x.web.InstanceId, Protocol: "tcp", DestinationPorts: PortRange{443, 443}})).AWS()
	if len(blocked.Explanations) != 2 {
		t.Fatalf("%+v", blocked.Explanations)
	}
	e := blocked.Explanations[0]
	if e.ExplanationCode != CodeACLRestriction || e.Acl == nil || e.Acl.Id != x.dbACL.NetworkAclId || e.AclRule == nil ||
		e.AclRule.RuleNumber != 32767 || e.AclRule.RuleAction != "deny" || e.Direction != "egress" || e.Path != "forward" || e.Component != nil {
		t.Fatalf("explanation %+v", e)
	}
	body, err := json.Marshal(blocked)
	if err != nil {
		t.Fatal(err)
	}
	for _, key := range []string{`"NetworkPathFound":false`, `"ForwardPathComponents":[`, `"ExplanationCode":"SUBNET_ACL_RESTRICTION"`, `"RuleNumber":32767`} {
		if !strings.Contains(string(body), key) {
			t.Errorf("JSON lacks %s:\n%s", key, body)
		}
	}
}
