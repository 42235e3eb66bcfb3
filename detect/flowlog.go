package detect

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"net/netip"
	"strconv"
	"strings"
	"time"
)

// FlowRecord is one VPC flow log record (flow-logs.md, "Flow log records").
// Fields a record's format does not include, and fields logged as "-", are
// zero; ports and protocol are -1 then.
type FlowRecord struct {
	Version          int
	AccountID        string
	InterfaceID      string
	SrcAddr, DstAddr netip.Addr
	SrcPort, DstPort int
	Protocol         int // IANA number: 6 TCP, 17 UDP, 1 ICMP
	Packets, Bytes   int64
	Start, End       int64  // Unix seconds
	Action           string // ACCEPT or REJECT
	LogStatus        string // OK, NODATA or SKIPDATA
	// version 3
	VPCID, SubnetID, InstanceID string
	TCPFlags                    int
	Type                        string // IPv4, IPv6, EFA
	PktSrcAddr, PktDstAddr      netip.Addr
	// version 4
	Region, AZID, SublocationType, SublocationID string
	// version 5
	PktSrcAWSService, PktDstAWSService string
	FlowDirection                      string // ingress or egress
	TrafficPath                        string
}

// DefaultFlowFormat is the default format: all version 2 fields.
const DefaultFlowFormat = "version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status"

// flowField is the setter of one flow-log field.
type flowField func(r *FlowRecord, v string) error

var flowFields = map[string]flowField{
	"version":             func(r *FlowRecord, v string) (err error) { r.Version, err = flowInt(v); return },
	"account-id":          func(r *FlowRecord, v string) error { r.AccountID = v; return nil },
	"interface-id":        func(r *FlowRecord, v string) error { r.InterfaceID = v; return nil },
	"srcaddr":             func(r *FlowRecord, v string) (err error) { r.SrcAddr, err = flowAddr(v); return },
	"dstaddr":             func(r *FlowRecord, v string) (err error) { r.DstAddr, err = flowAddr(v); return },
	"srcport":             func(r *FlowRecord, v string) (err error) { r.SrcPort, err = flowPort(v); return },
	"dstport":             func(r *FlowRecord, v string) (err error) { r.DstPort, err = flowPort(v); return },
	"protocol":            func(r *FlowRecord, v string) (err error) { r.Protocol, err = flowProto(v); return },
	"packets":             func(r *FlowRecord, v string) (err error) { r.Packets, err = flowInt64(v); return },
	"bytes":               func(r *FlowRecord, v string) (err error) { r.Bytes, err = flowInt64(v); return },
	"start":               func(r *FlowRecord, v string) (err error) { r.Start, err = flowInt64(v); return },
	"end":                 func(r *FlowRecord, v string) (err error) { r.End, err = flowInt64(v); return },
	"action":              func(r *FlowRecord, v string) error { r.Action = dash(v); return oneOf(v, "ACCEPT", "REJECT", "-") },
	"log-status":          func(r *FlowRecord, v string) error { r.LogStatus = v; return oneOf(v, "OK", "NODATA", "SKIPDATA") },
	"vpc-id":              func(r *FlowRecord, v string) error { r.VPCID = dash(v); return nil },
	"subnet-id":           func(r *FlowRecord, v string) error { r.SubnetID = dash(v); return nil },
	"instance-id":         func(r *FlowRecord, v string) error { r.InstanceID = dash(v); return nil },
	"tcp-flags":           func(r *FlowRecord, v string) (err error) { r.TCPFlags, err = flowInt(v); return },
	"type":                func(r *FlowRecord, v string) error { r.Type = dash(v); return nil },
	"pkt-srcaddr":         func(r *FlowRecord, v string) (err error) { r.PktSrcAddr, err = flowAddr(v); return },
	"pkt-dstaddr":         func(r *FlowRecord, v string) (err error) { r.PktDstAddr, err = flowAddr(v); return },
	"region":              func(r *FlowRecord, v string) error { r.Region = dash(v); return nil },
	"az-id":               func(r *FlowRecord, v string) error { r.AZID = dash(v); return nil },
	"sublocation-type":    func(r *FlowRecord, v string) error { r.SublocationType = dash(v); return nil },
	"sublocation-id":      func(r *FlowRecord, v string) error { r.SublocationID = dash(v); return nil },
	"pkt-src-aws-service": func(r *FlowRecord, v string) error { r.PktSrcAWSService = dash(v); return nil },
	"pkt-dst-aws-service": func(r *FlowRecord, v string) error { r.PktDstAWSService = dash(v); return nil },
	"flow-direction":      func(r *FlowRecord, v string) error { r.FlowDirection = dash(v); return nil },
	"traffic-path":        func(r *FlowRecord, v string) error { r.TrafficPath = dash(v); return nil },
}

func dash(v string) string {
	if v == "-" {
		return ""
	}
	return v
}

func oneOf(v string, allowed ...string) error {
	for _, a := range allowed {
		if v == a {
			return nil
		}
	}
	return fmt.Errorf("expected one of %s, got %q", strings.Join(allowed, ", "), v)
}

func flowInt(v string) (int, error) {
	if v == "-" {
		return 0, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 0 {
		return 0, fmt.Errorf("expected a non-negative integer, got %q", v)
	}
	return n, nil
}

func flowInt64(v string) (int64, error) {
	if v == "-" {
		return 0, nil
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil || n < 0 {
		return 0, fmt.Errorf("expected a non-negative integer, got %q", v)
	}
	return n, nil
}

func flowPort(v string) (int, error) {
	if v == "-" {
		return -1, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 0 || n > 65535 {
		return 0, fmt.Errorf("expected a port 0-65535, got %q", v)
	}
	return n, nil
}

func flowProto(v string) (int, error) {
	if v == "-" {
		return -1, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 0 || n > 255 {
		return 0, fmt.Errorf("expected an IANA protocol number 0-255, got %q", v)
	}
	return n, nil
}

func flowAddr(v string) (netip.Addr, error) {
	if v == "-" {
		return netip.Addr{}, nil
	}
	a, err := netip.ParseAddr(v)
	if err != nil {
		return a, fmt.Errorf("expected an IP address, got %q", v)
	}
	return a.Unmap(), nil
}

// ParseFlowFormat parses a flow log format: field names separated by spaces,
// either plain (the header line of S3 delivery files) or in the ${field}
// syntax of CreateFlowLogs' LogFormat. Unknown names are accepted and their
// values skipped, so that formats with fields newer than this reader work.
func ParseFlowFormat(format string) ([]string, error) {
	names := strings.Fields(format)
	if len(names) == 0 {
		return nil, fmt.Errorf("empty flow log format")
	}
	for i, n := range names {
		if strings.HasPrefix(n, "${") && strings.HasSuffix(n, "}") {
			n = n[2 : len(n)-1]
		}
		for _, c := range n {
			if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-') {
				return nil, fmt.Errorf("field %d: %q is not a flow log field name", i+1, names[i])
			}
		}
		names[i] = n
	}
	return names, nil
}

// FlowLogReader reads VPC flow log records, one per line, gzip or plain. The
// first line is taken as the header (S3 delivery files have one) when it
// starts with a field name; otherwise the format given to the reader (default
// DefaultFlowFormat) applies.
type FlowLogReader struct {
	name    string
	br      *bufio.Reader
	fields  []flowField
	names   []string
	line    int
	rec     FlowRecord
	fatal   error
	started bool
}

// NewFlowLogReader returns a reader; format may be "" for the default or the
// header line.
func NewFlowLogReader(r io.Reader, name, format string) (*FlowLogReader, error) {
	f := &FlowLogReader{name: name}
	if format != "" {
		if err := f.setFormat(format); err != nil {
			return nil, err
		}
	}
	src, err := maybeGunzip(r)
	if err != nil {
		f.fatal = err
		return f, nil
	}
	f.br = bufio.NewReaderSize(src, maxFlowLine)
	return f, nil
}

func (f *FlowLogReader) setFormat(format string) error {
	names, err := ParseFlowFormat(format)
	if err != nil {
		return &Error{File: f.name, Line: f.line, Msg: err.Error()}
	}
	f.names = names
	f.fields = make([]flowField, len(names))
	for i, n := range names {
		f.fields[i] = flowFields[n] // nil for unknown fields: skipped
	}
	return nil
}

// Next returns the next record, io.EOF at the end, or a *Error for a line that
// could not be read (call Next again to continue).
func (f *FlowLogReader) Next() (*FlowRecord, error) {
	if f.fatal != nil {
		err := f.fatal
		f.fatal = io.EOF
		if err == io.EOF {
			return nil, err
		}
		return nil, &Error{File: f.name, Msg: err.Error(), Err: err}
	}
	for {
		raw, err := f.br.ReadSlice('\n')
		if len(raw) == 0 && err != nil {
			f.fatal = io.EOF
			if err != io.EOF {
				return nil, &Error{File: f.name, Line: f.line + 1, Msg: "read error: " + err.Error(), Err: err}
			}
			return nil, io.EOF
		}
		f.line++
		if errors.Is(err, bufio.ErrBufferFull) {
			// A line longer than any flow record: report it, skip to its end, go on.
			for errors.Is(err, bufio.ErrBufferFull) {
				_, err = f.br.ReadSlice('\n')
			}
			return nil, &Error{File: f.name, Line: f.line, Column: 1, Msg: fmt.Sprintf("line longer than %d bytes", maxFlowLine)}
		}
		line := strings.TrimRight(string(raw), "\r\n")
		if strings.TrimSpace(line) == "" {
			continue
		}
		if !f.started {
			f.started = true
			if c := strings.TrimLeft(line, " \ufeff"); isFlowHeader(c) {
				if err := f.setFormat(c); err != nil {
					f.fatal = io.EOF
					return nil, err
				}
				continue
			}
			if f.fields == nil {
				_ = f.setFormat(DefaultFlowFormat)
			}
		}
		if err := f.parse(line); err != nil {
			return nil, err
		}
		return &f.rec, nil
	}
}

// maxFlowLine bounds one flow-log line; records are a few hundred bytes.
const maxFlowLine = 64 << 10

func (f *FlowLogReader) parse(line string) error {
	f.rec = FlowRecord{SrcPort: -1, DstPort: -1, Protocol: -1}
	col, i := 1, 0
	rest := line
	for len(rest) > 0 {
		j := strings.IndexByte(rest, ' ')
		v := rest
		if j >= 0 {
			v, rest = rest[:j], rest[j+1:]
		} else {
			rest = ""
		}
		if v == "" { // repeated separator
			col++
			continue
		}
		if i >= len(f.fields) {
			return &Error{File: f.name, Line: f.line, Column: col, Msg: fmt.Sprintf("more fields than the format's %d", len(f.fields))}
		}
		if set := f.fields[i]; set != nil {
			if err := set(&f.rec, v); err != nil {
				return &Error{File: f.name, Line: f.line, Column: col, Field: f.names[i], Msg: err.Error()}
			}
		}
		col += len(v) + 1
		i++
	}
	if i != len(f.fields) {
		return &Error{File: f.name, Line: f.line, Column: col, Msg: fmt.Sprintf("%d fields, the format has %d", i, len(f.fields))}
	}
	return nil
}

// isFlowHeader reports whether a line is a header of field names: every
// token is a field name and at least one is a known one (data lines such as
// "i-0abc eni-0abc 10.0.0.1 ..." are not).
func isFlowHeader(line string) bool {
	names, err := ParseFlowFormat(line)
	if err != nil {
		return false
	}
	for _, n := range names {
		if _, ok := flowFields[n]; ok {
			return true
		}
	}
	return false
}

// Time is the record's end time (start when end is missing).
func (r *FlowRecord) Time() time.Time {
	if r.End > 0 {
		return time.Unix(r.End, 0).UTC()
	}
	return time.Unix(r.Start, 0).UTC()
}
