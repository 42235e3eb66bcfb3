package protocol

import (
	"bytes"
	"encoding/xml"
	"errors"
	"io"
	"reflect"
	"strconv"
	"strings"
)

// xnode is one element of a parsed XML request body (rest-xml).
type xnode struct {
	name string
	text strings.Builder
	kids []*xnode
}

func (n *xnode) children(name string) []*xnode {
	var out []*xnode
	for _, k := range n.kids {
		if k.name == name {
			out = append(out, k)
		}
	}
	return out
}

func (n *xnode) child(name string) *xnode {
	for _, k := range n.kids {
		if k.name == name {
			return k
		}
	}
	return nil
}

const maxXMLDepth = 64

// parseXML returns the root element of body.
func parseXML(body []byte) (*xnode, error) {
	dec := xml.NewDecoder(bytes.NewReader(body))
	var stack []*xnode
	var root *xnode
	for {
		tok, err := dec.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if len(stack) >= maxXMLDepth {
				return nil, errors.New("XML nested too deeply")
			}
			n := &xnode{name: t.Name.Local}
			if len(stack) > 0 {
				p := stack[len(stack)-1]
				p.kids = append(p.kids, n)
			} else if root == nil {
				root = n
			} else {
				return nil, errors.New("more than one root element")
			}
			stack = append(stack, n)
		case xml.EndElement:
			stack = stack[:len(stack)-1]
		case xml.CharData:
			if len(stack) > 0 {
				stack[len(stack)-1].text.Write(t)
			}
		}
	}
	if root == nil {
		return nil, errors.New("no root element")
	}
	return root, nil
}

// xmlDec fills tagged structs from an XML element tree.
type xmlDec struct {
	v violations
}

func (d *xmlDec) object(v reflect.Value, n *xnode, path string) {
	s := shapeOf(v.Type())
	for i := range s.fields {
		f := &s.fields[i]
		if f.location != locBody {
			continue
		}
		p := joinPath(path, lowerFirst(f.name))
		var nodes []*xnode
		if f.flattened {
			nodes = n.children(f.name)
		} else if c := n.child(f.name); c != nil {
			nodes = []*xnode{c}
		}
		if len(nodes) == 0 {
			if f.required {
				d.v.addMissing(p, f.name)
			}
			continue
		}
		d.value(fieldByIndex(v, f.index), f, nodes, p)
	}
}

// value decodes nodes (one element, or every element of a flattened list or
// map) into v.
func (d *xmlDec) value(v reflect.Value, f *field, nodes []*xnode, path string) {
	t := v.Type()
	switch {
	case t.Kind() == reflect.Pointer:
		nv := reflect.New(t.Elem())
		d.value(nv.Elem(), f, nodes, path)
		v.Set(nv)
	case t == timeType || t == rawType || t.Kind() == reflect.Slice && t.Elem().Kind() == reflect.Uint8:
		d.text(v, nodes[0], path)
	case t.Kind() == reflect.Slice:
		items := nodes
		if !f.flattened {
			items = nodes[0].kids
			if f.member != "" {
				items = nodes[0].children(f.member)
			}
		}
		out := reflect.MakeSlice(t, len(items), len(items))
		elem := &field{name: f.name}
		for i, it := range items {
			d.value(out.Index(i), elem, []*xnode{it}, path+"."+strconv.Itoa(i+1)+".member")
		}
		v.Set(out)
	case t.Kind() == reflect.Map:
		entries := nodes
		if !f.flattened {
			entries = nodes[0].children("entry")
		}
		out := reflect.MakeMapWithSize(t, len(entries))
		elem := &field{name: f.name}
		for _, en := range entries {
			k, val := en.child("key"), en.child("value")
			if k == nil || val == nil || t.Key().Kind() != reflect.String {
				continue
			}
			ev := reflect.New(t.Elem()).Elem()
			d.value(ev, elem, []*xnode{val}, path+"."+k.text.String())
			kv := reflect.New(t.Key()).Elem()
			kv.SetString(k.text.String())
			out.SetMapIndex(kv, ev)
		}
		v.Set(out)
	case t.Kind() == reflect.Struct:
		d.object(v, nodes[0], path)
	default:
		d.text(v, nodes[0], path)
	}
}

func (d *xmlDec) text(v reflect.Value, n *xnode, path string) {
	s := n.text.String()
	if v.Kind() != reflect.String {
		s = strings.TrimSpace(s)
	}
	if err := setScalar(v, s); err != nil {
		d.v.setBad(malformedXML(path, err))
	}
}
