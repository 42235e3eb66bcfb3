package networkfirewall

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"

	"github.com/moatdev/moat/internal/awserr"
	"github.com/moatdev/moat/internal/service"
	"github.com/moatdev/moat/internal/store"
	"github.com/moatdev/moat/policy"
)

var invalidResourcePolicy = awserr.Def{Code: "InvalidResourcePolicyException", Status: http.StatusBadRequest}

// sharableActions are the actions a resource policy may grant, per the
// PutResourcePolicy reference: on a rule group, on a firewall policy.
var sharableActions = map[string][]string{
	"stateful-rulegroup":  {"network-firewall:CreateFirewallPolicy", "network-firewall:UpdateFirewallPolicy", "network-firewall:ListRuleGroups"},
	"stateless-rulegroup": {"network-firewall:CreateFirewallPolicy", "network-firewall:UpdateFirewallPolicy", "network-firewall:ListRuleGroups"},
	"firewall-policy":     {"network-firewall:CreateFirewall", "network-firewall:UpdateFirewall", "network-firewall:AssociateFirewallPolicy", "network-firewall:ListFirewallPolicies"},
}

func resourcePolicyOps() []*service.Operation {
	return []*service.Operation{
		service.Op("PutResourcePolicy", "network-firewall:PutResourcePolicy", putResourcePolicy,
			service.Resource(func(_ context.Context, _ *service.Call, in *PutResourcePolicyInput) (string, error) {
				return in.ResourceArn, nil
			})),
		service.Op("DescribeResourcePolicy", "network-firewall:DescribeResourcePolicy", describeResourcePolicy, service.ReadOnly[ResourcePolicyRef](),
			service.Resource(func(_ context.Context, _ *service.Call, in *ResourcePolicyRef) (string, error) {
				return in.ResourceArn, nil
			})),
		service.Op("DeleteResourcePolicy", "network-firewall:DeleteResourcePolicy", deleteResourcePolicy,
			service.Resource(func(_ context.Context, _ *service.Call, in *ResourcePolicyRef) (string, error) {
				return in.ResourceArn, nil
			})),
	}
}

// sharable finds a rule group or firewall policy by ARN (firewalls have no
// resource policy in this API version).
func sharable(tx store.Tx, c *service.Call, arn string) (table, key, kind string, err error) {
	p, ok := parseARN(arn)
	if !ok || sharableActions[p.Kind] == nil {
		return "", "", "", invalidRequest.New("ResourceArn: %q is not a rule group or firewall policy ARN", arn)
	}
	table, key, err = taggable(tx, c, arn)
	return table, key, p.Kind, err
}

// checkResourcePolicy parses the document with moat's IAM policy engine
// and keeps it to what Network Firewall accepts: Allow statements with a
// principal, the resource's own ARN, and the actions sharing grants.
func checkResourcePolicy(doc, arn, kind string) error {
	p, err := policy.Parse([]byte(doc))
	if err != nil {
		return invalidResourcePolicy.New("The supplied policy does not match RAM managed permissions: %v", err)
	}
	for _, f := range policy.Validate(p, policy.Resource) {
		if f.Severity == policy.SeverityError {
			return invalidResourcePolicy.New("The supplied policy does not match RAM managed permissions: %s: %s", f.Path, f.Message)
		}
	}
	allowed := map[string]bool{}
	for _, a := range sharableActions[kind] {
		allowed[strings.ToLower(a)] = true
	}
	for i, s := range p.Statements {
		if s.Effect != policy.Allow || s.NotAction || s.NotResource || s.NotPrincipal || s.Principal == nil {
			return invalidResourcePolicy.New("The supplied policy does not match RAM managed permissions: Statement[%d]: only Allow statements with Principal, Action and Resource are supported", i)
		}
		for _, a := range s.Actions {
			if !allowed[strings.ToLower(a)] {
				return invalidResourcePolicy.New("The supplied policy does not match RAM managed permissions: Statement[%d]: action %s cannot be shared for a %s (allowed: %s)", i, a, kind, strings.Join(sharableActions[kind], ", "))
			}
		}
		for _, r := range s.Resources {
			if r != arn {
				return invalidResourcePolicy.New("The supplied policy does not match RAM managed permissions: Statement[%d]: resource %s is not %s", i, r, arn)
			}
		}
	}
	return nil
}

// PutResourcePolicyInput is the PutResourcePolicy request.
type PutResourcePolicyInput struct {
	ResourceArn string `aws:",required"`
	Policy      string `aws:",required"`
}

// setResourcePolicy writes (or with doc == nil removes) the record's
// ResourcePolicy member, keeping the others as they are.
func setResourcePolicy(tx store.Tx, table, key string, doc *string) error {
	b, err := tx.Get(table, key)
	if err != nil {
		return err
	}
	var rec map[string]json.RawMessage
	if err := json.Unmarshal(b, &rec); err != nil {
		return err
	}
	if doc == nil {
		delete(rec, "ResourcePolicy")
	} else if rec["ResourcePolicy"], err = json.Marshal(*doc); err != nil {
		return err
	}
	return putJSON(tx, table, key, rec)
}

func putResourcePolicy(ctx context.Context, c *service.Call, in *PutResourcePolicyInput) (*struct{}, error) {
	return &struct{}{}, c.Deps.Store.Update(ctx, func(tx store.Tx) error {
		table, key, kind, err := sharable(tx, c, in.ResourceArn)
		if err != nil {
			return err
		}
		if err := checkResourcePolicy(in.Policy, in.ResourceArn, kind); err != nil {
			return err
		}
		return setResourcePolicy(tx, table, key, &in.Policy)
	})
}

// ResourcePolicyRef names the resource of DescribeResourcePolicy and DeleteResourcePolicy.
type ResourcePolicyRef struct {
	ResourceArn string `aws:",required"`
}

// DescribeResourcePolicyOutput is the DescribeResourcePolicy response.
type DescribeResourcePolicyOutput struct {
	Policy *string
}

func describeResourcePolicy(ctx context.Context, c *service.Call, in *ResourcePolicyRef) (*DescribeResourcePolicyOutput, error) {
	out := &DescribeResourcePolicyOutput{}
	err := c.Deps.Store.View(ctx, func(tx store.Tx) error {
		table, key, _, err := sharable(tx, c, in.ResourceArn)
		if err != nil {
			return err
		}
		var rec struct{ ResourcePolicy *string }
		if _, err := getJSON(tx, table, key, &rec); err != nil {
			return err
		}
		if rec.ResourcePolicy == nil {
			return notFound.New("Resource %s has no resource policy", in.ResourceArn)
		}
		out.Policy = rec.ResourcePolicy
		return nil
	})
	return out, err
}

func deleteResourcePolicy(ctx context.Context, c *service.Call, in *ResourcePolicyRef) (*struct{}, error) {
	return &struct{}{}, c.Deps.Store.Update(ctx, func(tx store.Tx) error {
		table, key, _, err := sharable(tx, c, in.ResourceArn)
		if err != nil {
			return err
		}
		var rec struct{ ResourcePolicy *string }
		if _, err := getJSON(tx, table, key, &rec); err != nil {
			return err
		}
		if rec.ResourcePolicy == nil {
			return notFound.New("Resource %s has no resource policy", in.ResourceArn)
		}
		return setResourcePolicy(tx, table, key, nil)
	})
}
