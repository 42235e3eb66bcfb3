package dataid

import (
	"bytes"
	"path"
	"strings"
	"unicode/utf16"
	"unicode/utf8"
)

// Limits bound what one scan reads; zero fields take the defaults.
type Limits struct {
	MaxFileSize       int64 // bytes read from one file or member (default 256 MiB); the rest is not scanned. Plain text files over 64 MiB on disk are streamed in chunks instead, without a limit
	MaxArchiveDepth   int   // nested archive levels (default 10, Macie's limit)
	MaxExpansionRatio int64 // uncompressed/compressed bytes of a member (default 1000)
	MaxTotalExtracted int64 // bytes extracted from one top-level file (default 4 GiB)
	MaxJSONDepth      int   // JSON nesting (default 256, Macie's limit)
}

func (l Limits) withDefaults() Limits {
	if l.MaxFileSize <= 0 {
		l.MaxFileSize = 256 << 20
	}
	if l.MaxArchiveDepth <= 0 {
		l.MaxArchiveDepth = 10
	}
	if l.MaxExpansionRatio <= 0 {
		l.MaxExpansionRatio = 1000
	}
	if l.MaxTotalExtracted <= 0 {
		l.MaxTotalExtracted = 4 << 30
	}
	if l.MaxJSONDepth <= 0 {
		l.MaxJSONDepth = 256
	}
	return l
}

// docScan scans one top-level file and everything inside it.
type docScan struct {
	s         *Scanner
	st        *State
	lim       Limits
	extracted int64
	depth     int // archive depth of the member being read (selects the reused buffer)
	emit      func(Result)
}

// ScanDocument scans one document (a file's bytes, named name for the
// format and the reported path) and calls emit once for it or, for an
// archive, once per member (recursively). Positions are within each member.
func (s *Scanner) ScanDocument(st *State, name string, data []byte, lim Limits, emit func(Result)) {
	d := &docScan{s: s, st: st, lim: lim.withDefaults(), emit: emit}
	d.scan(name, data, 0, false)
}

func (d *docScan) scan(p string, data []byte, depth int, truncated bool) {
	var r Result
	switch {
	case len(data) >= 2 && data[0] == 0x1f && data[1] == 0x8b:
		d.gzip(p, data, depth)
		return
	case len(data) >= 4 && (string(data[:4]) == "PK\x03\x04" || string(data[:4]) == "PK\x05\x06"):
		d.zip(p, data, depth)
		return
	case len(data) >= 262 && string(data[257:262]) == "ustar":
		d.tar(p, data, depth)
		return
	}
	switch ext := strings.ToLower(path.Ext(p)); ext {
	case ".csv":
		r = d.csv(p, data, ',', "text/csv")
	case ".tsv", ".tab":
		r = d.csv(p, data, '\t', "text/tab-separated-values")
	case ".json":
		r = d.json(p, data, false)
	case ".jsonl", ".ndjson":
		r = d.json(p, data, true)
	case ".parquet", ".avro", ".pdf", ".doc", ".xls":
		r = Result{Path: p, Size: int64(len(data)), Status: StatusSkipped, Reason: ReasonUnsupportedType,
			Detail: ext + " files are not read by moat yet (see docs/data-identifiers.md)"}
	default:
		r = d.text(p, data)
	}
	if truncated {
		r.mark(StatusPartial, ReasonSizeLimit, "only the first bytes up to the size limit were scanned")
	}
	d.s.finish(&r)
	d.emit(r)
}

// decodeText turns UTF-16 with a byte order mark into UTF-8 and drops a
// UTF-8 BOM. Binary data (a NUL byte in the first 8 KiB) is refused.
func decodeText(data []byte) ([]byte, string, bool) {
	switch {
	case bytes.HasPrefix(data, []byte{0xef, 0xbb, 0xbf}):
		return data[3:], "UTF-8", true
	case len(data) >= 2 && (data[0] == 0xff && data[1] == 0xfe || data[0] == 0xfe && data[1] == 0xff):
		le := data[0] == 0xff
		u := make([]uint16, 0, len(data)/2)
		for i := 2; i+1 < len(data); i += 2 {
			if le {
				u = append(u, uint16(data[i])|uint16(data[i+1])<<8)
			} else {
				u = append(u, uint16(data[i])<<8|uint16(data[i+1]))
			}
		}
		out := make([]byte, 0, len(u)*2)
		for _, r := range utf16.Decode(u) {
			out = utf8.AppendRune(out, r)
		}
		return out, "UTF-16", true
	}
	if bytes.IndexByte(data[:min(len(data), 8192)], 0) >= 0 {
		return nil, "", false
	}
	return data, "UTF-8", true
}

func (d *docScan) text(p string, data []byte) Result {
	r := Result{Path: p, MimeType: "text/plain", Size: int64(len(data)), Status: StatusComplete}
	text, _, ok := decodeText(data)
	if !ok {
		r.Status, r.Reason, r.Detail = StatusSkipped, ReasonUnsupportedType, "binary file (NUL bytes in the first 8 KiB)"
		return r
	}
	if !utf8.Valid(text) {
		r.Reason, r.Detail = ReasonInvalidUTF8, "invalid UTF-8; scanned as bytes, columns count each invalid byte as one character"
	}
	ms := d.s.scan(d.st, text, nil, false)
	li := newLineIndex(text)
	for _, m := range ms {
		line, col := li.at(m.Start)
		r.Occurrences = append(r.Occurrences, Occurrence{Path: p, Identifier: m.Identifier, Category: m.Category,
			ByteOffset: int64(m.Start), ByteLength: m.End - m.Start, Line: line, Column: col})
	}
	return r
}
