package detect

import (
	"bufio"
	"compress/gzip"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
)

// CloudTrailReader reads CloudTrail records from one file or stream: gzip or
// plain, in any of the shapes AWS data arrives in ({"Records":[...]} delivery
// files, JSON arrays, JSON lines).
//
//	r := detect.NewCloudTrailReader(f, "trail.json.gz")
//	for {
//		rec, err := r.Next()
//		if err == io.EOF { break }
//		if err != nil { log(err); continue } // *detect.Error: this record only
//		findings := d.CloudTrail(rec)
//	}
//
// The returned *Record and the bytes it holds are reused by the next call;
// Record.Clone keeps one.
type CloudTrailReader struct {
	name  string
	js    *jsonStream
	dec   ctDecoder
	rec   Record
	n     int
	fatal error
}

// NewCloudTrailReader returns a reader over r; name is used in errors.
// Gzip input is recognised by its magic bytes.
func NewCloudTrailReader(r io.Reader, name string) *CloudTrailReader {
	src, err := maybeGunzip(r)
	c := &CloudTrailReader{name: name, fatal: err, dec: ctDecoder{intern: map[string]string{}}}
	if err == nil {
		c.js = newJSONStream(src)
	}
	return c
}

// maybeGunzip wraps r in a gzip reader when it starts with the gzip magic.
func maybeGunzip(r io.Reader) (io.Reader, error) {
	br := bufio.NewReaderSize(r, 64<<10)
	magic, _ := br.Peek(2)
	if len(magic) == 2 && magic[0] == 0x1f && magic[1] == 0x8b {
		zr, err := gzip.NewReader(br)
		if err != nil {
			return nil, fmt.Errorf("gzip header: %w", err)
		}
		return zr, nil
	}
	return br, nil
}

// ParseRecord decodes one CloudTrail record (JSON in AWS's record schema),
// for callers that hold records one by one, such as an event bus. The
// returned Record owns data (Raw aliases it). Errors are *Error with the
// line and column within data.
func ParseRecord(data []byte) (*Record, error) {
	js := &jsonStream{startLine: 1, startCol: 1}
	r := new(Record)
	dec := ctDecoder{intern: map[string]string{}}
	if err := decodeRecordFast(&dec, data, r); err != nil {
		return nil, decodeErr(js, "", 0, data, err)
	}
	return r, nil
}

// Records returns how many records (good or bad) the reader has seen.
func (c *CloudTrailReader) Records() int { return c.n }

// Next returns the next record. It returns io.EOF at the end; a *Error for a
// record (or stretch of input) that could not be read, after which Next may be
// called again to continue with the rest of the file.
func (c *CloudTrailReader) Next() (*Record, error) {
	if c.fatal != nil {
		err := c.fatal
		c.fatal = io.EOF
		if err == io.EOF {
			return nil, err
		}
		return nil, &Error{File: c.name, Msg: err.Error(), Err: err}
	}
	data, err := c.js.next()
	if err != nil {
		return nil, c.wrap(err, 0)
	}
	c.n++
	if err := decodeRecordFast(&c.dec, data, &c.rec); err != nil {
		return nil, c.decodeError(data, err)
	}
	return &c.rec, nil
}

func (c *CloudTrailReader) wrap(err error, rec int) error {
	var e *Error
	if errors.As(err, &e) {
		e.File, e.Record = c.name, rec
		if errors.Is(err, errTruncated) {
			e.Record = c.n + 1
		}
		return e
	}
	return err
}

// decodeError turns an encoding/json error into an *Error with the line and
// column of the offending byte.
func (c *CloudTrailReader) decodeError(data []byte, err error) error {
	return decodeErr(c.js, c.name, c.n, data, err)
}

func decodeErr(js *jsonStream, name string, n int, data []byte, err error) error {
	e := &Error{File: name, Record: n, Line: js.startLine, Column: js.startCol}
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	var fe *Error
	var de *decodeError
	switch {
	case errors.As(err, &de) && de.syntax:
		e.Line, e.Column = js.lineCol(data, int64(de.off))
		e.Msg, e.Err = "invalid JSON: "+de.msg, err
	case errors.As(err, &de):
		e.Field, e.Msg, e.Err = de.field, de.msg, err
		if de.field == "" {
			e.Msg = "expected a JSON object, got " + strings.TrimPrefix(de.msg, "expected object, got ")
		} else {
			e.Line, e.Column = js.lineCol(data, int64(de.off))
		}
	case errors.As(err, &se):
		e.Line, e.Column = js.lineCol(data, se.Offset-1)
		e.Msg, e.Err = "invalid JSON: "+se.Error(), err
	case errors.As(err, &te):
		e.Field = strings.TrimPrefix(strings.TrimPrefix(te.Field, "recordAlias."), "dnsAlias.")
		if e.Field != "" {
			e.Line, e.Column = js.lineCol(data, te.Offset-1)
		}
		if e.Field == "" {
			e.Msg = "expected a JSON object, got " + te.Value
		} else {
			e.Msg = fmt.Sprintf("expected %s, got %s", te.Type, te.Value)
		}
		e.Err = err
	case errors.As(err, &fe):
		e.Field, e.Msg, e.Err = fe.Field, fe.Msg, fe.Err
	default:
		e.Msg, e.Err = err.Error(), err
	}
	return e
}
