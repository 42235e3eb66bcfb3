package iam

import (
	"context"

	"github.com/moatdev/moat/internal/awserr"
	"github.com/moatdev/moat/internal/identity"
	"github.com/moatdev/moat/internal/service"
	"github.com/moatdev/moat/internal/store"
)

// Permissions boundaries: a managed policy (customer or AWS) that caps what
// a user's or role's identity policies can grant.

func boundaryOps() []*service.Operation {
	return []*service.Operation{
		service.Op("PutUserPermissionsBoundary", "iam:PutUserPermissionsBoundary", putUserBoundary, service.Resource(func(ctx context.Context, c *service.Call, in *UserBoundaryInput) (string, error) {
			return existingUserARN(ctx, c, in.UserName)
		})),
		service.Op("DeleteUserPermissionsBoundary", "iam:DeleteUserPermissionsBoundary", deleteUserBoundary, service.Resource(func(ctx context.Context, c *service.Call, in *UserBoundaryInput) (string, error) {
			return existingUserARN(ctx, c, in.UserName)
		})),
		service.Op("PutRolePermissionsBoundary", "iam:PutRolePermissionsBoundary", putRoleBoundary, roleRes(func(in *RoleBoundaryInput) string { return in.RoleName })),
		service.Op("DeleteRolePermissionsBoundary", "iam:DeleteRolePermissionsBoundary", deleteRoleBoundary, roleRes(func(in *RoleBoundaryInput) string { return in.RoleName })),
	}
}

// checkBoundary reports whether arn names a managed policy that can be a
// boundary, as IAM words it when it cannot.
func checkBoundary(tx store.Tx, account, arn string) error {
	if _, err := loadPolicyTx(tx, account, arn); err != nil {
		if awserr.NoSuchEntity.Is(err) || awserr.InvalidInput.Is(err) {
			return awserr.NoSuchEntity.New("Scope ARN: %s does not exist or is not attachable.", arn)
		}
		return err
	}
	return nil
}

// UserBoundaryInput is IAM's Put/DeleteUserPermissionsBoundary request.
type UserBoundaryInput struct {
	UserName            string `aws:",required"`
	PermissionsBoundary *string
}

func setUserBoundary(ctx context.Context, c *service.Call, name, arn string) error {
	err := c.Deps.Store.Update(ctx, func(tx store.Tx) error {
		u, err := getUserTx(tx, c.Account(), name)
		if err != nil {
			return err
		}
		if arn != "" {
			if err := checkBoundary(tx, c.Account(), arn); err != nil {
				return err
			}
		}
		u.PermissionsBoundary = arn
		return tx.Put(identity.TableUsers, identity.UserKey(u.Account, u.UserName), identity.Encode(u))
	})
	if err == nil {
		c.Deps.PoliciesChanged()
	}
	return err
}

func putUserBoundary(ctx context.Context, c *service.Call, in *UserBoundaryInput) (*struct{}, error) {
	if in.PermissionsBoundary == nil {
		return nil, validationError("Value null at 'permissionsBoundary' failed to satisfy constraint: Member must not be null")
	}
	return nil, setUserBoundary(ctx, c, in.UserName, *in.PermissionsBoundary)
}

func deleteUserBoundary(ctx context.Context, c *service.Call, in *UserBoundaryInput) (*struct{}, error) {
	return nil, setUserBoundary(ctx, c, in.UserName, "")
}

// RoleBoundaryInput is IAM's Put/DeleteRolePermissionsBoundary request.
type RoleBoundaryInput struct {
	RoleName            string `aws:",required"`
	PermissionsBoundary *string
}

func setRoleBoundary(ctx context.Context, c *service.Call, name, arn string) error {
	err := c.Deps.Store.Update(ctx, func(tx store.Tx) error {
		r, err := GetRoleTx(tx, c.Account(), name)
		if err != nil {
			return err
		}
		if arn != "" {
			if err := checkBoundary(tx, c.Account(), arn); err != nil {
				return err
			}
		}
		r.PermissionsBoundary = arn
		return tx.Put(identity.TableRoles, identity.RoleKey(r.Account, r.RoleName), identity.Encode(r))
	})
	if err == nil {
		c.Deps.PoliciesChanged()
	}
	return err
}

func putRoleBoundary(ctx context.Context, c *service.Call, in *RoleBoundaryInput) (*struct{}, error) {
	if in.PermissionsBoundary == nil {
		return nil, validationError("Value null at 'permissionsBoundary' failed to satisfy constraint: Member must not be null")
	}
	return nil, setRoleBoundary(ctx, c, in.RoleName, *in.PermissionsBoundary)
}

func deleteRoleBoundary(ctx context.Context, c *service.Call, in *RoleBoundaryInput) (*struct{}, error) {
	return nil, setRoleBoundary(ctx, c, in.RoleName, "")
}
