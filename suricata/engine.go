package suricata

import (
	"fmt"
	"net/netip"
	"slices"
	"sort"
	"strconv"
	"strings"
)

// Options configure an Engine.
type Options struct {
	// ActionOrder is the order in which rule actions are evaluated.
	// The default is Suricata's (and Network Firewall's DEFAULT_ACTION_ORDER):
	// pass, drop, reject, alert.
	ActionOrder []Action
	// StrictOrder evaluates rules in the order given (Network Firewall's
	// STRICT_ORDER); the first rule whose action is pass, drop or reject
	// decides; alert rules before it still alert.
	StrictOrder bool
	// IPS makes drop and reject rules block (EVE action "blocked"); in IDS
	// mode they only alert ("allowed"), as in Suricata.
	IPS bool
}

// Engine is a compiled, immutable rule set. It is safe for concurrent use;
// per-goroutine state lives in Scratch, per-flow state in FlowState and the
// threshold counters in Thresholds.
type Engine struct {
	rules  []*Rule
	chains [][]chain
	ac     [NumBuffers]*acMatcher
	always []int32 // rules without a prefilter pattern
	opts   Options
	maxPat int // longest payload fast pattern
}

// chain is a rule's checks on one buffer (with one transform list), in rule order.
type chain struct {
	buf        Buffer
	transforms []string
	items      []*Match
}

// Compile sorts the rules into evaluation order and builds the prefilter.
func Compile(rules []*Rule, opts Options) (*Engine, error) {
	order := map[Action]int{ActionPass: 0, ActionDrop: 1, ActionReject: 2, ActionAlert: 3}
	if len(opts.ActionOrder) > 0 {
		if len(opts.ActionOrder) != 4 {
			return nil, fmt.Errorf("action order must name pass, drop, reject and alert once each")
		}
		seen := map[Action]bool{}
		for i, a := range opts.ActionOrder {
			if seen[a] {
				return nil, fmt.Errorf("action order names %s twice", a)
			}
			seen[a] = true
			order[a] = i
		}
	}
	e := &Engine{rules: append([]*Rule(nil), rules...), opts: opts}
	if !opts.StrictOrder {
		sort.SliceStable(e.rules, func(i, j int) bool {
			a, b := e.rules[i], e.rules[j]
			if order[a.Action] != order[b.Action] {
				return order[a.Action] < order[b.Action]
			}
			if a.fbType != b.fbType {
				return a.fbType < b.fbType
			}
			return a.Priority < b.Priority
		})
	}
	var pats [NumBuffers][][]byte
	var ids [NumBuffers][]int32
	e.chains = make([][]chain, len(e.rules))
	for i, r := range e.rules {
		e.chains[i] = buildChains(r)
		if fp := r.fastPat; fp != nil {
			if fp.Buffer == BufPayload {
				e.maxPat = max(e.maxPat, len(fp.Pattern))
			}
			pats[fp.Buffer] = append(pats[fp.Buffer], fp.Pattern)
			ids[fp.Buffer] = append(ids[fp.Buffer], int32(i))
		} else {
			e.always = append(e.always, int32(i))
		}
	}
	for b := range pats {
		if len(pats[b]) > 0 {
			e.ac[b] = newACMatcher(pats[b], ids[b])
		}
	}
	return e, nil
}

func buildChains(r *Rule) []chain {
	var out []chain
	for _, m := range r.Matches {
		key := strings.Join(m.Transforms, ",")
		found := false
		for i := range out {
			if out[i].buf == m.Buffer && strings.Join(out[i].transforms, ",") == key {
				out[i].items = append(out[i].items, m)
				found = true
				break
			}
		}
		if !found {
			out = append(out, chain{buf: m.Buffer, transforms: m.Transforms, items: []*Match{m}})
		}
	}
	return out
}

// UsesBuffer reports whether any rule inspects buffer b (parsers can skip
// collecting what no rule reads, such as HTTP bodies).
func (e *Engine) UsesBuffer(b Buffer) bool {
	for _, r := range e.rules {
		if r.usesBufs&(1<<b) != 0 {
			return true
		}
	}
	return false
}

// Rules returns the rules in evaluation order.
func (e *Engine) Rules() []*Rule { return e.rules }

// Packet is what the engine inspects: one packet with its flow context and
// the application-layer buffers that became available with it.
type Packet struct {
	Proto            uint8 // 6 TCP, 17 UDP, 1 ICMP, 58 ICMPv6, other IP protocols
	Src, Dst         netip.Addr
	SrcPort, DstPort uint16
	ICMPType         int
	Payload          []byte
	// StreamData is the TCP data this packet made contiguous (after
	// reassembly; usually the payload itself) and StreamPrev up to a few
	// hundred bytes of earlier data of the same direction. Payload checks
	// match the packet payload or, when they end in StreamData, the window
	// StreamPrev+StreamData, so patterns split across segments are found.
	// The prefilter looks for fast patterns that end in the new data, so a
	// rule whose fast pattern lies wholly in the earlier data is not
	// re-examined.
	StreamPrev, StreamData []byte
	// StreamBytes is what each TCP side has sent so far (client, server),
	// as stream_size counts it.
	StreamBytes [2]uint64
	TCPFlags    uint8 // FIN 0x01 SYN 0x02 RST 0x04 PSH 0x08 ACK 0x10 URG 0x20 ECE 0x40 CWR 0x80

	ToServer    bool // sent by the flow's client
	Established bool // TCP: after the 3-way handshake (or picked up midstream); UDP: after traffic both ways
	FirstInDir  bool // first packet of its flow in this direction
	App         AppProto

	// Buffers holds the sticky buffers for this packet (Have marks which are set).
	Buffers [NumBuffers][]byte
	Have    uint64
	// TxID identifies the application-layer transaction the buffers belong
	// to (0: none); a rule that inspects buffers fires once per transaction.
	TxID uint64

	// Time is the packet time in seconds (for thresholds); FlowKey identifies the flow for track by_flow.
	Time    float64
	FlowKey uint64
	// Num numbers the packet; a rule that inspects only the payload fires
	// once per packet even when the packet is inspected once per
	// transaction it completes.
	Num uint64
}

// SetBuffer sets a sticky buffer.
func (p *Packet) SetBuffer(b Buffer, v []byte) {
	p.Buffers[b] = v
	p.Have |= 1 << b
}

// FlowState is per-flow detection state: flowbits and per-transaction
// firing. The zero value is ready to use.
type FlowState struct {
	bits  map[string]bool
	fired map[int32]uint64 // rule index -> last TxID it fired on
	// Passed is set when a pass rule passed the whole flow; Dropped when a
	// drop rule dropped it (IPS).
	Passed, Dropped bool
	dropRule        *Rule
}

// IsSet reports whether a flowbit is set.
func (fs *FlowState) IsSet(name string) bool { return fs.bits[name] }

// Alert is one rule that matched a packet.
type Alert struct {
	Rule    *Rule
	Blocked bool // the rule dropped or rejected the packet (IPS)
}

// Verdict is the engine's answer for one packet.
type Verdict struct {
	Alerts []Alert
	Pass   *Rule // the pass rule that matched, if any
	Drop   *Rule // the drop/reject rule that dropped the packet (IPS), if any
}

// Scratch is per-goroutine working memory, reused across packets.
type Scratch struct {
	win      []byte // StreamPrev+StreamData, built when a stream check needs it
	winOK    bool
	bnd      []byte
	lastNum  uint64
	pktFired []int32
	set      []uint64
	cand     []int32
	tbuf     []byte
	v        Verdict
}

func (sc *Scratch) mark(i int) {
	w, bit := i>>6, uint64(1)<<(i&63)
	if sc.set[w]&bit == 0 {
		sc.set[w] |= bit
		sc.cand = append(sc.cand, int32(i))
	}
}

// Reset clears and returns the scratch's verdict (for inspectors that
// decide without running rules).
func (sc *Scratch) Reset() *Verdict {
	v := &sc.v
	v.Alerts, v.Pass, v.Drop = v.Alerts[:0], nil, nil
	return v
}

// NewScratch returns working memory for e.
func (e *Engine) NewScratch() *Scratch {
	return &Scratch{set: make([]uint64, (len(e.rules)+63)/64)}
}

// Inspect runs the rules over one packet. The returned Verdict is valid
// until the next call with the same Scratch.
func (e *Engine) Inspect(p *Packet, fs *FlowState, th *Thresholds, sc *Scratch) *Verdict {
	v := sc.Reset()
	if fs.Passed {
		return v
	}
	if fs.Dropped {
		// The flow was dropped: later packets are dropped without inspection.
		v.Drop = fs.dropRule
		return v
	}
	sc.cand = sc.cand[:0]
	sc.win, sc.winOK = sc.win[:0], false
	if m := e.ac[BufPayload]; m != nil {
		if len(p.Payload) > 0 {
			m.scan(p.Payload, sc)
		}
		if len(p.StreamData) > 0 && !sameSlice(p.StreamData, p.Payload) {
			m.scan(p.StreamData, sc)
		}
		if len(p.StreamPrev) > 0 && len(p.StreamData) > 0 && e.maxPat > 1 {
			// Fast patterns crossing into the new data.
			k := e.maxPat - 1
			sc.bnd = append(append(sc.bnd[:0], p.StreamPrev[max(0, len(p.StreamPrev)-k):]...), p.StreamData[:min(k, len(p.StreamData))]...)
			m.scan(sc.bnd, sc)
		}
	}
	for b := Buffer(1); b < NumBuffers; b++ {
		if m := e.ac[b]; m != nil && p.Have&(1<<b) != 0 {
			m.scan(p.Buffers[b], sc)
		}
	}
	for _, i := range e.always {
		sc.mark(int(i))
	}
	cand := sc.cand
	slices.Sort(cand)
	for _, i := range cand {
		sc.set[i>>6] = 0
	}
	for _, i := range cand {
		r := e.rules[i]
		if !e.matchRule(i, r, p, fs, sc) || !th.xbitsRead(r, p) {
			continue
		}
		applyFlowbits(r, fs)
		th.xbitsWrite(r, p)
		if r.usesBufs == 0 && p.Num != 0 {
			if p.Num != sc.lastNum {
				sc.lastNum, sc.pktFired = p.Num, sc.pktFired[:0]
			}
			sc.pktFired = append(sc.pktFired, i)
		}
		if r.usesBufs != 0 && p.TxID != 0 {
			if fs.fired == nil {
				fs.fired = map[int32]uint64{}
			}
			fs.fired[i] = p.TxID
		}
		if r.Action == ActionPass {
			v.Pass = r
			// A pass decided on the flow (an application-layer rule, or one
			// with no payload check) passes the rest of the flow, as in
			// Suricata 7; a pass on payload content passes only the packet,
			// as does a pass after a drop already matched the packet.
			if v.Drop == nil && !r.Flow.NotEstablished && (r.needApp != AppUnknown || r.usesBufs != 0 || len(r.Matches) == 0) {
				fs.Passed = true
			}
			return v
		}
		blocked := e.opts.IPS && (r.Action == ActionDrop || r.Action == ActionReject)
		if blocked && v.Drop == nil {
			v.Drop = r
			if r.ipOnly || r.needApp != AppUnknown {
				fs.Dropped, fs.dropRule = true, r
			}
		}
		if !r.NoAlert && th.allow(int(i), r, p) {
			v.Alerts = append(v.Alerts, Alert{Rule: r, Blocked: blocked})
		}
		if e.opts.StrictOrder && r.Action != ActionAlert {
			return v
		}
	}
	return v
}

func (e *Engine) matchRule(i int32, r *Rule, p *Packet, fs *FlowState, sc *Scratch) bool {
	if r.protoNum != 0 && int(p.Proto) != r.protoNum {
		return false
	}
	if r.needApp != AppUnknown && p.App != r.needApp {
		return false
	}
	if r.ipOnly && !p.FirstInDir {
		return false
	}
	if r.needIcmpTy >= 0 && (p.ICMPType != r.needIcmpTy || (p.Proto != 1 && p.Proto != 58)) {
		return false
	}
	if r.usesBufs&p.Have != r.usesBufs {
		return false
	}
	if r.usesBufs != 0 && p.TxID != 0 && fs.fired[i] == p.TxID {
		return false
	}
	if r.usesBufs == 0 && p.Num != 0 && p.Num == sc.lastNum && slices.Contains(sc.pktFired, i) {
		return false
	}
	f := &r.Flow
	if f.OnlyStream && len(p.StreamData) == 0 {
		return false // only_stream: reassembled TCP data only
	}
	if f.ToServer && !p.ToServer || f.ToClient && p.ToServer || f.Established && !p.Established || f.NotEstablished && p.Established {
		return false
	}
	if !matchAddrs(r, p.Src, p.Dst, p.SrcPort, p.DstPort) && !(r.Bidir && matchAddrs(r, p.Dst, p.Src, p.DstPort, p.SrcPort)) {
		return false
	}
	if !checkFlowbitsRead(r, fs) {
		return false
	}
	for _, c := range r.IPProto {
		if !c.test(int(p.Proto)) {
			return false
		}
	}
	for _, ss := range r.StreamSize {
		if p.Proto != 6 || !ss.match(p.StreamBytes[0], p.StreamBytes[1]) {
			return false
		}
	}
	for ci := range e.chains[i] {
		c := &e.chains[i][ci]
		buf := p.Payload
		if c.buf != BufPayload {
			buf = p.Buffers[c.buf]
		}
		if len(c.transforms) > 0 {
			sc.tbuf = applyTransforms(sc.tbuf[:0], buf, c.transforms)
			buf = sc.tbuf
		}
		ms := matchState{budget: 1024, minEnd: -1}
		if matchChain(c.items, buf, 0, 0, p, &ms) {
			continue
		}
		if c.buf != BufPayload || len(c.transforms) > 0 || len(p.StreamPrev) == 0 || len(p.StreamData) == 0 || r.Flow.NoStream {
			return false
		}
		if !matchStream(c, p, sc) {
			return false
		}
	}
	return true
}

func matchAddrs(r *Rule, src, dst netip.Addr, sp, dp uint16) bool {
	return r.Src.Match(src) && r.Dst.Match(dst) && r.SrcPorts.Match(sp) && r.DstPorts.Match(dp)
}

// matchStream runs a payload chain on the stream window, accepting only
// matches that end in the new data. A lone unanchored content can only
// newly match across the boundary, so only the bytes around it are searched.
func matchStream(c *chain, p *Packet, sc *Scratch) bool {
	if !sc.winOK {
		sc.win = append(append(sc.win[:0], p.StreamPrev...), p.StreamData...)
		sc.winOK = true
	}
	newAt := len(p.StreamPrev)
	if len(c.items) == 1 {
		m := c.items[0]
		if m.Kind == KindContent && !m.Negated && !m.Relative && m.Offset == 0 && m.Depth == 0 && !m.EndsWith {
			n := len(m.Pattern)
			lo, hi := max(0, newAt-n+1), min(len(sc.win), newAt+n-1)
			return lo < hi && m.find(sc.win[:hi], lo) >= 0
		}
	}
	ms := matchState{budget: 1024, minEnd: newAt}
	return matchChain(c.items, sc.win, 0, 0, p, &ms)
}

func sameSlice(a, b []byte) bool {
	return len(a) == len(b) && (len(a) == 0 || &a[0] == &b[0])
}

// matchState bounds the work of one chain and, for stream inspection,
// requires the last match to end after minEnd (in the new data).
type matchState struct {
	budget int
	minEnd int
}

// matchChain checks items[i:] against buf, prevEnd being the end of the
// previous match; relative items backtrack over earlier occurrences as
// Suricata does.
func matchChain(items []*Match, buf []byte, i, prevEnd int, p *Packet, ms *matchState) bool {
	if i == len(items) {
		return prevEnd > ms.minEnd
	}
	ms.budget--
	if ms.budget < 0 {
		return false
	}
	m := items[i]
	switch m.Kind {
	case KindContent:
		return matchContent(items, buf, i, prevEnd, p, ms)
	case KindPCRE:
		start := 0
		if m.Relative {
			start = prevEnd
		}
		if start > len(buf) {
			return m.Negated && matchChain(items, buf, i+1, prevEnd, p, ms)
		}
		loc := m.Regexp.FindIndex(buf[start:])
		if m.Negated {
			return loc == nil && matchChain(items, buf, i+1, prevEnd, p, ms)
		}
		return loc != nil && matchChain(items, buf, i+1, start+loc[1], p, ms)
	case KindByteTest, KindByteJump:
		return matchByteOp(items, buf, i, prevEnd, p, ms)
	case KindBsize, KindUrilen:
		return m.Cmp.test(len(buf)) && matchChain(items, buf, i+1, prevEnd, p, ms)
	case KindDsize:
		return m.Cmp.test(len(p.Payload)) && matchChain(items, buf, i+1, prevEnd, p, ms)
	case KindIsdataat:
		ok := m.Cmp.a < len(buf)
		if m.Relative {
			ok = prevEnd+m.Cmp.a <= len(buf)
		}
		return ok != m.Negated && matchChain(items, buf, i+1, prevEnd, p, ms)
	}
	return false
}

func matchContent(items []*Match, buf []byte, i, prevEnd int, p *Packet, ms *matchState) bool {
	m := items[i]
	lo, hi := 0, len(buf) // the match must start at >= lo and end at <= hi
	if m.Relative {
		lo = prevEnd + m.Distance
		if lo < 0 {
			lo = 0
		}
		if m.hasWithin {
			hi = prevEnd + m.Distance + m.Within
		}
	} else {
		lo = m.Offset
		if m.Depth > 0 {
			hi = m.Offset + m.Depth
		}
	}
	if hi > len(buf) {
		hi = len(buf)
	}
	n := len(m.Pattern)
	if m.EndsWith {
		ok := hi == len(buf) && len(buf)-n >= lo && m.equalAt(buf, len(buf)-n)
		if m.Negated {
			return !ok && matchChain(items, buf, i+1, prevEnd, p, ms)
		}
		return ok && matchChain(items, buf, i+1, len(buf), p, ms)
	}
	if lo > hi {
		return m.Negated && matchChain(items, buf, i+1, prevEnd, p, ms)
	}
	window := buf[:hi]
	pos := m.find(window, lo)
	if m.Negated {
		return pos < 0 && matchChain(items, buf, i+1, prevEnd, p, ms)
	}
	nextRelative := i+1 < len(items) && items[i+1].Relative
	for pos >= 0 {
		if matchChain(items, buf, i+1, pos+n, p, ms) {
			return true
		}
		if !nextRelative || ms.budget < 0 {
			return false
		}
		pos = m.find(window, pos+1)
	}
	return false
}

func (m *Match) equalAt(buf []byte, at int) bool {
	if at < 0 || at+len(m.Pattern) > len(buf) {
		return false
	}
	if m.Nocase {
		return equalFold(buf[at:at+len(m.Pattern)], m.lower)
	}
	return string(buf[at:at+len(m.Pattern)]) == string(m.Pattern)
}

func applyTransforms(dst, src []byte, ts []string) []byte {
	dst = append(dst, src...)
	for _, t := range ts {
		switch t {
		case "dotprefix":
			dst = append(dst, 0)
			copy(dst[1:], dst)
			dst[0] = '.'
		case "to_lowercase":
			for i, c := range dst {
				dst[i] = lowerTable[c]
			}
		case "to_uppercase":
			for i, c := range dst {
				if c >= 'a' && c <= 'z' {
					dst[i] = c - 32
				}
			}
		case "strip_whitespace":
			out := dst[:0]
			for _, c := range dst {
				if c != ' ' && c != '\t' && c != '\r' && c != '\n' && c != '\v' && c != '\f' {
					out = append(out, c)
				}
			}
			dst = out
		case "compress_whitespace":
			out := dst[:0]
			for i, c := range dst {
				ws := c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f'
				if ws && i > 0 && len(out) > 0 && out[len(out)-1] == ' ' {
					continue
				}
				if ws {
					c = ' '
				}
				out = append(out, c)
			}
			dst = out
		case "url_decode":
			dst = percentDecode(dst, false)
		}
	}
	return dst
}

func checkFlowbitsRead(r *Rule, fs *FlowState) bool {
	for _, f := range r.Flowbits {
		switch f.Cmd {
		case "isset":
			if !anyOrAll(f, fs, true) {
				return false
			}
		case "isnotset":
			if !anyOrAll(f, fs, false) {
				return false
			}
		}
	}
	return true
}

// anyOrAll: for "|" lists, one name in the wanted state suffices; for "&", all must be.
func anyOrAll(f Flowbit, fs *FlowState, want bool) bool {
	if f.And {
		for _, n := range f.Names {
			if fs.bits[n] != want {
				return false
			}
		}
		return true
	}
	for _, n := range f.Names {
		if fs.bits[n] == want {
			return true
		}
	}
	return false
}

func applyFlowbits(r *Rule, fs *FlowState) {
	for _, f := range r.Flowbits {
		for _, n := range f.Names {
			switch f.Cmd {
			case "set":
				if fs.bits == nil {
					fs.bits = map[string]bool{}
				}
				fs.bits[n] = true
			case "unset":
				delete(fs.bits, n)
			case "toggle":
				if fs.bits == nil {
					fs.bits = map[string]bool{}
				}
				if fs.bits[n] {
					delete(fs.bits, n)
				} else {
					fs.bits[n] = true
				}
			}
		}
	}
}

// readBytes reads b.Bytes at pos as a binary (big or little endian) or
// string number.
func (b *ByteOp) read(buf []byte, pos int) (uint64, bool) {
	if pos < 0 || pos+b.Bytes > len(buf) {
		return 0, false
	}
	raw := buf[pos : pos+b.Bytes]
	var v uint64
	if b.Base != 0 {
		n, err := strconv.ParseUint(strings.TrimSpace(string(raw)), b.Base, 64)
		if err != nil {
			return 0, false
		}
		v = n
	} else if b.Little {
		for i := len(raw) - 1; i >= 0; i-- {
			v = v<<8 | uint64(raw[i])
		}
	} else {
		for _, c := range raw {
			v = v<<8 | uint64(c)
		}
	}
	if b.Bitmask != 0 {
		v &= b.Bitmask
		for m := b.Bitmask; m != 0 && m&1 == 0; m >>= 1 {
			v >>= 1
		}
	}
	return v, true
}

func matchByteOp(items []*Match, buf []byte, i, prevEnd int, p *Packet, ms *matchState) bool {
	m := items[i]
	b := m.Byte
	pos := b.Offset
	if b.Relative {
		pos += prevEnd
	}
	v, ok := b.read(buf, pos)
	if !ok {
		return false
	}
	if m.Kind == KindByteTest {
		var r bool
		switch b.Op {
		case "<":
			r = v < b.Value
		case ">":
			r = v > b.Value
		case "=":
			r = v == b.Value
		case "<=":
			r = v <= b.Value
		case ">=":
			r = v >= b.Value
		case "&":
			r = v&b.Value != 0
		case "^":
			r = v^b.Value != 0
		}
		return r != b.Negate && matchChain(items, buf, i+1, prevEnd, p, ms)
	}
	// byte_jump: move the cursor past the value read.
	jump := int(v) * b.Multiplier
	if b.Align && jump%4 != 0 {
		jump += 4 - jump%4
	}
	next := pos + b.Bytes + jump
	switch {
	case b.FromBeginning:
		next = jump
	case b.FromEnd:
		next = len(buf) + jump
	}
	next += b.PostOffset
	if next < 0 || next > len(buf) {
		return false
	}
	return matchChain(items, buf, i+1, next, p, ms)
}
