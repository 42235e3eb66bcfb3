package iam

import (
	"context"
	"errors"
	"strings"
	"time"

	"github.com/moatdev/moat/internal/awserr"
	"github.com/moatdev/moat/internal/identity"
	"github.com/moatdev/moat/internal/service"
	"github.com/moatdev/moat/internal/store"
)

// Instance profiles: the container that hands a role to an EC2 instance.

const (
	tableProfiles    = "iam.profiles"    // account/lower(name) → instanceProfile
	tableRoleProfile = "iam.roleprofile" // account/lower(role)/lower(profile) → ""
)

type instanceProfile struct {
	Account string    `json:"account"`
	Name    string    `json:"name"`
	ID      string    `json:"id"`
	Path    string    `json:"path"`
	Role    string    `json:"role,omitempty"` // at most one role, as IAM allows
	Created time.Time `json:"created"`
}

func (p *instanceProfile) arn() string {
	return "arn:aws:iam::" + p.Account + ":instance-profile" + p.Path + p.Name
}

func profileRes[In any](name func(*In) string) service.OpOption[In] {
	return service.Resource(func(_ context.Context, c *service.Call, in *In) (string, error) {
		return "arn:aws:iam::" + c.Account() + ":instance-profile/" + name(in), nil
	})
}

func profileOps() []*service.Operation {
	return []*service.Operation{
		service.Op("CreateInstanceProfile", "iam:CreateInstanceProfile", createInstanceProfile, profileRes(func(in *CreateInstanceProfileInput) string { return in.InstanceProfileName })),
		service.Op("GetInstanceProfile", "iam:GetInstanceProfile", getInstanceProfile, service.ReadOnly[ProfileNameInput](), profileRes(func(in *ProfileNameInput) string { return in.InstanceProfileName })),
		service.Op("DeleteInstanceProfile", "iam:DeleteInstanceProfile", deleteInstanceProfile, profileRes(func(in *ProfileNameInput) string { return in.InstanceProfileName })),
		service.Op("ListInstanceProfiles", "iam:ListInstanceProfiles", listInstanceProfiles, service.ReadOnly[ListUsersInput]()),
		service.Op("AddRoleToInstanceProfile", "iam:AddRoleToInstanceProfile", addRoleToInstanceProfile, profileRes(func(in *ProfileRoleInput) string { return in.InstanceProfileName })),
		service.Op("RemoveRoleFromInstanceProfile", "iam:RemoveRoleFromInstanceProfile", removeRoleFromInstanceProfile, profileRes(func(in *ProfileRoleInput) string { return in.InstanceProfileName })),
		service.Op("ListInstanceProfilesForRole", "iam:ListInstanceProfilesForRole", listInstanceProfilesForRole, service.ReadOnly[RoleNameInput](), roleRes(func(in *RoleNameInput) string { return in.RoleName })),
	}
}

// InstanceProfile is IAM's InstanceProfile shape.
type InstanceProfile struct {
	Path                string
	InstanceProfileName string
	InstanceProfileId   string
	Arn                 string
	CreateDate          time.Time
	Roles               []Role
}

func profileShape(tx store.Tx, p *instanceProfile) (InstanceProfile, error) {
	out := InstanceProfile{Path: p.Path, InstanceProfileName: p.Name, InstanceProfileId: p.ID, Arn: p.arn(), CreateDate: p.Created, Roles: []Role{}}
	if p.Role != "" {
		r, err := GetRoleTx(tx, p.Account, p.Role)
		if err != nil {
			return out, err
		}
		out.Roles = append(out.Roles, roleShape(r))
	}
	return out, nil
}

func getProfileTx(tx store.Tx, account, name string) (*instanceProfile, error) {
	return getRecord[instanceProfile](tx, tableProfiles, identity.UserKey(account, name), func() error {
		return awserr.NoSuchEntity.New("Instance Profile %s cannot be found.", name)
	})
}

// CreateInstanceProfileInput is IAM's CreateInstanceProfile request.
type CreateInstanceProfileInput struct {
	InstanceProfileName string `aws:",required"`
	Path                *string
}

// InstanceProfileResult is IAM's Create/GetInstanceProfile response.
type InstanceProfileResult struct{ InstanceProfile InstanceProfile }

func createInstanceProfile(ctx context.Context, c *service.Call, in *CreateInstanceProfileInput) (*InstanceProfileResult, error) {
	if err := checkName("instanceProfileName", in.InstanceProfileName, 128); err != nil {
		return nil, err
	}
	if err := checkPath("path", in.Path); err != nil {
		return nil, err
	}
	p := &instanceProfile{Account: c.Account(), Name: in.InstanceProfileName, ID: identity.NewID("AIPA", 17), Path: deref(in.Path, "/"), Created: c.Now.UTC().Truncate(time.Second)}
	var out InstanceProfile
	err := c.Deps.Store.Update(ctx, func(tx store.Tx) error {
		err := tx.Insert(tableProfiles, identity.UserKey(p.Account, p.Name), identity.Encode(p))
		if errors.Is(err, store.ErrExists) {
			return awserr.EntityAlreadyExists.New("Instance Profile %s already exists.", in.InstanceProfileName)
		}
		if err != nil {
			return err
		}
		out, err = profileShape(tx, p)
		return err
	})
	if err != nil {
		return nil, err
	}
	return &InstanceProfileResult{InstanceProfile: out}, nil
}

// ProfileNameInput names an instance profile.
type ProfileNameInput struct {
	InstanceProfileName string `aws:",required"`
}

func getInstanceProfile(ctx context.Context, c *service.Call, in *ProfileNameInput) (*InstanceProfileResult, error) {
	var out InstanceProfile
	err := c.Deps.Store.View(ctx, func(tx store.Tx) error {
		p, err := getProfileTx(tx, c.Account(), in.InstanceProfileName)
		if err != nil {
			return err
		}
		out, err = profileShape(tx, p)
		return err
	})
	if err != nil {
		return nil, err
	}
	return &InstanceProfileResult{InstanceProfile: out}, nil
}

func deleteInstanceProfile(ctx context.Context, c *service.Call, in *ProfileNameInput) (*struct{}, error) {
	err := c.Deps.Store.Update(ctx, func(tx store.Tx) error {
		p, err := getProfileTx(tx, c.Account(), in.InstanceProfileName)
		if err != nil {
			return err
		}
		if p.Role != "" {
			return awserr.DeleteConflict.New("Cannot delete entity, must remove roles from instance profile first.")
		}
		return tx.Delete(tableProfiles, identity.UserKey(p.Account, p.Name))
	})
	return nil, err
}

// ListInstanceProfilesResult is IAM's ListInstanceProfiles response.
type ListInstanceProfilesResult struct {
	InstanceProfiles []InstanceProfile
	IsTruncated      bool
}

func listInstanceProfiles(ctx context.Context, c *service.Call, in *ListUsersInput) (*ListInstanceProfilesResult, error) {
	out := &ListInstanceProfilesResult{InstanceProfiles: []InstanceProfile{}}
	err := c.Deps.Store.View(ctx, func(tx store.Tx) error {
		return tx.Scan(tableProfiles, c.Account()+"/", "", 0, func(k string, b []byte) error {
			var p instanceProfile
			if err := identity.Decode(tableProfiles, k, b, &p); err != nil {
				return err
			}
			if !strings.HasPrefix(p.Path, deref(in.PathPrefix, "/")) {
				return nil
			}
			s, err := profileShape(tx, &p)
			out.InstanceProfiles = append(out.InstanceProfiles, s)
			return err
		})
	})
	return out, err
}

// ProfileRoleInput is IAM's Add/RemoveRoleToInstanceProfile request.
type ProfileRoleInput struct {
	InstanceProfileName string `aws:",required"`
	RoleName            string `aws:",required"`
}

func addRoleToInstanceProfile(ctx context.Context, c *service.Call, in *ProfileRoleInput) (*struct{}, error) {
	err := c.Deps.Store.Update(ctx, func(tx store.Tx) error {
		p, err := getProfileTx(tx, c.Account(), in.InstanceProfileName)
		if err != nil {
			return err
		}
		r, err := GetRoleTx(tx, c.Account(), in.RoleName)
		if err != nil {
			return err
		}
		if p.Role != "" {
			return awserr.LimitExceeded.New("Cannot exceed quota for InstanceSessionsPerInstanceProfile: 1")
		}
		p.Role = r.RoleName
		if err := tx.Put(tableRoleProfile, identity.RoleKey(r.Account, r.RoleName)+"/"+strings.ToLower(p.Name), nil); err != nil {
			return err
		}
		return tx.Put(tableProfiles, identity.UserKey(p.Account, p.Name), identity.Encode(p))
	})
	return nil, err
}

func removeRoleFromInstanceProfile(ctx context.Context, c *service.Call, in *ProfileRoleInput) (*struct{}, error) {
	err := c.Deps.Store.Update(ctx, func(tx store.Tx) error {
		p, err := getProfileTx(tx, c.Account(), in.InstanceProfileName)
		if err != nil {
			return err
		}
		if !strings.EqualFold(p.Role, in.RoleName) {
			return awserr.NoSuchEntity.New("The role with name %s cannot be found.", in.RoleName)
		}
		if err := tx.Delete(tableRoleProfile, identity.RoleKey(p.Account, p.Role)+"/"+strings.ToLower(p.Name)); err != nil {
			return err
		}
		p.Role = ""
		return tx.Put(tableProfiles, identity.UserKey(p.Account, p.Name), identity.Encode(p))
	})
	return nil, err
}

// ListInstanceProfilesForRoleResult is IAM's response.
type ListInstanceProfilesForRoleResult struct {
	InstanceProfiles []InstanceProfile
	IsTruncated      bool
}

func listInstanceProfilesForRole(ctx context.Context, c *service.Call, in *RoleNameInput) (*ListInstanceProfilesForRoleResult, error) {
	out := &ListInstanceProfilesForRoleResult{InstanceProfiles: []InstanceProfile{}}
	err := c.Deps.Store.View(ctx, func(tx store.Tx) error {
		r, err := GetRoleTx(tx, c.Account(), in.RoleName)
		if err != nil {
			return err
		}
		prefix := identity.RoleKey(r.Account, r.RoleName) + "/"
		return tx.Scan(tableRoleProfile, prefix, "", 0, func(k string, _ []byte) error {
			p, err := getProfileTx(tx, c.Account(), k[len(prefix):])
			if err != nil {
				return err
			}
			s, err := profileShape(tx, p)
			out.InstanceProfiles = append(out.InstanceProfiles, s)
			return err
		})
	})
	return out, err
}
