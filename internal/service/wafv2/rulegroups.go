package wafv2

import (
	"context"
	"encoding/json"
	"sort"
	"strings"

	"github.com/moatdev/moat/internal/service"
	"github.com/moatdev/moat/internal/store"
	"github.com/moatdev/moat/waf"
)

func ruleGroupOps() []*service.Operation {
	return []*service.Operation{
		service.Op("CreateRuleGroup", "wafv2:CreateRuleGroup", createRuleGroup,
			service.Resource(func(_ context.Context, c *service.Call, in *CreateRuleGroupInput) (string, error) {
				return arnOf(c, in.Scope, kindRuleGroup, in.Name, newIDFor(&in.id)), nil
			}),
			service.ContextKeys(func(in *CreateRuleGroupInput, set func(k, v string)) { requestTags(in.Tags, set) })),
		service.Op("GetRuleGroup", "wafv2:GetRuleGroup", getRuleGroup, service.ReadOnly[GetWebACLInput](),
			service.Resource(func(_ context.Context, c *service.Call, in *GetWebACLInput) (string, error) {
				if in.ARN != nil {
					return *in.ARN, nil
				}
				return arnOf(c, in.Scope, kindRuleGroup, in.Name, in.Id), nil
			})),
		service.Op("UpdateRuleGroup", "wafv2:UpdateRuleGroup", updateRuleGroup,
			service.Resource(func(_ context.Context, c *service.Call, in *UpdateRuleGroupInput) (string, error) {
				return arnOf(c, in.Scope, kindRuleGroup, in.Name, in.Id), nil
			})),
		service.Op("DeleteRuleGroup", "wafv2:DeleteRuleGroup", func(ctx context.Context, c *service.Call, in *DeleteInput) (*struct{}, error) {
			return deleteReferenced(ctx, c, kindRuleGroup, in)
		}, deleteResource(kindRuleGroup)),
		service.Op("ListRuleGroups", "wafv2:ListRuleGroups", func(ctx context.Context, c *service.Call, in *ListInput) (*ListRuleGroupsOutput, error) {
			out, next, err := list(ctx, c, kindRuleGroup, in)
			if err != nil {
				return nil, err
			}
			return &ListRuleGroupsOutput{RuleGroups: out, NextMarker: next}, nil
		}, service.ReadOnly[ListInput]()),
		service.Op("CheckCapacity", "wafv2:CheckCapacity", checkCapacity, service.ReadOnly[CheckCapacityInput]()),
		service.Op("ListAvailableManagedRuleGroups", "wafv2:ListAvailableManagedRuleGroups", listManaged, service.ReadOnly[ListInput]()),
		service.Op("DescribeManagedRuleGroup", "wafv2:DescribeManagedRuleGroup", describeManaged, service.ReadOnly[DescribeManagedRuleGroupInput]()),
	}
}

// CreateRuleGroupInput is WAFV2's CreateRuleGroup request.
type CreateRuleGroupInput struct {
	Name                 string `aws:",required"`
	Scope                string `aws:",required"`
	Capacity             *int64 `aws:",required"`
	Description          *string
	Rules                json.RawMessage
	VisibilityConfig     json.RawMessage `aws:",required"`
	Tags                 []Tag
	CustomResponseBodies json.RawMessage
	id                   string
}

// checkGroupRules compiles a rule group's rules and holds them to its
// capacity, as AWS does.
func checkGroupRules(tx store.Tx, c *service.Call, name string, capacity int64, rules, visibility, bodies json.RawMessage) ([]string, error) {
	if err := checkVisibility(visibility, "visibilityConfig"); err != nil {
		return nil, err
	}
	if err := checkRuleVisibility(rules); err != nil {
		return nil, err
	}
	if err := countAtMost(bodies, 50, "custom response bodies"); err != nil {
		return nil, err
	}
	comp, err := compileRules(tx, c, rules, bodies, true)
	if err != nil {
		return nil, err
	}
	if comp.capacity > capacity {
		return nil, invalid("You exceeded the capacity limit for a rule group or web ACL.", "RULE_GROUP", name)
	}
	return comp.refs, nil
}

func checkGroupCapacity(capacity *int64) error {
	if *capacity < 1 {
		return validation.New("1 validation error detected: Value '%d' at 'capacity' failed to satisfy constraint: Member must have value greater than or equal to 1", *capacity)
	}
	if *capacity > waf.MaxRuleGroupCapacity {
		return limitsExceeded.New("%s A rule group's capacity is at most %d WCUs.", msgLimits, waf.MaxRuleGroupCapacity)
	}
	return nil
}

func createRuleGroup(ctx context.Context, c *service.Call, in *CreateRuleGroupInput) (*CreateOutput, error) {
	if err := checkDescription(in.Description); err != nil {
		return nil, err
	}
	if err := checkGroupCapacity(in.Capacity); err != nil {
		return nil, err
	}
	e := &entity{Kind: kindRuleGroup, Name: in.Name, ID: newIDFor(&in.id), Scope: in.Scope, Tags: in.Tags, Capacity: *in.Capacity,
		Description: deref(in.Description), Members: map[string]json.RawMessage{}}
	setMembers(e.Members, "Rules", in.Rules, "VisibilityConfig", in.VisibilityConfig, "CustomResponseBodies", in.CustomResponseBodies)
	if _, ok := e.Members["Rules"]; !ok {
		e.Members["Rules"] = json.RawMessage("[]")
	}
	s, err := create(ctx, c, e, func(tx store.Tx) error {
		refs, err := checkGroupRules(tx, c, in.Name, *in.Capacity, in.Rules, in.VisibilityConfig, in.CustomResponseBodies)
		e.Refs = refs
		return err
	})
	if err != nil {
		return nil, err
	}
	return &CreateOutput{Summary: s}, nil
}

// GetRuleGroupOutput is WAFV2's GetRuleGroup response.
type GetRuleGroupOutput struct {
	RuleGroup json.RawMessage
	LockToken string
}

func getRuleGroup(ctx context.Context, c *service.Call, in *GetWebACLInput) (*GetRuleGroupOutput, error) {
	var e *entity
	err := c.Deps.Store.View(ctx, func(tx store.Tx) error {
		var err error
		if in.ARN != nil {
			e, err = loadShared(tx, c, *in.ARN, "wafv2:GetRuleGroup")
			if err == nil && e.Kind != kindRuleGroup {
				err = nonexistentItem.New(msgNonexistent)
			}
			return err
		}
		id := NameScopeID{Name: in.Name, Scope: in.Scope, Id: in.Id}
		if err := id.check(c); err != nil {
			return err
		}
		e, err = load(tx, c, kindRuleGroup, in.Scope, in.Name, in.Id)
		return err
	})
	if err != nil {
		return nil, err
	}
	g, err := e.ruleGroupFile()
	if err != nil {
		return nil, err
	}
	ns := g.LabelNamespace
	return &GetRuleGroupOutput{RuleGroup: e.document(map[string]any{"Capacity": e.Capacity, "LabelNamespace": ns,
		"AvailableLabels": labelSummaries(g.AvailableLabels()), "ConsumedLabels": labelSummaries(consumedLabels(g, ns))}), LockToken: e.LockToken}, nil
}

type labelSummary struct{ Name string }

func labelSummaries(names []string) []labelSummary {
	out := make([]labelSummary, 0, len(names))
	for _, n := range names {
		out = append(out, labelSummary{Name: n})
	}
	return out
}

// consumedLabels lists the labels the group's LabelMatchStatements read,
// fully qualified.
func consumedLabels(g *waf.RuleGroupFile, ns string) []string {
	seen := map[string]bool{}
	var out []string
	for i := range g.Rules {
		walk(g.Rules[i].Statement, func(s *waf.Statement) {
			if l := s.LabelMatchStatement; l != nil {
				k := l.Key
				if !strings.HasPrefix(k, "awswaf:") {
					k = ns + k
				}
				if !seen[k] {
					seen[k] = true
					out = append(out, k)
				}
			}
		})
	}
	return out
}

// UpdateRuleGroupInput is WAFV2's UpdateRuleGroup request.
type UpdateRuleGroupInput struct {
	Name                 string `aws:",required"`
	Scope                string `aws:",required"`
	Id                   string `aws:",required"`
	Description          *string
	Rules                json.RawMessage
	VisibilityConfig     json.RawMessage `aws:",required"`
	LockToken            string          `aws:",required"`
	CustomResponseBodies json.RawMessage
}

func updateRuleGroup(ctx context.Context, c *service.Call, in *UpdateRuleGroupInput) (*UpdateOutput, error) {
	if err := checkDescription(in.Description); err != nil {
		return nil, err
	}
	return update(ctx, c, kindRuleGroup, NameScopeID{Name: in.Name, Scope: in.Scope, Id: in.Id}, in.LockToken, func(tx store.Tx, e *entity) error {
		refs, err := checkGroupRules(tx, c, in.Name, e.Capacity, in.Rules, in.VisibilityConfig, in.CustomResponseBodies)
		if err != nil {
			return err
		}
		e.Refs = refs
		e.Members = map[string]json.RawMessage{}
		setMembers(e.Members, "Rules", in.Rules, "VisibilityConfig", in.VisibilityConfig, "CustomResponseBodies", in.CustomResponseBodies)
		if _, ok := e.Members["Rules"]; !ok {
			e.Members["Rules"] = json.RawMessage("[]")
		}
		e.Description = deref(in.Description)
		return nil
	})
}

// ListRuleGroupsOutput is WAFV2's ListRuleGroups response.
type ListRuleGroupsOutput struct {
	NextMarker *string
	RuleGroups []*Summary
}

// CheckCapacityInput is WAFV2's CheckCapacity request.
type CheckCapacityInput struct {
	Scope string          `aws:",required"`
	Rules json.RawMessage `aws:",required"`
}

// CheckCapacityOutput is WAFV2's CheckCapacity response.
type CheckCapacityOutput struct{ Capacity int64 }

func checkCapacity(ctx context.Context, c *service.Call, in *CheckCapacityInput) (*CheckCapacityOutput, error) {
	if err := checkScope(c, in.Scope); err != nil {
		return nil, err
	}
	var n int64
	err := c.Deps.Store.View(ctx, func(tx store.Tx) error {
		comp, err := compileRules(tx, c, in.Rules, nil, false)
		if err != nil {
			return err
		}
		n = comp.capacity
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &CheckCapacityOutput{Capacity: n}, nil
}

// ManagedRuleGroupSummary is WAFV2's ManagedRuleGroupSummary.
type ManagedRuleGroupSummary struct {
	VendorName          string
	Name                string
	VersioningSupported bool
	Description         string
}

// ListAvailableManagedRuleGroupsOutput is WAFV2's response.
type ListAvailableManagedRuleGroupsOutput struct {
	NextMarker        *string
	ManagedRuleGroups []ManagedRuleGroupSummary
}

func listManaged(_ context.Context, c *service.Call, in *ListInput) (*ListAvailableManagedRuleGroupsOutput, error) {
	if err := checkScope(c, in.Scope); err != nil {
		return nil, err
	}
	names := waf.ManagedRuleGroups()
	sort.Strings(names)
	out := &ListAvailableManagedRuleGroupsOutput{ManagedRuleGroups: []ManagedRuleGroupSummary{}}
	for _, n := range names {
		vendor, name, _ := strings.Cut(n, ":")
		if in.NextMarker != nil && n <= *in.NextMarker {
			continue
		}
		if in.Limit != nil && *in.Limit > 0 && len(out.ManagedRuleGroups) == int(*in.Limit) {
			m := out.ManagedRuleGroups[len(out.ManagedRuleGroups)-1]
			next := m.VendorName + ":" + m.Name
			out.NextMarker = &next
			break
		}
		out.ManagedRuleGroups = append(out.ManagedRuleGroups, ManagedRuleGroupSummary{VendorName: vendor, Name: name,
			Description: "moat's definition of " + name + " (the rules follow AWS's documented intent; see docs/waf.md)"})
	}
	return out, nil
}

// DescribeManagedRuleGroupInput is WAFV2's request.
type DescribeManagedRuleGroupInput struct {
	VendorName  string `aws:",required"`
	Name        string `aws:",required"`
	Scope       string `aws:",required"`
	VersionName *string
}

// RuleSummary is WAFV2's RuleSummary.
type RuleSummary struct {
	Name   string
	Action json.RawMessage
}

// DescribeManagedRuleGroupOutput is WAFV2's response.
type DescribeManagedRuleGroupOutput struct {
	Capacity        int64
	Rules           []RuleSummary
	LabelNamespace  string
	AvailableLabels []labelSummary
	ConsumedLabels  []labelSummary
}

func describeManaged(_ context.Context, c *service.Call, in *DescribeManagedRuleGroupInput) (*DescribeManagedRuleGroupOutput, error) {
	if err := checkScope(c, in.Scope); err != nil {
		return nil, err
	}
	g, err := waf.LookupManagedRuleGroup(in.VendorName, in.Name)
	if err != nil {
		return nil, nonexistentItem.New(msgNonexistent)
	}
	ns := g.LabelNamespace
	if ns == "" {
		ns = "awswaf:managed:" + strings.ToLower(in.VendorName) + ":" + g.Name + ":"
	}
	out := &DescribeManagedRuleGroupOutput{Capacity: g.Capacity, LabelNamespace: ns, Rules: []RuleSummary{}}
	for _, r := range g.Rules {
		out.Rules = append(out.Rules, RuleSummary{Name: r.Name, Action: actionJSON(r.Action)})
	}
	g.LabelNamespace = ns
	out.AvailableLabels = labelSummaries(g.AvailableLabels())
	out.ConsumedLabels = labelSummaries(consumedLabels(g, ns))
	return out, nil
}

// actionJSON renders a rule's action with only the member that is set.
func actionJSON(a *waf.RuleAction) json.RawMessage {
	if a == nil {
		return nil
	}
	name := ""
	switch {
	case a.Allow != nil:
		name = "Allow"
	case a.Block != nil:
		name = "Block"
	case a.Count != nil:
		name = "Count"
	case a.Captcha != nil:
		name = "Captcha"
	case a.Challenge != nil:
		name = "Challenge"
	default:
		return nil
	}
	return json.RawMessage(`{"` + name + `":{}}`)
}
