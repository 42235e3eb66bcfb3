// Package sts serves the STS API (query protocol, version 2011-06-15):
// GetCallerIdentity and GetSessionToken so far. GetCallerIdentity needs no
// permission and cannot be denied (STS API reference).
package sts

import (
	"context"
	"time"

	"github.com/moatdev/moat/internal/awserr"
	"github.com/moatdev/moat/internal/identity"
	"github.com/moatdev/moat/internal/protocol"
	"github.com/moatdev/moat/internal/service"
	"github.com/moatdev/moat/internal/store"
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
			service.Op("GetSessionToken", "sts:GetSessionToken", getSessionToken, service.ReadOnly[GetSessionTokenInput]()),
		),
	}
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
	if in.SerialNumber != nil || in.TokenCode != nil {
		// MFA devices arrive with the IAM MFA API; until then no device can match.
		return nil, awserr.AccessDenied.New("MultiFactorAuthentication failed, unable to validate MFA code.")
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
		AccessKeyID:     identity.NewID("ASIA", 16),
		SecretAccessKey: identity.NewSecret(),
		SessionToken:    identity.NewSessionToken(),
		Issued:          now,
		Expires:         now.Add(time.Duration(d) * time.Second),
		Account:         p.Account,
		UserName:        p.UserName,
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
