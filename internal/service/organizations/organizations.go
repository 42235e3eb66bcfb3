// Package organizations serves the AWS Organizations API (json 1.1): an
// organization of the management account, member accounts created with
// OrganizationAccountAccessRole, organizational units, and service control
// policies, which the server enforces on every request made in member
// accounts. Organizations is global: its events are recorded in us-east-1.
package organizations

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"sort"
	"strings"
	"time"

	"github.com/moatdev/moat/internal/awserr"
	"github.com/moatdev/moat/internal/identity"
	"github.com/moatdev/moat/internal/protocol"
	"github.com/moatdev/moat/internal/service"
	"github.com/moatdev/moat/internal/store"
	"github.com/moatdev/moat/policy"
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
			service.Op("CreateOrganizationalUnit", "organizations:CreateOrganizationalUnit", createOU),
			service.Op("ListOrganizationalUnitsForParent", "organizations:ListOrganizationalUnitsForParent", listOUs, service.ReadOnly[ParentInput]()),
			service.Op("MoveAccount", "organizations:MoveAccount", moveAccount),
			service.Op("EnablePolicyType", "organizations:EnablePolicyType", enablePolicyType),
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
		o.Policies["p-FullAWSAccess"] = &identity.OrgPolicy{ID: "p-FullAWSAccess", Name: "FullAWSAccess", Type: "SERVICE_CONTROL_POLICY",
			Description: "Allows access to every operation", Content: identity.FullAWSAccess, AWSManaged: true}
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
	r := Root{Id: o.RootID, Arn: "arn:aws:organizations::" + o.Management + ":root/" + o.ID + "/" + o.RootID, Name: "Root", PolicyTypes: []PolicyTypeSummary{}}
	if o.SCPEnabled {
		r.PolicyTypes = append(r.PolicyTypes, PolicyTypeSummary{Type: "SERVICE_CONTROL_POLICY", Status: "ENABLED"})
	}
	return &ListRootsOutput{Roots: []Root{r}}, nil
}

// CreateAccountInput is the CreateAccount request.
type CreateAccountInput struct {
	Email       string `aws:",required"`
	AccountName string `aws:",required"`
	RoleName    *string
}

// CreateAccountStatus is Organizations' CreateAccountStatus shape.
type CreateAccountStatus struct {
	Id, AccountName, State, AccountId string
	RequestedTimestamp                time.Time
	CompletedTimestamp                time.Time
}

// CreateAccountOutput is the CreateAccount response.
type CreateAccountOutput struct{ CreateAccountStatus CreateAccountStatus }

// createAccount creates a member account at once (AWS completes it
// asynchronously; moat answers SUCCEEDED), with the role the management
// account uses to administer it: OrganizationAccountAccessRole, trusting the
// management account, with AdministratorAccess.
func createAccount(ctx context.Context, c *service.Call, in *CreateAccountInput) (*CreateAccountOutput, error) {
	roleName := "OrganizationAccountAccessRole"
	if in.RoleName != nil && *in.RoleName != "" {
		roleName = *in.RoleName
	}
	id := identity.NewAccountID()
	now := c.Now.UTC().Truncate(time.Second)
	err := update(ctx, c, func(tx store.Tx, o *identity.Organization) error {
		acct := identity.Account{ID: id, Name: in.AccountName, Email: in.Email, Created: now}
		if err := tx.Insert(identity.TableAccounts, id, identity.Encode(&acct)); err != nil {
			return err
		}
		if err := tx.Insert(identity.TableOrgMembers, id, []byte(o.Management)); err != nil {
			return err
		}
		trust := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::` + o.Management + `:root"},"Action":"sts:AssumeRole"}]}`
		role := identity.Role{Account: id, RoleName: roleName, RoleID: identity.NewID("AROA", 17), Path: "/", AssumeRolePolicyDocument: trust, MaxSessionDuration: 3600, Created: now}
		key := identity.RoleKey(id, roleName)
		if err := tx.Insert(identity.TableRoles, key, identity.Encode(&role)); err != nil {
			return err
		}
		if err := tx.Put(identity.TableRoleAttached, key+"/arn:aws:iam::aws:policy/AdministratorAccess", nil); err != nil {
			return err
		}
		o.Parents[id] = o.RootID
		o.AccountsOrder = append(o.AccountsOrder, id)
		if o.SCPEnabled {
			o.Attached[id] = []string{"p-FullAWSAccess"}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	return &CreateAccountOutput{CreateAccountStatus: CreateAccountStatus{Id: "car-" + hex.EncodeToString(b), AccountName: in.AccountName, State: "SUCCEEDED",
		AccountId: id, RequestedTimestamp: now, CompletedTimestamp: now}}, nil
}

// Account is Organizations' Account shape.
type Account struct {
	Id, Arn, Email, Name, Status, JoinedMethod string
	JoinedTimestamp                            time.Time
}

// ListAccountsOutput is the ListAccounts response.
type ListAccountsOutput struct{ Accounts []Account }

func listAccounts(ctx context.Context, c *service.Call, _ *struct{}) (*ListAccountsOutput, error) {
	out := &ListAccountsOutput{Accounts: []Account{}}
	err := c.Deps.Store.View(ctx, func(tx store.Tx) error {
		o, err := load(tx, c)
		if err != nil {
			return err
		}
		for _, id := range o.AccountsOrder {
			b, err := tx.Get(identity.TableAccounts, id)
			if err != nil {
				return err
			}
			var a identity.Account
			if err := identity.Decode(identity.TableAccounts, id, b, &a); err != nil {
				return err
			}
			method := "CREATED"
			if id == o.Management {
				method = "INVITED"
			}
			out.Accounts = append(out.Accounts, Account{Id: id, Arn: "arn:aws:organizations::" + o.Management + ":account/" + o.ID + "/" + id,
				Email: a.Email, Name: a.Name, Status: "ACTIVE", JoinedMethod: method, JoinedTimestamp: a.Created})
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// OrganizationalUnit is Organizations' OrganizationalUnit shape.
type OrganizationalUnit struct{ Id, Arn, Name string }

// CreateOrganizationalUnitInput is the CreateOrganizationalUnit request.
type CreateOrganizationalUnitInput struct {
	ParentId string `aws:",required"`
	Name     string `aws:",required"`
}

// CreateOrganizationalUnitOutput is the CreateOrganizationalUnit response.
type CreateOrganizationalUnitOutput struct{ OrganizationalUnit OrganizationalUnit }

func ouShape(o *identity.Organization, u *identity.OrgUnit) OrganizationalUnit {
	return OrganizationalUnit{Id: u.ID, Arn: "arn:aws:organizations::" + o.Management + ":ou/" + o.ID + "/" + u.ID, Name: u.Name}
}

func isParent(o *identity.Organization, id string) bool {
	_, ou := o.OUs[id]
	return id == o.RootID || ou
}

func createOU(ctx context.Context, c *service.Call, in *CreateOrganizationalUnitInput) (*CreateOrganizationalUnitOutput, error) {
	var out OrganizationalUnit
	err := update(ctx, c, func(_ store.Tx, o *identity.Organization) error {
		if !isParent(o, in.ParentId) {
			return awserr.ParentNotFoundException.New("We can't find a root or OU with the ParentId that you specified.")
		}
		u := &identity.OrgUnit{ID: "ou-" + strings.TrimPrefix(o.RootID, "r-") + "-" + randomID(8), Name: in.Name}
		o.OUs[u.ID] = u
		o.Parents[u.ID] = in.ParentId
		if o.SCPEnabled {
			o.Attached[u.ID] = []string{"p-FullAWSAccess"}
		}
		out = ouShape(o, u)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &CreateOrganizationalUnitOutput{OrganizationalUnit: out}, nil
}

// ParentInput names a parent.
type ParentInput struct {
	ParentId string `aws:",required"`
}

// ListOrganizationalUnitsForParentOutput is the ListOrganizationalUnitsForParent response.
type ListOrganizationalUnitsForParentOutput struct{ OrganizationalUnits []OrganizationalUnit }

func listOUs(ctx context.Context, c *service.Call, in *ParentInput) (*ListOrganizationalUnitsForParentOutput, error) {
	o, err := view(ctx, c)
	if err != nil {
		return nil, err
	}
	if !isParent(o, in.ParentId) {
		return nil, awserr.ParentNotFoundException.New("We can't find a root or OU with the ParentId that you specified.")
	}
	out := &ListOrganizationalUnitsForParentOutput{OrganizationalUnits: []OrganizationalUnit{}}
	for id, u := range o.OUs {
		if o.Parents[id] == in.ParentId {
			out.OrganizationalUnits = append(out.OrganizationalUnits, ouShape(o, u))
		}
	}
	return out, nil
}

// MoveAccountInput is the MoveAccount request.
type MoveAccountInput struct {
	AccountId           string `aws:",required"`
	SourceParentId      string `aws:",required"`
	DestinationParentId string `aws:",required"`
}

func moveAccount(ctx context.Context, c *service.Call, in *MoveAccountInput) (*struct{}, error) {
	return nil, update(ctx, c, func(_ store.Tx, o *identity.Organization) error {
		parent, ok := o.Parents[in.AccountId]
		if !ok || o.OUs[in.AccountId] != nil {
			return awserr.AccountNotFoundException.New("You specified an account that doesn't exist.")
		}
		if parent != in.SourceParentId {
			return awserr.SourceParentNotFoundException.New("We can't find a source root or OU with the ParentId that you specified.")
		}
		if !isParent(o, in.DestinationParentId) {
			return awserr.ParentNotFoundException.New("We can't find a root or OU with the ParentId that you specified.")
		}
		o.Parents[in.AccountId] = in.DestinationParentId
		return nil
	})
}

// EnablePolicyTypeInput is the EnablePolicyType request.
type EnablePolicyTypeInput struct {
	RootId     string `aws:",required"`
	PolicyType string `aws:",required"`
}

// EnablePolicyTypeOutput is the EnablePolicyType response.
type EnablePolicyTypeOutput struct{ Root Root }

// enablePolicyType turns SCPs on; as in AWS, FullAWSAccess is then attached
// to the root, every OU and every account.
func enablePolicyType(ctx context.Context, c *service.Call, in *EnablePolicyTypeInput) (*EnablePolicyTypeOutput, error) {
	if in.PolicyType != "SERVICE_CONTROL_POLICY" {
		return nil, awserr.OrgConstraintViolationException.New("moat supports the SERVICE_CONTROL_POLICY policy type only.")
	}
	var out Root
	err := update(ctx, c, func(_ store.Tx, o *identity.Organization) error {
		if in.RootId != o.RootID {
			return awserr.ParentNotFoundException.New("We can't find a root with the RootId that you specified.")
		}
		if o.SCPEnabled {
			return awserr.PolicyTypeAlreadyEnabledException.New("The specified policy type is already enabled.")
		}
		o.SCPEnabled = true
		for target := range o.Parents {
			o.Attached[target] = []string{"p-FullAWSAccess"}
		}
		o.Attached[o.RootID] = []string{"p-FullAWSAccess"}
		out = Root{Id: o.RootID, Arn: "arn:aws:organizations::" + o.Management + ":root/" + o.ID + "/" + o.RootID, Name: "Root",
			PolicyTypes: []PolicyTypeSummary{{Type: "SERVICE_CONTROL_POLICY", Status: "ENABLED"}}}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &EnablePolicyTypeOutput{Root: out}, nil
}

// PolicySummary is Organizations' PolicySummary shape.
type PolicySummary struct {
	Id, Arn, Name, Description, Type string
	AwsManaged                       bool
}

func policyShape(o *identity.Organization, p *identity.OrgPolicy) PolicySummary {
	arn := "arn:aws:organizations::" + o.Management + ":policy/" + o.ID + "/service_control_policy/" + p.ID
	if p.AWSManaged {
		arn = "arn:aws:organizations::aws:policy/service_control_policy/" + p.ID
	}
	return PolicySummary{Id: p.ID, Arn: arn, Name: p.Name, Description: p.Description, Type: p.Type, AwsManaged: p.AWSManaged}
}

// CreatePolicyInput is the CreatePolicy request.
type CreatePolicyInput struct {
	Content     string `aws:",required"`
	Description string `aws:",required"`
	Name        string `aws:",required"`
	Type        string `aws:",required"`
}

// Policy is Organizations' Policy shape.
type Policy struct {
	PolicySummary PolicySummary
	Content       string
}

// PolicyOutput is the CreatePolicy response.
type PolicyOutput struct{ Policy Policy }

func createPolicy(ctx context.Context, c *service.Call, in *CreatePolicyInput) (*PolicyOutput, error) {
	if in.Type != "SERVICE_CONTROL_POLICY" {
		return nil, awserr.OrgConstraintViolationException.New("moat supports the SERVICE_CONTROL_POLICY policy type only.")
	}
	if err := checkSCP(in.Content); err != nil {
		return nil, err
	}
	var out Policy
	err := update(ctx, c, func(_ store.Tx, o *identity.Organization) error {
		for _, existing := range o.Policies {
			if existing.Name == in.Name {
				return awserr.DuplicatePolicyException.New("A policy with the same name already exists.")
			}
		}
		np := &identity.OrgPolicy{ID: "p-" + randomID(8), Name: in.Name, Description: in.Description, Type: in.Type, Content: in.Content}
		o.Policies[np.ID] = np
		out = Policy{PolicySummary: policyShape(o, np), Content: np.Content}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &PolicyOutput{Policy: out}, nil
}

// AttachPolicyInput is the AttachPolicy and DetachPolicy request.
type AttachPolicyInput struct {
	PolicyId string `aws:",required"`
	TargetId string `aws:",required"`
}

func isTarget(o *identity.Organization, id string) bool {
	_, inTree := o.Parents[id]
	return id == o.RootID || inTree
}

func attachPolicy(ctx context.Context, c *service.Call, in *AttachPolicyInput) (*struct{}, error) {
	return nil, update(ctx, c, func(_ store.Tx, o *identity.Organization) error {
		if o.Policies[in.PolicyId] == nil {
			return awserr.PolicyNotFoundException.New("We can't find a policy with the PolicyId that you specified.")
		}
		if !isTarget(o, in.TargetId) {
			return awserr.TargetNotFoundException.New("We can't find a root, OU, account, or email that you specified.")
		}
		for _, id := range o.Attached[in.TargetId] {
			if id == in.PolicyId {
				return awserr.DuplicatePolicyAttachmentException.New("The selected policy is already attached to the specified target.")
			}
		}
		o.Attached[in.TargetId] = append(o.Attached[in.TargetId], in.PolicyId)
		return nil
	})
}

func detachPolicy(ctx context.Context, c *service.Call, in *AttachPolicyInput) (*struct{}, error) {
	return nil, update(ctx, c, func(_ store.Tx, o *identity.Organization) error {
		list := o.Attached[in.TargetId]
		for i, id := range list {
			if id == in.PolicyId {
				o.Attached[in.TargetId] = append(list[:i:i], list[i+1:]...)
				return nil
			}
		}
		return awserr.PolicyNotAttachedException.New("The policy isn't attached to the specified target in the specified root.")
	})
}

// TargetInput is the ListPoliciesForTarget request.
type TargetInput struct {
	TargetId string `aws:",required"`
	Filter   string `aws:",required"`
}

// ListPoliciesForTargetOutput is the ListPoliciesForTarget response.
type ListPoliciesForTargetOutput struct{ Policies []PolicySummary }

func listPoliciesForTarget(ctx context.Context, c *service.Call, in *TargetInput) (*ListPoliciesForTargetOutput, error) {
	o, err := view(ctx, c)
	if err != nil {
		return nil, err
	}
	if !isTarget(o, in.TargetId) {
		return nil, awserr.TargetNotFoundException.New("We can't find a root, OU, account, or email that you specified.")
	}
	out := &ListPoliciesForTargetOutput{Policies: []PolicySummary{}}
	for _, id := range o.Attached[in.TargetId] {
		if p := o.Policies[id]; p != nil {
			out.Policies = append(out.Policies, policyShape(o, p))
		}
	}
	return out, nil
}

// PolicyIDInput names an organization policy.
type PolicyIDInput struct {
	PolicyId string `aws:",required"`
}

func findPolicy(o *identity.Organization, id string) (*identity.OrgPolicy, error) {
	p := o.Policies[id]
	if p == nil {
		return nil, awserr.PolicyNotFoundException.New("We can't find a policy with the PolicyId that you specified.")
	}
	return p, nil
}

func describePolicy(ctx context.Context, c *service.Call, in *PolicyIDInput) (*PolicyOutput, error) {
	o, err := view(ctx, c)
	if err != nil {
		return nil, err
	}
	p, err := findPolicy(o, in.PolicyId)
	if err != nil {
		return nil, err
	}
	return &PolicyOutput{Policy: Policy{PolicySummary: policyShape(o, p), Content: p.Content}}, nil
}

// UpdatePolicyInput is the UpdatePolicy request.
type UpdatePolicyInput struct {
	PolicyId    string `aws:",required"`
	Name        *string
	Description *string
	Content     *string
}

func updatePolicy(ctx context.Context, c *service.Call, in *UpdatePolicyInput) (*PolicyOutput, error) {
	if in.Content != nil {
		if err := checkSCP(*in.Content); err != nil {
			return nil, err
		}
	}
	var out Policy
	err := update(ctx, c, func(_ store.Tx, o *identity.Organization) error {
		p, err := findPolicy(o, in.PolicyId)
		if err != nil {
			return err
		}
		if p.AWSManaged {
			return awserr.OrgAccessDeniedException.New("You can't modify an AWS managed policy.")
		}
		if in.Name != nil {
			p.Name = *in.Name
		}
		if in.Description != nil {
			p.Description = *in.Description
		}
		if in.Content != nil {
			p.Content = *in.Content
		}
		out = Policy{PolicySummary: policyShape(o, p), Content: p.Content}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &PolicyOutput{Policy: out}, nil
}

func deletePolicy(ctx context.Context, c *service.Call, in *PolicyIDInput) (*struct{}, error) {
	return nil, update(ctx, c, func(_ store.Tx, o *identity.Organization) error {
		p, err := findPolicy(o, in.PolicyId)
		if err != nil {
			return err
		}
		if p.AWSManaged {
			return awserr.OrgAccessDeniedException.New("You can't delete an AWS managed policy.")
		}
		for _, ids := range o.Attached {
			for _, id := range ids {
				if id == in.PolicyId {
					return awserr.PolicyInUseException.New("The policy is attached to one or more entities. You must detach it from all roots, OUs, and accounts before performing this operation.")
				}
			}
		}
		delete(o.Policies, in.PolicyId)
		return nil
	})
}

// PolicyTargetSummary is Organizations' PolicyTargetSummary shape.
type PolicyTargetSummary struct{ TargetId, Arn, Name, Type string }

// ListTargetsForPolicyOutput is the ListTargetsForPolicy response.
type ListTargetsForPolicyOutput struct{ Targets []PolicyTargetSummary }

func listTargetsForPolicy(ctx context.Context, c *service.Call, in *PolicyIDInput) (*ListTargetsForPolicyOutput, error) {
	o, err := view(ctx, c)
	if err != nil {
		return nil, err
	}
	if _, err := findPolicy(o, in.PolicyId); err != nil {
		return nil, err
	}
	out := &ListTargetsForPolicyOutput{Targets: []PolicyTargetSummary{}}
	for target, ids := range o.Attached {
		for _, id := range ids {
			if id != in.PolicyId {
				continue
			}
			s := PolicyTargetSummary{TargetId: target}
			switch {
			case target == o.RootID:
				s.Type, s.Name, s.Arn = "ROOT", "Root", "arn:aws:organizations::"+o.Management+":root/"+o.ID+"/"+target
			case o.OUs[target] != nil:
				s.Type, s.Name, s.Arn = "ORGANIZATIONAL_UNIT", o.OUs[target].Name, "arn:aws:organizations::"+o.Management+":ou/"+o.ID+"/"+target
			default:
				s.Type, s.Arn = "ACCOUNT", "arn:aws:organizations::"+o.Management+":account/"+o.ID+"/"+target
			}
			out.Targets = append(out.Targets, s)
		}
	}
	sort.Slice(out.Targets, func(i, j int) bool { return out.Targets[i].TargetId < out.Targets[j].TargetId })
	return out, nil
}

// checkSCP validates an SCP document with the policy engine.
func checkSCP(content string) error {
	p, err := policy.Parse([]byte(content))
	if err == nil {
		for _, f := range policy.Validate(p, policy.SCP) {
			if f.Severity == policy.SeverityError {
				err = errors.New(f.Path + ": " + f.Message)
				break
			}
		}
	}
	if err != nil {
		return awserr.MalformedPolicyDocumentException.New("The provided policy document doesn't meet the requirements of the specified policy type: %s", err.Error())
	}
	return nil
}
