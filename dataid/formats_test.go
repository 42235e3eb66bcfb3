package dataid

import (
	"archive/tar"
	"bytes"
	"testing"
)

func tarOf(t *testing.T, name string, body []byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	if err := tw.WriteHeader(&tar.Header{Name: name, Mode: 0o600, Size: int64(len(body)), Typeflag: tar.TypeReg}); err != nil {
		t.Fatal(err)
	}
	tw.Write(body)
	tw.Close()
	return buf.Bytes()
}

func TestFormats(t *testing.T) {
	t.Parallel()
	card := []byte("x\nvisa " + goodCard + "\n")
	tgz := gzipOf(tarOf(t, "dir/notes.txt", card))
	cases := []struct {
		name, file string
		data       []byte
		path       string
		line, col  int
		cell       *Cell
		record     *Record
	}{
		{"tar", "a.tar", tarOf(t, "dir/notes.txt", card), "a.tar!dir/notes.txt", 2, 6, nil, nil},
		{"tar.gz", "a.tgz", tgz, "a.tgz!a.tar!dir/notes.txt", 2, 6, nil, nil},
		{"tsv", "a.tsv", []byte("id\tcard number\n7\t" + goodCard + "\n"), "a.tsv", 2, 3, &Cell{Row: 2, Column: 2, ColumnName: "card number"}, nil},
		{"json odd key", "a.json", []byte(`{"a b": {"credit card": ["x", "` + goodCard + `"]}}`), "a.json", 1, 32, nil, &Record{JSONPath: `$["a b"]["credit card"][1]`}},
		{"jsonl record index", "a.jsonl", []byte("{}\n\n{\"card\": " + goodCard + "}\n"), "a.jsonl", 3, 10, nil, &Record{RecordIndex: 2, JSONPath: "$.card"}},
		{"crlf csv", "a.csv", []byte("card\r\n" + goodCard + "\r\n"), "a.csv", 2, 1, &Cell{Row: 2, Column: 1, ColumnName: "card"}, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			rs := scanAll(t, c.file, c.data, Limits{})
			r := findResult(rs, c.path)
			if r == nil || len(r.Occurrences) != 1 {
				t.Fatalf("results %+v", rs)
			}
			o := r.Occurrences[0]
			if o.Identifier != "CREDIT_CARD_NUMBER" || o.Line != c.line || o.Column != c.col {
				t.Fatalf("occurrence %+v, want line %d column %d", o, c.line, c.col)
			}
			if (c.cell != nil) != (o.Cell != nil) || c.cell != nil && *c.cell != *o.Cell {
				t.Fatalf("cell %+v, want %+v", o.Cell, c.cell)
			}
			if (c.record != nil) != (o.Record != nil) || c.record != nil && *c.record != *o.Record {
				t.Fatalf("record %+v, want %+v", o.Record, c.record)
			}
		})
	}
}
