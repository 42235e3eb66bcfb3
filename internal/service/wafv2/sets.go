package wafv2

import (
	"context"
	"encoding/json"
	"net/netip"

	"github.com/moatdev/moat/internal/service"
	"github.com/moatdev/moat/internal/store"
	"github.com/moatdev/moat/waf"
)

// AWS's quotas (developer guide, "AWS WAF quotas"), per account and
// Region; moat counts them per scope.
const (
	maxAddresses = 10000
	maxRegexes   = 10
)

var maxEntities = map[string]int{kindWebACL: 100, kindRuleGroup: 100, kindIPSet: 100, kindRegexSet: 10}

// checkQuota refuses a create beyond the kind's quota.
func checkQuota(tx store.Tx, c *service.Call, kind, scope string) error {
	n := 0
	prefix := c.Account() + "/" + c.Region + "/" + scopeSlug(scope) + "/"
	err := tx.Scan(tables[kind], prefix, "", maxEntities[kind], func(string, []byte) error { n++; return nil })
	if err != nil {
		return err
	}
	if n >= maxEntities[kind] {
		return limitsExceeded.New("%s At most %d per account and Region.", msgLimits, maxEntities[kind])
	}
	return nil
}

func setOps() []*service.Operation {
	return []*service.Operation{
		service.Op("CreateIPSet", "wafv2:CreateIPSet", createIPSet,
			service.Resource(func(_ context.Context, c *service.Call, in *CreateIPSetInput) (string, error) {
				return arnOf(c, in.Scope, kindIPSet, in.Name, newIDFor(&in.id)), nil
			}),
			service.ContextKeys(func(in *CreateIPSetInput, set func(k, v string)) { requestTags(in.Tags, set) })),
		service.Op("GetIPSet", "wafv2:GetIPSet", func(ctx context.Context, c *service.Call, in *NameScopeID) (*GetIPSetOutput, error) {
			e, err := get(ctx, c, kindIPSet, in)
			if err != nil {
				return nil, err
			}
			return &GetIPSetOutput{IPSet: e.document(nil), LockToken: e.LockToken}, nil
		}, service.ReadOnly[NameScopeID](), nameScopeIDResource(kindIPSet)),
		service.Op("UpdateIPSet", "wafv2:UpdateIPSet", updateIPSet,
			service.Resource(func(_ context.Context, c *service.Call, in *UpdateIPSetInput) (string, error) {
				return arnOf(c, in.Scope, kindIPSet, in.Name, in.Id), nil
			})),
		service.Op("DeleteIPSet", "wafv2:DeleteIPSet", func(ctx context.Context, c *service.Call, in *DeleteInput) (*struct{}, error) {
			return deleteReferenced(ctx, c, kindIPSet, in)
		}, deleteResource(kindIPSet)),
		service.Op("ListIPSets", "wafv2:ListIPSets", func(ctx context.Context, c *service.Call, in *ListInput) (*ListIPSetsOutput, error) {
			out, next, err := list(ctx, c, kindIPSet, in)
			if err != nil {
				return nil, err
			}
			return &ListIPSetsOutput{IPSets: out, NextMarker: next}, nil
		}, service.ReadOnly[ListInput]()),

		service.Op("CreateRegexPatternSet", "wafv2:CreateRegexPatternSet", createRegexSet,
			service.Resource(func(_ context.Context, c *service.Call, in *CreateRegexPatternSetInput) (string, error) {
				return arnOf(c, in.Scope, kindRegexSet, in.Name, newIDFor(&in.id)), nil
			}),
			service.ContextKeys(func(in *CreateRegexPatternSetInput, set func(k, v string)) { requestTags(in.Tags, set) })),
		service.Op("GetRegexPatternSet", "wafv2:GetRegexPatternSet", func(ctx context.Context, c *service.Call, in *NameScopeID) (*GetRegexPatternSetOutput, error) {
			e, err := get(ctx, c, kindRegexSet, in)
			if err != nil {
				return nil, err
			}
			return &GetRegexPatternSetOutput{RegexPatternSet: e.document(nil), LockToken: e.LockToken}, nil
		}, service.ReadOnly[NameScopeID](), nameScopeIDResource(kindRegexSet)),
		service.Op("UpdateRegexPatternSet", "wafv2:UpdateRegexPatternSet", updateRegexSet,
			service.Resource(func(_ context.Context, c *service.Call, in *UpdateRegexPatternSetInput) (string, error) {
				return arnOf(c, in.Scope, kindRegexSet, in.Name, in.Id), nil
			})),
		service.Op("DeleteRegexPatternSet", "wafv2:DeleteRegexPatternSet", func(ctx context.Context, c *service.Call, in *DeleteInput) (*struct{}, error) {
			return deleteReferenced(ctx, c, kindRegexSet, in)
		}, deleteResource(kindRegexSet)),
		service.Op("ListRegexPatternSets", "wafv2:ListRegexPatternSets", func(ctx context.Context, c *service.Call, in *ListInput) (*ListRegexPatternSetsOutput, error) {
			out, next, err := list(ctx, c, kindRegexSet, in)
			if err != nil {
				return nil, err
			}
			return &ListRegexPatternSetsOutput{RegexPatternSets: out, NextMarker: next}, nil
		}, service.ReadOnly[ListInput]()),
	}
}

func nameScopeIDResource(kind string) service.OpOption[NameScopeID] {
	return service.Resource(func(_ context.Context, c *service.Call, in *NameScopeID) (string, error) {
		return arnOf(c, in.Scope, kind, in.Name, in.Id), nil
	})
}

func deleteResource(kind string) service.OpOption[DeleteInput] {
	return service.Resource(func(_ context.Context, c *service.Call, in *DeleteInput) (string, error) {
		return arnOf(c, in.Scope, kind, in.Name, in.Id), nil
	})
}

// get reads one entity for a Get operation.
func get(ctx context.Context, c *service.Call, kind string, in *NameScopeID) (*entity, error) {
	if err := in.check(c); err != nil {
		return nil, err
	}
	var e *entity
	err := c.Deps.Store.View(ctx, func(tx store.Tx) error {
		var err error
		e, err = load(tx, c, kind, in.Scope, in.Name, in.Id)
		return err
	})
	return e, err
}

// create stores a new entity after check, in one transaction.
func create(ctx context.Context, c *service.Call, e *entity, check func(tx store.Tx) error) (*Summary, error) {
	if err := checkScope(c, e.Scope); err != nil {
		return nil, err
	}
	if err := checkName(e.Name); err != nil {
		return nil, err
	}
	if err := checkTags(e.Tags); err != nil {
		return nil, err
	}
	e.ARN = arnOf(c, e.Scope, e.Kind, e.Name, e.ID)
	e.LockToken = newID()
	err := c.Deps.Store.Update(ctx, func(tx store.Tx) error {
		if _, err := tx.Get(tables[e.Kind], key(c.Account(), c.Region, e.Scope, e.Name)); err == nil {
			return duplicateItem.New(msgDuplicate)
		}
		if err := checkQuota(tx, c, e.Kind, e.Scope); err != nil {
			return err
		}
		if check != nil {
			if err := check(tx); err != nil {
				return err
			}
		}
		return save(tx, c, e, true)
	})
	if err != nil {
		return nil, err
	}
	return e.summary(), nil
}

// update changes an entity under its lock token, in one transaction.
func update(ctx context.Context, c *service.Call, kind string, id NameScopeID, token string, change func(tx store.Tx, e *entity) error) (*UpdateOutput, error) {
	if err := id.check(c); err != nil {
		return nil, err
	}
	var next string
	err := c.Deps.Store.Update(ctx, func(tx store.Tx) error {
		e, err := load(tx, c, kind, id.Scope, id.Name, id.Id)
		if err != nil {
			return err
		}
		if err := checkLock(e, token); err != nil {
			return err
		}
		if err := change(tx, e); err != nil {
			return err
		}
		e.LockToken = newID()
		next = e.LockToken
		return save(tx, c, e, false)
	})
	if err != nil {
		return nil, err
	}
	return &UpdateOutput{NextLockToken: next}, nil
}

// deleteReferenced deletes an IP set, regex pattern set or rule group that
// no web ACL or rule group references.
func deleteReferenced(ctx context.Context, c *service.Call, kind string, in *DeleteInput) (*struct{}, error) {
	id := NameScopeID{Name: in.Name, Scope: in.Scope, Id: in.Id}
	if err := id.check(c); err != nil {
		return nil, err
	}
	err := c.Deps.Store.Update(ctx, func(tx store.Tx) error {
		e, err := load(tx, c, kind, in.Scope, in.Name, in.Id)
		if err != nil {
			return err
		}
		if err := checkLock(e, in.LockToken); err != nil {
			return err
		}
		if used, err := referenced(tx, c, e.ARN); err != nil {
			return err
		} else if used {
			return associatedItem.New(msgAssociated)
		}
		return tx.Delete(tables[kind], key(c.Account(), c.Region, e.Scope, e.Name))
	})
	if err != nil {
		return nil, err
	}
	return &struct{}{}, nil
}

// CreateIPSetInput is WAFV2's CreateIPSet request.
type CreateIPSetInput struct {
	Name             string `aws:",required"`
	Scope            string `aws:",required"`
	Description      *string
	IPAddressVersion string   `aws:",required"`
	Addresses        []string `aws:",required"`
	Tags             []Tag
	id               string
}

// CreateOutput is the response of the Create operations.
type CreateOutput struct{ Summary *Summary }

// checkAddresses applies AWS's rules: CIDR blocks of the set's version,
// prefix lengths /1 to /32 (IPv4) or /1 to /128 (IPv6).
func checkAddresses(version string, addrs []string) error {
	if version != "IPV4" && version != "IPV6" {
		return validation.New("1 validation error detected: Value '%s' at 'iPAddressVersion' failed to satisfy constraint: Member must satisfy enum value set: [IPV4, IPV6]", version)
	}
	if len(addrs) > maxAddresses {
		return limitsExceeded.New("%s An IP set holds at most %d addresses.", msgLimits, maxAddresses)
	}
	for _, a := range addrs {
		p, err := netip.ParsePrefix(a)
		if err != nil || p.Bits() == 0 || (version == "IPV4") != p.Addr().Is4() {
			return invalid("The parameter contains formatting that is not valid.", "IP_ADDRESS", a)
		}
	}
	return nil
}

func createIPSet(ctx context.Context, c *service.Call, in *CreateIPSetInput) (*CreateOutput, error) {
	if err := checkDescription(in.Description); err != nil {
		return nil, err
	}
	if err := checkAddresses(in.IPAddressVersion, in.Addresses); err != nil {
		return nil, err
	}
	e := &entity{Kind: kindIPSet, Name: in.Name, ID: newIDFor(&in.id), Scope: in.Scope, Tags: in.Tags, Members: map[string]json.RawMessage{}}
	if in.Description != nil {
		e.Description = *in.Description
	}
	setMembers(e.Members, "IPAddressVersion", in.IPAddressVersion, "Addresses", in.Addresses)
	s, err := create(ctx, c, e, nil)
	if err != nil {
		return nil, err
	}
	return &CreateOutput{Summary: s}, nil
}

// GetIPSetOutput is WAFV2's GetIPSet response.
type GetIPSetOutput struct {
	IPSet     json.RawMessage
	LockToken string
}

// UpdateIPSetInput is WAFV2's UpdateIPSet request.
type UpdateIPSetInput struct {
	Name        string `aws:",required"`
	Scope       string `aws:",required"`
	Id          string `aws:",required"`
	Description *string
	Addresses   []string `aws:",required"`
	LockToken   string   `aws:",required"`
}

func updateIPSet(ctx context.Context, c *service.Call, in *UpdateIPSetInput) (*UpdateOutput, error) {
	if err := checkDescription(in.Description); err != nil {
		return nil, err
	}
	return update(ctx, c, kindIPSet, NameScopeID{Name: in.Name, Scope: in.Scope, Id: in.Id}, in.LockToken, func(tx store.Tx, e *entity) error {
		var version string
		_ = json.Unmarshal(e.Members["IPAddressVersion"], &version)
		if err := checkAddresses(version, in.Addresses); err != nil {
			return err
		}
		setMembers(e.Members, "Addresses", in.Addresses)
		e.Description = deref(in.Description)
		return nil
	})
}

// ListIPSetsOutput is WAFV2's ListIPSets response.
type ListIPSetsOutput struct {
	NextMarker *string
	IPSets     []*Summary
}

// CreateRegexPatternSetInput is WAFV2's CreateRegexPatternSet request.
type CreateRegexPatternSetInput struct {
	Name                  string `aws:",required"`
	Scope                 string `aws:",required"`
	Description           *string
	RegularExpressionList []waf.Regex `aws:",required"`
	Tags                  []Tag
	id                    string
}

// checkRegexes compiles each regex as the engine will.
func checkRegexes(list []waf.Regex) error {
	if len(list) > maxRegexes {
		return limitsExceeded.New("%s A regex pattern set holds at most %d regular expressions.", msgLimits, maxRegexes)
	}
	doc, _ := json.Marshal(map[string]any{"Name": "check", "RegularExpressionList": list})
	if _, err := waf.ParseRegexPatternSet(doc); err != nil {
		return engineError(err)
	}
	return nil
}

func createRegexSet(ctx context.Context, c *service.Call, in *CreateRegexPatternSetInput) (*CreateOutput, error) {
	if err := checkDescription(in.Description); err != nil {
		return nil, err
	}
	if err := checkRegexes(in.RegularExpressionList); err != nil {
		return nil, err
	}
	e := &entity{Kind: kindRegexSet, Name: in.Name, ID: newIDFor(&in.id), Scope: in.Scope, Tags: in.Tags, Members: map[string]json.RawMessage{}}
	e.Description = deref(in.Description)
	setMembers(e.Members, "RegularExpressionList", in.RegularExpressionList)
	s, err := create(ctx, c, e, nil)
	if err != nil {
		return nil, err
	}
	return &CreateOutput{Summary: s}, nil
}

// GetRegexPatternSetOutput is WAFV2's GetRegexPatternSet response.
type GetRegexPatternSetOutput struct {
	RegexPatternSet json.RawMessage
	LockToken       string
}

// UpdateRegexPatternSetInput is WAFV2's UpdateRegexPatternSet request.
type UpdateRegexPatternSetInput struct {
	Name                  string `aws:",required"`
	Scope                 string `aws:",required"`
	Id                    string `aws:",required"`
	Description           *string
	RegularExpressionList []waf.Regex `aws:",required"`
	LockToken             string      `aws:",required"`
}

func updateRegexSet(ctx context.Context, c *service.Call, in *UpdateRegexPatternSetInput) (*UpdateOutput, error) {
	if err := checkDescription(in.Description); err != nil {
		return nil, err
	}
	if err := checkRegexes(in.RegularExpressionList); err != nil {
		return nil, err
	}
	return update(ctx, c, kindRegexSet, NameScopeID{Name: in.Name, Scope: in.Scope, Id: in.Id}, in.LockToken, func(tx store.Tx, e *entity) error {
		setMembers(e.Members, "RegularExpressionList", in.RegularExpressionList)
		e.Description = deref(in.Description)
		return nil
	})
}

// ListRegexPatternSetsOutput is WAFV2's ListRegexPatternSets response.
type ListRegexPatternSetsOutput struct {
	NextMarker       *string
	RegexPatternSets []*Summary
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}
