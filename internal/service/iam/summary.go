package iam

import (
	"context"

	"github.com/moatdev/moat/internal/identity"
	"github.com/moatdev/moat/internal/service"
	"github.com/moatdev/moat/internal/store"
)

func summaryOps() []*service.Operation {
	return []*service.Operation{
		service.Op("GetAccountSummary", "iam:GetAccountSummary", getAccountSummary, service.ReadOnly[struct{}]()),
		service.Op("UpdateRole", "iam:UpdateRole", updateRole, roleRes(func(in *UpdateRoleInput) string { return in.RoleName })),
	}
}

// GetAccountSummaryResult is IAM's GetAccountSummary response: usage and
// quotas (the quota values are IAM's defaults).
type GetAccountSummaryResult struct{ SummaryMap map[string]int32 }

func getAccountSummary(ctx context.Context, c *service.Call, _ *struct{}) (*GetAccountSummaryResult, error) {
	acct := c.Account()
	m := map[string]int32{
		"UsersQuota": 5000, "GroupsQuota": 300, "RolesQuota": 1000, "PoliciesQuota": 1500, "ServerCertificatesQuota": 20,
		"AccessKeysPerUserQuota": 2, "GroupsPerUserQuota": 10, "AttachedPoliciesPerUserQuota": 10, "AttachedPoliciesPerGroupQuota": 10,
		"AttachedPoliciesPerRoleQuota": 10, "PolicyVersionsInUseQuota": 10000, "VersionsPerPolicyQuota": 5, "PolicySizeQuota": 6144,
		"UserPolicySizeQuota": 2048, "GroupPolicySizeQuota": 5120, "RolePolicySizeQuota": 10240, "AssumeRolePolicySizeQuota": 2048,
		"InstanceProfilesQuota": 1000, "MFADevices": 0, "MFADevicesInUse": 0, "AccountMFAEnabled": 0, "AccountAccessKeysPresent": 0,
		"AccountSigningCertificatesPresent": 0, "Providers": 0, "GlobalEndpointTokenVersion": 1, "ServerCertificates": 0, "SigningCertificatesPerUserQuota": 2,
	}
	count := func(tx store.Tx, table, prefix string) (int32, error) {
		var n int32
		err := tx.Scan(table, prefix, "", 0, func(string, []byte) error { n++; return nil })
		return n, err
	}
	err := c.Deps.Store.View(ctx, func(tx store.Tx) error {
		for name, t := range map[string]string{"Users": identity.TableUsers, "Groups": identity.TableGroups, "Roles": identity.TableRoles, "Policies": identity.TablePolicies, "InstanceProfiles": tableProfiles} {
			n, err := count(tx, t, acct+"/")
			if err != nil {
				return err
			}
			m[name] = n
		}
		n, err := count(tx, identity.TableUserKeys, identity.KeyIndexPrefix(acct, ""))
		if err != nil {
			return err
		}
		if n > 0 {
			m["AccountAccessKeysPresent"] = 1
		}
		if m["Providers"], err = count(tx, identity.TableOIDC, "arn:aws:iam::"+acct+":oidc-provider/"); err != nil {
			return err
		}
		return tx.Scan(identity.TableMFA, "arn:aws:iam::"+acct+":mfa/", "", 0, func(k string, b []byte) error {
			var d identity.MFADevice
			if err := identity.Decode(identity.TableMFA, k, b, &d); err != nil {
				return err
			}
			m["MFADevices"]++
			if d.UserName != "" {
				m["MFADevicesInUse"]++
			}
			return nil
		})
	})
	if err != nil {
		return nil, err
	}
	policies := m["Policies"]
	m["PolicyVersionsInUse"] = policies
	return &GetAccountSummaryResult{SummaryMap: m}, nil
}

// UpdateRoleInput is IAM's UpdateRole request.
type UpdateRoleInput struct {
	RoleName           string `aws:",required"`
	Description        *string
	MaxSessionDuration *int32
}

// UpdateRoleResult is IAM's (empty) UpdateRole response: the model has an
// output shape, so clients expect the Result element.
type UpdateRoleResult struct{}

func updateRole(ctx context.Context, c *service.Call, in *UpdateRoleInput) (*UpdateRoleResult, error) {
	if d := in.MaxSessionDuration; d != nil && (*d < 3600 || *d > 43200) {
		return nil, validationError("Value '%d' at 'maxSessionDuration' failed to satisfy constraint: Member must have value between 3600 and 43200", *d)
	}
	err := changeRole(ctx, c, in.RoleName, func(r *identity.Role) error {
		if in.Description != nil {
			r.Description = *in.Description
		}
		if in.MaxSessionDuration != nil {
			r.MaxSessionDuration = *in.MaxSessionDuration
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &UpdateRoleResult{}, nil
}
