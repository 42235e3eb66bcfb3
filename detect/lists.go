package detect

import (
	"bufio"
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"net/netip"
	"sort"
	"strings"
)

// ListFormat is the format of a trusted IP list or threat list, with
// GuardDuty's names for the formats (API_CreateThreatIntelSet).
type ListFormat string

// Formats moat reads. GuardDuty also accepts OTX_CSV, ALIEN_VAULT,
// PROOF_POINT and FIRE_EYE; moat does not read those yet.
const (
	FormatTXT  ListFormat = "TXT"
	FormatSTIX ListFormat = "STIX"
)

// ThreatKind says what a threat list's entries are known for, which decides
// the finding type a match raises. GuardDuty's own intelligence feeds (C&C,
// mining pools) are not public; moat lets users label their lists instead.
type ThreatKind int

// Threat list kinds.
const (
	ThreatCustom            ThreatKind = iota // MaliciousIPCaller.Custom
	ThreatCommandAndControl                   // C&CActivity.B, C&CActivity.B!DNS
	ThreatCryptoMining                        // BitcoinTool.B, BitcoinTool.B!DNS
)

// MaxListEntries bounds one list: GuardDuty allows 250,000 entries in a threat
// list and 2,000 in a trusted list (guardduty_upload-lists.md).
const MaxListEntries = 250000

// IPList is a trusted IP list or a threat list: IPv4/IPv6 addresses and CIDR
// ranges, plus (moat's extension, for DNS findings) domain names.
type IPList struct {
	Name string
	Kind ThreatKind

	exact   map[netip.Addr]struct{}
	nets    map[netip.Prefix]struct{}
	bits    []int // prefix lengths present in nets, longest first
	domains map[string]struct{}
}

// NewIPList returns an empty list.
func NewIPList(name string, kind ThreatKind) *IPList {
	return &IPList{Name: name, Kind: kind, exact: map[netip.Addr]struct{}{},
		nets: map[netip.Prefix]struct{}{}, domains: map[string]struct{}{}}
}

// Len is the number of entries.
func (l *IPList) Len() int { return len(l.exact) + len(l.nets) + len(l.domains) }

// Add adds one entry: an address, a CIDR range or a domain name.
func (l *IPList) Add(entry string) error {
	entry = strings.TrimSpace(entry)
	if l.Len() >= MaxListEntries {
		return fmt.Errorf("more than %d entries", MaxListEntries)
	}
	if strings.Contains(entry, "/") {
		p, err := netip.ParsePrefix(entry)
		if err != nil {
			return fmt.Errorf("invalid CIDR %q", entry)
		}
		p = p.Masked()
		if p.Bits() == p.Addr().BitLen() {
			l.exact[p.Addr()] = struct{}{}
			return nil
		}
		if _, ok := l.nets[p]; !ok {
			l.nets[p] = struct{}{}
			l.addBits(p.Bits())
		}
		return nil
	}
	if a, err := netip.ParseAddr(entry); err == nil {
		l.exact[a.Unmap()] = struct{}{}
		return nil
	}
	if isDomainName(entry) {
		l.domains[strings.ToLower(strings.TrimSuffix(entry, "."))] = struct{}{}
		return nil
	}
	return fmt.Errorf("not an IP address, CIDR range or domain name: %q", entry)
}

func (l *IPList) addBits(b int) {
	for _, x := range l.bits {
		if x == b {
			return
		}
	}
	l.bits = append(l.bits, b)
	sort.Sort(sort.Reverse(sort.IntSlice(l.bits)))
}

// Contains reports whether the address is on the list.
func (l *IPList) Contains(a netip.Addr) bool {
	if l == nil || !a.IsValid() {
		return false
	}
	a = a.Unmap()
	if _, ok := l.exact[a]; ok {
		return true
	}
	for _, b := range l.bits {
		if b > a.BitLen() {
			continue
		}
		p, _ := a.Prefix(b)
		if _, ok := l.nets[p]; ok {
			return true
		}
	}
	return false
}

// ContainsDomain reports whether the name or one of its parent domains is on
// the list. name must be lower case, without the trailing dot.
func (l *IPList) ContainsDomain(name string) bool {
	if l == nil || len(l.domains) == 0 {
		return false
	}
	for {
		if _, ok := l.domains[name]; ok {
			return true
		}
		i := strings.IndexByte(name, '.')
		if i < 0 {
			return false
		}
		name = name[i+1:]
	}
}

func isDomainName(s string) bool {
	if len(s) == 0 || len(s) > 253 || !strings.Contains(s, ".") {
		return false
	}
	for _, c := range s {
		if !(c == '.' || c == '-' || c == '_' || c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z') {
			return false
		}
	}
	return true
}

// ReadIPList reads a list in the given format. Errors name the line (TXT)
// of the offending entry; reading stops at the first bad entry, as
// GuardDuty rejects a list that does not parse.
func ReadIPList(r io.Reader, name string, format ListFormat, kind ThreatKind) (*IPList, error) {
	l := NewIPList(name, kind)
	switch format {
	case FormatTXT, "":
		return l, l.readTXT(r, name)
	case FormatSTIX:
		return l, l.readSTIX(r, name)
	}
	return nil, fmt.Errorf("%s: unsupported list format %q (moat reads TXT and STIX)", name, format)
}

func (l *IPList) readTXT(r io.Reader, name string) error {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 4096), 1<<20)
	n := 0
	for sc.Scan() {
		n++
		line := sc.Text()
		if i := strings.IndexByte(line, '#'); i >= 0 { // moat allows comments
			line = line[:i]
		}
		line = strings.TrimSpace(strings.TrimPrefix(line, "\ufeff"))
		if line == "" {
			continue
		}
		if err := l.Add(line); err != nil {
			return &Error{File: name, Line: n, Column: 1, Msg: err.Error()}
		}
	}
	if err := sc.Err(); err != nil {
		return &Error{File: name, Line: n + 1, Msg: "read error", Err: err}
	}
	return nil
}

// readSTIX reads the observables of a STIX 1.x XML document, the STIX flavour
// GuardDuty documents: AddressObj Address_Value elements (IPs and CIDRs) and
// DomainNameObj/URIObj Value elements (domains).
func (l *IPList) readSTIX(r io.Reader, name string) error {
	dec := xml.NewDecoder(r)
	var path []string
	for {
		tok, err := dec.Token()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			line, _ := dec.InputPos()
			return &Error{File: name, Line: line, Msg: "invalid STIX XML: " + err.Error(), Err: err}
		}
		switch t := tok.(type) {
		case xml.StartElement:
			path = append(path, t.Name.Local)
		case xml.EndElement:
			if len(path) > 0 {
				path = path[:len(path)-1]
			}
		case xml.CharData:
			if len(path) == 0 {
				continue
			}
			leaf := path[len(path)-1]
			v := string(bytes.TrimSpace(t))
			if v == "" || (leaf != "Address_Value" && leaf != "Value") {
				continue
			}
			if leaf == "Value" && !isDomainName(v) {
				continue
			}
			for _, part := range strings.Split(v, "##comma##") { // STIX list delimiter
				if err := l.Add(part); err != nil {
					line, _ := dec.InputPos()
					return &Error{File: name, Line: line, Msg: err.Error()}
				}
			}
		}
	}
}

func parseAddr(s string) (netip.Addr, error) {
	a, err := netip.ParseAddr(strings.TrimSpace(s))
	return a.Unmap(), err
}
