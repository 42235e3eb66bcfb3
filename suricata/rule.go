package suricata

import (
	"fmt"
	"net/netip"
	"regexp"
)

// Action is a rule's action keyword.
type Action uint8

// Actions, in Suricata's default action order (pass first).
const (
	ActionPass Action = iota
	ActionDrop
	ActionReject
	ActionAlert
)

var actionNames = map[string]Action{
	"pass": ActionPass, "drop": ActionDrop, "reject": ActionReject, "rejectsrc": ActionReject,
	"rejectdst": ActionReject, "rejectboth": ActionReject, "alert": ActionAlert,
}

func (a Action) String() string {
	return [...]string{"pass", "drop", "reject", "alert"}[a]
}

// Protocol is the rule header's protocol: a network protocol or an
// application-layer protocol (which implies its transport).
type Protocol string

// AppProto is the application protocol a flow was detected as.
type AppProto uint8

// Application protocols moat's pcap replay detects.
const (
	AppUnknown AppProto = iota
	AppHTTP
	AppTLS
	AppDNS
	AppFailed
	AppSMTP // detected only: rules match the payload, no smtp.* buffers
	AppSMB  // detected only
	AppSSH  // detected only
)

func (a AppProto) String() string {
	return [...]string{"", "http", "tls", "dns", "failed", "smtp", "smb", "ssh"}[a]
}

// Buffer names the data a content or pcre inspects.
type Buffer uint8

// Buffers. BufPayload is the packet payload; the others are sticky buffers
// filled by the application-layer parsers.
const (
	BufPayload Buffer = iota
	BufHTTPURI
	BufHTTPRawURI
	BufHTTPMethod
	BufHTTPHeader
	BufHTTPRawHeader
	BufHTTPUserAgent
	BufHTTPHost
	BufHTTPRawHost
	BufHTTPCookie
	BufHTTPRequestBody
	BufHTTPResponseBody
	BufHTTPStatCode
	BufHTTPStatMsg
	BufHTTPContentType
	BufHTTPContentLen
	BufHTTPRequestLine
	BufHTTPResponseLine
	BufHTTPProtocol
	BufHTTPHeaderNames
	BufHTTPReferer
	BufHTTPAccept
	BufHTTPConnection
	BufHTTPStart
	BufHTTPAcceptEnc
	BufHTTPAcceptLang
	BufHTTPServer
	BufHTTPLocation
	BufTLSSNI
	BufTLSVersion
	BufTLSCertSubject
	BufTLSCertIssuer
	BufTLSCertSerial
	BufTLSCertFingerprint
	BufTLSCerts
	BufJA3Hash
	BufJA3String
	BufDNSQuery
	NumBuffers
)

// bufferInfo describes a sticky buffer: its Suricata names and the
// application protocol whose parser fills it.
type bufferInfo struct {
	name    string // the sticky-buffer keyword
	legacy  string // the legacy content modifier, if any
	app     AppProto
	toSrv   bool // filled from the request side
	toCli   bool // filled from the response side
	lowered bool // the parser lower-cases it (patterns with upper case are refused)
}

var buffers = [NumBuffers]bufferInfo{
	BufPayload:            {name: "pkt_data", toSrv: true, toCli: true},
	BufHTTPURI:            {name: "http.uri", legacy: "http_uri", app: AppHTTP, toSrv: true},
	BufHTTPRawURI:         {name: "http.uri.raw", legacy: "http_raw_uri", app: AppHTTP, toSrv: true},
	BufHTTPMethod:         {name: "http.method", legacy: "http_method", app: AppHTTP, toSrv: true},
	BufHTTPHeader:         {name: "http.header", legacy: "http_header", app: AppHTTP, toSrv: true, toCli: true},
	BufHTTPRawHeader:      {name: "http.header.raw", legacy: "http_raw_header", app: AppHTTP, toSrv: true, toCli: true},
	BufHTTPUserAgent:      {name: "http.user_agent", legacy: "http_user_agent", app: AppHTTP, toSrv: true},
	BufHTTPHost:           {name: "http.host", legacy: "http_host", app: AppHTTP, toSrv: true, lowered: true},
	BufHTTPRawHost:        {name: "http.host.raw", legacy: "http_raw_host", app: AppHTTP, toSrv: true},
	BufHTTPCookie:         {name: "http.cookie", legacy: "http_cookie", app: AppHTTP, toSrv: true, toCli: true},
	BufHTTPRequestBody:    {name: "http.request_body", legacy: "http_client_body", app: AppHTTP, toSrv: true},
	BufHTTPResponseBody:   {name: "http.response_body", legacy: "http_server_body", app: AppHTTP, toCli: true},
	BufHTTPStatCode:       {name: "http.stat_code", legacy: "http_stat_code", app: AppHTTP, toCli: true},
	BufHTTPStatMsg:        {name: "http.stat_msg", legacy: "http_stat_msg", app: AppHTTP, toCli: true},
	BufHTTPContentType:    {name: "http.content_type", app: AppHTTP, toSrv: true, toCli: true},
	BufHTTPContentLen:     {name: "http.content_len", app: AppHTTP, toSrv: true, toCli: true},
	BufHTTPRequestLine:    {name: "http.request_line", app: AppHTTP, toSrv: true},
	BufHTTPResponseLine:   {name: "http.response_line", app: AppHTTP, toCli: true},
	BufHTTPProtocol:       {name: "http.protocol", app: AppHTTP, toSrv: true, toCli: true},
	BufHTTPHeaderNames:    {name: "http.header_names", app: AppHTTP, toSrv: true, toCli: true},
	BufHTTPReferer:        {name: "http.referer", app: AppHTTP, toSrv: true},
	BufHTTPAccept:         {name: "http.accept", app: AppHTTP, toSrv: true},
	BufHTTPConnection:     {name: "http.connection", app: AppHTTP, toSrv: true, toCli: true},
	BufHTTPStart:          {name: "http.start", app: AppHTTP, toSrv: true, toCli: true},
	BufHTTPAcceptEnc:      {name: "http.accept_enc", app: AppHTTP, toSrv: true},
	BufHTTPAcceptLang:     {name: "http.accept_lang", app: AppHTTP, toSrv: true},
	BufHTTPServer:         {name: "http.server", app: AppHTTP, toCli: true},
	BufHTTPLocation:       {name: "http.location", app: AppHTTP, toCli: true},
	BufTLSSNI:             {name: "tls.sni", legacy: "tls_sni", app: AppTLS, toSrv: true},
	BufTLSVersion:         {name: "tls.version", app: AppTLS, toSrv: true},
	BufTLSCertSubject:     {name: "tls.cert_subject", legacy: "tls_cert_subject", app: AppTLS, toCli: true},
	BufTLSCertIssuer:      {name: "tls.cert_issuer", legacy: "tls_cert_issuer", app: AppTLS, toCli: true},
	BufTLSCertSerial:      {name: "tls.cert_serial", legacy: "tls_cert_serial", app: AppTLS, toCli: true},
	BufTLSCertFingerprint: {name: "tls.cert_fingerprint", legacy: "tls_cert_fingerprint", app: AppTLS, toCli: true},
	BufTLSCerts:           {name: "tls.certs", app: AppTLS, toCli: true},
	BufJA3Hash:            {name: "ja3.hash", legacy: "ja3_hash", app: AppTLS, toSrv: true},
	BufJA3String:          {name: "ja3.string", legacy: "ja3_string", app: AppTLS, toSrv: true},
	BufDNSQuery:           {name: "dns.query", legacy: "dns_query", app: AppDNS, toSrv: true},
}

func (b Buffer) String() string { return buffers[b].name }

// App is the application protocol whose parser fills the buffer (AppUnknown for the payload).
func (b Buffer) App() AppProto { return buffers[b].app }

// Rule is one parsed Suricata rule.
type Rule struct {
	Action    Action
	Protocol  Protocol
	Src, Dst  AddrSet
	SrcPorts  PortSet
	DstPorts  PortSet
	Bidir     bool // "<>"
	Msg       string
	SID       uint32
	Rev       uint32
	GID       uint32
	Classtype string
	Category  string // the classtype's description from classification.config
	Priority  int    // 1 is highest; from priority or the classtype (default 3)
	Metadata  []string
	Reference []string
	Target    string

	Flow       FlowMatch
	StreamSize []StreamSize
	IPProto    []rangeCmp
	Xbits      []Xbit
	Flowbits   []Flowbit
	NoAlert    bool
	Threshold  *Threshold

	// Matches is every payload/buffer check in rule order.
	Matches []*Match

	// Line is the 1-based line the rule starts on; Text its source text.
	Line int
	Text string

	ipOnly     bool // matched once per flow direction, like Suricata's IP-only rules
	needApp    AppProto
	usesBufs   uint64 // bit set of buffers other than the payload
	fastPat    *Match
	fbType     int // flowbits ordering class (Suricata's sig ordering)
	index      int
	protoNum   int // 0 any, 6, 17, 1
	needIcmpTy int // itype, -1 none
}

// FlowMatch is the flow keyword.
type FlowMatch struct {
	ToServer, ToClient          bool
	Established, NotEstablished bool
	Stateless                   bool
	OnlyStream, NoStream        bool
	set                         bool
}

// StreamSize is one stream_size check: the bytes a TCP side has sent so far
// (sequence-number span, so the SYN counts one) compared with a number.
type StreamSize struct {
	Side string // server, client, both, either
	cmp  rangeCmp
}

func (s StreamSize) match(cli, srv uint64) bool {
	c, v := s.cmp.test(int(cli)), s.cmp.test(int(srv))
	switch s.Side {
	case "server":
		return v
	case "client":
		return c
	case "both":
		return c && v
	}
	return c || v
}

// Xbit is one xbits command: a named bit kept per IP address (or pair)
// across flows, with an expiry.
type Xbit struct {
	Cmd    string // set, unset, toggle, isset, isnotset
	Name   string
	Track  string // ip_src, ip_dst, ip_pair
	Expire int    // seconds
}

// Flowbit is one flowbits command.
type Flowbit struct {
	Cmd   string   // set, isset, isnotset, unset, toggle
	Names []string // several names OR-ed ("a|b") for isset/isnotset, AND-ed with "&"
	And   bool
}

// Threshold is the threshold or detection_filter keyword.
type Threshold struct {
	Keyword    string // threshold or detection_filter
	Type       string // limit, threshold, both, backoff (detection_filter: "detection_filter")
	Track      string // by_src, by_dst, by_rule, by_both, by_flow
	Count      int
	Seconds    int
	Multiplier int
}

// MatchKind says what a Match checks.
type MatchKind uint8

// Match kinds.
const (
	KindContent MatchKind = iota
	KindPCRE
	KindBsize
	KindDsize
	KindIsdataat
	KindUrilen
	KindByteTest
	KindByteJump
)

// ByteOp is a byte_test or byte_jump.
type ByteOp struct {
	Bytes                   int
	Op                      string // byte_test: < > = <= >= & ^
	Negate                  bool
	Value                   uint64
	Offset                  int
	Relative, Little, Align bool
	Base                    int // 0: binary; 8, 10, 16: string
	FromBeginning, FromEnd  bool
	Multiplier, PostOffset  int
	Bitmask                 uint64
}

// Match is one content, pcre, bsize, dsize, isdataat or urilen check on a buffer.
type Match struct {
	Kind        MatchKind
	Buffer      Buffer
	Pattern     []byte
	Negated     bool
	Nocase      bool
	Offset      int
	Depth       int // 0: none
	Distance    int
	Within      int  // 0: none
	Relative    bool // distance, within or pcre /R
	hasDist     bool
	hasWithin   bool
	StartsWith  bool
	EndsWith    bool
	FastPattern bool
	Transforms  []string // dotprefix, to_lowercase, ... applied to the buffer

	Regexp *regexp.Regexp // pcre
	Source string         // pcre source text

	Cmp  rangeCmp // bsize, dsize, urilen, isdataat value
	Byte *ByteOp  // byte_test, byte_jump

	lower   []byte // lower-cased pattern for nocase
	keyword string // keyword that created it, for errors
	col     int
}

type rangeCmp struct {
	op   string // "=", "<", ">", "<=", ">=", "<>", "!"
	a, b int
}

func (c rangeCmp) test(n int) bool {
	switch c.op {
	case "<":
		return n < c.a
	case ">":
		return n > c.a
	case "<=":
		return n <= c.a
	case ">=":
		return n >= c.a
	case "<>":
		return n > c.a && n < c.b
	case "!":
		return n != c.a
	}
	return n == c.a
}

// AddrSet is a compiled address expression.
type AddrSet struct {
	any  bool
	neg  bool
	pfx  []netip.Prefix
	subs []AddrSet
	text string
}

// PortSet is a compiled port expression.
type PortSet struct {
	any    bool
	neg    bool
	ranges [][2]uint16
	subs   []PortSet
	text   string
}

func (r *Rule) String() string {
	return fmt.Sprintf("%s sid:%d rev:%d %q", r.Action, r.SID, r.Rev, r.Msg)
}
