package detect

import (
	"strconv"
	"strings"
)

// Error is a problem with one record or line of input. Readers return it for
// a malformed record and go on with the next one: records read before (and
// after, where the input allows resynchronising) are not lost.
type Error struct {
	File   string // as given to the reader; empty for unnamed streams
	Line   int    // 1-based line of the input; 0 when unknown
	Column int    // 1-based column; 0 when unknown
	Record int    // 1-based index of the record in the file; 0 when unknown
	Field  string // field of the record, e.g. "eventTime" or "dstport"
	Msg    string
	Err    error // wrapped cause, if any
}

func (e *Error) Error() string {
	var b strings.Builder
	if e.File != "" {
		b.WriteString(e.File)
		b.WriteByte(':')
	}
	if e.Line > 0 {
		b.WriteString(strconv.Itoa(e.Line))
		b.WriteByte(':')
		if e.Column > 0 {
			b.WriteString(strconv.Itoa(e.Column))
			b.WriteByte(':')
		}
	}
	if b.Len() > 0 {
		b.WriteByte(' ')
	}
	if e.Record > 0 {
		b.WriteString("record ")
		b.WriteString(strconv.Itoa(e.Record))
		b.WriteString(": ")
	}
	if e.Field != "" {
		b.WriteString(e.Field)
		b.WriteString(": ")
	}
	b.WriteString(e.Msg)
	return b.String()
}

func (e *Error) Unwrap() error { return e.Err }
