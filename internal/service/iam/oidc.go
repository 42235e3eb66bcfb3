package iam

import (
	"context"
	"errors"
	"net"
	"net/url"
	"strings"
	"time"

	"github.com/moatdev/moat/internal/awserr"
	"github.com/moatdev/moat/internal/identity"
	"github.com/moatdev/moat/internal/service"
	"github.com/moatdev/moat/internal/store"
)

// OpenID Connect providers, for AssumeRoleWithWebIdentity (EKS IRSA, GitHub
// Actions, …).

func oidcOps() []*service.Operation {
	arnRes := service.Resource(func(_ context.Context, _ *service.Call, in *OIDCArnInput) (string, error) {
		return in.OpenIDConnectProviderArn, nil
	})
	return []*service.Operation{
		service.Op("CreateOpenIDConnectProvider", "iam:CreateOpenIDConnectProvider", createOIDCProvider, service.Resource(func(_ context.Context, c *service.Call, in *CreateOpenIDConnectProviderInput) (string, error) {
			return "arn:aws:iam::" + c.Account() + ":oidc-provider/" + identity.StripScheme(in.Url), nil
		})),
		service.Op("GetOpenIDConnectProvider", "iam:GetOpenIDConnectProvider", getOIDCProvider, service.ReadOnly[OIDCArnInput](), arnRes),
		service.Op("DeleteOpenIDConnectProvider", "iam:DeleteOpenIDConnectProvider", deleteOIDCProvider, arnRes),
		service.Op("ListOpenIDConnectProviders", "iam:ListOpenIDConnectProviders", listOIDCProviders, service.ReadOnly[struct{}]()),
	}
}

// CreateOpenIDConnectProviderInput is IAM's CreateOpenIDConnectProvider request.
type CreateOpenIDConnectProviderInput struct {
	Url            string `aws:",required"`
	ClientIDList   []string
	ThumbprintList []string
	Tags           []Tag
}

// CreateOpenIDConnectProviderResult is IAM's response.
type CreateOpenIDConnectProviderResult struct{ OpenIDConnectProviderArn string }

// checkIssuerURL accepts https URLs, as IAM does, and http URLs of loopback
// hosts so that local test issuers work (moat's extension; RATIONALE.md).
func checkIssuerURL(raw string) error {
	u, err := url.Parse(raw)
	if err == nil && u.Host != "" {
		if u.Scheme == "https" {
			return nil
		}
		host := u.Hostname()
		if ip := net.ParseIP(host); u.Scheme == "http" && (host == "localhost" || (ip != nil && ip.IsLoopback())) {
			return nil
		}
	}
	return awserr.InvalidInput.New("Invalid Url: %s (it must begin with https://)", raw)
}

func createOIDCProvider(ctx context.Context, c *service.Call, in *CreateOpenIDConnectProviderInput) (*CreateOpenIDConnectProviderResult, error) {
	if err := checkIssuerURL(in.Url); err != nil {
		return nil, err
	}
	if len(in.ClientIDList) > 100 {
		return nil, awserr.LimitExceeded.New("Cannot exceed quota for ClientIdsPerOpenIdConnectProvider: 100")
	}
	p := &identity.OIDCProvider{Account: c.Account(), URL: strings.TrimRight(in.Url, "/"), ClientIDs: in.ClientIDList, Thumbprints: in.ThumbprintList, Created: c.Now.UTC().Truncate(time.Second)}
	err := c.Deps.Store.Update(ctx, func(tx store.Tx) error {
		err := tx.Insert(identity.TableOIDC, p.ARN(), identity.Encode(p))
		if errors.Is(err, store.ErrExists) {
			return awserr.EntityAlreadyExists.New("Provider with url %s already exists.", in.Url)
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	return &CreateOpenIDConnectProviderResult{OpenIDConnectProviderArn: p.ARN()}, nil
}

// OIDCArnInput names a provider.
type OIDCArnInput struct {
	OpenIDConnectProviderArn string `aws:",required"`
}

// LoadOIDCProvider reads a provider by ARN.
func LoadOIDCProvider(tx store.Tx, arn string) (*identity.OIDCProvider, error) {
	b, err := tx.Get(identity.TableOIDC, arn)
	if errors.Is(err, store.ErrNotFound) {
		return nil, awserr.NoSuchEntity.New("OpenIDConnect provider %s not found", arn)
	}
	if err != nil {
		return nil, err
	}
	var p identity.OIDCProvider
	return &p, identity.Decode(identity.TableOIDC, arn, b, &p)
}

// GetOpenIDConnectProviderResult is IAM's response.
type GetOpenIDConnectProviderResult struct {
	Url            string
	ClientIDList   []string
	ThumbprintList []string
	CreateDate     time.Time
}

func getOIDCProvider(ctx context.Context, c *service.Call, in *OIDCArnInput) (*GetOpenIDConnectProviderResult, error) {
	var out *GetOpenIDConnectProviderResult
	err := c.Deps.Store.View(ctx, func(tx store.Tx) error {
		p, err := LoadOIDCProvider(tx, in.OpenIDConnectProviderArn)
		if err == nil && p.Account == c.Account() {
			out = &GetOpenIDConnectProviderResult{Url: p.Host(), ClientIDList: append([]string{}, p.ClientIDs...), ThumbprintList: append([]string{}, p.Thumbprints...), CreateDate: p.Created}
		} else if err == nil {
			err = awserr.NoSuchEntity.New("OpenIDConnect provider %s not found", in.OpenIDConnectProviderArn)
		}
		return err
	})
	return out, err
}

func deleteOIDCProvider(ctx context.Context, c *service.Call, in *OIDCArnInput) (*struct{}, error) {
	err := c.Deps.Store.Update(ctx, func(tx store.Tx) error {
		p, err := LoadOIDCProvider(tx, in.OpenIDConnectProviderArn)
		if err != nil {
			return err
		}
		if p.Account != c.Account() {
			return awserr.NoSuchEntity.New("OpenIDConnect provider %s not found", in.OpenIDConnectProviderArn)
		}
		return tx.Delete(identity.TableOIDC, in.OpenIDConnectProviderArn)
	})
	return nil, err
}

// OpenIDConnectProviderListEntry is IAM's list entry.
type OpenIDConnectProviderListEntry struct{ Arn string }

// ListOpenIDConnectProvidersResult is IAM's response.
type ListOpenIDConnectProvidersResult struct {
	OpenIDConnectProviderList []OpenIDConnectProviderListEntry
}

func listOIDCProviders(ctx context.Context, c *service.Call, _ *struct{}) (*ListOpenIDConnectProvidersResult, error) {
	out := &ListOpenIDConnectProvidersResult{OpenIDConnectProviderList: []OpenIDConnectProviderListEntry{}}
	err := c.Deps.Store.View(ctx, func(tx store.Tx) error {
		return tx.Scan(identity.TableOIDC, "arn:aws:iam::"+c.Account()+":oidc-provider/", "", 0, func(k string, _ []byte) error {
			out.OpenIDConnectProviderList = append(out.OpenIDConnectProviderList, OpenIDConnectProviderListEntry{Arn: k})
			return nil
		})
	})
	return out, err
}
