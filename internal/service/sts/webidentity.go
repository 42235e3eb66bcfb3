package sts

import (
	"context"
	"crypto"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"math/big"
	"net/http"
	"strings"
	"time"

	"github.com/moatdev/moat/internal/awserr"
	"github.com/moatdev/moat/internal/identity"
	"github.com/moatdev/moat/internal/service"
	"github.com/moatdev/moat/internal/service/iam"
	"github.com/moatdev/moat/internal/store"
)

// AssumeRoleWithWebIdentity: an OIDC token (EKS service account, GitHub
// Actions, …) exchanged for a role session. The call is unsigned; the token
// is verified against the issuer's JWKS (RS256), its audience against the
// IAM OIDC provider's client ids, and the role's trust policy alone decides.

// AssumeRoleWithWebIdentityInput is STS's request.
type AssumeRoleWithWebIdentityInput struct {
	RoleArn          string `aws:",required"`
	RoleSessionName  string `aws:",required"`
	WebIdentityToken string `aws:",required,sensitive"`
	DurationSeconds  *int32
	ProviderId       *string
}

// AssumeRoleWithWebIdentityResult is STS's response.
type AssumeRoleWithWebIdentityResult struct {
	Credentials                 Credentials
	SubjectFromWebIdentityToken string
	AssumedRoleUser             AssumedRoleUser
	Provider                    string
	Audience                    string
}

type claims struct {
	Iss string          `json:"iss"`
	Sub string          `json:"sub"`
	Aud json.RawMessage `json:"aud"`
	Exp int64           `json:"exp"`
	Nbf int64           `json:"nbf"`
}

func (c *claims) audiences() []string {
	var one string
	if json.Unmarshal(c.Aud, &one) == nil {
		return []string{one}
	}
	var many []string
	_ = json.Unmarshal(c.Aud, &many)
	return many
}

func invalidToken(format string, args ...any) error {
	return awserr.InvalidIdentityToken.New(format, args...)
}

// webIdentity verifies the token and returns the caller it stands for and
// the provider's condition keys (host:sub, host:aud).
func webIdentity(ctx context.Context, c *service.Call, in any) (*identity.Principal, map[string]string, error) {
	req := in.(*AssumeRoleWithWebIdentityInput)
	parts := strings.Split(req.WebIdentityToken, ".")
	if len(parts) != 3 {
		return nil, nil, invalidToken("The web identity token is not a JWT (header.payload.signature).")
	}
	var header struct{ Alg, Kid string }
	var cl claims
	if err := decodeSegment(parts[0], &header); err != nil {
		return nil, nil, invalidToken("The web identity token header is not valid: %v", err)
	}
	if err := decodeSegment(parts[1], &cl); err != nil {
		return nil, nil, invalidToken("The web identity token payload is not valid: %v", err)
	}
	roleAccount := ""
	if f := strings.SplitN(req.RoleArn, ":", 6); len(f) == 6 {
		roleAccount = f[4]
	}
	providerARN := "arn:aws:iam::" + roleAccount + ":oidc-provider/" + identity.StripScheme(cl.Iss)
	var p *identity.OIDCProvider
	err := c.Deps.Store.View(ctx, func(tx store.Tx) error {
		var err error
		p, err = iam.LoadOIDCProvider(tx, providerARN)
		return err
	})
	if err != nil {
		return nil, nil, invalidToken("No OpenIDConnect provider found in your account for %s", cl.Iss)
	}
	aud := ""
	for _, a := range cl.audiences() {
		for _, id := range p.ClientIDs {
			if a == id {
				aud = a
			}
		}
	}
	if aud == "" {
		return nil, nil, invalidToken("Incorrect token audience")
	}
	now := c.Now.Unix()
	if cl.Exp != 0 && now >= cl.Exp {
		return nil, nil, awserr.ExpiredTokenException.New("Token expired: current date/time %d must be before the expiration date/time %d", now, cl.Exp)
	}
	if cl.Nbf != 0 && now+300 < cl.Nbf {
		return nil, nil, invalidToken("The token is not valid yet")
	}
	if header.Alg != "RS256" {
		return nil, nil, invalidToken("Unsupported token signing algorithm %q (moat verifies RS256)", header.Alg)
	}
	key, err := fetchKey(ctx, p.URL, header.Kid)
	if err != nil {
		return nil, nil, err
	}
	sig, err := base64.RawURLEncoding.DecodeString(parts[2])
	if err != nil {
		return nil, nil, invalidToken("The web identity token signature is not base64url")
	}
	sum := sha256.Sum256([]byte(parts[0] + "." + parts[1]))
	if err := rsa.VerifyPKCS1v15(key, crypto.SHA256, sum[:], sig); err != nil {
		return nil, nil, invalidToken("The web identity token that was passed could not be validated by Amazon Web Services. Get a new identity token from the identity provider and then retry the request.")
	}
	host := p.Host()
	principal := &identity.Principal{Kind: identity.WebIdentityUser, ARN: providerARN, PrincipalID: host + ":" + aud + ":" + cl.Sub, UserName: cl.Sub,
		WebIdentity: &identity.WebIdentityClaims{Provider: providerARN, Audience: aud, Subject: cl.Sub, Issuer: cl.Iss}}
	return principal, map[string]string{host + ":sub": cl.Sub, host + ":aud": aud, host + ":iss": cl.Iss}, nil
}

func decodeSegment(seg string, v any) error {
	b, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(seg, "="))
	if err != nil {
		return err
	}
	return json.Unmarshal(b, v)
}

var idpClient = &http.Client{Timeout: 5 * time.Second}

// fetchKey reads the issuer's discovery document and JWKS and returns the
// RSA key with kid.
func fetchKey(ctx context.Context, issuer, kid string) (*rsa.PublicKey, error) {
	commErr := func(err error) error {
		return awserr.IDPCommunicationError.New("The request could not be fulfilled because the identity provider (IDP) that was asked to verify the incoming identity token could not be reached: %v", err)
	}
	var disc struct {
		JwksURI string `json:"jwks_uri"`
	}
	if err := getJSON(ctx, strings.TrimRight(issuer, "/")+"/.well-known/openid-configuration", &disc); err != nil {
		return nil, commErr(err)
	}
	var jwks struct {
		Keys []struct{ Kid, Kty, N, E string }
	}
	if err := getJSON(ctx, disc.JwksURI, &jwks); err != nil {
		return nil, commErr(err)
	}
	for _, k := range jwks.Keys {
		if k.Kty != "RSA" || (kid != "" && k.Kid != kid) {
			continue
		}
		n, err1 := base64.RawURLEncoding.DecodeString(k.N)
		e, err2 := base64.RawURLEncoding.DecodeString(k.E)
		if err1 != nil || err2 != nil {
			continue
		}
		return &rsa.PublicKey{N: new(big.Int).SetBytes(n), E: int(new(big.Int).SetBytes(e).Int64())}, nil
	}
	return nil, invalidToken("No key with id %q in the identity provider's JWKS", kid)
}

func getJSON(ctx context.Context, url string, v any) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return err
	}
	resp, err := idpClient.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("GET %s: %s", url, resp.Status)
	}
	return json.NewDecoder(io.LimitReader(resp.Body, 1<<20)).Decode(v)
}

func assumeRoleWithWebIdentity(ctx context.Context, c *service.Call, in *AssumeRoleWithWebIdentityInput) (*AssumeRoleWithWebIdentityResult, error) {
	if !sessionNamePattern.MatchString(in.RoleSessionName) {
		return nil, awserr.ValidationError.New("1 validation error detected: Value '%s' at 'roleSessionName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]*", in.RoleSessionName)
	}
	r, err := roleOf(ctx, c, in.RoleArn)
	if err != nil {
		return nil, err
	}
	d := int32(3600)
	if in.DurationSeconds != nil {
		d = *in.DurationSeconds
		if d < minDuration || d > r.MaxSessionDuration {
			return nil, awserr.ValidationError.New("The requested DurationSeconds exceeds the MaxSessionDuration set for this role.")
		}
	}
	now := c.Now.UTC().Truncate(time.Second)
	s := &identity.Session{AccessKeyID: identity.NewID("ASIA", 16), SecretAccessKey: identity.NewSecret(), SessionToken: identity.NewSessionToken(),
		Issued: now, Expires: now.Add(time.Duration(d) * time.Second), Account: r.Account, RoleName: r.RoleName, SessionName: in.RoleSessionName}
	if err := c.Deps.Store.Update(ctx, func(tx store.Tx) error { return tx.Insert(identity.TableSessions, s.AccessKeyID, identity.Encode(s)) }); err != nil {
		return nil, err
	}
	sp := identity.SessionPrincipal(r, s)
	w := c.Principal.WebIdentity
	if w == nil { // the server verifies the token before the handler runs
		return nil, invalidToken("The web identity token was not verified.")
	}
	return &AssumeRoleWithWebIdentityResult{
		Credentials:                 Credentials{AccessKeyId: s.AccessKeyID, SecretAccessKey: s.SecretAccessKey, SessionToken: s.SessionToken, Expiration: s.Expires},
		SubjectFromWebIdentityToken: w.Subject,
		AssumedRoleUser:             AssumedRoleUser{AssumedRoleId: sp.PrincipalID, Arn: sp.ARN},
		Provider:                    w.Provider,
		Audience:                    w.Audience,
	}, nil
}
