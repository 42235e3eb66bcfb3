package dataid

import (
	"bytes"
	"fmt"
	"strconv"
	"unicode/utf16"
	"unicode/utf8"
)

// A hand-written JSON walker: encoding/json neither reports where a value
// sits in the input nor its path, and both are what Macie's records
// occurrences (jsonPath) and moat's byte offsets need. String values are
// unescaped with a map back to raw offsets, so secrets inside escaped JSON
// strings are found and located.

type jsonWalker struct {
	d      *docScan
	r      *Result
	b      []byte
	i      int
	rec    int
	li     *lineIndex
	path   []byte // $.a.b[0] for reporting
	ctx    []byte // a.b for keywords (no indices)
	val    []byte
	raw    []int
	maxDep int
}

type jsonError struct {
	off    int
	msg    string
	reason string
}

func (e *jsonError) Error() string { return e.msg }

func (d *docScan) json(p string, data []byte, lines bool) Result {
	r := Result{Path: p, MimeType: "application/json", Size: int64(len(data)), Status: StatusComplete}
	if lines {
		r.MimeType = "application/x-ndjson"
	}
	w := &jsonWalker{d: d, r: &r, b: data, li: newLineIndex(data), maxDep: d.lim.MaxJSONDepth}
	if !lines {
		w.i = skipBOM(data)
		if err := w.document(); err != nil {
			w.fail(err)
		}
		return r
	}
	start := skipBOM(data)
	for rec := 0; start < len(data); rec++ {
		end := bytes.IndexByte(data[start:], '\n')
		if end < 0 {
			end = len(data)
		} else {
			end += start
		}
		if len(bytes.TrimSpace(data[start:end])) > 0 {
			w.b, w.i, w.rec = data[:end], start, rec
			if err := w.document(); err != nil {
				w.fail(err) // keep going: one bad line does not lose the others
			}
		}
		start = end + 1
	}
	return r
}

func skipBOM(b []byte) int {
	if bytes.HasPrefix(b, []byte("\xef\xbb\xbf")) {
		return 3
	}
	return 0
}

func (w *jsonWalker) fail(err error) {
	je, ok := err.(*jsonError)
	if !ok {
		je = &jsonError{off: w.i, msg: err.Error(), reason: ReasonMalformed}
	}
	line, col := w.li.at(min(je.off, len(w.li.b)))
	w.r.mark(StatusPartial, je.reason, fmt.Sprintf("line %d, column %d (record %d): %s", line, col, w.rec, je.msg))
}

func (w *jsonWalker) errf(reason, format string, a ...any) error {
	return &jsonError{off: w.i, msg: fmt.Sprintf(format, a...), reason: reason}
}

func (w *jsonWalker) document() error {
	w.path, w.ctx = append(w.path[:0], '$'), w.ctx[:0]
	if err := w.value(0); err != nil {
		return err
	}
	w.ws()
	if w.i < len(w.b) {
		return w.errf(ReasonMalformed, "unexpected %q after the top-level value", w.b[w.i])
	}
	return nil
}

func (w *jsonWalker) ws() {
	for w.i < len(w.b) && (w.b[w.i] == ' ' || w.b[w.i] == '\t' || w.b[w.i] == '\n' || w.b[w.i] == '\r') {
		w.i++
	}
}

func (w *jsonWalker) value(depth int) error {
	if depth > w.maxDep {
		return w.errf(ReasonJSONNesting, "nesting deeper than %d levels", w.maxDep)
	}
	w.ws()
	if w.i >= len(w.b) {
		return w.errf(ReasonMalformed, "unexpected end of input")
	}
	switch c := w.b[w.i]; {
	case c == '{':
		return w.object(depth)
	case c == '[':
		return w.array(depth)
	case c == '"':
		start := w.i
		quoted, err := w.str()
		if err != nil {
			return err
		}
		w.emit(start+1, quoted)
		return nil
	case c == '-' || isDigit(c):
		start := w.i
		for w.i < len(w.b) && (isDigit(w.b[w.i]) || bytes.IndexByte([]byte("+-.eE"), w.b[w.i]) >= 0) {
			w.i++
		}
		w.val, w.raw = append(w.val[:0], w.b[start:w.i]...), w.raw[:0]
		w.emit(start, false)
		return nil
	}
	for _, lit := range []string{"true", "false", "null"} {
		if bytes.HasPrefix(w.b[w.i:], []byte(lit)) {
			w.i += len(lit)
			return nil
		}
	}
	return w.errf(ReasonMalformed, "unexpected %q", w.b[w.i])
}

func (w *jsonWalker) object(depth int) error {
	w.i++
	pl, cl := len(w.path), len(w.ctx)
	for first := true; ; first = false {
		w.ws()
		if w.i < len(w.b) && w.b[w.i] == '}' && first {
			w.i++
			return nil
		}
		if w.i >= len(w.b) || w.b[w.i] != '"' {
			return w.errf(ReasonMalformed, "expected a string key")
		}
		if _, err := w.str(); err != nil {
			return err
		}
		w.pushKey(w.val)
		w.ws()
		if w.i >= len(w.b) || w.b[w.i] != ':' {
			return w.errf(ReasonMalformed, "expected ':' after key")
		}
		w.i++
		if err := w.value(depth + 1); err != nil {
			return err
		}
		w.path, w.ctx = w.path[:pl], w.ctx[:cl]
		w.ws()
		if w.i < len(w.b) && w.b[w.i] == ',' {
			w.i++
			continue
		}
		if w.i < len(w.b) && w.b[w.i] == '}' {
			w.i++
			return nil
		}
		return w.errf(ReasonMalformed, "expected ',' or '}' in object")
	}
}

func (w *jsonWalker) array(depth int) error {
	w.i++
	pl := len(w.path)
	for n := 0; ; n++ {
		w.ws()
		if w.i < len(w.b) && w.b[w.i] == ']' && n == 0 {
			w.i++
			return nil
		}
		w.path = append(strconv.AppendInt(append(w.path, '['), int64(n), 10), ']')
		if err := w.value(depth + 1); err != nil {
			return err
		}
		w.path = w.path[:pl]
		w.ws()
		if w.i < len(w.b) && w.b[w.i] == ',' {
			w.i++
			continue
		}
		if w.i < len(w.b) && w.b[w.i] == ']' {
			w.i++
			return nil
		}
		return w.errf(ReasonMalformed, "expected ',' or ']' in array")
	}
}

func (w *jsonWalker) pushKey(k []byte) {
	plain := len(k) > 0
	for _, c := range k {
		plain = plain && (isAlnum(c) || c == '_' || c >= 0x80)
	}
	if plain {
		w.path = append(append(w.path, '.'), k...)
	} else {
		w.path = append(strconv.AppendQuote(append(w.path, '['), string(k)), ']')
	}
	w.ctx = append(append(w.ctx, ' '), k...)
}

// str reads a string at w.i into w.val (unescaped); w.raw maps each byte of
// w.val to its raw offset when the string has escapes. It reports whether
// it had escapes.
func (w *jsonWalker) str() (bool, error) {
	w.i++
	start := w.i
	for w.i < len(w.b) && w.b[w.i] != '"' && w.b[w.i] != '\\' {
		if w.b[w.i] < 0x20 {
			return false, w.errf(ReasonMalformed, "control character in string")
		}
		w.i++
	}
	if w.i < len(w.b) && w.b[w.i] == '"' {
		w.val, w.raw = append(w.val[:0], w.b[start:w.i]...), w.raw[:0]
		w.i++
		return false, nil
	}
	w.val, w.raw = append(w.val[:0], w.b[start:w.i]...), w.raw[:0]
	for k := start; k < w.i; k++ {
		w.raw = append(w.raw, k)
	}
	for w.i < len(w.b) {
		c := w.b[w.i]
		switch {
		case c == '"':
			w.i++
			return true, nil
		case c < 0x20:
			return false, w.errf(ReasonMalformed, "control character in string")
		case c != '\\':
			w.val, w.raw = append(w.val, c), append(w.raw, w.i)
			w.i++
			continue
		}
		at := w.i
		if w.i+1 >= len(w.b) {
			break
		}
		e := w.b[w.i+1]
		w.i += 2
		var r rune
		switch e {
		case '"', '\\', '/':
			r = rune(e)
		case 'b':
			r = '\b'
		case 'f':
			r = '\f'
		case 'n':
			r = '\n'
		case 'r':
			r = '\r'
		case 't':
			r = '\t'
		case 'u':
			r = w.hex4()
			if utf16.IsSurrogate(r) && w.i+1 < len(w.b) && w.b[w.i] == '\\' && w.b[w.i+1] == 'u' {
				w.i += 2
				r = utf16.DecodeRune(r, w.hex4())
			}
			if r < 0 {
				return false, w.errf(ReasonMalformed, "bad \\u escape")
			}
		default:
			w.i = at
			return false, w.errf(ReasonMalformed, "bad escape \\%c", e)
		}
		n := len(w.val)
		w.val = utf8.AppendRune(w.val, r)
		for ; n < len(w.val); n++ {
			w.raw = append(w.raw, at)
		}
	}
	return false, w.errf(ReasonMalformed, "string is not closed")
}

func (w *jsonWalker) hex4() rune {
	if w.i+4 > len(w.b) {
		return -1
	}
	v, err := strconv.ParseUint(string(w.b[w.i:w.i+4]), 16, 32)
	if err != nil {
		return -1
	}
	w.i += 4
	return rune(v)
}

// emit scans the current value; base is the raw offset of its first byte.
func (w *jsonWalker) emit(base int, escaped bool) {
	quote := w.i - 1 // emit runs right after the value was read
	ms := w.d.s.scan(w.d.st, w.val, w.ctx, true)
	for _, m := range ms {
		off, end := base+m.Start, base+m.End
		if escaped {
			off, end = w.raw[m.Start], quote
			if m.End < len(w.raw) {
				end = w.raw[m.End]
			}
		}
		line, col := w.li.at(off)
		jp := string(w.path)
		if utf8.RuneCountInString(jp) > 250 {
			jp = string([]rune(jp)[:250])
		}
		w.r.Occurrences = append(w.r.Occurrences, Occurrence{Path: w.r.Path, Identifier: m.Identifier, Category: m.Category,
			ByteOffset: int64(off), ByteLength: end - off, Line: line, Column: col, Record: &Record{RecordIndex: w.rec, JSONPath: jp}})
	}
}
