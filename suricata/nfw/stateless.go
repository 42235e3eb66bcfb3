package nfw

import (
	"fmt"
	"net/netip"
	"sort"
)

// Stateless engine (API StatelessRulesAndCustomActions): rules by Priority,
// first match decides; actions aws:pass, aws:drop, aws:forward_to_sfe plus
// custom actions (which moat records but does not publish as metrics).

// StatelessRule is one rule of a stateless rule group.
type StatelessRule struct {
	Priority       int            `json:"Priority"`
	RuleDefinition RuleDefinition `json:"RuleDefinition"`
}

// RuleDefinition is a stateless rule's match and actions.
type RuleDefinition struct {
	MatchAttributes MatchAttributes `json:"MatchAttributes"`
	Actions         []string        `json:"Actions"`
}

// MatchAttributes are the stateless match criteria.
type MatchAttributes struct {
	Sources          []Address      `json:"Sources,omitempty"`
	Destinations     []Address      `json:"Destinations,omitempty"`
	SourcePorts      []PortRange    `json:"SourcePorts,omitempty"`
	DestinationPorts []PortRange    `json:"DestinationPorts,omitempty"`
	Protocols        []int          `json:"Protocols,omitempty"`
	TCPFlags         []TCPFlagField `json:"TCPFlags,omitempty"`
}

// Address is a CIDR block.
type Address struct {
	AddressDefinition string `json:"AddressDefinition"`
}

// PortRange is an inclusive port range.
type PortRange struct {
	FromPort int `json:"FromPort"`
	ToPort   int `json:"ToPort"`
}

// TCPFlagField matches when the flags in Masks (all eight if empty) equal Flags.
type TCPFlagField struct {
	Flags []string `json:"Flags"`
	Masks []string `json:"Masks,omitempty"`
}

var tcpFlagBits = map[string]uint8{"FIN": 0x01, "SYN": 0x02, "RST": 0x04, "PSH": 0x08, "ACK": 0x10, "URG": 0x20, "ECE": 0x40, "CWR": 0x80}

type compiledStateless struct {
	group    string
	priority int
	rule     int // the rule's Priority
	src, dst []netip.Prefix
	sp, dp   []PortRange
	protos   []int
	flags    [][2]uint8 // flags, mask
	action   string     // aws:pass, aws:drop, aws:forward_to_sfe
	custom   []string
}

func compileStateless(group string, groupPrio int, rules []StatelessRule, path string, customs map[string]bool) ([]compiledStateless, error) {
	var out []compiledStateless
	seen := map[int]bool{}
	for i, r := range rules {
		p := fmt.Sprintf("%s[%d]", path, i)
		if r.Priority < 1 || r.Priority > 65535 {
			return nil, fmt.Errorf("%s.Priority: %d is outside 1-65535", p, r.Priority)
		}
		if seen[r.Priority] {
			return nil, fmt.Errorf("%s.Priority: %d is used by another rule of the group (priorities must be unique)", p, r.Priority)
		}
		seen[r.Priority] = true
		c := compiledStateless{group: group, priority: groupPrio, rule: r.Priority}
		m := r.RuleDefinition.MatchAttributes
		var err error
		if c.src, err = prefixes(m.Sources, p+".RuleDefinition.MatchAttributes.Sources"); err != nil {
			return nil, err
		}
		if c.dst, err = prefixes(m.Destinations, p+".RuleDefinition.MatchAttributes.Destinations"); err != nil {
			return nil, err
		}
		for j, pr := range append(append([]PortRange(nil), m.SourcePorts...), m.DestinationPorts...) {
			if pr.FromPort < 0 || pr.ToPort > 65535 || pr.FromPort > pr.ToPort {
				return nil, fmt.Errorf("%s.RuleDefinition.MatchAttributes: port range %d (%d-%d) is not valid", p, j, pr.FromPort, pr.ToPort)
			}
		}
		c.sp, c.dp, c.protos = m.SourcePorts, m.DestinationPorts, m.Protocols
		for j, tf := range m.TCPFlags {
			var f, mask uint8
			for _, n := range tf.Flags {
				b, ok := tcpFlagBits[n]
				if !ok {
					return nil, fmt.Errorf("%s.RuleDefinition.MatchAttributes.TCPFlags[%d].Flags: %q is not a TCP flag", p, j, n)
				}
				f |= b
			}
			if len(tf.Masks) == 0 {
				mask = 0xff
			}
			for _, n := range tf.Masks {
				b, ok := tcpFlagBits[n]
				if !ok {
					return nil, fmt.Errorf("%s.RuleDefinition.MatchAttributes.TCPFlags[%d].Masks: %q is not a TCP flag", p, j, n)
				}
				mask |= b
			}
			c.flags = append(c.flags, [2]uint8{f & mask, mask})
		}
		for _, a := range r.RuleDefinition.Actions {
			switch a {
			case "aws:pass", "aws:drop", "aws:forward_to_sfe":
				if c.action != "" {
					return nil, fmt.Errorf("%s.RuleDefinition.Actions: more than one of aws:pass, aws:drop, aws:forward_to_sfe", p)
				}
				c.action = a
			default:
				if !customs[a] {
					return nil, fmt.Errorf("%s.RuleDefinition.Actions: %q is neither a standard action nor a custom action of the group", p, a)
				}
				c.custom = append(c.custom, a)
			}
		}
		if c.action == "" {
			return nil, fmt.Errorf("%s.RuleDefinition.Actions: exactly one of aws:pass, aws:drop, aws:forward_to_sfe is required", p)
		}
		out = append(out, c)
	}
	return out, nil
}

func prefixes(as []Address, path string) ([]netip.Prefix, error) {
	var out []netip.Prefix
	for i, a := range as {
		p, err := netip.ParsePrefix(a.AddressDefinition)
		if err != nil {
			return nil, fmt.Errorf("%s[%d].AddressDefinition: %q is not a CIDR block", path, i, a.AddressDefinition)
		}
		out = append(out, p.Masked())
	}
	return out, nil
}

func sortStateless(rs []compiledStateless) {
	sort.SliceStable(rs, func(i, j int) bool {
		if rs[i].priority != rs[j].priority {
			return rs[i].priority < rs[j].priority
		}
		return rs[i].rule < rs[j].rule
	})
}

func inPrefixes(ps []netip.Prefix, a netip.Addr) bool {
	if len(ps) == 0 {
		return true
	}
	for _, p := range ps {
		if p.Contains(a) {
			return true
		}
	}
	return false
}

func inPorts(rs []PortRange, p uint16) bool {
	if len(rs) == 0 {
		return true
	}
	for _, r := range rs {
		if int(p) >= r.FromPort && int(p) <= r.ToPort {
			return true
		}
	}
	return false
}

func (c *compiledStateless) match(proto uint8, src, dst netip.Addr, sp, dp uint16, flags uint8) bool {
	if len(c.protos) > 0 {
		ok := false
		for _, p := range c.protos {
			if p == int(proto) {
				ok = true
				break
			}
		}
		if !ok {
			return false
		}
	}
	if !inPrefixes(c.src, src) || !inPrefixes(c.dst, dst) {
		return false
	}
	if proto == 6 || proto == 17 {
		if !inPorts(c.sp, sp) || !inPorts(c.dp, dp) {
			return false
		}
	} else if len(c.sp) > 0 || len(c.dp) > 0 {
		return false
	}
	if len(c.flags) > 0 {
		if proto != 6 {
			return false
		}
		ok := false
		for _, f := range c.flags {
			if flags&f[1] == f[0] {
				ok = true
				break
			}
		}
		if !ok {
			return false
		}
	}
	return true
}
