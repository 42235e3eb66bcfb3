package iam

import (
	"context"
	"errors"
	"strings"

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
		if hasMFA, err := userHasMFA(tx, c.Account(), in.UserName); err != nil {
			return err
		} else if hasMFA {
			return awserr.DeleteConflict.New("Cannot delete entity, must remove MFA device first.")
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

// UpdateUserInput is IAM's UpdateUser request.
type UpdateUserInput struct {
	UserName    string `aws:",required"`
	NewUserName *string
	NewPath     *string
}

// updateUser renames a user and/or moves it to a new path. Everything keyed
// by the user's name moves with it in one transaction: access keys, inline
// and attached policies, group memberships, the login profile and MFA
// devices, as IAM keeps them with the renamed user.
//
// AWS also requires iam:UpdateUser on the target name when renaming; moat
// authorizes the source user only (the target ARN does not exist yet and
// policies that scope by user name rarely differ between the two).
func updateUser(ctx context.Context, c *service.Call, in *UpdateUserInput) (*struct{}, error) {
	if err := checkName("userName", in.UserName, 128); err != nil {
		return nil, err
	}
	if in.NewUserName != nil {
		if err := checkName("newUserName", *in.NewUserName, 64); err != nil {
			return nil, err
		}
	}
	if err := checkPath("newPath", in.NewPath); err != nil {
		return nil, err
	}
	acct := c.Account()
	err := c.Deps.Store.Update(ctx, func(tx store.Tx) error {
		u, err := getUserTx(tx, acct, in.UserName)
		if err != nil {
			return err
		}
		if in.NewPath != nil {
			u.Path = *in.NewPath
		}
		oldName := u.UserName
		if in.NewUserName == nil || *in.NewUserName == oldName {
			return tx.Put(identity.TableUsers, identity.UserKey(acct, oldName), identity.Encode(u))
		}
		newName := *in.NewUserName
		oldKey, newKey := identity.UserKey(acct, oldName), identity.UserKey(acct, newName)
		if oldKey != newKey {
			if _, err := tx.Get(identity.TableUsers, newKey); err == nil {
				return awserr.EntityAlreadyExists.New("User with name %s already exists.", newName)
			}
		}
		u.UserName = newName
		if err := tx.Delete(identity.TableUsers, oldKey); err != nil {
			return err
		}
		if err := tx.Put(identity.TableUsers, newKey, identity.Encode(u)); err != nil {
			return err
		}
		return renameUserRecords(tx, acct, oldName, newName)
	})
	if err == nil {
		c.Deps.Directory.Clear()
	}
	return nil, err
}

// renameUserRecords moves what is keyed by or names a user from oldName to
// newName.
func renameUserRecords(tx store.Tx, acct, oldName, newName string) error {
	oldKey, newKey := identity.UserKey(acct, oldName), identity.UserKey(acct, newName)
	// Tables keyed account/lower(user)/…: move each key.
	for _, t := range []string{identity.TableUserKeys, identity.TableUserPolicies, identity.TableUserAttached, identity.TableUserGroups} {
		if err := rekey(tx, t, oldKey+"/", newKey+"/"); err != nil {
			return err
		}
	}
	// Group members are keyed account/lower(group)/lower(user).
	var groups []string
	err := tx.Scan(identity.TableUserGroups, newKey+"/", "", 0, func(k string, _ []byte) error {
		groups = append(groups, k[len(newKey)+1:])
		return nil
	})
	if err != nil {
		return err
	}
	for _, g := range groups {
		gk := acct + "/" + g + "/"
		if err := tx.Delete(identity.TableGroupMembers, gk+strings.ToLower(oldName)); err != nil && !errors.Is(err, store.ErrNotFound) {
			return err
		}
		if err := tx.Put(identity.TableGroupMembers, gk+strings.ToLower(newName), nil); err != nil {
			return err
		}
	}
	// Records that carry the user's name.
	var keys []string
	err = tx.Scan(identity.TableUserKeys, newKey+"/", "", 0, func(k string, _ []byte) error {
		keys = append(keys, k[len(newKey)+1:])
		return nil
	})
	if err != nil {
		return err
	}
	for _, id := range keys {
		b, err := tx.Get(identity.TableAccessKeys, id)
		if err != nil {
			return err
		}
		var k identity.AccessKey
		if err := identity.Decode(identity.TableAccessKeys, id, b, &k); err != nil {
			return err
		}
		k.UserName = newName
		if err := tx.Put(identity.TableAccessKeys, id, identity.Encode(&k)); err != nil {
			return err
		}
	}
	if b, err := tx.Get(tableLogin, oldKey); err == nil {
		var lp loginProfile
		if err := identity.Decode(tableLogin, oldKey, b, &lp); err != nil {
			return err
		}
		lp.UserName = newName
		if err := tx.Delete(tableLogin, oldKey); err != nil {
			return err
		}
		if err := tx.Put(tableLogin, newKey, identity.Encode(&lp)); err != nil {
			return err
		}
	}
	devices, err := userMFADevices(tx, acct, oldName)
	if err != nil {
		return err
	}
	for i := range devices {
		devices[i].UserName = newName
		if err := tx.Put(identity.TableMFA, devices[i].SerialNumber, identity.Encode(&devices[i])); err != nil {
			return err
		}
	}
	return nil
}

// rekey moves every key of table under oldPrefix to newPrefix.
func rekey(tx store.Tx, table, oldPrefix, newPrefix string) error {
	type kv struct {
		k string
		v []byte
	}
	var moved []kv
	err := tx.Scan(table, oldPrefix, "", 0, func(k string, v []byte) error {
		moved = append(moved, kv{k[len(oldPrefix):], append([]byte(nil), v...)})
		return nil
	})
	if err != nil {
		return err
	}
	for _, m := range moved {
		if err := tx.Delete(table, oldPrefix+m.k); err != nil {
			return err
		}
	}
	for _, m := range moved {
		if err := tx.Put(table, newPrefix+m.k, m.v); err != nil {
			return err
		}
	}
	return nil
}

// userHasMFA reports whether an MFA device is enabled for the user.
func userHasMFA(tx store.Tx, acct, name string) (bool, error) {
	devices, err := userMFADevices(tx, acct, name)
	return len(devices) > 0, err
}
