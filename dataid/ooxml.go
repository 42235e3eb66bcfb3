package dataid

import (
	"archive/zip"
	"bytes"
	"fmt"
	"strconv"
	"strings"
)

// Office Open XML: a .docx or .xlsx is a zip whose text lives in XML parts.
// moat reads the text out of those parts with a small tokenizer that keeps,
// for every byte of text, its offset in the part, so occurrences point into
// the part ("report.docx!word/document.xml") like any archive member.
//   - docx: word/document.xml, the text of <w:t> runs; each paragraph is a
//     line (Line = paragraph number, Column = character in it).
//   - xlsx: each worksheet's cells, with shared strings resolved; Cell has
//     Macie's row, column, columnName (from row 1) and cellReference
//     ("Sheet1!C5"); a keyword counts in the cell or its column name.

// xmlText is text pulled out of XML: the bytes and the raw offset of each.
type xmlText struct {
	val []byte
	raw []int
}

func (t *xmlText) add(c byte, at int) { t.val, t.raw = append(t.val, c), append(t.raw, at) }

// xmlWalk calls tag for each start/end/empty tag and text for character data.
func xmlWalk(b []byte, tag func(name []byte, attrs []byte, start, end bool, at int), text func(s, e int)) {
	i := 0
	for i < len(b) {
		if b[i] != '<' {
			j := bytes.IndexByte(b[i:], '<')
			if j < 0 {
				j = len(b) - i
			}
			text(i, i+j)
			i += j
			continue
		}
		switch {
		case bytes.HasPrefix(b[i:], []byte("<!--")):
			j := bytes.Index(b[i:], []byte("-->"))
			if j < 0 {
				return
			}
			i += j + 3
		case bytes.HasPrefix(b[i:], []byte("<![CDATA[")):
			j := bytes.Index(b[i:], []byte("]]>"))
			if j < 0 {
				return
			}
			text(i+9, i+j) // CDATA is literal: no entities inside
			i += j + 3
		default:
			j := bytes.IndexByte(b[i:], '>')
			if j < 0 {
				return
			}
			t := b[i+1 : i+j]
			end := len(t) > 0 && t[0] == '/'
			empty := len(t) > 0 && t[len(t)-1] == '/'
			if end {
				t = t[1:]
			}
			if empty {
				t = t[:len(t)-1]
			}
			name, attrs := t, []byte(nil)
			if k := bytes.IndexAny(t, " \t\r\n"); k >= 0 {
				name, attrs = t[:k], t[k:]
			}
			if len(name) > 0 && name[0] != '?' && name[0] != '!' {
				tag(name, attrs, !end, end || empty, i)
			}
			i += j + 1
		}
	}
}

// appendXMLText decodes b[s:e] (entities resolved) into t.
func appendXMLText(t *xmlText, b []byte, s, e int, cdata bool) {
	for i := s; i < e; i++ {
		if b[i] != '&' || cdata {
			t.add(b[i], i)
			continue
		}
		j := bytes.IndexByte(b[i:e], ';')
		if j < 0 {
			t.add('&', i)
			continue
		}
		ent := string(b[i+1 : i+j])
		var r rune = -1
		switch ent {
		case "amp":
			r = '&'
		case "lt":
			r = '<'
		case "gt":
			r = '>'
		case "quot":
			r = '"'
		case "apos":
			r = '\''
		default:
			if strings.HasPrefix(ent, "#x") {
				if v, err := strconv.ParseUint(ent[2:], 16, 32); err == nil {
					r = rune(v)
				}
			} else if strings.HasPrefix(ent, "#") {
				if v, err := strconv.ParseUint(ent[1:], 10, 32); err == nil {
					r = rune(v)
				}
			}
		}
		if r < 0 {
			t.add('&', i)
			continue
		}
		var buf [4]byte
		n := copy(buf[:], string(r))
		for k := 0; k < n; k++ {
			t.add(buf[k], i)
		}
		i += j
	}
}

func attr(attrs []byte, name string) string {
	k := bytes.Index(attrs, []byte(" "+name+"=\""))
	if k < 0 {
		return ""
	}
	v := attrs[k+len(name)+3:]
	if e := bytes.IndexByte(v, '"'); e >= 0 {
		return string(v[:e])
	}
	return ""
}

func zipMember(zr *zip.Reader, name string) *zip.File {
	for _, f := range zr.File {
		if f.Name == name {
			return f
		}
	}
	return nil
}

// ooxml scans a docx or xlsx; it reports false when zr is neither.
func (d *docScan) ooxml(p string, zr *zip.Reader) bool {
	switch {
	case zipMember(zr, "word/document.xml") != nil:
		d.docx(p, zr)
	case zipMember(zr, "xl/workbook.xml") != nil:
		d.xlsx(p, zr)
	default:
		return false
	}
	return true
}

// part reads one XML part within the archive limits.
func (d *docScan) part(p string, f *zip.File) ([]byte, bool) {
	rc, err := f.Open()
	if err != nil {
		d.skip(p+"!"+f.Name, int64(f.UncompressedSize64), StatusSkipped, ReasonMalformed, err.Error())
		return nil, false
	}
	defer rc.Close()
	data, truncated, reason, detail := d.readMember(rc, int64(f.CompressedSize64))
	if reason != "" || truncated {
		if reason == "" {
			reason, detail = ReasonSizeLimit, "part larger than the file size limit"
		}
		d.skip(p+"!"+f.Name, int64(f.UncompressedSize64), StatusSkipped, reason, detail)
		return nil, false
	}
	return data, true
}

func (d *docScan) docx(p string, zr *zip.Reader) {
	f := zipMember(zr, "word/document.xml")
	data, ok := d.part(p, f)
	if !ok {
		return
	}
	member := p + "!" + f.Name
	var t xmlText
	inText := false
	xmlWalk(data, func(name, _ []byte, start, end bool, at int) {
		switch string(name) {
		case "w:t":
			inText = start && !end
		case "w:tab":
			t.add('\t', at)
		case "w:br", "w:cr":
			t.add('\n', at)
		case "w:p":
			if end && len(t.val) > 0 && t.val[len(t.val)-1] != '\n' {
				t.add('\n', at)
			}
		}
	}, func(s, e int) {
		if inText {
			appendXMLText(&t, data, s, e, false)
		}
	})
	r := Result{Path: member, MimeType: "application/vnd.openxmlformats-officedocument.wordprocessingml.document", Size: int64(len(data)), Status: StatusComplete}
	li := newLineIndex(t.val)
	for _, m := range d.s.scan(d.st, t.val, nil, false) {
		line, col := li.at(m.Start)
		off := t.raw[m.Start]
		r.Occurrences = append(r.Occurrences, Occurrence{Path: member, Identifier: m.Identifier, Category: m.Category,
			ByteOffset: int64(off), ByteLength: t.raw[m.End-1] + 1 - off, Line: line, Column: col})
	}
	d.s.finish(&r)
	d.emit(r)
}

func (d *docScan) xlsx(p string, zr *zip.Reader) {
	var shared []xmlText
	if f := zipMember(zr, "xl/sharedStrings.xml"); f != nil {
		data, ok := d.part(p, f)
		if !ok {
			return
		}
		var cur xmlText
		inT := false
		xmlWalk(data, func(name, _ []byte, start, end bool, _ int) {
			switch string(name) {
			case "si":
				if end {
					shared = append(shared, cur)
					cur = xmlText{}
				}
			case "t":
				inT = start && !end
			}
		}, func(s, e int) {
			if inT {
				appendXMLText(&cur, data, s, e, false)
			}
		})
	}
	var sheetNames []string
	if f := zipMember(zr, "xl/workbook.xml"); f != nil {
		if data, ok := d.part(p, f); ok {
			xmlWalk(data, func(name, attrs []byte, start, _ bool, _ int) {
				if start && string(name) == "sheet" {
					sheetNames = append(sheetNames, attr(attrs, "name"))
				}
			}, func(int, int) {})
		}
	}
	for n := 1; ; n++ {
		f := zipMember(zr, fmt.Sprintf("xl/worksheets/sheet%d.xml", n))
		if f == nil {
			return
		}
		sheet := fmt.Sprintf("Sheet%d", n)
		if n <= len(sheetNames) && sheetNames[n-1] != "" {
			sheet = sheetNames[n-1]
		}
		if data, ok := d.part(p, f); ok {
			d.sheet(p+"!"+f.Name, sheet, data, shared)
		}
	}
}

// sheet scans one worksheet's cells.
func (d *docScan) sheet(member, sheet string, data []byte, shared []xmlText) {
	r := Result{Path: member, MimeType: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", Size: int64(len(data)), Status: StatusComplete}
	li := newLineIndex(data)
	header := map[int]string{}
	var ref, typ string
	var cellAt int
	var v xmlText
	inV := false
	xmlWalk(data, func(name, attrs []byte, start, end bool, at int) {
		switch string(name) {
		case "c":
			if start {
				ref, typ, cellAt, v = attr(attrs, "r"), attr(attrs, "t"), at, xmlText{}
			}
			if end {
				d.cell(&r, li, member, sheet, ref, typ, cellAt, &v, shared, header)
			}
		case "v", "t":
			inV = start && !end
		}
	}, func(s, e int) {
		if inV {
			appendXMLText(&v, data, s, e, false)
		}
	})
	d.s.finish(&r)
	d.emit(r)
}

func (d *docScan) cell(r *Result, li *lineIndex, member, sheet, ref, typ string, at int, v *xmlText, shared []xmlText, header map[int]string) {
	row, col := cellRef(ref)
	val, raw, sharedStr := v.val, v.raw, false
	if typ == "s" {
		k, err := strconv.Atoi(string(v.val))
		if err != nil || k < 0 || k >= len(shared) {
			return
		}
		val, sharedStr = shared[k].val, true
	}
	if row == 1 {
		header[col] = string(val)
	}
	name := ""
	if row > 1 {
		name = header[col]
	}
	for _, m := range d.s.scan(d.st, val, []byte(name), true) {
		off, n := at, 0
		if !sharedStr {
			off, n = raw[m.Start], raw[m.End-1]+1-raw[m.Start]
		}
		line, c := li.at(off)
		o := Occurrence{Path: member, Identifier: m.Identifier, Category: m.Category, ByteOffset: int64(off), ByteLength: n,
			Line: line, Column: c, Cell: &Cell{Row: row, Column: col, ColumnName: name, CellReference: sheet + "!" + ref}}
		if sharedStr {
			o.ByteLength = m.End - m.Start // the value lives in sharedStrings.xml; the offset is the cell's
		}
		r.Occurrences = append(r.Occurrences, o)
	}
}

// cellRef turns "C5" into row 5, column 3.
func cellRef(ref string) (row, col int) {
	i := 0
	for ; i < len(ref) && isUpper(ref[i]); i++ {
		col = col*26 + int(ref[i]-'A'+1)
	}
	row, _ = strconv.Atoi(ref[i:])
	return row, col
}
