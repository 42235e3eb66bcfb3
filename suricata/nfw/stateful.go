package nfw

import (
	"fmt"
	"strings"

	"github.com/moatdev/moat/suricata"
)

// StatefulRule is the 5-tuple stateful rule form (API StatefulRule).
type StatefulRule struct {
	Action      string       `json:"Action"`
	Header      Header       `json:"Header"`
	RuleOptions []RuleOption `json:"RuleOptions"`
}

// Header is a 5-tuple rule's header.
type Header struct {
	Protocol        string `json:"Protocol"`
	Source          string `json:"Source"`
	SourcePort      string `json:"SourcePort"`
	Direction       string `json:"Direction"`
	Destination     string `json:"Destination"`
	DestinationPort string `json:"DestinationPort"`
}

// RuleOption is one Suricata option keyword with its settings.
type RuleOption struct {
	Keyword  string   `json:"Keyword"`
	Settings []string `json:"Settings,omitempty"`
}

var statefulProtocols = map[string]bool{"IP": true, "TCP": true, "UDP": true, "ICMP": true, "HTTP": true, "FTP": true, "TLS": true, "SMB": true,
	"DNS": true, "DCERPC": true, "SSH": true, "SMTP": true, "IMAP": true, "MSN": true, "KRB5": true, "IKEV2": true, "TFTP": true, "NTP": true,
	"DHCP": true, "HTTP2": true, "QUIC": true}

// Render turns the rule into one Suricata rule line; path names the field in errors.
func (r *StatefulRule) Render(path string) (string, error) {
	act := map[string]string{"PASS": "pass", "DROP": "drop", "ALERT": "alert", "REJECT": "reject"}[r.Action]
	if act == "" {
		return "", fmt.Errorf("%s.Action: %q is not PASS, DROP, ALERT or REJECT", path, r.Action)
	}
	h := r.Header
	if !statefulProtocols[h.Protocol] {
		return "", fmt.Errorf("%s.Header.Protocol: %q is not a supported protocol", path, h.Protocol)
	}
	dir := map[string]string{"FORWARD": "->", "ANY": "<>"}[h.Direction]
	if dir == "" {
		return "", fmt.Errorf("%s.Header.Direction: %q is not FORWARD or ANY", path, h.Direction)
	}
	field := func(name, v string) (string, error) {
		if strings.TrimSpace(v) == "" {
			return "", fmt.Errorf("%s.Header.%s: required", path, name)
		}
		if strings.EqualFold(v, "ANY") {
			return "any", nil
		}
		return v, nil
	}
	var parts []string
	for _, f := range [][2]string{{"Source", h.Source}, {"SourcePort", h.SourcePort}, {"Destination", h.Destination}, {"DestinationPort", h.DestinationPort}} {
		v, err := field(f[0], f[1])
		if err != nil {
			return "", err
		}
		parts = append(parts, v)
	}
	var opts strings.Builder
	hasSID := false
	for i, o := range r.RuleOptions {
		if o.Keyword == "" {
			return "", fmt.Errorf("%s.RuleOptions[%d].Keyword: required", path, i)
		}
		hasSID = hasSID || o.Keyword == "sid"
		opts.WriteString(o.Keyword)
		if len(o.Settings) > 0 {
			opts.WriteString(":" + strings.Join(o.Settings, ","))
		}
		opts.WriteString("; ")
	}
	if !hasSID {
		return "", fmt.Errorf("%s.RuleOptions: a sid option is required", path)
	}
	return fmt.Sprintf("%s %s %s %s %s %s %s (%s)", act, strings.ToLower(h.Protocol), parts[0], parts[1], dir, parts[2], parts[3], strings.TrimSpace(opts.String())), nil
}

// Stateful default actions (FirewallPolicy.StatefulDefaultActions), valid
// only with STRICT_ORDER.
const (
	DropStrict       = "aws:drop_strict"
	DropEstablished  = "aws:drop_established"
	AlertStrict      = "aws:alert_strict"
	AlertEstablished = "aws:alert_established"
)

// Stateful is a stateful engine with Network Firewall's default actions
// applied to packets no rule decided.
type Stateful struct {
	eng                     *suricata.Engine
	dropStrict, dropEstab   bool
	alertStrict, alertEstab bool
	dropRule, alertRule     *suricata.Rule
}

// NewStateful wraps a STRICT_ORDER engine with default actions: at most one
// drop action and any number of alert actions.
func NewStateful(eng *suricata.Engine, defaults []string) (*Stateful, error) {
	s := &Stateful{eng: eng}
	drops := 0
	for i, d := range defaults {
		switch d {
		case DropStrict:
			s.dropStrict = true
			drops++
		case DropEstablished:
			s.dropEstab = true
			drops++
		case AlertStrict:
			s.alertStrict = true
		case AlertEstablished:
			s.alertEstab = true
		default:
			return nil, fmt.Errorf("StatefulDefaultActions[%d]: %q is not aws:drop_strict, aws:drop_established, aws:alert_strict or aws:alert_established", i, d)
		}
	}
	if drops > 1 {
		return nil, fmt.Errorf("StatefulDefaultActions: at most one of aws:drop_strict and aws:drop_established")
	}
	// The default actions show in alert logs under their own names
	// (moat's rendering: AWS does not document the signature fields).
	name := DropEstablished
	if s.dropStrict {
		name = DropStrict
	}
	s.dropRule = &suricata.Rule{Action: suricata.ActionDrop, Msg: name, Priority: 3, GID: 1}
	aname := AlertEstablished
	if s.alertStrict {
		aname = AlertStrict
	}
	s.alertRule = &suricata.Rule{Action: suricata.ActionAlert, Msg: aname, Priority: 3, GID: 1}
	return s, nil
}

// NewScratch implements replay.Inspector.
func (s *Stateful) NewScratch() *suricata.Scratch { return s.eng.NewScratch() }

// Inspect runs the rules, then the default actions when no rule passed,
// dropped or rejected the packet.
func (s *Stateful) Inspect(p *suricata.Packet, fs *suricata.FlowState, th *suricata.Thresholds, sc *suricata.Scratch) *suricata.Verdict {
	if fs.Passed {
		return s.eng.Inspect(p, fs, th, sc)
	}
	v := s.eng.Inspect(p, fs, th, sc)
	if v.Pass != nil || v.Drop != nil || fs.Passed {
		return v
	}
	// Established: drop_established lets the handshake through and passes
	// server-to-client packets of established connections.
	estabToServer := p.Established && p.ToServer
	if s.alertStrict || (s.alertEstab && estabToServer) {
		v.Alerts = append(v.Alerts, suricata.Alert{Rule: s.alertRule})
	}
	if s.dropStrict || (s.dropEstab && estabToServer) {
		v.Drop = s.dropRule
		v.Alerts = append(v.Alerts, suricata.Alert{Rule: s.dropRule, Blocked: true})
	}
	return v
}

// UsesBuffer reports whether a rule inspects buffer b.
func (s *Stateful) UsesBuffer(b suricata.Buffer) bool { return s.eng.UsesBuffer(b) }
