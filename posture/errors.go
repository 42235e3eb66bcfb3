package posture

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"
)

// InputError locates a problem in one of the exported files: the file, the
// line and column (1-based, 0 when unknown), the field (a JSON path such as
// "UserDetailList[3].CreateDate" or a CSV column name) and what is wrong.
type InputError struct {
	File         string
	Line, Column int
	Field        string
	Message      string
	Err          error
}

func (e *InputError) Error() string {
	var b strings.Builder
	b.WriteString(e.File)
	if e.Line > 0 {
		fmt.Fprintf(&b, ":%d:%d", e.Line, e.Column)
	}
	b.WriteString(": ")
	if e.Field != "" {
		b.WriteString(e.Field + ": ")
	}
	b.WriteString(e.Message)
	return b.String()
}

func (e *InputError) Unwrap() error { return e.Err }

// jsonInputError turns an encoding/json error into an InputError with a position.
func jsonInputError(file string, data []byte, err error) error {
	ie := &InputError{File: file, Message: err.Error(), Err: err}
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	switch {
	case errors.As(err, &se):
		ie.Line, ie.Column = lineCol(data, se.Offset-1)
		ie.Message = "invalid JSON: " + se.Error()
	case errors.As(err, &te):
		ie.Line, ie.Column = lineCol(data, tokenStart(data, te.Offset))
		ie.Field = te.Field
		ie.Message = fmt.Sprintf("expected %s, got JSON %s", jsonKind(te.Type.Kind().String()), te.Value)
	case errors.Is(err, errTruncated):
		ie.Line, ie.Column = lineCol(data, int64(len(data)))
		ie.Message = "unexpected end of file (truncated export?)"
	}
	return ie
}

var errTruncated = errors.New("unexpected end of JSON input")

func jsonKind(k string) string {
	switch k {
	case "struct", "map":
		return "an object"
	case "slice":
		return "an array"
	case "bool":
		return "true or false"
	case "int", "int32", "int64", "float64":
		return "a number"
	}
	return "a " + k
}

func lineCol(b []byte, off int64) (int, int) {
	off = max(0, min(off, int64(len(b))))
	pre := b[:off]
	line := bytes.Count(pre, []byte{'\n'}) + 1
	start := bytes.LastIndexByte(pre, '\n') + 1
	return line, utf8.RuneCount(pre[start:]) + 1
}

// decodeJSON decodes one JSON value strictly enough to report truncation.
func decodeJSON(file string, data []byte, v any) error {
	if len(bytes.TrimSpace(data)) == 0 {
		return &InputError{File: file, Line: 1, Column: 1, Message: "empty file"}
	}
	if err := json.Unmarshal(data, v); err != nil {
		if err.Error() == errTruncated.Error() {
			err = errTruncated
		}
		return jsonInputError(file, data, err)
	}
	return nil
}

// tokenStart backs up from the offset encoding/json reports (just after the
// offending value) to the value's first byte.
func tokenStart(data []byte, off int64) int64 {
	off = max(0, min(off, int64(len(data))))
	if off > 0 && data[off-1] == '"' {
		for i := off - 2; i >= 0; i-- {
			if data[i] == '"' && (i == 0 || data[i-1] != '\\') {
				return i
			}
		}
	}
	for off > 0 && !strings.ContainsRune(":,[{ \t\r\n", rune(data[off-1])) {
		off--
	}
	return off
}
