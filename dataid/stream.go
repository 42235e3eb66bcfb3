package dataid

import (
	"bytes"
	"errors"
	"io"
	"path"
	"strings"
	"unicode/utf8"
)

// Plain text files larger than one chunk are scanned in chunks with an
// overlap, in bounded memory and without a size limit: the overlap (larger
// than any keyword window and than the 64 KiB a PEM block may span) is
// scanned twice, and an occurrence is reported by the chunk in which it
// starts outside the overlap, so none is lost or reported twice.
var (
	textChunk    = 64 << 20
	chunkOverlap = 128 << 10
)

// chunkLookback is the context kept before the first byte a chunk reports
// from: keywords up to 30 characters before the data, "Proxy-" before
// "Authorization:", the local part before an e-mail's "@".
const chunkLookback = 512

// streamable reports whether a file should be scanned in chunks: plain text
// (no archive magic, no structured extension) larger than a chunk.
func streamable(name string, head []byte, size int64) bool {
	if size <= int64(textChunk) {
		return false
	}
	switch {
	case len(head) >= 2 && head[0] == 0x1f && head[1] == 0x8b,
		len(head) >= 4 && (string(head[:4]) == "PK\x03\x04" || string(head[:4]) == "PK\x05\x06"),
		len(head) >= 262 && string(head[257:262]) == "ustar",
		len(head) >= 2 && (head[0] == 0xff && head[1] == 0xfe || head[0] == 0xfe && head[1] == 0xff):
		return false
	}
	switch strings.ToLower(path.Ext(name)) {
	case ".csv", ".tsv", ".tab", ".json", ".jsonl", ".ndjson", ".parquet", ".avro", ".pdf", ".doc", ".xls", ".docx", ".xlsx":
		return false
	}
	return true
}

// streamText scans r chunk by chunk; it keeps the chunk buffer in st.
func (s *Scanner) streamText(st *State, r io.Reader, rel string) Result {
	res := Result{Path: rel, MimeType: "text/plain", Status: StatusComplete}
	if cap(st.fileBuf) < textChunk+chunkOverlap {
		st.fileBuf = make([]byte, 0, textChunk+chunkOverlap)
	}
	buf := st.fileBuf[:textChunk+chunkOverlap]
	var base int64      // file offset of buf[0]
	line, col := 1, 0   // line at buf[0], characters between its line start and buf[0]
	carry, skip := 0, 0 // skip: buf[:skip] was reported from by the previous chunk
	for first := true; ; first = false {
		n, err := io.ReadFull(r, buf[carry:])
		n += carry
		last := errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF)
		if err != nil && !last {
			res.mark(StatusPartial, ReasonMalformed, "read error after "+itoa(base+int64(n))+" bytes: "+err.Error())
			last = true
		}
		chunk := buf[:n]
		if first && bytes.IndexByte(chunk[:min(n, 8192)], 0) >= 0 {
			res.Status, res.Reason, res.Detail = StatusSkipped, ReasonUnsupportedType, "binary file (NUL bytes in the first 8 KiB)"
			return res
		}
		if res.Reason == "" && !utf8.Valid(chunk) {
			res.Reason, res.Detail = ReasonInvalidUTF8, "invalid UTF-8; scanned as bytes, columns count each invalid byte as one character"
		}
		keep := n // matches starting at or after keep are left to the next chunk
		if !last {
			keep = n - chunkOverlap
		}
		li := newLineIndex(chunk)
		for _, m := range s.scan(st, chunk, nil, false) {
			if m.Start >= keep {
				break
			}
			if m.Start < skip {
				continue
			}
			l, c := li.at(m.Start)
			if l == 1 {
				c += col
			}
			res.Occurrences = append(res.Occurrences, Occurrence{Path: rel, Identifier: m.Identifier, Category: m.Category,
				ByteOffset: base + int64(m.Start), ByteLength: m.End - m.Start, Line: line + l - 1, Column: c})
		}
		res.Size = base + int64(n)
		if last {
			break
		}
		// Advance: the next chunk starts chunkLookback bytes before keep and
		// reports from keep on.
		from := max(keep-chunkLookback, 0)
		head := chunk[:from]
		if k := bytes.LastIndexByte(head, '\n'); k >= 0 {
			line += bytes.Count(head, []byte{'\n'})
			col = utf8.RuneCount(head[k+1:])
		} else {
			col += utf8.RuneCount(head)
		}
		carry = copy(buf, chunk[from:])
		skip = keep - from
		base += int64(from)
	}
	s.finish(&res)
	return res
}

func itoa(n int64) string {
	var b [20]byte
	i := len(b)
	for {
		i--
		b[i] = byte('0' + n%10)
		n /= 10
		if n == 0 {
			return string(b[i:])
		}
	}
}
