package server

import (
	"context"
	"crypto/tls"
	"encoding/json"
	"strings"
	"time"

	"github.com/moatdev/moat/internal/identity"
	"github.com/moatdev/moat/internal/protocol"
	"github.com/moatdev/moat/internal/trail"
)

// recordTimeout bounds how long a request waits for its record to be durable.
const recordTimeout = 30 * time.Second

// record writes the exchange's CloudTrail record and returns once it is
// durable. It does not use the request's context: a client that hangs up
// does not skip the audit.
func (s *Server) record(x *exchange) error {
	rec := &trail.Record{
		EventVersion:       trail.EventVersion,
		UserIdentity:       s.userIdentity(x),
		EventTime:          trail.Time{Time: x.start},
		EventSource:        x.svc.EventSource,
		EventName:          x.opName,
		AwsRegion:          x.region,
		SourceIPAddress:    sourceIP(x.http),
		UserAgent:          x.http.UserAgent(),
		RequestParameters:  protocol.TrailJSON(x.in),
		RequestID:          x.requestID,
		ReadOnly:           x.op != nil && x.op.ReadOnly,
		EventType:          trail.EventTypeAwsApiCall,
		ManagementEvent:    true,
		RecipientAccountID: s.management,
		EventCategory:      trail.EventCategoryManagement,
	}
	if x.principal != nil && x.principal.Account != "" {
		rec.RecipientAccountID = x.principal.Account
	}
	if x.op != nil && x.op.EventName != "" {
		rec.EventName = x.op.EventName
	}
	if x.op != nil && x.op.TrailParameters != nil && x.in != nil {
		if b, err := json.Marshal(x.op.TrailParameters(x.in)); err == nil {
			rec.RequestParameters = b
		}
	}
	if x.err != nil {
		rec.ErrorCode, rec.ErrorMessage = x.err.Code, x.err.Message
	} else if !rec.ReadOnly {
		rec.ResponseElements = protocol.TrailJSON(x.out)
	}
	if r := lookupResource(x.resource); r != nil {
		rec.LookupResources = []trail.Resource{*r}
	}
	if x.op != nil && x.op.DataEvent {
		rec.EventCategory, rec.ManagementEvent = trail.EventCategoryData, false
		rec.Resources = dataResources(x.resource, x.resourceAccount)
		if x.resourceAccount != "" {
			rec.RecipientAccountID = x.resourceAccount // the bucket owner's trail records it
		}
	}
	if st := x.http.TLS; st != nil {
		rec.TLSDetails = &trail.TLSDetails{TLSVersion: tlsVersion(st.Version), CipherSuite: tls.CipherSuiteName(st.CipherSuite), ClientProvidedHostHeader: x.http.Host}
	}
	ctx, cancel := context.WithTimeout(context.Background(), recordTimeout)
	defer cancel()
	return s.trail.Record(ctx, rec)
}

// userIdentity is CloudTrail's userIdentity of the caller, as far as the
// request got: a principal, or only an access key that matched none, or
// nothing at all.
func (s *Server) userIdentity(x *exchange) trail.UserIdentity {
	p := x.principal
	switch {
	case p == nil && x.auth != nil:
		return trail.UserIdentity{Type: trail.IdentityUnknown, AccessKeyID: x.auth.AccessKeyID}
	case p == nil || p.Kind == identity.Anonymous:
		return trail.UserIdentity{Type: trail.IdentityAWSAccount, AccountID: "ANONYMOUS_PRINCIPAL", PrincipalID: "ANONYMOUS_PRINCIPAL"}
	}
	id := trail.UserIdentity{PrincipalID: p.PrincipalID, ARN: p.ARN, AccountID: p.Account, AccessKeyID: p.AccessKeyID}
	switch p.Kind {
	case identity.Root:
		id.Type = trail.IdentityRoot
	case identity.IAMUser:
		id.Type, id.UserName = trail.IdentityIAMUser, p.UserName
	case identity.AssumedRole:
		id.Type = trail.IdentityAssumedRole
	case identity.WebIdentityUser:
		id = trail.UserIdentity{Type: string(identity.WebIdentityUser), PrincipalID: p.PrincipalID, UserName: p.UserName, IdentityProvider: p.ARN}
	}
	if p.Session != nil {
		id.SessionContext = &trail.SessionContext{Attributes: trail.SessionAttributes{
			CreationDate:     trail.Time{Time: p.Session.Issued},
			MFAAuthenticated: boolString(p.Session.MFAAuthenticated),
		}}
		id.SessionContext.SourceIdentity = p.Session.SourceIdentity
		if r := p.Role; r != nil {
			id.SessionContext.SessionIssuer = &trail.SessionIssuer{Type: "Role", PrincipalID: r.RoleID, ARN: r.ARN(), AccountID: r.Account, UserName: r.RoleName}
		}
	}
	return id
}

// lookupResource is what LookupEvents lists as the call's resource: the
// CloudFormation-style type and the resource's name, for the ARN types moat
// knows ("arn:aws:iam::A:user/path/alice" → AWS::IAM::User alice).
func lookupResource(arn string) *trail.Resource {
	parts := strings.SplitN(arn, ":", 6)
	if len(parts) != 6 {
		return nil
	}
	service, res := parts[2], parts[5]
	kind, name, ok := strings.Cut(res, "/")
	if !ok || kind == "" || name == "" {
		return nil
	}
	types := map[string]string{"iam/user": "AWS::IAM::User", "iam/role": "AWS::IAM::Role", "iam/group": "AWS::IAM::Group", "iam/policy": "AWS::IAM::Policy"}
	t, ok := types[service+"/"+kind]
	if !ok {
		return nil
	}
	return &trail.Resource{ResourceType: t, ResourceName: name[strings.LastIndexByte(name, '/')+1:]}
}

// dataResources is the resources element of an S3 data event: the object
// (when the call names one) and its bucket with the owner's account.
func dataResources(arn, account string) []trail.RecordResource {
	rest, ok := strings.CutPrefix(arn, "arn:aws:s3:::")
	if !ok {
		return nil
	}
	bucket, _, hasKey := strings.Cut(rest, "/")
	var out []trail.RecordResource
	if hasKey {
		out = append(out, trail.RecordResource{Type: "AWS::S3::Object", ARN: arn})
	}
	return append(out, trail.RecordResource{Type: "AWS::S3::Bucket", ARN: "arn:aws:s3:::" + bucket, AccountID: account})
}

func boolString(b bool) string {
	if b {
		return "true"
	}
	return "false"
}

func tlsVersion(v uint16) string {
	switch v {
	case tls.VersionTLS13:
		return "TLSv1.3"
	case tls.VersionTLS12:
		return "TLSv1.2"
	}
	return tls.VersionName(v)
}
