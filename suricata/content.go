package suricata

import (
	"bytes"
	"fmt"
	"strconv"
	"strings"
)

// decodeContent decodes a content value: quotes, escapes (\" \; \\ \:) and
// |hex| blocks. A leading '!' negates.
func decodeContent(v string) (pat []byte, neg bool, err error) {
	v = strings.TrimSpace(v)
	if strings.HasPrefix(v, "!") {
		neg = true
		v = strings.TrimSpace(v[1:])
	}
	if len(v) < 2 || v[0] != '"' || v[len(v)-1] != '"' {
		return nil, neg, fmt.Errorf("content must be a quoted string, got %s", v)
	}
	v = v[1 : len(v)-1]
	inHex := false
	var hex []byte
	for i := 0; i < len(v); i++ {
		c := v[i]
		if inHex {
			switch {
			case c == '|':
				inHex = false
				if len(hex)%2 != 0 {
					return nil, neg, fmt.Errorf("odd number of hex digits in |...| block")
				}
				for j := 0; j < len(hex); j += 2 {
					b, _ := strconv.ParseUint(string(hex[j:j+2]), 16, 8)
					pat = append(pat, byte(b))
				}
				hex = hex[:0]
			case c == ' ' || c == '\t':
			case isHex(c):
				hex = append(hex, c)
			default:
				return nil, neg, fmt.Errorf("bad character %q in hex block", c)
			}
			continue
		}
		switch c {
		case '|':
			inHex = true
		case '\\':
			if i+1 >= len(v) {
				return nil, neg, fmt.Errorf("content ends with a lone backslash")
			}
			i++
			switch v[i] {
			case '"', ';', '\\', ':', '|':
				pat = append(pat, v[i])
			default:
				return nil, neg, fmt.Errorf("bad escape \\%c in content (escape only \" ; : \\ |)", v[i])
			}
		case '"':
			return nil, neg, fmt.Errorf("unescaped quote in content")
		case ';':
			return nil, neg, fmt.Errorf("unescaped ; in content")
		default:
			pat = append(pat, c)
		}
	}
	if inHex {
		return nil, neg, fmt.Errorf("unterminated hex block (missing |)")
	}
	if len(pat) == 0 {
		return nil, neg, fmt.Errorf("empty content")
	}
	return pat, neg, nil
}

func isHex(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F'
}

func parseContent(p *ruleParser, v string) error {
	pat, neg, err := decodeContent(v)
	if err != nil {
		return err
	}
	m := &Match{Kind: KindContent, Buffer: p.cur, Pattern: pat, Negated: neg, keyword: "content", col: p.col, Transforms: p.transforms}
	p.r.Matches = append(p.r.Matches, m)
	p.last = m
	return p.checkLowered(m)
}

func (p *ruleParser) lastContent(kw string) (*Match, error) {
	if p.last == nil || p.last.Kind != KindContent {
		return nil, fmt.Errorf("%s must follow a content", kw)
	}
	return p.last, nil
}

func contentFlag(p *ruleParser, name, v string) error {
	m, err := p.lastContent(name)
	if err != nil {
		return err
	}
	switch name {
	case "nocase":
		m.Nocase = true
		m.lower = bytes.ToLower(m.Pattern)
	case "startswith":
		if m.Depth != 0 || m.Offset != 0 || m.Relative {
			return fmt.Errorf("startswith cannot be combined with depth, offset, distance or within")
		}
		m.StartsWith = true
		m.Depth = len(m.Pattern)
	case "endswith":
		m.EndsWith = true
	case "fast_pattern":
		if v != "" && v != "only" && !strings.Contains(v, ",") {
			return fmt.Errorf("fast_pattern %q: want no value, only, or offset,length", v)
		}
		m.FastPattern = true
	}
	return nil
}

func contentNum(p *ruleParser, name, v string) error {
	m, err := p.lastContent(name)
	if err != nil {
		return err
	}
	n, err := strconv.Atoi(strings.TrimSpace(v))
	if err != nil {
		return fmt.Errorf("%s %q: want a number (byte_extract variables are not supported)", name, v)
	}
	if n < 0 && name != "distance" {
		return fmt.Errorf("%s %d: must not be negative", name, n)
	}
	if m.StartsWith {
		return fmt.Errorf("%s cannot be combined with startswith", name)
	}
	switch name {
	case "depth":
		if n < len(m.Pattern) {
			return fmt.Errorf("depth %d is shorter than the content (%d bytes)", n, len(m.Pattern))
		}
		m.Depth = n
	case "offset":
		m.Offset = n
	case "distance":
		m.Distance, m.hasDist, m.Relative = n, true, true
	case "within":
		if n < len(m.Pattern) {
			return fmt.Errorf("within %d is shorter than the content (%d bytes)", n, len(m.Pattern))
		}
		m.Within, m.hasWithin, m.Relative = n, true, true
	}
	if m.Relative && (m.Depth != 0 || m.Offset != 0) {
		return fmt.Errorf("%s: relative (distance/within) and absolute (offset/depth) modifiers on one content", name)
	}
	return nil
}

// indexFold finds pat (already lower-case) in b case-insensitively.
func indexFold(b, lpat []byte) int {
	n := len(lpat)
	if n == 0 {
		return 0
	}
	first := lpat[0]
	up := first
	if first >= 'a' && first <= 'z' {
		up = first - 32
	}
	for i := 0; i+n <= len(b); i++ {
		c := b[i]
		if c != first && c != up {
			j := bytes.IndexByte(b[i+1:], first)
			k := -1
			if up != first {
				k = bytes.IndexByte(b[i+1:], up)
			}
			if j < 0 || (k >= 0 && k < j) {
				j = k
			}
			if j < 0 {
				return -1
			}
			i += j
			continue
		}
		if equalFold(b[i:i+n], lpat) {
			return i
		}
	}
	return -1
}

func equalFold(b, lpat []byte) bool {
	for i, c := range b {
		if c >= 'A' && c <= 'Z' {
			c += 32
		}
		if c != lpat[i] {
			return false
		}
	}
	return true
}

// find returns the first position >= from where the content occurs.
func (m *Match) find(buf []byte, from int) int {
	if from > len(buf) {
		return -1
	}
	var i int
	if m.Nocase {
		i = indexFold(buf[from:], m.lower)
	} else {
		i = bytes.Index(buf[from:], m.Pattern)
	}
	if i < 0 {
		return -1
	}
	return from + i
}

var defaultClassifications = map[string]Classification{}

func init() {
	// The classtypes of Suricata's classification.config.
	for _, l := range strings.Split(builtinClassification, "\n") {
		if c, ok := parseClassificationLine(l); ok {
			defaultClassifications[c.Name] = c
		}
	}
}

// ParseClassification parses a classification.config file.
func ParseClassification(src []byte) (map[string]Classification, error) {
	out := map[string]Classification{}
	for i, l := range strings.Split(string(src), "\n") {
		t := strings.TrimSpace(l)
		if t == "" || t[0] == '#' {
			continue
		}
		c, ok := parseClassificationLine(t)
		if !ok {
			return out, fmt.Errorf("classification.config line %d: want \"config classification: name,description,priority\"", i+1)
		}
		out[c.Name] = c
	}
	return out, nil
}

func parseClassificationLine(l string) (Classification, bool) {
	rest, ok := strings.CutPrefix(strings.TrimSpace(l), "config classification:")
	if !ok {
		return Classification{}, false
	}
	parts := strings.Split(rest, ",")
	if len(parts) < 3 {
		return Classification{}, false
	}
	pr, err := strconv.Atoi(strings.TrimSpace(parts[len(parts)-1]))
	if err != nil {
		return Classification{}, false
	}
	return Classification{Name: strings.TrimSpace(parts[0]), Description: strings.TrimSpace(strings.Join(parts[1:len(parts)-1], ",")), Priority: pr}, true
}

const builtinClassification = `config classification: not-suspicious,Not Suspicious Traffic,3
config classification: unknown,Unknown Traffic,3
config classification: bad-unknown,Potentially Bad Traffic, 2
config classification: attempted-recon,Attempted Information Leak,2
config classification: successful-recon-limited,Information Leak,2
config classification: successful-recon-largescale,Large Scale Information Leak,2
config classification: attempted-dos,Attempted Denial of Service,2
config classification: successful-dos,Denial of Service,2
config classification: attempted-user,Attempted User Privilege Gain,1
config classification: unsuccessful-user,Unsuccessful User Privilege Gain,1
config classification: successful-user,Successful User Privilege Gain,1
config classification: attempted-admin,Attempted Administrator Privilege Gain,1
config classification: successful-admin,Successful Administrator Privilege Gain,1
config classification: rpc-portmap-decode,Decode of an RPC Query,2
config classification: shellcode-detect,Executable code was detected,1
config classification: string-detect,A suspicious string was detected,3
config classification: suspicious-filename-detect,A suspicious filename was detected,2
config classification: suspicious-login,An attempted login using a suspicious username was detected,2
config classification: system-call-detect,A system call was detected,2
config classification: tcp-connection,A TCP connection was detected,4
config classification: trojan-activity,A Network Trojan was detected, 1
config classification: unusual-client-port-connection,A client was using an unusual port,2
config classification: network-scan,Detection of a Network Scan,3
config classification: denial-of-service,Detection of a Denial of Service Attack,2
config classification: non-standard-protocol,Detection of a non-standard protocol or event,2
config classification: protocol-command-decode,Generic Protocol Command Decode,3
config classification: web-application-activity,access to a potentially vulnerable web application,2
config classification: web-application-attack,Web Application Attack,1
config classification: misc-activity,Misc activity,3
config classification: misc-attack,Misc Attack,2
config classification: icmp-event,Generic ICMP event,3
config classification: inappropriate-content,Inappropriate Content was Detected,1
config classification: policy-violation,Potential Corporate Privacy Violation,1
config classification: default-login-attempt,Attempt to login by a default username and password,2
config classification: targeted-activity,Targeted Malicious Activity was Detected,1
config classification: exploit-kit,Exploit Kit Activity Detected,1
config classification: external-ip-check,Device Retrieving External IP Address Detected,2
config classification: domain-c2,Domain Observed Used for C2 Detected,1
config classification: pup-activity,Possibly Unwanted Program Detected,2
config classification: credential-theft,Successful Credential Theft Detected,1
config classification: social-engineering,Possible Social Engineering Attempted,2
config classification: coin-mining,Crypto Currency Mining Activity Detected,2
config classification: command-and-control,Malware Command and Control Activity Detected,1`
