package server_test

import (
	"context"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudtrail"
	cttypes "github.com/aws/aws-sdk-go-v2/service/cloudtrail/types"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/networkfirewall"
	nfwtypes "github.com/aws/aws-sdk-go-v2/service/networkfirewall/types"
)

const nfwRules = `# outbound web
pass tls $HOME_NET any -> $EXTERNAL_NET 443 (tls.sni; content:"example.com"; endswith; msg:"example"; sid:1; rev:1;)
drop tcp $HOME_NET any -> $EXTERNAL_NET 23 (msg:"telnet"; sid:2; rev:1;)
`

// Rule groups over the real SDK: a stateful group from Suricata text,
// one from Rules, a domain list and a stateless group; Suricata errors
// name the line; capacity, names and UpdateToken locking as AWS.
func TestNetworkFirewallRuleGroups(t *testing.T) {
	ts := start(t)
	ctx := context.Background()
	nf := networkfirewall.NewFromConfig(ts.config(ts.Root))
	arnPrefix := "arn:aws:network-firewall:us-east-1:" + ts.Account + ":"

	created, err := nf.CreateRuleGroup(ctx, &networkfirewall.CreateRuleGroupInput{RuleGroupName: aws.String("web"), Type: nfwtypes.RuleGroupTypeStateful,
		Capacity: aws.Int32(100), Description: aws.String("outbound web"),
		RuleGroup: &nfwtypes.RuleGroup{RulesSource: &nfwtypes.RulesSource{RulesString: aws.String(nfwRules)},
			RuleVariables: &nfwtypes.RuleVariables{IPSets: map[string]nfwtypes.IPSet{"HOME_NET": {Definition: []string{"10.0.0.0/16"}}}}},
		Tags: []nfwtypes.Tag{{Key: aws.String("team"), Value: aws.String("net")}}})
	if err != nil {
		t.Fatal(err)
	}
	r := created.RuleGroupResponse
	if aws.ToString(r.RuleGroupArn) != arnPrefix+"stateful-rulegroup/web" || r.Type != nfwtypes.RuleGroupTypeStateful || aws.ToInt32(r.Capacity) != 100 ||
		aws.ToInt32(r.ConsumedCapacity) != 2 || r.RuleGroupStatus != nfwtypes.ResourceStatusActive || len(aws.ToString(r.RuleGroupId)) != 36 ||
		aws.ToInt32(r.NumberOfAssociations) != 0 || len(r.Tags) != 1 || aws.ToString(created.UpdateToken) == "" {
		t.Fatalf("CreateRuleGroup: %+v", r)
	}
	desc, err := nf.DescribeRuleGroup(ctx, &networkfirewall.DescribeRuleGroupInput{RuleGroupName: aws.String("web"), Type: nfwtypes.RuleGroupTypeStateful})
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToString(desc.RuleGroup.RulesSource.RulesString) != nfwRules || desc.RuleGroup.StatefulRuleOptions.RuleOrder != nfwtypes.RuleOrderDefaultActionOrder ||
		desc.RuleGroup.RuleVariables.IPSets["HOME_NET"].Definition[0] != "10.0.0.0/16" || aws.ToString(desc.UpdateToken) != aws.ToString(created.UpdateToken) {
		t.Fatalf("DescribeRuleGroup: %+v %+v", desc.RuleGroup, desc.RuleGroupResponse)
	}
	// By ARN too.
	if _, err := nf.DescribeRuleGroup(ctx, &networkfirewall.DescribeRuleGroupInput{RuleGroupArn: r.RuleGroupArn}); err != nil {
		t.Fatal(err)
	}
	md, err := nf.DescribeRuleGroupMetadata(ctx, &networkfirewall.DescribeRuleGroupMetadataInput{RuleGroupArn: r.RuleGroupArn})
	if err != nil || aws.ToInt32(md.Capacity) != 100 || md.StatefulRuleOptions.RuleOrder != nfwtypes.RuleOrderDefaultActionOrder || aws.ToString(md.Description) != "outbound web" {
		t.Fatalf("DescribeRuleGroupMetadata: %+v %v", md, err)
	}
	_, err = nf.DescribeRuleGroup(ctx, &networkfirewall.DescribeRuleGroupInput{RuleGroupName: aws.String("web")})
	apiError(t, err, "InvalidRequestException") // a name needs its Type

	// Rules given directly become RuleGroup.RulesSource.RulesString.
	if _, err := nf.CreateRuleGroup(ctx, &networkfirewall.CreateRuleGroupInput{RuleGroupName: aws.String("direct"), Type: nfwtypes.RuleGroupTypeStateful,
		Capacity: aws.Int32(10), Rules: aws.String(`alert http any any -> any any (http.host; content:"evil.example"; msg:"evil"; sid:7;)`)}); err != nil {
		t.Fatal(err)
	}
	d2, err := nf.DescribeRuleGroup(ctx, &networkfirewall.DescribeRuleGroupInput{RuleGroupArn: aws.String(arnPrefix + "stateful-rulegroup/direct")})
	if err != nil || !strings.Contains(aws.ToString(d2.RuleGroup.RulesSource.RulesString), "sid:7") || aws.ToInt32(d2.RuleGroupResponse.ConsumedCapacity) != 1 {
		t.Fatalf("Rules: %+v %v", d2, err)
	}

	// A domain list (one per domain and target type) and a stateless group.
	dl, err := nf.CreateRuleGroup(ctx, &networkfirewall.CreateRuleGroupInput{RuleGroupName: aws.String("domains"), Type: nfwtypes.RuleGroupTypeStateful, Capacity: aws.Int32(10),
		RuleGroup: &nfwtypes.RuleGroup{RulesSource: &nfwtypes.RulesSource{RulesSourceList: &nfwtypes.RulesSourceList{
			Targets: []string{".example.com", "aws.amazon.com"}, TargetTypes: []nfwtypes.TargetType{nfwtypes.TargetTypeTlsSni, nfwtypes.TargetTypeHttpHost},
			GeneratedRulesType: nfwtypes.GeneratedRulesTypeAllowlist}}}})
	if err != nil || aws.ToInt32(dl.RuleGroupResponse.ConsumedCapacity) != 4 {
		t.Fatalf("domain list: %+v %v", dl, err)
	}
	sl, err := nf.CreateRuleGroup(ctx, &networkfirewall.CreateRuleGroupInput{RuleGroupName: aws.String("web"), Type: nfwtypes.RuleGroupTypeStateless, Capacity: aws.Int32(10),
		RuleGroup: &nfwtypes.RuleGroup{RulesSource: &nfwtypes.RulesSource{StatelessRulesAndCustomActions: &nfwtypes.StatelessRulesAndCustomActions{
			StatelessRules: []nfwtypes.StatelessRule{{Priority: aws.Int32(1), RuleDefinition: &nfwtypes.RuleDefinition{Actions: []string{"aws:forward_to_sfe"},
				MatchAttributes: &nfwtypes.MatchAttributes{Protocols: []int32{6, 17}, Sources: []nfwtypes.Address{{AddressDefinition: aws.String("10.0.0.0/8")}}}}}}}}}})
	if err != nil || aws.ToString(sl.RuleGroupResponse.RuleGroupArn) != arnPrefix+"stateless-rulegroup/web" || aws.ToInt32(sl.RuleGroupResponse.ConsumedCapacity) != 2 {
		t.Fatalf("stateless: %+v %v", sl, err)
	}

	an, err := nf.DescribeRuleGroup(ctx, &networkfirewall.DescribeRuleGroupInput{RuleGroupArn: sl.RuleGroupResponse.RuleGroupArn, AnalyzeRuleGroup: true})
	if err != nil || len(an.RuleGroupResponse.AnalysisResults) != 1 ||
		an.RuleGroupResponse.AnalysisResults[0].IdentifiedType != nfwtypes.IdentifiedTypeStatelessRuleForwardingAsymmetrically ||
		an.RuleGroupResponse.AnalysisResults[0].IdentifiedRuleIds[0] != "1" {
		t.Fatalf("AnalyzeRuleGroup: %+v %v", an, err)
	}

	// Suricata errors name the line and the keyword; nothing is written.
	bad := func(name, rules, code, want string) {
		t.Helper()
		_, err := nf.CreateRuleGroup(ctx, &networkfirewall.CreateRuleGroupInput{RuleGroupName: aws.String(name), Type: nfwtypes.RuleGroupTypeStateful,
			Capacity: aws.Int32(10), Rules: aws.String(rules)})
		ae := apiError(t, err, code)
		t.Logf("%s: %s", name, ae.ErrorMessage())
		if !strings.Contains(ae.ErrorMessage(), want) {
			t.Errorf("%s: message %q does not contain %q", name, ae.ErrorMessage(), want)
		}
		_, err = nf.DescribeRuleGroup(ctx, &networkfirewall.DescribeRuleGroupInput{RuleGroupName: aws.String(name), Type: nfwtypes.RuleGroupTypeStateful})
		apiError(t, err, "ResourceNotFoundException")
	}
	bad("syntax", "alert tcp any any -> any any (msg:\"ok\"; sid:1;)\n\nalert tcp any any -> any any (msg:\"broken\" sid:2;\n", "InvalidRequestException", "line 3:")
	bad("keyword", "alert tcp any any -> any any (msg:\"x\"; frobnicate:1; sid:1;)", "InvalidRequestException", `unknown rule keyword "frobnicate"`)
	bad("anf", "alert tcp any any -> any any (msg:\"x\"; threshold:type limit, track by_src, count 1, seconds 60; sid:1;)", "InvalidRequestException", "refused by AWS Network Firewall")
	bad("dupsid", "alert tcp any any -> any any (msg:\"a\"; sid:5;)\nalert udp any any -> any any (msg:\"b\"; sid:5;)", "InvalidRequestException", "line 2:")
	_, err = nf.CreateRuleGroup(ctx, &networkfirewall.CreateRuleGroupInput{RuleGroupName: aws.String("small"), Type: nfwtypes.RuleGroupTypeStateful,
		Capacity: aws.Int32(1), Rules: aws.String(nfwRules)})
	if ae := apiError(t, err, "InvalidRequestException"); !strings.Contains(ae.ErrorMessage(), "need capacity 2") {
		t.Errorf("capacity message: %s", ae.ErrorMessage())
	}
	_, err = nf.CreateRuleGroup(ctx, &networkfirewall.CreateRuleGroupInput{RuleGroupName: aws.String("huge"), Type: nfwtypes.RuleGroupTypeStateful,
		Capacity: aws.Int32(30001), Rules: aws.String(nfwRules)})
	apiError(t, err, "InvalidRequestException")
	_, err = nf.CreateRuleGroup(ctx, &networkfirewall.CreateRuleGroupInput{RuleGroupName: aws.String("web"), Type: nfwtypes.RuleGroupTypeStateful,
		Capacity: aws.Int32(10), Rules: aws.String(nfwRules)})
	apiError(t, err, "InvalidRequestException") // the name is taken
	_, err = nf.CreateRuleGroup(ctx, &networkfirewall.CreateRuleGroupInput{RuleGroupName: aws.String("both"), Type: nfwtypes.RuleGroupTypeStateful,
		Capacity: aws.Int32(10), Rules: aws.String(nfwRules), RuleGroup: &nfwtypes.RuleGroup{RulesSource: &nfwtypes.RulesSource{RulesString: aws.String(nfwRules)}}})
	apiError(t, err, "InvalidRequestException")
	_, err = nf.CreateRuleGroup(ctx, &networkfirewall.CreateRuleGroupInput{RuleGroupName: aws.String("vars"), Type: nfwtypes.RuleGroupTypeStateless, Capacity: aws.Int32(10),
		RuleGroup: &nfwtypes.RuleGroup{RuleVariables: &nfwtypes.RuleVariables{IPSets: map[string]nfwtypes.IPSet{"HOME_NET": {Definition: []string{"10.0.0.0/8"}}}},
			RulesSource: &nfwtypes.RulesSource{StatelessRulesAndCustomActions: &nfwtypes.StatelessRulesAndCustomActions{StatelessRules: []nfwtypes.StatelessRule{
				{Priority: aws.Int32(1), RuleDefinition: &nfwtypes.RuleDefinition{Actions: []string{"aws:pass"}, MatchAttributes: &nfwtypes.MatchAttributes{}}}}}}}})
	if ae := apiError(t, err, "InvalidRequestException"); !strings.Contains(ae.ErrorMessage(), "RuleVariables cannot be provided") {
		t.Errorf("stateless RuleVariables: %s", ae.ErrorMessage())
	}
	// A dry run answers and writes nothing.
	dry, err := nf.CreateRuleGroup(ctx, &networkfirewall.CreateRuleGroupInput{RuleGroupName: aws.String("dry"), Type: nfwtypes.RuleGroupTypeStateful,
		Capacity: aws.Int32(10), Rules: aws.String(nfwRules), DryRun: true})
	if err != nil || aws.ToInt32(dry.RuleGroupResponse.ConsumedCapacity) != 2 {
		t.Fatalf("dry run: %+v %v", dry, err)
	}
	_, err = nf.DescribeRuleGroup(ctx, &networkfirewall.DescribeRuleGroupInput{RuleGroupName: aws.String("dry"), Type: nfwtypes.RuleGroupTypeStateful})
	apiError(t, err, "ResourceNotFoundException")

	// UpdateToken locking.
	upd, err := nf.UpdateRuleGroup(ctx, &networkfirewall.UpdateRuleGroupInput{RuleGroupArn: r.RuleGroupArn, UpdateToken: created.UpdateToken,
		Rules: aws.String(nfwRules + "alert dns any any -> any any (dns.query; content:\"bad.example\"; sid:3;)\n")})
	if err != nil || aws.ToInt32(upd.RuleGroupResponse.ConsumedCapacity) != 3 || aws.ToString(upd.UpdateToken) == aws.ToString(created.UpdateToken) {
		t.Fatalf("UpdateRuleGroup: %+v %v", upd, err)
	}
	_, err = nf.UpdateRuleGroup(ctx, &networkfirewall.UpdateRuleGroupInput{RuleGroupArn: r.RuleGroupArn, UpdateToken: created.UpdateToken, Rules: aws.String(nfwRules)})
	apiError(t, err, "InvalidTokenException")
	_, err = nf.UpdateRuleGroup(ctx, &networkfirewall.UpdateRuleGroupInput{RuleGroupArn: r.RuleGroupArn, UpdateToken: upd.UpdateToken,
		Rules: aws.String("alert tcp any any -> any any (sid:1; lua:script.lua;)")})
	apiError(t, err, "InvalidRequestException")
	after, err := nf.DescribeRuleGroup(ctx, &networkfirewall.DescribeRuleGroupInput{RuleGroupArn: r.RuleGroupArn})
	if err != nil || !strings.Contains(aws.ToString(after.RuleGroup.RulesSource.RulesString), "bad.example") || aws.ToString(after.UpdateToken) != aws.ToString(upd.UpdateToken) ||
		aws.ToString(after.RuleGroupResponse.Description) != "outbound web" {
		t.Fatalf("after the refused updates: %+v %v", after, err)
	}

	// Listing, by type and by page.
	all, err := nf.ListRuleGroups(ctx, &networkfirewall.ListRuleGroupsInput{})
	if err != nil || len(all.RuleGroups) != 4 {
		t.Fatalf("ListRuleGroups: %+v %v", all, err)
	}
	stateless, err := nf.ListRuleGroups(ctx, &networkfirewall.ListRuleGroupsInput{Type: nfwtypes.RuleGroupTypeStateless})
	if err != nil || len(stateless.RuleGroups) != 1 || aws.ToString(stateless.RuleGroups[0].Arn) != arnPrefix+"stateless-rulegroup/web" {
		t.Fatalf("ListRuleGroups STATELESS: %+v %v", stateless, err)
	}
	var names []string
	pages := networkfirewall.NewListRuleGroupsPaginator(nf, &networkfirewall.ListRuleGroupsInput{MaxResults: aws.Int32(3)})
	for n := 0; pages.HasMorePages(); n++ {
		p, err := pages.NextPage(ctx)
		if err != nil || n > 2 {
			t.Fatalf("page %d: %v", n, err)
		}
		for _, g := range p.RuleGroups {
			names = append(names, aws.ToString(g.Name))
		}
	}
	if strings.Join(names, ",") != "direct,domains,web,web" {
		t.Fatalf("paged names: %v", names)
	}
	// State is per Region: eu-west-1 has none of them.
	euCfg := ts.config(ts.Root)
	euCfg.Region = "eu-west-1"
	eu := networkfirewall.NewFromConfig(euCfg)
	if l, err := eu.ListRuleGroups(ctx, &networkfirewall.ListRuleGroupsInput{}); err != nil || len(l.RuleGroups) != 0 {
		t.Fatalf("eu-west-1 ListRuleGroups: %+v %v", l, err)
	}
	_, err = eu.DescribeRuleGroup(ctx, &networkfirewall.DescribeRuleGroupInput{RuleGroupArn: r.RuleGroupArn})
	apiError(t, err, "ResourceNotFoundException")
	managed, err := nf.ListRuleGroups(ctx, &networkfirewall.ListRuleGroupsInput{Scope: nfwtypes.ResourceManagedStatusManaged})
	if err != nil || len(managed.RuleGroups) != 0 {
		t.Fatalf("ListRuleGroups MANAGED: %+v %v", managed, err)
	}

	// Delete, then it is gone.
	if _, err := nf.DeleteRuleGroup(ctx, &networkfirewall.DeleteRuleGroupInput{RuleGroupName: aws.String("direct"), Type: nfwtypes.RuleGroupTypeStateful}); err != nil {
		t.Fatal(err)
	}
	_, err = nf.DeleteRuleGroup(ctx, &networkfirewall.DeleteRuleGroupInput{RuleGroupName: aws.String("direct"), Type: nfwtypes.RuleGroupTypeStateful})
	apiError(t, err, "ResourceNotFoundException")
	_, err = nf.DescribeRuleGroup(ctx, &networkfirewall.DescribeRuleGroupInput{RuleGroupArn: aws.String("arn:aws:network-firewall:us-east-1:999999999999:stateful-rulegroup/web")})
	apiError(t, err, "ResourceNotFoundException")
}

// nfwStrictGroups creates a STRICT_ORDER Suricata group, a STRICT_ORDER
// domain list and a stateless group, and returns their ARNs.
func nfwStrictGroups(t *testing.T, nf *networkfirewall.Client) (rulesArn, domainsArn, statelessArn string) {
	t.Helper()
	ctx := context.Background()
	strict := &nfwtypes.StatefulRuleOptions{RuleOrder: nfwtypes.RuleOrderStrictOrder}
	g1, err := nf.CreateRuleGroup(ctx, &networkfirewall.CreateRuleGroupInput{RuleGroupName: aws.String("suricata"), Type: nfwtypes.RuleGroupTypeStateful, Capacity: aws.Int32(50),
		RuleGroup: &nfwtypes.RuleGroup{RulesSource: &nfwtypes.RulesSource{RulesString: aws.String(nfwRules)}, StatefulRuleOptions: strict}})
	if err != nil {
		t.Fatal(err)
	}
	g2, err := nf.CreateRuleGroup(ctx, &networkfirewall.CreateRuleGroupInput{RuleGroupName: aws.String("domains"), Type: nfwtypes.RuleGroupTypeStateful, Capacity: aws.Int32(20),
		RuleGroup: &nfwtypes.RuleGroup{StatefulRuleOptions: strict, RulesSource: &nfwtypes.RulesSource{RulesSourceList: &nfwtypes.RulesSourceList{
			Targets: []string{".example.com"}, TargetTypes: []nfwtypes.TargetType{nfwtypes.TargetTypeTlsSni}, GeneratedRulesType: nfwtypes.GeneratedRulesTypeAllowlist}}}})
	if err != nil {
		t.Fatal(err)
	}
	g3, err := nf.CreateRuleGroup(ctx, &networkfirewall.CreateRuleGroupInput{RuleGroupName: aws.String("udp-9999"), Type: nfwtypes.RuleGroupTypeStateless, Capacity: aws.Int32(5),
		RuleGroup: &nfwtypes.RuleGroup{RulesSource: &nfwtypes.RulesSource{StatelessRulesAndCustomActions: &nfwtypes.StatelessRulesAndCustomActions{
			StatelessRules: []nfwtypes.StatelessRule{{Priority: aws.Int32(1), RuleDefinition: &nfwtypes.RuleDefinition{Actions: []string{"aws:drop"},
				MatchAttributes: &nfwtypes.MatchAttributes{Protocols: []int32{17}, DestinationPorts: []nfwtypes.PortRange{{FromPort: 9999, ToPort: 9999}}}}}}}}}})
	if err != nil {
		t.Fatal(err)
	}
	return aws.ToString(g1.RuleGroupResponse.RuleGroupArn), aws.ToString(g2.RuleGroupResponse.RuleGroupArn), aws.ToString(g3.RuleGroupResponse.RuleGroupArn)
}

func nfwStrictPolicy(rulesArn, domainsArn, statelessArn string) *nfwtypes.FirewallPolicy {
	return &nfwtypes.FirewallPolicy{
		StatelessDefaultActions: []string{"aws:forward_to_sfe"}, StatelessFragmentDefaultActions: []string{"aws:forward_to_sfe"},
		StatelessRuleGroupReferences: []nfwtypes.StatelessRuleGroupReference{{ResourceArn: aws.String(statelessArn), Priority: aws.Int32(10)}},
		StatefulRuleGroupReferences: []nfwtypes.StatefulRuleGroupReference{
			{ResourceArn: aws.String(domainsArn), Priority: aws.Int32(1)}, {ResourceArn: aws.String(rulesArn), Priority: aws.Int32(2)}},
		StatefulEngineOptions:  &nfwtypes.StatefulEngineOptions{RuleOrder: nfwtypes.RuleOrderStrictOrder},
		StatefulDefaultActions: []string{"aws:drop_established", "aws:alert_established"},
	}
}

// Firewall policies: a STRICT_ORDER policy over a Suricata group and a
// domain list, references checked, groups in use kept, tokens enforced.
func TestNetworkFirewallPolicies(t *testing.T) {
	ts := start(t)
	ctx := context.Background()
	nf := networkfirewall.NewFromConfig(ts.config(ts.Root))
	rulesArn, domainsArn, statelessArn := nfwStrictGroups(t, nf)

	cp, err := nf.CreateFirewallPolicy(ctx, &networkfirewall.CreateFirewallPolicyInput{FirewallPolicyName: aws.String("egress"),
		FirewallPolicy: nfwStrictPolicy(rulesArn, domainsArn, statelessArn), Description: aws.String("egress filtering")})
	if err != nil {
		t.Fatal(err)
	}
	pr := cp.FirewallPolicyResponse
	if aws.ToString(pr.FirewallPolicyArn) != "arn:aws:network-firewall:us-east-1:"+ts.Account+":firewall-policy/egress" || pr.FirewallPolicyStatus != nfwtypes.ResourceStatusActive ||
		aws.ToInt32(pr.ConsumedStatefulRuleCapacity) != 70 || aws.ToInt32(pr.ConsumedStatelessRuleCapacity) != 5 || aws.ToInt32(pr.NumberOfAssociations) != 0 {
		t.Fatalf("CreateFirewallPolicy: %+v", pr)
	}
	dp, err := nf.DescribeFirewallPolicy(ctx, &networkfirewall.DescribeFirewallPolicyInput{FirewallPolicyName: aws.String("egress")})
	if err != nil {
		t.Fatal(err)
	}
	if dp.FirewallPolicy.StatefulEngineOptions.RuleOrder != nfwtypes.RuleOrderStrictOrder || len(dp.FirewallPolicy.StatefulRuleGroupReferences) != 2 ||
		aws.ToInt32(dp.FirewallPolicy.StatefulRuleGroupReferences[1].Priority) != 2 || dp.FirewallPolicy.StatefulDefaultActions[0] != "aws:drop_established" ||
		aws.ToString(dp.UpdateToken) != aws.ToString(cp.UpdateToken) {
		t.Fatalf("DescribeFirewallPolicy: %+v", dp.FirewallPolicy)
	}
	g, err := nf.DescribeRuleGroup(ctx, &networkfirewall.DescribeRuleGroupInput{RuleGroupArn: aws.String(domainsArn)})
	if err != nil || aws.ToInt32(g.RuleGroupResponse.NumberOfAssociations) != 1 {
		t.Fatalf("associations: %+v %v", g, err)
	}

	// A group in use cannot be deleted; a group's rule order cannot change.
	_, err = nf.DeleteRuleGroup(ctx, &networkfirewall.DeleteRuleGroupInput{RuleGroupArn: aws.String(domainsArn)})
	if ae := apiError(t, err, "InvalidOperationException"); !strings.Contains(ae.ErrorMessage(), "egress") {
		t.Errorf("delete in use: %s", ae.ErrorMessage())
	}
	_, err = nf.UpdateRuleGroup(ctx, &networkfirewall.UpdateRuleGroupInput{RuleGroupArn: aws.String(rulesArn), UpdateToken: aws.String(mustToken(t, nf, rulesArn)),
		RuleGroup: &nfwtypes.RuleGroup{RulesSource: &nfwtypes.RulesSource{RulesString: aws.String(nfwRules)},
			StatefulRuleOptions: &nfwtypes.StatefulRuleOptions{RuleOrder: nfwtypes.RuleOrderDefaultActionOrder}}})
	if ae := apiError(t, err, "InvalidRequestException"); !strings.Contains(ae.ErrorMessage(), "parameter is invalid, parameter: [DEFAULT_ACTION_ORDER]") {
		t.Errorf("rule order change: %s", ae.ErrorMessage())
	}
	_, err = nf.UpdateRuleGroup(ctx, &networkfirewall.UpdateRuleGroupInput{RuleGroupArn: aws.String(rulesArn), UpdateToken: aws.String(mustToken(t, nf, rulesArn)),
		Rules: aws.String(nfwRules)}) // Rules means DEFAULT_ACTION_ORDER
	apiError(t, err, "InvalidRequestException")

	// Bad policies.
	badPolicy := func(want string, change func(p *nfwtypes.FirewallPolicy)) {
		t.Helper()
		p := nfwStrictPolicy(rulesArn, domainsArn, statelessArn)
		change(p)
		_, err := nf.CreateFirewallPolicy(ctx, &networkfirewall.CreateFirewallPolicyInput{FirewallPolicyName: aws.String("bad"), FirewallPolicy: p})
		ae := apiError(t, err, "InvalidRequestException")
		t.Logf("%s", ae.ErrorMessage())
		if !strings.Contains(ae.ErrorMessage(), want) {
			t.Errorf("message %q does not contain %q", ae.ErrorMessage(), want)
		}
	}
	unknown := "arn:aws:network-firewall:us-east-1:" + ts.Account + ":stateful-rulegroup/nope"
	badPolicy("StatefulRuleGroupReferences[0].ResourceArn", func(p *nfwtypes.FirewallPolicy) { p.StatefulRuleGroupReferences[0].ResourceArn = aws.String(unknown) })
	badPolicy("StatefulRuleGroupReferences[1].Priority", func(p *nfwtypes.FirewallPolicy) { p.StatefulRuleGroupReferences[1].Priority = nil })
	badPolicy("Priority", func(p *nfwtypes.FirewallPolicy) { p.StatefulRuleGroupReferences[1].Priority = aws.Int32(1) })
	badPolicy("Priority cannot be provided, parameter: [1], context: StatefulRuleGroupReferences[0][Priority=1]", func(p *nfwtypes.FirewallPolicy) {
		p.StatefulEngineOptions = nil
		p.StatefulDefaultActions = nil
	})
	badPolicy("rule order", func(p *nfwtypes.FirewallPolicy) {
		p.StatefulEngineOptions, p.StatefulDefaultActions = nil, nil
		for i := range p.StatefulRuleGroupReferences {
			p.StatefulRuleGroupReferences[i].Priority = nil
		}
	})
	badPolicy("StatefulDefaultActions", func(p *nfwtypes.FirewallPolicy) {
		p.StatefulDefaultActions = []string{"aws:drop_strict", "aws:drop_established"}
	})
	badPolicy("StatelessDefaultActions", func(p *nfwtypes.FirewallPolicy) { p.StatelessDefaultActions = []string{"aws:pass", "aws:drop"} })
	badPolicy("rule group ARN is of incorrect entity type, parameter: ["+rulesArn+"]", func(p *nfwtypes.FirewallPolicy) { p.StatelessRuleGroupReferences[0].ResourceArn = aws.String(rulesArn) })
	_, err = nf.DescribeFirewallPolicy(ctx, &networkfirewall.DescribeFirewallPolicyInput{FirewallPolicyName: aws.String("bad")})
	apiError(t, err, "ResourceNotFoundException")
	_, err = nf.CreateFirewallPolicy(ctx, &networkfirewall.CreateFirewallPolicyInput{FirewallPolicyName: aws.String("egress"), FirewallPolicy: nfwStrictPolicy(rulesArn, domainsArn, statelessArn)})
	apiError(t, err, "InvalidRequestException")

	// UpdateToken: the current one works once; a stale one is refused.
	p := nfwStrictPolicy(rulesArn, domainsArn, statelessArn)
	p.StatefulRuleGroupReferences = p.StatefulRuleGroupReferences[:1]
	up, err := nf.UpdateFirewallPolicy(ctx, &networkfirewall.UpdateFirewallPolicyInput{FirewallPolicyArn: pr.FirewallPolicyArn, UpdateToken: cp.UpdateToken, FirewallPolicy: p})
	if err != nil || aws.ToInt32(up.FirewallPolicyResponse.ConsumedStatefulRuleCapacity) != 20 || aws.ToString(up.FirewallPolicyResponse.Description) != "egress filtering" {
		t.Fatalf("UpdateFirewallPolicy: %+v %v", up, err)
	}
	_, err = nf.UpdateFirewallPolicy(ctx, &networkfirewall.UpdateFirewallPolicyInput{FirewallPolicyArn: pr.FirewallPolicyArn, UpdateToken: cp.UpdateToken,
		FirewallPolicy: nfwStrictPolicy(rulesArn, domainsArn, statelessArn)})
	apiError(t, err, "InvalidTokenException")
	// The Suricata group is free now.
	if _, err := nf.DeleteRuleGroup(ctx, &networkfirewall.DeleteRuleGroupInput{RuleGroupArn: aws.String(rulesArn)}); err != nil {
		t.Fatal(err)
	}
	list, err := nf.ListFirewallPolicies(ctx, &networkfirewall.ListFirewallPoliciesInput{})
	if err != nil || len(list.FirewallPolicies) != 1 || aws.ToString(list.FirewallPolicies[0].Name) != "egress" {
		t.Fatalf("ListFirewallPolicies: %+v %v", list, err)
	}
	if _, err := nf.DeleteFirewallPolicy(ctx, &networkfirewall.DeleteFirewallPolicyInput{FirewallPolicyName: aws.String("egress")}); err != nil {
		t.Fatal(err)
	}
	if _, err := nf.DeleteRuleGroup(ctx, &networkfirewall.DeleteRuleGroupInput{RuleGroupArn: aws.String(domainsArn)}); err != nil {
		t.Fatal(err)
	}
}

func mustToken(t *testing.T, nf *networkfirewall.Client, arn string) string {
	t.Helper()
	d, err := nf.DescribeRuleGroup(context.Background(), &networkfirewall.DescribeRuleGroupInput{RuleGroupArn: aws.String(arn)})
	if err != nil {
		t.Fatal(err)
	}
	return aws.ToString(d.UpdateToken)
}

// Firewalls: created READY with an endpoint per subnet, the policy kept
// while in use, delete protection, policy association, logging and tags.
func TestNetworkFirewallFirewalls(t *testing.T) {
	ts := start(t)
	ctx := context.Background()
	nf := networkfirewall.NewFromConfig(ts.config(ts.Root))
	rulesArn, domainsArn, statelessArn := nfwStrictGroups(t, nf)
	cp, err := nf.CreateFirewallPolicy(ctx, &networkfirewall.CreateFirewallPolicyInput{FirewallPolicyName: aws.String("egress"), FirewallPolicy: nfwStrictPolicy(rulesArn, domainsArn, statelessArn)})
	if err != nil {
		t.Fatal(err)
	}
	policyArn := aws.ToString(cp.FirewallPolicyResponse.FirewallPolicyArn)
	open := &nfwtypes.FirewallPolicy{StatelessDefaultActions: []string{"aws:pass"}, StatelessFragmentDefaultActions: []string{"aws:pass"}}
	cp2, err := nf.CreateFirewallPolicy(ctx, &networkfirewall.CreateFirewallPolicyInput{FirewallPolicyName: aws.String("open"), FirewallPolicy: open})
	if err != nil {
		t.Fatal(err)
	}

	cf, err := nf.CreateFirewall(ctx, &networkfirewall.CreateFirewallInput{FirewallName: aws.String("edge"), FirewallPolicyArn: aws.String(policyArn), VpcId: aws.String("vpc-0abc"),
		SubnetMappings: []nfwtypes.SubnetMapping{{SubnetId: aws.String("subnet-0a")}, {SubnetId: aws.String("subnet-0b")}}, DeleteProtection: true,
		Tags: []nfwtypes.Tag{{Key: aws.String("env"), Value: aws.String("prod")}}})
	if err != nil {
		t.Fatal(err)
	}
	fwArn := "arn:aws:network-firewall:us-east-1:" + ts.Account + ":firewall/edge"
	if aws.ToString(cf.Firewall.FirewallArn) != fwArn || cf.FirewallStatus.Status != nfwtypes.FirewallStatusValueReady || len(cf.FirewallStatus.SyncStates) != 2 ||
		!cf.Firewall.DeleteProtection || len(aws.ToString(cf.Firewall.FirewallId)) != 36 {
		t.Fatalf("CreateFirewall: %+v %+v", cf.Firewall, cf.FirewallStatus)
	}
	df, err := nf.DescribeFirewall(ctx, &networkfirewall.DescribeFirewallInput{FirewallName: aws.String("edge")})
	if err != nil {
		t.Fatal(err)
	}
	sa := df.FirewallStatus.SyncStates["us-east-1a"]
	if sa.Attachment == nil || aws.ToString(sa.Attachment.SubnetId) != "subnet-0a" || sa.Attachment.Status != nfwtypes.AttachmentStatusReady ||
		!strings.HasPrefix(aws.ToString(sa.Attachment.EndpointId), "vpce-") || sa.Config[policyArn].SyncStatus != nfwtypes.PerObjectSyncStatusInSync ||
		aws.ToString(sa.Config[policyArn].UpdateToken) != aws.ToString(cp.UpdateToken) || sa.Config[domainsArn].SyncStatus != nfwtypes.PerObjectSyncStatusInSync ||
		df.FirewallStatus.ConfigurationSyncStateSummary != nfwtypes.ConfigurationSyncStateInSync {
		t.Fatalf("DescribeFirewall status: %+v", df.FirewallStatus)
	}
	dp, err := nf.DescribeFirewallPolicy(ctx, &networkfirewall.DescribeFirewallPolicyInput{FirewallPolicyArn: aws.String(policyArn)})
	if err != nil || aws.ToInt32(dp.FirewallPolicyResponse.NumberOfAssociations) != 1 {
		t.Fatalf("policy associations: %+v %v", dp, err)
	}
	_, err = nf.DeleteFirewallPolicy(ctx, &networkfirewall.DeleteFirewallPolicyInput{FirewallPolicyArn: aws.String(policyArn)})
	apiError(t, err, "InvalidOperationException")
	_, err = nf.CreateFirewall(ctx, &networkfirewall.CreateFirewallInput{FirewallName: aws.String("ghost"), FirewallPolicyArn: aws.String(policyArn + "-nope"), VpcId: aws.String("vpc-0abc"),
		SubnetMappings: []nfwtypes.SubnetMapping{{SubnetId: aws.String("subnet-0a")}}})
	apiError(t, err, "InvalidRequestException")
	_, err = nf.CreateFirewall(ctx, &networkfirewall.CreateFirewallInput{FirewallName: aws.String("ghost"), FirewallPolicyArn: aws.String(policyArn), VpcId: aws.String("vpc-0abc"),
		SubnetMappings: []nfwtypes.SubnetMapping{{SubnetId: aws.String("sn-1")}}})
	apiError(t, err, "InvalidRequestException")

	// Delete protection.
	_, err = nf.DeleteFirewall(ctx, &networkfirewall.DeleteFirewallInput{FirewallName: aws.String("edge")})
	apiError(t, err, "InvalidOperationException")
	_, err = nf.UpdateFirewallDeleteProtection(ctx, &networkfirewall.UpdateFirewallDeleteProtectionInput{FirewallName: aws.String("edge"), DeleteProtection: false,
		UpdateToken: aws.String("00000000-0000-0000-0000-000000000000")})
	apiError(t, err, "InvalidTokenException")
	udp, err := nf.UpdateFirewallDeleteProtection(ctx, &networkfirewall.UpdateFirewallDeleteProtectionInput{FirewallName: aws.String("edge"), DeleteProtection: false,
		UpdateToken: df.UpdateToken})
	if err != nil || udp.DeleteProtection || aws.ToString(udp.UpdateToken) == aws.ToString(df.UpdateToken) {
		t.Fatalf("UpdateFirewallDeleteProtection: %+v %v", udp, err)
	}

	// Another policy; the first is then free.
	as, err := nf.AssociateFirewallPolicy(ctx, &networkfirewall.AssociateFirewallPolicyInput{FirewallArn: aws.String(fwArn), FirewallPolicyArn: cp2.FirewallPolicyResponse.FirewallPolicyArn,
		UpdateToken: udp.UpdateToken})
	if err != nil || aws.ToString(as.FirewallPolicyArn) != aws.ToString(cp2.FirewallPolicyResponse.FirewallPolicyArn) {
		t.Fatalf("AssociateFirewallPolicy: %+v %v", as, err)
	}
	_, err = nf.AssociateFirewallPolicy(ctx, &networkfirewall.AssociateFirewallPolicyInput{FirewallArn: aws.String(fwArn), FirewallPolicyArn: aws.String(policyArn),
		UpdateToken: udp.UpdateToken})
	apiError(t, err, "InvalidTokenException")

	// Description, subnets and the change protections.
	if d, err := nf.UpdateFirewallDescription(ctx, &networkfirewall.UpdateFirewallDescriptionInput{FirewallName: aws.String("edge"), Description: aws.String("edge filter")}); err != nil ||
		aws.ToString(d.Description) != "edge filter" {
		t.Fatalf("UpdateFirewallDescription: %+v %v", d, err)
	}
	if _, err := nf.AssociateSubnets(ctx, &networkfirewall.AssociateSubnetsInput{FirewallName: aws.String("edge"), SubnetMappings: []nfwtypes.SubnetMapping{{SubnetId: aws.String("subnet-0c")}}}); err != nil {
		t.Fatal(err)
	}
	if _, err := nf.DisassociateSubnets(ctx, &networkfirewall.DisassociateSubnetsInput{FirewallName: aws.String("edge"), SubnetIds: []string{"subnet-0a"}}); err != nil {
		t.Fatal(err)
	}
	if _, err := nf.AssociateSubnets(ctx, &networkfirewall.AssociateSubnetsInput{FirewallName: aws.String("edge"), SubnetMappings: []nfwtypes.SubnetMapping{{SubnetId: aws.String("subnet-0d")}}}); err != nil {
		t.Fatal(err)
	}
	df2, err := nf.DescribeFirewall(ctx, &networkfirewall.DescribeFirewallInput{FirewallName: aws.String("edge")})
	if err != nil || aws.ToString(df2.Firewall.Description) != "edge filter" || len(df2.FirewallStatus.SyncStates) != 3 ||
		aws.ToString(df2.FirewallStatus.SyncStates["us-east-1a"].Attachment.SubnetId) != "subnet-0d" || aws.ToString(df2.FirewallStatus.SyncStates["us-east-1b"].Attachment.SubnetId) != "subnet-0b" ||
		aws.ToString(df2.FirewallStatus.SyncStates["us-east-1c"].Attachment.SubnetId) != "subnet-0c" {
		t.Fatalf("after the subnet changes: %+v %+v %v", df2.Firewall, df2.FirewallStatus, err)
	}
	if _, err := nf.UpdateSubnetChangeProtection(ctx, &networkfirewall.UpdateSubnetChangeProtectionInput{FirewallName: aws.String("edge"), SubnetChangeProtection: true}); err != nil {
		t.Fatal(err)
	}
	_, err = nf.DisassociateSubnets(ctx, &networkfirewall.DisassociateSubnetsInput{FirewallName: aws.String("edge"), SubnetIds: []string{"subnet-0b"}})
	apiError(t, err, "InvalidOperationException")
	if _, err := nf.UpdateFirewallPolicyChangeProtection(ctx, &networkfirewall.UpdateFirewallPolicyChangeProtectionInput{FirewallName: aws.String("edge"),
		FirewallPolicyChangeProtection: true}); err != nil {
		t.Fatal(err)
	}
	_, err = nf.AssociateFirewallPolicy(ctx, &networkfirewall.AssociateFirewallPolicyInput{FirewallArn: aws.String(fwArn), FirewallPolicyArn: aws.String(policyArn)})
	apiError(t, err, "InvalidOperationException")

	// Logging: one change per call.
	lc, err := nf.UpdateLoggingConfiguration(ctx, &networkfirewall.UpdateLoggingConfigurationInput{FirewallName: aws.String("edge"), LoggingConfiguration: &nfwtypes.LoggingConfiguration{
		LogDestinationConfigs: []nfwtypes.LogDestinationConfig{{LogType: nfwtypes.LogTypeAlert, LogDestinationType: nfwtypes.LogDestinationTypeS3,
			LogDestination: map[string]string{"bucketName": "fw-logs", "prefix": "alerts"}}}}})
	if err != nil || len(lc.LoggingConfiguration.LogDestinationConfigs) != 1 {
		t.Fatalf("UpdateLoggingConfiguration: %+v %v", lc, err)
	}
	_, err = nf.UpdateLoggingConfiguration(ctx, &networkfirewall.UpdateLoggingConfigurationInput{FirewallName: aws.String("edge"), LoggingConfiguration: &nfwtypes.LoggingConfiguration{
		LogDestinationConfigs: []nfwtypes.LogDestinationConfig{
			{LogType: nfwtypes.LogTypeFlow, LogDestinationType: nfwtypes.LogDestinationTypeCloudwatchLogs, LogDestination: map[string]string{"logGroup": "fw-flow"}},
			{LogType: nfwtypes.LogTypeTls, LogDestinationType: nfwtypes.LogDestinationTypeCloudwatchLogs, LogDestination: map[string]string{"logGroup": "fw-tls"}}}}})
	apiError(t, err, "InvalidRequestException")
	dl, err := nf.DescribeLoggingConfiguration(ctx, &networkfirewall.DescribeLoggingConfigurationInput{FirewallArn: aws.String(fwArn)})
	if err != nil || len(dl.LoggingConfiguration.LogDestinationConfigs) != 1 || dl.LoggingConfiguration.LogDestinationConfigs[0].LogDestination["bucketName"] != "fw-logs" {
		t.Fatalf("DescribeLoggingConfiguration: %+v %v", dl, err)
	}

	// Tags on a firewall and a rule group.
	if _, err := nf.TagResource(ctx, &networkfirewall.TagResourceInput{ResourceArn: aws.String(fwArn), Tags: []nfwtypes.Tag{{Key: aws.String("owner"), Value: aws.String("net")},
		{Key: aws.String("env"), Value: aws.String("staging")}}}); err != nil {
		t.Fatal(err)
	}
	if _, err := nf.UntagResource(ctx, &networkfirewall.UntagResourceInput{ResourceArn: aws.String(fwArn), TagKeys: []string{"owner"}}); err != nil {
		t.Fatal(err)
	}
	tl, err := nf.ListTagsForResource(ctx, &networkfirewall.ListTagsForResourceInput{ResourceArn: aws.String(fwArn)})
	if err != nil || len(tl.Tags) != 1 || aws.ToString(tl.Tags[0].Key) != "env" || aws.ToString(tl.Tags[0].Value) != "staging" {
		t.Fatalf("ListTagsForResource: %+v %v", tl, err)
	}
	if _, err := nf.TagResource(ctx, &networkfirewall.TagResourceInput{ResourceArn: aws.String(rulesArn), Tags: []nfwtypes.Tag{{Key: aws.String("k"), Value: aws.String("v")}}}); err != nil {
		t.Fatal(err)
	}
	g, err := nf.DescribeRuleGroup(ctx, &networkfirewall.DescribeRuleGroupInput{RuleGroupArn: aws.String(rulesArn)})
	if err != nil || len(g.RuleGroupResponse.Tags) != 1 || !strings.Contains(aws.ToString(g.RuleGroup.RulesSource.RulesString), "telnet") {
		t.Fatalf("tagged rule group: %+v %v", g, err)
	}
	_, err = nf.TagResource(ctx, &networkfirewall.TagResourceInput{ResourceArn: aws.String(fwArn + "-nope"), Tags: []nfwtypes.Tag{{Key: aws.String("k"), Value: aws.String("v")}}})
	apiError(t, err, "ResourceNotFoundException")

	lf, err := nf.ListFirewalls(ctx, &networkfirewall.ListFirewallsInput{VpcIds: []string{"vpc-0abc"}})
	if err != nil || len(lf.Firewalls) != 1 || aws.ToString(lf.Firewalls[0].FirewallArn) != fwArn {
		t.Fatalf("ListFirewalls: %+v %v", lf, err)
	}
	if lf, err := nf.ListFirewalls(ctx, &networkfirewall.ListFirewallsInput{VpcIds: []string{"vpc-0def"}}); err != nil || len(lf.Firewalls) != 0 {
		t.Fatalf("ListFirewalls other VPC: %+v %v", lf, err)
	}
	del, err := nf.DeleteFirewall(ctx, &networkfirewall.DeleteFirewallInput{FirewallArn: aws.String(fwArn)})
	if err != nil || del.FirewallStatus.Status != nfwtypes.FirewallStatusValueDeleting {
		t.Fatalf("DeleteFirewall: %+v %v", del, err)
	}
	_, err = nf.DescribeFirewall(ctx, &networkfirewall.DescribeFirewallInput{FirewallArn: aws.String(fwArn)})
	apiError(t, err, "ResourceNotFoundException")
	if _, err := nf.DeleteFirewallPolicy(ctx, &networkfirewall.DeleteFirewallPolicyInput{FirewallPolicyArn: cp2.FirewallPolicyResponse.FirewallPolicyArn}); err != nil {
		t.Fatal(err)
	}
}

// A user allowed to describe one rule group only: that call works, the
// others are AccessDeniedException naming the resource ARN; every call,
// allowed or denied, is in CloudTrail.
func TestNetworkFirewallPermissions(t *testing.T) {
	ts := start(t)
	ctx := context.Background()
	nf := networkfirewall.NewFromConfig(ts.config(ts.Root))
	for _, name := range []string{"open", "secret"} {
		if _, err := nf.CreateRuleGroup(ctx, &networkfirewall.CreateRuleGroupInput{RuleGroupName: aws.String(name), Type: nfwtypes.RuleGroupTypeStateful,
			Capacity: aws.Int32(10), Rules: aws.String(nfwRules)}); err != nil {
			t.Fatal(err)
		}
	}
	root := iam.NewFromConfig(ts.config(ts.Root))
	if _, err := root.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("netops")}); err != nil {
		t.Fatal(err)
	}
	openArn := "arn:aws:network-firewall:us-east-1:" + ts.Account + ":stateful-rulegroup/open"
	if _, err := root.PutUserPolicy(ctx, &iam.PutUserPolicyInput{UserName: aws.String("netops"), PolicyName: aws.String("nfw"),
		PolicyDocument: aws.String(allowDoc("network-firewall:DescribeRuleGroup", openArn))}); err != nil {
		t.Fatal(err)
	}
	k, err := root.CreateAccessKey(ctx, &iam.CreateAccessKeyInput{UserName: aws.String("netops")})
	if err != nil {
		t.Fatal(err)
	}
	user := networkfirewall.NewFromConfig(ts.config(aws.Credentials{AccessKeyID: aws.ToString(k.AccessKey.AccessKeyId), SecretAccessKey: aws.ToString(k.AccessKey.SecretAccessKey)}))
	if _, err := user.DescribeRuleGroup(ctx, &networkfirewall.DescribeRuleGroupInput{RuleGroupArn: aws.String(openArn)}); err != nil {
		t.Fatal(err)
	}
	_, err = user.DescribeRuleGroup(ctx, &networkfirewall.DescribeRuleGroupInput{RuleGroupName: aws.String("secret"), Type: nfwtypes.RuleGroupTypeStateful})
	ae := apiError(t, err, "AccessDeniedException")
	if !strings.Contains(ae.ErrorMessage(), "network-firewall:DescribeRuleGroup on resource: arn:aws:network-firewall:us-east-1:"+ts.Account+":stateful-rulegroup/secret") {
		t.Errorf("AccessDenied message: %s", ae.ErrorMessage())
	}
	_, err = user.CreateRuleGroup(ctx, &networkfirewall.CreateRuleGroupInput{RuleGroupName: aws.String("mine"), Type: nfwtypes.RuleGroupTypeStateless,
		Capacity: aws.Int32(10), Rules: aws.String(nfwRules)})
	if ae := apiError(t, err, "AccessDeniedException"); !strings.Contains(ae.ErrorMessage(), "stateless-rulegroup/mine") {
		t.Errorf("AccessDenied message: %s", ae.ErrorMessage())
	}
	_, err = user.ListRuleGroups(ctx, &networkfirewall.ListRuleGroupsInput{})
	apiError(t, err, "AccessDeniedException")
	_, err = user.DeleteRuleGroup(ctx, &networkfirewall.DeleteRuleGroupInput{RuleGroupArn: aws.String(openArn)})
	apiError(t, err, "AccessDeniedException")
	if _, err := nf.DescribeRuleGroup(ctx, &networkfirewall.DescribeRuleGroupInput{RuleGroupArn: aws.String(openArn)}); err != nil {
		t.Fatal(err) // not deleted
	}

	ct := cloudtrail.NewFromConfig(ts.config(ts.Root))
	waitFor(t, func() bool {
		out, err := ct.LookupEvents(ctx, &cloudtrail.LookupEventsInput{LookupAttributes: []cttypes.LookupAttribute{{AttributeKey: cttypes.LookupAttributeKeyEventSource,
			AttributeValue: aws.String("network-firewall.amazonaws.com")}}})
		if err != nil {
			t.Fatal(err)
		}
		created, denied := 0, 0
		for _, e := range out.Events {
			ev := aws.ToString(e.CloudTrailEvent)
			if aws.ToString(e.EventName) == "CreateRuleGroup" && !strings.Contains(ev, `"errorCode"`) {
				created++
			}
			if aws.ToString(e.EventName) == "DeleteRuleGroup" && strings.Contains(ev, `"errorCode":"AccessDenied`) && strings.Contains(ev, "netops") {
				denied++
			}
		}
		return created == 2 && denied == 1
	})
}

// The everyday flow through the real AWS CLI: a rule group from a Suricata
// file, described back; a file with a bad rule refused with its line.
func TestNetworkFirewallAWSCLI(t *testing.T) {
	bin := cliV2(t)
	t.Parallel()
	ts := start(t)
	f := newFlow(t, ts, bin)
	rules := f.file("web.rules", nfwRules)
	out := f.ok("moat-root", "network-firewall", "create-rule-group", "--rule-group-name", "web", "--type", "STATEFUL", "--capacity", "10", "--rules", rules)
	if str(out, "RuleGroupResponse", "RuleGroupArn") != "arn:aws:network-firewall:us-east-1:"+ts.Account+":stateful-rulegroup/web" || str(out, "UpdateToken") == "" {
		t.Fatalf("create-rule-group: %v", out)
	}
	d := f.ok("moat-root", "network-firewall", "describe-rule-group", "--rule-group-name", "web", "--type", "STATEFUL")
	if str(d, "RuleGroup", "RulesSource", "RulesString") != nfwRules || str(d, "RuleGroupResponse", "RuleGroupStatus") != "ACTIVE" {
		t.Fatalf("describe-rule-group: %v", d)
	}
	bad := f.file("bad.rules", "alert tcp any any -> any any (msg:\"ok\"; sid:1;)\nalert tcp any any -> any any (msg:\"x\"; lua:evil.lua; sid:2;)\n")
	f.denied("InvalidRequestException", "line 2:", "moat-root", "network-firewall", "create-rule-group", "--rule-group-name", "bad", "--type", "STATEFUL", "--capacity", "10", "--rules", bad)
	f.denied("InvalidTokenException", "", "moat-root", "network-firewall", "update-rule-group", "--rule-group-name", "web", "--type", "STATEFUL",
		"--update-token", "00000000-0000-0000-0000-000000000000", "--rules", rules)
	f.ok("moat-root", "network-firewall", "update-rule-group", "--rule-group-name", "web", "--type", "STATEFUL", "--update-token", str(d, "UpdateToken"), "--rules", rules)

	// A policy from a JSON file and a firewall using it.
	policy := f.file("policy.json", `{"StatelessDefaultActions":["aws:forward_to_sfe"],"StatelessFragmentDefaultActions":["aws:forward_to_sfe"],
		"StatefulRuleGroupReferences":[{"ResourceArn":"`+str(out, "RuleGroupResponse", "RuleGroupArn")+`"}]}`)
	p := f.ok("moat-root", "network-firewall", "create-firewall-policy", "--firewall-policy-name", "egress", "--firewall-policy", policy)
	fw := f.ok("moat-root", "network-firewall", "create-firewall", "--firewall-name", "edge", "--firewall-policy-arn", str(p, "FirewallPolicyResponse", "FirewallPolicyArn"),
		"--vpc-id", "vpc-0abc", "--subnet-mappings", "SubnetId=subnet-0a", "--delete-protection")
	if str(fw, "FirewallStatus", "Status") != "READY" {
		t.Fatalf("create-firewall: %v", fw)
	}
	f.denied("InvalidOperationException", "delete protection", "moat-root", "network-firewall", "delete-firewall", "--firewall-name", "edge")
	f.denied("InvalidOperationException", "in use", "moat-root", "network-firewall", "delete-firewall-policy", "--firewall-policy-name", "egress")
}

// Resource policies on a rule group: validated (only the actions sharing
// grants, the group's own ARN), kept across updates, removed.
func TestNetworkFirewallResourcePolicy(t *testing.T) {
	ts := start(t)
	ctx := context.Background()
	nf := networkfirewall.NewFromConfig(ts.config(ts.Root))
	g, err := nf.CreateRuleGroup(ctx, &networkfirewall.CreateRuleGroupInput{RuleGroupName: aws.String("shared"), Type: nfwtypes.RuleGroupTypeStateful,
		Capacity: aws.Int32(10), Rules: aws.String(nfwRules)})
	if err != nil {
		t.Fatal(err)
	}
	arn := aws.ToString(g.RuleGroupResponse.RuleGroupArn)
	doc := func(action, resource string) string {
		return `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":["` + action + `"],"Resource":"` + resource + `"}]}`
	}
	_, err = nf.DescribeResourcePolicy(ctx, &networkfirewall.DescribeResourcePolicyInput{ResourceArn: aws.String(arn)})
	apiError(t, err, "ResourceNotFoundException")
	_, err = nf.PutResourcePolicy(ctx, &networkfirewall.PutResourcePolicyInput{ResourceArn: aws.String(arn), Policy: aws.String(doc("network-firewall:DeleteRuleGroup", arn))})
	apiError(t, err, "InvalidResourcePolicyException")
	_, err = nf.PutResourcePolicy(ctx, &networkfirewall.PutResourcePolicyInput{ResourceArn: aws.String(arn), Policy: aws.String(doc("network-firewall:CreateFirewallPolicy", arn+"x"))})
	apiError(t, err, "InvalidResourcePolicyException")
	good := doc("network-firewall:CreateFirewallPolicy", arn)
	if _, err := nf.PutResourcePolicy(ctx, &networkfirewall.PutResourcePolicyInput{ResourceArn: aws.String(arn), Policy: aws.String(good)}); err != nil {
		t.Fatal(err)
	}
	if _, err := nf.UpdateRuleGroup(ctx, &networkfirewall.UpdateRuleGroupInput{RuleGroupArn: aws.String(arn), UpdateToken: g.UpdateToken, Rules: aws.String(nfwRules)}); err != nil {
		t.Fatal(err)
	}
	rp, err := nf.DescribeResourcePolicy(ctx, &networkfirewall.DescribeResourcePolicyInput{ResourceArn: aws.String(arn)})
	if err != nil || aws.ToString(rp.Policy) != good {
		t.Fatalf("DescribeResourcePolicy after an update: %+v %v", rp, err)
	}
	if _, err := nf.DeleteResourcePolicy(ctx, &networkfirewall.DeleteResourcePolicyInput{ResourceArn: aws.String(arn)}); err != nil {
		t.Fatal(err)
	}
	_, err = nf.DescribeResourcePolicy(ctx, &networkfirewall.DescribeResourcePolicyInput{ResourceArn: aws.String(arn)})
	apiError(t, err, "ResourceNotFoundException")
}
