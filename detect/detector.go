package detect

import (
	"fmt"
	"net/netip"
	"sort"
	"time"
)

// Options configure a Detector. The zero value runs every detector with the
// default thresholds and no lists, GeoIP database or Sigma rules.
type Options struct {
	// DetectorID goes into finding ARNs and service.detectorId; default
	// "moat00000000000000000000000000000".
	DetectorID string
	// Region and AccountID are used for findings whose records carry none
	// (flow and DNS records without account or region fields).
	Region, AccountID string

	ThreatLists []*IPList // GuardDuty allows six per account and region
	TrustedList *IPList   // activity from these addresses raises no CloudTrail or flow-log finding
	GeoIP       GeoIP     // enables ConsoleLoginSuccess.B and the SSH country rule

	// SSHAllowedCountries (ISO codes) turns on moat's rule that flags SSH
	// accepted from any other country. Needs GeoIP.
	SSHAllowedCountries []string

	// InstanceAddresses maps instance ids to their addresses, for
	// InstanceCredentialExfiltration.OutsideAWS. Flow-log records with an
	// instance-id field add to it.
	InstanceAddresses map[string][]netip.Addr

	Sigma []*SigmaRule

	// Disabled finding types raise nothing.
	Disabled map[string]bool

	Thresholds Thresholds
	Baseline   BaselineOptions
}

// Thresholds tune the counting detectors. Zero fields take the defaults
// documented on DefaultThresholds. GuardDuty does not publish its thresholds;
// these are moat's.
type Thresholds struct {
	Window            time.Duration // sliding window for all counts
	ConsoleFailures   int           // failed ConsoleLogin per user or address
	BruteForceFlows   int           // SSH/RDP connection attempts between one pair
	PortscanPorts     int           // distinct ports on one remote host
	PortSweepHosts    int           // distinct public hosts on one port
	ProbeRejects      int           // rejected probes before an accepted one counts as a port probe
	DoSPackets        int64         // outbound packets to one remote within Window
	SpamHosts         int           // distinct remote hosts on port 25
	DNSExfilQueries   int           // distinct encoded-looking names under one domain
	DGANXDomains      int           // DGA-looking names answered NXDOMAIN
	ImpossibleKmPerHr float64       // speed between console sign-ins that flags ConsoleLoginSuccess.B
}

// DefaultThresholds are used for zero fields of Options.Thresholds.
var DefaultThresholds = Thresholds{
	Window: 10 * time.Minute, ConsoleFailures: 5, BruteForceFlows: 20, PortscanPorts: 50,
	PortSweepHosts: 50, ProbeRejects: 5, DoSPackets: 1_000_000, SpamHosts: 20,
	DNSExfilQueries: 30, DGANXDomains: 5, ImpossibleKmPerHr: 1000,
}

// Detector runs every detector over records fed one at a time. It keeps the
// aggregated findings: a repeat of the same activity updates the finding it
// raised before (service.count, eventLastSeen) instead of adding one.
//
// A Detector is not safe for concurrent use: feed it from one goroutine
// (readers can parse in parallel). The *Finding values it returns are its
// own and change on later repeats; copy one to keep a snapshot.
type Detector struct {
	opts     Options
	th       Thresholds
	findings map[string]*Finding
	out      []*Finding
	now      time.Time // latest event time seen; drives window expiry
	seen     int

	ct   ctState
	flow flowState
	dns  dnsState
	base baseline
}

// New returns a Detector.
func New(opts Options) (*Detector, error) {
	if opts.DetectorID == "" {
		opts.DetectorID = "moat00000000000000000000000000000"
	}
	th := opts.Thresholds
	fillDefaults(&th)
	if len(opts.SSHAllowedCountries) > 0 && opts.GeoIP == nil {
		return nil, fmt.Errorf("allowed SSH countries need a GeoIP database")
	}
	for name := range opts.Disabled {
		if _, ok := findingTypes[name]; !ok {
			return nil, fmt.Errorf("unknown finding type %q", name)
		}
	}
	d := &Detector{opts: opts, th: th, findings: map[string]*Finding{}}
	d.ct.init()
	d.flow.init()
	d.dns.init()
	d.base.init(opts.Baseline)
	for id, addrs := range opts.InstanceAddresses {
		for _, a := range addrs {
			d.ct.addInstanceAddr(id, a)
		}
	}
	return d, nil
}

func fillDefaults(t *Thresholds) {
	def := DefaultThresholds
	if t.Window <= 0 {
		t.Window = def.Window
	}
	setInt := func(v *int, d int) {
		if *v <= 0 {
			*v = d
		}
	}
	setInt(&t.ConsoleFailures, def.ConsoleFailures)
	setInt(&t.BruteForceFlows, def.BruteForceFlows)
	setInt(&t.PortscanPorts, def.PortscanPorts)
	setInt(&t.PortSweepHosts, def.PortSweepHosts)
	setInt(&t.ProbeRejects, def.ProbeRejects)
	setInt(&t.SpamHosts, def.SpamHosts)
	setInt(&t.DNSExfilQueries, def.DNSExfilQueries)
	setInt(&t.DGANXDomains, def.DGANXDomains)
	if t.DoSPackets <= 0 {
		t.DoSPackets = def.DoSPackets
	}
	if t.ImpossibleKmPerHr <= 0 {
		t.ImpossibleKmPerHr = def.ImpossibleKmPerHr
	}
}

// Findings returns every finding raised so far, most severe first, then by
// type and id.
func (d *Detector) Findings() []*Finding {
	out := make([]*Finding, 0, len(d.findings))
	for _, f := range d.findings {
		out = append(out, f)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Severity != out[j].Severity {
			return out[i].Severity > out[j].Severity
		}
		if out[i].Type != out[j].Type {
			return out[i].Type < out[j].Type
		}
		return out[i].ID < out[j].ID
	})
	return out
}

// hit is one occurrence of a finding type.
type hit struct {
	typ      string
	key      string // aggregation key: same type and key = same finding
	severity float64
	at       time.Time
	account  string
	region   string
	subject  string // fills the title's %s
	desc     string
	resource FindingResource
	action   Action
	role     string // ACTOR or TARGET
	author   string
	info     map[string]string
}

// raise creates or updates the finding for h and adds it to d.out.
func (d *Detector) raise(h hit) {
	ft, ok := findingTypes[h.typ]
	if !ok {
		panic("detect: unregistered finding type " + h.typ)
	}
	if d.opts.Disabled[h.typ] {
		return
	}
	if h.account == "" {
		h.account = d.opts.AccountID
	}
	if h.region == "" {
		h.region = d.opts.Region
	}
	id := findingID(h.typ, h.account+"\x00"+h.key)
	at := isoTime(h.at)
	f := d.findings[id]
	if f == nil {
		sev := h.severity
		if sev == 0 {
			sev = ft.Severity
		}
		serviceName := "guardduty"
		if IsMoatType(h.typ) {
			serviceName = "moat"
		}
		f = &Finding{
			SchemaVersion: "2.0", AccountID: h.account, Region: h.region, Partition: "aws", ID: id,
			ARN:  fmt.Sprintf("arn:aws:guardduty:%s:%s:detector/%s/finding/%s", h.region, h.account, d.opts.DetectorID, id),
			Type: h.typ, Severity: sev, CreatedAt: at,
			Service: Service{ServiceName: serviceName, DetectorID: d.opts.DetectorID, EventFirstSeen: at, ResourceRole: h.role},
			Author:  h.author,
		}
		if f.Service.ResourceRole == "" {
			f.Service.ResourceRole = "TARGET"
		}
		d.findings[id] = f
	} else if h.severity > f.Severity {
		f.Severity = h.severity
	}
	// The latest occurrence's details replace the earlier ones, as in GuardDuty.
	f.Title = fmt.Sprintf(ft.Title, h.subject)
	f.Description = h.desc
	if f.Description == "" {
		f.Description = f.Title
	}
	f.Resource = h.resource
	if f.Resource.ResourceType == "" {
		f.Resource.ResourceType = ft.Resource
	}
	f.Service.Action = h.action
	f.Service.AdditionalInfo = h.info
	f.Service.Count++
	if at < f.Service.EventFirstSeen {
		f.Service.EventFirstSeen = at
	}
	if at > f.Service.EventLastSeen {
		f.Service.EventLastSeen = at
	}
	f.UpdatedAt = f.Service.EventLastSeen
	for _, o := range d.out {
		if o == f {
			return
		}
	}
	d.out = append(d.out, f)
}

// tick advances the detector clock and expires idle window state now and then,
// so that memory tracks the number of active keys, not the input size.
func (d *Detector) tick(t time.Time) {
	if t.After(d.now) {
		d.now = t
	}
	d.seen++
	if d.seen%65536 == 0 {
		cut := d.now.Add(-2 * d.th.Window)
		d.ct.expire(cut)
		d.flow.expire(cut)
		d.dns.expire(cut)
	}
}

func (d *Detector) trusted(a netip.Addr) bool {
	return d.opts.TrustedList != nil && d.opts.TrustedList.Contains(a)
}

// threat returns the first threat list containing a.
func (d *Detector) threat(a netip.Addr) *IPList {
	if !a.IsValid() || d.trusted(a) {
		return nil
	}
	for _, l := range d.opts.ThreatLists {
		if l.Contains(a) {
			return l
		}
	}
	return nil
}

func (d *Detector) geo(a netip.Addr) (Location, bool) {
	if d.opts.GeoIP == nil || !a.IsValid() {
		return Location{}, false
	}
	return d.opts.GeoIP.Lookup(a)
}

func (d *Detector) remoteIP(a netip.Addr) *RemoteIPDetails {
	if !a.IsValid() {
		return nil
	}
	r := &RemoteIPDetails{}
	if a.Is4() || a.Is4In6() {
		r.IPAddressV4 = a.Unmap().String()
	} else {
		r.IPAddressV6 = a.String()
	}
	if loc, ok := d.geo(a); ok {
		r.Country = &Country{CountryCode: loc.CountryCode, CountryName: loc.CountryName}
		if loc.City != "" {
			r.City = &City{CityName: loc.City}
		}
		if loc.HasCoords {
			r.GeoLocation = &GeoLocation{Lat: loc.Lat, Lon: loc.Lon}
		}
	}
	return r
}

// window counts distinct values seen for one key within a sliding window.
type window struct {
	last  time.Time
	items map[string]time.Time // value → last seen
}

// add records v at t and returns the number of distinct values seen within w
// of t.
func (x *window) add(v string, t time.Time, w time.Duration, limit int) int {
	if x.items == nil {
		x.items = map[string]time.Time{}
	}
	if t.After(x.last) {
		x.last = t
	}
	if old, ok := x.items[v]; !ok || t.After(old) {
		x.items[v] = t
	}
	cut := x.last.Add(-w)
	n := 0
	for k, seen := range x.items {
		if seen.Before(cut) {
			delete(x.items, k)
			continue
		}
		n++
	}
	// Keep memory bounded: once well past the threshold, the count is what matters.
	if n > 4*limit {
		for k := range x.items {
			if n <= 2*limit {
				break
			}
			delete(x.items, k)
			n--
		}
	}
	return n
}

func expireWindows[K comparable](m map[K]*window, cut time.Time) {
	for k, w := range m {
		if w.last.Before(cut) {
			delete(m, k)
		}
	}
}
