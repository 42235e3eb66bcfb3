package policy

import (
	"strings"

	"github.com/moatdev/moat/policy/internal/glob"
)

// part is a piece of a string that may hold policy variables: literal tokens
// (wildcards already decided) or a variable resolved at evaluation time.
type part struct {
	toks   []glob.Token // literal part (may contain wildcard tokens)
	key    string       // variable: lower-cased context key
	def    string       // default value
	hasDef bool
}

// template is a string with policy variables, compiled.
type template struct {
	parts []part
}

// hasVars reports whether s contains something that looks like a variable.
func hasVars(s string) bool { return strings.Contains(s, "${") }

// parseTemplate splits s into literal and variable parts. wildcards says
// whether '*' and '?' in literal text are wildcards (arn selects the ARN
// dialect). Escapes ${*} ${?} ${$} become literal characters.
func parseTemplate(s string, wildcards, arn bool) template {
	var t template
	lit := func(text string) {
		if text == "" {
			return
		}
		var toks []glob.Token
		if wildcards {
			toks = glob.Tokens(text, arn)
		} else {
			toks = []glob.Token(text)
		}
		t.parts = append(t.parts, part{toks: toks})
	}
	for {
		i := strings.Index(s, "${")
		if i < 0 {
			lit(s)
			return t
		}
		j := strings.IndexByte(s[i:], '}')
		if j < 0 {
			lit(s)
			return t
		}
		lit(s[:i])
		body := s[i+2 : i+j]
		s = s[i+j+1:]
		switch body {
		case "*", "?", "$":
			t.parts = append(t.parts, part{toks: []glob.Token{rune(body[0])}})
			continue
		}
		key, def, hasDef := splitDefault(body)
		t.parts = append(t.parts, part{key: strings.ToLower(key), def: def, hasDef: hasDef})
	}
}

// splitDefault splits "key, 'default'" into its parts.
func splitDefault(body string) (key, def string, ok bool) {
	c := strings.IndexByte(body, ',')
	if c < 0 {
		return strings.TrimSpace(body), "", false
	}
	rest := strings.TrimSpace(body[c+1:])
	if len(rest) >= 2 && rest[0] == '\'' && rest[len(rest)-1] == '\'' {
		return strings.TrimSpace(body[:c]), rest[1 : len(rest)-1], true
	}
	return strings.TrimSpace(body), "", false
}

// resolve returns a variable part's value, or false when unresolved.
func (p *part) resolve(ctx *Context) (string, bool) {
	v, ok := ctx.get(p.key)
	if ok && !v.multi && len(v.values) == 1 {
		return v.values[0], true
	}
	if !ok && p.hasDef {
		return p.def, true
	}
	return "", false
}

// expandTokens appends the template's tokens to buf; substituted text is literal.
func (t *template) expandTokens(ctx *Context, buf []glob.Token) ([]glob.Token, bool) {
	for i := range t.parts {
		p := &t.parts[i]
		if p.toks != nil {
			buf = append(buf, p.toks...)
			continue
		}
		v, ok := p.resolve(ctx)
		if !ok {
			return buf, false
		}
		for _, r := range v {
			buf = append(buf, r)
		}
	}
	return buf, true
}

// expandBytes appends the template's text to buf (for templates without wildcards).
func (t *template) expandBytes(ctx *Context, buf []byte) ([]byte, bool) {
	for i := range t.parts {
		p := &t.parts[i]
		if p.toks != nil {
			for _, r := range p.toks {
				buf = appendRune(buf, r)
			}
			continue
		}
		v, ok := p.resolve(ctx)
		if !ok {
			return buf, false
		}
		buf = append(buf, v...)
	}
	return buf, true
}

func appendRune(b []byte, r rune) []byte {
	if r < 0x80 {
		return append(b, byte(r))
	}
	return append(b, string(r)...)
}
