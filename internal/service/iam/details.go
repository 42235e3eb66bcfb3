package iam

import (
	"context"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/moatdev/moat/internal/awserr"
	"github.com/moatdev/moat/internal/identity"
	"github.com/moatdev/moat/internal/service"
	"github.com/moatdev/moat/internal/store"
)

// GetAccountAuthorizationDetails: the whole account's IAM, the standard
// export for offline analysis.

func detailsOps() []*service.Operation {
	return []*service.Operation{
		service.Op("GetAccountAuthorizationDetails", "iam:GetAccountAuthorizationDetails", getAccountAuthorizationDetails, service.ReadOnly[GetAccountAuthorizationDetailsInput]()),
	}
}

// GetAccountAuthorizationDetailsInput is IAM's request.
type GetAccountAuthorizationDetailsInput struct {
	Filter   []string // User, Role, Group, LocalManagedPolicy, AWSManagedPolicy
	MaxItems *int32
	Marker   *string
}

// PolicyDetail is IAM's PolicyDetail shape (an inline policy).
type PolicyDetail struct {
	PolicyName     string
	PolicyDocument string
}

// UserDetail is IAM's UserDetail shape.
type UserDetail struct {
	Path                    string
	UserName                string
	UserId                  string
	Arn                     string
	CreateDate              time.Time
	UserPolicyList          []PolicyDetail
	GroupList               []string
	AttachedManagedPolicies []AttachedPolicy
	PermissionsBoundary     *AttachedPermissionsBoundary
	Tags                    []Tag
}

// GroupDetail is IAM's GroupDetail shape.
type GroupDetail struct {
	Path                    string
	GroupName               string
	GroupId                 string
	Arn                     string
	CreateDate              time.Time
	GroupPolicyList         []PolicyDetail
	AttachedManagedPolicies []AttachedPolicy
}

// RoleDetail is IAM's RoleDetail shape.
type RoleDetail struct {
	Path                     string
	RoleName                 string
	RoleId                   string
	Arn                      string
	CreateDate               time.Time
	AssumeRolePolicyDocument string
	InstanceProfileList      []struct{}
	RolePolicyList           []PolicyDetail
	AttachedManagedPolicies  []AttachedPolicy
	PermissionsBoundary      *AttachedPermissionsBoundary
	Tags                     []Tag
}

// ManagedPolicyDetail is IAM's ManagedPolicyDetail shape.
type ManagedPolicyDetail struct {
	PolicyName                    string
	PolicyId                      string
	Arn                           string
	Path                          string
	DefaultVersionId              string
	AttachmentCount               int32
	PermissionsBoundaryUsageCount int32
	IsAttachable                  bool
	CreateDate                    time.Time
	UpdateDate                    time.Time
	PolicyVersionList             []PolicyVersion
}

// GetAccountAuthorizationDetailsResult is IAM's response.
type GetAccountAuthorizationDetailsResult struct {
	UserDetailList  []UserDetail
	GroupDetailList []GroupDetail
	RoleDetailList  []RoleDetail
	Policies        []ManagedPolicyDetail
	IsTruncated     bool
	Marker          *string
}

// detailItem is one entry of the export before paging.
type detailItem struct {
	user   *UserDetail
	group  *GroupDetail
	role   *RoleDetail
	policy *ManagedPolicyDetail
}

func getAccountAuthorizationDetails(ctx context.Context, c *service.Call, in *GetAccountAuthorizationDetailsInput) (*GetAccountAuthorizationDetailsResult, error) {
	limit, err := maxItems(in.MaxItems)
	if err != nil {
		return nil, err
	}
	want := map[string]bool{}
	for _, f := range in.Filter {
		switch f {
		case "User", "Role", "Group", "LocalManagedPolicy", "AWSManagedPolicy":
			want[f] = true
		default:
			return nil, validationError("Value '[%s]' at 'filter' failed to satisfy constraint: Member must satisfy constraint: [Member must satisfy enum value set: [User, Role, Group, LocalManagedPolicy, AWSManagedPolicy]]", f)
		}
	}
	all := len(want) == 0
	var items []detailItem
	awsUsed := map[string]bool{}
	err = c.Deps.Store.View(ctx, func(tx store.Tx) error {
		acct := c.Account()
		inline := func(table, key string) ([]PolicyDetail, error) {
			out := []PolicyDetail{}
			err := tx.Scan(table, key+"/", "", 0, func(k string, b []byte) error {
				var p identity.InlinePolicy
				if err := identity.Decode(table, k, b, &p); err != nil {
					return err
				}
				out = append(out, PolicyDetail{PolicyName: p.PolicyName, PolicyDocument: encodeDocument(p.Document)})
				return nil
			})
			return out, err
		}
		attached := func(table, key string) ([]AttachedPolicy, error) {
			var arns []string
			err := tx.Scan(table, key+"/", "", 0, func(k string, _ []byte) error {
				a := k[len(key)+1:]
				arns = append(arns, a)
				if strings.HasPrefix(a, "arn:aws:iam::aws:policy/") {
					awsUsed[a] = true
				}
				return nil
			})
			return attachedShapes(arns), err
		}
		boundary := func(arn string) *AttachedPermissionsBoundary {
			if arn == "" {
				return nil
			}
			if strings.HasPrefix(arn, "arn:aws:iam::aws:policy/") {
				awsUsed[arn] = true
			}
			return &AttachedPermissionsBoundary{PermissionsBoundaryType: "PermissionsBoundaryPolicy", PermissionsBoundaryArn: arn}
		}
		err := tx.Scan(identity.TableUsers, acct+"/", "", 0, func(k string, b []byte) error {
			var u identity.User
			if err := identity.Decode(identity.TableUsers, k, b, &u); err != nil {
				return err
			}
			d := UserDetail{Path: u.Path, UserName: u.UserName, UserId: u.UserID, Arn: u.ARN(), CreateDate: u.Created, GroupList: []string{}, Tags: tagShapes(u.Tags), PermissionsBoundary: boundary(u.PermissionsBoundary)}
			var err error
			if d.UserPolicyList, err = inline(identity.TableUserPolicies, k); err != nil {
				return err
			}
			if d.AttachedManagedPolicies, err = attached(identity.TableUserAttached, k); err != nil {
				return err
			}
			err = tx.Scan(identity.TableUserGroups, k+"/", "", 0, func(gk string, _ []byte) error {
				g, err := getGroupTx(tx, acct, gk[len(k)+1:])
				if err == nil {
					d.GroupList = append(d.GroupList, g.GroupName)
				}
				return err
			})
			if err != nil {
				return err
			}
			if all || want["User"] {
				items = append(items, detailItem{user: &d})
			}
			return nil
		})
		if err != nil {
			return err
		}
		err = tx.Scan(identity.TableGroups, acct+"/", "", 0, func(k string, b []byte) error {
			var g identity.Group
			if err := identity.Decode(identity.TableGroups, k, b, &g); err != nil {
				return err
			}
			d := GroupDetail{Path: g.Path, GroupName: g.GroupName, GroupId: g.GroupID, Arn: g.ARN(), CreateDate: g.Created}
			var err error
			if d.GroupPolicyList, err = inline(identity.TableGroupPolicies, k); err != nil {
				return err
			}
			if d.AttachedManagedPolicies, err = attached(identity.TableGroupAttached, k); err != nil {
				return err
			}
			if all || want["Group"] {
				items = append(items, detailItem{group: &d})
			}
			return nil
		})
		if err != nil {
			return err
		}
		err = tx.Scan(identity.TableRoles, acct+"/", "", 0, func(k string, b []byte) error {
			var r identity.Role
			if err := identity.Decode(identity.TableRoles, k, b, &r); err != nil {
				return err
			}
			d := RoleDetail{Path: r.Path, RoleName: r.RoleName, RoleId: r.RoleID, Arn: r.ARN(), CreateDate: r.Created, AssumeRolePolicyDocument: encodeDocument(r.AssumeRolePolicyDocument),
				InstanceProfileList: []struct{}{}, Tags: tagShapes(r.Tags), PermissionsBoundary: boundary(r.PermissionsBoundary)}
			var err error
			if d.RolePolicyList, err = inline(identity.TableRolePolicies, k); err != nil {
				return err
			}
			if d.AttachedManagedPolicies, err = attached(identity.TableRoleAttached, k); err != nil {
				return err
			}
			if all || want["Role"] {
				items = append(items, detailItem{role: &d})
			}
			return nil
		})
		if err != nil {
			return err
		}
		if all || want["LocalManagedPolicy"] {
			err = tx.Scan(identity.TablePolicies, acct+"/", "", 0, func(k string, b []byte) error {
				var p identity.ManagedPolicy
				if err := identity.Decode(identity.TablePolicies, k, b, &p); err != nil {
					return err
				}
				items = append(items, detailItem{policy: policyDetail(&p)})
				return nil
			})
			if err != nil {
				return err
			}
		}
		if all || want["AWSManagedPolicy"] {
			used := make([]string, 0, len(awsUsed))
			for a := range awsUsed {
				used = append(used, a)
			}
			sort.Strings(used)
			for _, a := range used { // AWS managed policies in use in the account
				p, err := awsManagedPolicy(a)
				if err != nil {
					continue
				}
				items = append(items, detailItem{policy: policyDetail(p)})
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	start := 0
	if in.Marker != nil {
		n, err := strconv.Atoi(*in.Marker)
		if err != nil || n < 0 || n > len(items) {
			return nil, awserr.InvalidInput.New("Invalid Marker.")
		}
		start = n
	}
	out := &GetAccountAuthorizationDetailsResult{UserDetailList: []UserDetail{}, GroupDetailList: []GroupDetail{}, RoleDetailList: []RoleDetail{}, Policies: []ManagedPolicyDetail{}}
	end := min(start+limit, len(items))
	for _, it := range items[start:end] {
		switch {
		case it.user != nil:
			out.UserDetailList = append(out.UserDetailList, *it.user)
		case it.group != nil:
			out.GroupDetailList = append(out.GroupDetailList, *it.group)
		case it.role != nil:
			out.RoleDetailList = append(out.RoleDetailList, *it.role)
		default:
			out.Policies = append(out.Policies, *it.policy)
		}
	}
	if end < len(items) {
		m := strconv.Itoa(end)
		out.IsTruncated, out.Marker = true, &m
	}
	return out, nil
}

func policyDetail(p *identity.ManagedPolicy) *ManagedPolicyDetail {
	d := &ManagedPolicyDetail{PolicyName: p.PolicyName, PolicyId: p.PolicyID, Arn: p.ARN(), Path: p.Path, DefaultVersionId: p.DefaultVersion,
		AttachmentCount: int32(p.AttachmentCount), IsAttachable: true, CreateDate: p.Created, UpdateDate: p.Updated}
	for _, v := range p.Versions {
		d.PolicyVersionList = append(d.PolicyVersionList, PolicyVersion{Document: encodeDocument(v.Document), VersionId: v.VersionID, IsDefaultVersion: v.VersionID == p.DefaultVersion, CreateDate: v.Created})
	}
	return d
}
