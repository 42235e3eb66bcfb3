package suricata

import (
	"fmt"
	"strconv"
	"strings"
)

type keyword struct {
	fn         func(p *ruleParser, val string) error
	needsValue bool
	noValue    bool
}

type unsupportedWhy struct {
	msg string
	anf bool // also on Network Firewall's "not supported" list
}

// keywords is the registry of option keywords moat implements, keyed by the
// exact Suricata name.
var keywords = map[string]keyword{}

func register(name string, kw keyword) {
	if _, dup := keywords[name]; dup {
		panic("suricata: duplicate keyword " + name)
	}
	keywords[name] = kw
}

// unsupported lists keywords Suricata knows that moat does not implement;
// anf marks those AWS Network Firewall's limitations page also refuses.
var unsupported = map[string]unsupportedWhy{
	"dataset":              {"datasets are not implemented", true},
	"datarep":              {"datasets are not implemented", true},
	"iprep":                {"IP reputation is not implemented", true},
	"lua":                  {"Lua scripts are not implemented", true},
	"luajit":               {"Lua scripts are not implemented", true},
	"filestore":            {"file extraction is not implemented", true},
	"filemagic":            {"file keywords are not implemented", true},
	"file.magic":           {"file keywords are not implemented", true},
	"filename":             {"file keywords are not implemented", true},
	"file.name":            {"file keywords are not implemented", true},
	"fileext":              {"file keywords are not implemented", true},
	"filemd5":              {"file keywords are not implemented", true},
	"filesha1":             {"file keywords are not implemented", true},
	"filesha256":           {"file keywords are not implemented", true},
	"filesize":             {"file keywords are not implemented", true},
	"cip_service":          {"ENIP/CIP keywords are not implemented", true},
	"enip_command":         {"ENIP/CIP keywords are not implemented", true},
	"geoip":                {"GeoIP is not implemented", true},
	"byte_extract":         {"byte_extract is not implemented", false},
	"byte_math":            {"byte_math is not implemented", false},
	"base64_decode":        {"base64_decode is not implemented", false},
	"base64_data":          {"base64_data is not implemented", false},
	"flowint":              {"flowint is not implemented", false},
	"asn1":                 {"asn1 is not implemented", false},
	"tls.version":          {"tls.version (a version comparison keyword) is not implemented", false},
	"tls.subject":          {"tls.subject is not implemented (use tls.cert_subject)", false},
	"tls.issuerdn":         {"tls.issuerdn is not implemented (use tls.cert_issuer)", false},
	"tls.fingerprint":      {"tls.fingerprint is not implemented (use tls.cert_fingerprint)", false},
	"tls.store":            {"tls.store is not implemented", false},
	"tls_cert_notafter":    {"certificate checks are not implemented", false},
	"tls_cert_expired":     {"certificate checks are not implemented", false},
	"ssl_state":            {"ssl_state is not implemented", false},
	"ssl_version":          {"ssl_version is not implemented", false},
	"ja3s.hash":            {"ServerHello parsing is not implemented", false},
	"ja3s.string":          {"ServerHello parsing is not implemented", false},
	"ja4.hash":             {"ja4 is not implemented", false},
	"dns.opcode":           {"dns.opcode is not implemented", false},
	"dns.answer.name":      {"DNS answers are not matched", false},
	"tag":                  {"tagging is not implemented", false},
	"ttl":                  {"ttl is not implemented", false},
	"tos":                  {"tos is not implemented", false},
	"id":                   {"id is not implemented", false},
	"fragbits":             {"fragbits is not implemented", false},
	"fragoffset":           {"fragoffset is not implemented", false},
	"ipopts":               {"ipopts is not implemented", false},
	"seq":                  {"seq is not implemented", false},
	"ack":                  {"ack is not implemented", false},
	"window":               {"window is not implemented", false},
	"flags":                {"TCP flags matching is not implemented", false},
	"tcp.flags":            {"TCP flags matching is not implemented", false},
	"icode":                {"icode is not implemented", false},
	"icmp_id":              {"icmp_id is not implemented", false},
	"icmp_seq":             {"icmp_seq is not implemented", false},
	"app-layer-event":      {"app-layer-event is not implemented", false},
	"app-layer-protocol":   {"app-layer-protocol is not implemented", false},
	"decode-event":         {"decode-event is not implemented", false},
	"stream-event":         {"stream-event is not implemented", false},
	"pcre2":                {"unknown", false},
	"http.uri.len":         {"http.uri.len is not implemented", false},
	"rawbytes":             {"rawbytes is not implemented", false},
	"replace":              {"replace is not implemented", false},
	"noalert_flow":         {"unknown", false},
	"entropy":              {"entropy is not implemented", false},
	"from_base64":          {"from_base64 is not implemented", false},
	"pcrexform":            {"pcrexform is not implemented", false},
	"xor":                  {"xor is not implemented", false},
	"http.header.raw":      {"raw header matching is not implemented", false},
	"smtp.helo":            {"SMTP parsing is not implemented", false},
	"ssh.proto":            {"SSH parsing is not implemented", false},
	"ssh.software":         {"SSH parsing is not implemented", false},
	"ssh_proto":            {"SSH parsing is not implemented", false},
	"smb.share":            {"SMB parsing is not implemented", false},
	"dce_iface":            {"DCERPC parsing is not implemented", false},
	"dce_opnum":            {"DCERPC parsing is not implemented", false},
	"dce_stub_data":        {"DCERPC parsing is not implemented", false},
	"krb5_cname":           {"Kerberos parsing is not implemented", false},
	"http.request_header":  {"http.request_header is not implemented", false},
	"http.response_header": {"http.response_header is not implemented", false},
	"prefilter":            {"prefilter is not implemented", false},
	"requires":             {"requires is not implemented", false},
}

func init() {
	meta := func(fn func(p *ruleParser, v string) error) keyword { return keyword{fn: fn, needsValue: true} }
	register("msg", meta(func(p *ruleParser, v string) error {
		s, err := unquote(v)
		p.r.Msg = s
		return err
	}))
	register("sid", meta(func(p *ruleParser, v string) error { return parseUint(v, &p.r.SID) }))
	register("rev", meta(func(p *ruleParser, v string) error { return parseUint(v, &p.r.Rev) }))
	register("gid", meta(func(p *ruleParser, v string) error { return parseUint(v, &p.r.GID) }))
	register("priority", meta(func(p *ruleParser, v string) error {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 255 {
			return fmt.Errorf("priority %q: want 1..255", v)
		}
		p.r.Priority = n
		return nil
	}))
	register("classtype", meta(func(p *ruleParser, v string) error {
		cls := p.cfg.Classifications
		if cls == nil {
			cls = defaultClassifications
		}
		c, ok := cls[v]
		if !ok {
			return fmt.Errorf("unknown classtype %q (not in classification.config)", v)
		}
		p.r.Classtype, p.r.Category = v, c.Description
		if p.r.Priority == 0 {
			p.r.Priority = c.Priority
		}
		return nil
	}))
	register("metadata", meta(func(p *ruleParser, v string) error {
		for _, m := range strings.Split(v, ",") {
			p.r.Metadata = append(p.r.Metadata, strings.TrimSpace(m))
		}
		return nil
	}))
	register("reference", meta(func(p *ruleParser, v string) error { p.r.Reference = append(p.r.Reference, v); return nil }))
	register("target", meta(func(p *ruleParser, v string) error {
		if v != "src_ip" && v != "dest_ip" {
			return fmt.Errorf("target %q: want src_ip or dest_ip", v)
		}
		p.r.Target = v
		return nil
	}))
	register("flow", meta(parseFlow))
	register("flowbits", meta(parseFlowbits))
	register("threshold", meta(func(p *ruleParser, v string) error { return parseThreshold(p, "threshold", v) }))
	register("detection_filter", meta(func(p *ruleParser, v string) error { return parseThreshold(p, "detection_filter", v) }))
	register("content", meta(parseContent))
	register("uricontent", meta(func(p *ruleParser, v string) error {
		if err := parseContent(p, v); err != nil {
			return err
		}
		p.last.Buffer = BufHTTPURI
		return nil
	}))
	register("pcre", meta(parsePCREOption))
	for _, m := range []string{"nocase", "startswith", "endswith", "fast_pattern"} {
		name := m
		register(name, keyword{fn: func(p *ruleParser, v string) error { return contentFlag(p, name, v) }, noValue: name != "fast_pattern"})
	}
	for _, m := range []string{"depth", "offset", "distance", "within"} {
		name := m
		register(name, meta(func(p *ruleParser, v string) error { return contentNum(p, name, v) }))
	}
	register("bsize", meta(func(p *ruleParser, v string) error { return sizeMatch(p, KindBsize, v) }))
	register("dsize", meta(func(p *ruleParser, v string) error { return sizeMatch(p, KindDsize, v) }))
	register("urilen", meta(func(p *ruleParser, v string) error { return sizeMatch(p, KindUrilen, v) }))
	register("isdataat", meta(parseIsdataat))
	register("itype", meta(func(p *ruleParser, v string) error {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 || n > 255 {
			return fmt.Errorf("itype %q: only an exact type number is supported", v)
		}
		p.r.needIcmpTy = n
		return nil
	}))
	register("stream_size", meta(parseStreamSize))
	register("ip_proto", meta(parseIPProto))
	register("xbits", meta(parseXbits))
	register("byte_test", meta(func(p *ruleParser, v string) error { return parseByteOp(p, KindByteTest, v) }))
	register("byte_jump", meta(func(p *ruleParser, v string) error { return parseByteOp(p, KindByteJump, v) }))
	register("noalert", keyword{fn: func(p *ruleParser, _ string) error { p.r.NoAlert = true; return nil }, noValue: true})
	for _, t := range []string{"dotprefix", "to_lowercase", "to_uppercase", "strip_whitespace", "compress_whitespace", "url_decode", "strip_pseudo_headers"} {
		name := t
		register(name, keyword{fn: func(p *ruleParser, _ string) error {
			if !p.curSet {
				return fmt.Errorf("transform %s must follow a sticky buffer", name)
			}
			p.transforms = append(p.transforms, name)
			return nil
		}, noValue: true})
	}
	register("pkt_data", keyword{fn: func(p *ruleParser, _ string) error {
		p.cur, p.curSet, p.transforms = BufPayload, false, nil
		return nil
	}, noValue: true})
	for i := Buffer(1); i < NumBuffers; i++ {
		b := i
		info := buffers[b]
		if b == BufTLSVersion {
			continue // tls.version is a comparison keyword in Suricata, not a buffer
		}
		register(info.name, keyword{fn: func(p *ruleParser, _ string) error { p.sticky(b); return nil }, noValue: true})
		if info.legacy == "" {
			continue
		}
		switch info.legacy {
		case "tls_sni", "dns_query", "ja3_hash", "ja3_string", "tls_cert_subject", "tls_cert_issuer", "tls_cert_serial", "tls_cert_fingerprint":
			// Keywords that act as sticky buffers in current Suricata.
			register(info.legacy, keyword{fn: func(p *ruleParser, _ string) error { p.sticky(b); return nil }, noValue: true})
		default:
			register(info.legacy, keyword{fn: func(p *ruleParser, _ string) error { return p.legacyModifier(b) }, noValue: true})
		}
	}
	// Aliases Suricata accepts.
	aliases := map[string]Buffer{"http.uri.raw": BufHTTPRawURI, "http.raw_uri": BufHTTPRawURI, "http_user_agent": BufHTTPUserAgent,
		"http.host.raw": BufHTTPRawHost, "http.client_body": BufHTTPRequestBody, "http.server_body": BufHTTPResponseBody,
		"http_request_line": BufHTTPRequestLine, "http_response_line": BufHTTPResponseLine, "http_content_type": BufHTTPContentType,
		"http_content_len": BufHTTPContentLen, "http_protocol": BufHTTPProtocol, "http_header_names": BufHTTPHeaderNames,
		"http_referer": BufHTTPReferer, "http_accept": BufHTTPAccept, "http_connection": BufHTTPConnection, "http_start": BufHTTPStart,
		"http.cookie": BufHTTPCookie, "http_accept_enc": BufHTTPAcceptEnc, "http_accept_lang": BufHTTPAcceptLang,
		// file.data inspects HTTP response bodies only in moat (Suricata
		// also covers request bodies and other protocols' files).
		"file.data": BufHTTPResponseBody, "file_data": BufHTTPResponseBody}
	for name, b := range aliases {
		if _, ok := keywords[name]; ok {
			continue
		}
		bb := b
		register(name, keyword{fn: func(p *ruleParser, _ string) error { p.sticky(bb); return nil }, noValue: true})
	}
}

func (p *ruleParser) sticky(b Buffer) {
	p.cur, p.curSet, p.transforms = b, true, nil
}

// legacyModifier moves the preceding content to buffer b (http_uri etc.).
func (p *ruleParser) legacyModifier(b Buffer) error {
	if p.last == nil || p.last.Kind != KindContent {
		return fmt.Errorf("%s must follow a content", p.keyword)
	}
	if p.curSet {
		return fmt.Errorf("%s cannot modify a content in sticky buffer %s", p.keyword, p.last.Buffer)
	}
	p.last.Buffer = b
	return p.checkLowered(p.last)
}

func (p *ruleParser) checkLowered(m *Match) error {
	if !buffers[m.Buffer].lowered || m.Nocase {
		return nil
	}
	for _, c := range m.Pattern {
		if c >= 'A' && c <= 'Z' {
			return &Error{Line: 1, Column: m.col, Keyword: "content", By: RefusedBySuricata,
				Message: fmt.Sprintf("rule %d: A pattern with uppercase characters detected for %s. The hostname buffer is normalized to lowercase, please specify a lowercase pattern.", p.r.SID, m.Buffer)}
		}
	}
	return nil
}

func parseUint(v string, dst *uint32) error {
	n, err := strconv.ParseUint(strings.TrimSpace(v), 10, 32)
	if err != nil {
		return fmt.Errorf("%q is not a number", v)
	}
	*dst = uint32(n)
	return nil
}

// unquote removes surrounding quotes and Suricata's escapes (\" \; \\ \:).
func unquote(v string) (string, error) {
	if len(v) >= 2 && v[0] == '"' && v[len(v)-1] == '"' {
		v = v[1 : len(v)-1]
	} else if strings.HasPrefix(v, "\"") {
		return "", fmt.Errorf("unterminated string %s", v)
	}
	if !strings.Contains(v, "\\") {
		return v, nil
	}
	var b strings.Builder
	for i := 0; i < len(v); i++ {
		if v[i] == '\\' && i+1 < len(v) {
			i++
		}
		b.WriteByte(v[i])
	}
	return b.String(), nil
}

func parseFlow(p *ruleParser, v string) error {
	f := &p.r.Flow
	f.set = true
	for _, o := range strings.Split(v, ",") {
		switch strings.TrimSpace(o) {
		case "to_server", "from_client":
			f.ToServer = true
		case "to_client", "from_server":
			f.ToClient = true
		case "established":
			f.Established = true
		case "not_established":
			f.NotEstablished = true
		case "stateless":
			f.Stateless = true
		case "only_stream":
			f.OnlyStream = true
		case "no_stream":
			f.NoStream = true
		case "only_frag", "no_frag":
		default:
			return fmt.Errorf("flow option %q: want to_server, to_client, established, not_established, stateless, only_stream or no_stream", strings.TrimSpace(o))
		}
	}
	if f.ToServer && f.ToClient {
		return fmt.Errorf("flow cannot be both to_server and to_client")
	}
	if f.Established && f.NotEstablished {
		return fmt.Errorf("flow cannot be both established and not_established")
	}
	return nil
}

func parseFlowbits(p *ruleParser, v string) error {
	cmd, names, _ := strings.Cut(v, ",")
	cmd, names = strings.TrimSpace(cmd), strings.TrimSpace(names)
	switch cmd {
	case "noalert":
		p.r.NoAlert = true
		return nil
	case "set", "unset", "toggle", "isset", "isnotset":
	default:
		return fmt.Errorf("flowbits command %q: want set, isset, isnotset, unset, toggle or noalert", cmd)
	}
	if names == "" {
		return fmt.Errorf("flowbits:%s needs a flowbit name", cmd)
	}
	fb := Flowbit{Cmd: cmd}
	sep := "|"
	if strings.Contains(names, "&") {
		sep, fb.And = "&", true
	}
	for _, n := range strings.Split(names, sep) {
		n = strings.TrimSpace(n)
		if n == "" || strings.ContainsAny(n, " \t|&") {
			return fmt.Errorf("bad flowbit name %q", n)
		}
		fb.Names = append(fb.Names, n)
	}
	if len(fb.Names) > 1 && cmd != "isset" && cmd != "isnotset" && !fb.And {
		return fmt.Errorf("flowbits:%s takes one name; \"|\" is only for isset and isnotset", cmd)
	}
	p.r.Flowbits = append(p.r.Flowbits, fb)
	return nil
}

func parseThreshold(p *ruleParser, kw, v string) error {
	if p.cfg.NetworkFirewall {
		return p.errf(RefusedByNetworkFirewall, "not supported by Network Firewall (thresholding is on its limitations list)")
	}
	t := &Threshold{Keyword: kw, Type: kw}
	for _, part := range strings.Split(v, ",") {
		k, val, _ := strings.Cut(strings.TrimSpace(part), " ")
		val = strings.TrimSpace(val)
		switch k {
		case "type":
			if kw == "detection_filter" {
				return fmt.Errorf("detection_filter takes no type")
			}
			switch val {
			case "limit", "threshold", "both", "backoff":
				t.Type = val
			default:
				return fmt.Errorf("threshold type %q: want limit, threshold, both or backoff", val)
			}
		case "track":
			switch val {
			case "by_src", "by_dst", "by_rule", "by_both", "by_flow":
				t.Track = val
			default:
				return fmt.Errorf("track %q: want by_src, by_dst, by_rule, by_both or by_flow", val)
			}
		case "count":
			n, err := strconv.Atoi(val)
			if err != nil || n < 1 {
				return fmt.Errorf("count %q: want a positive number", val)
			}
			t.Count = n
		case "seconds":
			n, err := strconv.Atoi(val)
			if err != nil || n < 0 {
				return fmt.Errorf("seconds %q: want a number", val)
			}
			t.Seconds = n
		case "multiplier":
			n, err := strconv.Atoi(val)
			if err != nil || n < 1 {
				return fmt.Errorf("multiplier %q: want a positive number", val)
			}
			t.Multiplier = n
		default:
			return fmt.Errorf("%s option %q: want type, track, count, seconds", kw, k)
		}
	}
	if t.Track == "" || t.Count == 0 || (t.Type != "backoff" && t.Seconds == 0 && t.Type != "detection_filter") {
		return fmt.Errorf("%s needs track, count and seconds", kw)
	}
	if kw == "threshold" && t.Type == "" {
		return fmt.Errorf("threshold needs a type")
	}
	if p.r.Threshold != nil {
		return fmt.Errorf("only one threshold or detection_filter per rule")
	}
	p.r.Threshold = t
	return nil
}

func sizeMatch(p *ruleParser, kind MatchKind, v string) error {
	c, err := parseRange(v)
	if err != nil {
		return fmt.Errorf("%s %q: %v", p.keyword, v, err)
	}
	m := &Match{Kind: kind, Cmp: c, keyword: p.keyword, col: p.col, Buffer: p.cur}
	switch kind {
	case KindBsize:
		if !p.curSet {
			return fmt.Errorf("bsize must follow a sticky buffer")
		}
	case KindDsize:
		m.Buffer = BufPayload
	case KindUrilen:
		m.Buffer = BufHTTPURI
		if strings.HasSuffix(v, ",raw") || strings.HasSuffix(v, ", raw") {
			m.Buffer = BufHTTPRawURI
		}
	}
	m.Transforms = p.transforms
	p.r.Matches = append(p.r.Matches, m)
	return nil
}

// parseRange parses "N", "<N", ">N", "<=N", ">=N", "A<>B", "A-B", "!N".
func parseRange(v string) (rangeCmp, error) {
	v = strings.TrimSpace(v)
	if i := strings.IndexByte(v, ','); i >= 0 {
		v = strings.TrimSpace(v[:i])
	}
	num := func(s string) (int, error) {
		n, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil || n < 0 {
			return 0, fmt.Errorf("want a non-negative number, got %q", s)
		}
		return n, nil
	}
	for _, op := range []string{"<=", ">=", "<", ">", "!"} {
		if strings.HasPrefix(v, op) {
			n, err := num(v[len(op):])
			return rangeCmp{op: op, a: n}, err
		}
	}
	for _, sep := range []string{"<>", "-"} {
		if a, b, ok := strings.Cut(v, sep); ok {
			x, err := num(a)
			if err != nil {
				return rangeCmp{}, err
			}
			y, err := num(b)
			if err != nil {
				return rangeCmp{}, err
			}
			if x >= y {
				return rangeCmp{}, fmt.Errorf("range %q: the first number must be below the second", v)
			}
			return rangeCmp{op: "<>", a: x, b: y}, nil
		}
	}
	n, err := num(v)
	return rangeCmp{op: "=", a: n}, err
}

func parseIsdataat(p *ruleParser, v string) error {
	m := &Match{Kind: KindIsdataat, Buffer: p.cur, keyword: "isdataat", col: p.col, Transforms: p.transforms}
	if strings.HasPrefix(v, "!") {
		m.Negated = true
		v = v[1:]
	}
	parts := strings.Split(v, ",")
	n, err := strconv.Atoi(strings.TrimSpace(parts[0]))
	if err != nil || n < 0 {
		return fmt.Errorf("isdataat %q: want a byte count", v)
	}
	m.Cmp = rangeCmp{op: "=", a: n}
	for _, o := range parts[1:] {
		switch strings.TrimSpace(o) {
		case "relative":
			m.Relative = true
		case "rawbytes":
		default:
			return fmt.Errorf("isdataat option %q: want relative", strings.TrimSpace(o))
		}
	}
	p.r.Matches = append(p.r.Matches, m)
	return nil
}

// parseStreamSize parses "stream_size:server|client|both|either,OP,N".
func parseStreamSize(p *ruleParser, v string) error {
	parts := strings.Split(v, ",")
	if len(parts) != 3 {
		return fmt.Errorf("stream_size %q: want side,operator,bytes", v)
	}
	side := strings.TrimSpace(parts[0])
	switch side {
	case "server", "client", "both", "either":
	default:
		return fmt.Errorf("stream_size side %q: want server, client, both or either", side)
	}
	op := strings.TrimSpace(parts[1])
	switch op {
	case ">", "<", "=", "!=", ">=", "<=":
	default:
		return fmt.Errorf("stream_size operator %q: want >, <, =, !=, >= or <=", op)
	}
	n, err := strconv.Atoi(strings.TrimSpace(parts[2]))
	if err != nil || n < 0 {
		return fmt.Errorf("stream_size bytes %q: want a number", parts[2])
	}
	if op == "!=" {
		op = "!"
	}
	p.r.StreamSize = append(p.r.StreamSize, StreamSize{Side: side, cmp: rangeCmp{op: op, a: n}})
	return nil
}

var ipProtoNames = map[string]int{"ip": 0, "icmp": 1, "igmp": 2, "tcp": 6, "udp": 17, "gre": 47, "esp": 50, "ah": 51, "ipv6-icmp": 58, "icmpv6": 58, "sctp": 132}

// parseIPProto parses "ip_proto:[!<>]N" or a protocol name.
func parseIPProto(p *ruleParser, v string) error {
	v = strings.TrimSpace(v)
	op := "="
	for _, o := range []string{"!", "<", ">"} {
		if strings.HasPrefix(v, o) {
			op, v = o, strings.TrimSpace(v[1:])
			break
		}
	}
	n, ok := ipProtoNames[strings.ToLower(v)]
	if !ok {
		var err error
		if n, err = strconv.Atoi(v); err != nil || n < 0 || n > 255 {
			return fmt.Errorf("ip_proto %q: want a protocol number or name", v)
		}
	}
	p.r.IPProto = append(p.r.IPProto, rangeCmp{op: op, a: n})
	return nil
}

// parseByteOp parses byte_test:N,OP,VALUE,OFFSET[,relative][,big|little][,string,dec|hex|oct][,dce][,bitmask M]
// and byte_jump:N,OFFSET[,relative][,multiplier M][,big|little][,string,dec|hex|oct][,align][,from_beginning|from_end][,post_offset P][,dce].
func parseByteOp(p *ruleParser, kind MatchKind, v string) error {
	parts := strings.Split(v, ",")
	for i := range parts {
		parts[i] = strings.TrimSpace(parts[i])
	}
	b := &ByteOp{Multiplier: 1}
	need := 4
	if kind == KindByteJump {
		need = 2
	}
	if len(parts) < need {
		return fmt.Errorf("%s %q: too few fields", p.keyword, v)
	}
	n, err := strconv.Atoi(parts[0])
	if err != nil || n < 1 || n > 10 {
		if _, numErr := strconv.Atoi(parts[0]); numErr != nil {
			return p.errf(UnsupportedByMoat, "%s bytes %q: byte_extract variables are not supported", p.keyword, parts[0])
		}
		return fmt.Errorf("%s bytes %q: want 1 to 10", p.keyword, parts[0])
	}
	b.Bytes = n
	rest := parts[1:]
	if kind == KindByteTest {
		op := rest[0]
		if strings.HasPrefix(op, "!") {
			b.Negate, op = true, op[1:]
		}
		switch op {
		case "<", ">", "=", "<=", ">=", "&", "^":
		default:
			return fmt.Errorf("byte_test operator %q: want <, >, =, <=, >=, & or ^", rest[0])
		}
		b.Op = op
		val, err := strconv.ParseUint(rest[1], 0, 64)
		if err != nil {
			return p.errf(UnsupportedByMoat, "byte_test value %q: byte_extract variables are not supported", rest[1])
		}
		b.Value = val
		rest = rest[2:]
	}
	off, err := strconv.Atoi(rest[0])
	if err != nil {
		return p.errf(UnsupportedByMoat, "%s offset %q: byte_extract variables are not supported", p.keyword, rest[0])
	}
	b.Offset = off
	for i := 1; i < len(rest); i++ {
		o := rest[i]
		f := strings.Fields(o)
		switch {
		case o == "relative":
			b.Relative = true
		case o == "big":
		case o == "little":
			b.Little = true
		case o == "string":
			b.Base = 10
		case o == "dec":
			b.Base = 10
		case o == "hex":
			b.Base = 16
		case o == "oct":
			b.Base = 8
		case o == "align":
			b.Align = true
		case o == "from_beginning":
			b.FromBeginning = true
		case o == "from_end":
			b.FromEnd = true
		case o == "dce":
			return p.errf(UnsupportedByMoat, "the dce option needs DCERPC parsing, which moat does not have")
		case len(f) == 2 && f[0] == "multiplier" && kind == KindByteJump:
			if b.Multiplier, err = strconv.Atoi(f[1]); err != nil || b.Multiplier < 1 {
				return fmt.Errorf("byte_jump multiplier %q: want a positive number", f[1])
			}
		case len(f) == 2 && f[0] == "post_offset" && kind == KindByteJump:
			if b.PostOffset, err = strconv.Atoi(f[1]); err != nil {
				return fmt.Errorf("byte_jump post_offset %q: want a number", f[1])
			}
		case len(f) == 2 && f[0] == "bitmask":
			m, err := strconv.ParseUint(f[1], 0, 64)
			if err != nil {
				return fmt.Errorf("%s bitmask %q: want a number", p.keyword, f[1])
			}
			b.Bitmask = m
		default:
			return p.errf(UnsupportedByMoat, "%s option %q is not supported", p.keyword, o)
		}
	}
	if b.Base == 0 && b.Bytes > 8 {
		return fmt.Errorf("%s: binary values are at most 8 bytes", p.keyword)
	}
	m := &Match{Kind: kind, Buffer: p.cur, Transforms: p.transforms, Relative: b.Relative, Byte: b, keyword: p.keyword, col: p.col}
	p.r.Matches = append(p.r.Matches, m)
	return nil
}

// parseXbits parses "xbits:set|unset|toggle|isset|isnotset,NAME,track ip_src|ip_dst|ip_pair[,expire N]".
func parseXbits(p *ruleParser, v string) error {
	parts := strings.Split(v, ",")
	for i := range parts {
		parts[i] = strings.TrimSpace(parts[i])
	}
	if len(parts) == 1 && parts[0] == "noalert" {
		p.r.NoAlert = true
		return nil
	}
	if len(parts) < 3 {
		return fmt.Errorf("xbits %q: want command,name,track ...", v)
	}
	x := Xbit{Cmd: parts[0], Name: parts[1]}
	switch x.Cmd {
	case "set", "unset", "toggle", "isset", "isnotset":
	default:
		return fmt.Errorf("xbits command %q: want set, unset, toggle, isset or isnotset", x.Cmd)
	}
	for _, o := range parts[2:] {
		f := strings.Fields(o)
		switch {
		case len(f) == 2 && f[0] == "track":
			switch f[1] {
			case "ip_src", "ip_dst", "ip_pair":
				x.Track = f[1]
			case "tx":
				return p.errf(UnsupportedByMoat, "xbits track tx is not supported")
			default:
				return fmt.Errorf("xbits track %q: want ip_src, ip_dst or ip_pair", f[1])
			}
		case len(f) == 2 && f[0] == "expire":
			n, err := strconv.Atoi(f[1])
			if err != nil || n < 1 {
				return fmt.Errorf("xbits expire %q: want a positive number of seconds", f[1])
			}
			x.Expire = n
		default:
			return fmt.Errorf("xbits option %q: want track or expire", o)
		}
	}
	if x.Track == "" {
		return fmt.Errorf("xbits %q: track is required", v)
	}
	if x.Expire == 0 {
		x.Expire = 30 // Suricata's default when a set has no expire
	}
	p.r.Xbits = append(p.r.Xbits, x)
	return nil
}
