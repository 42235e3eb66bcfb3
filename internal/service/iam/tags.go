package iam

import (
	"context"
	"strings"

	"github.com/moatdev/moat/internal/awserr"
	"github.com/moatdev/moat/internal/identity"
	"github.com/moatdev/moat/internal/service"
	"github.com/moatdev/moat/internal/store"
)

// Tags on users and roles. They are the principal tags of their requests
// (aws:PrincipalTag/…), and TagUser/TagRole/CreateUser/CreateRole set the
// request-tag keys (aws:RequestTag/…, aws:TagKeys), so ABAC policies work.

func tagOps() []*service.Operation {
	return []*service.Operation{
		service.Op("TagUser", "iam:TagUser", tagUser, service.Resource(func(ctx context.Context, c *service.Call, in *TagUserInput) (string, error) {
			return existingUserARN(ctx, c, in.UserName)
		}), service.ContextKeys(func(in *TagUserInput, set func(string, string)) { requestTags(in.Tags, set) })),
		service.Op("UntagUser", "iam:UntagUser", untagUser, service.Resource(func(ctx context.Context, c *service.Call, in *UntagUserInput) (string, error) {
			return existingUserARN(ctx, c, in.UserName)
		})),
		service.Op("ListUserTags", "iam:ListUserTags", listUserTags, service.ReadOnly[ListUserPoliciesInput](), service.Resource(func(ctx context.Context, c *service.Call, in *ListUserPoliciesInput) (string, error) {
			return existingUserARN(ctx, c, in.UserName)
		})),
		service.Op("TagRole", "iam:TagRole", tagRole, roleRes(func(in *TagRoleInput) string { return in.RoleName }),
			service.ContextKeys(func(in *TagRoleInput, set func(string, string)) { requestTags(in.Tags, set) })),
		service.Op("UntagRole", "iam:UntagRole", untagRole, roleRes(func(in *UntagRoleInput) string { return in.RoleName })),
		service.Op("ListRoleTags", "iam:ListRoleTags", listRoleTags, service.ReadOnly[ListRolePoliciesInput](), roleRes(func(in *ListRolePoliciesInput) string { return in.RoleName })),
		service.Op("TagPolicy", "iam:TagPolicy", tagPolicy, service.Resource(func(_ context.Context, _ *service.Call, in *TagPolicyInput) (string, error) { return in.PolicyArn, nil }),
			service.ContextKeys(func(in *TagPolicyInput, set func(string, string)) { requestTags(in.Tags, set) })),
		service.Op("UntagPolicy", "iam:UntagPolicy", untagPolicy, service.Resource(func(_ context.Context, _ *service.Call, in *UntagPolicyInput) (string, error) {
			return in.PolicyArn, nil
		})),
		service.Op("ListPolicyTags", "iam:ListPolicyTags", listPolicyTags, service.ReadOnly[PolicyArnInput](), policyArnRes()),
	}
}

// requestTags sets aws:RequestTag/<key> for each tag; the server adds
// aws:TagKeys from them.
func requestTags(tags []Tag, set func(string, string)) {
	for _, t := range tags {
		set("aws:RequestTag/"+t.Key, t.Value)
	}
}

// mergeTags adds or replaces tags (keys compare without case, as IAM's).
func mergeTags(have []identity.Tag, add []Tag, quota string) ([]identity.Tag, error) {
	in, err := tagsFrom(add)
	if err != nil {
		return nil, err
	}
	out := append([]identity.Tag(nil), have...)
	for _, t := range in {
		replaced := false
		for i := range out {
			if strings.EqualFold(out[i].Key, t.Key) {
				out[i], replaced = t, true
			}
		}
		if !replaced {
			out = append(out, t)
		}
	}
	if len(out) > 50 {
		return nil, awserr.LimitExceeded.New("Cannot exceed quota for %s: 50", quota)
	}
	return out, nil
}

func dropTags(have []identity.Tag, keys []string) []identity.Tag {
	var out []identity.Tag
	for _, t := range have {
		keep := true
		for _, k := range keys {
			if strings.EqualFold(t.Key, k) {
				keep = false
			}
		}
		if keep {
			out = append(out, t)
		}
	}
	return out
}

func tagShapes(tags []identity.Tag) []Tag {
	out := []Tag{}
	for _, t := range tags {
		out = append(out, Tag{Key: t.Key, Value: t.Value})
	}
	return out
}

// changeUser updates a user's record; principals cached with the old tags
// are forgotten.
func changeUser(ctx context.Context, c *service.Call, name string, fn func(u *identity.User) error) error {
	err := c.Deps.Store.Update(ctx, func(tx store.Tx) error {
		u, err := getUserTx(tx, c.Account(), name)
		if err != nil {
			return err
		}
		if err := fn(u); err != nil {
			return err
		}
		return tx.Put(identity.TableUsers, identity.UserKey(u.Account, u.UserName), identity.Encode(u))
	})
	if err == nil {
		c.Deps.Directory.Clear()
	}
	return err
}

func changeRole(ctx context.Context, c *service.Call, name string, fn func(r *identity.Role) error) error {
	err := c.Deps.Store.Update(ctx, func(tx store.Tx) error {
		r, err := GetRoleTx(tx, c.Account(), name)
		if err != nil {
			return err
		}
		if err := fn(r); err != nil {
			return err
		}
		return tx.Put(identity.TableRoles, identity.RoleKey(r.Account, r.RoleName), identity.Encode(r))
	})
	if err == nil {
		c.Deps.Directory.Clear()
	}
	return err
}

// TagUserInput is IAM's TagUser request.
type TagUserInput struct {
	UserName string `aws:",required"`
	Tags     []Tag  `aws:",required"`
}

func tagUser(ctx context.Context, c *service.Call, in *TagUserInput) (*struct{}, error) {
	return nil, changeUser(ctx, c, in.UserName, func(u *identity.User) (err error) {
		u.Tags, err = mergeTags(u.Tags, in.Tags, "TagsPerUser")
		return err
	})
}

// UntagUserInput is IAM's UntagUser request.
type UntagUserInput struct {
	UserName string   `aws:",required"`
	TagKeys  []string `aws:",required"`
}

func untagUser(ctx context.Context, c *service.Call, in *UntagUserInput) (*struct{}, error) {
	return nil, changeUser(ctx, c, in.UserName, func(u *identity.User) error {
		u.Tags = dropTags(u.Tags, in.TagKeys)
		return nil
	})
}

// ListTagsResult is IAM's ListUserTags and ListRoleTags response.
type ListTagsResult struct {
	Tags        []Tag
	IsTruncated bool
}

func listUserTags(ctx context.Context, c *service.Call, in *ListUserPoliciesInput) (*ListTagsResult, error) {
	u, err := loadUser(ctx, c, in.UserName)
	if err != nil {
		return nil, err
	}
	return &ListTagsResult{Tags: tagShapes(u.Tags)}, nil
}

// TagRoleInput is IAM's TagRole request.
type TagRoleInput struct {
	RoleName string `aws:",required"`
	Tags     []Tag  `aws:",required"`
}

func tagRole(ctx context.Context, c *service.Call, in *TagRoleInput) (*struct{}, error) {
	return nil, changeRole(ctx, c, in.RoleName, func(r *identity.Role) (err error) {
		r.Tags, err = mergeTags(r.Tags, in.Tags, "TagsPerRole")
		return err
	})
}

// UntagRoleInput is IAM's UntagRole request.
type UntagRoleInput struct {
	RoleName string   `aws:",required"`
	TagKeys  []string `aws:",required"`
}

func untagRole(ctx context.Context, c *service.Call, in *UntagRoleInput) (*struct{}, error) {
	return nil, changeRole(ctx, c, in.RoleName, func(r *identity.Role) error {
		r.Tags = dropTags(r.Tags, in.TagKeys)
		return nil
	})
}

func listRoleTags(ctx context.Context, c *service.Call, in *ListRolePoliciesInput) (*ListTagsResult, error) {
	var out *ListTagsResult
	err := c.Deps.Store.View(ctx, func(tx store.Tx) error {
		r, err := GetRoleTx(tx, c.Account(), in.RoleName)
		if err == nil {
			out = &ListTagsResult{Tags: tagShapes(r.Tags)}
		}
		return err
	})
	return out, err
}

// changePolicy updates a customer managed policy's record. AWS managed
// policies cannot be changed.
func changePolicy(ctx context.Context, c *service.Call, arn string, fn func(p *identity.ManagedPolicy) error) error {
	return c.Deps.Store.Update(ctx, func(tx store.Tx) error {
		p, err := loadPolicyTx(tx, c.Account(), arn)
		if err != nil {
			return err
		}
		if p.Account == "aws" {
			return awserr.InvalidInput.New("ARN %s is not valid.", arn)
		}
		if err := fn(p); err != nil {
			return err
		}
		return tx.Put(identity.TablePolicies, identity.PolicyKey(p.Account, p.PolicyName), identity.Encode(p))
	})
}

// TagPolicyInput is IAM's TagPolicy request.
type TagPolicyInput struct {
	PolicyArn string `aws:",required"`
	Tags      []Tag  `aws:",required"`
}

func tagPolicy(ctx context.Context, c *service.Call, in *TagPolicyInput) (*struct{}, error) {
	return nil, changePolicy(ctx, c, in.PolicyArn, func(p *identity.ManagedPolicy) (err error) {
		p.Tags, err = mergeTags(p.Tags, in.Tags, "TagsPerPolicy")
		return err
	})
}

// UntagPolicyInput is IAM's UntagPolicy request.
type UntagPolicyInput struct {
	PolicyArn string   `aws:",required"`
	TagKeys   []string `aws:",required"`
}

func untagPolicy(ctx context.Context, c *service.Call, in *UntagPolicyInput) (*struct{}, error) {
	return nil, changePolicy(ctx, c, in.PolicyArn, func(p *identity.ManagedPolicy) error {
		p.Tags = dropTags(p.Tags, in.TagKeys)
		return nil
	})
}

func listPolicyTags(ctx context.Context, c *service.Call, in *PolicyArnInput) (*ListTagsResult, error) {
	var out *ListTagsResult
	err := c.Deps.Store.View(ctx, func(tx store.Tx) error {
		p, err := loadPolicyTx(tx, c.Account(), in.PolicyArn)
		if err == nil {
			out = &ListTagsResult{Tags: tagShapes(p.Tags)}
		}
		return err
	})
	return out, err
}
