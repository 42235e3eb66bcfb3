package iam

import (
	"context"
	"crypto/sha1"
	"encoding/base32"
	"errors"
	"net/url"
	"strings"
	"time"
	"unicode"

	"github.com/moatdev/moat/internal/awserr"
	"github.com/moatdev/moat/internal/awsmanaged"
	"github.com/moatdev/moat/internal/identity"
	"github.com/moatdev/moat/internal/service"
	"github.com/moatdev/moat/internal/store"
	"github.com/moatdev/moat/policy"
)

// IAM's policy size quotas, counted without white space (IAM and STS quotas).
const (
	maxInlineUserPolicy = 2048
	maxManagedPolicy    = 6144
)

// policyOps are the policy operations of this slice of the IAM API: inline
// user policies and customer managed policies attached to users.
func policyOps() []*service.Operation {
	userRes := service.Resource(func(ctx context.Context, c *service.Call, in *PutUserPolicyInput) (string, error) {
		return existingUserARN(ctx, c, in.UserName)
	})
	return []*service.Operation{
		service.Op("PutUserPolicy", "iam:PutUserPolicy", putUserPolicy, userRes),
		service.Op("GetUserPolicy", "iam:GetUserPolicy", getUserPolicy, service.ReadOnly[UserPolicyInput](), userPolicyRes()),
		service.Op("DeleteUserPolicy", "iam:DeleteUserPolicy", deleteUserPolicy, userPolicyRes()),
		service.Op("ListUserPolicies", "iam:ListUserPolicies", listUserPolicies, service.ReadOnly[ListUserPoliciesInput](), service.Resource(func(ctx context.Context, c *service.Call, in *ListUserPoliciesInput) (string, error) {
			return existingUserARN(ctx, c, in.UserName)
		})),
		service.Op("CreatePolicy", "iam:CreatePolicy", createPolicy, service.Resource(func(_ context.Context, c *service.Call, in *CreatePolicyInput) (string, error) {
			return "arn:aws:iam::" + c.Account() + ":policy" + deref(in.Path, "/") + in.PolicyName, nil
		}), service.ContextKeys(func(in *CreatePolicyInput, set func(string, string)) { requestTags(in.Tags, set) })),
		service.Op("GetPolicy", "iam:GetPolicy", getPolicy, service.ReadOnly[PolicyArnInput](), policyArnRes()),
		service.Op("GetPolicyVersion", "iam:GetPolicyVersion", getPolicyVersion, service.ReadOnly[GetPolicyVersionInput](), service.Resource(func(_ context.Context, _ *service.Call, in *GetPolicyVersionInput) (string, error) {
			return in.PolicyArn, nil
		})),
		service.Op("DeletePolicy", "iam:DeletePolicy", deletePolicy, policyArnRes()),
		service.Op("AttachUserPolicy", "iam:AttachUserPolicy", attachUserPolicy, attachRes()),
		service.Op("DetachUserPolicy", "iam:DetachUserPolicy", detachUserPolicy, attachRes()),
		service.Op("ListAttachedUserPolicies", "iam:ListAttachedUserPolicies", listAttachedUserPolicies, service.ReadOnly[ListAttachedUserPoliciesInput](), service.Resource(func(ctx context.Context, c *service.Call, in *ListAttachedUserPoliciesInput) (string, error) {
			return existingUserARN(ctx, c, in.UserName)
		})),
	}
}

func userPolicyRes() service.OpOption[UserPolicyInput] {
	return service.Resource(func(ctx context.Context, c *service.Call, in *UserPolicyInput) (string, error) {
		return existingUserARN(ctx, c, in.UserName)
	})
}

func policyArnRes() service.OpOption[PolicyArnInput] {
	return service.Resource(func(_ context.Context, _ *service.Call, in *PolicyArnInput) (string, error) { return in.PolicyArn, nil })
}

func attachRes() service.OpOption[AttachUserPolicyInput] {
	return service.Resource(func(ctx context.Context, c *service.Call, in *AttachUserPolicyInput) (string, error) {
		return existingUserARN(ctx, c, in.UserName)
	})
}

// checkDocument parses, validates and compiles a policy document of the
// given kind with the policy engine; an error is MalformedPolicyDocument
// naming what and where.
func checkDocument(doc string, kind policy.Kind, max int, over func() error) error {
	if n := nonSpaceLen(doc); n > max {
		return over()
	}
	p, err := policy.Parse([]byte(doc))
	if err != nil {
		return awserr.MalformedPolicyDocument.New("%s", err.Error())
	}
	for _, f := range policy.Validate(p, kind) {
		if f.Severity == policy.SeverityError {
			return awserr.MalformedPolicyDocument.New("%s: %s", f.Path, f.Message)
		}
	}
	if _, err := policy.Compile(p, kind); err != nil {
		return awserr.MalformedPolicyDocument.New("%s", err.Error())
	}
	return nil
}

func nonSpaceLen(s string) int {
	n := 0
	for _, r := range s {
		if !unicode.IsSpace(r) {
			n++
		}
	}
	return n
}

// encodeDocument is how IAM returns policy documents: URL-encoded (RFC 3986).
func encodeDocument(doc string) string {
	return strings.ReplaceAll(url.QueryEscape(doc), "+", "%20")
}

// Inline user policies.

// PutUserPolicyInput is IAM's PutUserPolicy request.
type PutUserPolicyInput struct {
	UserName       string `aws:",required"`
	PolicyName     string `aws:",required"`
	PolicyDocument string `aws:",required"`
}

func putUserPolicy(ctx context.Context, c *service.Call, in *PutUserPolicyInput) (*struct{}, error) {
	return nil, putInline(ctx, c, users, in.UserName, in.PolicyName, in.PolicyDocument)
}

// UserPolicyInput names one inline policy of a user.
type UserPolicyInput struct {
	UserName   string `aws:",required"`
	PolicyName string `aws:",required"`
}

// GetUserPolicyResult is IAM's GetUserPolicy response.
type GetUserPolicyResult struct {
	UserName       string
	PolicyName     string
	PolicyDocument string
}

func getUserPolicy(ctx context.Context, c *service.Call, in *UserPolicyInput) (*GetUserPolicyResult, error) {
	p, err := getInline(ctx, c, users, in.UserName, in.PolicyName)
	if err != nil {
		return nil, err
	}
	return &GetUserPolicyResult{UserName: in.UserName, PolicyName: p.PolicyName, PolicyDocument: encodeDocument(p.Document)}, nil
}

func deleteUserPolicy(ctx context.Context, c *service.Call, in *UserPolicyInput) (*struct{}, error) {
	return nil, deleteInline(ctx, c, users, in.UserName, in.PolicyName)
}

// ListUserPoliciesInput is IAM's ListUserPolicies request.
type ListUserPoliciesInput struct {
	UserName string `aws:",required"`
	Marker   *string
	MaxItems *int32
}

// ListUserPoliciesResult is IAM's ListUserPolicies response (and ListRolePolicies').
type ListUserPoliciesResult struct {
	PolicyNames []string
	IsTruncated bool
	Marker      *string
}

func listUserPolicies(ctx context.Context, c *service.Call, in *ListUserPoliciesInput) (*ListUserPoliciesResult, error) {
	names, next, err := listKeys(ctx, c, users, users.inline, in.UserName, in.Marker, in.MaxItems, all)
	if err != nil {
		return nil, err
	}
	return &ListUserPoliciesResult{PolicyNames: names, IsTruncated: next != nil, Marker: next}, nil
}

// Customer managed policies.

// Policy is IAM's Policy shape.
type Policy struct {
	PolicyName                    string
	PolicyId                      string
	Arn                           string
	Path                          string
	DefaultVersionId              string
	AttachmentCount               int32
	PermissionsBoundaryUsageCount int32
	IsAttachable                  bool
	Description                   string `aws:",omitempty"`
	CreateDate                    time.Time
	UpdateDate                    time.Time
	Tags                          []Tag `aws:",omitempty"`
}

func policyShape(p *identity.ManagedPolicy) Policy {
	return Policy{PolicyName: p.PolicyName, PolicyId: p.PolicyID, Arn: p.ARN(), Path: p.Path, DefaultVersionId: p.DefaultVersion,
		AttachmentCount: int32(p.AttachmentCount), IsAttachable: true, Description: p.Description, CreateDate: p.Created, UpdateDate: p.Updated, Tags: tagShapes(p.Tags)}
}

// CreatePolicyInput is IAM's CreatePolicy request.
type CreatePolicyInput struct {
	PolicyName     string `aws:",required"`
	PolicyDocument string `aws:",required"`
	Path           *string
	Description    *string
	Tags           []Tag
}

// CreatePolicyResult is IAM's CreatePolicy response.
type CreatePolicyResult struct{ Policy Policy }

func createPolicy(ctx context.Context, c *service.Call, in *CreatePolicyInput) (*CreatePolicyResult, error) {
	if err := checkName("policyName", in.PolicyName, 128); err != nil {
		return nil, err
	}
	if err := checkPath("path", in.Path); err != nil {
		return nil, err
	}
	err := checkDocument(in.PolicyDocument, policy.Identity, maxManagedPolicy, func() error {
		return awserr.LimitExceeded.New("Cannot exceed quota for PolicySize: %d", maxManagedPolicy)
	})
	if err != nil {
		return nil, err
	}
	tags, err := tagsFrom(in.Tags)
	if err != nil {
		return nil, err
	}
	now := c.Now.UTC().Truncate(time.Second)
	p := &identity.ManagedPolicy{Tags: tags,
		Account: c.Account(), PolicyName: in.PolicyName, PolicyID: identity.NewID("ANPA", 17), Path: deref(in.Path, "/"),
		Description: deref(in.Description, ""), DefaultVersion: "v1", Created: now, Updated: now,
		Versions: []identity.PolicyVersion{{VersionID: "v1", Document: in.PolicyDocument, Created: now}},
	}
	err = c.Deps.Store.Update(ctx, func(tx store.Tx) error {
		err := tx.Insert(identity.TablePolicies, identity.PolicyKey(p.Account, p.PolicyName), identity.Encode(p))
		if errors.Is(err, store.ErrExists) {
			return awserr.EntityAlreadyExists.New("A policy called %s already exists. Duplicate names are not allowed.", in.PolicyName)
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	return &CreatePolicyResult{Policy: policyShape(p)}, nil
}

// loadPolicyTx reads the customer managed policy an ARN names in account.
func loadPolicyTx(tx store.Tx, account, policyARN string) (*identity.ManagedPolicy, error) {
	if strings.HasPrefix(policyARN, "arn:aws:iam::aws:policy/") {
		return awsManagedPolicy(policyARN)
	}
	prefix := "arn:aws:iam::" + account + ":policy/"
	if !strings.HasPrefix(policyARN, prefix) {
		return nil, awserr.InvalidInput.New("ARN %s is not valid.", policyARN)
	}
	rest := policyARN[len(prefix)-1:]
	name := rest[strings.LastIndexByte(rest, '/')+1:]
	key := identity.PolicyKey(account, name)
	b, err := tx.Get(identity.TablePolicies, key)
	if errors.Is(err, store.ErrNotFound) {
		return nil, awserr.NoSuchEntity.New("Policy %s does not exist or is not attachable.", policyARN)
	}
	if err != nil {
		return nil, err
	}
	var p identity.ManagedPolicy
	if err := identity.Decode(identity.TablePolicies, key, b, &p); err != nil {
		return nil, err
	}
	if p.ARN() != policyARN {
		return nil, awserr.NoSuchEntity.New("Policy %s does not exist or is not attachable.", policyARN)
	}
	return &p, nil
}

// ManagedPolicyExists reports whether arn names a customer managed policy of
// account or an AWS managed policy.
func ManagedPolicyExists(tx store.Tx, account, arn string) (bool, error) {
	_, err := loadPolicyTx(tx, account, arn)
	if awserr.NoSuchEntity.Is(err) || awserr.InvalidInput.Is(err) {
		return false, nil
	}
	return err == nil, err
}

// awsManagedPolicy is an AWS managed policy as a ManagedPolicy of the
// account "aws", with its default version only.
func awsManagedPolicy(policyARN string) (*identity.ManagedPolicy, error) {
	p, ok, err := awsmanaged.ByARN(policyARN)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, awserr.NoSuchEntity.New("Policy %s does not exist or is not attachable.", policyARN)
	}
	rest := strings.TrimPrefix(policyARN, "arn:aws:iam::aws:policy")
	sum := sha1.Sum([]byte(policyARN))
	id := "ANPA" + strings.ToUpper(base32.StdEncoding.EncodeToString(sum[:]))[:17]
	return &identity.ManagedPolicy{Account: "aws", PolicyName: p.Name, PolicyID: id, Path: rest[:strings.LastIndexByte(rest, '/')+1],
		DefaultVersion: p.VersionID, Versions: []identity.PolicyVersion{{VersionID: p.VersionID, Document: p.Document}}}, nil
}

// PolicyArnInput names a managed policy.
type PolicyArnInput struct {
	PolicyArn string `aws:",required"`
}

// GetPolicyResult is IAM's GetPolicy response.
type GetPolicyResult struct{ Policy Policy }

func getPolicy(ctx context.Context, c *service.Call, in *PolicyArnInput) (*GetPolicyResult, error) {
	var out *GetPolicyResult
	err := c.Deps.Store.View(ctx, func(tx store.Tx) error {
		p, err := loadPolicyTx(tx, c.Account(), in.PolicyArn)
		if err == nil {
			out = &GetPolicyResult{Policy: policyShape(p)}
		}
		return err
	})
	return out, err
}

// GetPolicyVersionInput is IAM's GetPolicyVersion request.
type GetPolicyVersionInput struct {
	PolicyArn string `aws:",required"`
	VersionId string `aws:",required"`
}

// PolicyVersion is IAM's PolicyVersion shape.
type PolicyVersion struct {
	Document         string
	VersionId        string
	IsDefaultVersion bool
	CreateDate       time.Time
}

// GetPolicyVersionResult is IAM's GetPolicyVersion response.
type GetPolicyVersionResult struct{ PolicyVersion PolicyVersion }

func getPolicyVersion(ctx context.Context, c *service.Call, in *GetPolicyVersionInput) (*GetPolicyVersionResult, error) {
	var out *GetPolicyVersionResult
	err := c.Deps.Store.View(ctx, func(tx store.Tx) error {
		p, err := loadPolicyTx(tx, c.Account(), in.PolicyArn)
		if err != nil {
			return err
		}
		for _, v := range p.Versions {
			if v.VersionID == in.VersionId {
				out = &GetPolicyVersionResult{PolicyVersion: PolicyVersion{Document: encodeDocument(v.Document), VersionId: v.VersionID, IsDefaultVersion: v.VersionID == p.DefaultVersion, CreateDate: v.Created}}
				return nil
			}
		}
		return awserr.NoSuchEntity.New("Policy %s version %s does not exist or is not attachable.", in.PolicyArn, in.VersionId)
	})
	return out, err
}

func deletePolicy(ctx context.Context, c *service.Call, in *PolicyArnInput) (*struct{}, error) {
	err := c.Deps.Store.Update(ctx, func(tx store.Tx) error {
		p, err := loadPolicyTx(tx, c.Account(), in.PolicyArn)
		if err != nil {
			return err
		}
		if p.Account == "aws" {
			return awserr.UnmodifiableEntity.New("Cannot delete policies outside your own account.")
		}
		if p.AttachmentCount > 0 {
			return awserr.DeleteConflict.New("Cannot delete a policy attached to entities.")
		}
		return tx.Delete(identity.TablePolicies, identity.PolicyKey(p.Account, p.PolicyName))
	})
	return nil, err
}

// AttachUserPolicyInput is IAM's AttachUserPolicy and DetachUserPolicy request.
type AttachUserPolicyInput struct {
	UserName  string `aws:",required"`
	PolicyArn string `aws:",required"`
}

func attachUserPolicy(ctx context.Context, c *service.Call, in *AttachUserPolicyInput) (*struct{}, error) {
	return nil, changeAttachment(ctx, c, users, in.UserName, in.PolicyArn, true)
}

func detachUserPolicy(ctx context.Context, c *service.Call, in *AttachUserPolicyInput) (*struct{}, error) {
	return nil, changeAttachment(ctx, c, users, in.UserName, in.PolicyArn, false)
}

// ListAttachedUserPoliciesInput is IAM's ListAttachedUserPolicies request.
type ListAttachedUserPoliciesInput struct {
	UserName   string `aws:",required"`
	PathPrefix *string
	Marker     *string
	MaxItems   *int32
}

// AttachedPolicy is IAM's AttachedPolicy shape.
type AttachedPolicy struct {
	PolicyName string
	PolicyArn  string
}

// ListAttachedUserPoliciesResult is IAM's ListAttachedUserPolicies response (and ListAttachedRolePolicies').
type ListAttachedUserPoliciesResult struct {
	AttachedPolicies []AttachedPolicy
	IsTruncated      bool
	Marker           *string
}

func listAttachedUserPolicies(ctx context.Context, c *service.Call, in *ListAttachedUserPoliciesInput) (*ListAttachedUserPoliciesResult, error) {
	arns, next, err := listKeys(ctx, c, users, users.attached, in.UserName, in.Marker, in.MaxItems, pathFilter(in.PathPrefix))
	if err != nil {
		return nil, err
	}
	return &ListAttachedUserPoliciesResult{AttachedPolicies: attachedShapes(arns), IsTruncated: next != nil, Marker: next}, nil
}
