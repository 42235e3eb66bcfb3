package replay

import (
	"net/netip"

	"github.com/google/gopacket"
	"github.com/google/gopacket/layers"
)

// pktInfo is what the replay needs from a decoded frame.
type pktInfo struct {
	src, dst netip.Addr
	proto    uint8
	sp, dp   uint16
	payload  []byte
	ttl      uint8
	isTCP    bool
	icmpType int
}

// decode decodes one frame; it reports false (and counts why) for frames
// that are not IP, IP fragments, or truncated transport headers.
func (rp *replayer) decode(data []byte) (pktInfo, bool) {
	st := rp.stats
	d := &rp.dec
	d.types = d.types[:0]
	rawIP := rp.first == 12 || rp.first == 14 || rp.first == 101 || rp.first == layers.LinkTypeRaw
	if rawIP && len(data) > 0 && data[0]>>4 == 6 {
		_ = rp.parser6.DecodeLayers(data, &d.types)
	} else {
		_ = rp.parser.DecodeLayers(data, &d.types)
	}
	pi := pktInfo{icmpType: -1}
	hasIP, ipOK, hasUDP := false, false, false
	for _, t := range d.types {
		switch t {
		case layers.LayerTypeIPv4:
			pi.src, _ = netip.AddrFromSlice(d.ip4.SrcIP.To4())
			pi.dst, _ = netip.AddrFromSlice(d.ip4.DstIP.To4())
			pi.proto, pi.ttl, hasIP, ipOK = uint8(d.ip4.Protocol), d.ip4.TTL, true, true
			pi.payload = d.ip4.Payload
			if d.ip4.Flags&layers.IPv4MoreFragments != 0 || d.ip4.FragOffset != 0 {
				st.Fragments++
				return rp.defragment(pi)
			}
		case layers.LayerTypeIPv6:
			pi.src, _ = netip.AddrFromSlice(d.ip6.SrcIP)
			pi.dst, _ = netip.AddrFromSlice(d.ip6.DstIP)
			pi.proto, pi.ttl, hasIP, ipOK = uint8(d.ip6.NextHeader), d.ip6.HopLimit, true, true
			pi.payload = d.ip6.Payload
		case layers.LayerTypeTCP:
			pi.sp, pi.dp, pi.payload, pi.isTCP, pi.proto = uint16(d.tcp.SrcPort), uint16(d.tcp.DstPort), d.tcp.Payload, true, 6
		case layers.LayerTypeUDP:
			pi.sp, pi.dp, pi.payload, pi.proto, hasUDP = uint16(d.udp.SrcPort), uint16(d.udp.DstPort), d.udp.Payload, 17, true
		case layers.LayerTypeICMPv4:
			pi.icmpType, pi.payload, pi.proto = int(d.icmp4.TypeCode.Type()), d.icmp4.Payload, 1
		case layers.LayerTypeICMPv6:
			pi.icmpType, pi.payload, pi.proto = int(d.icmp6.TypeCode.Type()), d.icmp6.Payload, 58
		}
	}
	switch {
	case !hasIP:
		st.NonIP++
		return pi, false
	case !ipOK:
		return pi, false
	case pi.proto == 6 && !pi.isTCP, pi.proto == 17 && !hasUDP:
		st.Invalid++
		return pi, false
	}
	return pi, true
}

func newIPv6Parser(d *decoded) *gopacket.DecodingLayerParser {
	p := gopacket.NewDecodingLayerParser(layers.LayerTypeIPv6, &d.ip6, &d.tcp, &d.udp, &d.icmp6, &d.pl)
	p.IgnoreUnsupported = true
	return p
}

// IPv4 reassembly limits: datagrams larger than 64 KiB or more than
// maxPendingDatagrams incomplete ones are given up (and counted).
const maxPendingDatagrams = 1024

type fragKey struct {
	src, dst netip.Addr
	id       uint16
	proto    uint8
}

type fragBuf struct {
	data  []byte
	have  []bool
	total int // -1 until the last fragment arrives
}

// defragment adds an IPv4 fragment; when the datagram is complete it
// decodes the transport header from the reassembled payload (first copy of
// overlapping bytes wins).
func (rp *replayer) defragment(pi pktInfo) (pktInfo, bool) {
	ip := &rp.dec.ip4
	k := fragKey{pi.src, pi.dst, ip.Id, pi.proto}
	fb := rp.frags[k]
	if fb == nil {
		if len(rp.frags) >= maxPendingDatagrams {
			rp.stats.FragmentsDropped += uint64(len(rp.frags))
			clear(rp.frags)
		}
		fb = &fragBuf{total: -1}
		rp.frags[k] = fb
	}
	off := int(ip.FragOffset) * 8
	end := off + len(ip.Payload)
	if end > 65535 {
		delete(rp.frags, k)
		rp.stats.FragmentsDropped++
		return pi, false
	}
	if end > len(fb.data) {
		fb.data = append(fb.data, make([]byte, end-len(fb.data))...)
		fb.have = append(fb.have, make([]bool, end-len(fb.have))...)
	}
	for i := off; i < end; i++ {
		if !fb.have[i] {
			fb.data[i], fb.have[i] = ip.Payload[i-off], true
		}
	}
	if ip.Flags&layers.IPv4MoreFragments == 0 {
		fb.total = end
	}
	if fb.total < 0 {
		return pi, false
	}
	for i := 0; i < fb.total; i++ {
		if !fb.have[i] {
			return pi, false
		}
	}
	delete(rp.frags, k)
	rp.stats.Reassembled++
	pi.payload = fb.data[:fb.total]
	d := &rp.dec
	switch pi.proto {
	case 6:
		if d.tcp.DecodeFromBytes(pi.payload, gopacket.NilDecodeFeedback) != nil {
			rp.stats.Invalid++
			return pi, false
		}
		pi.sp, pi.dp, pi.payload, pi.isTCP = uint16(d.tcp.SrcPort), uint16(d.tcp.DstPort), d.tcp.Payload, true
	case 17:
		if d.udp.DecodeFromBytes(pi.payload, gopacket.NilDecodeFeedback) != nil {
			rp.stats.Invalid++
			return pi, false
		}
		pi.sp, pi.dp, pi.payload = uint16(d.udp.SrcPort), uint16(d.udp.DstPort), d.udp.Payload
	case 1:
		if d.icmp4.DecodeFromBytes(pi.payload, gopacket.NilDecodeFeedback) != nil {
			rp.stats.Invalid++
			return pi, false
		}
		pi.icmpType, pi.payload = int(d.icmp4.TypeCode.Type()), d.icmp4.Payload
	}
	return pi, true
}
