package vpc

import (
	"bufio"
	"fmt"
	"io"
	"net/netip"
	"strconv"
	"strings"
)

// DefaultFlowLogFormat is the version 2 default format of VPC flow logs.
const DefaultFlowLogFormat = "${version} ${account-id} ${interface-id} ${srcaddr} ${dstaddr} ${srcport} ${dstport} ${protocol} ${packets} ${bytes} ${start} ${end} ${action} ${log-status}"

// FlowLogRecord is one flow log record; Fields holds every field by its
// name (version, interface-id, srcaddr, ...), "-" for absent values.
type FlowLogRecord struct {
	Fields map[string]string
	Line   int
}

// Get returns a field ("" when the format lacks it).
func (r *FlowLogRecord) Get(name string) string { return r.Fields[name] }

// FormatFlowLog renders fields in a format such as DefaultFlowLogFormat.
func FormatFlowLog(format string, fields map[string]string) string {
	names := formatNames(format)
	out := make([]string, len(names))
	for i, n := range names {
		v := fields[n]
		if v == "" {
			v = "-"
		}
		out[i] = v
	}
	return strings.Join(out, " ")
}

func formatNames(format string) []string {
	var names []string
	for _, f := range strings.Fields(format) {
		names = append(names, strings.TrimSuffix(strings.TrimPrefix(f, "${"), "}"))
	}
	return names
}

// FlowLogReader reads flow log records as delivered to S3 or CloudWatch Logs:
// space-separated fields. A first line of field names (S3 delivery writes
// one: "version account-id interface-id ...") sets the format; otherwise
// the default version 2 format is assumed.
type FlowLogReader struct {
	sc    *bufio.Scanner
	names []string
	line  int
	name  string
}

// NewFlowLogReader reads from r; name is used in errors.
func NewFlowLogReader(r io.Reader, name string) *FlowLogReader {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	return &FlowLogReader{sc: sc, name: name}
}

// Next returns the next record, io.EOF at the end, or a *LoadError for a
// malformed line (the reader can continue after it).
func (fr *FlowLogReader) Next() (*FlowLogRecord, error) {
	for fr.sc.Scan() {
		fr.line++
		fields := strings.Fields(fr.sc.Text())
		if len(fields) == 0 {
			continue
		}
		if fr.names == nil {
			if fields[0] == "version" || strings.Contains(fr.sc.Text(), "interface-id") {
				fr.names = fields
				continue
			}
			fr.names = formatNames(DefaultFlowLogFormat)
		}
		if len(fields) != len(fr.names) {
			return nil, &LoadError{File: fr.name, Line: fr.line, Column: 1,
				Message: fmt.Sprintf("%d fields, the format has %d (%s)", len(fields), len(fr.names), strings.Join(fr.names, " "))}
		}
		rec := &FlowLogRecord{Fields: make(map[string]string, len(fields)), Line: fr.line}
		for i, n := range fr.names {
			rec.Fields[n] = fields[i]
		}
		return rec, nil
	}
	if err := fr.sc.Err(); err != nil {
		return nil, &LoadError{File: fr.name, Line: fr.line, Message: err.Error(), Err: err}
	}
	return nil, io.EOF
}

// FlowCheck is the model's verdict on one flow log record.
type FlowCheck struct {
	Record   *FlowLogRecord
	Logged   string // ACCEPT or REJECT as logged
	Model    string // ACCEPT or REJECT as the model decides; "" when not checkable
	Reason   string
	Disagree bool
}

// CheckFlowLog decides a flow log record at its interface: traffic leaving
// the interface needs its security groups' egress (or to be a reply of an
// inbound connection they admitted) and, when it leaves the subnet, the
// subnet ACL's outbound rules; traffic arriving needs the ACL's inbound
// rules (when it comes from outside the subnet) and the groups' ingress (or
// to be a reply of an outbound connection). The ACL is exact; the group
// check is "could be allowed", because a record does not say which side
// opened the connection: a TCP/UDP record is taken as a possible reply
// only when its destination port is above its source port (the client's
// ephemeral port is the higher one) (moat's heuristic: AWS logs no
// direction); ICMP records carry no type, so any type is assumed. Records without interface, addresses, protocol or
// action (NODATA, SKIPDATA) are not checkable.
func (a *Analyzer) CheckFlowLog(rec *FlowLogRecord) FlowCheck {
	c := FlowCheck{Record: rec, Logged: rec.Get("action")}
	if st := rec.Get("log-status"); st != "" && st != "OK" {
		c.Reason = "log-status " + st
		return c
	}
	e := a.n.Interfaces[rec.Get("interface-id")]
	src, err1 := netip.ParseAddr(rec.Get("srcaddr"))
	dst, err2 := netip.ParseAddr(rec.Get("dstaddr"))
	proto, err3 := strconv.Atoi(rec.Get("protocol"))
	sport, _ := strconv.Atoi(rec.Get("srcport"))
	dport, _ := strconv.Atoi(rec.Get("dstport"))
	switch {
	case e == nil:
		c.Reason = "interface " + rec.Get("interface-id") + " is not in the input"
		return c
	case err1 != nil || err2 != nil || err3 != nil || !src.Is4() || !dst.Is4():
		c.Reason = "record has no IPv4 addresses and protocol"
		return c
	case c.Logged != "ACCEPT" && c.Logged != "REJECT":
		c.Reason = "action " + c.Logged
		return c
	}
	var b box
	b[fSrcAddr], b[fDstAddr] = Single(addrU32(src)), Single(addrU32(dst))
	b[fSrcPort], b[fDstPort] = Single(uint32(sport)), Single(uint32(dport))
	if proto != ProtoTCP && proto != ProtoUDP {
		// ICMP type and code are not in flow log records: any type.
		b[fSrcPort], b[fDstPort] = allPorts, allPorts
	}
	sp := space{b}
	inbound := false
	for _, ip := range e.PrivateIpAddresses {
		inbound = inbound || ip == dst
	}
	sub := a.n.Subnets[e.SubnetId]
	peer := src
	if !inbound {
		peer = dst
	}
	crosses := sub == nil || !sub.CidrBlock.Contains(peer)
	c.Model, c.Reason = "ACCEPT", "allowed"
	if acl := a.subnetACL[e.SubnetId]; acl != nil && crosses {
		if allowed, _, deny := aclAllow(acl, !inbound, proto, sp); allowed.empty() {
			c.Model, c.Reason = "REJECT", fmt.Sprintf("network ACL %s rule %s", acl.acl.NetworkAclId, deny.RuleLabel())
		}
	}
	if c.Model == "ACCEPT" {
		direct, _ := a.sgAllow(e.Groups, !inbound, proto, sp)
		var reply space
		if mayBeReply(proto, sport, dport) {
			reply, _ = a.sgAllow(e.Groups, inbound, proto, sp.reversed())
		}
		if direct.empty() && reply.empty() {
			c.Model, c.Reason = "REJECT", "no rule of "+strings.Join(e.Groups, ", ")+" allows it either way"
		}
	}
	c.Disagree = c.Model != c.Logged
	return c
}

func mayBeReply(proto, sport, dport int) bool {
	switch proto {
	case ProtoTCP, ProtoUDP:
		return dport > sport
	}
	return true
}
