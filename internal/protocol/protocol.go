package protocol

import (
	"net/http"
	"net/url"
	"strings"

	"github.com/moatdev/moat/internal/awserr"
)

// Protocol names, as botocore's metadata.protocol spells them.
const (
	Query    = "query"
	EC2      = "ec2"
	JSON     = "json"
	RESTJSON = "rest-json"
	RESTXML  = "rest-xml"
)

// Service is what a codec needs to know about the service it speaks for; the
// values are those of shared/wire/protocols.tsv.
type Service struct {
	Name         string // signing name: "iam", "sts", "cloudtrail", "ec2", "s3", ...
	Protocol     string // "query", "ec2", "json", "rest-json", "rest-xml"
	APIVersion   string // "2010-05-08"
	JSONVersion  string // "1.0" / "1.1" for json protocols
	TargetPrefix string // X-Amz-Target prefix for json: "com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101"
	XMLNamespace string // "https://iam.amazonaws.com/doc/2010-05-08/"
}

// Request is one HTTP request as the codecs see it: the body is read once by
// the server (it is also hashed for SigV4) and handed over as bytes.
type Request struct {
	HTTP *http.Request
	Body []byte
	// PathParams are the URI labels a Router matched (REST protocols).
	PathParams map[string]string

	// form caches the parsed query/ec2 parameters (Operation then Decode).
	form    url.Values
	formErr error
}

func (r *Request) httpReq() *http.Request {
	if r == nil {
		return nil
	}
	return r.HTTP
}

// Codec decodes requests and encodes responses for one service. Codecs are
// immutable and safe for concurrent use.
type Codec interface {
	// Operation names the operation a request asks for: Action= (query/ec2,
	// in the form body or URL query), X-Amz-Target (json). For REST protocols
	// use a Router. "" when absent.
	Operation(req *Request) string
	// Decode fills the struct in points to from the request. Errors are
	// *awserr.Error with the protocol's code and AWS's wording.
	Decode(req *Request, in any) error
	// Encode writes a success response for operation op (out: pointer to
	// struct, or nil for operations without output).
	Encode(w http.ResponseWriter, req *Request, op, requestID string, out any) error
	// EncodeError writes the protocol's error envelope with the error's HTTP status.
	EncodeError(w http.ResponseWriter, req *Request, requestID string, e *awserr.Error)
}

// New returns the codec for svc.Protocol; it panics on an unknown protocol,
// which is a programming error in a service table.
func New(svc Service) Codec {
	switch svc.Protocol {
	case Query:
		return &queryCodec{svc: svc}
	case EC2:
		return &queryCodec{svc: svc, ec2: true}
	case JSON:
		return &jsonCodec{svc: svc}
	case RESTJSON:
		return &restCodec{svc: svc}
	case RESTXML:
		return &restCodec{svc: svc, xml: true}
	}
	panic("protocol: unknown protocol " + `"` + svc.Protocol + `"`)
}

// UnknownOperation returns the error AWS answers for an operation the service
// does not have: query/ec2 InvalidAction, json/rest UnknownOperationException.
func UnknownOperation(svc Service, op string) *awserr.Error {
	switch svc.Protocol {
	case Query, EC2:
		if op == "" {
			return awserr.MissingAction.New("Missing Action")
		}
		return awserr.InvalidAction.New("Could not find operation %s for version %s", op, svc.APIVersion)
	}
	return awserr.UnknownOperationException.New("")
}

// acceptsJSON reports whether a query-protocol client asked for the JSON variant.
func acceptsJSON(r *http.Request) bool {
	if r == nil {
		return false
	}
	for _, v := range r.Header.Values("Accept") {
		if strings.Contains(strings.ToLower(v), "application/json") {
			return true
		}
	}
	return false
}

func setCommonHeaders(w http.ResponseWriter, contentType, requestID string) {
	h := w.Header()
	h.Set("Content-Type", contentType)
	if requestID != "" {
		h.Set("x-amzn-RequestId", requestID)
	}
}

func writeBody(w http.ResponseWriter, status int, body []byte) {
	w.Header().Set("Content-Length", itoa(len(body)))
	w.WriteHeader(status)
	_, _ = w.Write(body)
}
