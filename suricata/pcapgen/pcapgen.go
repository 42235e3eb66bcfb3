// Package pcapgen writes small synthetic packet captures (libpcap format,
// Ethernet link type): TCP sessions with handshakes, UDP datagrams, TLS
// ClientHellos and DNS queries. moat uses it for test fixtures and to
// generate benchmark traffic; the packets are serialised with gopacket's
// layers, so checksums and lengths are real.
package pcapgen

import (
	"encoding/binary"
	"io"
	"net"
	"net/netip"
	"time"

	"github.com/google/gopacket"
	"github.com/google/gopacket/layers"
)

// Writer writes a libpcap file.
type Writer struct {
	w    io.Writer
	T    time.Time // the next packet's time; each packet advances it by Step
	Step time.Duration
	buf  gopacket.SerializeBuffer
	hdr  [16]byte
	// MSS splits TCP payloads into segments of at most this many bytes.
	MSS int
}

// NewWriter writes the file header.
func NewWriter(w io.Writer) (*Writer, error) {
	var h [24]byte
	binary.LittleEndian.PutUint32(h[0:], 0xa1b2c3d4)
	binary.LittleEndian.PutUint16(h[4:], 2)
	binary.LittleEndian.PutUint16(h[6:], 4)
	binary.LittleEndian.PutUint32(h[16:], 262144)
	binary.LittleEndian.PutUint32(h[20:], uint32(layers.LinkTypeEthernet))
	if _, err := w.Write(h[:]); err != nil {
		return nil, err
	}
	return &Writer{w: w, T: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC), Step: time.Millisecond, buf: gopacket.NewSerializeBuffer(), MSS: 1460}, nil
}

// WritePacket writes one raw frame.
func (w *Writer) WritePacket(data []byte) error {
	binary.LittleEndian.PutUint32(w.hdr[0:], uint32(w.T.Unix()))
	binary.LittleEndian.PutUint32(w.hdr[4:], uint32(w.T.Nanosecond()/1000))
	binary.LittleEndian.PutUint32(w.hdr[8:], uint32(len(data)))
	binary.LittleEndian.PutUint32(w.hdr[12:], uint32(len(data)))
	w.T = w.T.Add(w.Step)
	if _, err := w.w.Write(w.hdr[:]); err != nil {
		return err
	}
	_, err := w.w.Write(data)
	return err
}

func (w *Writer) serialize(src, dst netip.Addr, l4 gopacket.SerializableLayer, payload []byte, nl gopacket.NetworkLayer) error {
	eth := &layers.Ethernet{SrcMAC: net.HardwareAddr{2, 0, 0, 0, 0, 1}, DstMAC: net.HardwareAddr{2, 0, 0, 0, 0, 2}, EthernetType: layers.EthernetTypeIPv4}
	var ipl gopacket.SerializableLayer
	if src.Is4() {
		ip := &layers.IPv4{Version: 4, TTL: 64, SrcIP: src.AsSlice(), DstIP: dst.AsSlice()}
		switch l4.(type) {
		case *layers.TCP:
			ip.Protocol = layers.IPProtocolTCP
		case *layers.UDP:
			ip.Protocol = layers.IPProtocolUDP
		}
		ipl = ip
		setNet(l4, ip)
	} else {
		eth.EthernetType = layers.EthernetTypeIPv6
		ip := &layers.IPv6{Version: 6, HopLimit: 64, SrcIP: src.AsSlice(), DstIP: dst.AsSlice()}
		switch l4.(type) {
		case *layers.TCP:
			ip.NextHeader = layers.IPProtocolTCP
		case *layers.UDP:
			ip.NextHeader = layers.IPProtocolUDP
		}
		ipl = ip
		setNet(l4, ip)
	}
	opts := gopacket.SerializeOptions{FixLengths: true, ComputeChecksums: true}
	if err := gopacket.SerializeLayers(w.buf, opts, eth, ipl, l4, gopacket.Payload(payload)); err != nil {
		return err
	}
	return w.WritePacket(w.buf.Bytes())
}

func setNet(l4 gopacket.SerializableLayer, nl gopacket.NetworkLayer) {
	switch l := l4.(type) {
	case *layers.TCP:
		_ = l.SetNetworkLayerForChecksum(nl)
	case *layers.UDP:
		_ = l.SetNetworkLayerForChecksum(nl)
	}
}

// UDP writes one datagram.
func (w *Writer) UDP(src, dst netip.AddrPort, payload []byte) error {
	u := &layers.UDP{SrcPort: layers.UDPPort(src.Port()), DstPort: layers.UDPPort(dst.Port())}
	return w.serialize(src.Addr(), dst.Addr(), u, payload, nil)
}

// TCPConn is one synthetic TCP session.
type TCPConn struct {
	w          *Writer
	Cli, Srv   netip.AddrPort
	cseq, sseq uint32
}

// TCP starts a session between cli and srv (nothing is written yet).
func (w *Writer) TCP(cli, srv netip.AddrPort) *TCPConn {
	return &TCPConn{w: w, Cli: cli, Srv: srv, cseq: 1000, sseq: 5000}
}

func (c *TCPConn) seg(fromClient bool, flags string, payload []byte) error {
	t := &layers.TCP{Window: 65535}
	src, dst := c.Cli, c.Srv
	seq, ack := c.cseq, c.sseq
	if !fromClient {
		src, dst = dst, src
		seq, ack = c.sseq, c.cseq
	}
	t.SrcPort, t.DstPort, t.Seq = layers.TCPPort(src.Port()), layers.TCPPort(dst.Port()), seq
	for _, f := range flags {
		switch f {
		case 'S':
			t.SYN = true
		case 'A':
			t.ACK, t.Ack = true, ack
		case 'P':
			t.PSH = true
		case 'F':
			t.FIN = true
		case 'R':
			t.RST = true
		}
	}
	if err := c.w.serialize(src.Addr(), dst.Addr(), t, payload, nil); err != nil {
		return err
	}
	n := uint32(len(payload))
	if t.SYN || t.FIN {
		n++
	}
	if fromClient {
		c.cseq += n
	} else {
		c.sseq += n
	}
	return nil
}

// Handshake writes SYN, SYN/ACK, ACK.
func (c *TCPConn) Handshake() error {
	for _, s := range []struct {
		cli   bool
		flags string
	}{{true, "S"}, {false, "SA"}, {true, "A"}} {
		if err := c.seg(s.cli, s.flags, nil); err != nil {
			return err
		}
	}
	return nil
}

// Client sends data from the client in MSS-sized segments.
func (c *TCPConn) Client(data []byte) error { return c.send(true, data) }

// Server sends data from the server in MSS-sized segments.
func (c *TCPConn) Server(data []byte) error { return c.send(false, data) }

func (c *TCPConn) send(fromClient bool, data []byte) error {
	for len(data) > 0 {
		n := min(len(data), c.w.MSS)
		if err := c.seg(fromClient, "PA", data[:n]); err != nil {
			return err
		}
		data = data[n:]
	}
	return nil
}

// Close writes FIN/ACK both ways and the last ACK.
func (c *TCPConn) Close() error {
	if err := c.seg(true, "FA", nil); err != nil {
		return err
	}
	if err := c.seg(false, "FA", nil); err != nil {
		return err
	}
	return c.seg(true, "A", nil)
}

// ClientHello returns a TLS 1.2 ClientHello record with the given SNI.
func ClientHello(sni string) []byte {
	var ext []byte
	if sni != "" {
		name := []byte(sni)
		sn := append([]byte{0}, u16(len(name))...)
		sn = append(sn, name...)
		list := append(u16(len(sn)), sn...)
		ext = append(ext, u16(0)...)
		ext = append(ext, u16(len(list))...)
		ext = append(ext, list...)
	}
	// supported_groups and ec_point_formats, as real clients send.
	ext = append(ext, 0x00, 0x0a, 0x00, 0x04, 0x00, 0x02, 0x00, 0x17)
	ext = append(ext, 0x00, 0x0b, 0x00, 0x02, 0x01, 0x00)
	body := []byte{0x03, 0x03}
	body = append(body, make([]byte, 32)...) // random
	body = append(body, 0)                   // session id
	body = append(body, 0x00, 0x04, 0xc0, 0x2f, 0x00, 0x9c)
	body = append(body, 0x01, 0x00) // compression
	body = append(body, u16(len(ext))...)
	body = append(body, ext...)
	hs := append([]byte{1, byte(len(body) >> 16), byte(len(body) >> 8), byte(len(body))}, body...)
	return append([]byte{0x16, 0x03, 0x01, byte(len(hs) >> 8), byte(len(hs))}, hs...)
}

// DNSQuery returns a DNS query message for name (type A).
func DNSQuery(id uint16, name string) []byte {
	m := []byte{byte(id >> 8), byte(id), 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0}
	start := 0
	for i := 0; i <= len(name); i++ {
		if i == len(name) || name[i] == '.' {
			m = append(m, byte(i-start))
			m = append(m, name[start:i]...)
			start = i + 1
		}
	}
	return append(m, 0, 0, 1, 0, 1)
}

func u16(n int) []byte { return []byte{byte(n >> 8), byte(n)} }

// ServerHelloCertificate returns the server's first TLS 1.2 flight: a
// ServerHello and a Certificate message carrying der, in one handshake record.
func ServerHelloCertificate(der []byte) []byte {
	sh := []byte{0x03, 0x03}
	sh = append(sh, make([]byte, 32)...)
	sh = append(sh, 0, 0xc0, 0x2f, 0)
	msg := append([]byte{2, 0, byte(len(sh) >> 8), byte(len(sh))}, sh...)
	entry := append([]byte{byte(len(der) >> 16), byte(len(der) >> 8), byte(len(der))}, der...)
	list := append([]byte{byte(len(entry) >> 16), byte(len(entry) >> 8), byte(len(entry))}, entry...)
	msg = append(msg, 11, byte(len(list)>>16), byte(len(list)>>8), byte(len(list)))
	msg = append(msg, list...)
	return append([]byte{0x16, 0x03, 0x03, byte(len(msg) >> 8), byte(len(msg))}, msg...)
}
