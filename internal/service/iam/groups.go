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

// maxInlineGroupPolicy is IAM's quota for a group's inline policies.
const maxInlineGroupPolicy = 5120

var groups = owner{noun: "group", inline: identity.TableGroupPolicies, attached: identity.TableGroupAttached, maxInline: maxInlineGroupPolicy,
	key: func(tx store.Tx, account, name string) (string, error) {
		g, err := getGroupTx(tx, account, name)
		if err != nil {
			return "", err
		}
		return identity.GroupKey(account, g.GroupName), nil
	}}

func getGroupTx(tx store.Tx, account, name string) (*identity.Group, error) {
	return getRecord[identity.Group](tx, identity.TableGroups, identity.GroupKey(account, name), func() error {
		return awserr.NoSuchEntity.New("The group with name %s cannot be found.", name)
	})
}

func existingGroupARN(ctx context.Context, c *service.Call, name string) (string, error) {
	arn := "arn:aws:iam::" + c.Account() + ":group/" + name
	err := c.Deps.Store.View(ctx, func(tx store.Tx) error {
		g, err := getGroupTx(tx, c.Account(), name)
		if err == nil {
			arn = g.ARN()
		}
		if awserr.NoSuchEntity.Is(err) {
			return nil
		}
		return err
	})
	return arn, err
}

func groupRes[In any](name func(*In) string) service.OpOption[In] {
	return service.Resource(func(ctx context.Context, c *service.Call, in *In) (string, error) {
		return existingGroupARN(ctx, c, name(in))
	})
}

func groupOps() []*service.Operation {
	return []*service.Operation{
		service.Op("CreateGroup", "iam:CreateGroup", createGroup, service.Resource(func(_ context.Context, c *service.Call, in *CreateGroupInput) (string, error) {
			return "arn:aws:iam::" + c.Account() + ":group" + deref(in.Path, "/") + in.GroupName, nil
		})),
		service.Op("GetGroup", "iam:GetGroup", getGroup, service.ReadOnly[GroupNameInput](), groupRes(func(in *GroupNameInput) string { return in.GroupName })),
		service.Op("DeleteGroup", "iam:DeleteGroup", deleteGroup, groupRes(func(in *GroupNameInput) string { return in.GroupName })),
		service.Op("ListGroups", "iam:ListGroups", listGroups, service.ReadOnly[ListUsersInput]()),
		service.Op("AddUserToGroup", "iam:AddUserToGroup", addUserToGroup, groupRes(func(in *GroupMemberInput) string { return in.GroupName })),
		service.Op("RemoveUserFromGroup", "iam:RemoveUserFromGroup", removeUserFromGroup, groupRes(func(in *GroupMemberInput) string { return in.GroupName })),
		service.Op("ListGroupsForUser", "iam:ListGroupsForUser", listGroupsForUser, service.ReadOnly[ListUserPoliciesInput](), service.Resource(func(ctx context.Context, c *service.Call, in *ListUserPoliciesInput) (string, error) {
			return existingUserARN(ctx, c, in.UserName)
		})),
		service.Op("PutGroupPolicy", "iam:PutGroupPolicy", putGroupPolicy, groupRes(func(in *PutGroupPolicyInput) string { return in.GroupName })),
		service.Op("GetGroupPolicy", "iam:GetGroupPolicy", getGroupPolicy, service.ReadOnly[GroupPolicyInput](), groupRes(func(in *GroupPolicyInput) string { return in.GroupName })),
		service.Op("DeleteGroupPolicy", "iam:DeleteGroupPolicy", deleteGroupPolicy, groupRes(func(in *GroupPolicyInput) string { return in.GroupName })),
		service.Op("ListGroupPolicies", "iam:ListGroupPolicies", listGroupPolicies, service.ReadOnly[ListGroupPoliciesInput](), groupRes(func(in *ListGroupPoliciesInput) string { return in.GroupName })),
		service.Op("AttachGroupPolicy", "iam:AttachGroupPolicy", attachGroupPolicy, groupRes(func(in *AttachGroupPolicyInput) string { return in.GroupName })),
		service.Op("DetachGroupPolicy", "iam:DetachGroupPolicy", detachGroupPolicy, groupRes(func(in *AttachGroupPolicyInput) string { return in.GroupName })),
		service.Op("ListAttachedGroupPolicies", "iam:ListAttachedGroupPolicies", listAttachedGroupPolicies, service.ReadOnly[ListAttachedGroupPoliciesInput](), groupRes(func(in *ListAttachedGroupPoliciesInput) string { return in.GroupName })),
	}
}

// Group is IAM's Group shape.
type Group struct {
	Path       string
	GroupName  string
	GroupId    string
	Arn        string
	CreateDate time.Time
}

func groupShape(g *identity.Group) Group {
	return Group{Path: g.Path, GroupName: g.GroupName, GroupId: g.GroupID, Arn: g.ARN(), CreateDate: g.Created}
}

// CreateGroupInput is IAM's CreateGroup request.
type CreateGroupInput struct {
	GroupName string `aws:",required"`
	Path      *string
}

// CreateGroupResult is IAM's CreateGroup response.
type CreateGroupResult struct{ Group Group }

func createGroup(ctx context.Context, c *service.Call, in *CreateGroupInput) (*CreateGroupResult, error) {
	if err := checkName("groupName", in.GroupName, 128); err != nil {
		return nil, err
	}
	if err := checkPath("path", in.Path); err != nil {
		return nil, err
	}
	g := &identity.Group{Account: c.Account(), GroupName: in.GroupName, GroupID: identity.NewID("AGPA", 17), Path: deref(in.Path, "/"), Created: c.Now.UTC().Truncate(time.Second)}
	err := c.Deps.Store.Update(ctx, func(tx store.Tx) error {
		err := tx.Insert(identity.TableGroups, identity.GroupKey(g.Account, g.GroupName), identity.Encode(g))
		if errors.Is(err, store.ErrExists) {
			return awserr.EntityAlreadyExists.New("Group with name %s already exists.", in.GroupName)
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	return &CreateGroupResult{Group: groupShape(g)}, nil
}

// GroupNameInput names a group.
type GroupNameInput struct {
	GroupName string `aws:",required"`
	Marker    *string
	MaxItems  *int32
}

// GetGroupResult is IAM's GetGroup response.
type GetGroupResult struct {
	Group       Group
	Users       []User
	IsTruncated bool
	Marker      *string
}

func getGroup(ctx context.Context, c *service.Call, in *GroupNameInput) (*GetGroupResult, error) {
	limit, err := maxItems(in.MaxItems)
	if err != nil {
		return nil, err
	}
	out := &GetGroupResult{Users: []User{}}
	err = c.Deps.Store.View(ctx, func(tx store.Tx) error {
		g, err := getGroupTx(tx, c.Account(), in.GroupName)
		if err != nil {
			return err
		}
		out.Group = groupShape(g)
		prefix := identity.GroupKey(g.Account, g.GroupName) + "/"
		after, err := decodeMarker(in.Marker, prefix)
		if err != nil {
			return err
		}
		var last string
		err = tx.Scan(identity.TableGroupMembers, prefix, after, 0, func(key string, _ []byte) error {
			if len(out.Users) == limit {
				out.IsTruncated = true
				return errStop
			}
			u, err := getUserTx(tx, c.Account(), key[len(prefix):])
			if err != nil {
				return err
			}
			out.Users = append(out.Users, userShape(u))
			last = key
			return nil
		})
		if errors.Is(err, errStop) {
			m := encodeMarker(last)
			out.Marker = &m
			return nil
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

func deleteGroup(ctx context.Context, c *service.Call, in *GroupNameInput) (*struct{}, error) {
	err := c.Deps.Store.Update(ctx, func(tx store.Tx) error {
		g, err := getGroupTx(tx, c.Account(), in.GroupName)
		if err != nil {
			return err
		}
		key := identity.GroupKey(g.Account, g.GroupName)
		if err := refuseWhileDependents(tx, key,
			dependent{identity.TableGroupMembers, "Cannot delete entity, must remove users from group first."},
			dependent{identity.TableGroupPolicies, "Cannot delete entity, must delete policies first."},
			dependent{identity.TableGroupAttached, "Cannot delete entity, must detach all policies first."},
		); err != nil {
			return err
		}
		return tx.Delete(identity.TableGroups, key)
	})
	return nil, err
}

// ListGroupsResult is IAM's ListGroups and ListGroupsForUser response.
type ListGroupsResult struct {
	Groups      []Group
	IsTruncated bool
	Marker      *string
}

func listGroups(ctx context.Context, c *service.Call, in *ListUsersInput) (*ListGroupsResult, error) {
	groups, marker, truncated, err := listByPath(ctx, c, identity.TableGroups, in, func(g *identity.Group) string { return g.Path }, groupShape)
	if err != nil {
		return nil, err
	}
	return &ListGroupsResult{Groups: groups, IsTruncated: truncated, Marker: marker}, nil
}

// GroupMemberInput is IAM's AddUserToGroup and RemoveUserFromGroup request.
type GroupMemberInput struct {
	GroupName string `aws:",required"`
	UserName  string `aws:",required"`
}

func addUserToGroup(ctx context.Context, c *service.Call, in *GroupMemberInput) (*struct{}, error) {
	return nil, changeMembership(ctx, c, in, true)
}

func removeUserFromGroup(ctx context.Context, c *service.Call, in *GroupMemberInput) (*struct{}, error) {
	return nil, changeMembership(ctx, c, in, false)
}

func changeMembership(ctx context.Context, c *service.Call, in *GroupMemberInput, add bool) error {
	err := c.Deps.Store.Update(ctx, func(tx store.Tx) error {
		g, err := getGroupTx(tx, c.Account(), in.GroupName)
		if err != nil {
			return err
		}
		u, err := getUserTx(tx, c.Account(), in.UserName)
		if err != nil {
			return err
		}
		gk, uk := identity.GroupKey(g.Account, g.GroupName), identity.UserKey(u.Account, u.UserName)
		member, groupOf := gk+"/"+strings.ToLower(u.UserName), uk+"/"+strings.ToLower(g.GroupName)
		if add {
			if err := tx.Put(identity.TableGroupMembers, member, nil); err != nil {
				return err
			}
			return tx.Put(identity.TableUserGroups, groupOf, nil)
		}
		if err := tx.Delete(identity.TableGroupMembers, member); errors.Is(err, store.ErrNotFound) {
			return awserr.NoSuchEntity.New("The user with name %s cannot be found.", in.UserName)
		} else if err != nil {
			return err
		}
		return tx.Delete(identity.TableUserGroups, groupOf)
	})
	if err == nil {
		c.Deps.PoliciesChanged()
	}
	return err
}

func listGroupsForUser(ctx context.Context, c *service.Call, in *ListUserPoliciesInput) (*ListGroupsResult, error) {
	names, next, err := listKeys(ctx, c, users, identity.TableUserGroups, in.UserName, in.Marker, in.MaxItems, all)
	if err != nil {
		return nil, err
	}
	out := &ListGroupsResult{Groups: []Group{}, IsTruncated: next != nil, Marker: next}
	err = c.Deps.Store.View(ctx, func(tx store.Tx) error {
		for _, n := range names {
			g, err := getGroupTx(tx, c.Account(), n)
			if err != nil {
				return err
			}
			out.Groups = append(out.Groups, groupShape(g))
		}
		return nil
	})
	return out, err
}

// PutGroupPolicyInput is IAM's PutGroupPolicy request.
type PutGroupPolicyInput struct {
	GroupName      string `aws:",required"`
	PolicyName     string `aws:",required"`
	PolicyDocument string `aws:",required"`
}

func putGroupPolicy(ctx context.Context, c *service.Call, in *PutGroupPolicyInput) (*struct{}, error) {
	return nil, putInline(ctx, c, groups, in.GroupName, in.PolicyName, in.PolicyDocument)
}

// GroupPolicyInput names one inline policy of a group.
type GroupPolicyInput struct {
	GroupName  string `aws:",required"`
	PolicyName string `aws:",required"`
}

// GetGroupPolicyResult is IAM's GetGroupPolicy response.
type GetGroupPolicyResult struct {
	GroupName      string
	PolicyName     string
	PolicyDocument string
}

func getGroupPolicy(ctx context.Context, c *service.Call, in *GroupPolicyInput) (*GetGroupPolicyResult, error) {
	p, err := getInline(ctx, c, groups, in.GroupName, in.PolicyName)
	if err != nil {
		return nil, err
	}
	return &GetGroupPolicyResult{GroupName: in.GroupName, PolicyName: p.PolicyName, PolicyDocument: encodeDocument(p.Document)}, nil
}

func deleteGroupPolicy(ctx context.Context, c *service.Call, in *GroupPolicyInput) (*struct{}, error) {
	return nil, deleteInline(ctx, c, groups, in.GroupName, in.PolicyName)
}

// ListGroupPoliciesInput is IAM's ListGroupPolicies request.
type ListGroupPoliciesInput struct {
	GroupName string `aws:",required"`
	Marker    *string
	MaxItems  *int32
}

func listGroupPolicies(ctx context.Context, c *service.Call, in *ListGroupPoliciesInput) (*ListUserPoliciesResult, error) {
	names, next, err := listKeys(ctx, c, groups, groups.inline, in.GroupName, in.Marker, in.MaxItems, all)
	if err != nil {
		return nil, err
	}
	return &ListUserPoliciesResult{PolicyNames: names, IsTruncated: next != nil, Marker: next}, nil
}

// AttachGroupPolicyInput is IAM's AttachGroupPolicy and DetachGroupPolicy request.
type AttachGroupPolicyInput struct {
	GroupName string `aws:",required"`
	PolicyArn string `aws:",required"`
}

func attachGroupPolicy(ctx context.Context, c *service.Call, in *AttachGroupPolicyInput) (*struct{}, error) {
	return nil, changeAttachment(ctx, c, groups, in.GroupName, in.PolicyArn, true)
}

func detachGroupPolicy(ctx context.Context, c *service.Call, in *AttachGroupPolicyInput) (*struct{}, error) {
	return nil, changeAttachment(ctx, c, groups, in.GroupName, in.PolicyArn, false)
}

// ListAttachedGroupPoliciesInput is IAM's ListAttachedGroupPolicies request.
type ListAttachedGroupPoliciesInput struct {
	GroupName  string `aws:",required"`
	PathPrefix *string
	Marker     *string
	MaxItems   *int32
}

func listAttachedGroupPolicies(ctx context.Context, c *service.Call, in *ListAttachedGroupPoliciesInput) (*ListAttachedUserPoliciesResult, error) {
	arns, next, err := listKeys(ctx, c, groups, groups.attached, in.GroupName, in.Marker, in.MaxItems, pathFilter(in.PathPrefix))
	if err != nil {
		return nil, err
	}
	return &ListAttachedUserPoliciesResult{AttachedPolicies: attachedShapes(arns), IsTruncated: next != nil, Marker: next}, nil
}
