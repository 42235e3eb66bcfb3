package replay

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/google/gopacket/layers"
)

// Capture-file reading is moat's own: gopacket's pcapgo imports
// golang.org/x/net/bpf, a module moat's go.sum does not carry. The formats
// are small: libpcap (https://www.tcpdump.org/manpages/pcap-savefile.5.html)
// and pcapng (IETF draft-ietf-opsawg-pcapng: SHB, IDB, EPB, SPB, OPB).

const maxPacketLen = 256 * 1024

// ErrBadCapture is wrapped by every capture-format error.
var ErrBadCapture = errors.New("bad capture file")

type captureReader interface {
	next() (data []byte, ts time.Time, err error)
	linkType() layers.LinkType
}

func openCapture(br *bufio.Reader) (captureReader, error) {
	magic, err := br.Peek(4)
	if err != nil {
		return nil, fmt.Errorf("%w: reading the file header: %v", ErrBadCapture, err)
	}
	if binary.LittleEndian.Uint32(magic) == 0x0A0D0D0A {
		return newNgReader(br)
	}
	return newPcapReader(br)
}

type pcapReader struct {
	r     *bufio.Reader
	order binary.ByteOrder
	nano  bool
	lt    layers.LinkType
	hdr   [16]byte
	buf   []byte
}

func newPcapReader(r *bufio.Reader) (*pcapReader, error) {
	var h [24]byte
	if _, err := io.ReadFull(r, h[:]); err != nil {
		return nil, fmt.Errorf("%w: pcap file header: %v", ErrBadCapture, err)
	}
	p := &pcapReader{r: r}
	switch binary.LittleEndian.Uint32(h[:4]) {
	case 0xa1b2c3d4:
		p.order = binary.LittleEndian
	case 0xd4c3b2a1:
		p.order = binary.BigEndian
	case 0xa1b23c4d:
		p.order, p.nano = binary.LittleEndian, true
	case 0x4d3cb2a1:
		p.order, p.nano = binary.BigEndian, true
	default:
		return nil, fmt.Errorf("%w: unknown magic %#08x (not pcap or pcapng)", ErrBadCapture, binary.LittleEndian.Uint32(h[:4]))
	}
	p.lt = layers.LinkType(p.order.Uint32(h[20:24]) & 0xffff)
	return p, nil
}

func (p *pcapReader) linkType() layers.LinkType { return p.lt }

func (p *pcapReader) next() ([]byte, time.Time, error) {
	if _, err := io.ReadFull(p.r, p.hdr[:]); err != nil {
		if err == io.EOF {
			return nil, time.Time{}, io.EOF
		}
		return nil, time.Time{}, fmt.Errorf("%w: packet header: %v", ErrBadCapture, err)
	}
	sec, frac := p.order.Uint32(p.hdr[0:4]), p.order.Uint32(p.hdr[4:8])
	incl := p.order.Uint32(p.hdr[8:12])
	if incl > maxPacketLen {
		return nil, time.Time{}, fmt.Errorf("%w: packet of %d bytes (limit %d)", ErrBadCapture, incl, maxPacketLen)
	}
	if cap(p.buf) < int(incl) {
		p.buf = make([]byte, incl)
	}
	p.buf = p.buf[:incl]
	if _, err := io.ReadFull(p.r, p.buf); err != nil {
		return nil, time.Time{}, fmt.Errorf("%w: packet data: %v", ErrBadCapture, io.ErrUnexpectedEOF)
	}
	ns := int64(frac) * 1000
	if p.nano {
		ns = int64(frac)
	}
	return p.buf, time.Unix(int64(sec), ns), nil
}

type ngIface struct {
	lt     layers.LinkType
	tsUnit int64 // nanoseconds per tick
}

type ngReader struct {
	r      *bufio.Reader
	order  binary.ByteOrder
	ifaces []ngIface
	buf    []byte
}

func newNgReader(r *bufio.Reader) (*ngReader, error) {
	n := &ngReader{r: r, order: binary.LittleEndian}
	// Read blocks until the first interface description.
	for len(n.ifaces) == 0 {
		typ, body, err := n.block()
		if err != nil {
			if err == io.EOF {
				return nil, fmt.Errorf("%w: pcapng file without an interface description", ErrBadCapture)
			}
			return nil, err
		}
		if typ == 1 {
			n.addIface(body)
		}
	}
	return n, nil
}

func (n *ngReader) linkType() layers.LinkType { return n.ifaces[0].lt }

func (n *ngReader) block() (uint32, []byte, error) {
	var h [8]byte
	if _, err := io.ReadFull(n.r, h[:]); err != nil {
		if err == io.EOF {
			return 0, nil, io.EOF
		}
		return 0, nil, fmt.Errorf("%w: pcapng block header: %v", ErrBadCapture, err)
	}
	typ := n.order.Uint32(h[:4])
	if typ == 0x0A0D0D0A {
		var bom [4]byte
		if _, err := io.ReadFull(n.r, bom[:]); err != nil {
			return 0, nil, fmt.Errorf("%w: pcapng section header: %v", ErrBadCapture, err)
		}
		switch binary.LittleEndian.Uint32(bom[:]) {
		case 0x1A2B3C4D:
			n.order = binary.LittleEndian
		case 0x4D3C2B1A:
			n.order = binary.BigEndian
		default:
			return 0, nil, fmt.Errorf("%w: pcapng byte-order magic", ErrBadCapture)
		}
		n.ifaces = n.ifaces[:0]
		l := n.order.Uint32(h[4:8])
		if l < 28 || l > 1<<20 || l%4 != 0 {
			return 0, nil, fmt.Errorf("%w: pcapng section header length %d", ErrBadCapture, l)
		}
		if _, err := io.CopyN(io.Discard, n.r, int64(l-12)); err != nil {
			return 0, nil, fmt.Errorf("%w: pcapng section header: %v", ErrBadCapture, io.ErrUnexpectedEOF)
		}
		return typ, nil, nil
	}
	l := n.order.Uint32(h[4:8])
	if l < 12 || l%4 != 0 || l > maxPacketLen+1024 {
		return 0, nil, fmt.Errorf("%w: pcapng block length %d", ErrBadCapture, l)
	}
	if cap(n.buf) < int(l-8) {
		n.buf = make([]byte, l-8)
	}
	n.buf = n.buf[:l-8]
	if _, err := io.ReadFull(n.r, n.buf); err != nil {
		return 0, nil, fmt.Errorf("%w: pcapng block: %v", ErrBadCapture, io.ErrUnexpectedEOF)
	}
	return typ, n.buf[:l-12], nil
}

func (n *ngReader) addIface(b []byte) {
	ifc := ngIface{tsUnit: 1000}
	if len(b) >= 8 {
		ifc.lt = layers.LinkType(n.order.Uint16(b[:2]))
		opts := b[8:]
		for len(opts) >= 4 {
			code, l := n.order.Uint16(opts), int(n.order.Uint16(opts[2:]))
			if 4+l > len(opts) {
				break
			}
			if code == 9 && l >= 1 { // if_tsresol
				v := opts[4]
				unit := int64(1e9)
				if v&0x80 == 0 {
					for i := 0; i < int(v); i++ {
						unit /= 10
					}
				} else {
					unit >>= v & 0x7f
				}
				if unit < 1 {
					unit = 1
				}
				ifc.tsUnit = unit
			}
			if code == 0 {
				break
			}
			opts = opts[4+(l+3)&^3:]
		}
	}
	n.ifaces = append(n.ifaces, ifc)
}

func (n *ngReader) next() ([]byte, time.Time, error) {
	for {
		typ, b, err := n.block()
		if err != nil {
			return nil, time.Time{}, err
		}
		switch typ {
		case 1:
			n.addIface(b)
		case 6: // enhanced packet block
			if len(b) < 20 {
				return nil, time.Time{}, fmt.Errorf("%w: short enhanced packet block", ErrBadCapture)
			}
			id := int(n.order.Uint32(b))
			if id >= len(n.ifaces) {
				return nil, time.Time{}, fmt.Errorf("%w: packet for unknown interface %d", ErrBadCapture, id)
			}
			ts := int64(n.order.Uint32(b[4:]))<<32 | int64(n.order.Uint32(b[8:]))
			capLen := int(n.order.Uint32(b[12:]))
			if 20+capLen > len(b) {
				return nil, time.Time{}, fmt.Errorf("%w: enhanced packet block shorter than its captured length", ErrBadCapture)
			}
			unit := n.ifaces[id].tsUnit
			return b[20 : 20+capLen], time.Unix(0, 0).Add(time.Duration(ts * unit)), nil
		case 3: // simple packet block
			if len(b) < 4 {
				return nil, time.Time{}, fmt.Errorf("%w: short simple packet block", ErrBadCapture)
			}
			return b[4:], time.Time{}, nil
		}
	}
}
