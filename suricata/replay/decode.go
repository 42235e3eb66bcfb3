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
			if d.ip4.Flags&layers.IPv4MoreFragments != 0 || d.ip4.FragOffset != 0 {
				st.Fragments++
				ipOK = false
			}
			pi.payload = d.ip4.Payload
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
