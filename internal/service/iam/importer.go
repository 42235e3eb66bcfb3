package iam

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/url"
	"strings"
	"time"

	"github.com/moatdev/moat/internal/identity"
	"github.com/moatdev/moat/internal/store"
	"github.com/moatdev/moat/policy"
)

// Import loads the output of `aws iam get-account-authorization-details`
// (or of moat's GetAccountAuthorizationDetails) into account: users, groups,
// roles, memberships, inline and attached policies, customer managed
// policies with all their versions, boundaries and tags. Documents may be
// URL-encoded strings (the API) or JSON objects (the CLI decodes them).
// Nothing is written unless the whole file imports; entities that exist
// already are an error.
func Import(ctx context.Context, st store.Store, account string, r io.Reader, now time.Time) (ImportSummary, error) {
	var in importFile
	dec := json.NewDecoder(r)
	if err := dec.Decode(&in); err != nil {
		return ImportSummary{}, fmt.Errorf("import: not an authorization-details document: %w", err)
	}
	var sum ImportSummary
	err := st.Update(ctx, func(tx store.Tx) error {
		w := importer{tx: tx, account: account, now: now.UTC().Truncate(time.Second)}
		for i, p := range in.Policies {
			if strings.HasPrefix(p.Arn, "arn:aws:iam::aws:policy/") {
				continue // AWS managed policies are built in
			}
			if err := w.policy(p); err != nil {
				return fmt.Errorf("import: Policies[%d] %s: %w", i, p.PolicyName, err)
			}
			sum.Policies++
		}
		for i, g := range in.GroupDetailList {
			if err := w.group(g); err != nil {
				return fmt.Errorf("import: GroupDetailList[%d] %s: %w", i, g.GroupName, err)
			}
			sum.Groups++
		}
		for i, u := range in.UserDetailList {
			if err := w.user(u); err != nil {
				return fmt.Errorf("import: UserDetailList[%d] %s: %w", i, u.UserName, err)
			}
			sum.Users++
		}
		for i, rd := range in.RoleDetailList {
			if err := w.role(rd); err != nil {
				return fmt.Errorf("import: RoleDetailList[%d] %s: %w", i, rd.RoleName, err)
			}
			sum.Roles++
		}
		return nil
	})
	return sum, err
}

// ImportSummary counts what Import wrote.
type ImportSummary struct{ Users, Groups, Roles, Policies int }

// document is a policy document as a URL-encoded string or a JSON object.
type document string

func (d *document) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err == nil {
		if dec, err := url.QueryUnescape(s); err == nil && strings.HasPrefix(strings.TrimSpace(dec), "{") {
			s = dec
		}
		*d = document(s)
		return nil
	}
	*d = document(b)
	return nil
}

type importTag struct{ Key, Value string }

type importAttached struct{ PolicyName, PolicyArn string }

type importInline struct {
	PolicyName     string
	PolicyDocument document
}

type importBoundary struct{ PermissionsBoundaryArn string }

type importUser struct {
	Path, UserName, UserId, Arn string
	CreateDate                  time.Time
	UserPolicyList              []importInline
	GroupList                   []string
	AttachedManagedPolicies     []importAttached
	PermissionsBoundary         *importBoundary
	Tags                        []importTag
}

type importGroup struct {
	Path, GroupName, GroupId, Arn string
	CreateDate                    time.Time
	GroupPolicyList               []importInline
	AttachedManagedPolicies       []importAttached
}

type importRole struct {
	Path, RoleName, RoleId, Arn string
	CreateDate                  time.Time
	AssumeRolePolicyDocument    document
	MaxSessionDuration          int32
	RolePolicyList              []importInline
	AttachedManagedPolicies     []importAttached
	PermissionsBoundary         *importBoundary
	Tags                        []importTag
}

type importFile struct {
	UserDetailList  []importUser
	GroupDetailList []importGroup
	RoleDetailList  []importRole
	Policies        []importPolicy
}

type importPolicy struct {
	PolicyName, PolicyId, Arn, Path, DefaultVersionId string
	CreateDate, UpdateDate                            time.Time
	PolicyVersionList                                 []struct {
		Document         document
		VersionId        string
		IsDefaultVersion bool
		CreateDate       time.Time
	}
}

type importer struct {
	tx      store.Tx
	account string
	now     time.Time
}

// checkARN refuses entities of another account: their documents name that
// account, so they belong in a moat started with its id (--account-id).
func (w *importer) checkARN(arn string) error {
	if !strings.HasPrefix(arn, "arn:aws:iam::"+w.account+":") {
		return fmt.Errorf("%s is not in account %s (start moat serve with --account-id set to the exported account on a new data directory)", arn, w.account)
	}
	return nil
}

func (w *importer) checkDoc(doc document, kind policy.Kind) error {
	p, err := policy.Parse([]byte(doc))
	if err != nil {
		return err
	}
	_, err = policy.Compile(p, kind)
	return err
}

func orNow(t, now time.Time) time.Time {
	if t.IsZero() {
		return now
	}
	return t.UTC()
}

func (w *importer) policy(p importPolicy) error {
	if err := w.checkARN(p.Arn); err != nil {
		return err
	}
	mp := &identity.ManagedPolicy{Account: w.account, PolicyName: p.PolicyName, PolicyID: p.PolicyId, Path: p.Path,
		DefaultVersion: p.DefaultVersionId, Created: orNow(p.CreateDate, w.now), Updated: orNow(p.UpdateDate, w.now)}
	for _, v := range p.PolicyVersionList {
		if err := w.checkDoc(v.Document, policy.Identity); err != nil {
			return fmt.Errorf("version %s: %w", v.VersionId, err)
		}
		mp.Versions = append(mp.Versions, identity.PolicyVersion{VersionID: v.VersionId, Document: string(v.Document), Created: orNow(v.CreateDate, w.now)})
		if v.IsDefaultVersion {
			mp.DefaultVersion = v.VersionId
		}
	}
	return w.tx.Insert(identity.TablePolicies, identity.PolicyKey(w.account, p.PolicyName), identity.Encode(mp))
}

func (w *importer) inline(table, key string, list []importInline) error {
	for _, p := range list {
		if err := w.checkDoc(p.PolicyDocument, policy.Identity); err != nil {
			return fmt.Errorf("policy %s: %w", p.PolicyName, err)
		}
		if err := w.tx.Put(table, key+"/"+p.PolicyName, identity.Encode(&identity.InlinePolicy{PolicyName: p.PolicyName, Document: string(p.PolicyDocument)})); err != nil {
			return err
		}
	}
	return nil
}

func (w *importer) attach(table, key string, list []importAttached) error {
	for _, a := range list {
		p, err := loadPolicyTx(w.tx, w.account, a.PolicyArn)
		if err != nil {
			return fmt.Errorf("attached policy %s: %w", a.PolicyArn, err)
		}
		if err := w.tx.Put(table, key+"/"+p.ARN(), nil); err != nil {
			return err
		}
		if p.Account != "aws" {
			p.AttachmentCount++
			if err := w.tx.Put(identity.TablePolicies, identity.PolicyKey(p.Account, p.PolicyName), identity.Encode(p)); err != nil {
				return err
			}
		}
	}
	return nil
}

func tagsOf(in []importTag) []identity.Tag {
	var out []identity.Tag
	for _, t := range in {
		out = append(out, identity.Tag{Key: t.Key, Value: t.Value})
	}
	return out
}

func boundaryOf(b *importBoundary) string {
	if b == nil {
		return ""
	}
	return b.PermissionsBoundaryArn
}

func (w *importer) group(g importGroup) error {
	if err := w.checkARN(g.Arn); err != nil {
		return err
	}
	key := identity.GroupKey(w.account, g.GroupName)
	rec := &identity.Group{Account: w.account, GroupName: g.GroupName, GroupID: g.GroupId, Path: g.Path, Created: orNow(g.CreateDate, w.now)}
	if err := w.tx.Insert(identity.TableGroups, key, identity.Encode(rec)); err != nil {
		return err
	}
	if err := w.inline(identity.TableGroupPolicies, key, g.GroupPolicyList); err != nil {
		return err
	}
	return w.attach(identity.TableGroupAttached, key, g.AttachedManagedPolicies)
}

func (w *importer) user(u importUser) error {
	if err := w.checkARN(u.Arn); err != nil {
		return err
	}
	key := identity.UserKey(w.account, u.UserName)
	rec := &identity.User{Account: w.account, UserName: u.UserName, UserID: u.UserId, Path: u.Path, Created: orNow(u.CreateDate, w.now),
		PermissionsBoundary: boundaryOf(u.PermissionsBoundary), Tags: tagsOf(u.Tags)}
	if err := w.tx.Insert(identity.TableUsers, key, identity.Encode(rec)); err != nil {
		return err
	}
	if err := w.inline(identity.TableUserPolicies, key, u.UserPolicyList); err != nil {
		return err
	}
	for _, g := range u.GroupList {
		if _, err := getGroupTx(w.tx, w.account, g); err != nil {
			return fmt.Errorf("group %s: %w", g, err)
		}
		gk := identity.GroupKey(w.account, g)
		if err := w.tx.Put(identity.TableGroupMembers, gk+"/"+strings.ToLower(u.UserName), nil); err != nil {
			return err
		}
		if err := w.tx.Put(identity.TableUserGroups, key+"/"+strings.ToLower(g), nil); err != nil {
			return err
		}
	}
	return w.attach(identity.TableUserAttached, key, u.AttachedManagedPolicies)
}

func (w *importer) role(r importRole) error {
	if err := w.checkARN(r.Arn); err != nil {
		return err
	}
	if err := w.checkDoc(r.AssumeRolePolicyDocument, policy.Trust); err != nil {
		return fmt.Errorf("trust policy: %w", err)
	}
	max := r.MaxSessionDuration
	if max == 0 {
		max = 3600
	}
	key := identity.RoleKey(w.account, r.RoleName)
	rec := &identity.Role{Account: w.account, RoleName: r.RoleName, RoleID: r.RoleId, Path: r.Path, Created: orNow(r.CreateDate, w.now),
		AssumeRolePolicyDocument: string(r.AssumeRolePolicyDocument), MaxSessionDuration: max,
		PermissionsBoundary: boundaryOf(r.PermissionsBoundary), Tags: tagsOf(r.Tags)}
	if err := w.tx.Insert(identity.TableRoles, key, identity.Encode(rec)); err != nil {
		return err
	}
	if err := w.inline(identity.TableRolePolicies, key, r.RolePolicyList); err != nil {
		return err
	}
	return w.attach(identity.TableRoleAttached, key, r.AttachedManagedPolicies)
}
