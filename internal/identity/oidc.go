package identity

import "time"

// TableOIDC holds OpenID Connect providers by ARN.
const TableOIDC = "iam.oidc"

// WebIdentityUser is the CloudTrail userIdentity type of a caller that
// presents a web identity token.
const WebIdentityUser Kind = "WebIdentityUser"

// OIDCProvider is an IAM OpenID Connect identity provider.
type OIDCProvider struct {
	Account     string    `json:"account"`
	URL         string    `json:"url"` // as given, with its scheme
	ClientIDs   []string  `json:"clientIds"`
	Thumbprints []string  `json:"thumbprints"`
	Created     time.Time `json:"created"`
}

// Host is the provider URL without its scheme: the provider's ARN suffix and
// the prefix of its condition keys (oidc.eks.…/id/…:sub).
func (p *OIDCProvider) Host() string { return StripScheme(p.URL) }

// ARN is the provider's ARN.
func (p *OIDCProvider) ARN() string {
	return "arn:aws:iam::" + p.Account + ":oidc-provider/" + p.Host()
}

// StripScheme removes https:// or http:// and a trailing slash.
func StripScheme(u string) string {
	for _, s := range []string{"https://", "http://"} {
		if len(u) > len(s) && u[:len(s)] == s {
			u = u[len(s):]
			break
		}
	}
	for len(u) > 0 && u[len(u)-1] == '/' {
		u = u[:len(u)-1]
	}
	return u
}
