package replay

import (
	"fmt"
	"strings"
)

// A minimal YAML reader for suricata-verify's test.yaml files: block maps,
// block lists ("- "), plain and quoted scalars, '#' comments and "|" block
// scalars. Enough for the checks these tests use; not a general YAML parser.

type yline struct {
	indent int
	text   string
	no     int
}

func parseYAML(src string) (any, error) {
	var lines []yline
	for i, l := range strings.Split(src, "\n") {
		t := strings.TrimRight(l, " \t\r")
		trim := strings.TrimLeft(t, " ")
		if trim == "" || strings.HasPrefix(trim, "#") || trim == "---" || strings.HasPrefix(trim, "%YAML") {
			continue
		}
		lines = append(lines, yline{indent: len(t) - len(trim), text: trim, no: i + 1})
	}
	y := &yparser{lines: lines}
	if len(lines) == 0 {
		return map[string]any{}, nil
	}
	v, err := y.block(lines[0].indent)
	if err != nil {
		return nil, err
	}
	if y.pos < len(y.lines) {
		return nil, fmt.Errorf("line %d: unexpected indentation", y.lines[y.pos].no)
	}
	return v, nil
}

type yparser struct {
	lines []yline
	pos   int
}

func (y *yparser) block(indent int) (any, error) {
	if strings.HasPrefix(y.lines[y.pos].text, "- ") || y.lines[y.pos].text == "-" {
		return y.list(indent)
	}
	return y.mapping(indent)
}

func (y *yparser) list(indent int) (any, error) {
	var out []any
	for y.pos < len(y.lines) {
		l := y.lines[y.pos]
		if l.indent != indent || !(strings.HasPrefix(l.text, "- ") || l.text == "-") {
			break
		}
		rest := strings.TrimSpace(strings.TrimPrefix(l.text, "-"))
		if rest == "" {
			y.pos++
			if y.pos < len(y.lines) && y.lines[y.pos].indent > indent {
				v, err := y.block(y.lines[y.pos].indent)
				if err != nil {
					return nil, err
				}
				out = append(out, v)
			} else {
				out = append(out, nil)
			}
			continue
		}
		if k, _, ok := splitKey(rest); ok && k != "" {
			// "- key: value" starts a map whose keys sit at indent+2.
			inner := indent + (len(l.text) - len(strings.TrimLeft(strings.TrimPrefix(l.text, "-"), " ")))
			y.lines[y.pos] = yline{indent: inner, text: rest, no: l.no}
			v, err := y.mapping(inner)
			if err != nil {
				return nil, err
			}
			out = append(out, v)
			continue
		}
		out = append(out, scalar(rest))
		y.pos++
	}
	return out, nil
}

func splitKey(s string) (string, string, bool) {
	if strings.HasPrefix(s, "\"") || strings.HasPrefix(s, "'") {
		q := s[0]
		end := strings.IndexByte(s[1:], q)
		if end < 0 {
			return "", "", false
		}
		rest := s[end+2:]
		if !strings.HasPrefix(rest, ":") {
			return "", "", false
		}
		return s[1 : end+1], strings.TrimSpace(rest[1:]), true
	}
	i := strings.Index(s, ": ")
	if i < 0 {
		if strings.HasSuffix(s, ":") {
			return s[:len(s)-1], "", true
		}
		return "", "", false
	}
	return s[:i], strings.TrimSpace(s[i+2:]), true
}

func (y *yparser) mapping(indent int) (any, error) {
	out := map[string]any{}
	for y.pos < len(y.lines) {
		l := y.lines[y.pos]
		if l.indent < indent {
			break
		}
		if l.indent > indent {
			return nil, fmt.Errorf("line %d: unexpected indentation", l.no)
		}
		k, v, ok := splitKey(l.text)
		if !ok {
			return nil, fmt.Errorf("line %d: expected key: value, got %q", l.no, l.text)
		}
		y.pos++
		switch {
		case v == "|" || v == ">":
			var parts []string
			for y.pos < len(y.lines) && y.lines[y.pos].indent > indent {
				parts = append(parts, y.lines[y.pos].text)
				y.pos++
			}
			out[k] = strings.Join(parts, "\n")
		case v != "":
			// A plain scalar may continue on more-indented lines.
			for y.pos < len(y.lines) && y.lines[y.pos].indent > indent && !strings.HasPrefix(v, "\"") {
				if _, _, isKey := splitKey(y.lines[y.pos].text); isKey {
					break
				}
				v += " " + y.lines[y.pos].text
				y.pos++
			}
			out[k] = scalar(v)
		default:
			if y.pos < len(y.lines) && (y.lines[y.pos].indent > indent || (y.lines[y.pos].indent == indent && strings.HasPrefix(y.lines[y.pos].text, "- "))) {
				val, err := y.block(y.lines[y.pos].indent)
				if err != nil {
					return nil, err
				}
				out[k] = val
			} else {
				out[k] = nil
			}
		}
	}
	return out, nil
}

func scalar(s string) any {
	if i := strings.Index(s, " #"); i >= 0 && !strings.HasPrefix(s, "\"") && !strings.HasPrefix(s, "'") {
		s = strings.TrimSpace(s[:i])
	}
	if len(s) >= 2 && (s[0] == '"' && s[len(s)-1] == '"' || s[0] == '\'' && s[len(s)-1] == '\'') {
		return s[1 : len(s)-1]
	}
	return s
}
