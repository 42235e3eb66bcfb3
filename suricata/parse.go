package suricata

import (
	"bufio"
	"bytes"
	"fmt"
	"sort"
	"strings"
)

// Refuser says who refuses a rule: Suricata itself (the rule is not valid
// Suricata), AWS Network Firewall (valid Suricata that ANF does not accept),
// or moat (valid, but moat does not implement it).
type Refuser string

// Refusers.
const (
	RefusedBySuricata        Refuser = "suricata"
	RefusedByNetworkFirewall Refuser = "network-firewall"
	UnsupportedByMoat        Refuser = "moat"
)

// Error is a rule that did not load: where, which keyword, and who refuses it.
type Error struct {
	File    string
	Line    int // 1-based line of the rule's first character
	Column  int // 1-based column of the offending keyword or header field
	SID     uint32
	Keyword string // the option keyword or header field ("action", "protocol", "source", ...)
	Message string
	By      Refuser
}

func (e *Error) Error() string {
	var b strings.Builder
	if e.File != "" {
		b.WriteString(e.File)
		b.WriteByte(':')
	}
	fmt.Fprintf(&b, "%d:%d: ", e.Line, e.Column)
	if e.SID != 0 {
		fmt.Fprintf(&b, "sid %d: ", e.SID)
	}
	if e.Keyword != "" {
		fmt.Fprintf(&b, "%s: ", e.Keyword)
	}
	b.WriteString(e.Message)
	switch e.By {
	case RefusedBySuricata:
		b.WriteString(" (refused by Suricata)")
	case RefusedByNetworkFirewall:
		b.WriteString(" (accepted by Suricata, refused by AWS Network Firewall)")
	case UnsupportedByMoat:
		b.WriteString(" (valid Suricata, not supported by moat)")
	}
	return b.String()
}

// Classification is one "config classification:" entry.
type Classification struct {
	Name, Description string
	Priority          int
}

// Config controls parsing.
type Config struct {
	// AddressVars and PortVars override and extend DefaultAddressVars and
	// DefaultPortVars (names without the "$").
	AddressVars map[string]string
	PortVars    map[string]string
	// Classifications maps classtype names to their description and
	// priority (see ParseClassification). Nil uses a built-in copy of the
	// classtypes Suricata ships.
	Classifications map[string]Classification
	// NetworkFirewall refuses what AWS Network Firewall refuses
	// (threshold, detection_filter, dataset, iprep, lua, file keywords, ...).
	NetworkFirewall bool
	// File names the source in errors.
	File string
}

// RuleSet is the outcome of parsing a rule file: the rules that loaded and an
// error for each one that did not. Nothing is dropped silently.
type RuleSet struct {
	Rules  []*Rule
	Errors []*Error
	// Lines counts rule lines seen (commented-out rules are not counted).
	Lines int
}

// Parse parses Suricata rule text: one rule per line, '#' comments, blank
// lines, and lines continued with a trailing backslash.
func Parse(src []byte, cfg *Config) *RuleSet {
	if cfg == nil {
		cfg = &Config{}
	}
	rs := &RuleSet{}
	sc := bufio.NewScanner(bytes.NewReader(src))
	sc.Buffer(make([]byte, 64*1024), 8*1024*1024)
	lineNo, start := 0, 0
	var pending strings.Builder
	for sc.Scan() {
		lineNo++
		line := sc.Text()
		if pending.Len() == 0 {
			start = lineNo
			t := strings.TrimSpace(line)
			if t == "" || t[0] == '#' {
				continue
			}
		}
		if strings.HasSuffix(line, "\\") {
			pending.WriteString(line[:len(line)-1])
			continue
		}
		pending.WriteString(line)
		text := pending.String()
		pending.Reset()
		rs.add(text, start, cfg)
	}
	if pending.Len() > 0 {
		rs.add(pending.String(), start, cfg)
	}
	if err := sc.Err(); err != nil {
		rs.Errors = append(rs.Errors, &Error{File: cfg.File, Line: lineNo + 1, Column: 1, Message: "reading rules: " + err.Error(), By: RefusedBySuricata})
	}
	return rs
}

func (rs *RuleSet) add(text string, line int, cfg *Config) {
	rs.Lines++
	r, err := ParseRule(text, cfg)
	if err != nil {
		e := err.(*Error)
		e.Line += line - 1
		rs.Errors = append(rs.Errors, e)
		return
	}
	r.Line = line
	rs.Rules = append(rs.Rules, r)
}

// ParseRule parses one rule. The error is always an *Error.
func ParseRule(text string, cfg *Config) (*Rule, error) {
	if cfg == nil {
		cfg = &Config{}
	}
	p := &ruleParser{cfg: cfg, text: text, r: &Rule{Text: strings.TrimSpace(text), GID: 1, Line: 1, needIcmpTy: -1}}
	if err := p.parse(); err != nil {
		err.File = cfg.File
		if err.SID == 0 {
			err.SID = p.r.SID
		}
		if err.Line == 0 {
			err.Line = 1
		}
		return nil, err
	}
	return p.r, nil
}

type ruleParser struct {
	cfg  *Config
	text string
	r    *Rule
	// sticky buffer state
	cur        Buffer
	curSet     bool
	transforms []string
	last       *Match // the last content or pcre, for modifiers
	lastKw     string
	col        int
	keyword    string
}

func (p *ruleParser) errf(by Refuser, format string, args ...any) *Error {
	return &Error{Line: 1, Column: p.col, Keyword: p.keyword, Message: fmt.Sprintf(format, args...), By: by}
}

type field struct {
	s   string
	col int
}

// headerFields splits the header into its seven fields, keeping brackets
// together and recording columns.
func headerFields(s string, base int) []field {
	var out []field
	i := 0
	for i < len(s) {
		for i < len(s) && (s[i] == ' ' || s[i] == '\t') {
			i++
		}
		if i >= len(s) {
			break
		}
		st, depth := i, 0
		for i < len(s) {
			c := s[i]
			if c == '[' {
				depth++
			} else if c == ']' {
				depth--
			} else if (c == ' ' || c == '\t') && depth <= 0 {
				break
			}
			i++
		}
		out = append(out, field{s: s[st:i], col: base + st + 1})
	}
	return out
}

func (p *ruleParser) parse() *Error {
	text := p.text
	open := strings.IndexByte(text, '(')
	if open < 0 {
		p.col = 1
		return p.errf(RefusedBySuricata, "no option list: a rule is \"action proto src sport dir dst dport (options)\"")
	}
	closeIdx := strings.LastIndexByte(text, ')')
	if closeIdx < open {
		p.col = open + 1
		p.keyword = "options"
		return p.errf(RefusedBySuricata, "option list has no closing parenthesis")
	}
	if rest := strings.TrimSpace(text[closeIdx+1:]); rest != "" {
		p.col = closeIdx + 2
		return p.errf(RefusedBySuricata, "text after the option list: %q", rest)
	}
	p.scanSID(text[open+1 : closeIdx])
	if err := p.header(headerFields(text[:open], 0)); err != nil {
		return err
	}
	if err := p.options(text[open+1:closeIdx], open+2); err != nil {
		return err
	}
	return p.finish()
}

func (p *ruleParser) header(f []field) *Error {
	names := []string{"action", "protocol", "source", "source port", "direction", "destination", "destination port"}
	if len(f) != 7 {
		p.col = 1
		if len(f) > 0 {
			p.col = f[0].col
		}
		p.keyword = "header"
		return p.errf(RefusedBySuricata, "header has %d fields, want 7 (action proto src sport -> dst dport)", len(f))
	}
	cfg := p.cfg
	addrVars, portVars := mergeVars(DefaultAddressVars, cfg.AddressVars), mergeVars(DefaultPortVars, cfg.PortVars)
	r := p.r
	for i, fl := range f {
		p.col, p.keyword = fl.col, names[i]
		var err error
		switch i {
		case 0:
			a, ok := actionNames[fl.s]
			if !ok {
				if fl.s == "accept" || fl.s == "config" {
					return p.errf(UnsupportedByMoat, "action %q (Suricata 8 firewall mode / config rules)", fl.s)
				}
				return p.errf(RefusedBySuricata, "unknown action %q (want alert, pass, drop, reject)", fl.s)
			}
			r.Action = a
			if cfg.NetworkFirewall && strings.HasPrefix(fl.s, "reject") && fl.s != "reject" {
				return p.errf(RefusedByNetworkFirewall, "action %q: Network Firewall supports only pass, drop, reject and alert", fl.s)
			}
		case 1:
			err = p.protocol(fl.s)
			if err != nil {
				return err.(*Error)
			}
		case 2:
			r.Src, err = parseAddr(fl.s, addrVars, 0)
		case 3:
			r.SrcPorts, err = parsePorts(fl.s, portVars, 0)
		case 4:
			switch fl.s {
			case "->":
			case "<>":
				r.Bidir = true
			case "=>":
				return p.errf(UnsupportedByMoat, "transactional direction \"=>\" (Suricata 8)")
			default:
				return p.errf(RefusedBySuricata, "direction %q: want -> or <>", fl.s)
			}
		case 5:
			r.Dst, err = parseAddr(fl.s, addrVars, 0)
		case 6:
			r.DstPorts, err = parsePorts(fl.s, portVars, 0)
		}
		if err != nil {
			return p.errf(RefusedBySuricata, "%v", err)
		}
	}
	return nil
}

func mergeVars(def, over map[string]string) map[string]string {
	if len(over) == 0 {
		return def
	}
	m := make(map[string]string, len(def)+len(over))
	for k, v := range def {
		m[k] = v
	}
	for k, v := range over {
		m[strings.TrimPrefix(k, "$")] = v
	}
	return m
}

var transportProtos = map[string]int{"ip": 0, "pkthdr": 0, "tcp": 6, "tcp-pkt": 6, "tcp-stream": 6, "udp": 17, "icmp": 1, "icmpv4": 1, "icmpv6": 58}

// appProtos maps app-layer protocol names to what moat parses; the others
// are accepted by Suricata but moat has no parser for them.
var appProtos = map[string]AppProto{"http": AppHTTP, "http1": AppHTTP, "tls": AppTLS, "dns": AppDNS, "smtp": AppSMTP, "smb": AppSMB, "ssh": AppSSH}

var otherAppProtos = map[string]bool{"ftp": true, "ftp-data": true, "dcerpc": true, "imap": true,
	"pop3": true, "msn": true, "krb5": true, "ikev2": true, "ike": true, "tftp": true, "ntp": true, "dhcp": true, "http2": true, "quic": true,
	"nfs": true, "snmp": true, "sip": true, "rfb": true, "mqtt": true, "modbus": true, "dnp3": true, "enip": true, "rdp": true, "bittorrent-dht": true,
	"telnet": true, "websocket": true, "ldap": true, "pgsql": true, "doh2": true, "sctp": true, "ssl": true}

func (p *ruleParser) protocol(s string) error {
	ls := strings.ToLower(s)
	r := p.r
	r.Protocol = Protocol(ls)
	if n, ok := transportProtos[ls]; ok {
		r.protoNum = n
		return nil
	}
	if a, ok := appProtos[ls]; ok {
		r.needApp = a
		r.protoNum = 6
		if a == AppDNS {
			r.protoNum = 0 // udp or tcp
		}
		return nil
	}
	if otherAppProtos[ls] {
		if p.cfg.NetworkFirewall && (ls == "sctp" || ls == "ikev2" || ls == "ike" || ls == "ftp-data") {
			return p.errf(RefusedByNetworkFirewall, "protocol %q is not supported by Network Firewall", s)
		}
		return p.errf(UnsupportedByMoat, "protocol %q: moat has no %s parser", s, ls)
	}
	return p.errf(RefusedBySuricata, "unknown protocol %q", s)
}

// splitOptions splits the option list on unescaped ';'.
func splitOptions(s string, base int) []field {
	var out []field
	start := 0
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '\\':
			i++
		case ';':
			out = append(out, field{s: s[start:i], col: base + start})
			start = i + 1
		}
	}
	if strings.TrimSpace(s[start:]) != "" {
		out = append(out, field{s: s[start:], col: base + start})
	}
	return out
}

// scanSID reads the sid first, so every error can name the rule.
func (p *ruleParser) scanSID(s string) {
	for _, o := range splitOptions(s, 0) {
		name, val, _ := strings.Cut(o.s, ":")
		if strings.TrimSpace(name) == "sid" {
			fmt.Sscanf(strings.TrimSpace(val), "%d", &p.r.SID)
		}
	}
}

func (p *ruleParser) options(s string, base int) *Error {
	opts := splitOptions(s, base)
	for _, o := range opts {
		lead := len(o.s) - len(strings.TrimLeft(o.s, " \t"))
		name, val, hasVal := strings.Cut(strings.TrimSpace(o.s), ":")
		name = strings.TrimSpace(name)
		val = strings.TrimSpace(val)
		p.col, p.keyword = o.col+lead, name
		if name == "" {
			return p.errf(RefusedBySuricata, "empty option")
		}
		kw, ok := keywords[name]
		if !ok {
			if why, ok := unsupported[name]; ok {
				return p.unsupportedKeyword(name, why)
			}
			return p.errf(RefusedBySuricata, "unknown rule keyword %q", name)
		}
		if kw.needsValue && !hasVal {
			return p.errf(RefusedBySuricata, "%s needs a value", name)
		}
		if kw.noValue && hasVal && val != "" {
			return p.errf(RefusedBySuricata, "%s takes no value", name)
		}
		if err := kw.fn(p, val); err != nil {
			if e, ok := err.(*Error); ok {
				return e
			}
			return p.errf(RefusedBySuricata, "%v", err)
		}
	}
	return nil
}

func (p *ruleParser) unsupportedKeyword(name string, why unsupportedWhy) *Error {
	if p.cfg.NetworkFirewall && why.anf {
		return p.errf(RefusedByNetworkFirewall, "not supported by Network Firewall (on its limitations list)")
	}
	return p.errf(UnsupportedByMoat, "%s", why.msg)
}

func (p *ruleParser) finish() *Error {
	r := p.r
	p.col, p.keyword = 1, "sid"
	if r.SID == 0 {
		return p.errf(RefusedBySuricata, "rule has no sid")
	}
	p.keyword = "flowbits"
	if err := checkFlowbits(r.Flowbits); err != "" {
		return p.errf(RefusedBySuricata, "%s", err)
	}
	if r.Priority == 0 {
		r.Priority = 3
	}
	for _, m := range r.Matches {
		if m.Buffer != BufPayload {
			r.usesBufs |= 1 << m.Buffer
			app := buffers[m.Buffer].app
			if r.needApp == AppUnknown {
				r.needApp = app
			} else if r.needApp != app {
				p.col, p.keyword = m.col, m.keyword
				return p.errf(RefusedBySuricata, "buffer %s (%s) in a %s rule", m.Buffer, app, r.needApp)
			}
		}
	}
	r.ipOnly = len(r.Matches) == 0 && !r.Flow.set && r.Threshold == nil && r.needIcmpTy < 0 && len(r.StreamSize) == 0 && len(r.Xbits) == 0 &&
		r.needApp == AppUnknown && r.protoNum == 0 && r.SrcPorts.any && r.DstPorts.any && onlySetFlowbits(r.Flowbits)
	r.fbType = flowbitsType(r.Flowbits)
	if t := xbitsType(r.Xbits); t < r.fbType {
		r.fbType = t
	}
	r.fastPat = pickFastPattern(r.Matches)
	return nil
}

func onlySetFlowbits(fb []Flowbit) bool {
	for _, f := range fb {
		if f.Cmd == "isset" || f.Cmd == "isnotset" {
			return false
		}
	}
	return true
}

// flowbitsType orders rules the way Suricata's signature ordering does:
// rules that only set flowbits run before rules that set and read, which run
// before rules that only read, then rules without flowbits.
func flowbitsType(fb []Flowbit) int {
	set, read := false, false
	for _, f := range fb {
		switch f.Cmd {
		case "set", "unset", "toggle":
			set = true
		case "isset", "isnotset":
			read = true
		}
	}
	switch {
	case set && !read:
		return 0
	case set && read:
		return 1
	case read:
		return 2
	}
	return 3
}

// xbitsType orders xbits setters before readers, as flowbits.
func xbitsType(xs []Xbit) int {
	fb := make([]Flowbit, len(xs))
	for i, x := range xs {
		fb[i] = Flowbit{Cmd: x.Cmd}
	}
	return flowbitsType(fb)
}

// checkFlowbits refuses the inconsequential combinations Suricata 9 reports.
func checkFlowbits(fb []Flowbit) string {
	cmds := map[string]map[string]bool{}
	for _, f := range fb {
		for _, n := range f.Names {
			if cmds[n] == nil {
				cmds[n] = map[string]bool{}
			}
			cmds[n][f.Cmd] = true
		}
	}
	names := make([]string, 0, len(cmds))
	for n := range cmds {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		c := cmds[n]
		switch {
		case c["set"] && c["isset"]:
			return "inconsequential flowbit command combination in the same signature: set and isset"
		case c["unset"] && c["isnotset"]:
			return "inconsequential flowbit command combination in the same signature: unset and isnotset"
		}
	}
	return ""
}

// pickFastPattern chooses the prefilter content: the one marked
// fast_pattern, else the longest positive content (ties: the first).
func pickFastPattern(ms []*Match) *Match {
	var best *Match
	for _, m := range ms {
		if m.Kind != KindContent || m.Negated || len(m.Transforms) > 0 {
			continue
		}
		if m.FastPattern {
			return m
		}
		if best == nil || len(m.Pattern) > len(best.Pattern) {
			best = m
		}
	}
	return best
}
