package suricata

import (
	"fmt"
	"regexp"
	"strings"
)

// pcreBufferFlags are Suricata's buffer-selecting pcre modifiers.
var pcreBufferFlags = map[byte]Buffer{
	'U': BufHTTPURI, 'I': BufHTTPRawURI, 'P': BufHTTPRequestBody, 'Q': BufHTTPResponseBody, 'H': BufHTTPHeader,
	'D': BufHTTPRawHeader, 'M': BufHTTPMethod, 'C': BufHTTPCookie, 'S': BufHTTPStatCode, 'Y': BufHTTPStatMsg,
	'V': BufHTTPUserAgent, 'W': BufHTTPHost, 'Z': BufHTTPRawHost,
}

func parsePCREOption(p *ruleParser, v string) error {
	m, err := compilePCRE(v)
	if err != nil {
		if pe, ok := err.(*pcreUnsupported); ok {
			return p.errf(UnsupportedByMoat, "unsupported PCRE feature: %s", pe.what)
		}
		return err
	}
	m.keyword, m.col = "pcre", p.col
	if m.Buffer == BufPayload {
		m.Buffer = p.cur
		m.Transforms = p.transforms
	} else if p.curSet && p.cur != m.Buffer {
		return fmt.Errorf("pcre buffer modifier selects %s inside sticky buffer %s", m.Buffer, p.cur)
	}
	p.r.Matches = append(p.r.Matches, m)
	p.last = m
	return nil
}

type pcreUnsupported struct{ what string }

func (e *pcreUnsupported) Error() string { return "unsupported PCRE feature: " + e.what }

// compilePCRE parses "/re/flags" (optionally negated with a leading '!')
// and translates it to a Go regexp where the semantics match.
func compilePCRE(v string) (*Match, error) {
	m := &Match{Kind: KindPCRE, Source: v}
	v = strings.TrimSpace(v)
	if strings.HasPrefix(v, "!") {
		m.Negated = true
		v = strings.TrimSpace(v[1:])
	}
	if len(v) >= 2 && v[0] == '"' && v[len(v)-1] == '"' {
		v = v[1 : len(v)-1]
	}
	v = strings.ReplaceAll(v, `\;`, ";")
	v = strings.ReplaceAll(v, `\"`, `"`)
	if len(v) < 2 || v[0] != '/' {
		return nil, fmt.Errorf("pcre must look like \"/regex/flags\"")
	}
	end := strings.LastIndexByte(v, '/')
	if end == 0 {
		return nil, fmt.Errorf("pcre has no closing /")
	}
	re, flags := v[1:end], v[end+1:]
	var goFlags strings.Builder
	extended, anchored := false, false
	for i := 0; i < len(flags); i++ {
		f := flags[i]
		switch f {
		case 'i', 's', 'm':
			goFlags.WriteByte(f)
		case 'x':
			extended = true
		case 'U', 'I', 'P', 'Q', 'H', 'D', 'M', 'C', 'S', 'Y', 'V', 'W', 'Z':
			if m.Buffer != BufPayload {
				return nil, fmt.Errorf("pcre has two buffer modifiers")
			}
			m.Buffer = pcreBufferFlags[f]
		case 'R':
			m.Relative = true
		case 'O', 'B':
			// O: override match limits (no limits in RE2); B: raw bytes (ignored, as in Suricata).
		case 'A':
			anchored = true
		case 'E':
			// PCRE_DOLLAR_ENDONLY: Go's $ without m is already end-of-text only.
		case 'G':
			goFlags.WriteByte('U')
		default:
			return nil, fmt.Errorf("unknown pcre modifier %q", f)
		}
	}
	if extended {
		re = stripExtended(re)
	}
	if err := checkPCREFeatures(re); err != nil {
		return nil, err
	}
	re = translatePCRE(re)
	if anchored {
		re = `\A(?:` + re + `)`
	}
	if goFlags.Len() > 0 {
		re = "(?" + goFlags.String() + ")" + re
	}
	rx, err := regexp.Compile(re)
	if err != nil {
		return nil, &pcreUnsupported{what: strings.TrimPrefix(err.Error(), "error parsing regexp: ")}
	}
	m.Regexp = rx
	return m, nil
}

// checkPCREFeatures refuses PCRE constructs RE2 lacks.
func checkPCREFeatures(re string) error {
	checks := []struct{ tok, what string }{
		{"(?=", "lookahead (?=...)"}, {"(?!", "negative lookahead (?!...)"}, {"(?<=", "lookbehind (?<=...)"},
		{"(?<!", "negative lookbehind (?<!...)"}, {"(?>", "atomic group (?>...)"}, {"(?(", "conditional group (?(...)"},
		{"(?R)", "recursion (?R)"}, {"(?|", "branch reset (?|...)"}, {`\G`, `\G`}, {`\K`, `\K`}, {"(*", "verb (*...)"},
	}
	for _, c := range checks {
		if strings.Contains(re, c.tok) {
			return &pcreUnsupported{what: c.what}
		}
	}
	inClass := false
	for i := 0; i < len(re); i++ {
		c := re[i]
		if c == '\\' && i+1 < len(re) {
			n := re[i+1]
			if !inClass && n >= '1' && n <= '9' {
				return &pcreUnsupported{what: fmt.Sprintf("backreference \\%c", n)}
			}
			if n == 'x' {
				if hi := hexEscapeValue(re[i+2:]); hi > 0x7f {
					return &pcreUnsupported{what: fmt.Sprintf("byte escape \\x%02x above 0x7f (Go's regexp matches UTF-8 runes, not bytes)", hi)}
				}
			}
			i++
			continue
		}
		if c == '[' && !inClass {
			inClass = true
			continue
		}
		if c == ']' && inClass {
			inClass = false
			continue
		}
		if !inClass && (c == '+') && i > 0 && strings.IndexByte("*+?}", re[i-1]) >= 0 && (i < 2 || re[i-2] != '\\') {
			return &pcreUnsupported{what: "possessive quantifier"}
		}
	}
	return nil
}

func hexEscapeValue(s string) int {
	if strings.HasPrefix(s, "{") {
		end := strings.IndexByte(s, '}')
		if end < 0 {
			return -1
		}
		var n int
		fmt.Sscanf(s[1:end], "%x", &n)
		return n
	}
	if len(s) >= 2 && isHex(s[0]) && isHex(s[1]) {
		var n int
		fmt.Sscanf(s[:2], "%x", &n)
		return n
	}
	return -1
}

// translatePCRE rewrites the PCRE spellings RE2 spells differently.
func translatePCRE(re string) string {
	if !strings.Contains(re, `\Z`) && !strings.Contains(re, `\h`) {
		return re
	}
	var b strings.Builder
	for i := 0; i < len(re); i++ {
		if re[i] == '\\' && i+1 < len(re) {
			switch re[i+1] {
			case 'Z':
				b.WriteString(`(?:\n?\z)`)
				i++
				continue
			case 'h':
				b.WriteString(`[ \t]`)
				i++
				continue
			}
			b.WriteByte(re[i])
			b.WriteByte(re[i+1])
			i++
			continue
		}
		b.WriteByte(re[i])
	}
	return b.String()
}

// stripExtended removes whitespace and # comments outside classes (PCRE /x).
func stripExtended(re string) string {
	var b strings.Builder
	inClass := false
	for i := 0; i < len(re); i++ {
		c := re[i]
		switch {
		case c == '\\' && i+1 < len(re):
			b.WriteByte(c)
			b.WriteByte(re[i+1])
			i++
		case inClass:
			if c == ']' {
				inClass = false
			}
			b.WriteByte(c)
		case c == '[':
			inClass = true
			b.WriteByte(c)
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
		case c == '#':
			for i < len(re) && re[i] != '\n' {
				i++
			}
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}
