package detect

import (
	"fmt"
	"strconv"
	"strings"
)

// A small YAML reader for Sigma rules. moat's module has no YAML dependency
// and the house rule is not to add one, so this reads the subset Sigma rules
// use: block mappings and sequences by indentation, sequences of mappings,
// plain, 'single' and "double" quoted scalars, flow sequences of scalars
// ([a, b]), literal and folded block scalars (| and >), null/~ and comments.
// Anchors, aliases, tags, flow mappings and multi-document streams are
// rejected or read as plain text; Sigma rules do not use them.

type yamlLine struct {
	n      int // 1-based line number
	indent int
	text   string // without indentation and comment
}

type yamlParser struct {
	lines []yamlLine
	i     int
	raw   []string
}

// yamlMap is a mapping that keeps key order (Sigma's detection items are
// reported in order).
type yamlMap struct {
	keys []string
	vals map[string]any
	line map[string]int
}

func (m *yamlMap) get(k string) any { return m.vals[k] }

func parseYAML(src string) (any, error) {
	p := &yamlParser{raw: strings.Split(strings.ReplaceAll(src, "\r\n", "\n"), "\n")}
	for i, l := range p.raw {
		if strings.HasPrefix(l, "---") && i == 0 {
			continue
		}
		trimmed := strings.TrimLeft(l, " ")
		if strings.HasPrefix(trimmed, "\t") {
			return nil, fmt.Errorf("line %d: tab in indentation", i+1)
		}
		text := stripComment(trimmed)
		if strings.TrimSpace(text) == "" {
			continue
		}
		p.lines = append(p.lines, yamlLine{n: i + 1, indent: len(l) - len(trimmed), text: strings.TrimRight(text, " ")})
	}
	if len(p.lines) == 0 {
		return nil, fmt.Errorf("empty document")
	}
	v, err := p.block(p.lines[0].indent)
	if err != nil {
		return nil, err
	}
	if p.i < len(p.lines) {
		return nil, fmt.Errorf("line %d: unexpected indentation", p.lines[p.i].n)
	}
	return v, nil
}

// stripComment removes a # comment that is outside quotes.
func stripComment(s string) string {
	var q byte
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case q != 0:
			if c == q {
				q = 0
			}
		case c == '\'' || c == '"':
			if i == 0 || s[i-1] == ' ' || s[i-1] == '[' || s[i-1] == ',' || s[i-1] == ':' || s[i-1] == '-' {
				q = c
			}
		case c == '#' && (i == 0 || s[i-1] == ' '):
			return s[:i]
		}
	}
	return s
}

func isSeqItem(text string) bool { return text == "-" || strings.HasPrefix(text, "- ") }

func (p *yamlParser) block(indent int) (any, error) {
	if p.i >= len(p.lines) {
		return nil, nil
	}
	if isSeqItem(p.lines[p.i].text) {
		return p.sequence(indent)
	}
	return p.mapping(indent)
}

func (p *yamlParser) sequence(indent int) (any, error) {
	var out []any
	for p.i < len(p.lines) {
		l := p.lines[p.i]
		if l.indent < indent || !isSeqItem(l.text) {
			break
		}
		if l.indent > indent {
			return nil, fmt.Errorf("line %d: unexpected indentation", l.n)
		}
		content := strings.TrimLeft(strings.TrimPrefix(l.text, "-"), " ")
		if content == "" {
			p.i++
			if p.i < len(p.lines) && p.lines[p.i].indent > indent {
				v, err := p.block(p.lines[p.i].indent)
				if err != nil {
					return nil, err
				}
				out = append(out, v)
			} else {
				out = append(out, nil)
			}
			continue
		}
		if _, _, ok := splitKey(content); ok && !strings.HasPrefix(content, "'") && !strings.HasPrefix(content, "\"") {
			// "- key: value": a mapping whose first line starts at the content.
			off := len(l.text) - len(content)
			p.lines[p.i] = yamlLine{n: l.n, indent: l.indent + off, text: content}
			v, err := p.mapping(l.indent + off)
			if err != nil {
				return nil, err
			}
			out = append(out, v)
			continue
		}
		v, err := scalar(content, l.n)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
		p.i++
	}
	return out, nil
}

// splitKey splits "key: rest" (or "key:") where key may be quoted.
func splitKey(s string) (string, string, bool) {
	if strings.HasPrefix(s, "'") || strings.HasPrefix(s, "\"") {
		end := strings.IndexByte(s[1:], s[0])
		if end < 0 {
			return "", "", false
		}
		k := s[1 : end+1]
		rest := s[end+2:]
		if !strings.HasPrefix(rest, ":") {
			return "", "", false
		}
		return k, strings.TrimSpace(rest[1:]), true
	}
	for i := 0; i < len(s); i++ {
		if s[i] == ':' && (i+1 == len(s) || s[i+1] == ' ') {
			return strings.TrimSpace(s[:i]), strings.TrimSpace(s[i+1:]), true
		}
	}
	return "", "", false
}

func (p *yamlParser) mapping(indent int) (any, error) {
	m := &yamlMap{vals: map[string]any{}, line: map[string]int{}}
	for p.i < len(p.lines) {
		l := p.lines[p.i]
		if l.indent < indent {
			break
		}
		if l.indent > indent {
			return nil, fmt.Errorf("line %d: unexpected indentation", l.n)
		}
		if isSeqItem(l.text) {
			break
		}
		k, rest, ok := splitKey(l.text)
		if !ok {
			return nil, fmt.Errorf("line %d: expected \"key: value\", got %q", l.n, l.text)
		}
		if _, dup := m.vals[k]; dup {
			return nil, fmt.Errorf("line %d: duplicate key %q", l.n, k)
		}
		p.i++
		var v any
		var err error
		switch {
		case rest == "":
			if p.i < len(p.lines) && (p.lines[p.i].indent > indent || (p.lines[p.i].indent == indent && isSeqItem(p.lines[p.i].text))) {
				v, err = p.block(p.lines[p.i].indent)
			}
		case rest[0] == '|' || rest[0] == '>':
			v = p.blockScalar(indent, rest[0] == '>')
		default:
			v, err = scalar(rest, l.n)
		}
		if err != nil {
			return nil, err
		}
		m.keys = append(m.keys, k)
		m.vals[k] = v
		m.line[k] = l.n
	}
	return m, nil
}

// blockScalar collects the more-indented raw lines after a | or > key.
func (p *yamlParser) blockScalar(indent int, folded bool) string {
	var parts []string
	for p.i < len(p.lines) && p.lines[p.i].indent > indent {
		parts = append(parts, strings.TrimSpace(p.raw[p.lines[p.i].n-1]))
		p.i++
	}
	if folded {
		return strings.Join(parts, " ")
	}
	return strings.Join(parts, "\n")
}

func scalar(s string, line int) (any, error) {
	switch {
	case s == "null" || s == "~" || s == "Null" || s == "NULL":
		return nil, nil
	case strings.HasPrefix(s, "'"):
		if len(s) < 2 || !strings.HasSuffix(s, "'") {
			return nil, fmt.Errorf("line %d: unterminated quoted string", line)
		}
		return strings.ReplaceAll(s[1:len(s)-1], "''", "'"), nil
	case strings.HasPrefix(s, "\""):
		v, err := strconv.Unquote(s)
		if err != nil {
			return nil, fmt.Errorf("line %d: bad double-quoted string %s", line, s)
		}
		return v, nil
	case strings.HasPrefix(s, "["):
		if !strings.HasSuffix(s, "]") {
			return nil, fmt.Errorf("line %d: unterminated flow sequence", line)
		}
		var out []any
		for _, part := range splitFlow(s[1 : len(s)-1]) {
			v, err := scalar(strings.TrimSpace(part), line)
			if err != nil {
				return nil, err
			}
			out = append(out, v)
		}
		return out, nil
	case strings.HasPrefix(s, "{") || strings.HasPrefix(s, "&") || strings.HasPrefix(s, "*") || strings.HasPrefix(s, "!"):
		return nil, fmt.Errorf("line %d: flow mappings, anchors, aliases and tags are not supported", line)
	}
	return s, nil
}

func splitFlow(s string) []string {
	if strings.TrimSpace(s) == "" {
		return nil
	}
	var out []string
	var q byte
	start := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case q != 0:
			if c == q {
				q = 0
			}
		case c == '\'' || c == '"':
			q = c
		case c == ',':
			out = append(out, s[start:i])
			start = i + 1
		}
	}
	return append(out, s[start:])
}
