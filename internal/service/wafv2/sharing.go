package wafv2

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"strings"

	"github.com/moatdev/moat/internal/awserr"
	"github.com/moatdev/moat/internal/service"
	"github.com/moatdev/moat/internal/store"
)

// Sharing rule groups with other accounts (PutPermissionPolicy): a rule
// group whose policy names an account can be read (GetRuleGroup, when the
// policy allows it) and referenced from that account's web ACLs; the owner
// cannot delete it while any web ACL uses it.

var invalidPolicy = awserr.Def{Code: "WAFInvalidPermissionPolicyException", Status: http.StatusBadRequest}

const msgPolicy = "The operation failed because the specified policy isn't in the proper format."

func sharingOps() []*service.Operation {
	byARN := func(_ context.Context, _ *service.Call, in *ResourceArnInput) (string, error) {
		return in.ResourceArn, nil
	}
	return []*service.Operation{
		service.Op("PutPermissionPolicy", "wafv2:PutPermissionPolicy", putPermissionPolicy,
			service.Resource(func(_ context.Context, _ *service.Call, in *PutPermissionPolicyInput) (string, error) {
				return in.ResourceArn, nil
			})),
		service.Op("GetPermissionPolicy", "wafv2:GetPermissionPolicy", getPermissionPolicy, service.ReadOnly[ResourceArnInput](), service.Resource(byARN)),
		service.Op("DeletePermissionPolicy", "wafv2:DeletePermissionPolicy", deletePermissionPolicy, service.Resource(byARN)),
	}
}

// PutPermissionPolicyInput is WAFV2's PutPermissionPolicy request.
type PutPermissionPolicyInput struct {
	ResourceArn string `aws:",required"`
	Policy      string `aws:",required"`
}

// GetPermissionPolicyOutput is WAFV2's GetPermissionPolicy response.
type GetPermissionPolicyOutput struct{ Policy *string }

// sharePolicy is the part of a permission policy WAF reads.
type sharePolicy struct {
	Version   string
	Statement []shareStatement
}

type shareStatement struct {
	Effect    string
	Action    []string
	Principal []string // account ids
}

var (
	required    = []string{"wafv2:CreateWebACL", "wafv2:UpdateWebACL", "wafv2:PutFirewallManagerRuleGroups"}
	optional    = "wafv2:GetRuleGroup"
	accountRE   = regexp.MustCompile(`^(?:arn:aws:iam::)?(\d{12})(?::root)?$`)
	errNotShare = fmt.Errorf("not a share policy")
)

// parseSharePolicy applies WAF's rules for permission policies.
func parseSharePolicy(doc string) (*sharePolicy, error) {
	var raw struct {
		Version   string
		Statement json.RawMessage
	}
	if err := json.Unmarshal([]byte(doc), &raw); err != nil || raw.Version != "2012-10-17" {
		return nil, errNotShare
	}
	var stmts []map[string]json.RawMessage
	if json.Unmarshal(raw.Statement, &stmts) != nil {
		var one map[string]json.RawMessage
		if json.Unmarshal(raw.Statement, &one) != nil {
			return nil, errNotShare
		}
		stmts = []map[string]json.RawMessage{one}
	}
	p := &sharePolicy{Version: raw.Version}
	for _, m := range stmts {
		var st shareStatement
		if _, ok := m["Resource"]; ok {
			return nil, errNotShare
		}
		if json.Unmarshal(m["Effect"], &st.Effect) != nil || st.Effect != "Allow" {
			return nil, errNotShare
		}
		st.Action = stringList(m["Action"])
		have := map[string]bool{}
		for _, a := range st.Action {
			if strings.Contains(a, "*") || (a != optional && !contains(required, a)) {
				return nil, errNotShare
			}
			have[a] = true
		}
		for _, a := range required {
			if !have[a] {
				return nil, errNotShare
			}
		}
		var principal map[string]json.RawMessage
		if json.Unmarshal(m["Principal"], &principal) != nil || principal["AWS"] == nil {
			return nil, errNotShare
		}
		for _, a := range stringList(principal["AWS"]) {
			sub := accountRE.FindStringSubmatch(a)
			if sub == nil {
				return nil, errNotShare
			}
			st.Principal = append(st.Principal, sub[1])
		}
		if len(st.Principal) == 0 {
			return nil, errNotShare
		}
		p.Statement = append(p.Statement, st)
	}
	if len(p.Statement) == 0 {
		return nil, errNotShare
	}
	return p, nil
}

func stringList(raw json.RawMessage) []string {
	var list []string
	if json.Unmarshal(raw, &list) == nil {
		return list
	}
	var one string
	if json.Unmarshal(raw, &one) == nil {
		return []string{one}
	}
	return nil
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// grants says whether a stored policy lets account perform action.
func grants(policy, account, action string) bool {
	if policy == "" {
		return false
	}
	p, err := parseSharePolicy(policy)
	if err != nil {
		return false
	}
	for _, st := range p.Statement {
		if contains(st.Principal, account) && contains(st.Action, action) {
			return true
		}
	}
	return false
}

// loadShared reads a rule group by ARN: the caller's own, or another
// account's (same Region) whose permission policy grants the caller
// action. Anything else is as absent as a missing rule group.
func loadShared(tx store.Tx, c *service.Call, arn, action string) (*entity, error) {
	p, ok := parseARN(arn)
	if !ok || p.Account == c.Account() {
		return loadARN(tx, c, arn)
	}
	if p.Kind != kindRuleGroup || p.Region != c.Region {
		return nil, nonexistentItem.New(msgNonexistent)
	}
	e, err := loadIn(tx, p.Account, p.Region, p.Kind, p.Scope, p.Name, p.ID)
	if err != nil {
		return nil, err
	}
	if !grants(e.Policy, c.Account(), action) {
		return nil, nonexistentItem.New(msgNonexistent)
	}
	return e, nil
}

func putPermissionPolicy(ctx context.Context, c *service.Call, in *PutPermissionPolicyInput) (*struct{}, error) {
	if _, err := parseSharePolicy(in.Policy); err != nil {
		return nil, invalidPolicy.New(msgPolicy)
	}
	err := c.Deps.Store.Update(ctx, func(tx store.Tx) error {
		e, err := loadARN(tx, c, in.ResourceArn)
		if err != nil {
			return err
		}
		if e.Kind != kindRuleGroup {
			return invalid("The parameter contains formatting that is not valid.", "RESOURCE_ARN", in.ResourceArn)
		}
		e.Policy = in.Policy
		return save(tx, c, e, false)
	})
	if err != nil {
		return nil, err
	}
	return &struct{}{}, nil
}

func getPermissionPolicy(ctx context.Context, c *service.Call, in *ResourceArnInput) (*GetPermissionPolicyOutput, error) {
	out := &GetPermissionPolicyOutput{}
	err := c.Deps.Store.View(ctx, func(tx store.Tx) error {
		e, err := loadARN(tx, c, in.ResourceArn)
		if err != nil {
			return err
		}
		if e.Kind != kindRuleGroup {
			return invalid("The parameter contains formatting that is not valid.", "RESOURCE_ARN", in.ResourceArn)
		}
		if e.Policy != "" {
			out.Policy = &e.Policy
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

func deletePermissionPolicy(ctx context.Context, c *service.Call, in *ResourceArnInput) (*struct{}, error) {
	err := c.Deps.Store.Update(ctx, func(tx store.Tx) error {
		e, err := loadARN(tx, c, in.ResourceArn)
		if err != nil {
			return err
		}
		if e.Kind != kindRuleGroup {
			return invalid("The parameter contains formatting that is not valid.", "RESOURCE_ARN", in.ResourceArn)
		}
		e.Policy = ""
		return save(tx, c, e, false)
	})
	if err != nil {
		return nil, err
	}
	return &struct{}{}, nil
}
