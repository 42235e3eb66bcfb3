// Package organizations serves the AWS Organizations API (json 1.1): an
// organization of the management account, member accounts created with
// OrganizationAccountAccessRole, organizational units, and service control
// policies, which the server enforces on every request made in member
// accounts. Organizations is global: its events are recorded in us-east-1.
package organizations

import (
	"context"
	"crypto/rand"
	"errors"

	"github.com/moatdev/moat/internal/awserr"
	"github.com/moatdev/moat/internal/identity"
	"github.com/moatdev/moat/internal/protocol"
	"github.com/moatdev/moat/internal/service"
	"github.com/moatdev/moat/internal/store"
)

// New returns the Organizations service.
func New() *service.Service {
	return &service.Service{
		Meta: protocol.Service{
			Name: "organizations", Protocol: "json", JSONVersion: "1.1",
			TargetPrefix: "AWSOrganizationsV20161128",
		},
		EventSource: "organizations.amazonaws.com",
		Global:      true,
		Ops: service.Table(
			service.Op("CreateOrganization", "organizations:CreateOrganization", createOrganization),
			service.Op("DescribeOrganization", "organizations:DescribeOrganization", describeOrganization, service.ReadOnly[struct{}]()),
			service.Op("ListRoots", "organizations:ListRoots", listRoots, service.ReadOnly[struct{}]()),
			service.Op("CreateAccount", "organizations:CreateAccount", createAccount),
			service.Op("ListAccounts", "organizations:ListAccounts", listAccounts, service.ReadOnly[struct{}]()),
			service.Op("DescribeCreateAccountStatus", "organizations:DescribeCreateAccountStatus", describeCreateAccountStatus, service.ReadOnly[DescribeCreateAccountStatusInput]()),
			service.Op("ListCreateAccountStatus", "organizations:ListCreateAccountStatus", listCreateAccountStatus, service.ReadOnly[ListCreateAccountStatusInput]()),
			service.Op("CreateOrganizationalUnit", "organizations:CreateOrganizationalUnit", createOU),
			service.Op("ListOrganizationalUnitsForParent", "organizations:ListOrganizationalUnitsForParent", listOUs, service.ReadOnly[ParentInput]()),
			service.Op("MoveAccount", "organizations:MoveAccount", moveAccount),
			service.Op("EnablePolicyType", "organizations:EnablePolicyType", enablePolicyType),
			service.Op("DisablePolicyType", "organizations:DisablePolicyType", disablePolicyType),
			service.Op("ListPolicies", "organizations:ListPolicies", listPolicies, service.ReadOnly[ListPoliciesInput]()),
			service.Op("CreatePolicy", "organizations:CreatePolicy", createPolicy),
			service.Op("AttachPolicy", "organizations:AttachPolicy", attachPolicy),
			service.Op("DetachPolicy", "organizations:DetachPolicy", detachPolicy),
			service.Op("ListPoliciesForTarget", "organizations:ListPoliciesForTarget", listPoliciesForTarget, service.ReadOnly[TargetInput]()),
			service.Op("DescribePolicy", "organizations:DescribePolicy", describePolicy, service.ReadOnly[PolicyIDInput]()),
			service.Op("UpdatePolicy", "organizations:UpdatePolicy", updatePolicy),
			service.Op("DeletePolicy", "organizations:DeletePolicy", deletePolicy),
			service.Op("ListTargetsForPolicy", "organizations:ListTargetsForPolicy", listTargetsForPolicy, service.ReadOnly[PolicyIDInput]()),
		),
	}
}

const alnum = "abcdefghijklmnopqrstuvwxyz0123456789"

func randomID(n int) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic(err)
	}
	for i := range b {
		b[i] = alnum[int(b[i])%len(alnum)]
	}
	return string(b)
}

// load reads the organization the caller's account belongs to; only its
// management account may manage it.
func load(tx store.Tx, c *service.Call) (*identity.Organization, error) {
	b, err := tx.Get(identity.TableOrgMembers, c.Account())
	if errors.Is(err, store.ErrNotFound) {
		return nil, awserr.AWSOrganizationsNotInUseException.New("Your account is not a member of an organization.")
	}
	if err != nil {
		return nil, err
	}
	mgmt := string(b)
	if mgmt != c.Account() {
		return nil, awserr.OrgAccessDeniedException.New("You don't have permissions to access this resource.")
	}
	ob, err := tx.Get(identity.TableOrgs, mgmt)
	if err != nil {
		return nil, err
	}
	var o identity.Organization
	return &o, identity.Decode(identity.TableOrgs, mgmt, ob, &o)
}

func save(tx store.Tx, o *identity.Organization) error {
	return tx.Put(identity.TableOrgs, o.Management, identity.Encode(o))
}

// update loads the caller's organization, applies fn and saves it; SCP
// changes reach the next request.
func update(ctx context.Context, c *service.Call, fn func(tx store.Tx, o *identity.Organization) error) error {
	err := c.Deps.Store.Update(ctx, func(tx store.Tx) error {
		o, err := load(tx, c)
		if err != nil {
			return err
		}
		if err := fn(tx, o); err != nil {
			return err
		}
		return save(tx, o)
	})
	if err == nil {
		c.Deps.PoliciesChanged()
	}
	return err
}

func view(ctx context.Context, c *service.Call) (*identity.Organization, error) {
	var o *identity.Organization
	err := c.Deps.Store.View(ctx, func(tx store.Tx) error {
		var err error
		o, err = load(tx, c)
		return err
	})
	return o, err
}

// Shapes.

// Organization is Organizations' Organization shape.
type Organization struct {
	Id, Arn, FeatureSet, MasterAccountArn, MasterAccountId, MasterAccountEmail string
	AvailablePolicyTypes                                                       []PolicyTypeSummary
}

// PolicyTypeSummary is Organizations' PolicyTypeSummary shape.
type PolicyTypeSummary struct{ Type, Status string }

func orgARN(o *identity.Organization) string {
	return "arn:aws:organizations::" + o.Management + ":organization/" + o.ID
}

func orgShape(o *identity.Organization) Organization {
	return Organization{Id: o.ID, Arn: orgARN(o), FeatureSet: "ALL", MasterAccountId: o.Management,
		MasterAccountArn:   "arn:aws:organizations::" + o.Management + ":account/" + o.ID + "/" + o.Management,
		MasterAccountEmail: "root@" + o.Management + ".moat.invalid", AvailablePolicyTypes: []PolicyTypeSummary{}}
}

// CreateOrganizationInput is the CreateOrganization request.
type CreateOrganizationInput struct{ FeatureSet *string }

// OrganizationOutput is the CreateOrganization and DescribeOrganization response.
type OrganizationOutput struct{ Organization Organization }

func createOrganization(ctx context.Context, c *service.Call, in *CreateOrganizationInput) (*OrganizationOutput, error) {
	if fs := in.FeatureSet; fs != nil && *fs != "ALL" {
		return nil, awserr.OrgConstraintViolationException.New("moat supports organizations with all features (FeatureSet ALL) only.")
	}
	if c.Principal.Kind == identity.AssumedRole {
		return nil, awserr.OrgAccessDeniedException.New("You don't have permissions to access this resource.")
	}
	o := &identity.Organization{ID: "o-" + randomID(10), Management: c.Account(), RootID: "r-" + randomID(4), Created: c.Now.UTC(),
		OUs: map[string]*identity.OrgUnit{}, Parents: map[string]string{c.Account(): ""}, Policies: map[string]*identity.OrgPolicy{},
		Attached: map[string][]string{}, AccountsOrder: []string{c.Account()}}
	o.Parents[c.Account()] = o.RootID
	err := c.Deps.Store.Update(ctx, func(tx store.Tx) error {
		if err := tx.Insert(identity.TableOrgMembers, c.Account(), []byte(c.Account())); errors.Is(err, store.ErrExists) {
			return awserr.AlreadyInOrganizationException.New("The AWS account is already a member of an organization.")
		} else if err != nil {
			return err
		}
		o.Policies[identity.FullAWSAccessID] = &identity.OrgPolicy{ID: identity.FullAWSAccessID, Name: "FullAWSAccess", Type: identity.SCPType,
			Description: "Allows access to every operation", Content: identity.FullAWSAccess, AWSManaged: true}
		o.Policies[identity.RCPFullAWSAccessID] = &identity.OrgPolicy{ID: identity.RCPFullAWSAccessID, Name: "RCPFullAWSAccess", Type: identity.RCPType,
			Description: "Allows access to every operation", Content: identity.RCPFullAWSAccess, AWSManaged: true}
		return save(tx, o)
	})
	if err != nil {
		return nil, err
	}
	return &OrganizationOutput{Organization: orgShape(o)}, nil
}

func describeOrganization(ctx context.Context, c *service.Call, _ *struct{}) (*OrganizationOutput, error) {
	var o *identity.Organization
	err := c.Deps.Store.View(ctx, func(tx store.Tx) error {
		b, err := tx.Get(identity.TableOrgMembers, c.Account())
		if errors.Is(err, store.ErrNotFound) {
			return awserr.AWSOrganizationsNotInUseException.New("Your account is not a member of an organization.")
		}
		if err != nil {
			return err
		}
		ob, err := tx.Get(identity.TableOrgs, string(b))
		if err != nil {
			return err
		}
		o = &identity.Organization{}
		return identity.Decode(identity.TableOrgs, string(b), ob, o)
	})
	if err != nil {
		return nil, err
	}
	return &OrganizationOutput{Organization: orgShape(o)}, nil
}

// Root is Organizations' Root shape.
type Root struct {
	Id, Arn, Name string
	PolicyTypes   []PolicyTypeSummary
}

// ListRootsOutput is the ListRoots response.
type ListRootsOutput struct{ Roots []Root }

func listRoots(ctx context.Context, c *service.Call, _ *struct{}) (*ListRootsOutput, error) {
	o, err := view(ctx, c)
	if err != nil {
		return nil, err
	}
	return &ListRootsOutput{Roots: []Root{rootShape(o)}}, nil
}

func rootShape(o *identity.Organization) Root {
	r := Root{Id: o.RootID, Arn: "arn:aws:organizations::" + o.Management + ":root/" + o.ID + "/" + o.RootID, Name: "Root", PolicyTypes: []PolicyTypeSummary{}}
	for _, t := range []string{identity.SCPType, identity.RCPType} {
		if o.Enabled(t) {
			r.PolicyTypes = append(r.PolicyTypes, PolicyTypeSummary{Type: t, Status: "ENABLED"})
		}
	}
	return r
}
