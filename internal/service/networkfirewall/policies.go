package networkfirewall

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/moatdev/moat/internal/service"
	"github.com/moatdev/moat/internal/store"
	"github.com/moatdev/moat/suricata/nfw"
)

// policyRecord is a stored firewall policy.
type policyRecord struct {
	Name, ID, Account, Region string
	Policy                    FirewallPolicy
	Description               *string
	Token                     string
	Tags                      []Tag
	Modified                  time.Time
	Encryption                *EncryptionConfiguration
	StatelessCapacity         int32
	StatefulCapacity          int32
	// ResourcePolicy is the PutResourcePolicy document (recorded).
	ResourcePolicy *string `json:",omitempty"`
}

func (p *policyRecord) arn() string { return arnOf(p.Region, p.Account, "firewall-policy", p.Name) }

func (p *policyRecord) references(arn string) bool {
	for _, r := range p.Policy.StatefulRuleGroupReferences {
		if r.ResourceArn == arn {
			return true
		}
	}
	for _, r := range p.Policy.StatelessRuleGroupReferences {
		if r.ResourceArn == arn {
			return true
		}
	}
	return false
}

// FirewallPolicyResponse is the API's FirewallPolicyResponse.
type FirewallPolicyResponse struct {
	FirewallPolicyName            string
	FirewallPolicyArn             string
	FirewallPolicyId              string
	Description                   *string
	FirewallPolicyStatus          string
	Tags                          []Tag
	ConsumedStatelessRuleCapacity *int32
	ConsumedStatefulRuleCapacity  *int32
	NumberOfAssociations          *int32
	EncryptionConfiguration       *EncryptionConfiguration
	LastModifiedTime              *time.Time
}

func (p *policyRecord) response(assoc int32) *FirewallPolicyResponse {
	tags := p.Tags
	if tags == nil {
		tags = []Tag{}
	}
	sl, sf := p.StatelessCapacity, p.StatefulCapacity
	return &FirewallPolicyResponse{FirewallPolicyName: p.Name, FirewallPolicyArn: p.arn(), FirewallPolicyId: p.ID, Description: p.Description,
		FirewallPolicyStatus: "ACTIVE", Tags: tags, ConsumedStatelessRuleCapacity: &sl, ConsumedStatefulRuleCapacity: &sf,
		NumberOfAssociations: &assoc, EncryptionConfiguration: p.Encryption, LastModifiedTime: timePtr(p.Modified)}
}

func policyKey(c *service.Call, name string) string { return keyPrefix(c) + name }

func policyOps() []*service.Operation {
	return []*service.Operation{
		service.Op("CreateFirewallPolicy", "network-firewall:CreateFirewallPolicy", createPolicy,
			service.Resource(func(_ context.Context, c *service.Call, in *CreateFirewallPolicyInput) (string, error) {
				return arnOf(c.Region, c.Account(), "firewall-policy", in.FirewallPolicyName), nil
			})),
		service.Op("DescribeFirewallPolicy", "network-firewall:DescribeFirewallPolicy", describePolicy, service.ReadOnly[PolicyRef](),
			service.Resource(func(_ context.Context, c *service.Call, in *PolicyRef) (string, error) { return in.arn(c) })),
		service.Op("UpdateFirewallPolicy", "network-firewall:UpdateFirewallPolicy", updatePolicy,
			service.Resource(func(_ context.Context, c *service.Call, in *UpdateFirewallPolicyInput) (string, error) {
				return in.PolicyRef.arn(c)
			})),
		service.Op("DeleteFirewallPolicy", "network-firewall:DeleteFirewallPolicy", deletePolicy,
			service.Resource(func(_ context.Context, c *service.Call, in *PolicyRef) (string, error) { return in.arn(c) })),
		service.Op("ListFirewallPolicies", "network-firewall:ListFirewallPolicies", listPolicies, service.ReadOnly[ListFirewallPoliciesInput]()),
	}
}

// checkPolicy validates a policy against the caller's rule groups and
// compiles it with the suricata/nfw engine (what a firewall would run). It
// returns the capacity the policy reserves (the referenced groups'
// capacities) and the compiled firewall.
func checkPolicy(tx store.Tx, c *service.Call, fp *FirewallPolicy) (stateless, stateful int32, fw *nfw.Firewall, err error) {
	doc, stateless, stateful, err := policyDocument(tx, c, fp)
	if err != nil {
		return 0, 0, nil, err
	}
	if stateless > maxPolicyStateless {
		return 0, 0, nil, invalidRequest.New("FirewallPolicy.StatelessRuleGroupReferences: the rule groups reserve capacity %d, a policy has at most %d", stateless, maxPolicyStateless)
	}
	if stateful > maxPolicyStateful {
		return 0, 0, nil, invalidRequest.New("FirewallPolicy.StatefulRuleGroupReferences: the rule groups reserve capacity %d, a policy has at most %d stateful rules", stateful, maxPolicyStateful)
	}
	fw, err = nfw.Compile(doc)
	if err != nil {
		return 0, 0, nil, invalidRequest.New("%v", err)
	}
	return stateless, stateful, fw, nil
}

// policyDocument resolves a policy's references into the engine's policy
// document (the shape `moat nfw pcap --policy` reads).
func policyDocument(tx store.Tx, c *service.Call, fp *FirewallPolicy) (*nfw.PolicyDocument, int32, int32, error) {
	if len(fp.StatelessDefaultActions) == 0 {
		return nil, 0, 0, invalidRequest.New("FirewallPolicy.StatelessDefaultActions: required")
	}
	if len(fp.StatelessFragmentDefaultActions) == 0 {
		return nil, 0, 0, invalidRequest.New("FirewallPolicy.StatelessFragmentDefaultActions: required")
	}
	customs := map[string]bool{}
	for i, a := range fp.StatelessCustomActions {
		if !nameRE.MatchString(a.ActionName) {
			return nil, 0, 0, invalidRequest.New("FirewallPolicy.StatelessCustomActions[%d].ActionName: %q must be 1-128 letters, digits and hyphens", i, a.ActionName)
		}
		customs[a.ActionName] = true
	}
	for _, f := range []struct {
		name string
		acts []string
	}{{"StatelessDefaultActions", fp.StatelessDefaultActions}, {"StatelessFragmentDefaultActions", fp.StatelessFragmentDefaultActions}} {
		for i, a := range f.acts {
			if !strings.HasPrefix(a, "aws:") && !customs[a] {
				return nil, 0, 0, invalidRequest.New("FirewallPolicy.%s[%d]: %q is neither aws:pass, aws:drop, aws:forward_to_sfe nor a custom action of the policy", f.name, i, a)
			}
		}
	}
	strict := false
	if o := fp.StatefulEngineOptions; o != nil {
		if o.RuleOrder != nil {
			switch *o.RuleOrder {
			case "STRICT_ORDER":
				strict = true
			case "DEFAULT_ACTION_ORDER":
			default:
				return nil, 0, 0, invalidRequest.New("FirewallPolicy.StatefulEngineOptions.RuleOrder: %q is not DEFAULT_ACTION_ORDER or STRICT_ORDER", *o.RuleOrder)
			}
		}
		if p := o.StreamExceptionPolicy; p != nil && *p != "DROP" && *p != "CONTINUE" && *p != "REJECT" {
			return nil, 0, 0, invalidRequest.New("FirewallPolicy.StatefulEngineOptions.StreamExceptionPolicy: %q is not DROP, CONTINUE or REJECT", *p)
		}
		if ft := o.FlowTimeouts; ft != nil && ft.TcpIdleTimeoutSeconds != nil && (*ft.TcpIdleTimeoutSeconds < 60 || *ft.TcpIdleTimeoutSeconds > 6000) {
			return nil, 0, 0, invalidRequest.New("FirewallPolicy.StatefulEngineOptions.FlowTimeouts.TcpIdleTimeoutSeconds: %d is outside 60-6000", *ft.TcpIdleTimeoutSeconds)
		}
	}
	if len(fp.StatelessRuleGroupReferences) > maxStatelessRefs {
		return nil, 0, 0, limitExceeded.New("FirewallPolicy.StatelessRuleGroupReferences: at most %d rule groups per policy", maxStatelessRefs)
	}
	if len(fp.StatefulRuleGroupReferences) > maxStatefulRefs {
		return nil, 0, 0, limitExceeded.New("FirewallPolicy.StatefulRuleGroupReferences: at most %d rule groups per policy", maxStatefulRefs)
	}
	var engPolicy nfw.FirewallPolicy
	b, _ := json.Marshal(fp)
	if err := json.Unmarshal(b, &engPolicy); err != nil {
		return nil, 0, 0, invalidRequest.New("FirewallPolicy: %v", err)
	}
	doc := &nfw.PolicyDocument{FirewallPolicy: engPolicy}
	seenGroup := map[string]bool{}
	var stateless, stateful int32
	add := func(path, arn, typ string) (*ruleGroupRecord, error) {
		p, ok := parseARN(arn)
		if !ok || p.Kind != kindOf(typ) {
			// AWS's wording, then the field.
			return nil, invalidRequest.New("rule group ARN is of incorrect entity type, parameter: [%s] (%s.ResourceArn: not a %s rule group)", arn, path, strings.ToLower(typ))
		}
		if seenGroup[arn] {
			return nil, invalidRequest.New("%s.ResourceArn: rule group %s is referenced twice", path, arn)
		}
		seenGroup[arn] = true
		var rec ruleGroupRecord
		found := false
		if p.Account == c.Account() && p.Region == c.Region {
			var err error
			if found, err = getJSON(tx, TableRuleGroups, groupKey(c, typ, p.Name), &rec); err != nil {
				return nil, err
			}
		}
		if !found {
			return nil, invalidRequest.New("%s.ResourceArn: rule group %s does not exist", path, arn)
		}
		g, err := toEngine(&rec.RuleGroup)
		if err != nil {
			return nil, err
		}
		doc.RuleGroups = append(doc.RuleGroups, nfw.DescribeRuleGroup{RuleGroup: *g,
			RuleGroupResponse: nfw.RuleGroupResponse{RuleGroupArn: arn, RuleGroupName: rec.Name, Type: rec.Type, Capacity: int(rec.Capacity)}})
		return &rec, nil
	}
	prios := map[int32]int{}
	for i, r := range fp.StatelessRuleGroupReferences {
		path := fmt.Sprintf("FirewallPolicy.StatelessRuleGroupReferences[%d]", i)
		if r.Priority < 1 || r.Priority > 65535 {
			return nil, 0, 0, invalidRequest.New("%s.Priority: %d is outside 1-65535", path, r.Priority)
		}
		if j, dup := prios[r.Priority]; dup {
			return nil, 0, 0, invalidRequest.New("%s.Priority: %d is also the priority of StatelessRuleGroupReferences[%d] (priorities must be unique)", path, r.Priority, j)
		}
		prios[r.Priority] = i
		rec, err := add(path, r.ResourceArn, "STATELESS")
		if err != nil {
			return nil, 0, 0, err
		}
		stateless += rec.Capacity
	}
	prios = map[int32]int{}
	for i, r := range fp.StatefulRuleGroupReferences {
		path := fmt.Sprintf("FirewallPolicy.StatefulRuleGroupReferences[%d]", i)
		if strict && r.Priority == nil {
			return nil, 0, 0, invalidRequest.New("%s.Priority: required when StatefulEngineOptions.RuleOrder is STRICT_ORDER", path)
		}
		if r.Priority != nil && !strict {
			// AWS's wording: priorities belong to STRICT_ORDER policies.
			return nil, 0, 0, invalidRequest.New("Priority cannot be provided, parameter: [%d], context: StatefulRuleGroupReferences[%d][Priority=%d] (priorities are for StatefulEngineOptions.RuleOrder STRICT_ORDER)", *r.Priority, i, *r.Priority)
		}
		if r.Priority != nil {
			if *r.Priority < 1 || *r.Priority > 65535 {
				return nil, 0, 0, invalidRequest.New("%s.Priority: %d is outside 1-65535", path, *r.Priority)
			}
			if j, dup := prios[*r.Priority]; dup {
				return nil, 0, 0, invalidRequest.New("%s.Priority: %d is also the priority of StatefulRuleGroupReferences[%d] (priorities must be unique)", path, *r.Priority, j)
			}
			prios[*r.Priority] = i
		}
		if r.Override != nil && (r.Override.Action == nil || *r.Override.Action != "DROP_TO_ALERT") {
			return nil, 0, 0, invalidRequest.New("%s.Override.Action: DROP_TO_ALERT is the only override action", path)
		}
		rec, err := add(path, r.ResourceArn, "STATEFUL")
		if err != nil {
			return nil, 0, 0, err
		}
		stateful += rec.Capacity
	}
	if pv := fp.PolicyVariables; pv != nil {
		for name, set := range pv.RuleVariables {
			if name != "HOME_NET" {
				return nil, 0, 0, invalidRequest.New("FirewallPolicy.PolicyVariables.RuleVariables: %q: HOME_NET is the only policy variable", name)
			}
			if err := checkVariable("FirewallPolicy.PolicyVariables.RuleVariables", name, set.Definition); err != nil {
				return nil, 0, 0, err
			}
		}
	}
	return doc, stateless, stateful, nil
}

// checkPoliciesWith recompiles the caller's policies that reference an
// updated rule group, so an update cannot break a policy in use (a rule
// order that no longer matches, capacity over the policy's limit).
func checkPoliciesWith(tx store.Tx, c *service.Call, rec *ruleGroupRecord) error {
	var users []policyRecord
	err := tx.Scan(TablePolicies, keyPrefix(c), "", 0, func(_ string, v []byte) error {
		var p policyRecord
		if err := json.Unmarshal(v, &p); err != nil {
			return err
		}
		if p.references(rec.arn()) {
			users = append(users, p)
		}
		return nil
	})
	if err != nil || len(users) == 0 {
		return err
	}
	// Check against the group as updated: put it first (the caller's
	// transaction rolls back on error), then compile each policy.
	if err := putJSON(tx, TableRuleGroups, groupKey(c, rec.Type, rec.Name), rec); err != nil {
		return err
	}
	for _, p := range users {
		if _, _, _, err := checkPolicy(tx, c, &p.Policy); err != nil {
			return invalidRequest.New("the update would break firewall policy %s: %v", p.Name, messageOf(err))
		}
	}
	return nil
}

func messageOf(err error) string {
	var s string = err.Error()
	if i := strings.Index(s, ": "); i >= 0 && strings.HasSuffix(s[:i], "Exception") {
		return s[i+2:]
	}
	return s
}

// CreateFirewallPolicyInput is the CreateFirewallPolicy request.
type CreateFirewallPolicyInput struct {
	FirewallPolicyName      string          `aws:",required"`
	FirewallPolicy          *FirewallPolicy `aws:",required"`
	Description             *string
	Tags                    []Tag
	DryRun                  bool
	EncryptionConfiguration *EncryptionConfiguration
}

// PolicyOutput is the CreateFirewallPolicy and UpdateFirewallPolicy response.
type PolicyOutput struct {
	UpdateToken            string
	FirewallPolicyResponse *FirewallPolicyResponse
}

func createPolicy(ctx context.Context, c *service.Call, in *CreateFirewallPolicyInput) (*PolicyOutput, error) {
	if err := checkName("FirewallPolicyName", in.FirewallPolicyName); err != nil {
		return nil, err
	}
	if err := checkDescription(in.Description); err != nil {
		return nil, err
	}
	if err := checkTags(in.Tags); err != nil {
		return nil, err
	}
	enc, err := defaultEncryption(in.EncryptionConfiguration)
	if err != nil {
		return nil, err
	}
	var out *PolicyOutput
	err = c.Deps.Store.Update(ctx, func(tx store.Tx) error {
		sl, sf, _, err := checkPolicy(tx, c, in.FirewallPolicy)
		if err != nil {
			return err
		}
		rec := &policyRecord{Name: in.FirewallPolicyName, ID: uuid.NewString(), Account: c.Account(), Region: c.Region, Policy: *in.FirewallPolicy,
			Description: in.Description, Token: newToken(), Tags: in.Tags, Modified: c.Now.UTC(), Encryption: enc, StatelessCapacity: sl, StatefulCapacity: sf}
		out = &PolicyOutput{UpdateToken: rec.Token, FirewallPolicyResponse: rec.response(0)}
		key := policyKey(c, rec.Name)
		if found, err := getJSON(tx, TablePolicies, key, &policyRecord{}); err != nil {
			return err
		} else if found {
			return invalidRequest.New("A firewall policy named %s already exists", rec.Name)
		}
		n := 0
		if err := tx.Scan(TablePolicies, keyPrefix(c), "", 0, func(string, []byte) error { n++; return nil }); err != nil {
			return err
		}
		if n >= maxPolicies {
			return limitExceeded.New("You can have at most %d firewall policies per account and Region", maxPolicies)
		}
		if in.DryRun {
			return nil
		}
		return putJSON(tx, TablePolicies, key, rec)
	})
	return out, err
}

// PolicyRef names a policy by ARN or name.
type PolicyRef struct {
	FirewallPolicyName *string
	FirewallPolicyArn  *string
}

func (r *PolicyRef) arn(c *service.Call) (string, error) {
	if r.FirewallPolicyArn != nil {
		return *r.FirewallPolicyArn, nil
	}
	if r.FirewallPolicyName == nil {
		return "", invalidRequest.New("FirewallPolicyArn or FirewallPolicyName: one of them is required")
	}
	return arnOf(c.Region, c.Account(), "firewall-policy", *r.FirewallPolicyName), nil
}

func (r *PolicyRef) load(tx store.Tx, c *service.Call) (string, *policyRecord, error) {
	arn, err := r.arn(c)
	if err != nil {
		return "", nil, err
	}
	return loadPolicy(tx, c, arn, r.FirewallPolicyName)
}

func loadPolicy(tx store.Tx, c *service.Call, arn string, name *string) (string, *policyRecord, error) {
	p, ok := parseARN(arn)
	if !ok || p.Kind != "firewall-policy" {
		return "", nil, invalidRequest.New("FirewallPolicyArn: %q is not a firewall policy ARN", arn)
	}
	if name != nil && *name != p.Name {
		return "", nil, invalidRequest.New("FirewallPolicyName %q does not match FirewallPolicyArn %q", *name, arn)
	}
	var rec policyRecord
	found := false
	key := policyKey(c, p.Name)
	if p.Account == c.Account() && p.Region == c.Region {
		var err error
		if found, err = getJSON(tx, TablePolicies, key, &rec); err != nil {
			return "", nil, err
		}
	}
	if !found {
		return "", nil, notFound.New("Firewall policy %s not found", arn)
	}
	return key, &rec, nil
}

// policyUsers names the caller's firewalls that use the policy.
func policyUsers(tx store.Tx, c *service.Call, arn string) ([]string, error) {
	var names []string
	err := tx.Scan(TableFirewalls, keyPrefix(c), "", 0, func(_ string, v []byte) error {
		var f firewallRecord
		if err := json.Unmarshal(v, &f); err != nil {
			return err
		}
		if f.PolicyArn == arn {
			names = append(names, f.Name)
		}
		return nil
	})
	return names, err
}

// DescribeFirewallPolicyOutput is the DescribeFirewallPolicy response.
type DescribeFirewallPolicyOutput struct {
	UpdateToken            string
	FirewallPolicyResponse *FirewallPolicyResponse
	FirewallPolicy         *FirewallPolicy
}

func describePolicy(ctx context.Context, c *service.Call, in *PolicyRef) (*DescribeFirewallPolicyOutput, error) {
	var out *DescribeFirewallPolicyOutput
	err := c.Deps.Store.View(ctx, func(tx store.Tx) error {
		_, rec, err := in.load(tx, c)
		if err != nil {
			return err
		}
		users, err := policyUsers(tx, c, rec.arn())
		if err != nil {
			return err
		}
		out = &DescribeFirewallPolicyOutput{UpdateToken: rec.Token, FirewallPolicyResponse: rec.response(int32(len(users))), FirewallPolicy: &rec.Policy}
		return nil
	})
	return out, err
}

// UpdateFirewallPolicyInput is the UpdateFirewallPolicy request.
type UpdateFirewallPolicyInput struct {
	UpdateToken string `aws:",required"`
	PolicyRef
	FirewallPolicy          *FirewallPolicy `aws:",required"`
	Description             *string
	DryRun                  bool
	EncryptionConfiguration *EncryptionConfiguration
}

func updatePolicy(ctx context.Context, c *service.Call, in *UpdateFirewallPolicyInput) (*PolicyOutput, error) {
	if err := checkDescription(in.Description); err != nil {
		return nil, err
	}
	var out *PolicyOutput
	err := c.Deps.Store.Update(ctx, func(tx store.Tx) error {
		key, rec, err := in.PolicyRef.load(tx, c)
		if err != nil {
			return err
		}
		if err := checkToken(in.UpdateToken, rec.Token); err != nil {
			return err
		}
		sl, sf, _, err := checkPolicy(tx, c, in.FirewallPolicy)
		if err != nil {
			return err
		}
		if in.EncryptionConfiguration != nil {
			if rec.Encryption, err = defaultEncryption(in.EncryptionConfiguration); err != nil {
				return err
			}
		}
		rec.Policy, rec.StatelessCapacity, rec.StatefulCapacity = *in.FirewallPolicy, sl, sf
		if in.Description != nil {
			rec.Description = in.Description
		}
		rec.Token, rec.Modified = newToken(), c.Now.UTC()
		users, err := policyUsers(tx, c, rec.arn())
		if err != nil {
			return err
		}
		out = &PolicyOutput{UpdateToken: rec.Token, FirewallPolicyResponse: rec.response(int32(len(users)))}
		if in.DryRun {
			return nil
		}
		return putJSON(tx, TablePolicies, key, rec)
	})
	return out, err
}

// DeleteFirewallPolicyOutput is the DeleteFirewallPolicy response.
type DeleteFirewallPolicyOutput struct {
	FirewallPolicyResponse *FirewallPolicyResponse
}

func deletePolicy(ctx context.Context, c *service.Call, in *PolicyRef) (*DeleteFirewallPolicyOutput, error) {
	var out *DeleteFirewallPolicyOutput
	err := c.Deps.Store.Update(ctx, func(tx store.Tx) error {
		key, rec, err := in.load(tx, c)
		if err != nil {
			return err
		}
		users, err := policyUsers(tx, c, rec.arn())
		if err != nil {
			return err
		}
		if len(users) > 0 {
			return invalidOperation.New("Unable to delete the firewall policy %s: it is in use by firewalls %s", rec.arn(), strings.Join(users, ", "))
		}
		resp := rec.response(0)
		resp.FirewallPolicyStatus = "DELETING"
		out = &DeleteFirewallPolicyOutput{FirewallPolicyResponse: resp}
		return tx.Delete(TablePolicies, key)
	})
	return out, err
}

// ListFirewallPoliciesInput is the ListFirewallPolicies request.
type ListFirewallPoliciesInput struct {
	NextToken  *string
	MaxResults *int32
}

// FirewallPolicyMetadata is one listed policy.
type FirewallPolicyMetadata struct {
	Name string
	Arn  string
}

// ListFirewallPoliciesOutput is the ListFirewallPolicies response.
type ListFirewallPoliciesOutput struct {
	NextToken        *string
	FirewallPolicies []FirewallPolicyMetadata
}

func listPolicies(ctx context.Context, c *service.Call, in *ListFirewallPoliciesInput) (*ListFirewallPoliciesOutput, error) {
	out := &ListFirewallPoliciesOutput{FirewallPolicies: []FirewallPolicyMetadata{}}
	err := c.Deps.Store.View(ctx, func(tx store.Tx) error {
		var err error
		out.NextToken, err = page(tx, TablePolicies, keyPrefix(c), in.MaxResults, in.NextToken, func(_ string, v []byte) (bool, error) {
			var p policyRecord
			if err := json.Unmarshal(v, &p); err != nil {
				return false, err
			}
			out.FirewallPolicies = append(out.FirewallPolicies, FirewallPolicyMetadata{Name: p.Name, Arn: p.arn()})
			return true, nil
		})
		return err
	})
	return out, err
}
