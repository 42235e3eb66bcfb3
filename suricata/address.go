package suricata

import (
	"fmt"
	"net/netip"
	"strconv"
	"strings"
)

// DefaultAddressVars are the address variables of Suricata's default
// suricata.yaml; Network Firewall sets HOME_NET to the VPC CIDR instead.
var DefaultAddressVars = map[string]string{
	"HOME_NET":       "[192.168.0.0/16,10.0.0.0/8,172.16.0.0/12]",
	"EXTERNAL_NET":   "!$HOME_NET",
	"HTTP_SERVERS":   "$HOME_NET",
	"SMTP_SERVERS":   "$HOME_NET",
	"SQL_SERVERS":    "$HOME_NET",
	"DNS_SERVERS":    "$HOME_NET",
	"TELNET_SERVERS": "$HOME_NET",
	"AIM_SERVERS":    "$EXTERNAL_NET",
	"DC_SERVERS":     "$HOME_NET",
	"DNP3_SERVER":    "$HOME_NET",
	"DNP3_CLIENT":    "$HOME_NET",
	"MODBUS_CLIENT":  "$HOME_NET",
	"MODBUS_SERVER":  "$HOME_NET",
	"ENIP_CLIENT":    "$HOME_NET",
	"ENIP_SERVER":    "$HOME_NET",
}

// DefaultPortVars are the port variables of Suricata's default suricata.yaml.
var DefaultPortVars = map[string]string{
	"HTTP_PORTS":      "80",
	"SHELLCODE_PORTS": "!80",
	"ORACLE_PORTS":    "1521",
	"SSH_PORTS":       "22",
	"DNP3_PORTS":      "20000",
	"MODBUS_PORTS":    "502",
	"FILE_DATA_PORTS": "[$HTTP_PORTS,110,143]",
	"FTP_PORTS":       "21",
	"GENEVE_PORTS":    "6081",
	"VXLAN_PORTS":     "4789",
	"TEREDO_PORTS":    "3544",
}

const maxVarDepth = 16

// parseAddr parses an address expression: any, an IP, a CIDR, $VAR, a list
// [a,b], negation !x, nested lists.
func parseAddr(s string, vars map[string]string, depth int) (AddrSet, error) {
	s = strings.TrimSpace(s)
	if depth > maxVarDepth {
		return AddrSet{}, fmt.Errorf("address variables nested more than %d deep (a loop?)", maxVarDepth)
	}
	if s == "" {
		return AddrSet{}, fmt.Errorf("empty address")
	}
	if s[0] == '!' {
		a, err := parseAddr(s[1:], vars, depth)
		if err != nil {
			return a, err
		}
		if a.any && !a.neg {
			return a, fmt.Errorf("address %q negates any, which matches nothing", s)
		}
		return AddrSet{neg: true, subs: []AddrSet{a}, text: s}, nil
	}
	if s == "any" {
		return AddrSet{any: true, text: s}, nil
	}
	if s[0] == '$' {
		name := s[1:]
		v, ok := vars[name]
		if !ok {
			return AddrSet{}, fmt.Errorf("address variable $%s is not defined", name)
		}
		a, err := parseAddr(v, vars, depth+1)
		if err != nil {
			return a, fmt.Errorf("$%s: %w", name, err)
		}
		a.text = s
		return a, nil
	}
	if s[0] == '[' {
		if s[len(s)-1] != ']' {
			return AddrSet{}, fmt.Errorf("address list %q has no closing ]", s)
		}
		items, err := splitList(s[1 : len(s)-1])
		if err != nil {
			return AddrSet{}, fmt.Errorf("address list %q: %w", s, err)
		}
		set := AddrSet{text: s}
		for _, it := range items {
			a, err := parseAddr(it, vars, depth)
			if err != nil {
				return set, err
			}
			set.subs = append(set.subs, a)
		}
		return set, nil
	}
	if strings.Contains(s, "/") {
		p, err := netip.ParsePrefix(s)
		if err != nil {
			// Suricata accepts a dotted netmask: 10.0.0.0/255.0.0.0.
			if i := strings.IndexByte(s, '/'); i > 0 {
				if m, err2 := netip.ParseAddr(s[i+1:]); err2 == nil && m.Is4() {
					b := m.As4()
					bits := 0
					for _, x := range b {
						for k := 7; k >= 0 && x&(1<<k) != 0; k-- {
							bits++
						}
					}
					if a, err3 := netip.ParseAddr(s[:i]); err3 == nil {
						return AddrSet{pfx: []netip.Prefix{netip.PrefixFrom(a, bits).Masked()}, text: s}, nil
					}
				}
			}
			return AddrSet{}, fmt.Errorf("bad CIDR %q", s)
		}
		return AddrSet{pfx: []netip.Prefix{p.Masked()}, text: s}, nil
	}
	a, err := netip.ParseAddr(s)
	if err != nil {
		return AddrSet{}, fmt.Errorf("bad address %q", s)
	}
	return AddrSet{pfx: []netip.Prefix{netip.PrefixFrom(a, a.BitLen())}, text: s}, nil
}

// splitList splits a list body on top-level commas.
func splitList(s string) ([]string, error) {
	var out []string
	depth, start := 0, 0
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '[':
			depth++
		case ']':
			depth--
			if depth < 0 {
				return nil, fmt.Errorf("unbalanced ]")
			}
		case ',':
			if depth == 0 {
				out = append(out, strings.TrimSpace(s[start:i]))
				start = i + 1
			}
		}
	}
	if depth != 0 {
		return nil, fmt.Errorf("unbalanced [")
	}
	out = append(out, strings.TrimSpace(s[start:]))
	for _, it := range out {
		if it == "" {
			return nil, fmt.Errorf("empty list element")
		}
	}
	return out, nil
}

// Match reports whether a is in the set.
func (s *AddrSet) Match(a netip.Addr) bool {
	if s.any {
		return true
	}
	if s.neg {
		return !s.subs[0].Match(a)
	}
	for _, p := range s.pfx {
		if p.Contains(a) {
			return true
		}
	}
	if len(s.subs) == 0 {
		return false
	}
	// A list: in any positive element and in no negated one; a list of only
	// negations starts from "any".
	pos, hasPos := false, false
	for i := range s.subs {
		sub := &s.subs[i]
		if sub.neg {
			if !sub.Match(a) {
				return false
			}
			continue
		}
		hasPos = true
		if !pos && sub.Match(a) {
			pos = true
		}
	}
	return pos || !hasPos
}

// IsAny reports whether the set is "any".
func (s *AddrSet) IsAny() bool { return s.any }

func (s AddrSet) String() string { return s.text }

// parsePorts parses a port expression: any, 80, 1024:65535, :1024, 1024:,
// lists, negation, $VAR.
func parsePorts(s string, vars map[string]string, depth int) (PortSet, error) {
	s = strings.TrimSpace(s)
	if depth > maxVarDepth {
		return PortSet{}, fmt.Errorf("port variables nested more than %d deep (a loop?)", maxVarDepth)
	}
	if s == "" {
		return PortSet{}, fmt.Errorf("empty port")
	}
	switch {
	case s[0] == '!':
		p, err := parsePorts(s[1:], vars, depth)
		if err != nil {
			return p, err
		}
		if p.any {
			return p, fmt.Errorf("port %q negates any, which matches nothing", s)
		}
		return PortSet{neg: true, subs: []PortSet{p}, text: s}, nil
	case s == "any":
		return PortSet{any: true, text: s}, nil
	case s[0] == '$':
		v, ok := vars[s[1:]]
		if !ok {
			return PortSet{}, fmt.Errorf("port variable %s is not defined", s)
		}
		p, err := parsePorts(v, vars, depth+1)
		if err != nil {
			return p, fmt.Errorf("%s: %w", s, err)
		}
		p.text = s
		return p, nil
	case s[0] == '[':
		if s[len(s)-1] != ']' {
			return PortSet{}, fmt.Errorf("port list %q has no closing ]", s)
		}
		items, err := splitList(s[1 : len(s)-1])
		if err != nil {
			return PortSet{}, fmt.Errorf("port list %q: %w", s, err)
		}
		set := PortSet{text: s}
		for _, it := range items {
			p, err := parsePorts(it, vars, depth)
			if err != nil {
				return set, err
			}
			set.subs = append(set.subs, p)
		}
		return set, nil
	}
	lo, hi := 0, 65535
	var err error
	if i := strings.IndexByte(s, ':'); i >= 0 {
		if i > 0 {
			if lo, err = portNum(s[:i]); err != nil {
				return PortSet{}, err
			}
		}
		if i < len(s)-1 {
			if hi, err = portNum(s[i+1:]); err != nil {
				return PortSet{}, err
			}
		}
		if lo > hi {
			return PortSet{}, fmt.Errorf("port range %q: start above end", s)
		}
	} else {
		if lo, err = portNum(s); err != nil {
			return PortSet{}, err
		}
		hi = lo
	}
	return PortSet{ranges: [][2]uint16{{uint16(lo), uint16(hi)}}, text: s}, nil
}

func portNum(s string) (int, error) {
	n, err := strconv.Atoi(strings.TrimSpace(s))
	if err != nil || n < 0 || n > 65535 {
		return 0, fmt.Errorf("bad port %q", s)
	}
	return n, nil
}

// Match reports whether port p is in the set.
func (s *PortSet) Match(p uint16) bool {
	if s.any {
		return true
	}
	if s.neg {
		return !s.subs[0].Match(p)
	}
	for _, r := range s.ranges {
		if p >= r[0] && p <= r[1] {
			return true
		}
	}
	if len(s.subs) == 0 {
		return false
	}
	pos, hasPos := false, false
	for i := range s.subs {
		sub := &s.subs[i]
		if sub.neg {
			if !sub.Match(p) {
				return false
			}
			continue
		}
		hasPos = true
		if !pos && sub.Match(p) {
			pos = true
		}
	}
	return pos || !hasPos
}

// IsAny reports whether the set is "any".
func (s *PortSet) IsAny() bool { return s.any }

func (s PortSet) String() string { return s.text }
