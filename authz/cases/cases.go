// Package cases reads IAM decision cases: the JSON Lines format of moat's
// iam-cases-schema.md §1, one authorization request per line with every
// policy that applies to it, into authz requests and compiled policies.
//
// A bad case never stops a run: Next returns it as a *CaseError naming the
// case (its id, or "line-<N>") and what is wrong where (the JSON path inside
// the case, or line and column for JSON syntax errors), and goes on with the
// next line. Compiled policies are cached by document bytes for the life of
// a Reader, since case files repeat policies.
package cases

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"unicode/utf8"

	"github.com/moatdev/moat/authz"
	"github.com/moatdev/moat/policy"
)

// Case is one decodable case.
type Case struct {
	ID       string
	Line     int    // 1-based line number in the input
	Raw      []byte // the case's JSON text, for members this package does not read; valid until the next call to Next
	Request  authz.Request
	Policies authz.Policies
}

// CaseError is a case that cannot be evaluated. Error returns Message.
type CaseError struct {
	ID      string // the case id, or "line-<N>" when the line has none
	Line    int
	Message string // what and where, e.g. `policies.identity[0].Statement[1].Effect: ...`
}

func (e *CaseError) Error() string { return e.ID + ": " + e.Message }

// Reader reads cases from JSON Lines input. It is not safe for concurrent use.
type Reader struct {
	in      *bufio.Reader
	line    int
	buf     []byte
	managed Managed
	cache   [policy.EndpointPolicy + 1]map[string]compiled // by kind, then document bytes
}

// compiled is a cached outcome of turning one <policy> value into a Policy.
type compiled struct {
	pol  authz.Policy
	path string // where the problem is, relative to the <policy> value
	msg  string // "" when pol is valid
}

// NewReader reads cases from in. managed resolves {"managedPolicy": NAME}
// (iam-cases-schema.md §1.2); nil means no managed policies are known.
func NewReader(in io.Reader, managed Managed) *Reader {
	return &Reader{
		in:      bufio.NewReaderSize(in, 1<<20),
		managed: managed,
	}
}

// Next returns the next case. At the end of input it returns io.EOF; for a
// case that cannot be evaluated, a *CaseError (the run may go on); any other
// error is a read error.
func (r *Reader) Next() (*Case, error) {
	for {
		line, err := r.readLine()
		if err != nil {
			return nil, err
		}
		trimmed := bytes.TrimSpace(line)
		if len(trimmed) == 0 || trimmed[0] == '#' || bytes.HasPrefix(trimmed, []byte("//")) {
			continue
		}
		return r.parse(line)
	}
}

// readLine returns the next line without its end-of-line bytes, valid until
// the next call.
func (r *Reader) readLine() ([]byte, error) {
	chunk, err := r.in.ReadSlice('\n')
	if err == nil || (err == io.EOF && len(chunk) > 0) {
		// The common case: the whole line is in the read buffer; no copy.
		r.line++
		return bytes.TrimRight(chunk, "\r\n"), nil
	}
	r.buf = append(r.buf[:0], chunk...)
	for errors.Is(err, bufio.ErrBufferFull) {
		chunk, err = r.in.ReadSlice('\n')
		r.buf = append(r.buf, chunk...)
	}
	if err == io.EOF && len(r.buf) > 0 {
		err = nil
	}
	if err != nil {
		return nil, err
	}
	r.line++
	return bytes.TrimRight(r.buf, "\r\n"), nil
}

func (r *Reader) parse(line []byte) (*Case, error) {
	fail := func(id, format string, args ...any) error {
		return &CaseError{ID: id, Line: r.line, Message: fmt.Sprintf(format, args...)}
	}
	lineID := "line-" + strconv.Itoa(r.line)
	if !json.Valid(line) {
		var v any
		return nil, fail(lineID, "%s", jsonError(json.Unmarshal(line, &v), r.line))
	}
	body := bytes.TrimSpace(line)
	if body[0] != '{' {
		return nil, fail(lineID, "a case must be a JSON object, got %s", jsonKind(body))
	}
	var rawID, rawRequest, rawPolicies json.RawMessage
	for _, m := range members(body) {
		switch m.name {
		case "id":
			rawID = m.value
		case "request":
			rawRequest = m.value
		case "policies":
			rawPolicies = m.value
		}
	}
	id, ok := stringValue(rawID)
	if !ok {
		if rawID == nil || isNull(rawID) {
			return nil, fail(lineID, "id: missing required member")
		}
		return nil, fail(lineID, "id: must be a string")
	}
	if id == "" {
		return nil, fail(lineID, "id: must not be empty")
	}
	c := &Case{ID: id, Line: r.line, Raw: line}
	if err := decodeRequest(rawRequest, &c.Request); err != nil {
		return nil, fail(id, "%s", err.Error())
	}
	kind := authz.ResourceKindFor(c.Request.Action, c.Request.Resource)
	c.Policies.ResourceKind = kind
	if err := r.decodePolicies(rawPolicies, &c.Policies, kind); err != nil {
		return nil, fail(id, "%s", err.Error())
	}
	c.Request.Caller.HasPermissionsBoundary = len(c.Policies.PermissionsBoundary) > 0
	return c, nil
}

// jsonKind names the kind of a valid JSON value.
func jsonKind(b []byte) string {
	switch b[0] {
	case '{':
		return "object"
	case '[':
		return "array"
	case '"':
		return "string"
	case 't', 'f':
		return "boolean"
	case 'n':
		return "null"
	}
	return "number"
}

// jsonError renders a JSON syntax error of a whole line.
func jsonError(err error, n int) string {
	var se *json.SyntaxError
	if errors.As(err, &se) {
		col := max(int(se.Offset), 1)
		return fmt.Sprintf("invalid JSON at line %d, column %d: %s", n, col, se.Error())
	}
	return "invalid JSON: " + err.Error()
}

// stringValue decodes a JSON string; ok is false for anything else.
func stringValue(raw json.RawMessage) (string, bool) {
	if len(raw) == 0 || raw[0] != '"' {
		return "", false
	}
	if plain := raw[1 : len(raw)-1]; len(raw) >= 2 && raw[len(raw)-1] == '"' && bytes.IndexByte(plain, '\\') < 0 && utf8.Valid(plain) && !hasControl(plain) {
		return string(plain), true
	}
	var s string
	if err := json.Unmarshal(raw, &s); err != nil {
		return "", false
	}
	return s, true
}

func hasControl(b []byte) bool {
	for _, c := range b {
		if c < 0x20 || c == '"' {
			return true
		}
	}
	return false
}

func isNull(raw json.RawMessage) bool { return string(bytes.TrimSpace(raw)) == "null" }

// object returns the members of a JSON object (the last of repeated names
// wins, as in encoding/json); absent or null is an empty object.
func object(raw json.RawMessage, path string) (map[string]json.RawMessage, error) {
	if len(raw) == 0 || isNull(raw) {
		return nil, nil
	}
	if raw[0] != '{' {
		return nil, fmt.Errorf("%s: must be a JSON object", path)
	}
	ms := members(raw)
	m := make(map[string]json.RawMessage, len(ms))
	for _, kv := range ms {
		m[kv.name] = kv.value
	}
	return m, nil
}

// array returns the elements of a JSON array; absent or null is empty.
func array(raw json.RawMessage, path string) ([]json.RawMessage, error) {
	if len(raw) == 0 || isNull(raw) {
		return nil, nil
	}
	if raw[0] != '[' {
		return nil, fmt.Errorf("%s: must be a JSON array", path)
	}
	return elements(raw), nil
}

// oneOrMany accepts a single value or an array of values.
func oneOrMany(raw json.RawMessage, path string) ([]json.RawMessage, bool, error) {
	if len(raw) > 0 && raw[0] == '[' {
		a, err := array(raw, path)
		return a, true, err
	}
	if len(raw) == 0 || isNull(raw) {
		return nil, false, nil
	}
	return []json.RawMessage{raw}, false, nil
}
