package proxy

import (
	"encoding/json"
	"io"
	"strconv"
	"sync"
	"time"
)

// Record is one Network Firewall log record: the envelope AWS writes
// around a Suricata EVE event (alert and flow logs). The field names are
// those of suricata/replay's --format aws output; replay keeps its types
// unexported, so they are repeated here for the events the proxy writes.
type Record struct {
	FirewallName     string `json:"firewall_name"`
	AvailabilityZone string `json:"availability_zone"`
	EventTimestamp   string `json:"event_timestamp"` // epoch seconds
	Event            Event  `json:"event"`
}

// Event is the EVE event inside a Record.
type Event struct {
	Timestamp string   `json:"timestamp"`
	FlowID    uint64   `json:"flow_id"`
	EventType string   `json:"event_type"` // alert or netflow
	SrcIP     string   `json:"src_ip"`
	SrcPort   uint16   `json:"src_port"`
	DestIP    string   `json:"dest_ip"`
	DestPort  uint16   `json:"dest_port"`
	Proto     string   `json:"proto"`
	AppProto  string   `json:"app_proto,omitempty"`
	Alert     *Alert   `json:"alert,omitempty"`
	TLS       *TLS     `json:"tls,omitempty"`
	HTTP      *HTTP    `json:"http,omitempty"`
	Netflow   *Netflow `json:"netflow,omitempty"`
}

// Alert is an alert event's rule.
type Alert struct {
	Action      string              `json:"action"` // blocked or allowed
	GID         uint32              `json:"gid"`
	SignatureID uint32              `json:"signature_id"`
	Rev         uint32              `json:"rev"`
	Signature   string              `json:"signature"`
	Category    string              `json:"category"`
	Severity    int                 `json:"severity"`
	Metadata    map[string][]string `json:"metadata,omitempty"`
}

// TLS is an alert's TLS metadata.
type TLS struct {
	SNI     string `json:"sni,omitempty"`
	Version string `json:"version,omitempty"`
}

// HTTP is an alert's HTTP metadata.
type HTTP struct {
	Hostname      string `json:"hostname,omitempty"`
	URL           string `json:"url,omitempty"`
	HTTPUserAgent string `json:"http_user_agent,omitempty"`
	HTTPMethod    string `json:"http_method,omitempty"`
	Protocol      string `json:"protocol,omitempty"`
	Length        int    `json:"length"`
}

// Netflow is one direction of a flow. The proxy relays a byte stream, not
// IP packets: pkts counts the data segments it relayed, and the TTLs are
// unknown (left out).
type Netflow struct {
	Pkts  uint64 `json:"pkts"`
	Bytes uint64 `json:"bytes"`
	Start string `json:"start"`
	End   string `json:"end"`
	Age   int64  `json:"age"`
}

// eveTime formats a time as Suricata does: 2009-10-16T16:44:16.083524+0000.
func eveTime(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000000-0700") }

// recorder writes log records; one lock for both logs, so that the two may
// share a writer.
type recorder struct {
	mu           sync.Mutex
	alert, flow  *json.Encoder
	name, az     string
	alertW, flwW io.Writer
}

func newRecorder(alert, flow io.Writer, name, az string) *recorder {
	r := &recorder{name: name, az: az, alertW: alert, flwW: flow}
	if alert != nil {
		r.alert = json.NewEncoder(alert)
	}
	if flow != nil {
		r.flow = json.NewEncoder(flow)
	}
	return r
}

func (r *recorder) write(enc *json.Encoder, now time.Time, ev *Event) error {
	if enc == nil {
		return nil
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	return enc.Encode(Record{FirewallName: r.name, AvailabilityZone: r.az, EventTimestamp: strconv.FormatInt(now.Unix(), 10), Event: *ev})
}
