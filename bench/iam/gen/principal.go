package gen

import "strings"

// Accounts used by generated cases.
const (
	AcctA = "111122223333" // the caller's home account
	AcctB = "444455556666" // another account (cross-account resources)
	AcctC = "777788889999" // an unrelated account (non-matching principals)
)

type pkind uint8

const (
	pUser pkind = iota
	pSession
	pRole
	pFederated
	pRoot
	pService
	pWebOIDC
	pWebIdP
	pAnonymous
)

// caller is the principal of a request with the values AWS would derive
// from it (used to fill context keys and principal elements).
type caller struct {
	kind     pkind
	arn      string // request.principal
	account  string // "" for service, IdP and anonymous
	userArn  string // IAM user ARN (user; the caller of GetFederationToken for federated)
	roleArn  string // role ARN (session, role)
	name     string // user name / role name / federated name
	session  string // session name
	userid   string
	ptype    string
	service  string
	provider string // web identity provider (ARN or name)
}

const oidcHost = "oidc.eks.us-east-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE"

func (g *caseGen) pickCaller(a *action) caller {
	r := g.r
	if a.full() == "sts:AssumeRoleWithWebIdentity" && r.Float64() < 0.85 {
		if r.Float64() < 0.7 {
			p := "arn:aws:iam::" + AcctA + ":oidc-provider/" + oidcHost
			return caller{kind: pWebOIDC, arn: p, account: AcctA, provider: p, ptype: "WebIdentity"}
		}
		return caller{kind: pWebIdP, arn: "accounts.google.com", provider: "accounts.google.com", ptype: "WebIdentity"}
	}
	if a.res == resGeneric || a.res == resKMS {
		switch x := r.Float64(); {
		case x < 0.07:
			svc := pick(r, []string{"sns.amazonaws.com", "events.amazonaws.com", "s3.amazonaws.com", "cloudtrail.amazonaws.com"})
			return caller{kind: pService, arn: svc, service: svc, ptype: "AWSService"}
		case x < 0.12 && a.res == resGeneric:
			return caller{kind: pAnonymous, arn: "anonymous", ptype: "Anonymous", userid: "anonymous"}
		}
	}
	acct := AcctA
	switch x := r.Float64(); {
	case x < 0.38:
		u := pick(r, users)
		short := u[strings.LastIndex(u, "/")+1:]
		arn := "arn:aws:iam::" + acct + ":user/" + u
		return caller{kind: pUser, arn: arn, account: acct, userArn: arn, name: short, userid: "AIDAEXAMPLE" + strings.ToUpper(short), ptype: "User"}
	case x < 0.78:
		role := pick(r, roles)
		short := role[strings.LastIndex(role, "/")+1:]
		sess := pick(r, []string{"build-42", "dana-cli", "i-0abc1234def567890"})
		return caller{kind: pSession, arn: "arn:aws:sts::" + acct + ":assumed-role/" + short + "/" + sess, account: acct,
			roleArn: "arn:aws:iam::" + acct + ":role/" + role, name: short, session: sess,
			userid: "AROAEXAMPLE" + strings.ToUpper(strings.ReplaceAll(short, "-", "")) + ":" + sess, ptype: "AssumedRole"}
	case x < 0.84:
		role := pick(r, roles)
		arn := "arn:aws:iam::" + acct + ":role/" + role
		return caller{kind: pRole, arn: arn, account: acct, roleArn: arn, name: role, userid: "AROAEXAMPLEROLE", ptype: "AssumedRole"}
	case x < 0.92:
		name := pick(r, []string{"carol", "partner-app"})
		return caller{kind: pFederated, arn: "arn:aws:sts::" + acct + ":federated-user/" + name, account: acct,
			userArn: "arn:aws:iam::" + acct + ":user/bob", name: name, userid: acct + ":" + name, ptype: "FederatedUser"}
	default:
		return caller{kind: pRoot, arn: "arn:aws:iam::" + acct + ":root", account: acct, userid: acct, ptype: "Account"}
	}
}

// hasAccount says whether the caller belongs to an AWS account.
func (c *caller) hasAccount() bool { return c.account != "" && c.kind != pWebOIDC }

// isSession says whether the caller can carry a session policy.
func (c *caller) isSession() bool {
	return c.kind == pSession || c.kind == pFederated || c.kind == pRole
}

// principalElement returns a Principal value that names the caller in one
// of the forms AWS accepts, or one that does not name it. feature, when not
// empty, names a construct worth tagging.
func (g *caseGen) principalElement(c *caller, resAcct string) (any, string) {
	r := g.r
	other := map[string]any{"AWS": pick(r, []string{AcctC, "arn:aws:iam::" + AcctC + ":root", "arn:aws:iam::" + AcctC + ":user/mallory"})}
	switch c.kind {
	case pService:
		if r.Float64() < 0.75 {
			return map[string]any{"Service": c.service}, ""
		}
		return pick(r, []any{"*", map[string]any{"Service": "lambda.amazonaws.com"}}), ""
	case pWebOIDC, pWebIdP:
		if r.Float64() < 0.8 {
			return map[string]any{"Federated": c.provider}, ""
		}
		return map[string]any{"Federated": "cognito-identity.amazonaws.com"}, ""
	case pAnonymous:
		if r.Float64() < 0.7 {
			return "*", ""
		}
		return pick(r, []any{map[string]any{"AWS": "*"}, other}), ""
	}
	x := r.Float64()
	switch {
	case x < 0.15:
		return pick(r, []any{"*", map[string]any{"AWS": "*"}}), ""
	case x < 0.35:
		return map[string]any{"AWS": pick(r, []string{c.account, "arn:aws:iam::" + c.account + ":root"})}, "principal-account"
	case x < 0.70:
		switch c.kind {
		case pUser:
			return map[string]any{"AWS": c.userArn}, ""
		case pSession:
			if r.Float64() < 0.7 {
				return map[string]any{"AWS": c.roleArn}, "principal-role"
			}
			return map[string]any{"AWS": c.arn}, "session-arn-grant"
		case pRole:
			return map[string]any{"AWS": c.roleArn}, "principal-role"
		case pFederated:
			if r.Float64() < 0.5 {
				return map[string]any{"AWS": c.arn}, "federated-grant"
			}
			return map[string]any{"AWS": c.userArn}, "federated-caller-user"
		default:
			return map[string]any{"AWS": "arn:aws:iam::" + c.account + ":root"}, "principal-account"
		}
	case x < 0.80:
		return map[string]any{"AWS": []any{other["AWS"], "arn:aws:iam::" + c.account + ":root"}}, "principal-account"
	default:
		return other, ""
	}
}
