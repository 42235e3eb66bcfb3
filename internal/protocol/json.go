package protocol

import (
	"errors"
	"net/http"
	"strings"

	"github.com/moatdev/moat/internal/awserr"
)

// jsonCodec speaks the json protocol (X-Amz-Target, application/x-amz-json-1.x).
type jsonCodec struct {
	svc Service
}

func (c *jsonCodec) contentType() string {
	return "application/x-amz-json-" + pick(c.svc.JSONVersion, "1.1")
}

func (c *jsonCodec) Operation(req *Request) string {
	r := req.httpReq()
	if r == nil {
		return ""
	}
	prefix, op, ok := cutLast(r.Header.Get("X-Amz-Target"))
	if !ok || !targetPrefixMatches(c.svc.TargetPrefix, prefix) {
		return ""
	}
	return op
}

// targetPrefixMatches accepts the model's full target prefix and its last
// dotted part: botocore sends
// "com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101.LookupEvents",
// aws-sdk-go-v2 "CloudTrail_20131101.LookupEvents"; AWS answers both.
func targetPrefixMatches(want, got string) bool {
	return want == "" || got == want || strings.HasSuffix(want, "."+got)
}

// cutLast splits "a.b.c.Op" at its last dot (CloudTrail's prefix has dots).
func cutLast(s string) (string, string, bool) {
	i := strings.LastIndexByte(s, '.')
	if i < 0 {
		return "", "", false
	}
	return s[:i], s[i+1:], true
}

func (c *jsonCodec) Decode(req *Request, in any) error {
	v, ok := decodeTarget(in)
	if !ok {
		return errors.New("protocol: Decode needs a non-nil pointer to a struct")
	}
	var body []byte
	if req != nil {
		body = req.Body
	}
	m, err := parseJSONBody(body)
	if err != nil {
		return err
	}
	d := jsonDec{}
	d.object(v, m, "")
	return d.v.err(JSON)
}

func (c *jsonCodec) Encode(w http.ResponseWriter, req *Request, op, requestID string, out any) error {
	e := jsonEnc{buf: make([]byte, 0, 512), tsFormat: tsEpoch}
	if v, ok := structValue(out); ok {
		e.object(v)
	} else if out != nil && !isNilPointer(out) {
		return errors.New("protocol: Encode needs a pointer to a struct or nil")
	} else {
		e.buf = append(e.buf, "{}"...)
	}
	setCommonHeaders(w, c.contentType(), requestID)
	writeBody(w, http.StatusOK, e.buf)
	return nil
}

func (c *jsonCodec) EncodeError(w http.ResponseWriter, req *Request, requestID string, e *awserr.Error) {
	writeJSONError(w, c.contentType(), requestID, e)
}

// writeJSONError writes {"__type":"Code","message":"…"} plus X-Amzn-ErrorType,
// which both botocore and the Go SDK read (json and rest-json).
func writeJSONError(w http.ResponseWriter, contentType, requestID string, e *awserr.Error) {
	if e == nil {
		e = awserr.From(errors.New("nil error"))
	}
	j := jsonEnc{}
	j.buf = append(j.buf, `{"__type":`...)
	j.str(e.Code)
	j.buf = append(j.buf, `,"message":`...)
	j.str(e.Message)
	for _, k := range sortedStrings(e.Fields) {
		j.buf = append(j.buf, ',')
		j.str(k)
		j.buf = append(j.buf, ':')
		j.str(e.Fields[k])
	}
	j.buf = append(j.buf, '}')
	setCommonHeaders(w, contentType, requestID)
	w.Header().Set("X-Amzn-ErrorType", e.Code)
	writeBody(w, statusOf(e), j.buf)
}
