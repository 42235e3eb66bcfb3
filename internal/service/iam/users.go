package iam

import (
	"context"
	"errors"

	"github.com/moatdev/moat/internal/awserr"
	"github.com/moatdev/moat/internal/identity"
	"github.com/moatdev/moat/internal/service"
	"github.com/moatdev/moat/internal/store"
)

// CreateUserInput is IAM's CreateUser request.
type CreateUserInput struct {
	UserName            string `aws:",required"`
	Path                *string
	PermissionsBoundary *string
	Tags                []Tag
}

// CreateUserResult is IAM's CreateUser response.
type CreateUserResult struct{ User User }

func createUser(ctx context.Context, c *service.Call, in *CreateUserInput) (*CreateUserResult, error) {
	if err := checkName("userName", in.UserName, 64); err != nil {
		return nil, err
	}
	if err := checkPath("path", in.Path); err != nil {
		return nil, err
	}
	tags, err := tagsFrom(in.Tags)
	if err != nil {
		return nil, err
	}
	u := &identity.User{
		Account:  c.Account(),
		UserName: in.UserName,
		UserID:   identity.NewID("AIDA", 17),
		Path:     deref(in.Path, "/"),
		Created:  c.Now.UTC().Truncate(1e9),
		Tags:     tags,
	}
	err = c.Deps.Store.Update(ctx, func(tx store.Tx) error {
		if in.PermissionsBoundary != nil {
			if err := checkBoundary(tx, c.Account(), *in.PermissionsBoundary); err != nil {
				return err
			}
			u.PermissionsBoundary = *in.PermissionsBoundary
		}
		err := tx.Insert(identity.TableUsers, identity.UserKey(u.Account, u.UserName), identity.Encode(u))
		if errors.Is(err, store.ErrExists) {
			return awserr.EntityAlreadyExists.New("User with name %s already exists.", in.UserName)
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	return &CreateUserResult{User: userShape(u)}, nil
}

// GetUserInput is IAM's GetUser request.
type GetUserInput struct{ UserName *string }

// GetUserResult is IAM's GetUser response.
type GetUserResult struct{ User User }

func getUser(ctx context.Context, c *service.Call, in *GetUserInput) (*GetUserResult, error) {
	name := deref(in.UserName, "")
	if name == "" {
		if c.Principal.Kind == identity.Root {
			return &GetUserResult{User: rootUser(ctx, c)}, nil
		}
		name = c.Principal.UserName
	}
	if err := checkName("userName", name, 128); err != nil {
		return nil, err
	}
	u, err := loadUser(ctx, c, name)
	if err != nil {
		return nil, err
	}
	return &GetUserResult{User: userShape(u)}, nil
}

// rootUser is what GetUser answers the root user: its ARN, the account id as
// UserId, and the account's creation date; no UserName or path.
func rootUser(ctx context.Context, c *service.Call) User {
	u := User{UserId: c.Account(), Arn: "arn:aws:iam::" + c.Account() + ":root"}
	_ = c.Deps.Store.View(ctx, func(tx store.Tx) error {
		b, err := tx.Get(identity.TableAccounts, c.Account())
		if err != nil {
			return err
		}
		var a identity.Account
		if identity.Decode(identity.TableAccounts, c.Account(), b, &a) == nil {
			u.CreateDate = a.Created
		}
		return nil
	})
	return u
}

// ListUsersInput is IAM's ListUsers request.
type ListUsersInput struct {
	PathPrefix *string
	Marker     *string
	MaxItems   *int32
}

// ListUsersResult is IAM's ListUsers response.
type ListUsersResult struct {
	Users       []User
	IsTruncated bool
	Marker      *string
}

func listUsers(ctx context.Context, c *service.Call, in *ListUsersInput) (*ListUsersResult, error) {
	users, marker, truncated, err := listByPath(ctx, c, identity.TableUsers, in, func(u *identity.User) string { return u.Path }, userShape)
	if err != nil {
		return nil, err
	}
	return &ListUsersResult{Users: users, IsTruncated: truncated, Marker: marker}, nil
}

// DeleteUserInput is IAM's DeleteUser request.
type DeleteUserInput struct {
	UserName string `aws:",required"`
}

func deleteUser(ctx context.Context, c *service.Call, in *DeleteUserInput) (*struct{}, error) {
	if err := checkName("userName", in.UserName, 128); err != nil {
		return nil, err
	}
	key := identity.UserKey(c.Account(), in.UserName)
	err := c.Deps.Store.Update(ctx, func(tx store.Tx) error {
		if _, err := getUserTx(tx, c.Account(), in.UserName); err != nil {
			return err
		}
		hasKeys := false
		err := tx.Scan(identity.TableUserKeys, identity.KeyIndexPrefix(c.Account(), in.UserName), "", 1, func(string, []byte) error {
			hasKeys = true
			return nil
		})
		if err != nil {
			return err
		}
		if hasKeys {
			return awserr.DeleteConflict.New("Cannot delete entity, must delete access keys first.")
		}
		if _, err := tx.Get(tableLogin, key); err == nil {
			return awserr.DeleteConflict.New("Cannot delete entity, must delete login profile first.")
		}
		if err := refuseWhileDependents(tx, key,
			dependent{identity.TableUserPolicies, "Cannot delete entity, must delete policies first."},
			dependent{identity.TableUserAttached, "Cannot delete entity, must detach all policies first."},
			dependent{identity.TableUserGroups, "Cannot delete entity, must remove users from group first."},
		); err != nil {
			return err
		}
		return tx.Delete(identity.TableUsers, key)
	})
	return nil, err
}
