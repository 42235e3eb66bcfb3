package waf

import (
	"bufio"
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/netip"
	"time"
	"unicode/utf8"
)

// TestRequest is one line of `moat waf test` input:
//
//	{"id": "…", "method": "GET", "uri": "/path?a=b", "headers": [["Host","example.com"]],
//	 "body": "…", "clientIp": "203.0.113.9"}
//
// Optional: "timestamp" (milliseconds since the epoch; drives rate-based
// rules and tokens deterministically), "ja3", "ja4", "httpVersion",
// "bodyTruncated", and "bodyBase64" instead of "body" for bytes that are
// not UTF-8 text.
type TestRequest struct {
	ID            string     `json:"id"`
	Method        string     `json:"method"`
	URI           string     `json:"uri"`
	Headers       [][]string `json:"headers"`
	Body          string     `json:"body"`
	BodyBase64    string     `json:"bodyBase64,omitempty"`
	ClientIP      string     `json:"clientIp"`
	Timestamp     int64      `json:"timestamp,omitempty"`
	JA3           string     `json:"ja3,omitempty"`
	JA4           string     `json:"ja4,omitempty"`
	HTTPVersion   string     `json:"httpVersion,omitempty"`
	BodyTruncated bool       `json:"bodyTruncated,omitempty"`
}

// LineError is a bad input line; reading continues after it.
type LineError struct {
	Line    int
	ID      string
	Message string
}

func (e *LineError) Error() string { return fmt.Sprintf("line %d: %s", e.Line, e.Message) }

// RequestReader reads TestRequest lines. Blank lines and lines starting
// with '#' are skipped.
type RequestReader struct {
	sc   *bufio.Scanner
	line int
}

// MaxLineSize bounds one input line (a request with its body).
const MaxLineSize = 16 << 20

// NewRequestReader reads JSON Lines from r.
func NewRequestReader(r io.Reader) *RequestReader {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64<<10), MaxLineSize)
	return &RequestReader{sc: sc}
}

// Next returns the next request and its timestamp (zero when absent). At
// the end it returns io.EOF; a bad line gives a *LineError and the reader
// can go on.
func (rr *RequestReader) Next() (*Request, time.Time, error) {
	for rr.sc.Scan() {
		rr.line++
		b := bytes.TrimSpace(rr.sc.Bytes())
		if len(b) == 0 || b[0] == '#' {
			continue
		}
		return DecodeTestRequest(b, rr.line)
	}
	if err := rr.sc.Err(); err != nil {
		if errors.Is(err, bufio.ErrTooLong) {
			return nil, time.Time{}, fmt.Errorf("line %d: longer than %d bytes", rr.line+1, MaxLineSize)
		}
		return nil, time.Time{}, err
	}
	return nil, time.Time{}, io.EOF
}

// DecodeTestRequest decodes one input line (line is its number, for errors).
func DecodeTestRequest(b []byte, line int) (*Request, time.Time, error) {
	var tr TestRequest
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&tr); err != nil {
		id := ""
		var probe struct {
			ID string `json:"id"`
		}
		if json.Unmarshal(b, &probe) == nil {
			id = probe.ID
		}
		return nil, time.Time{}, &LineError{Line: line, ID: id, Message: jsonMessage(err, b)}
	}
	if dec.More() {
		return nil, time.Time{}, &LineError{Line: line, ID: tr.ID, Message: "more than one JSON value on the line"}
	}
	r := &Request{ID: tr.ID, Method: tr.Method, URI: tr.URI, Body: []byte(tr.Body), BodyTruncated: tr.BodyTruncated,
		JA3: tr.JA3, JA4: tr.JA4, HTTPVersion: tr.HTTPVersion}
	if tr.BodyBase64 != "" {
		if tr.Body != "" {
			return nil, time.Time{}, &LineError{Line: line, ID: tr.ID, Message: `give "body" or "bodyBase64", not both`}
		}
		b, err := base64.StdEncoding.DecodeString(tr.BodyBase64)
		if err != nil {
			return nil, time.Time{}, &LineError{Line: line, ID: tr.ID, Message: "bodyBase64: " + err.Error()}
		}
		r.Body = b
	}
	if r.Method == "" {
		r.Method = "GET"
	}
	if r.URI == "" {
		return nil, time.Time{}, &LineError{Line: line, ID: tr.ID, Message: `missing "uri"`}
	}
	for i, h := range tr.Headers {
		if len(h) != 2 {
			return nil, time.Time{}, &LineError{Line: line, ID: tr.ID, Message: fmt.Sprintf("headers[%d]: expected [name, value], got %d strings", i, len(h))}
		}
		r.Headers = append(r.Headers, Header{Name: h[0], Value: h[1]})
	}
	if tr.ClientIP != "" {
		a, err := netip.ParseAddr(tr.ClientIP)
		if err != nil {
			return nil, time.Time{}, &LineError{Line: line, ID: tr.ID, Message: fmt.Sprintf("clientIp: not an IP address: %q", tr.ClientIP)}
		}
		r.ClientIP = a
	}
	var ts time.Time
	if tr.Timestamp != 0 {
		ts = time.UnixMilli(tr.Timestamp).UTC()
	}
	return r, ts, nil
}

func jsonMessage(err error, b []byte) string {
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	switch {
	case errors.As(err, &se):
		return fmt.Sprintf("invalid JSON at column %d: %v", se.Offset, se)
	case errors.As(err, &te):
		return fmt.Sprintf("field %q: expected %s, got %s (column %d)", te.Field, te.Type, te.Value, te.Offset)
	case errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, io.EOF):
		return fmt.Sprintf("truncated JSON (%d bytes)", len(b))
	}
	return err.Error()
}

// AppendTestResult appends the `moat waf test` output line:
// {"id":…,"action":…,"terminatingRuleId":…,"labels":[…]}.
func AppendTestResult(b []byte, id string, res *Result) []byte {
	b = append(b, `{"id":`...)
	b = appendJSONString(b, id)
	b = append(b, `,"action":"`...)
	b = append(b, res.Action.String()...)
	b = append(b, `","terminatingRuleId":`...)
	b = appendJSONString(b, res.TerminatingRuleID)
	b = append(b, `,"labels":[`...)
	for i, l := range res.Labels {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendJSONString(b, l)
	}
	return append(b, "]}\n"...)
}

// AppendTestError appends an error line {"id":…,"error":…}.
func AppendTestError(b []byte, id, msg string) []byte {
	b = append(b, `{"id":`...)
	b = appendJSONString(b, id)
	b = append(b, `,"error":`...)
	b = appendJSONString(b, msg)
	return append(b, "}\n"...)
}

// appendJSONString appends s as a JSON string; invalid UTF-8 becomes U+FFFD.
func appendJSONString(b []byte, s string) []byte {
	b = append(b, '"')
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			switch {
			case c == '"' || c == '\\':
				b = append(b, '\\', c)
			case c < 0x20:
				b = append(b, `\u00`...)
				b = append(b, "0123456789abcdef"[c>>4], "0123456789abcdef"[c&0xF])
			default:
				b = append(b, c)
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b = append(b, `\ufffd`...)
		} else {
			b = append(b, s[i:i+size]...)
		}
		i += size
	}
	return append(b, '"')
}
