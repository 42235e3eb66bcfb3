package dataid

import (
	"archive/zip"
	"bytes"
	"strings"
	"testing"
)

func zipParts(t *testing.T, parts [][2]string) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, p := range parts {
		w, err := zw.Create(p[0])
		if err != nil {
			t.Fatal(err)
		}
		w.Write([]byte(p[1]))
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestDocx(t *testing.T) {
	t.Parallel()
	doc := `<?xml version="1.0"?><w:document><w:body>` +
		`<w:p><w:r><w:t>Customer &amp; card</w:t></w:r></w:p>` +
		`<w:p><w:r><w:t xml:space="preserve">visa </w:t></w:r><w:r><w:t>4532015112830366</w:t></w:r></w:p>` +
		`</w:body></w:document>`
	data := zipParts(t, [][2]string{{"[Content_Types].xml", "<Types/>"}, {"word/document.xml", doc}})
	rs := scanAll(t, "report.docx", data, Limits{})
	r := findResult(rs, "report.docx!word/document.xml")
	if r == nil || len(r.Occurrences) != 1 {
		t.Fatalf("docx: %+v", rs)
	}
	o := r.Occurrences[0]
	if o.Identifier != "CREDIT_CARD_NUMBER" || o.Line != 2 || o.Column != 6 || doc[o.ByteOffset:o.ByteOffset+int64(o.ByteLength)] != "4532015112830366" {
		t.Fatalf("docx occurrence %+v", o)
	}
}

func TestXlsx(t *testing.T) {
	t.Parallel()
	sharedXML := `<sst><si><t>name</t></si><si><t>ssn</t></si><si><t>123-45-6789</t></si></sst>`
	sheetXML := `<worksheet><sheetData>` +
		`<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c><c r="C1" t="inlineStr"><is><t>credit card</t></is></c></row>` +
		`<row r="2"><c r="A2" t="inlineStr"><is><t>kim</t></is></c><c r="B2" t="s"><v>2</v></c><c r="C2"><v>4532015112830366</v></c></row>` +
		`</sheetData></worksheet>`
	data := zipParts(t, [][2]string{{"xl/workbook.xml", `<workbook><sheets><sheet name="Customers" sheetId="1"/></sheets></workbook>`},
		{"xl/sharedStrings.xml", sharedXML}, {"xl/worksheets/sheet1.xml", sheetXML}})
	rs := scanAll(t, "book.xlsx", data, Limits{})
	r := findResult(rs, "book.xlsx!xl/worksheets/sheet1.xml")
	if r == nil || len(r.Occurrences) != 2 {
		t.Fatalf("xlsx: %+v", rs)
	}
	got := map[string]Occurrence{}
	for _, o := range r.Occurrences {
		got[o.Identifier] = o
	}
	ssn, card := got["USA_SOCIAL_SECURITY_NUMBER"], got["CREDIT_CARD_NUMBER"]
	if ssn.Cell == nil || ssn.Cell.CellReference != "Customers!B2" || ssn.Cell.ColumnName != "ssn" || ssn.Cell.Row != 2 || ssn.Cell.Column != 2 {
		t.Fatalf("shared-string cell: %+v %+v", ssn, ssn.Cell)
	}
	if card.Cell == nil || card.Cell.CellReference != "Customers!C2" || sheetXML[card.ByteOffset:card.ByteOffset+int64(card.ByteLength)] != "4532015112830366" {
		t.Fatalf("number cell: %+v %+v", card, card.Cell)
	}
}

func TestXMLText(t *testing.T) {
	t.Parallel()
	b := []byte(`<a>x &lt;y&gt; &#x41;&#66; &bogus; <![CDATA[<raw>]]><!-- c --></a>`)
	var tx xmlText
	xmlWalk(b, func([]byte, []byte, bool, bool, int) {}, func(s, e int) { appendXMLText(&tx, b, s, e, false) })
	if got := string(tx.val); !strings.Contains(got, "x <y> AB &bogus; ") {
		t.Fatalf("decoded %q", got)
	}
	if len(tx.val) != len(tx.raw) {
		t.Fatalf("%d bytes, %d offsets", len(tx.val), len(tx.raw))
	}
}
