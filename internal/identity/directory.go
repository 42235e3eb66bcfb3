package identity

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/moatdev/moat/internal/store"
	"github.com/moatdev/moat/sigv4"
)

// Directory resolves access key ids to credentials and principals. It keeps
// what it has read in memory, so that authenticating a request does not read
// the store once a key is known; writers call Invalidate after changing a key,
// its user or its session.
//
// A Directory is safe for concurrent use.
type Directory struct {
	st store.Store

	mu   sync.RWMutex
	keys map[string]*resolved

	usedMu sync.Mutex
	used   map[string]LastUsed
}

type resolved struct {
	creds     sigv4.Credentials
	principal *Principal
}

// LastUsed is when, where and for which service an access key last
// authenticated a request.
type LastUsed struct {
	Time    time.Time
	Region  string
	Service string
}

// Used records that akid authenticated a request. It is kept in memory
// (every signed call would otherwise write to the store); a restart forgets
// it, which RATIONALE.md states.
func (d *Directory) Used(akid string, u LastUsed) {
	d.usedMu.Lock()
	if d.used == nil {
		d.used = make(map[string]LastUsed)
	}
	d.used[akid] = u
	d.usedMu.Unlock()
}

// LastUsedOf returns what Used recorded for akid.
func (d *Directory) LastUsedOf(akid string) (LastUsed, bool) {
	d.usedMu.Lock()
	defer d.usedMu.Unlock()
	u, ok := d.used[akid]
	return u, ok
}

// NewDirectory returns a Directory over st.
func NewDirectory(st store.Store) *Directory {
	return &Directory{st: st, keys: make(map[string]*resolved)}
}

// Credentials implements sigv4.Lookup. Unknown and inactive keys are
// sigv4.ErrUnknownAccessKey, as AWS answers both with InvalidClientTokenId.
func (d *Directory) Credentials(ctx context.Context, akid string) (sigv4.Credentials, error) {
	r, err := d.resolve(ctx, akid)
	if err != nil {
		return sigv4.Credentials{}, err
	}
	return r.creds, nil
}

// Principal returns who the access key belongs to.
func (d *Directory) Principal(ctx context.Context, akid string) (*Principal, error) {
	r, err := d.resolve(ctx, akid)
	if err != nil {
		return nil, err
	}
	return r.principal, nil
}

// Clear forgets everything, for changes that reach many keys at once (a
// deleted role takes all its sessions with it).
func (d *Directory) Clear() {
	d.mu.Lock()
	d.keys = make(map[string]*resolved)
	d.mu.Unlock()
}

// Invalidate forgets what the Directory knows of akid.
func (d *Directory) Invalidate(akid string) {
	d.mu.Lock()
	delete(d.keys, akid)
	d.mu.Unlock()
}

func (d *Directory) resolve(ctx context.Context, akid string) (*resolved, error) {
	d.mu.RLock()
	r := d.keys[akid]
	d.mu.RUnlock()
	if r != nil {
		return r, nil
	}
	r, err := d.load(ctx, akid)
	if err != nil {
		return nil, err
	}
	d.mu.Lock()
	d.keys[akid] = r
	d.mu.Unlock()
	return r, nil
}

func (d *Directory) load(ctx context.Context, akid string) (*resolved, error) {
	var r *resolved
	err := d.st.View(ctx, func(tx store.Tx) error {
		var err error
		if len(akid) > 4 && akid[:4] == "ASIA" {
			r, err = loadSession(tx, akid)
		} else {
			r, err = loadAccessKey(tx, akid)
		}
		return err
	})
	return r, err
}

func loadAccessKey(tx store.Tx, akid string) (*resolved, error) {
	var k AccessKey
	if err := get(tx, TableAccessKeys, akid, &k); err != nil {
		return nil, err
	}
	if k.Status != "Active" {
		return nil, fmt.Errorf("access key %s is %s: %w", akid, k.Status, sigv4.ErrUnknownAccessKey)
	}
	p, err := ownerPrincipal(tx, k.Account, k.UserName)
	if err != nil {
		return nil, err
	}
	p.AccessKeyID = akid
	return &resolved{creds: sigv4.Credentials{AccessKeyID: akid, SecretAccessKey: k.SecretAccessKey}, principal: p}, nil
}

func loadSession(tx store.Tx, akid string) (*resolved, error) {
	var s Session
	if err := get(tx, TableSessions, akid, &s); err != nil {
		return nil, err
	}
	var p *Principal
	if s.RoleName != "" {
		var r Role
		if err := get(tx, TableRoles, RoleKey(s.Account, s.RoleName), &r); err != nil {
			return nil, err // a deleted role's sessions stop working
		}
		p = SessionPrincipal(&r, &s)
	} else {
		var err error
		if p, err = ownerPrincipal(tx, s.Account, s.UserName); err != nil {
			return nil, err
		}
	}
	p.AccessKeyID = akid
	p.Session = &s
	creds := sigv4.Credentials{AccessKeyID: akid, SecretAccessKey: s.SecretAccessKey, SessionToken: s.SessionToken, Expires: s.Expires}
	return &resolved{creds: creds, principal: p}, nil
}

// ownerPrincipal is the root user of account, or its IAM user name.
func ownerPrincipal(tx store.Tx, account, name string) (*Principal, error) {
	if name == "" {
		return RootPrincipal(account), nil
	}
	var u User
	if err := get(tx, TableUsers, UserKey(account, name), &u); err != nil {
		return nil, err
	}
	return UserPrincipal(&u), nil
}

// get reads one value; a missing key is sigv4.ErrUnknownAccessKey, since
// every caller of get here is resolving a key.
func get(tx store.Tx, table, key string, v any) error {
	b, err := tx.Get(table, key)
	if errors.Is(err, store.ErrNotFound) {
		return fmt.Errorf("%s %q: %w", table, key, sigv4.ErrUnknownAccessKey)
	}
	if err != nil {
		return err
	}
	return Decode(table, key, b, v)
}
