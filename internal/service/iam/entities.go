package iam

import (
	"context"
	"strings"

	"github.com/moatdev/moat/internal/identity"
	"github.com/moatdev/moat/internal/service"
	"github.com/moatdev/moat/internal/store"
)

func entitiesOps() []*service.Operation {
	return []*service.Operation{
		service.Op("ListEntitiesForPolicy", "iam:ListEntitiesForPolicy", listEntitiesForPolicy, service.ReadOnly[ListEntitiesForPolicyInput](),
			service.Resource(func(_ context.Context, _ *service.Call, in *ListEntitiesForPolicyInput) (string, error) {
				return in.PolicyArn, nil
			})),
	}
}

// ListEntitiesForPolicyInput is IAM's ListEntitiesForPolicy request.
type ListEntitiesForPolicyInput struct {
	PolicyArn    string  `aws:",required"`
	EntityFilter *string // User, Role, Group, LocalManagedPolicy, AWSManagedPolicy
	PathPrefix   *string
}

// PolicyUser, PolicyGroup and PolicyRole are IAM's shapes.
type (
	PolicyUser  struct{ UserName, UserId string }
	PolicyGroup struct{ GroupName, GroupId string }
	PolicyRole  struct{ RoleName, RoleId string }
)

// ListEntitiesForPolicyResult is IAM's response.
type ListEntitiesForPolicyResult struct {
	PolicyGroups []PolicyGroup
	PolicyUsers  []PolicyUser
	PolicyRoles  []PolicyRole
	IsTruncated  bool
}

func listEntitiesForPolicy(ctx context.Context, c *service.Call, in *ListEntitiesForPolicyInput) (*ListEntitiesForPolicyResult, error) {
	out := &ListEntitiesForPolicyResult{PolicyGroups: []PolicyGroup{}, PolicyUsers: []PolicyUser{}, PolicyRoles: []PolicyRole{}}
	want := func(kind string) bool { return in.EntityFilter == nil || *in.EntityFilter == kind }
	acct := c.Account()
	err := c.Deps.Store.View(ctx, func(tx store.Tx) error {
		p, err := loadPolicyTx(tx, acct, in.PolicyArn)
		if err != nil {
			return err
		}
		arn := p.ARN()
		// attached lists the names of the entities with arn attached in table.
		attached := func(table string) ([]string, error) {
			var names []string
			err := tx.Scan(table, acct+"/", "", 0, func(k string, _ []byte) error {
				if rest, ok := strings.CutSuffix(k, "/"+arn); ok {
					names = append(names, rest[len(acct)+1:])
				}
				return nil
			})
			return names, err
		}
		path := deref(in.PathPrefix, "/")
		if want("User") {
			names, err := attached(identity.TableUserAttached)
			if err != nil {
				return err
			}
			for _, n := range names {
				if u, err := getUserTx(tx, acct, n); err == nil && strings.HasPrefix(u.Path, path) {
					out.PolicyUsers = append(out.PolicyUsers, PolicyUser{UserName: u.UserName, UserId: u.UserID})
				}
			}
		}
		if want("Group") {
			names, err := attached(identity.TableGroupAttached)
			if err != nil {
				return err
			}
			for _, n := range names {
				if g, err := getGroupTx(tx, acct, n); err == nil && strings.HasPrefix(g.Path, path) {
					out.PolicyGroups = append(out.PolicyGroups, PolicyGroup{GroupName: g.GroupName, GroupId: g.GroupID})
				}
			}
		}
		if want("Role") {
			names, err := attached(identity.TableRoleAttached)
			if err != nil {
				return err
			}
			for _, n := range names {
				if r, err := GetRoleTx(tx, acct, n); err == nil && strings.HasPrefix(r.Path, path) {
					out.PolicyRoles = append(out.PolicyRoles, PolicyRole{RoleName: r.RoleName, RoleId: r.RoleID})
				}
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}
