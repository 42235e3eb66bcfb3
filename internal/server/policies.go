package server

import (
	"context"
	"errors"
	"sync"

	"github.com/moatdev/moat/authz"
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

// policiesChanged empties the compiled-policy caches.
func (s *Server) policiesChanged() {
	s.policies.changed()
	s.sessions.mu.Lock()
	s.sessions.m = nil
	s.sessions.mu.Unlock()
	s.scps.mu.Lock()
	s.scps.m, s.scps.orgs = nil, nil
	s.scps.mu.Unlock()
}

// policiesOf returns every policy that applies to the principal's requests:
// for an IAM user, its inline policies and the customer managed policies
// attached to it; for a role session, its role's.
func (s *Server) policiesOf(ctx context.Context, p *identity.Principal) (*authz.Policies, error) {
	var key, ownerKey, record, inline, attached string
	switch p.Kind {
	case identity.IAMUser:
		ownerKey, record, inline, attached = identity.UserKey(p.Account, p.UserName), identity.TableUsers, identity.TableUserPolicies, identity.TableUserAttached
		key = "user:" + ownerKey
	case identity.AssumedRole:
		ownerKey, record, inline, attached = identity.RoleKey(p.Account, p.Role.RoleName), identity.TableRoles, identity.TableRolePolicies, identity.TableRoleAttached
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
	pols, err := identity.LoadPolicies(ctx, s.db, identity.Owner{Account: p.Account, Key: ownerKey, Record: record, Inline: inline, Attached: attached})
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

// sessionCache keeps the compiled session policies of role sessions, by
// access key id. Sessions are immutable, so entries never go stale; they
// are dropped with the rest when policies change (a managed policy used as
// a session policy may have been edited).
type sessionCache struct {
	mu sync.Mutex
	m  map[string][]authz.Policy
}

// withSessionPolicies returns pols limited by the session policies the
// principal's session was created with, if any.
func (s *Server) withSessionPolicies(ctx context.Context, p *identity.Principal, pols *authz.Policies) (*authz.Policies, error) {
	sess := p.Session
	if sess == nil || (sess.SessionPolicy == "" && len(sess.SessionPolicyARNs) == 0) {
		return pols, nil
	}
	s.sessions.mu.Lock()
	sp, ok := s.sessions.m[sess.AccessKeyID]
	s.sessions.mu.Unlock()
	if !ok {
		var err error
		if sp, err = s.compileSessionPolicies(ctx, p.Account, sess); err != nil {
			return nil, err
		}
		s.sessions.mu.Lock()
		if s.sessions.m == nil {
			s.sessions.m = map[string][]authz.Policy{}
		}
		s.sessions.m[sess.AccessKeyID] = sp
		s.sessions.mu.Unlock()
	}
	with := *pols
	with.Session, with.HasSession = sp, true
	return &with, nil
}

func (s *Server) compileSessionPolicies(ctx context.Context, account string, sess *identity.Session) ([]authz.Policy, error) {
	var out []authz.Policy
	add := func(name, arn, doc string) error {
		parsed, err := policy.Parse([]byte(doc))
		if err != nil {
			return err
		}
		compiled, err := policy.Compile(parsed, policy.Session)
		if err == nil {
			out = append(out, authz.Policy{Name: name, ARN: arn, Compiled: compiled})
		}
		return err
	}
	if sess.SessionPolicy != "" {
		if err := add("session policy", "", sess.SessionPolicy); err != nil {
			return nil, err
		}
	}
	err := s.db.View(ctx, func(tx store.Tx) error {
		for _, arn := range sess.SessionPolicyARNs {
			name, doc, ok, err := identity.ManagedDoc(tx, account, arn)
			if err != nil {
				return err
			}
			if ok {
				if err := add(name, arn, doc); err != nil {
					return err
				}
			}
		}
		return nil
	})
	return out, err
}

// scpCache keeps the compiled SCP and RCP levels that govern each account, cleared
// with the other caches when policies change (Organizations writes too).
type scpCache struct {
	mu   sync.Mutex
	m    map[string][]authz.Level
	orgs map[string]string // account → organization id ("" outside one)
}

// orgOf returns the organization account belongs to and its management
// account ("" outside one).
func (s *Server) orgOf(ctx context.Context, account string) (orgID, management string) {
	id, err := s.orgID(ctx, account)
	if err != nil || id == "" {
		return "", ""
	}
	_ = s.db.View(ctx, func(tx store.Tx) error {
		b, err := tx.Get(identity.TableOrgMembers, account)
		if err == nil {
			management = string(b)
		}
		return nil
	})
	return id, management
}

// orgID returns the id of the organization account belongs to, or "".
func (s *Server) orgID(ctx context.Context, account string) (string, error) {
	s.scps.mu.Lock()
	id, ok := s.scps.orgs[account]
	s.scps.mu.Unlock()
	if ok {
		return id, nil
	}
	err := s.db.View(ctx, func(tx store.Tx) error {
		b, err := tx.Get(identity.TableOrgMembers, account)
		if errors.Is(err, store.ErrNotFound) {
			return nil
		}
		if err != nil {
			return err
		}
		ob, err := tx.Get(identity.TableOrgs, string(b))
		if err != nil {
			return err
		}
		var o identity.Organization
		if err := identity.Decode(identity.TableOrgs, string(b), ob, &o); err != nil {
			return err
		}
		id = o.ID
		return nil
	})
	if err != nil {
		return "", err
	}
	s.scps.mu.Lock()
	if s.scps.orgs == nil {
		s.scps.orgs = map[string]string{}
	}
	s.scps.orgs[account] = id
	s.scps.mu.Unlock()
	return id, nil
}

// orgLevels returns the organization policies of one type (SCPs or RCPs)
// that govern account, root first (identity.OrgLevels), cached until
// policies change.
func (s *Server) orgLevels(ctx context.Context, account, policyType string) ([]authz.Level, error) {
	key := policyType + "/" + account
	s.scps.mu.Lock()
	levels, ok := s.scps.m[key]
	s.scps.mu.Unlock()
	if ok {
		return levels, nil
	}
	levels, err := identity.OrgLevels(ctx, s.db, account, policyType)
	if err != nil {
		return nil, err
	}
	s.scps.mu.Lock()
	if s.scps.m == nil {
		s.scps.m = map[string][]authz.Level{}
	}
	s.scps.m[key] = levels
	s.scps.mu.Unlock()
	return levels, nil
}
