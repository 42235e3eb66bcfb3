package detect

import (
	"encoding/json"
	"io"
	"math"
	"net/netip"
	"strings"
	"time"
)

// DNSQuery is one Route 53 Resolver query log entry
// (resolver-query-logs-format, version 1.1).
type DNSQuery struct {
	Version        string    `json:"version"`
	AccountID      string    `json:"account_id"`
	Region         string    `json:"region"`
	VPCID          string    `json:"vpc_id"`
	QueryTimestamp time.Time `json:"-"`
	QueryName      string    `json:"query_name"`
	QueryType      string    `json:"query_type"`
	QueryClass     string    `json:"query_class"`
	Rcode          string    `json:"rcode"`
	Answers        []struct {
		Rdata string `json:"Rdata"`
		Type  string `json:"Type"`
		Class string `json:"Class"`
	} `json:"answers"`
	SrcAddr string `json:"srcaddr"`
	SrcPort string `json:"srcport"`
	SrcIDs  struct {
		Instance         string `json:"instance"`
		ResolverEndpoint string `json:"resolver_endpoint"`
	} `json:"srcids"`
	Transport          string `json:"transport"`
	FirewallRuleAction string `json:"firewall_rule_action"`
}

type dnsJSON struct {
	*dnsAlias
	Timestamp string `json:"query_timestamp"`
}

type dnsAlias DNSQuery

// DNSReader reads Route 53 Resolver query logs: JSON lines as delivered to S3
// (gzip or plain), or JSON arrays.
type DNSReader struct {
	name  string
	js    *jsonStream
	q     DNSQuery
	n     int
	fatal error
}

// NewDNSReader returns a reader over r; name is used in errors.
func NewDNSReader(r io.Reader, name string) *DNSReader {
	src, err := maybeGunzip(r)
	d := &DNSReader{name: name, fatal: err}
	if err == nil {
		d.js = newJSONStream(src)
	}
	return d
}

// Next returns the next query, io.EOF at the end, or a *Error for an entry
// that could not be read (call Next again to continue).
func (d *DNSReader) Next() (*DNSQuery, error) {
	if d.fatal != nil {
		err := d.fatal
		d.fatal = io.EOF
		if err == io.EOF {
			return nil, err
		}
		return nil, &Error{File: d.name, Msg: err.Error(), Err: err}
	}
	data, err := d.js.next()
	if err != nil {
		if e, ok := err.(*Error); ok {
			e.File = d.name
		}
		return nil, err
	}
	d.n++
	d.q = DNSQuery{}
	aux := dnsJSON{dnsAlias: (*dnsAlias)(&d.q)}
	if err := json.Unmarshal(data, &aux); err != nil {
		return nil, decodeErr(d.js, d.name, d.n, data, err)
	}
	if aux.Timestamp != "" {
		t, err := time.Parse(time.RFC3339Nano, aux.Timestamp)
		if err != nil {
			return nil, &Error{File: d.name, Line: d.js.startLine, Column: d.js.startCol, Record: d.n, Field: "query_timestamp", Msg: "not an ISO 8601 UTC time: " + quoteShort(aux.Timestamp)}
		}
		d.q.QueryTimestamp = t.UTC()
	}
	if d.q.QueryName == "" {
		return nil, &Error{File: d.name, Line: d.js.startLine, Column: d.js.startCol, Record: d.n, Field: "query_name", Msg: "missing"}
	}
	return &d.q, nil
}

type dnsState struct {
	exfil map[string]*window // source|base domain → distinct encoded names
	dga   map[string]*window // source → distinct DGA-looking NXDOMAIN names
}

func (s *dnsState) init() { s.exfil, s.dga = map[string]*window{}, map[string]*window{} }

func (s *dnsState) expire(cut time.Time) {
	expireWindows(s.exfil, cut)
	expireWindows(s.dga, cut)
}

// DNSQuery runs the DNS detectors on one query and returns the findings it
// raised or updated. As in GuardDuty, trusted IP lists do not apply to DNS
// findings.
func (d *Detector) DNSQuery(q *DNSQuery) []*Finding {
	d.out = d.out[:0]
	d.tick(q.QueryTimestamp)
	name := strings.ToLower(strings.TrimSuffix(q.QueryName, "."))
	if name == "" {
		return d.out
	}
	for _, l := range d.opts.ThreatLists {
		if !l.ContainsDomain(name) {
			continue
		}
		switch l.Kind {
		case ThreatCommandAndControl:
			d.raise(d.dnsHit(q, TypeCnCDNS, name))
		case ThreatCryptoMining:
			d.raise(d.dnsHit(q, TypeBitcoinToolDNS, name))
		}
	}
	d.metadataRebind(q, name)
	d.dnsExfil(q, name)
	d.dga(q, name)
	return d.out
}

func (d *Detector) dnsHit(q *DNSQuery, typ, domain string) hit {
	subject := q.SrcIDs.Instance
	if subject == "" {
		subject = q.SrcAddr
	}
	local := &LocalIPDetails{}
	if a, err := netip.ParseAddr(q.SrcAddr); err == nil {
		if a.Is4() {
			local.IPAddressV4 = a.String()
		} else {
			local.IPAddressV6 = a.String()
		}
	}
	return hit{
		typ: typ, key: subject + "\x00" + domain, at: q.QueryTimestamp, account: q.AccountID, region: q.Region,
		subject: subject, role: "ACTOR",
		resource: FindingResource{ResourceType: "Instance", InstanceDetails: &InstanceDetails{InstanceID: q.SrcIDs.Instance,
			NetworkInterfaces: []NetworkInterface{{PrivateIPAddress: q.SrcAddr, VPCID: q.VPCID}}}},
		action: Action{ActionType: "DNS_REQUEST", DNSRequestAction: &DNSRequestAction{Domain: q.QueryName,
			Protocol: q.Transport, Blocked: q.FirewallRuleAction == "BLOCK"}},
		info: map[string]string{},
	}
}

// metadataRebind: a name (other than the metadata service's own) that
// resolves to the instance metadata address 169.254.169.254.
func (d *Detector) metadataRebind(q *DNSQuery, name string) {
	if name == "instance-data" || strings.HasPrefix(name, "instance-data.") {
		return
	}
	for _, a := range q.Answers {
		if a.Rdata == "169.254.169.254" || strings.EqualFold(a.Rdata, "fd00:ec2::254") {
			d.raise(d.dnsHit(q, TypeMetadataDNSRebind, name))
			return
		}
	}
}

// baseDomain approximates the registered domain: the last two labels, or
// three when the second-level label is a common public second level (co.uk).
func baseDomain(name string) (base, sub string) {
	labels := strings.Split(name, ".")
	n := 2
	if len(labels) >= 3 {
		switch labels[len(labels)-2] {
		case "co", "com", "net", "org", "gov", "ac", "edu":
			if len(labels[len(labels)-1]) == 2 {
				n = 3
			}
		}
	}
	if len(labels) <= n {
		return name, ""
	}
	return strings.Join(labels[len(labels)-n:], "."), strings.Join(labels[:len(labels)-n], ".")
}

// looksEncoded reports whether a subdomain carries encoded data: long and
// random-looking (base16/32/64 alphabets have high character entropy).
func looksEncoded(sub string) bool {
	s := strings.ReplaceAll(sub, ".", "")
	return len(s) >= 24 && entropy(s) >= 3.5
}

func entropy(s string) float64 {
	var counts [256]int
	for i := 0; i < len(s); i++ {
		counts[s[i]]++
	}
	var h float64
	n := float64(len(s))
	for _, c := range counts {
		if c > 0 {
			p := float64(c) / n
			h -= p * math.Log2(p)
		}
	}
	return h
}

// dnsExfil: many distinct encoded-looking names under one domain from one
// source within the window.
func (d *Detector) dnsExfil(q *DNSQuery, name string) {
	base, sub := baseDomain(name)
	if !looksEncoded(sub) {
		return
	}
	src := q.SrcIDs.Instance + "|" + q.SrcAddr
	n := getWindow(d.dns.exfil, src+"|"+base).add(sub, q.QueryTimestamp, d.th.Window, d.th.DNSExfilQueries)
	if n >= d.th.DNSExfilQueries {
		h := d.dnsHit(q, TypeDNSDataExfiltration, base)
		h.info["encodedQueriesInWindow"] = itoa(n)
		d.raise(h)
	}
}

// dga: several algorithmically generated-looking names answered NXDOMAIN.
func (d *Detector) dga(q *DNSQuery, name string) {
	if q.Rcode != "NXDOMAIN" {
		return
	}
	base, _ := baseDomain(name)
	label := base
	if i := strings.IndexByte(base, '.'); i >= 0 {
		label = base[:i]
	}
	if !looksGenerated(label) {
		return
	}
	src := q.SrcIDs.Instance + "|" + q.SrcAddr
	n := getWindow(d.dns.dga, src).add(base, q.QueryTimestamp, d.th.Window, d.th.DGANXDomains)
	if n >= d.th.DGANXDomains {
		h := d.dnsHit(q, TypeDGADomainRequest, "dga")
		h.action.DNSRequestAction.Domain = q.QueryName
		h.info["nxdomainsInWindow"] = itoa(n)
		d.raise(h)
	}
}

// looksGenerated: a registered-domain label of 10+ letters/digits with high
// entropy and few vowels, or with many digits among letters.
func looksGenerated(label string) bool {
	if len(label) < 10 {
		return false
	}
	vowels, digits := 0, 0
	for i := 0; i < len(label); i++ {
		switch c := label[i]; {
		case strings.IndexByte("aeiou", c) >= 0:
			vowels++
		case c >= '0' && c <= '9':
			digits++
		case c == '-':
			return false
		}
	}
	ratio := float64(vowels) / float64(len(label))
	return entropy(label) >= 3.2 && (ratio < 0.25 || digits*4 >= len(label))
}
