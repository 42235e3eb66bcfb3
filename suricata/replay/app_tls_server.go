package replay

import (
	"crypto/sha1"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
)

// tlsServer reassembles the server's handshake records until the
// Certificate message (TLS 1.2 and earlier send it in clear) and keeps the
// first certificate's subject, issuer, serial and SHA-1 fingerprint in
// Suricata's formats.
type tlsServer struct {
	buf         []byte
	hs          []byte
	done        bool
	subject     string
	issuer      string
	serial      string
	fingerprint string
	notBefore   string
	notAfter    string
	certs       [][]byte // DER of every certificate in the message (tls.certs)
}

var errServerTLS = errors.New("malformed TLS server handshake")

// feed consumes server data; it reports true when the certificate was just parsed.
func (s *tlsServer) feed(data []byte) (bool, error) {
	if s.done {
		return false, nil
	}
	s.buf = append(s.buf, data...)
	for len(s.buf) >= 5 {
		typ, n := s.buf[0], int(binary.BigEndian.Uint16(s.buf[3:5]))
		if s.buf[1] != 3 || n > 18432 {
			s.done = true
			return false, errServerTLS
		}
		if len(s.buf) < 5+n {
			return false, nil
		}
		rec := s.buf[5 : 5+n]
		s.buf = s.buf[5+n:]
		if typ != 22 {
			// ChangeCipherSpec or encrypted data: the clear handshake is over
			// (TLS 1.3 encrypts the certificate).
			s.done = true
			return false, nil
		}
		s.hs = append(s.hs, rec...)
		for len(s.hs) >= 4 {
			l := int(s.hs[1])<<16 | int(s.hs[2])<<8 | int(s.hs[3])
			if len(s.hs) < 4+l {
				break
			}
			msgType, body := s.hs[0], s.hs[4:4+l]
			s.hs = s.hs[4+l:]
			if msgType == 11 {
				s.done = true
				if err := s.certificate(body); err != nil {
					return false, err
				}
				return true, nil
			}
		}
	}
	return false, nil
}

func (s *tlsServer) certificate(b []byte) error {
	if len(b) < 6 {
		return errServerTLS
	}
	l := int(b[3])<<16 | int(b[4])<<8 | int(b[5])
	if 6+l > len(b) || l == 0 {
		return errServerTLS
	}
	der := b[6 : 6+l]
	total := int(b[0])<<16 | int(b[1])<<8 | int(b[2])
	for rest := b[3:min(len(b), 3+total)]; len(rest) >= 3; {
		n := int(rest[0])<<16 | int(rest[1])<<8 | int(rest[2])
		if 3+n > len(rest) {
			break
		}
		s.certs = append(s.certs, rest[3:3+n])
		rest = rest[3+n:]
	}
	c, err := x509.ParseCertificate(der)
	if err != nil {
		return errServerTLS
	}
	s.subject, s.issuer = dnString(c.Subject.Names), dnString(c.Issuer.Names)
	serial := c.SerialNumber.Bytes()
	if len(serial) == 0 || serial[0]&0x80 != 0 {
		serial = append([]byte{0}, serial...) // DER keeps a leading zero byte
	}
	s.serial = colonHex(serial, true)
	sum := sha1.Sum(der)
	s.fingerprint = colonHex(sum[:], false)
	s.notBefore = c.NotBefore.UTC().Format("2006-01-02T15:04:05")
	s.notAfter = c.NotAfter.UTC().Format("2006-01-02T15:04:05")
	return nil
}

var dnNames = map[string]string{"2.5.4.6": "C", "2.5.4.8": "ST", "2.5.4.7": "L", "2.5.4.10": "O", "2.5.4.11": "OU", "2.5.4.3": "CN",
	"2.5.4.5": "serialNumber", "2.5.4.9": "street", "2.5.4.17": "postalCode", "1.2.840.113549.1.9.1": "emailAddress",
	"0.9.2342.19200300.100.1.25": "DC", "2.5.4.4": "SN", "2.5.4.42": "GN", "2.5.4.12": "title"}

// dnString formats a distinguished name as Suricata's EVE does: attributes
// in certificate order, "C=US, O=Example, CN=www.example.com".
func dnString(names []pkix.AttributeTypeAndValue) string {
	parts := make([]string, 0, len(names))
	for _, n := range names {
		k, ok := dnNames[n.Type.String()]
		if !ok {
			k = n.Type.String()
		}
		parts = append(parts, k+"="+fmt.Sprint(n.Value))
	}
	return strings.Join(parts, ", ")
}

func colonHex(b []byte, upper bool) string {
	h := hex.EncodeToString(b)
	if upper {
		h = strings.ToUpper(h)
	}
	var sb strings.Builder
	for i := 0; i < len(h); i += 2 {
		if i > 0 {
			sb.WriteByte(':')
		}
		sb.WriteString(h[i : i+2])
	}
	return sb.String()
}
