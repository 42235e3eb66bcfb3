package detect

import (
	"bytes"
	"errors"
	"fmt"
	"io"
)

// jsonStream cuts a stream of JSON records into one byte slice per record
// without decoding them. It accepts the three shapes AWS data arrives in:
// CloudTrail's {"Records":[...]} delivery files, plain JSON arrays, and JSON
// lines (one object after another, newline-separated or not). It keeps the
// line and column of every record so that decoding errors can name them, and
// it holds at most one record plus one read buffer in memory.
type jsonStream struct {
	r     io.Reader
	buf   []byte
	pos   int   // next unread byte in buf
	base  int64 // stream offset of buf[0]
	line  int   // line of buf[pos]
	lineS int64 // stream offset where the current line starts
	eof   bool
	rerr  error
	state int
	// startLine/startCol are the position of the record last returned.
	startLine, startCol int
}

const (
	stTop     = iota // between top-level values
	stArray          // inside a bare top-level array
	stRecords        // inside the Records array of a delivery file
	stDone
)

// maxRecordSize bounds one record: CloudTrail caps requestParameters and
// responseElements at 100 KB each, so 8 MiB leaves ample room while keeping
// a corrupt file from exhausting memory.
const maxRecordSize = 8 << 20

var errTruncated = errors.New("unexpected end of input inside a record (truncated file?)")

func newJSONStream(r io.Reader) *jsonStream {
	return &jsonStream{r: r, buf: make([]byte, 0, 64<<10), line: 1}
}

// fill discards buf[:keep] and reads more input after what is kept. It
// returns false when no more input could be read.
func (s *jsonStream) fill(keep int) bool {
	if keep > 0 {
		n := copy(s.buf, s.buf[keep:])
		s.buf = s.buf[:n]
		s.pos -= keep
		s.base += int64(keep)
	}
	if s.eof {
		return false
	}
	if len(s.buf) == cap(s.buf) {
		nb := make([]byte, len(s.buf), 2*cap(s.buf))
		copy(nb, s.buf)
		s.buf = nb
	}
	for {
		n, err := s.r.Read(s.buf[len(s.buf):cap(s.buf)])
		s.buf = s.buf[:len(s.buf)+n]
		if err != nil {
			s.eof = true
			if err != io.EOF {
				s.rerr = err
			}
			return n > 0
		}
		if n > 0 {
			return true
		}
	}
}

func (s *jsonStream) col() int { return int(s.base+int64(s.pos)-s.lineS) + 1 }

// skipSpace skips whitespace (and, inside arrays, commas). It returns the next
// byte, or false at the end of input.
func (s *jsonStream) skipSpace(commas bool) (byte, bool) {
	for {
		for s.pos < len(s.buf) {
			c := s.buf[s.pos]
			switch {
			case c == '\n':
				s.pos++
				s.line++
				s.lineS = s.base + int64(s.pos)
			case c == ' ' || c == '\t' || c == '\r' || (commas && c == ','):
				s.pos++
			default:
				return c, true
			}
		}
		if !s.fill(s.pos) {
			return 0, false
		}
	}
}

// next returns the bytes of the next record. The slice is valid until the
// following call. At the end it returns io.EOF; a syntax problem between
// records returns a *Error and the stream resynchronises at the next line.
func (s *jsonStream) next() ([]byte, error) {
	for {
		if s.state == stDone {
			return nil, s.endErr()
		}
		c, ok := s.skipSpace(s.state != stTop)
		if !ok {
			if s.state != stTop && s.rerr == nil {
				s.state = stDone
				return nil, &Error{Line: s.line, Column: s.col(), Msg: "unexpected end of input: the records array is not closed (truncated file?)"}
			}
			s.state = stDone
			return nil, s.endErr()
		}
		switch {
		case s.state == stTop && c == '[':
			s.pos++
			s.state = stArray
		case s.state == stTop && c == '{' && s.isDeliveryFile():
			s.state = stRecords
		case s.state != stTop && c == ']':
			s.pos++
			if s.state == stRecords {
				if err := s.skipRestOfWrapper(); err != nil {
					return nil, err
				}
			}
			s.state = stTop
		case c == '{' || s.state != stTop:
			return s.valueOrSkip()
		default:
			e := &Error{Line: s.line, Column: s.col(), Msg: fmt.Sprintf("unexpected %s outside a record", quoteByte(c))}
			s.skipLine()
			return nil, e
		}
	}
}

func (s *jsonStream) endErr() error {
	if err := s.rerr; err != nil {
		s.rerr = nil // reported once
		return &Error{Line: s.line, Column: s.col(), Msg: "read error: " + err.Error(), Err: err}
	}
	return io.EOF
}

func quoteByte(c byte) string {
	if c >= 0x20 && c < 0x7f {
		return fmt.Sprintf("%q", rune(c))
	}
	return fmt.Sprintf("byte 0x%02x", c)
}

// isDeliveryFile reports whether the object at pos starts {"Records":[ and,
// if so, consumes that prefix.
func (s *jsonStream) isDeliveryFile() bool {
	for len(s.buf)-s.pos < 64 && s.fill(s.pos) {
	}
	i := s.pos + 1
	ws := func() {
		for i < len(s.buf) && (s.buf[i] == ' ' || s.buf[i] == '\n' || s.buf[i] == '\r' || s.buf[i] == '\t') {
			i++
		}
	}
	ws()
	if !bytes.HasPrefix(s.buf[i:], []byte(`"Records"`)) {
		return false
	}
	i += len(`"Records"`)
	ws()
	if i >= len(s.buf) || s.buf[i] != ':' {
		return false
	}
	i++
	ws()
	if i >= len(s.buf) || s.buf[i] != '[' {
		return false
	}
	i++
	s.advanceTo(i)
	return true
}

// advanceTo moves pos to i, counting the newlines passed.
func (s *jsonStream) advanceTo(i int) {
	for ; s.pos < i; s.pos++ {
		if s.buf[s.pos] == '\n' {
			s.line++
			s.lineS = s.base + int64(s.pos) + 1
		}
	}
}

// skipRestOfWrapper consumes what follows the Records array up to the end of
// the delivery object (other members are ignored).
func (s *jsonStream) skipRestOfWrapper() error {
	c, ok := s.skipSpace(true)
	for ok && c != '}' {
		// another member: "key": value
		if _, err := s.valueOrSkip(); err != nil {
			return err
		}
		c, ok = s.skipSpace(true)
		if ok && c == ':' {
			s.pos++
			if _, err := s.valueOrSkip(); err != nil {
				return err
			}
			c, ok = s.skipSpace(true)
		}
	}
	if ok {
		s.pos++
	}
	return nil
}

func (s *jsonStream) skipLine() {
	for {
		if i := bytes.IndexByte(s.buf[s.pos:], '\n'); i >= 0 {
			s.pos += i + 1
			s.line++
			s.lineS = s.base + int64(s.pos)
			return
		}
		s.pos = len(s.buf)
		if !s.fill(s.pos) {
			return
		}
	}
}

// value scans one JSON value starting at pos and returns its bytes.
func (s *jsonStream) value() ([]byte, error) {
	s.startLine, s.startCol = s.line, s.col()
	start := s.pos
	depth, inStr, esc := 0, false, false
	i := s.pos
	for {
		for ; i < len(s.buf); i++ {
			c := s.buf[i]
			if inStr {
				if !esc {
					// Skip string content up to a quote, backslash or newline.
					buf := s.buf
					for i < len(buf) && !strStop[buf[i]] {
						i++
					}
					if i == len(buf) {
						i--
						continue
					}
					c = buf[i]
				}
				switch {
				case esc:
					esc = false
					if c == '\n' {
						s.line++
						s.lineS = s.base + int64(i) + 1
					}
				case c == '\\':
					esc = true
				case c == '"':
					inStr = false
					if depth == 0 {
						return s.finish(start, i+1), nil
					}
				case c == '\n': // invalid in JSON, but it must not skew later positions
					s.line++
					s.lineS = s.base + int64(i) + 1
				}
				continue
			}
			switch c {
			case '"':
				inStr = true
			case '{', '[':
				depth++
			case '}', ']':
				if depth == 0 {
					return s.finish(start, i), nil
				}
				depth--
				if depth == 0 {
					return s.finish(start, i+1), nil
				}
			case '\n':
				if depth == 0 {
					return s.finish(start, i), nil
				}
				s.line++
				s.lineS = s.base + int64(i) + 1
			case ',', ' ', '\t', '\r':
				if depth == 0 {
					return s.finish(start, i), nil
				}
			}
		}
		if i-start > maxRecordSize {
			s.state = stDone
			return nil, &Error{Line: s.startLine, Column: s.startCol, Msg: fmt.Sprintf("record larger than %d bytes", maxRecordSize)}
		}
		off := i - start
		more := s.fill(start)
		start, i = 0, off
		if !more {
			s.pos = len(s.buf)
			if depth == 0 && !inStr && i > 0 {
				return s.finish(0, len(s.buf)), nil
			}
			s.state = stDone
			if err := s.rerr; err != nil {
				s.rerr = nil
				return nil, &Error{Line: s.startLine, Column: s.startCol, Msg: "read error inside a record: " + err.Error(), Err: err}
			}
			return nil, &Error{Line: s.startLine, Column: s.startCol, Msg: errTruncated.Error(), Err: errTruncated}
		}
	}
}

// strStop marks the bytes that end a run of string content for the splitter.
var strStop = [256]bool{'"': true, '\\': true, '\n': true}

func (s *jsonStream) finish(start, end int) []byte {
	s.pos = end
	return s.buf[start:end]
}

// valueOrSkip is value, except that a stray closing bracket (which value
// would return as an empty record) is reported and skipped.
func (s *jsonStream) valueOrSkip() ([]byte, error) {
	b, err := s.value()
	if err == nil && len(b) == 0 {
		e := &Error{Line: s.line, Column: s.col(), Msg: fmt.Sprintf("unexpected %s", quoteByte(s.buf[s.pos]))}
		s.pos++
		return nil, e
	}
	return b, err
}

// lineCol converts a byte offset inside the record last returned into a
// line and column of the input.
func (s *jsonStream) lineCol(rec []byte, off int64) (int, int) {
	line, col := s.startLine, s.startCol
	if off > int64(len(rec)) {
		off = int64(len(rec))
	}
	for i := int64(0); i < off; i++ {
		if rec[i] == '\n' {
			line++
			col = 1
		} else {
			col++
		}
	}
	return line, col
}
