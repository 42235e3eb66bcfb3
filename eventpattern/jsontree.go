package eventpattern

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"strings"
)

// node is one JSON value of a pattern with the byte offset where it starts.
// Objects keep their keys in order, duplicates included (AWS: "if you include
// a key more than once the last reference will be the one used").
type node struct {
	kind  byte // '{', '[', 's' string, 'n' number, 't', 'f', 'z' null
	text  string
	keys  []string
	kOffs []int
	vals  []*node
	elems []*node
	off   int
}

// treeParser reads a pattern into nodes with encoding/json's tokenizer,
// which validates the JSON; offsets come from Decoder.InputOffset.
type treeParser struct {
	data     []byte
	dec      *json.Decoder
	maxDepth int
}

// errAt carries a reason and an offset out of the tree parser.
type errAt struct {
	off    int
	reason string
}

func (e *errAt) Error() string { return e.reason }

func parseTree(data []byte, maxDepth int) (*node, error) {
	p := &treeParser{data: data, dec: json.NewDecoder(bytes.NewReader(data)), maxDepth: maxDepth}
	p.dec.UseNumber()
	n, err := p.value(0)
	if err != nil {
		return nil, err
	}
	off := p.tokenStart()
	if _, err := p.dec.Token(); err != io.EOF {
		return nil, &errAt{off: off, reason: "Invalid JSON: unexpected data after the top-level value"}
	}
	return n, nil
}

// tokenStart is the offset of the next token: past whitespace and the ':' or
// ',' separators encoding/json has not consumed yet.
func (p *treeParser) tokenStart() int {
	i := int(p.dec.InputOffset())
	for i < len(p.data) && strings.IndexByte(" \t\r\n:,", p.data[i]) >= 0 {
		i++
	}
	return i
}

func (p *treeParser) token() (json.Token, int, error) {
	off := p.tokenStart()
	t, err := p.dec.Token()
	if err != nil {
		// off, the start of the token that failed, is more exact than
		// SyntaxError.Offset, which is sometimes past the bad byte.
		if err == io.EOF || errors.Is(err, io.ErrUnexpectedEOF) {
			off = len(p.data)
		}
		msg := strings.TrimPrefix(err.Error(), "invalid character")
		if msg != err.Error() {
			msg = "unexpected character" + msg
		}
		if err == io.EOF {
			msg = "unexpected end of input"
		}
		return nil, off, &errAt{off: off, reason: "Invalid JSON: " + msg}
	}
	return t, off, nil
}

func (p *treeParser) value(depth int) (*node, error) {
	t, off, err := p.token()
	if err != nil {
		return nil, err
	}
	if depth > p.maxDepth {
		return nil, &errAt{off: off, reason: "Event pattern is nested too deeply"}
	}
	switch v := t.(type) {
	case json.Delim:
		if v == '{' {
			return p.object(off, depth)
		}
		if v == '[' {
			return p.array(off, depth)
		}
		return nil, &errAt{off: off, reason: "Invalid JSON: unexpected " + string(v)}
	case string:
		return &node{kind: 's', text: v, off: off}, nil
	case json.Number:
		return &node{kind: 'n', text: string(v), off: off}, nil
	case bool:
		if v {
			return &node{kind: 't', text: "true", off: off}, nil
		}
		return &node{kind: 'f', text: "false", off: off}, nil
	default:
		return &node{kind: 'z', text: "null", off: off}, nil
	}
}

func (p *treeParser) object(off, depth int) (*node, error) {
	n := &node{kind: '{', off: off}
	for p.dec.More() {
		t, koff, err := p.token()
		if err != nil {
			return nil, err
		}
		key, _ := t.(string)
		v, err := p.value(depth + 1)
		if err != nil {
			return nil, err
		}
		n.keys, n.kOffs, n.vals = append(n.keys, key), append(n.kOffs, koff), append(n.vals, v)
	}
	if _, _, err := p.token(); err != nil { // '}'
		return nil, err
	}
	return n, nil
}

func (p *treeParser) array(off, depth int) (*node, error) {
	n := &node{kind: '[', off: off}
	for p.dec.More() {
		v, err := p.value(depth + 1)
		if err != nil {
			return nil, err
		}
		n.elems = append(n.elems, v)
	}
	if _, _, err := p.token(); err != nil { // ']'
		return nil, err
	}
	return n, nil
}
