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

// policiesChanged empties the compiled-policy caches.
func (s *Server) policiesChanged() {
	s.policies.changed()
	s.sessions.mu.Lock()
	s.sessions.m = nil
	s.sessions.mu.Unlock()
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
	pols, err := s.loadPolicies(ctx, p.Account, ownerKey, record, inline, attached)
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
// whose store key is ownerKey (its record in table record) and, for a user,
// of every group it is in, and its permissions boundary.
func (s *Server) loadPolicies(ctx context.Context, account, ownerKey, record, inline, attached string) (*authz.Policies, error) {
	out := &authz.Policies{}
	compile := func(name, arn, doc string, kind policy.Kind) (authz.Policy, error) {
		parsed, err := policy.Parse([]byte(doc))
		if err != nil {
			return authz.Policy{}, err
		}
		compiled, err := policy.Compile(parsed, kind)
		return authz.Policy{Name: name, ARN: arn, Compiled: compiled}, err
	}
	add := func(name, arn, doc string) error {
		p, err := compile(name, arn, doc, policy.Identity)
		if err == nil {
			out.Identity = append(out.Identity, p)
		}
		return err
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
		b, err := tx.Get(record, ownerKey)
		if err != nil {
			return err
		}
		var rec struct {
			PermissionsBoundary string `json:"permissionsBoundary"`
		}
		if err := identity.Decode(record, ownerKey, b, &rec); err != nil || rec.PermissionsBoundary == "" {
			return err
		}
		name, doc, ok, err := managedDoc(tx, account, rec.PermissionsBoundary)
		if err != nil || !ok {
			return err
		}
		bp, err := compile(name, rec.PermissionsBoundary, doc, policy.PermissionsBoundary)
		out.PermissionsBoundary = []authz.Policy{bp}
		return err
	})
	return out, err
}

// managedDoc returns the default document of a customer or AWS managed
// policy; ok is false when it no longer exists.
func managedDoc(tx store.Tx, account, arn string) (name, doc string, ok bool, err error) {
	if strings.HasPrefix(arn, "arn:aws:iam::aws:policy/") {
		p, ok, err := awsmanaged.ByARN(arn)
		if err != nil || !ok {
			return "", "", false, err
		}
		return p.Name, p.Document, true, nil
	}
	pk := identity.PolicyKey(account, arn[lastSlash(arn)+1:])
	b, err := tx.Get(identity.TablePolicies, pk)
	if errors.Is(err, store.ErrNotFound) {
		return "", "", false, nil
	}
	if err != nil {
		return "", "", false, err
	}
	var mp identity.ManagedPolicy
	if err := identity.Decode(identity.TablePolicies, pk, b, &mp); err != nil {
		return "", "", false, err
	}
	return mp.PolicyName, mp.Default(), true, nil
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
		name, doc, ok, err := managedDoc(tx, account, arn)
		if err != nil || !ok {
			return err // a policy deleted concurrently is skipped
		}
		return add(name, arn, doc)
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
			name, doc, ok, err := managedDoc(tx, account, arn)
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
