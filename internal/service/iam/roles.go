package iam

import (
	"context"
	"errors"
	"time"

	"github.com/moatdev/moat/internal/awserr"
	"github.com/moatdev/moat/internal/identity"
	"github.com/moatdev/moat/internal/service"
	"github.com/moatdev/moat/internal/store"
	"github.com/moatdev/moat/policy"
)

// IAM quotas for roles.
const (
	maxInlineRolePolicy = 10240
	maxTrustPolicy      = 2048
)

var roles = owner{noun: "role", inline: identity.TableRolePolicies, attached: identity.TableRoleAttached, maxInline: maxInlineRolePolicy,
	key: func(tx store.Tx, account, name string) (string, error) {
		r, err := GetRoleTx(tx, account, name)
		if err != nil {
			return "", err
		}
		return identity.RoleKey(account, r.RoleName), nil
	}}

// GetRoleTx reads a role; a missing one is NoSuchEntity.
func GetRoleTx(tx store.Tx, account, name string) (*identity.Role, error) {
	return getRecord[identity.Role](tx, identity.TableRoles, identity.RoleKey(account, name), func() error {
		return awserr.NoSuchEntity.New("The role with name %s cannot be found.", name)
	})
}

func roleARN(account, path, name string) string {
	return "arn:aws:iam::" + account + ":role" + path + name
}

func existingRoleARN(ctx context.Context, c *service.Call, name string) (string, error) {
	var arn string
	err := c.Deps.Store.View(ctx, func(tx store.Tx) error {
		r, err := GetRoleTx(tx, c.Account(), name)
		if awserr.NoSuchEntity.Is(err) {
			arn = roleARN(c.Account(), "/", name)
			return nil
		}
		if err == nil {
			arn = r.ARN()
		}
		return err
	})
	return arn, err
}

func roleRes[In any](name func(*In) string) service.OpOption[In] {
	return service.Resource(func(ctx context.Context, c *service.Call, in *In) (string, error) {
		return existingRoleARN(ctx, c, name(in))
	})
}

func roleOps() []*service.Operation {
	return []*service.Operation{
		service.Op("CreateRole", "iam:CreateRole", createRole, service.Resource(func(_ context.Context, c *service.Call, in *CreateRoleInput) (string, error) {
			return roleARN(c.Account(), deref(in.Path, "/"), in.RoleName), nil
		}), service.ContextKeys(func(in *CreateRoleInput, set func(string, string)) { requestTags(in.Tags, set) })),
		service.Op("GetRole", "iam:GetRole", getRole, service.ReadOnly[RoleNameInput](), roleRes(func(in *RoleNameInput) string { return in.RoleName })),
		service.Op("DeleteRole", "iam:DeleteRole", deleteRole, roleRes(func(in *RoleNameInput) string { return in.RoleName })),
		service.Op("ListRoles", "iam:ListRoles", listRoles, service.ReadOnly[ListUsersInput]()),
		service.Op("UpdateAssumeRolePolicy", "iam:UpdateAssumeRolePolicy", updateAssumeRolePolicy, roleRes(func(in *UpdateAssumeRolePolicyInput) string { return in.RoleName })),
		service.Op("PutRolePolicy", "iam:PutRolePolicy", putRolePolicy, roleRes(func(in *PutRolePolicyInput) string { return in.RoleName })),
		service.Op("GetRolePolicy", "iam:GetRolePolicy", getRolePolicy, service.ReadOnly[RolePolicyInput](), roleRes(func(in *RolePolicyInput) string { return in.RoleName })),
		service.Op("DeleteRolePolicy", "iam:DeleteRolePolicy", deleteRolePolicy, roleRes(func(in *RolePolicyInput) string { return in.RoleName })),
		service.Op("ListRolePolicies", "iam:ListRolePolicies", listRolePolicies, service.ReadOnly[ListRolePoliciesInput](), roleRes(func(in *ListRolePoliciesInput) string { return in.RoleName })),
		service.Op("AttachRolePolicy", "iam:AttachRolePolicy", attachRolePolicy, roleRes(func(in *AttachRolePolicyInput) string { return in.RoleName })),
		service.Op("DetachRolePolicy", "iam:DetachRolePolicy", detachRolePolicy, roleRes(func(in *AttachRolePolicyInput) string { return in.RoleName })),
		service.Op("ListAttachedRolePolicies", "iam:ListAttachedRolePolicies", listAttachedRolePolicies, service.ReadOnly[ListAttachedRolePoliciesInput](), roleRes(func(in *ListAttachedRolePoliciesInput) string { return in.RoleName })),
	}
}

// Role is IAM's Role shape.
type Role struct {
	Path                     string
	RoleName                 string
	RoleId                   string
	Arn                      string
	CreateDate               time.Time
	AssumeRolePolicyDocument string
	Description              string `aws:",omitempty"`
	MaxSessionDuration       int32
	PermissionsBoundary      *AttachedPermissionsBoundary
	Tags                     []Tag
}

func roleShape(r *identity.Role) Role {
	out := Role{Path: r.Path, RoleName: r.RoleName, RoleId: r.RoleID, Arn: r.ARN(), CreateDate: r.Created,
		AssumeRolePolicyDocument: encodeDocument(r.AssumeRolePolicyDocument), Description: r.Description, MaxSessionDuration: r.MaxSessionDuration}
	if r.PermissionsBoundary != "" {
		out.PermissionsBoundary = &AttachedPermissionsBoundary{PermissionsBoundaryType: "Policy", PermissionsBoundaryArn: r.PermissionsBoundary}
	}
	for _, t := range r.Tags {
		out.Tags = append(out.Tags, Tag{Key: t.Key, Value: t.Value})
	}
	return out
}

// CreateRoleInput is IAM's CreateRole request.
type CreateRoleInput struct {
	RoleName                 string `aws:",required"`
	AssumeRolePolicyDocument string `aws:",required"`
	Path                     *string
	Description              *string
	MaxSessionDuration       *int32
	PermissionsBoundary      *string
	Tags                     []Tag
}

// CreateRoleResult is IAM's CreateRole response.
type CreateRoleResult struct{ Role Role }

func checkTrust(doc string) error {
	return checkDocument(doc, policy.Trust, maxTrustPolicy, func() error {
		return awserr.LimitExceeded.New("Cannot exceed quota for ACLSizePerRole: %d", maxTrustPolicy)
	})
}

func createRole(ctx context.Context, c *service.Call, in *CreateRoleInput) (*CreateRoleResult, error) {
	if err := checkName("roleName", in.RoleName, 64); err != nil {
		return nil, err
	}
	if err := checkPath("path", in.Path); err != nil {
		return nil, err
	}
	if err := checkTrust(in.AssumeRolePolicyDocument); err != nil {
		return nil, err
	}
	max := int32(3600)
	if in.MaxSessionDuration != nil {
		max = *in.MaxSessionDuration
		if max < 3600 || max > 43200 {
			return nil, validationError("Value '%d' at 'maxSessionDuration' failed to satisfy constraint: Member must have value between 3600 and 43200", max)
		}
	}
	tags, err := tagsFrom(in.Tags)
	if err != nil {
		return nil, err
	}
	r := &identity.Role{Account: c.Account(), RoleName: in.RoleName, RoleID: identity.NewID("AROA", 17), Path: deref(in.Path, "/"),
		AssumeRolePolicyDocument: in.AssumeRolePolicyDocument, Description: deref(in.Description, ""), MaxSessionDuration: max,
		Created: c.Now.UTC().Truncate(time.Second), Tags: tags}
	err = c.Deps.Store.Update(ctx, func(tx store.Tx) error {
		if in.PermissionsBoundary != nil {
			if err := checkBoundary(tx, c.Account(), *in.PermissionsBoundary); err != nil {
				return err
			}
			r.PermissionsBoundary = *in.PermissionsBoundary
		}
		err := tx.Insert(identity.TableRoles, identity.RoleKey(r.Account, r.RoleName), identity.Encode(r))
		if errors.Is(err, store.ErrExists) {
			return awserr.EntityAlreadyExists.New("Role with name %s already exists.", in.RoleName)
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	return &CreateRoleResult{Role: roleShape(r)}, nil
}

// RoleNameInput names a role.
type RoleNameInput struct {
	RoleName string `aws:",required"`
}

// GetRoleResult is IAM's GetRole response.
type GetRoleResult struct{ Role Role }

func getRole(ctx context.Context, c *service.Call, in *RoleNameInput) (*GetRoleResult, error) {
	var out *GetRoleResult
	err := c.Deps.Store.View(ctx, func(tx store.Tx) error {
		r, err := GetRoleTx(tx, c.Account(), in.RoleName)
		if err == nil {
			out = &GetRoleResult{Role: roleShape(r)}
		}
		return err
	})
	return out, err
}

func deleteRole(ctx context.Context, c *service.Call, in *RoleNameInput) (*struct{}, error) {
	err := c.Deps.Store.Update(ctx, func(tx store.Tx) error {
		r, err := GetRoleTx(tx, c.Account(), in.RoleName)
		if err != nil {
			return err
		}
		key := identity.RoleKey(r.Account, r.RoleName)
		if err := refuseWhileDependents(tx, key,
			dependent{tableRoleProfile, "Cannot delete entity, must remove roles from instance profile first."},
			dependent{identity.TableRolePolicies, "Cannot delete entity, must delete policies first."},
			dependent{identity.TableRoleAttached, "Cannot delete entity, must detach all policies first."},
		); err != nil {
			return err
		}
		return tx.Delete(identity.TableRoles, key)
	})
	if err == nil {
		c.Deps.PoliciesChanged()
		c.Deps.Directory.Clear() // the role's sessions end with it
	}
	return nil, err
}

// ListRolesResult is IAM's ListRoles response.
type ListRolesResult struct {
	Roles       []Role
	IsTruncated bool
	Marker      *string
}

func listRoles(ctx context.Context, c *service.Call, in *ListUsersInput) (*ListRolesResult, error) {
	roles, marker, truncated, err := listByPath(ctx, c, identity.TableRoles, in, func(r *identity.Role) string { return r.Path }, roleShape)
	if err != nil {
		return nil, err
	}
	return &ListRolesResult{Roles: roles, IsTruncated: truncated, Marker: marker}, nil
}

// UpdateAssumeRolePolicyInput is IAM's UpdateAssumeRolePolicy request.
type UpdateAssumeRolePolicyInput struct {
	RoleName       string `aws:",required"`
	PolicyDocument string `aws:",required"`
}

func updateAssumeRolePolicy(ctx context.Context, c *service.Call, in *UpdateAssumeRolePolicyInput) (*struct{}, error) {
	if err := checkTrust(in.PolicyDocument); err != nil {
		return nil, err
	}
	err := c.Deps.Store.Update(ctx, func(tx store.Tx) error {
		r, err := GetRoleTx(tx, c.Account(), in.RoleName)
		if err != nil {
			return err
		}
		r.AssumeRolePolicyDocument = in.PolicyDocument
		return tx.Put(identity.TableRoles, identity.RoleKey(r.Account, r.RoleName), identity.Encode(r))
	})
	return nil, err
}

// PutRolePolicyInput is IAM's PutRolePolicy request.
type PutRolePolicyInput struct {
	RoleName       string `aws:",required"`
	PolicyName     string `aws:",required"`
	PolicyDocument string `aws:",required"`
}

func putRolePolicy(ctx context.Context, c *service.Call, in *PutRolePolicyInput) (*struct{}, error) {
	return nil, putInline(ctx, c, roles, in.RoleName, in.PolicyName, in.PolicyDocument)
}

// RolePolicyInput names one inline policy of a role.
type RolePolicyInput struct {
	RoleName   string `aws:",required"`
	PolicyName string `aws:",required"`
}

// GetRolePolicyResult is IAM's GetRolePolicy response.
type GetRolePolicyResult struct {
	RoleName       string
	PolicyName     string
	PolicyDocument string
}

func getRolePolicy(ctx context.Context, c *service.Call, in *RolePolicyInput) (*GetRolePolicyResult, error) {
	p, err := getInline(ctx, c, roles, in.RoleName, in.PolicyName)
	if err != nil {
		return nil, err
	}
	return &GetRolePolicyResult{RoleName: in.RoleName, PolicyName: p.PolicyName, PolicyDocument: encodeDocument(p.Document)}, nil
}

func deleteRolePolicy(ctx context.Context, c *service.Call, in *RolePolicyInput) (*struct{}, error) {
	return nil, deleteInline(ctx, c, roles, in.RoleName, in.PolicyName)
}

// ListRolePoliciesInput is IAM's ListRolePolicies request.
type ListRolePoliciesInput struct {
	RoleName string `aws:",required"`
	Marker   *string
	MaxItems *int32
}

func listRolePolicies(ctx context.Context, c *service.Call, in *ListRolePoliciesInput) (*ListUserPoliciesResult, error) {
	names, next, err := listKeys(ctx, c, roles, roles.inline, in.RoleName, in.Marker, in.MaxItems, all)
	if err != nil {
		return nil, err
	}
	return &ListUserPoliciesResult{PolicyNames: names, IsTruncated: next != nil, Marker: next}, nil
}

// AttachRolePolicyInput is IAM's AttachRolePolicy and DetachRolePolicy request.
type AttachRolePolicyInput struct {
	RoleName  string `aws:",required"`
	PolicyArn string `aws:",required"`
}

func attachRolePolicy(ctx context.Context, c *service.Call, in *AttachRolePolicyInput) (*struct{}, error) {
	return nil, changeAttachment(ctx, c, roles, in.RoleName, in.PolicyArn, true)
}

func detachRolePolicy(ctx context.Context, c *service.Call, in *AttachRolePolicyInput) (*struct{}, error) {
	return nil, changeAttachment(ctx, c, roles, in.RoleName, in.PolicyArn, false)
}

// ListAttachedRolePoliciesInput is IAM's ListAttachedRolePolicies request.
type ListAttachedRolePoliciesInput struct {
	RoleName   string `aws:",required"`
	PathPrefix *string
	Marker     *string
	MaxItems   *int32
}

func listAttachedRolePolicies(ctx context.Context, c *service.Call, in *ListAttachedRolePoliciesInput) (*ListAttachedUserPoliciesResult, error) {
	arns, next, err := listKeys(ctx, c, roles, roles.attached, in.RoleName, in.Marker, in.MaxItems, pathFilter(in.PathPrefix))
	if err != nil {
		return nil, err
	}
	return &ListAttachedUserPoliciesResult{AttachedPolicies: attachedShapes(arns), IsTruncated: next != nil, Marker: next}, nil
}
