package replay

import (
	"hash/fnv"
	"net/netip"
	"sort"
	"strconv"

	"github.com/moatdev/moat/suricata"
)

type flowKey struct {
	proto uint8
	a, b  netip.AddrPort // a < b
}

func makeKey(proto uint8, s, d netip.AddrPort) flowKey {
	if s.Compare(d) > 0 {
		s, d = d, s
	}
	return flowKey{proto: proto, a: s, b: d}
}

// flow is one bidirectional conversation.
type flow struct {
	key         flowKey
	id          uint64
	proto       uint8
	cli, srv    netip.AddrPort
	start, end  int64     // nanoseconds
	pkts        [2]uint64 // 0: to server, 1: to client
	bytes       [2]uint64
	flags       [2]uint8
	minTTL      [2]uint8
	maxTTL      [2]uint8
	seen        [2]bool
	synSeen     bool
	synAckSeen  bool
	established bool
	midstream   bool
	finSeen     [2]bool
	rstSeen     bool
	alerted     bool
	ignored     bool // TCP without a handshake while midstream pickup is off

	streams  [2]*stream
	app      suricata.AppProto
	appTried [2]bool
	http     *httpState
	tls      *tlsState
	dnsTx    uint64
	dnsBuf   [2][]byte // DNS over TCP
	tail     [2][]byte // the last streamTail bytes of each direction

	fs suricata.FlowState
}

func (f *flow) dir(src netip.AddrPort) int {
	if src == f.cli {
		return 0
	}
	return 1
}

func flowID(k flowKey, start int64) uint64 {
	h := fnv.New64a()
	h.Write([]byte{k.proto})
	b, _ := k.a.MarshalBinary()
	h.Write(b)
	b, _ = k.b.MarshalBinary()
	h.Write(b)
	h.Write([]byte(strconv.FormatInt(start, 10)))
	return h.Sum64() & (1<<51 - 1) // keep it exact in JSON numbers
}

// stream reassembles one TCP direction.
type stream struct {
	sent         uint64 // sequence span so far: data bytes, plus one for the SYN
	init         bool
	next         uint32
	pending      []segment
	pendingBytes int
	gaps         int
	overlap      int
}

type segment struct {
	seq  uint32
	data []byte
}

// Bounds on out-of-order data waiting for a gap to fill, per direction.
const (
	maxPending      = 256
	maxPendingBytes = 1 << 20
)

func seqLess(a, b uint32) bool { return int32(a-b) < 0 }

// add takes a segment and returns the newly contiguous data (in order).
func (s *stream) add(seq uint32, data []byte, out [][]byte) [][]byte {
	if !s.init {
		s.init, s.next = true, seq
	}
	if len(data) == 0 {
		return out
	}
	// Trim what was already delivered (retransmissions, overlaps).
	if seqLess(seq, s.next) {
		d := s.next - seq
		if int64(d) >= int64(len(data)) {
			s.overlap++
			return out
		}
		s.overlap++
		data, seq = data[d:], s.next
	}
	if seq != s.next {
		s.pending = append(s.pending, segment{seq: seq, data: append([]byte(nil), data...)})
		s.pendingBytes += len(data)
		if len(s.pending) > maxPending || s.pendingBytes > maxPendingBytes {
			// Give up waiting for the missing bytes: skip the gap.
			sort.Slice(s.pending, func(i, j int) bool { return seqLess(s.pending[i].seq, s.pending[j].seq) })
			s.gaps++
			s.next = s.pending[0].seq
			return s.flush(out)
		}
		return out
	}
	out = append(out, data)
	s.next += uint32(len(data))
	s.sent += uint64(len(data))
	return s.flush(out)
}

func (s *stream) flush(out [][]byte) [][]byte {
	for progress := true; progress && len(s.pending) > 0; {
		progress = false
		for i := 0; i < len(s.pending); i++ {
			sg := s.pending[i]
			if seqLess(s.next, sg.seq) {
				continue
			}
			s.pending = append(s.pending[:i], s.pending[i+1:]...)
			s.pendingBytes -= len(sg.data)
			i--
			progress = true
			d := s.next - sg.seq
			if int64(d) >= int64(len(sg.data)) {
				continue
			}
			out = append(out, sg.data[d:])
			s.next += uint32(len(sg.data)) - d
			s.sent += uint64(len(sg.data)) - uint64(d)
		}
	}
	return out
}

// drainGaps delivers what is pending after a gap (at flow end).
func (s *stream) drainGaps(out [][]byte) [][]byte {
	if len(s.pending) == 0 {
		return out
	}
	sort.Slice(s.pending, func(i, j int) bool { return seqLess(s.pending[i].seq, s.pending[j].seq) })
	s.gaps++
	s.next = s.pending[0].seq
	return s.flush(out)
}
