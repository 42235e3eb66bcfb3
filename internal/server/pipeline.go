package server

import (
	"bytes"
	"context"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/moatdev/moat/internal/awserr"
	"github.com/moatdev/moat/internal/identity"
	"github.com/moatdev/moat/internal/protocol"
	"github.com/moatdev/moat/internal/service"
	"github.com/moatdev/moat/internal/service/iam"
	"github.com/moatdev/moat/sigv4"
)

// maxBody is the largest request body moat reads for the API services
// (AWS's query and JSON APIs cap requests well below this).
const maxBody = 16 << 20

// exchange is one request on its way through the pipeline; every step fills
// in what it learned, and the CloudTrail record is built from it whatever
// step ended the request.
type exchange struct {
	requestID string
	start     time.Time
	http      *http.Request
	req       *protocol.Request
	svc       *registered
	opName    string
	op        *service.Operation
	auth      *sigv4.Auth
	principal *identity.Principal
	region    string
	in, out   any
	resource  string
	// resourceAccount owns the resource, when its resource policy said.
	resourceAccount string
	mfa             bool // a valid MFA code of the caller came with the request
	// extraContext are condition keys an Identify hook established.
	extraContext map[string]string
	err          *awserr.Error
}

// ServeHTTP is the one path every API request takes:
// route → authenticate → decode → authorize → execute → encode, with a
// durable CloudTrail record of every outcome written before the response.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path == signinPath {
		s.signin(w, r)
		return
	}
	if strings.HasPrefix(r.URL.Path, "/_moat/sns/") {
		s.snsLink(w, r)
		return
	}
	if r.URL.Path == healthPath {
		s.health(w, r)
		return
	}
	x := &exchange{requestID: uuid.NewString(), start: s.clock(), http: r}
	auth, authErr := sigv4.Parse(r)
	body, err := readBody(r, s.bodyLimit(r, auth))
	x.req = &protocol.Request{HTTP: r, Body: body}
	x.auth = auth
	x.svc = s.route(r, auth, body)
	if x.svc == nil {
		s.unroutable(w, x)
		return
	}
	x.region = s.region(x)
	switch {
	case err != nil:
		x.err = awserr.From(err)
	default:
		s.run(r.Context(), x, authErr)
	}
	s.finish(w, x)
}

// run takes the exchange as far as it goes; the first failure is x.err.
func (s *Server) run(ctx context.Context, x *exchange, authErr error) {
	x.opName = s.operation(x)
	x.op = x.svc.Ops[x.opName]
	if err := s.authenticate(ctx, x, authErr); err != nil {
		x.err = err
		return
	}
	if x.op == nil {
		x.err = unknownOperation(x)
		return
	}
	x.in = x.op.NewInput()
	if err := x.svc.codec.Decode(x.req, x.in); err != nil {
		x.in = nil
		x.err = awserr.From(err)
		return
	}
	if x.op.Identify != nil {
		pre := &service.Call{RequestID: x.requestID, Principal: x.principal, Region: x.region, Now: x.start, Deps: s.deps}
		p, keys, err := x.op.Identify(ctx, pre, x.in)
		if err != nil {
			x.err = awserr.From(err)
			return
		}
		x.principal, x.extraContext = p, keys
	}
	call := &service.Call{RequestID: x.requestID, Principal: x.principal, Region: x.region, Now: x.start, Deps: s.deps,
		Authorizer: s.authorizeMore(x)}
	res, err := x.op.Resource(ctx, call, x.in)
	if err != nil {
		x.err = awserr.From(err)
		return
	}
	x.resource, call.Resource = res, res
	if err := s.verifyMFA(ctx, x); err != nil {
		x.err = err
		return
	}
	call.MFA = x.mfa
	if err := s.authorize(ctx, x); err != nil {
		x.err = err
		return
	}
	out, err := x.op.Handle(ctx, call, x.in)
	if err != nil {
		x.err = awserr.From(err)
		return
	}
	x.out = out
}

// finish records the exchange and then answers. A record that cannot be made
// durable turns the answer into an error: moat never acknowledges a call it
// could not audit.
func (s *Server) finish(w http.ResponseWriter, x *exchange) {
	if x.err != nil && x.err.Status >= 500 {
		s.log.Error("request failed", "requestId", x.requestID, "service", x.svc.Meta.Name, "operation", x.opName, "error", x.err.Err)
	}
	if internalRead(x.http) {
		// moat's own read-only evaluation of an account's state (Security
		// Hub's controls): AWS's services read configuration without
		// CloudTrail records of the customer's root user, so moat does too.
	} else if err := s.record(x); err != nil {
		s.log.Error("cloudtrail record not written", "requestId", x.requestID, "error", err)
		x.out = nil
		x.err = awserr.ServiceUnavailable.New("Service is unable to handle request.")
	}
	codec := x.svc.codec
	if x.err != nil {
		codec.EncodeError(w, x.req, x.requestID, x.err)
		return
	}
	if err := codec.Encode(w, x.req, x.opName, x.requestID, x.out); err != nil {
		s.log.Error("encode response", "requestId", x.requestID, "operation", x.opName, "error", err)
	}
}

// authenticate verifies the signature and resolves who the caller is.
func (s *Server) authenticate(ctx context.Context, x *exchange, parseErr error) *awserr.Error {
	proto := x.svc.Meta.Protocol
	if parseErr != nil {
		return authError(proto, parseErr)
	}
	if x.auth == nil {
		switch {
		case x.op != nil && x.op.Unsigned:
			x.principal = &identity.Principal{Kind: identity.Anonymous, PrincipalID: "ANONYMOUS_PRINCIPAL"}
			return nil
		case s.cfg.InsecureAllowUnsigned:
			p := *identity.RootPrincipal(s.management)
			p.Insecure = true
			x.principal = &p
			return nil
		}
		return authError(proto, &sigv4.Error{Kind: sigv4.MissingAuthentication, Message: "Request is missing Authentication Token"})
	}
	if x.auth.Service != x.svc.Meta.Name {
		return authError(proto, &sigv4.Error{Kind: sigv4.SignatureMismatch,
			Message: "Credential should be scoped to correct service: '" + x.svc.Meta.Name + "'. "})
	}
	creds, err := s.verifier.Verify(ctx, x.http, x.auth, x.req.Body)
	if err != nil {
		if p, perr := s.deps.Directory.Principal(ctx, x.auth.AccessKeyID); perr == nil {
			x.principal = p // a known key with a bad signature is still recorded as that principal
		}
		if s.log.Enabled(ctx, slog.LevelDebug) {
			var se *sigv4.Error
			if errors.As(err, &se) && se.Kind == sigv4.SignatureMismatch {
				s.log.Debug("signature mismatch", "requestId", x.requestID, "canonicalRequest", redactToken(se.CanonicalRequest), "stringToSign", se.StringToSign)
			}
		}
		return authError(proto, err)
	}
	if strings.HasPrefix(x.auth.PayloadHash, "STREAMING-") {
		if err := decodeChunked(x, creds); err != nil {
			return err
		}
	}
	p, err := s.deps.Directory.Principal(ctx, x.auth.AccessKeyID)
	if err != nil {
		return authError(proto, &sigv4.Error{Kind: sigv4.UnknownAccessKey, Message: "The security token included in the request is invalid."})
	}
	x.principal = p
	s.deps.Directory.Used(x.auth.AccessKeyID, identity.LastUsed{Time: x.start, Region: x.region, Service: x.svc.Meta.Name})
	return nil
}

// operation names the requested operation ("" when the request names none).
func (s *Server) operation(x *exchange) string {
	if x.svc.Router != nil {
		r := x.http
		if x.svc.Meta.Name == "s3" {
			r = pathStyle(r)
		}
		op, params, ok := x.svc.Router.Match(r)
		if !ok {
			return ""
		}
		x.req.PathParams = params
		return op
	}
	return x.svc.codec.Operation(x.req)
}

func unknownOperation(x *exchange) *awserr.Error {
	if x.svc.Meta.Protocol == "query" || x.svc.Meta.Protocol == "ec2" {
		if x.opName == "" {
			return awserr.MissingAction.New("Missing Action")
		}
		return awserr.InvalidAction.New("Could not find operation %s for version %s", x.opName, x.svc.Meta.APIVersion)
	}
	return awserr.UnknownOperationException.New("")
}

// region is the region the call is recorded in: the credential scope's (or
// the server's default), except for global services, which CloudTrail
// records in us-east-1.
func (s *Server) region(x *exchange) string {
	if x.svc.Global {
		return "us-east-1"
	}
	if x.auth != nil && x.auth.Region != "" {
		return x.auth.Region
	}
	return s.cfg.Region
}

// bodyLimit is the largest body the request's service takes: maxBody for
// the API services, more for S3's uploads.
func (s *Server) bodyLimit(r *http.Request, auth *sigv4.Auth) int64 {
	var svc *registered
	switch {
	case auth != nil:
		svc = s.services[auth.Service]
	case unsignedS3(r):
		svc = s.services["s3"]
	}
	if svc != nil && svc.MaxBody > 0 {
		return svc.MaxBody
	}
	return maxBody
}

func readBody(r *http.Request, limit int64) ([]byte, error) {
	if r.Body == nil {
		return nil, nil
	}
	var buf bytes.Buffer
	if r.ContentLength > 0 && r.ContentLength <= limit {
		buf.Grow(int(r.ContentLength))
	}
	n, err := io.Copy(&buf, io.LimitReader(r.Body, limit+1))
	if err != nil {
		return nil, awserr.InvalidParameterValue.Wrap(err, "could not read the request body")
	}
	if n > limit {
		if limit > maxBody {
			// S3's answer to an upload over its limit.
			return nil, awserr.Def{Code: "EntityTooLarge", Status: http.StatusBadRequest}.New("Your proposed upload exceeds the maximum allowed size")
		}
		return nil, awserr.RequestEntityTooLarge.New("Request body larger than %d bytes.", limit)
	}
	return buf.Bytes(), nil
}

// decodeChunked replaces an aws-chunked body (SigV4 streaming uploads) by
// the data it carries, checking every chunk signature and the trailing
// checksum; errors are S3's.
func decodeChunked(x *exchange, creds sigv4.Credentials) *awserr.Error {
	cr, err := sigv4.NewChunkedReader(x.http, bytes.NewReader(x.req.Body), x.auth, creds)
	if err != nil {
		return awserr.Def{Code: "InvalidArgument", Status: http.StatusBadRequest}.New("%s", err.Error())
	}
	data, err := io.ReadAll(cr)
	var se *sigv4.Error
	switch {
	case err == nil:
		x.req.Body = data
		return nil
	case errors.As(err, &se):
		return authError(x.svc.Meta.Protocol, se)
	case errors.Is(err, sigv4.ErrChecksumMismatch):
		return awserr.Def{Code: "BadDigest", Status: http.StatusBadRequest}.New("The %s you specified did not match the calculated checksum.", x.http.Header.Get("X-Amz-Trailer"))
	default:
		return awserr.Def{Code: "IncompleteBody", Status: http.StatusBadRequest}.New("The request body terminated unexpectedly: %s", err.Error())
	}
}

// sourceIP is the caller's address as CloudTrail records it.
func sourceIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return strings.TrimPrefix(host, "::ffff:")
}

// redactToken hides the session token a canonical request carries in its
// x-amz-security-token header line or query parameter: logs never hold a
// secret, a token or a signature.
func redactToken(canonical string) string {
	lines := strings.Split(canonical, "\n")
	for i, l := range lines {
		if strings.HasPrefix(l, "x-amz-security-token:") {
			lines[i] = "x-amz-security-token:REDACTED"
		}
		if j := strings.Index(l, "X-Amz-Security-Token="); j >= 0 {
			end := strings.IndexByte(l[j:], '&')
			if end < 0 {
				end = len(l) - j
			}
			lines[i] = l[:j] + "X-Amz-Security-Token=REDACTED" + l[j+end:]
		}
	}
	return strings.Join(lines, "\n")
}

// verifyMFA checks the MFA code an operation carries (AssumeRole,
// GetSessionToken) against the caller's device, so that the call itself is
// authorized with aws:MultiFactorAuthPresent true.
func (s *Server) verifyMFA(ctx context.Context, x *exchange) *awserr.Error {
	if x.op.MFA == nil {
		return nil
	}
	serial, code := x.op.MFA(x.in)
	if serial == "" && code == "" {
		return nil
	}
	if serial == "" || code == "" {
		return awserr.ValidationError.New("SerialNumber and TokenCode must be given together.")
	}
	p := x.principal
	if err := iam.VerifyMFA(ctx, s.db, p.Account, p.UserName, serial, code, x.start); err != nil {
		return awserr.From(err)
	}
	x.mfa = true
	return nil
}
