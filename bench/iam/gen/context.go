package gen

import (
	"slices"
	"strconv"
	"strings"
	"time"
)

// requestTime is the fixed "now" of every generated request.
var requestTime = time.Date(2026, 11, 29, 11, 0, 0, 0, time.UTC)

// makeContext computes what the request would carry (facts) and puts a
// random subset of it into the case's context.
func (g *caseGen) makeContext(viaVPCE bool) {
	r := g.r
	c := &g.c
	f := map[string]any{}
	f["aws:SecureTransport"] = pick(r, []string{"true", "true", "false"})
	f["aws:CurrentTime"] = requestTime.Format(time.RFC3339)
	f["aws:EpochTime"] = strconv.FormatInt(requestTime.Unix(), 10)
	f["aws:RequestedRegion"] = g.region
	f["aws:ViaAWSService"] = "false"
	if viaVPCE {
		f["aws:SourceVpce"] = pick(r, []string{"vpce-1a2b3c4d", "vpce-9f8e7d6c"})
	} else {
		f["aws:SourceIp"] = pick(r, []string{"198.51.100.77", "203.0.113.10", "10.1.2.3", "2001:db8::1"})
	}
	if c.kind == pService {
		f["aws:PrincipalIsAWSService"] = "true"
		f["aws:PrincipalServiceName"] = c.service
		f["aws:SourceAccount"] = AcctA
		f["aws:SourceArn"] = pick(r, []string{"arn:aws:sns:us-east-1:" + AcctA + ":alerts", "arn:aws:events:us-east-1:" + AcctA + ":rule/nightly", "arn:aws:s3:::example-logs"})
		delete(f, "aws:SourceIp")
	} else if c.kind != pAnonymous {
		f["aws:PrincipalIsAWSService"] = "false"
	}
	if c.hasAccount() {
		f["aws:PrincipalAccount"] = c.account
		f["aws:PrincipalArn"] = c.arn
		if c.roleArn != "" {
			f["aws:PrincipalArn"] = c.roleArn
		}
		f["aws:userid"] = c.userid
		f["aws:PrincipalType"] = c.ptype
		if c.kind == pUser {
			f["aws:username"] = c.name
		}
		f["aws:PrincipalOrgID"] = pick(r, []string{"o-a1b2c3d4e5", "o-a1b2c3d4e5", "o-zz9y8x7w6v"})
		f["aws:PrincipalOrgPaths"] = []any{f["aws:PrincipalOrgID"].(string) + "/r-ab12/ou-ab12-11111111/"}
		if c.kind != pRoot {
			f["aws:PrincipalTag/team"] = pick(r, []string{"yellow", "blue"})
			f["aws:PrincipalTag/env"] = pick(r, []string{"prod", "dev"})
		}
		if c.kind == pSession || c.kind == pFederated {
			mfa := pick(r, []string{"true", "false"})
			f["aws:MultiFactorAuthPresent"] = mfa
			if mfa == "true" {
				f["aws:MultiFactorAuthAge"] = pick(r, []string{"300", "7200"})
			}
			f["aws:TokenIssueTime"] = requestTime.Add(-time.Duration(1+r.IntN(20)) * time.Hour).Format(time.RFC3339)
		}
		if g.chance(0.1) {
			f["aws:CalledVia"] = []any{"cloudformation.amazonaws.com"}
			f["aws:ViaAWSService"] = "true"
		}
	}
	if c.kind == pAnonymous {
		f["aws:userid"] = "anonymous"
		f["aws:PrincipalType"] = "Anonymous"
	}
	f["aws:ResourceAccount"] = g.resAcct
	if !g.a.s3 {
		f["aws:ResourceTag/team"] = pick(r, []string{"yellow", "blue", "company-wide"})
		f["aws:ResourceTag/env"] = pick(r, []string{"prod", "dev"})
	}
	if g.chance(0.3) {
		f["aws:RequestTag/team"] = pick(r, []string{"yellow", "blue"})
		f["aws:TagKeys"] = pick(r, [][]any{{"team"}, {"team", "env"}, {"team", "Owner"}})
	}
	if c.kind == pWebOIDC {
		f[oidcHost+":sub"] = pick(r, []string{"system:serviceaccount:default:app", "system:serviceaccount:kube-system:other"})
		f[oidcHost+":aud"] = "sts.amazonaws.com"
		g.feature("web-identity-oidc")
	}
	if c.kind == pWebIdP {
		f["accounts.google.com:sub"] = pick(r, []string{"110442001234567890123", "999"})
		f["accounts.google.com:aud"] = "my-app.apps.googleusercontent.com"
		g.feature("web-identity-idp")
	}
	for _, k := range g.a.keys {
		f[k] = g.serviceValue(k)
	}
	g.facts = f
	// The keys valid for the action: every global key in the table plus the
	// action's own keys.
	for k, info := range keyTypes {
		if info.global && !(g.a.s3 && strings.HasPrefix(k, "aws:ResourceTag/")) || slices.Contains(g.a.keys, k) {
			g.keys = append(g.keys, k)
		}
	}
	slices.Sort(g.keys)
	// The context: most facts, some dropped (the context is authoritative).
	g.ctx = map[string]any{}
	fkeys := make([]string, 0, len(f))
	for k := range f {
		fkeys = append(fkeys, k)
	}
	slices.Sort(fkeys)
	for _, k := range fkeys {
		v := f[k]
		if g.chance(0.6) || strings.HasPrefix(k, "aws:Principal") && g.chance(0.5) || k == "aws:SourceVpce" {
			g.ctx[k] = v
		}
	}
}

func (g *caseGen) serviceValue(k string) any {
	r := g.r
	switch k {
	case "s3:TlsVersion":
		return pick(r, []string{"1.2", "1.3"})
	case "s3:authType":
		return pick(r, []string{"REST-HEADER", "REST-QUERY-STRING"})
	case "s3:x-amz-server-side-encryption":
		return pick(r, []string{"AES256", "aws:kms"})
	case "s3:x-amz-acl":
		return pick(r, []string{"private", "public-read"})
	case "s3:prefix":
		return pick(r, []string{"home/alice/", "home/bob/", "", "public/"})
	case "s3:max-keys":
		return pick(r, []string{"10", "11", "1000"})
	case "s3:delimiter":
		return "/"
	case "iam:PermissionsBoundary":
		return "arn:aws:iam::" + g.resAcct + ":policy/" + pick(r, []string{"Boundary", "Other"})
	case "iam:PassedToService":
		return pick(r, []string{"ec2.amazonaws.com", "lambda.amazonaws.com"})
	case "ec2:Region":
		return g.region
	case "ec2:InstanceType":
		return pick(r, []string{"t3.micro", "m5.large"})
	case "kms:CallerAccount":
		if g.c.account != "" {
			return g.c.account
		}
		return AcctA
	case "kms:ViaService":
		return "s3." + g.region + ".amazonaws.com"
	case "kms:EncryptionContextKeys":
		return pick(r, [][]any{{"Department"}, {"Department", "Project"}})
	case "kms:ScheduleKeyDeletionPendingWindowInDays", "secretsmanager:RecoveryWindowInDays":
		return pick(r, []string{"7", "30"})
	case "sts:ExternalId":
		return pick(r, []string{"ext-123", "wrong"})
	case "sts:RoleSessionName":
		return pick(r, []string{"build-42", "dana-cli"})
	case "dynamodb:Attributes":
		return pick(r, [][]any{{"ID", "Message", "Tags"}, {"ID", "Message", "Tags", "UserName"}, {"PostDateTime", "Message"}, {"UserName"}})
	case "dynamodb:LeadingKeys":
		return pick(r, [][]any{{"alice"}, {"AIDAEXAMPLEALICE"}})
	case "dynamodb:Select":
		return pick(r, []string{"ALL_ATTRIBUTES", "SPECIFIC_ATTRIBUTES"})
	case "sns:Protocol":
		return pick(r, []string{"https", "email"})
	case "sns:Endpoint":
		return pick(r, []string{"https://example.com/hook", "ops@example.com"})
	case "secretsmanager:VersionStage":
		return pick(r, []string{"AWSCURRENT", "AWSPREVIOUS"})
	}
	return "x"
}
