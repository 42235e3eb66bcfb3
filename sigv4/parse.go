package sigv4

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"
)

// Query parameter and header names of SigV4.
const (
	amzAlgorithm     = "X-Amz-Algorithm"
	amzCredential    = "X-Amz-Credential"
	amzDate          = "X-Amz-Date"
	amzExpires       = "X-Amz-Expires"
	amzSignedHeaders = "X-Amz-SignedHeaders"
	amzSignature     = "X-Amz-Signature"
	amzSecurityToken = "X-Amz-Security-Token"
	amzContentSHA256 = "X-Amz-Content-Sha256"

	timeFormat      = "20060102T150405Z"
	shortTimeFormat = "20060102"
)

// SigV4a signs with this algorithm name; moat does not verify it.
const sigV4aAlgorithm = "AWS4-ECDSA-P256-SHA256"

const (
	msgUnsupported = "The authorization mechanism you have provided is not supported. Please use AWS4-HMAC-SHA256."
	msgSigV4a      = msgUnsupported + " (moat: SigV4a, AWS4-ECDSA-P256-SHA256, is out of scope.)"
	msgSigV2       = msgUnsupported + " (moat: Signature Version 2 is out of scope.)"
	msgTwoMethods  = "Only one auth mechanism allowed; only the X-Amz-Algorithm query parameter, Signature query string parameter or the Authorization header should be specified"
	msgQueryParams = "Query-string authentication version 4 requires the X-Amz-Algorithm, X-Amz-Credential, X-Amz-Signature, X-Amz-Date, X-Amz-SignedHeaders, and X-Amz-Expires parameters."
	msgQueryCred   = `Error parsing the X-Amz-Credential parameter; the Credential is mal-formed; expecting "<YOUR-AKID>/YYYYMMDD/REGION/SERVICE/aws4_request".`
	msgAmzDate     = `X-Amz-Date must be in the ISO8601 Long Format "yyyyMMdd'T'HHmmss'Z'"`
	msgExpiresNum  = "X-Amz-Expires should be a number"
	msgExpiresNeg  = "X-Amz-Expires must be non-negative"
	msgExpiresMax  = "X-Amz-Expires must be less than a week (in seconds) that is 604800"
	msgNeedsDate   = "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header."
	msgHostSigned  = "Signature Version 4 requires the 'host' header to be signed."
	msgNotSigned   = "There were headers present in the request which were not signed"
	msgNotYetValid = "Request is not valid yet"
)

// Parse reads the Authorization header or the X-Amz-* query parameters. It
// returns (nil, nil) when the request carries no SigV4 auth at all
// (anonymous), and an *Error when auth is present but malformed: kind
// IncompleteSignature, UnsupportedAlgorithm (SigV2, SigV4a, anything else),
// PresignExpiresTooLarge or, for S3, HeadersNotSigned.
//
// Parse checks structure only: the credential scope has five parts ending in
// aws4_request, its date equals the date of X-Amz-Date, SignedHeaders
// includes host and every signed header is present. Whether the scope's
// service and region are the ones that answer is the caller's decision.
func Parse(r *http.Request) (*Auth, error) {
	authz := r.Header.Get("Authorization")
	presign := queryHasAuth(r.URL.RawQuery)
	switch {
	case authz != "" && presign:
		return nil, newError(IncompleteSignature, msgTwoMethods)
	case authz != "":
		return parseHeader(r, authz)
	case presign:
		return parseQuery(r)
	}
	return nil, nil
}

// queryHasAuth reports whether the raw query carries SigV4 or SigV2 query
// authentication. It does not allocate on the common path.
func queryHasAuth(raw string) bool {
	if !strings.Contains(raw, "X-Amz-") && !strings.Contains(raw, "AWSAccessKeyId") {
		return false
	}
	for raw != "" {
		var kv string
		kv, raw, _ = strings.Cut(raw, "&")
		k, _, _ := strings.Cut(kv, "=")
		switch k {
		case amzAlgorithm, amzCredential, amzSignature, "AWSAccessKeyId":
			return true
		}
	}
	return false
}

func parseHeader(r *http.Request, authz string) (*Auth, error) {
	alg, rest, _ := strings.Cut(authz, " ")
	if err := checkAlgorithm(alg); err != nil {
		return nil, err
	}
	p, err := splitAuthorization(authz, rest)
	if err != nil {
		return nil, err
	}
	a := &Auth{amzDate: r.Header.Get(amzDate)}
	dateHeader := r.Header.Get("Date")
	if err := p.checkComplete(a.amzDate == "" && dateHeader == "", authz); err != nil {
		return nil, err
	}
	if err := a.setTime(dateHeader); err != nil {
		return nil, err
	}
	if err := a.setCredential(p.value[0], false); err != nil {
		return nil, err
	}
	a.Signature = p.value[2]
	a.SecurityToken = r.Header.Get(amzSecurityToken)
	a.PayloadHash = r.Header.Get(amzContentSHA256)
	if err := a.setSignedHeaders(r, p.value[1]); err != nil {
		return nil, err
	}
	return a, nil
}

// authorizationParams are Credential, SignedHeaders and Signature, in that
// order, and whether each was present.
type authorizationParams struct {
	value [3]string
	found [3]bool
}

var authorizationKeys = [3]string{"Credential", "SignedHeaders", "Signature"}

// splitAuthorization reads "k=v, k=v, k=v" (with or without the spaces).
// Unknown keys are ignored.
func splitAuthorization(authz, rest string) (authorizationParams, *Error) {
	var p authorizationParams
	for rest != "" {
		var part string
		part, rest, _ = strings.Cut(rest, ",")
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		k, v, ok := strings.Cut(part, "=")
		if !ok {
			return p, newError(IncompleteSignature, fmt.Sprintf(
				"'%s' not a valid key=value pair (missing equal-sign) in Authorization header: '%s'.", part, authz))
		}
		for i, key := range authorizationKeys {
			if k == key {
				p.value[i], p.found[i] = v, true
			}
		}
	}
	return p, nil
}

// checkComplete lists every missing part, as AWS does, then echoes the header.
func (p authorizationParams) checkComplete(noDate bool, authz string) *Error {
	var missing strings.Builder
	for _, i := range [...]int{0, 2, 1} { // AWS's order: Credential, Signature, SignedHeaders
		if !p.found[i] {
			missing.WriteString("Authorization header requires '" + authorizationKeys[i] + "' parameter. ")
		}
	}
	if noDate {
		missing.WriteString(msgNeedsDate + " ")
	}
	if missing.Len() == 0 {
		return nil
	}
	return newError(IncompleteSignature, missing.String()+"Authorization="+authz)
}

func checkAlgorithm(alg string) *Error {
	switch alg {
	case Algorithm:
		return nil
	case sigV4aAlgorithm:
		return newError(UnsupportedAlgorithm, msgSigV4a)
	case "AWS":
		return newError(UnsupportedAlgorithm, msgSigV2)
	}
	return newError(UnsupportedAlgorithm, msgUnsupported)
}

func parseQuery(r *http.Request) (*Auth, error) {
	// Pairs that do not parse (bad escapes, ';') are dropped, as
	// url.URL.Query, which the SDK signer uses, drops them.
	q, _ := url.ParseQuery(r.URL.RawQuery)
	if q.Get(amzAlgorithm) == "" && q.Get("AWSAccessKeyId") != "" {
		return nil, newError(UnsupportedAlgorithm, msgSigV2)
	}
	for _, k := range [...]string{amzAlgorithm, amzCredential, amzSignature, amzDate, amzSignedHeaders} {
		if q.Get(k) == "" {
			return nil, newError(IncompleteSignature, msgQueryParams)
		}
	}
	if err := checkAlgorithm(q.Get(amzAlgorithm)); err != nil {
		return nil, err
	}
	a := &Auth{Presigned: true, amzDate: q.Get(amzDate)}
	if err := a.setTime(""); err != nil {
		return nil, err
	}
	if err := a.setCredential(q.Get(amzCredential), true); err != nil {
		return nil, err
	}
	if a.Service == "s3" && len(q[amzExpires]) == 0 {
		return nil, newError(IncompleteSignature, msgQueryParams) // S3 requires it
	}
	if err := a.setExpires(q[amzExpires]); err != nil {
		return nil, err
	}
	a.Signature = q.Get(amzSignature)
	a.SecurityToken = q.Get(amzSecurityToken)
	a.PayloadHash = q.Get(amzContentSHA256)
	if a.PayloadHash == "" {
		a.PayloadHash = r.Header.Get(amzContentSHA256)
	}
	if err := a.setSignedHeaders(r, q.Get(amzSignedHeaders)); err != nil {
		return nil, err
	}
	return a, nil
}

func (a *Auth) setExpires(vals []string) *Error {
	if len(vals) == 0 {
		return nil // optional outside S3: Verify then applies the skew window
	}
	n, err := strconv.ParseInt(vals[0], 10, 64)
	switch {
	case errors.Is(err, strconv.ErrRange) && n > 0:
		return newError(PresignExpiresTooLarge, msgExpiresMax)
	case errors.Is(err, strconv.ErrRange):
		return newError(IncompleteSignature, msgExpiresNeg)
	case err != nil:
		return newError(IncompleteSignature, msgExpiresNum)
	case n < 0:
		return newError(IncompleteSignature, msgExpiresNeg)
	case n > int64(MaxPresignExpires/time.Second):
		return newError(PresignExpiresTooLarge, msgExpiresMax)
	}
	a.Expires = time.Duration(n) * time.Second
	return nil
}

// setTime parses X-Amz-Date (a.amzDate) or, when it is absent, the Date header.
func (a *Auth) setTime(dateHeader string) *Error {
	if a.amzDate != "" {
		t, err := time.Parse(timeFormat, a.amzDate)
		if err != nil || t.Format(timeFormat) != a.amzDate {
			return newError(IncompleteSignature, msgAmzDate)
		}
		a.Time = t
		return nil
	}
	t, err := http.ParseTime(dateHeader)
	if err != nil {
		return newError(IncompleteSignature, "Date must be in the RFC 7231 HTTP-date format")
	}
	a.Time = t.UTC()
	return nil
}

// setCredential checks the credential scope AKID/yyyymmdd/region/service/aws4_request.
func (a *Auth) setCredential(cred string, query bool) *Error {
	if strings.Count(cred, "/") != 4 {
		if query {
			return newError(IncompleteSignature, msgQueryCred)
		}
		return newError(IncompleteSignature, fmt.Sprintf(
			"Credential must have exactly 5 slash-delimited elements, e.g. keyid/date/region/service/term, got '%s'", cred))
	}
	var parts [5]string
	rest := cred
	for i := range parts {
		parts[i], rest, _ = strings.Cut(rest, "/")
	}
	a.AccessKeyID, a.Date, a.Region, a.Service = parts[0], parts[1], parts[2], parts[3]
	switch {
	case parts[4] != scopeTerminator:
		return newError(IncompleteSignature, fmt.Sprintf(
			"Credential should be scoped with a valid terminator: 'aws4_request', not '%s'. ", parts[4]))
	case a.AccessKeyID == "":
		return newError(IncompleteSignature, "Credential should contain an access key id, got '"+cred+"'")
	case a.Region == "":
		return newError(IncompleteSignature, "Credential should be scoped to a valid region. ")
	case a.Service == "":
		return newError(IncompleteSignature, "Credential should be scoped to correct service. ")
	}
	want := a.Time.UTC().Format(shortTimeFormat)
	if a.Date != want {
		if query {
			return newError(IncompleteSignature, fmt.Sprintf(
				"Invalid credential date %q. This date is not the same as X-Amz-Date: %q.", a.Date, want))
		}
		from := a.amzDate
		if from == "" {
			from = a.Time.Format(timeFormat)
		}
		return newError(IncompleteSignature, fmt.Sprintf(
			"Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '%s' != '%s', from '%s'.",
			a.Date, want, from))
	}
	return nil
}

// setSignedHeaders splits the list and checks that host is signed and that
// every signed header is present in r.
func (a *Auth) setSignedHeaders(r *http.Request, list string) *Error {
	if list == "" {
		return newError(IncompleteSignature, "Authorization header requires 'SignedHeaders' parameter.")
	}
	a.SignedHeaders, a.signedList = strings.Split(list, ";"), list
	hasHost := false
	for _, h := range a.SignedHeaders {
		if h == "" {
			return newError(IncompleteSignature, "SignedHeaders contains an empty header name: '"+list+"'")
		}
		if !headerPresent(r, h) {
			return newError(IncompleteSignature, "The header '"+h+"' is listed in SignedHeaders but is not present in the request.")
		}
		hasHost = hasHost || h == "host"
	}
	if !hasHost {
		return newError(IncompleteSignature, msgHostSigned)
	}
	return a.checkAmzHeadersSigned(r)
}

// checkAmzHeadersSigned rejects, for S3, x-amz-* headers the signature does
// not cover, as S3 does (AccessDenied 403, HeadersNotSigned). A presigned URL
// may carry X-Amz-Content-Sha256 unsigned: the body check binds it.
func (a *Auth) checkAmzHeadersSigned(r *http.Request) *Error {
	if a.Service != "s3" {
		return nil
	}
	var unsigned []string
	for k := range r.Header {
		if len(k) < 6 || !strings.EqualFold(k[:6], "x-amz-") || signs(a.SignedHeaders, k) {
			continue
		}
		if a.Presigned && strings.EqualFold(k, amzContentSHA256) {
			continue
		}
		unsigned = append(unsigned, strings.ToLower(k))
	}
	if len(unsigned) == 0 {
		return nil
	}
	sort.Strings(unsigned)
	e := newError(HeadersNotSigned, msgNotSigned)
	e.HeadersNotSigned = strings.Join(unsigned, ";")
	return e
}

func headerPresent(r *http.Request, lower string) bool {
	switch lower {
	case "host":
		return r.Host != "" || r.URL.Host != ""
	case "content-length":
		if r.ContentLength > 0 {
			return true
		}
	}
	for k := range r.Header {
		if strings.EqualFold(k, lower) {
			return true
		}
	}
	return false
}
