package detect

import (
	"net/netip"
	"strconv"
	"time"
)

type flowState struct {
	brute    map[string]*window // src>dst:port → distinct attempts
	portscan map[string]*window // local>remote → distinct ports
	sweep    map[string]*window // local:port → distinct remote hosts
	rejects  map[netip.Addr]*window
	spam     map[string]*window
	volume   map[string]*volBucket
	ports    map[string]*portProfile // interface → remote server ports it uses
}

// portProfile is an interface's baseline for NetworkPortUnusual and
// TrafficVolumeUnusual.
type portProfile struct {
	first  time.Time
	flows  int
	ports  map[int]struct{}
	learnt bool
	// bytes sent to each public host in the current hour, and the most sent
	// to one host in any hour while learning
	hour    int64
	perHost map[netip.Addr]int64
	maxLrnd int64
}

// minUnusualBytes is the least one host must receive in an hour for
// TrafficVolumeUnusual (moat's choice: 100 MB), besides 10× the learnt maximum.
const minUnusualBytes = 100 << 20

type volBucket struct {
	start   time.Time
	last    time.Time
	packets int64
}

func (s *flowState) init() {
	s.brute, s.portscan, s.sweep = map[string]*window{}, map[string]*window{}, map[string]*window{}
	s.rejects, s.spam = map[netip.Addr]*window{}, map[string]*window{}
	s.volume = map[string]*volBucket{}
	s.ports = map[string]*portProfile{}
}

func (s *flowState) expire(cut time.Time) {
	expireWindows(s.brute, cut)
	expireWindows(s.portscan, cut)
	expireWindows(s.sweep, cut)
	expireWindows(s.rejects, cut)
	expireWindows(s.spam, cut)
	for k, b := range s.volume {
		if b.last.Before(cut) {
			delete(s.volume, k)
		}
	}
}

func getWindow[K comparable](m map[K]*window, k K) *window {
	w := m[k]
	if w == nil {
		w = &window{}
		m[k] = w
	}
	return w
}

// flowView is a record seen from the instance: which side is local.
type flowView struct {
	r                     *FlowRecord
	local, remote         netip.Addr
	localPort, remotePort int
	inbound               bool
	at                    time.Time
}

// orient decides which side of a flow is the instance. flow-direction (v5)
// says it; without it, the private side is local, and between two private or
// two public addresses the destination is taken as local.
func orient(r *FlowRecord) flowView {
	v := flowView{r: r, at: r.Time()}
	in := true
	switch r.FlowDirection {
	case "ingress":
	case "egress":
		in = false
	default:
		if r.SrcAddr.IsPrivate() && !r.DstAddr.IsPrivate() {
			in = false
		}
	}
	v.inbound = in
	if in {
		v.local, v.remote, v.localPort, v.remotePort = r.DstAddr, r.SrcAddr, r.DstPort, r.SrcPort
	} else {
		v.local, v.remote, v.localPort, v.remotePort = r.SrcAddr, r.DstAddr, r.SrcPort, r.DstPort
	}
	return v
}

// FlowLog runs the flow-log detectors on one record and returns the findings
// it raised or updated.
func (d *Detector) FlowLog(r *FlowRecord) []*Finding {
	d.out = d.out[:0]
	if (r.LogStatus != "" && r.LogStatus != "OK") || !r.SrcAddr.IsValid() || !r.DstAddr.IsValid() {
		return d.out
	}
	v := orient(r)
	d.tick(v.at)
	if r.InstanceID != "" && v.local.IsValid() {
		d.ct.addInstanceAddr(r.InstanceID, v.local)
	}
	if d.trusted(v.remote) {
		return d.out
	}
	d.flowThreat(&v)
	d.bruteForce(&v)
	if v.inbound {
		d.portProbe(&v)
		d.sshCountry(&v)
	} else if isPublic(v.remote) {
		d.portscan(&v)
		d.dos(&v)
		d.spambot(&v)
		d.unusualPort(&v)
	}
	return d.out
}

var portNames = map[int]string{22: "SSH", 25: "SMTP", 53: "DNS", 80: "HTTP", 443: "HTTPS", 3389: "RDP", 3306: "MYSQL", 5432: "POSTGRESQL", 1433: "MSSQL", 6379: "REDIS", 27017: "MONGODB", 5985: "WINRM", 5986: "WINRM"}

func protoName(p int) string {
	switch p {
	case 6:
		return "TCP"
	case 17:
		return "UDP"
	case 1:
		return "ICMP"
	}
	if p < 0 {
		return "UNKNOWN"
	}
	return strconv.Itoa(p)
}

func (d *Detector) flowHit(v *flowView, typ, key string) hit {
	r := v.r
	subject := r.InstanceID
	if subject == "" {
		subject = r.InterfaceID
	}
	dir := "OUTBOUND"
	role := "ACTOR"
	if v.inbound {
		dir, role = "INBOUND", "TARGET"
	}
	local := &LocalIPDetails{}
	if v.local.Is4() {
		local.IPAddressV4 = v.local.String()
	} else {
		local.IPAddressV6 = v.local.String()
	}
	return hit{
		typ: typ, key: subject + "\x00" + key, at: v.at, account: r.AccountID, region: r.Region, subject: subject, role: role,
		resource: FindingResource{ResourceType: "Instance", InstanceDetails: &InstanceDetails{InstanceID: r.InstanceID,
			NetworkInterfaces: []NetworkInterface{{NetworkInterfaceID: r.InterfaceID, PrivateIPAddress: v.local.String(), VPCID: r.VPCID, SubnetID: r.SubnetID}}}},
		action: Action{ActionType: "NETWORK_CONNECTION", NetworkConnectionAction: &NetworkConnectionAction{
			ConnectionDirection: dir, Protocol: protoName(r.Protocol), Blocked: r.Action == "REJECT",
			LocalIPDetails: local, LocalPortDetails: portDetails(v.localPort), RemoteIPDetails: d.remoteIP(v.remote),
			RemotePortDetails: portDetails(v.remotePort)}},
		info: map[string]string{},
	}
}

func portDetails(p int) *PortDetails {
	if p < 0 {
		return nil
	}
	return &PortDetails{Port: p, PortName: portNames[p]}
}

// flowThreat: traffic with an address on a threat list — outbound, or
// inbound that was accepted.
func (d *Detector) flowThreat(v *flowView) {
	if v.inbound && v.r.Action != "ACCEPT" {
		return
	}
	l := d.threat(v.remote)
	if l == nil {
		return
	}
	typ := TypeEC2MaliciousIPCustom
	switch l.Kind {
	case ThreatCommandAndControl:
		typ = TypeCnC
	case ThreatCryptoMining:
		typ = TypeBitcoinTool
	}
	h := d.flowHit(v, typ, v.remote.String())
	h.info["threatListName"] = l.Name
	d.raise(h)
}

// bruteForce: many connection attempts to SSH (22), RDP (3389) or WinRM
// (5985/5986) between one pair of addresses. The instance as target is Low,
// as source High (GuardDuty).
func (d *Detector) bruteForce(v *flowView) {
	r := v.r
	if r.Protocol != 6 {
		return
	}
	var typ string
	switch r.DstPort {
	case 22:
		typ = TypeSSHBruteForce
	case 3389:
		typ = TypeRDPBruteForce
	case 5985, 5986:
		typ = TypeWinRMBruteForce
	default:
		return
	}
	key := r.SrcAddr.String() + ">" + r.DstAddr.String() + ":" + strconv.Itoa(r.DstPort)
	w := getWindow(d.flow.brute, key)
	n := w.add(strconv.Itoa(r.SrcPort)+"/"+strconv.FormatInt(r.Start, 10), v.at, d.th.Window, d.th.BruteForceFlows)
	if n < d.th.BruteForceFlows {
		return
	}
	h := d.flowHit(v, typ, v.remote.String())
	h.severity = SeverityLow
	if !v.inbound {
		h.severity = SeverityHigh
	}
	h.info["attemptsInWindow"] = itoa(n)
	d.raise(h)
}

// portscan: the instance connects to many ports of one remote host.
func (d *Detector) portscan(v *flowView) {
	if v.remotePort < 0 {
		return
	}
	key := v.local.String() + ">" + v.remote.String()
	n := getWindow(d.flow.portscan, key).add(strconv.Itoa(v.remotePort), v.at, d.th.Window, d.th.PortscanPorts)
	if n >= d.th.PortscanPorts {
		h := d.flowHit(v, TypePortscan, v.remote.String())
		h.info["portsInWindow"] = itoa(n)
		d.raise(h)
	}
	key = v.local.String() + ":" + strconv.Itoa(v.remotePort)
	n = getWindow(d.flow.sweep, key).add(v.remote.String(), v.at, d.th.Window, d.th.PortSweepHosts)
	if n >= d.th.PortSweepHosts {
		h := d.flowHit(v, TypePortSweep, strconv.Itoa(v.remotePort))
		h.info["hostsInWindow"] = itoa(n)
		d.raise(h)
	}
}

// portProbe: a public address that has been rejected on several ports or
// hosts gets through to an open port.
func (d *Detector) portProbe(v *flowView) {
	if !isPublic(v.remote) || v.localPort < 0 {
		return
	}
	w := getWindow(d.flow.rejects, v.remote)
	if v.r.Action == "REJECT" {
		w.add(v.local.String()+":"+strconv.Itoa(v.localPort), v.at, d.th.Window, d.th.ProbeRejects)
		return
	}
	if len(w.items) < d.th.ProbeRejects || v.at.Sub(w.last) > d.th.Window {
		return
	}
	h := d.flowHit(v, TypePortProbeUnprotectedPort, strconv.Itoa(v.localPort))
	h.action = Action{ActionType: "PORT_PROBE", PortProbeAction: &PortProbeAction{PortProbeDetails: []PortProbeDetail{{
		LocalPortDetails: portDetails(v.localPort), LocalIPDetails: h.action.NetworkConnectionAction.LocalIPDetails,
		RemoteIPDetails: h.action.NetworkConnectionAction.RemoteIPDetails}}}}
	d.raise(h)
}

// sshCountry (moat's): SSH accepted from a country outside the allowed list.
func (d *Detector) sshCountry(v *flowView) {
	if len(d.opts.SSHAllowedCountries) == 0 || v.localPort != 22 || v.r.Action != "ACCEPT" || !isPublic(v.remote) {
		return
	}
	loc, ok := d.geo(v.remote)
	if ok && contains(d.opts.SSHAllowedCountries, loc.CountryCode) {
		return
	}
	country := loc.CountryCode
	if !ok {
		country = "unknown"
	}
	h := d.flowHit(v, TypeMoatSSHDisallowedCountry, country)
	h.info["country"] = country
	d.raise(h)
}

// tcpServicePorts are ports of TCP services; UDP floods aimed at them are
// DenialOfService.UdpOnTcpPorts.
var tcpServicePorts = map[int]bool{21: true, 22: true, 23: true, 25: true, 80: true, 110: true, 143: true, 443: true, 445: true, 993: true, 995: true, 3306: true, 3389: true, 5432: true, 8080: true, 8443: true}

// dos: outbound packets to one remote host within the window above the
// threshold; the protocol picks the type.
func (d *Detector) dos(v *flowView) {
	r := v.r
	if r.Action != "ACCEPT" || r.Packets == 0 {
		return
	}
	var typ string
	switch {
	case r.Protocol == 6:
		typ = TypeDoSTcp
	case r.Protocol == 17 && v.remotePort == 53:
		typ = TypeDoSDNS
	case r.Protocol == 17 && tcpServicePorts[v.remotePort]:
		typ = TypeDoSUdpOnTcpPorts
	case r.Protocol == 17:
		typ = TypeDoSUdp
	case r.Protocol != 1 && r.Protocol >= 0:
		typ = TypeDoSUnusualProtocol
	default:
		return
	}
	key := typ + "\x00" + v.local.String() + ">" + v.remote.String()
	b := d.flow.volume[key]
	if b == nil || v.at.Sub(b.start) > d.th.Window {
		b = &volBucket{start: v.at}
		d.flow.volume[key] = b
	}
	b.last = v.at
	b.packets += r.Packets
	if b.packets >= d.th.DoSPackets {
		h := d.flowHit(v, typ, v.remote.String())
		h.info["packetsInWindow"] = strconv.FormatInt(b.packets, 10)
		d.raise(h)
	}
}

// spambot: the instance talks to many mail servers on port 25.
func (d *Detector) spambot(v *flowView) {
	if v.remotePort != 25 || v.r.Protocol != 6 {
		return
	}
	n := getWindow(d.flow.spam, v.local.String()).add(v.remote.String(), v.at, d.th.Window, d.th.SpamHosts)
	if n >= d.th.SpamHosts {
		h := d.flowHit(v, TypeSpambot, "25")
		h.info["hostsInWindow"] = itoa(n)
		d.raise(h)
	}
}

// unusualPort (Behavior:EC2/NetworkPortUnusual): after the learning period
// (BaselineOptions.Learning and MinEvents, as for principals), an accepted
// outbound connection to a public host on a server port (below 49152, the
// ephemeral range) the interface never used before.
func (d *Detector) unusualPort(v *flowView) {
	r := v.r
	if r.Action != "ACCEPT" || v.remotePort < 0 || v.remotePort >= 49152 {
		return
	}
	key := r.InterfaceID
	if key == "" {
		key = v.local.String()
	}
	p := d.flow.ports[key]
	if p == nil {
		if len(d.flow.ports) >= maxProfiles {
			return
		}
		p = &portProfile{first: v.at, ports: map[int]struct{}{}, perHost: map[netip.Addr]int64{}}
		d.flow.ports[key] = p
	}
	if v.at.Before(p.first) {
		p.first = v.at
	}
	p.flows++
	if !p.learnt && p.flows >= d.base.opts.MinEvents && v.at.Sub(p.first) >= d.base.opts.Learning {
		p.learnt = true
	}
	d.unusualVolume(v, p)
	if _, known := p.ports[v.remotePort]; known {
		return
	}
	if len(p.ports) < 1024 {
		p.ports[v.remotePort] = struct{}{}
	}
	if p.learnt {
		h := d.flowHit(v, TypeNetworkPortUnusual, strconv.Itoa(v.remotePort))
		h.info["port"] = strconv.Itoa(v.remotePort)
		d.raise(h)
	}
}

// unusualVolume (Behavior:EC2/TrafficVolumeUnusual): after learning, one
// public host receives in an hour more than 10× the most any host received in
// an hour while learning, and at least 100 MB.
func (d *Detector) unusualVolume(v *flowView, p *portProfile) {
	hr := v.at.Unix() / 3600
	if hr != p.hour {
		p.hour = hr
		clear(p.perHost)
	}
	if len(p.perHost) >= 1024 {
		if _, ok := p.perHost[v.remote]; !ok {
			return
		}
	}
	p.perHost[v.remote] += v.r.Bytes
	sent := p.perHost[v.remote]
	if !p.learnt {
		p.maxLrnd = max(p.maxLrnd, sent)
		return
	}
	if sent >= minUnusualBytes && sent > 10*p.maxLrnd {
		h := d.flowHit(v, TypeTrafficVolumeUnusual, v.remote.String())
		h.info["bytesThisHour"] = strconv.FormatInt(sent, 10)
		h.info["learntHourlyMax"] = strconv.FormatInt(p.maxLrnd, 10)
		d.raise(h)
	}
}
