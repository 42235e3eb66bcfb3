package iam

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/moatdev/moat/internal/awserr"
	"github.com/moatdev/moat/internal/awsmanaged"
	"github.com/moatdev/moat/internal/identity"
	"github.com/moatdev/moat/internal/service"
	"github.com/moatdev/moat/internal/store"
	"github.com/moatdev/moat/policy"
)

// maxPolicyVersions is IAM's quota of versions per managed policy.
const maxPolicyVersions = 5

func versionOps() []*service.Operation {
	arnRes := func(a string) (string, error) { return a, nil }
	return []*service.Operation{
		service.Op("CreatePolicyVersion", "iam:CreatePolicyVersion", createPolicyVersion, service.Resource(func(_ context.Context, _ *service.Call, in *CreatePolicyVersionInput) (string, error) {
			return arnRes(in.PolicyArn)
		})),
		service.Op("ListPolicyVersions", "iam:ListPolicyVersions", listPolicyVersions, service.ReadOnly[PolicyArnInput](), policyArnRes()),
		service.Op("DeletePolicyVersion", "iam:DeletePolicyVersion", deletePolicyVersion, service.Resource(func(_ context.Context, _ *service.Call, in *PolicyVersionInput) (string, error) {
			return arnRes(in.PolicyArn)
		})),
		service.Op("SetDefaultPolicyVersion", "iam:SetDefaultPolicyVersion", setDefaultPolicyVersion, service.Resource(func(_ context.Context, _ *service.Call, in *PolicyVersionInput) (string, error) {
			return arnRes(in.PolicyArn)
		})),
		service.Op("ListPolicies", "iam:ListPolicies", listPolicies, service.ReadOnly[ListPoliciesInput]()),
	}
}

// updatePolicy runs fn on a customer managed policy and saves it; AWS
// managed policies cannot change.
func updatePolicy(ctx context.Context, c *service.Call, policyARN string, fn func(p *identity.ManagedPolicy) error) error {
	err := c.Deps.Store.Update(ctx, func(tx store.Tx) error {
		p, err := loadPolicyTx(tx, c.Account(), policyARN)
		if err != nil {
			return err
		}
		if p.Account == "aws" {
			return awserr.UnmodifiableEntity.New("Cannot modify AWS managed policies.")
		}
		if err := fn(p); err != nil {
			return err
		}
		p.Updated = c.Now.UTC().Truncate(time.Second)
		return tx.Put(identity.TablePolicies, identity.PolicyKey(p.Account, p.PolicyName), identity.Encode(p))
	})
	if err == nil {
		c.Deps.PoliciesChanged()
	}
	return err
}

// CreatePolicyVersionInput is IAM's CreatePolicyVersion request.
type CreatePolicyVersionInput struct {
	PolicyArn      string `aws:",required"`
	PolicyDocument string `aws:",required"`
	SetAsDefault   *bool
}

// CreatePolicyVersionResult is IAM's CreatePolicyVersion response.
type CreatePolicyVersionResult struct{ PolicyVersion PolicyVersion }

func createPolicyVersion(ctx context.Context, c *service.Call, in *CreatePolicyVersionInput) (*CreatePolicyVersionResult, error) {
	err := checkDocument(in.PolicyDocument, policy.Identity, maxManagedPolicy, func() error {
		return awserr.LimitExceeded.New("Cannot exceed quota for PolicySize: %d", maxManagedPolicy)
	})
	if err != nil {
		return nil, err
	}
	var out PolicyVersion
	err = updatePolicy(ctx, c, in.PolicyArn, func(p *identity.ManagedPolicy) error {
		if len(p.Versions) >= maxPolicyVersions {
			return awserr.LimitExceeded.New("A managed policy can have up to %d versions. Before you create a new version, you must delete an existing version.", maxPolicyVersions)
		}
		next := 0
		for _, v := range p.Versions {
			if n, err := strconv.Atoi(strings.TrimPrefix(v.VersionID, "v")); err == nil && n > next {
				next = n
			}
		}
		v := identity.PolicyVersion{VersionID: fmt.Sprintf("v%d", next+1), Document: in.PolicyDocument, Created: c.Now.UTC().Truncate(time.Second)}
		p.Versions = append(p.Versions, v)
		if in.SetAsDefault != nil && *in.SetAsDefault {
			p.DefaultVersion = v.VersionID
		}
		out = PolicyVersion{VersionId: v.VersionID, IsDefaultVersion: p.DefaultVersion == v.VersionID, CreateDate: v.Created}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &CreatePolicyVersionResult{PolicyVersion: out}, nil
}

// ListPolicyVersionsResult is IAM's ListPolicyVersions response.
type ListPolicyVersionsResult struct {
	Versions    []PolicyVersion
	IsTruncated bool
}

func listPolicyVersions(ctx context.Context, c *service.Call, in *PolicyArnInput) (*ListPolicyVersionsResult, error) {
	out := &ListPolicyVersionsResult{Versions: []PolicyVersion{}}
	err := c.Deps.Store.View(ctx, func(tx store.Tx) error {
		p, err := loadPolicyTx(tx, c.Account(), in.PolicyArn)
		if err != nil {
			return err
		}
		for i := len(p.Versions) - 1; i >= 0; i-- { // newest first, as IAM lists them
			v := p.Versions[i]
			out.Versions = append(out.Versions, PolicyVersion{VersionId: v.VersionID, IsDefaultVersion: v.VersionID == p.DefaultVersion, CreateDate: v.Created})
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// PolicyVersionInput names one version of a managed policy.
type PolicyVersionInput struct {
	PolicyArn string `aws:",required"`
	VersionId string `aws:",required"`
}

func deletePolicyVersion(ctx context.Context, c *service.Call, in *PolicyVersionInput) (*struct{}, error) {
	return nil, updatePolicy(ctx, c, in.PolicyArn, func(p *identity.ManagedPolicy) error {
		if in.VersionId == p.DefaultVersion {
			return awserr.DeleteConflict.New("Cannot delete the default version of a policy.")
		}
		for i, v := range p.Versions {
			if v.VersionID == in.VersionId {
				p.Versions = append(p.Versions[:i], p.Versions[i+1:]...)
				return nil
			}
		}
		return awserr.NoSuchEntity.New("Policy %s version %s does not exist or is not attachable.", in.PolicyArn, in.VersionId)
	})
}

func setDefaultPolicyVersion(ctx context.Context, c *service.Call, in *PolicyVersionInput) (*struct{}, error) {
	return nil, updatePolicy(ctx, c, in.PolicyArn, func(p *identity.ManagedPolicy) error {
		for _, v := range p.Versions {
			if v.VersionID == in.VersionId {
				p.DefaultVersion = v.VersionID
				return nil
			}
		}
		return awserr.NoSuchEntity.New("Policy %s version %s does not exist or is not attachable.", in.PolicyArn, in.VersionId)
	})
}

// ListPoliciesInput is IAM's ListPolicies request.
type ListPoliciesInput struct {
	Scope        *string // All | AWS | Local
	OnlyAttached *bool
	PathPrefix   *string
	Marker       *string
	MaxItems     *int32
}

// ListPoliciesResult is IAM's ListPolicies response.
type ListPoliciesResult struct {
	Policies    []Policy
	IsTruncated bool
	Marker      *string
}

// listPolicies lists AWS managed policies (Scope AWS) and the account's
// (Scope Local), the account's first, each sorted by name. The marker is
// the ARN of the last policy returned.
func listPolicies(ctx context.Context, c *service.Call, in *ListPoliciesInput) (*ListPoliciesResult, error) {
	limit, err := maxItems(in.MaxItems)
	if err != nil {
		return nil, err
	}
	scope := deref(in.Scope, "All")
	if scope != "All" && scope != "AWS" && scope != "Local" {
		return nil, validationError("Value '%s' at 'scope' failed to satisfy constraint: Member must satisfy enum value set: [All, AWS, Local]", scope)
	}
	onlyAttached := in.OnlyAttached != nil && *in.OnlyAttached
	var all []Policy
	if scope != "AWS" {
		err := c.Deps.Store.View(ctx, func(tx store.Tx) error {
			return tx.Scan(identity.TablePolicies, c.Account()+"/", "", 0, func(key string, b []byte) error {
				var p identity.ManagedPolicy
				if err := identity.Decode(identity.TablePolicies, key, b, &p); err != nil {
					return err
				}
				if !onlyAttached || p.AttachmentCount > 0 {
					all = append(all, policyShape(&p))
				}
				return nil
			})
		})
		if err != nil {
			return nil, err
		}
	}
	if scope != "Local" && !onlyAttached { // attachments of AWS policies are not counted (RATIONALE.md)
		aws, err := awsmanaged.All()
		if err != nil {
			return nil, err
		}
		for _, a := range aws {
			p, err := awsManagedPolicy(a.ARN)
			if err != nil {
				return nil, err
			}
			all = append(all, policyShape(p))
		}
	}
	pathPrefix := deref(in.PathPrefix, "/")
	start := 0
	if in.Marker != nil {
		found := false
		for i, p := range all {
			if encodeMarker(p.Arn) == *in.Marker {
				start, found = i+1, true
				break
			}
		}
		if !found {
			return nil, awserr.InvalidInput.New("Invalid Marker.")
		}
	}
	out := &ListPoliciesResult{Policies: []Policy{}}
	for _, p := range all[start:] {
		if !strings.HasPrefix(p.Path, pathPrefix) {
			continue
		}
		if len(out.Policies) == limit {
			out.IsTruncated = true
			m := encodeMarker(out.Policies[len(out.Policies)-1].Arn)
			out.Marker = &m
			break
		}
		out.Policies = append(out.Policies, p)
	}
	return out, nil
}
