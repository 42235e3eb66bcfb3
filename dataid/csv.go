package dataid

import "fmt"

// csv scans a CSV or TSV file cell by cell (RFC 4180 quoting). The first
// row names the columns: a keyword in a cell or in its column name counts
// (Macie's rule for columnar files). Offsets map back to the raw file, so a
// match inside a quoted cell with "" escapes still points at its bytes.
func (d *docScan) csv(p string, data []byte, sep byte, mime string) Result {
	r := Result{Path: p, MimeType: mime, Size: int64(len(data)), Status: StatusComplete}
	if _, _, ok := decodeText(data); !ok {
		r.Status, r.Reason, r.Detail = StatusSkipped, ReasonUnsupportedType, "binary file (NUL bytes in the first 8 KiB)"
		return r
	}
	li := newLineIndex(data)
	var header [][]byte
	var val, qbuf []byte // val aliases data for plain cells; quoted cells decode into qbuf
	var raw []int        // raw offset of each byte of val, only for quoted cells with escapes
	row, col := 1, 0
	i := 0
	if len(data) >= 3 && string(data[:3]) == "\xef\xbb\xbf" {
		i = 3
	}
	for i < len(data) {
		col++
		start := i
		quoted := data[i] == '"'
		var end int
		if quoted {
			qbuf, raw = qbuf[:0], raw[:0]
			j := i + 1
			closed := false
			for j < len(data) {
				if data[j] == '"' {
					if j+1 < len(data) && data[j+1] == '"' {
						qbuf, raw = append(qbuf, '"'), append(raw, j)
						j += 2
						continue
					}
					closed = true
					break
				}
				qbuf, raw = append(qbuf, data[j]), append(raw, j)
				j++
			}
			if !closed {
				line, c := li.at(start)
				r.mark(StatusPartial, ReasonMalformed, fmt.Sprintf("line %d, column %d (row %d, field %d): quoted field is not closed", line, c, row, col))
				return r
			}
			end, val = j+1, qbuf
		} else {
			j := i
			for j < len(data) && data[j] != sep && data[j] != '\n' && data[j] != '\r' {
				j++
			}
			end = j
			val = data[i:j]
		}
		name := []byte(nil)
		if row > 1 && col <= len(header) {
			name = header[col-1]
		}
		if row == 1 {
			header = append(header, append([]byte(nil), val...))
		}
		for _, m := range d.s.scan(d.st, val, name, true) {
			off := start + m.Start
			if quoted {
				off = raw[m.Start]
			}
			line, c := li.at(off)
			o := Occurrence{Path: p, Identifier: m.Identifier, Category: m.Category, ByteOffset: int64(off),
				ByteLength: m.End - m.Start, Line: line, Column: c, Cell: &Cell{Row: row, Column: col, ColumnName: string(name)}}
			if quoted {
				o.ByteLength = raw[m.End-1] + 1 - off
			}
			r.Occurrences = append(r.Occurrences, o)
		}
		i = end
		switch {
		case i < len(data) && data[i] == sep:
			i++
			if i == len(data) {
				return r
			}
		case i < len(data) && (data[i] == '\n' || data[i] == '\r'):
			if data[i] == '\r' && i+1 < len(data) && data[i+1] == '\n' {
				i++
			}
			i++
			row, col = row+1, 0
		case i < len(data):
			line, c := li.at(i)
			r.mark(StatusPartial, ReasonMalformed, fmt.Sprintf("line %d, column %d (row %d, field %d): unexpected %q after a quoted field", line, c, row, col, data[i]))
			return r
		}
	}
	return r
}
