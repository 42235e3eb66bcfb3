// Package sts serves the STS API (query protocol, version 2011-06-15):
// GetCallerIdentity, GetSessionToken and AssumeRole (the role's trust policy
// decides, with the caller's identity policies across accounts) so far. GetCallerIdentity needs no
// permission and cannot be denied (STS API reference).
package sts

import (
	"context"
	"errors"
	"regexp"
	"strings"
	"time"

	"github.com/moatdev/moat/arn"
	"github.com/moatdev/moat/internal/service/iam"

	"github.com/moatdev/moat/internal/awserr"
	"github.com/moatdev/moat/internal/identity"
	"github.com/moatdev/moat/internal/protocol"
	"github.com/moatdev/moat/internal/service"
	"github.com/moatdev/moat/internal/store"
	"github.com/moatdev/moat/policy"
)

// New returns the STS service.
func New() *service.Service {
	return &service.Service{
		Meta: protocol.Service{
			Name: "sts", Protocol: "query", APIVersion: "2011-06-15",
			XMLNamespace: "https://sts.amazonaws.com/doc/2011-06-15/",
		},
		EventSource: "sts.amazonaws.com",
		Ops: service.Table(
			service.Op("GetCallerIdentity", "sts:GetCallerIdentity", getCallerIdentity, service.ReadOnly[struct{}]()),
			service.Op("DecodeAuthorizationMessage", "sts:DecodeAuthorizationMessage", decodeAuthorizationMessage, service.ReadOnly[DecodeAuthorizationMessageInput]()),
			service.Op("GetSessionToken", "sts:GetSessionToken", getSessionToken, service.ReadOnly[GetSessionTokenInput](), service.AuthenticationOnly[GetSessionTokenInput](),
				service.MFA(func(in *GetSessionTokenInput) (string, string) { return deref(in.SerialNumber), deref(in.TokenCode) })),
			withIdentify(service.Op("AssumeRoleWithWebIdentity", "sts:AssumeRoleWithWebIdentity", assumeRoleWithWebIdentity,
				service.Unsigned[AssumeRoleWithWebIdentityInput](),
				service.Resource(func(_ context.Context, _ *service.Call, in *AssumeRoleWithWebIdentityInput) (string, error) {
					return in.RoleArn, nil
				}),
				service.ResourcePolicy(func(ctx context.Context, c *service.Call, in *AssumeRoleWithWebIdentityInput) (string, string, error) {
					r, err := roleOf(ctx, c, in.RoleArn)
					if err != nil {
						return "", "", err
					}
					return r.AssumeRolePolicyDocument, r.Account, nil
				}))),
			withExtraActions(service.Op("AssumeRole", "sts:AssumeRole", assumeRole,
				service.Resource(func(_ context.Context, _ *service.Call, in *AssumeRoleInput) (string, error) { return in.RoleArn, nil }),
				service.ResourcePolicy(func(ctx context.Context, c *service.Call, in *AssumeRoleInput) (string, string, error) {
					r, err := roleOf(ctx, c, in.RoleArn)
					if err != nil {
						return "", "", err
					}
					return r.AssumeRolePolicyDocument, r.Account, nil
				}),
				service.MFA(func(in *AssumeRoleInput) (string, string) { return deref(in.SerialNumber), deref(in.TokenCode) }),
				service.ContextKeys(func(in *AssumeRoleInput, set func(string, string)) {
					for _, t := range in.Tags {
						set("aws:RequestTag/"+t.Key, t.Value)
					}
					if in.SourceIdentity != nil {
						set("sts:SourceIdentity", *in.SourceIdentity)
					}
					set("sts:RoleSessionName", in.RoleSessionName)
					if in.ExternalId != nil {
						set("sts:ExternalId", *in.ExternalId)
					}
				}))),
		),
	}
}

func withExtraActions(o *service.Operation) *service.Operation {
	o.ExtraActions = extraAssumeRoleActions
	return o
}

// GetCallerIdentityResult is STS's GetCallerIdentity response.
type GetCallerIdentityResult struct {
	UserId  string
	Account string
	Arn     string
}

func getCallerIdentity(_ context.Context, c *service.Call, _ *struct{}) (*GetCallerIdentityResult, error) {
	p := c.Principal
	return &GetCallerIdentityResult{UserId: p.PrincipalID, Account: p.Account, Arn: p.ARN}, nil
}

// GetSessionTokenInput is STS's GetSessionToken request.
type GetSessionTokenInput struct {
	DurationSeconds *int32
	SerialNumber    *string
	TokenCode       *string `aws:",sensitive"`
}

// Credentials is STS's Credentials shape.
type Credentials struct {
	AccessKeyId     string
	SecretAccessKey string    `aws:",sensitive"`
	SessionToken    string    `aws:",sensitive"`
	Expiration      time.Time `aws:",trailtime=comma"`
}

// GetSessionTokenResult is STS's GetSessionToken response.
type GetSessionTokenResult struct{ Credentials Credentials }

// Session lifetimes of GetSessionToken (STS API reference): 900 s to 36 hours
// for IAM users, at most one hour for the root user; 12 hours by default.
const (
	minDuration     = 900
	maxUserDuration = 129600
	maxRootDuration = 3600
	defaultDuration = 43200
)

func getSessionToken(ctx context.Context, c *service.Call, in *GetSessionTokenInput) (*GetSessionTokenResult, error) {
	p := c.Principal
	if p.Session != nil {
		return nil, awserr.AccessDenied.New("Cannot call GetSessionToken with session credentials")
	}
	max := int32(maxUserDuration)
	if p.Kind == identity.Root {
		max = maxRootDuration
	}
	d := int32(defaultDuration)
	if in.DurationSeconds != nil {
		d = *in.DurationSeconds
		if d < minDuration {
			return nil, awserr.ValidationError.New("1 validation error detected: Value '%d' at 'durationSeconds' failed to satisfy constraint: Member must have value greater than or equal to %d", d, minDuration)
		}
		if d > maxUserDuration {
			return nil, awserr.ValidationError.New("1 validation error detected: Value '%d' at 'durationSeconds' failed to satisfy constraint: Member must have value less than or equal to %d", d, maxUserDuration)
		}
	}
	if d > max {
		d = max // AWS silently caps the root user's sessions at one hour
	}
	now := c.Now.UTC().Truncate(time.Second)
	s := &identity.Session{
		AccessKeyID:      identity.NewID("ASIA", 16),
		SecretAccessKey:  identity.NewSecret(),
		SessionToken:     identity.NewSessionToken(),
		Issued:           now,
		Expires:          now.Add(time.Duration(d) * time.Second),
		Account:          p.Account,
		UserName:         p.UserName,
		MFAAuthenticated: c.MFA, // the server verified SerialNumber and TokenCode
	}
	err := c.Deps.Store.Update(ctx, func(tx store.Tx) error {
		return tx.Insert(identity.TableSessions, s.AccessKeyID, identity.Encode(s))
	})
	if err != nil {
		return nil, err
	}
	return &GetSessionTokenResult{Credentials: Credentials{
		AccessKeyId: s.AccessKeyID, SecretAccessKey: s.SecretAccessKey,
		SessionToken: s.SessionToken, Expiration: s.Expires,
	}}, nil
}

// AssumeRoleInput is STS's AssumeRole request.
type AssumeRoleInput struct {
	RoleArn           string `aws:",required"`
	RoleSessionName   string `aws:",required"`
	DurationSeconds   *int32
	ExternalId        *string
	Policy            *string
	PolicyArns        []PolicyDescriptorType
	Tags              []Tag
	TransitiveTagKeys []string
	SourceIdentity    *string
	SerialNumber      *string
	TokenCode         *string `aws:",sensitive"`
}

// Tag is STS's session Tag shape.
type Tag struct {
	Key   string `aws:",required"`
	Value string `aws:",required"`
}

// PolicyDescriptorType names a managed policy used as a session policy.
type PolicyDescriptorType struct{ Arn *string }

// AssumedRoleUser is STS's AssumedRoleUser shape.
type AssumedRoleUser struct {
	AssumedRoleId string
	Arn           string
}

// AssumeRoleResult is STS's AssumeRole response.
type AssumeRoleResult struct {
	Credentials      Credentials
	AssumedRoleUser  AssumedRoleUser
	PackedPolicySize *int32
}

var sessionNamePattern = regexp.MustCompile(`^[\w+=,.@-]{2,64}$`)

// roleOf reads the role an ARN names (in any account moat serves).
func roleOf(ctx context.Context, c *service.Call, roleARN string) (*identity.Role, error) {
	a, err := arn.Parse(roleARN)
	if err != nil || a.Service != "iam" || !strings.HasPrefix(a.Resource, "role/") {
		return nil, awserr.ValidationError.New("1 validation error detected: Value '%s' at 'roleArn' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\u0009\\u000A\\u000D\\u0020-\\u007E\\u0085\\u00A0-\\uD7FF\\uE000-\\uFFFD\\u10000-\\u10FFFF]+", roleARN)
	}
	name := a.Resource[strings.LastIndexByte(a.Resource, '/')+1:]
	var r *identity.Role
	err = c.Deps.Store.View(ctx, func(tx store.Tx) error {
		r, err = iam.GetRoleTx(tx, a.AccountID, name)
		return err
	})
	if err != nil || r.ARN() != roleARN {
		// AWS answers a role that does not exist like one the caller may not
		// assume.
		return nil, awserr.AccessDenied.New("User: %s is not authorized to perform: sts:AssumeRole on resource: %s", c.Principal.ARN, roleARN)
	}
	return r, nil
}

func assumeRole(ctx context.Context, c *service.Call, in *AssumeRoleInput) (*AssumeRoleResult, error) {
	p := c.Principal
	if p.Kind == identity.Root {
		// Observed AWS behaviour (not in the API reference): the root user
		// cannot assume roles.
		return nil, awserr.AccessDenied.New("Roles may not be assumed by root accounts.")
	}
	if !sessionNamePattern.MatchString(in.RoleSessionName) {
		return nil, awserr.ValidationError.New("1 validation error detected: Value '%s' at 'roleSessionName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]*", in.RoleSessionName)
	}
	sessionPolicy, arns, packed, err := sessionPolicies(ctx, c, in)
	if err != nil {
		return nil, err
	}
	r, err := roleOf(ctx, c, in.RoleArn)
	if err != nil {
		return nil, err
	}
	d := int32(3600)
	if in.DurationSeconds != nil {
		d = *in.DurationSeconds
		switch {
		case d < minDuration:
			return nil, awserr.ValidationError.New("1 validation error detected: Value '%d' at 'durationSeconds' failed to satisfy constraint: Member must have value greater than or equal to %d", d, minDuration)
		case p.Kind == identity.AssumedRole && d > 3600:
			return nil, awserr.ValidationError.New("The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.")
		case d > r.MaxSessionDuration:
			return nil, awserr.ValidationError.New("The requested DurationSeconds exceeds the MaxSessionDuration set for this role.")
		}
	}
	now := c.Now.UTC().Truncate(time.Second)
	s := &identity.Session{
		AccessKeyID: identity.NewID("ASIA", 16), SecretAccessKey: identity.NewSecret(), SessionToken: identity.NewSessionToken(),
		Issued: now, Expires: now.Add(time.Duration(d) * time.Second), Account: r.Account,
		RoleName: r.RoleName, SessionName: in.RoleSessionName,
		SessionPolicy: sessionPolicy, SessionPolicyARNs: arns, MFAAuthenticated: c.MFA,
	}
	if err := sessionTags(c, in, s); err != nil {
		return nil, err
	}
	err = c.Deps.Store.Update(ctx, func(tx store.Tx) error {
		return tx.Insert(identity.TableSessions, s.AccessKeyID, identity.Encode(s))
	})
	if err != nil {
		return nil, err
	}
	sp := identity.SessionPrincipal(r, s)
	return &AssumeRoleResult{
		Credentials:      Credentials{AccessKeyId: s.AccessKeyID, SecretAccessKey: s.SecretAccessKey, SessionToken: s.SessionToken, Expiration: s.Expires},
		AssumedRoleUser:  AssumedRoleUser{AssumedRoleId: sp.PrincipalID, Arn: sp.ARN},
		PackedPolicySize: packed,
	}, nil
}

// Session policy quotas (STS AssumeRole reference): 2,048 characters of
// inline policy and at most 10 managed policy ARNs.
const (
	maxSessionPolicy     = 2048
	maxSessionPolicyARNs = 10
)

// sessionPolicies checks AssumeRole's Policy and PolicyArns and returns
// what the session keeps of them, with the packed size AWS reports (moat
// does not pack: the percentage of the inline quota used).
func sessionPolicies(ctx context.Context, c *service.Call, in *AssumeRoleInput) (string, []string, *int32, error) {
	if len(in.PolicyArns) > maxSessionPolicyARNs {
		return "", nil, nil, awserr.ValidationError.New("1 validation error detected: Value at 'policyArns' failed to satisfy constraint: Member must have length less than or equal to %d", maxSessionPolicyARNs)
	}
	var arns []string
	for _, d := range in.PolicyArns {
		if d.Arn == nil {
			continue
		}
		ok := false
		err := c.Deps.Store.View(ctx, func(tx store.Tx) error {
			var err error
			ok, err = iam.ManagedPolicyExists(tx, c.Principal.Account, *d.Arn)
			return err
		})
		if err != nil {
			return "", nil, nil, err
		}
		if !ok {
			return "", nil, nil, awserr.MalformedPolicyDocument.New("Policy %s does not exist or is not attachable.", *d.Arn)
		}
		arns = append(arns, *d.Arn)
	}
	if in.Policy == nil {
		if len(arns) == 0 {
			return "", nil, nil, nil
		}
		zero := int32(0)
		return "", arns, &zero, nil
	}
	doc := *in.Policy
	if len(doc) > maxSessionPolicy {
		return "", nil, nil, awserr.PackedPolicyTooLarge.New("Serialized policy size exceeds the limit of %d characters.", maxSessionPolicy)
	}
	p, err := policy.Parse([]byte(doc))
	if err != nil {
		return "", nil, nil, awserr.MalformedPolicyDocument.New("%s", err.Error())
	}
	if _, err := policy.Compile(p, policy.Session); err != nil {
		return "", nil, nil, awserr.MalformedPolicyDocument.New("%s", err.Error())
	}
	packed := int32(len(doc) * 100 / maxSessionPolicy)
	return doc, arns, &packed, nil
}

func deref(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}

func withIdentify(o *service.Operation) *service.Operation {
	o.Identify = webIdentity
	return o
}

// Session tag quotas (STS AssumeRole reference).
const maxSessionTags = 50

// extraAssumeRoleActions are the permissions AssumeRole needs besides
// sts:AssumeRole: sts:TagSession to pass session tags, sts:SetSourceIdentity
// to set a source identity (both granted in the trust policy).
func extraAssumeRoleActions(in any) []string {
	r := in.(*AssumeRoleInput)
	var out []string
	if len(r.Tags) > 0 {
		out = append(out, "sts:TagSession")
	}
	if r.SourceIdentity != nil {
		out = append(out, "sts:SetSourceIdentity")
	}
	return out
}

// sessionTags sets the new session's tags: the caller's transitive session
// tags (role chaining), then the request's, which replace them key by key.
func sessionTags(c *service.Call, in *AssumeRoleInput, s *identity.Session) error {
	if len(in.Tags) > maxSessionTags {
		return awserr.ValidationError.New("1 validation error detected: Value at 'tags' failed to satisfy constraint: Member must have length less than or equal to %d", maxSessionTags)
	}
	if prev := c.Principal.Session; prev != nil {
		for _, t := range prev.Tags {
			for _, k := range prev.TransitiveKeys {
				if strings.EqualFold(k, t.Key) {
					s.Tags = append(s.Tags, t)
					s.TransitiveKeys = append(s.TransitiveKeys, t.Key)
				}
			}
		}
		if prev.SourceIdentity != "" {
			if in.SourceIdentity != nil && *in.SourceIdentity != prev.SourceIdentity {
				return awserr.ValidationError.New("Source identity cannot be changed once set (role chaining).")
			}
			s.SourceIdentity = prev.SourceIdentity
		}
	}
	for _, t := range in.Tags {
		replaced := false
		for i := range s.Tags {
			if strings.EqualFold(s.Tags[i].Key, t.Key) {
				if contains(s.TransitiveKeys, t.Key) {
					return awserr.InvalidParameterValue.New("Transitive tag key %s cannot be overridden in a chained session.", t.Key)
				}
				s.Tags[i] = identity.Tag{Key: t.Key, Value: t.Value}
				replaced = true
			}
		}
		if !replaced {
			s.Tags = append(s.Tags, identity.Tag{Key: t.Key, Value: t.Value})
		}
	}
	for _, k := range in.TransitiveTagKeys {
		found := false
		for _, t := range in.Tags {
			if strings.EqualFold(t.Key, k) {
				found = true
			}
		}
		if !found {
			return awserr.InvalidParameterValue.New("Transitive tag key %s is not a session tag of this request.", k)
		}
		if !contains(s.TransitiveKeys, k) {
			s.TransitiveKeys = append(s.TransitiveKeys, k)
		}
	}
	if in.SourceIdentity != nil && s.SourceIdentity == "" {
		s.SourceIdentity = *in.SourceIdentity
	}
	return nil
}

func contains(list []string, k string) bool {
	for _, v := range list {
		if strings.EqualFold(v, k) {
			return true
		}
	}
	return false
}

// DecodeAuthorizationMessageInput is STS's DecodeAuthorizationMessage request.
type DecodeAuthorizationMessageInput struct {
	EncodedMessage string `aws:",required"`
}

// DecodeAuthorizationMessageResult is STS's DecodeAuthorizationMessage response.
type DecodeAuthorizationMessageResult struct {
	DecodedMessage string `aws:",sensitive"` // not copied into the trail
}

// decodeAuthorizationMessage reads back the encoded message of an
// UnauthorizedOperation error (identity.SealAuthorizationMessage). The caller
// needs sts:DecodeAuthorizationMessage, as in AWS.
func decodeAuthorizationMessage(ctx context.Context, c *service.Call, in *DecodeAuthorizationMessageInput) (*DecodeAuthorizationMessageResult, error) {
	b, err := identity.OpenAuthorizationMessage(ctx, c.Deps.Store, in.EncodedMessage)
	if errors.Is(err, identity.ErrUndecodable) {
		return nil, awserr.InvalidAuthorizationMessageException.New("The error message could not be decoded: it was not issued by this moat, or it was changed.")
	}
	if err != nil {
		return nil, err
	}
	return &DecodeAuthorizationMessageResult{DecodedMessage: string(b)}, nil
}
