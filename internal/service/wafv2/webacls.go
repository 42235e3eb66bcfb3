package wafv2

import (
	"context"
	"encoding/json"
	"errors"
	"regexp"
	"strconv"

	"github.com/moatdev/moat/internal/service"
	"github.com/moatdev/moat/internal/store"
)

func webACLOps() []*service.Operation {
	return []*service.Operation{
		service.Op("CreateWebACL", "wafv2:CreateWebACL", createWebACL,
			service.Resource(func(_ context.Context, c *service.Call, in *CreateWebACLInput) (string, error) {
				return arnOf(c, in.Scope, kindWebACL, in.Name, newIDFor(&in.id)), nil
			}),
			service.ContextKeys(func(in *CreateWebACLInput, set func(k, v string)) { requestTags(in.Tags, set) })),
		service.Op("GetWebACL", "wafv2:GetWebACL", getWebACL, service.ReadOnly[GetWebACLInput](),
			service.Resource(func(_ context.Context, c *service.Call, in *GetWebACLInput) (string, error) {
				if in.ARN != nil {
					return *in.ARN, nil
				}
				return arnOf(c, in.Scope, kindWebACL, in.Name, in.Id), nil
			})),
		service.Op("UpdateWebACL", "wafv2:UpdateWebACL", updateWebACL,
			service.Resource(func(_ context.Context, c *service.Call, in *UpdateWebACLInput) (string, error) {
				return arnOf(c, in.Scope, kindWebACL, in.Name, in.Id), nil
			})),
		service.Op("DeleteWebACL", "wafv2:DeleteWebACL", deleteWebACL,
			service.Resource(func(_ context.Context, c *service.Call, in *DeleteInput) (string, error) {
				return arnOf(c, in.Scope, kindWebACL, in.Name, in.Id), nil
			})),
		service.Op("ListWebACLs", "wafv2:ListWebACLs", func(ctx context.Context, c *service.Call, in *ListInput) (*ListWebACLsOutput, error) {
			out, next, err := list(ctx, c, kindWebACL, in)
			if err != nil {
				return nil, err
			}
			return &ListWebACLsOutput{WebACLs: out, NextMarker: next}, nil
		}, service.ReadOnly[ListInput]()),
	}
}

// WebACLConfig are the members CreateWebACL and UpdateWebACL share. The
// nested shapes are taken as JSON and checked by the engine, which knows
// every statement.
type WebACLConfig struct {
	DefaultAction                json.RawMessage `aws:",required"`
	Description                  *string
	Rules                        json.RawMessage
	VisibilityConfig             json.RawMessage `aws:",required"`
	CustomResponseBodies         json.RawMessage
	CaptchaConfig                json.RawMessage
	ChallengeConfig              json.RawMessage
	TokenDomains                 json.RawMessage
	AssociationConfig            json.RawMessage
	DataProtectionConfig         json.RawMessage
	OnSourceDDoSProtectionConfig json.RawMessage
	ApplicationConfig            json.RawMessage
}

// CreateWebACLInput is WAFV2's CreateWebACL request.
type CreateWebACLInput struct {
	Name  string `aws:",required"`
	Scope string `aws:",required"`
	WebACLConfig
	Tags []Tag
	id   string
}

// CreateWebACLOutput is WAFV2's CreateWebACL response.
type CreateWebACLOutput struct{ Summary *Summary }

// members are the WebACL members stored as given.
func (w *WebACLConfig) members() map[string]json.RawMessage {
	m := map[string]json.RawMessage{}
	setMembers(m, "DefaultAction", w.DefaultAction, "Rules", w.Rules, "VisibilityConfig", w.VisibilityConfig,
		"CustomResponseBodies", w.CustomResponseBodies, "CaptchaConfig", w.CaptchaConfig, "ChallengeConfig", w.ChallengeConfig,
		"TokenDomains", w.TokenDomains, "AssociationConfig", w.AssociationConfig, "DataProtectionConfig", w.DataProtectionConfig,
		"OnSourceDDoSProtectionConfig", w.OnSourceDDoSProtectionConfig, "ApplicationConfig", w.ApplicationConfig)
	if _, ok := m["Rules"]; !ok {
		m["Rules"] = json.RawMessage("[]")
	}
	return m
}

// check compiles the web ACL; it returns its capacity and references.
func (w *WebACLConfig) check(tx store.Tx, c *service.Call, name string) (*compiled, error) {
	if err := checkDescription(w.Description); err != nil {
		return nil, err
	}
	if err := checkVisibility(w.VisibilityConfig, "visibilityConfig"); err != nil {
		return nil, err
	}
	if err := checkRuleVisibility(w.Rules); err != nil {
		return nil, err
	}
	if err := countAtMost(w.CustomResponseBodies, 50, "custom response bodies"); err != nil {
		return nil, err
	}
	if err := countAtMost(w.TokenDomains, 10, "token domains"); err != nil {
		return nil, err
	}
	doc := w.members()
	doc["Name"], _ = json.Marshal(name)
	return compileWebACL(tx, c, doc)
}

// checkVisibility applies the model's constraints on a VisibilityConfig.
func checkVisibility(raw json.RawMessage, at string) error {
	var v struct {
		SampledRequestsEnabled   *bool
		CloudWatchMetricsEnabled *bool
		MetricName               *string
	}
	if err := json.Unmarshal(raw, &v); err != nil {
		return validation.New("1 validation error detected: Value at '%s' failed to satisfy constraint: Member must be a structure", at)
	}
	switch {
	case v.SampledRequestsEnabled == nil:
		return validation.New("1 validation error detected: Value null at '%s.sampledRequestsEnabled' failed to satisfy constraint: Member must not be null", at)
	case v.CloudWatchMetricsEnabled == nil:
		return validation.New("1 validation error detected: Value null at '%s.cloudWatchMetricsEnabled' failed to satisfy constraint: Member must not be null", at)
	case v.MetricName == nil:
		return validation.New("1 validation error detected: Value null at '%s.metricName' failed to satisfy constraint: Member must not be null", at)
	case !metricRE.MatchString(*v.MetricName):
		return invalid("The parameter contains formatting that is not valid.", "METRIC_NAME", *v.MetricName)
	}
	return nil
}

// checkRuleVisibility applies the model's constraints on each rule's Name
// and VisibilityConfig (required); the engine checks the rest.
func checkRuleVisibility(rules json.RawMessage) error {
	var rs []struct {
		Name             *string
		VisibilityConfig json.RawMessage
	}
	if len(rules) == 0 || json.Unmarshal(rules, &rs) != nil {
		return nil // the engine reports the shape
	}
	for i, r := range rs {
		if r.Name != nil && !nameRE.MatchString(*r.Name) {
			return validation.New("1 validation error detected: Value '%s' at 'rules.%d.member.name' failed to satisfy constraint: Member must satisfy regular expression pattern: ^[\\w\\-]+$", *r.Name, i+1)
		}
		at := "rules." + strconv.Itoa(i+1) + ".member.visibilityConfig"
		if len(r.VisibilityConfig) == 0 || string(r.VisibilityConfig) == "null" {
			return validation.New("1 validation error detected: Value null at '%s' failed to satisfy constraint: Member must not be null", at)
		}
		if err := checkVisibility(r.VisibilityConfig, at); err != nil {
			return err
		}
	}
	return nil
}

func createWebACL(ctx context.Context, c *service.Call, in *CreateWebACLInput) (*CreateWebACLOutput, error) {
	e := &entity{Kind: kindWebACL, Name: in.Name, ID: newIDFor(&in.id), Scope: in.Scope, Tags: in.Tags, Description: deref(in.Description)}
	s, err := create(ctx, c, e, func(tx store.Tx) error {
		comp, err := in.check(tx, c, in.Name)
		if err != nil {
			return err
		}
		e.Members, e.Capacity, e.Refs = in.members(), comp.capacity, comp.refs
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &CreateWebACLOutput{Summary: s}, nil
}

// GetWebACLInput is WAFV2's GetWebACL request: Name, Scope and Id, or ARN.
type GetWebACLInput struct {
	Name  string
	Scope string
	Id    string
	ARN   *string
}

// GetWebACLOutput is WAFV2's GetWebACL response.
type GetWebACLOutput struct {
	WebACL    json.RawMessage
	LockToken string
}

func getWebACL(ctx context.Context, c *service.Call, in *GetWebACLInput) (*GetWebACLOutput, error) {
	var e *entity
	err := c.Deps.Store.View(ctx, func(tx store.Tx) error {
		var err error
		if in.ARN != nil {
			e, err = loadARN(tx, c, *in.ARN)
			if err == nil && e.Kind != kindWebACL {
				err = nonexistentItem.New(msgNonexistent)
			}
			return err
		}
		id := NameScopeID{Name: in.Name, Scope: in.Scope, Id: in.Id}
		if err := id.check(c); err != nil {
			return err
		}
		e, err = load(tx, c, kindWebACL, in.Scope, in.Name, in.Id)
		return err
	})
	if err != nil {
		return nil, err
	}
	return &GetWebACLOutput{WebACL: e.webACLDocument(c), LockToken: e.LockToken}, nil
}

func (e *entity) webACLDocument(c *service.Call) json.RawMessage {
	return e.document(map[string]any{
		"Capacity":                     e.Capacity,
		"LabelNamespace":               labelNamespace(c.Account(), kindWebACL, e.Name),
		"ManagedByFirewallManager":     false,
		"RetrofittedByFirewallManager": false,
	})
}

// UpdateWebACLInput is WAFV2's UpdateWebACL request.
type UpdateWebACLInput struct {
	Name  string `aws:",required"`
	Scope string `aws:",required"`
	Id    string `aws:",required"`
	WebACLConfig
	LockToken string `aws:",required"`
}

// UpdateOutput is the response of the Update operations.
type UpdateOutput struct{ NextLockToken string }

func updateWebACL(ctx context.Context, c *service.Call, in *UpdateWebACLInput) (*UpdateOutput, error) {
	id := NameScopeID{Name: in.Name, Scope: in.Scope, Id: in.Id}
	if err := id.check(c); err != nil {
		return nil, err
	}
	var next string
	err := c.Deps.Store.Update(ctx, func(tx store.Tx) error {
		e, err := load(tx, c, kindWebACL, in.Scope, in.Name, in.Id)
		if err != nil {
			return err
		}
		if err := checkLock(e, in.LockToken); err != nil {
			return err
		}
		comp, err := in.check(tx, c, in.Name)
		if err != nil {
			return err
		}
		e.Members, e.Capacity, e.Refs = in.members(), comp.capacity, comp.refs
		e.Description = ""
		if in.Description != nil {
			e.Description = *in.Description
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

// DeleteInput is the request of the Delete operations.
type DeleteInput struct {
	Name      string `aws:",required"`
	Scope     string `aws:",required"`
	Id        string `aws:",required"`
	LockToken string `aws:",required"`
}

func deleteWebACL(ctx context.Context, c *service.Call, in *DeleteInput) (*struct{}, error) {
	id := NameScopeID{Name: in.Name, Scope: in.Scope, Id: in.Id}
	if err := id.check(c); err != nil {
		return nil, err
	}
	err := c.Deps.Store.Update(ctx, func(tx store.Tx) error {
		e, err := load(tx, c, kindWebACL, in.Scope, in.Name, in.Id)
		if err != nil {
			return err
		}
		if err := checkLock(e, in.LockToken); err != nil {
			return err
		}
		if n, err := associations(tx, c, e.ARN); err != nil {
			return err
		} else if len(n) > 0 {
			return associatedItem.New(msgAssociated)
		}
		if err := tx.Delete(TableLogging, c.Account()+"/"+c.Region+"/"+e.ARN); err != nil && !isNotFound(err) {
			return err
		}
		return tx.Delete(TableWebACLs, key(c.Account(), c.Region, e.Scope, e.Name))
	})
	if err != nil {
		return nil, err
	}
	return &struct{}{}, nil
}

// ListWebACLsOutput is WAFV2's ListWebACLs response.
type ListWebACLsOutput struct {
	NextMarker *string
	WebACLs    []*Summary
}

// referenced reports whether any web ACL or rule group references arn, in
// any account (a shared rule group is referenced from other accounts).
func referenced(tx store.Tx, c *service.Call, arn string) (bool, error) {
	found := false
	prefix := ""
	for _, table := range []string{TableWebACLs, TableRuleGroups} {
		err := tx.Scan(table, prefix, "", 0, func(_ string, v []byte) error {
			var e entity
			if err := json.Unmarshal(v, &e); err != nil {
				return err
			}
			for _, r := range e.Refs {
				if r == arn {
					found = true
				}
			}
			return nil
		})
		if err != nil || found {
			return found, err
		}
	}
	return false, nil
}

var metricRE = regexp.MustCompile(`^[\w#:\.\-/]{1,255}$`)

func isNotFound(err error) bool { return errors.Is(err, store.ErrNotFound) }

// countAtMost applies a quota on the entries of a JSON object or array.
func countAtMost(raw json.RawMessage, max int, what string) error {
	var obj map[string]json.RawMessage
	var arr []json.RawMessage
	n := 0
	if json.Unmarshal(raw, &obj) == nil {
		n = len(obj)
	} else if json.Unmarshal(raw, &arr) == nil {
		n = len(arr)
	}
	if n > max {
		return limitsExceeded.New("%s At most %d %s.", msgLimits, max, what)
	}
	return nil
}
