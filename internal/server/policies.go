package server

import (
	"context"
	"errors"
	"strings"
	"sync"

	"github.com/moatdev/moat/authz"
	"github.com/moatdev/moat/internal/awsmanaged"
	"github.com/moatdev/moat/internal/identity"
	"github.com/moatdev/moat/internal/store"
	"github.com/moatdev/moat/policy"
)

// policyCache keeps each principal's policies compiled, so that
// authorization reads no store and compiles nothing on the hot path. Any
// change of policies or attachments empties it (service.Deps.PoliciesChanged).
type policyCache struct {
	mu  sync.RWMutex
	gen uint64
	m   map[string]*authz.Policies
}

func (c *policyCache) changed() {
	c.mu.Lock()
	c.gen++
	c.m = nil
	c.mu.Unlock()
}

// policiesOf returns every policy that applies to the principal's requests:
// for an IAM user, its inline policies and the customer managed policies
// attached to it; for a role session, its role's.
func (s *Server) policiesOf(ctx context.Context, p *identity.Principal) (*authz.Policies, error) {
	var key, ownerKey, inline, attached string
	switch p.Kind {
	case identity.IAMUser:
		ownerKey, inline, attached = identity.UserKey(p.Account, p.UserName), identity.TableUserPolicies, identity.TableUserAttached
		key = "user:" + ownerKey
	case identity.AssumedRole:
		ownerKey, inline, attached = identity.RoleKey(p.Account, p.Role.RoleName), identity.TableRolePolicies, identity.TableRoleAttached
		key = "role:" + ownerKey
	default:
		return &authz.Policies{}, nil
	}
	c := &s.policies
	c.mu.RLock()
	cached, gen := c.m[key], c.gen
	c.mu.RUnlock()
	if cached != nil {
		return cached, nil
	}
	pols, err := s.loadPolicies(ctx, p.Account, ownerKey, inline, attached)
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	if c.gen == gen { // nothing changed while loading
		if c.m == nil {
			c.m = map[string]*authz.Policies{}
		}
		c.m[key] = pols
	}
	c.mu.Unlock()
	return pols, nil
}

// loadPolicies compiles the inline and attached policies of the identity
// whose store key is ownerKey and, for a user, of every group it is in.
func (s *Server) loadPolicies(ctx context.Context, account, ownerKey, inline, attached string) (*authz.Policies, error) {
	out := &authz.Policies{}
	add := func(name, arn, doc string) error {
		parsed, err := policy.Parse([]byte(doc))
		if err != nil {
			return err
		}
		compiled, err := policy.Compile(parsed, policy.Identity)
		if err != nil {
			return err
		}
		out.Identity = append(out.Identity, authz.Policy{Name: name, ARN: arn, Compiled: compiled})
		return nil
	}
	type owner struct{ key, inline, attached string }
	err := s.db.View(ctx, func(tx store.Tx) error {
		owners := []owner{{ownerKey, inline, attached}}
		if inline == identity.TableUserPolicies {
			err := tx.Scan(identity.TableUserGroups, ownerKey+"/", "", 0, func(k string, _ []byte) error {
				owners = append(owners, owner{identity.GroupKey(account, k[len(ownerKey)+1:]), identity.TableGroupPolicies, identity.TableGroupAttached})
				return nil
			})
			if err != nil {
				return err
			}
		}
		for _, o := range owners {
			if err := loadOwnerPolicies(tx, account, o.key, o.inline, o.attached, add); err != nil {
				return err
			}
		}
		return nil
	})
	return out, err
}

func loadOwnerPolicies(tx store.Tx, account, ownerKey, inline, attached string, add func(name, arn, doc string) error) error {
	err := tx.Scan(inline, ownerKey+"/", "", 0, func(k string, b []byte) error {
		var ip identity.InlinePolicy
		if err := identity.Decode(inline, k, b, &ip); err != nil {
			return err
		}
		return add(ip.PolicyName, "", ip.Document)
	})
	if err != nil {
		return err
	}
	return tx.Scan(attached, ownerKey+"/", "", 0, func(k string, _ []byte) error {
		arn := k[len(ownerKey)+1:]
		if strings.HasPrefix(arn, "arn:aws:iam::aws:policy/") {
			p, ok, err := awsmanaged.ByARN(arn)
			if err != nil || !ok {
				return err
			}
			return add(p.Name, p.ARN, p.Document)
		}
		name := arn[lastSlash(arn)+1:]
		pk := identity.PolicyKey(account, name)
		b, err := tx.Get(identity.TablePolicies, pk)
		if errors.Is(err, store.ErrNotFound) {
			return nil // detached concurrently
		}
		if err != nil {
			return err
		}
		var mp identity.ManagedPolicy
		if err := identity.Decode(identity.TablePolicies, pk, b, &mp); err != nil {
			return err
		}
		return add(mp.PolicyName, mp.ARN(), mp.Default())
	})
}

func lastSlash(s string) int {
	for i := len(s) - 1; i >= 0; i-- {
		if s[i] == '/' {
			return i
		}
	}
	return -1
}
