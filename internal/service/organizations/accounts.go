package organizations

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"slices"
	"strings"
	"time"

	"github.com/moatdev/moat/internal/awserr"
	"github.com/moatdev/moat/internal/identity"
	"github.com/moatdev/moat/internal/service"
	"github.com/moatdev/moat/internal/store"
)

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
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	status := &identity.CreateAccountRequest{ID: "car-" + hex.EncodeToString(b), AccountName: in.AccountName, AccountID: id, State: "SUCCEEDED", Requested: now, Completed: now}
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
		if ids := o.DefaultAttachments(); ids != nil {
			o.Attached[id] = ids
		}
		if o.CreateAccountRequests == nil {
			o.CreateAccountRequests = map[string]*identity.CreateAccountRequest{}
		}
		o.CreateAccountRequests[status.ID] = status
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &CreateAccountOutput{CreateAccountStatus: statusShape(status)}, nil
}

func statusShape(r *identity.CreateAccountRequest) CreateAccountStatus {
	return CreateAccountStatus{Id: r.ID, AccountName: r.AccountName, State: r.State, AccountId: r.AccountID, RequestedTimestamp: r.Requested, CompletedTimestamp: r.Completed}
}

// DescribeCreateAccountStatusInput is the DescribeCreateAccountStatus request.
type DescribeCreateAccountStatusInput struct {
	CreateAccountRequestId string `aws:",required"`
}

func describeCreateAccountStatus(ctx context.Context, c *service.Call, in *DescribeCreateAccountStatusInput) (*CreateAccountOutput, error) {
	o, err := view(ctx, c)
	if err != nil {
		return nil, err
	}
	r := o.CreateAccountRequests[in.CreateAccountRequestId]
	if r == nil {
		return nil, awserr.CreateAccountStatusNotFound.New("We can't find an create account request with the CreateAccountRequestId that you specified.")
	}
	return &CreateAccountOutput{CreateAccountStatus: statusShape(r)}, nil
}

// ListCreateAccountStatusInput is the ListCreateAccountStatus request.
type ListCreateAccountStatusInput struct {
	States []string
}

// ListCreateAccountStatusOutput is the ListCreateAccountStatus response.
type ListCreateAccountStatusOutput struct{ CreateAccountStatuses []CreateAccountStatus }

func listCreateAccountStatus(ctx context.Context, c *service.Call, in *ListCreateAccountStatusInput) (*ListCreateAccountStatusOutput, error) {
	o, err := view(ctx, c)
	if err != nil {
		return nil, err
	}
	out := &ListCreateAccountStatusOutput{CreateAccountStatuses: []CreateAccountStatus{}}
	for _, r := range o.CreateAccountRequests {
		if len(in.States) == 0 || slices.Contains(in.States, r.State) {
			out.CreateAccountStatuses = append(out.CreateAccountStatuses, statusShape(r))
		}
	}
	slices.SortFunc(out.CreateAccountStatuses, func(a, b CreateAccountStatus) int { return a.RequestedTimestamp.Compare(b.RequestedTimestamp) })
	return out, nil
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
		if ids := o.DefaultAttachments(); ids != nil {
			o.Attached[u.ID] = ids
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
