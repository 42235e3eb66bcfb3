package replay

import (
	"net"
	"strconv"
	"time"
)

// EVE record types, with Suricata's field names.
type eveRecord struct {
	Timestamp string      `json:"timestamp"`
	FlowID    uint64      `json:"flow_id,omitempty"`
	PcapCnt   uint64      `json:"pcap_cnt,omitempty"`
	EventType string      `json:"event_type"`
	SrcIP     string      `json:"src_ip,omitempty"`
	SrcPort   *uint16     `json:"src_port,omitempty"`
	DestIP    string      `json:"dest_ip,omitempty"`
	DestPort  *uint16     `json:"dest_port,omitempty"`
	Proto     string      `json:"proto,omitempty"`
	PktSrc    string      `json:"pkt_src,omitempty"`
	TxID      *int        `json:"tx_id,omitempty"`
	AppProto  string      `json:"app_proto,omitempty"`
	Alert     *eveAlert   `json:"alert,omitempty"`
	HTTP      *eveHTTP    `json:"http,omitempty"`
	TLS       *eveTLS     `json:"tls,omitempty"`
	DNS       *eveDNS     `json:"dns,omitempty"`
	Flow      *eveFlow    `json:"flow,omitempty"`
	Netflow   *eveNetflow `json:"netflow,omitempty"`
	TCP       *eveTCP     `json:"tcp,omitempty"`
	Drop      *eveDrop    `json:"drop,omitempty"`
	Stats     *Stats      `json:"stats,omitempty"`
}

type eveAlert struct {
	Action      string              `json:"action"`
	GID         uint32              `json:"gid"`
	SignatureID uint32              `json:"signature_id"`
	Rev         uint32              `json:"rev"`
	Signature   string              `json:"signature"`
	Category    string              `json:"category"`
	Severity    int                 `json:"severity"`
	Metadata    map[string][]string `json:"metadata,omitempty"`
}

type eveHTTP struct {
	Hostname        string `json:"hostname,omitempty"`
	URL             string `json:"url,omitempty"`
	HTTPUserAgent   string `json:"http_user_agent,omitempty"`
	HTTPContentType string `json:"http_content_type,omitempty"`
	HTTPRefer       string `json:"http_refer,omitempty"`
	HTTPMethod      string `json:"http_method,omitempty"`
	Protocol        string `json:"protocol,omitempty"`
	Status          int    `json:"status,omitempty"`
	Length          int    `json:"length"`
}

type eveTLS struct {
	Subject     string  `json:"subject,omitempty"`
	IssuerDN    string  `json:"issuerdn,omitempty"`
	Serial      string  `json:"serial,omitempty"`
	Fingerprint string  `json:"fingerprint,omitempty"`
	SNI         string  `json:"sni,omitempty"`
	Version     string  `json:"version,omitempty"`
	NotBefore   string  `json:"notbefore,omitempty"`
	NotAfter    string  `json:"notafter,omitempty"`
	JA3         *eveJA3 `json:"ja3,omitempty"`
}

type eveJA3 struct {
	Hash   string `json:"hash"`
	String string `json:"string"`
}

type eveDNS struct {
	Version int         `json:"version"`
	Type    string      `json:"type"`
	TxID    uint64      `json:"tx_id"`
	ID      uint16      `json:"id"`
	Flags   string      `json:"flags"`
	Opcode  int         `json:"opcode"`
	Rcode   string      `json:"rcode,omitempty"`
	Queries []eveQuery  `json:"queries,omitempty"`
	Answers []eveAnswer `json:"answers,omitempty"`
}

type eveQuery struct {
	RRName string `json:"rrname"`
	RRType string `json:"rrtype"`
}

type eveAnswer struct {
	RRName string `json:"rrname"`
	RRType string `json:"rrtype"`
	TTL    uint32 `json:"ttl"`
	RData  string `json:"rdata,omitempty"`
}

type eveFlow struct {
	PktsToServer  uint64 `json:"pkts_toserver"`
	PktsToClient  uint64 `json:"pkts_toclient"`
	BytesToServer uint64 `json:"bytes_toserver"`
	BytesToClient uint64 `json:"bytes_toclient"`
	Start         string `json:"start"`
	End           string `json:"end,omitempty"`
	Age           *int64 `json:"age,omitempty"`
	State         string `json:"state,omitempty"`
	Reason        string `json:"reason,omitempty"`
	Alerted       *bool  `json:"alerted,omitempty"`
	Action        string `json:"action,omitempty"`
}

type eveNetflow struct {
	Pkts   uint64 `json:"pkts"`
	Bytes  uint64 `json:"bytes"`
	Start  string `json:"start"`
	End    string `json:"end"`
	Age    int64  `json:"age"`
	MinTTL uint8  `json:"min_ttl"`
	MaxTTL uint8  `json:"max_ttl"`
}

type eveTCP struct {
	TCPFlags   string `json:"tcp_flags"`
	TCPFlagsTS string `json:"tcp_flags_ts"`
	TCPFlagsTC string `json:"tcp_flags_tc"`
	SYN        bool   `json:"syn,omitempty"`
	FIN        bool   `json:"fin,omitempty"`
	RST        bool   `json:"rst,omitempty"`
	PSH        bool   `json:"psh,omitempty"`
	ACK        bool   `json:"ack,omitempty"`
	URG        bool   `json:"urg,omitempty"`
	ECE        bool   `json:"ecn,omitempty"`
	CWR        bool   `json:"cwr,omitempty"`
	State      string `json:"state,omitempty"`
}

type eveDrop struct {
	Reason string `json:"reason"`
}

// awsRecord is Network Firewall's log envelope around an EVE event.
type awsRecord struct {
	FirewallName     string     `json:"firewall_name"`
	AvailabilityZone string     `json:"availability_zone"`
	EventTimestamp   string     `json:"event_timestamp"`
	Event            *eveRecord `json:"event"`
}

// eveTime formats a packet time as Suricata does: 2009-10-16T16:44:16.083524+0000.
func eveTime(ns int64) string {
	return time.Unix(0, ns).UTC().Format("2006-01-02T15:04:05.000000-0700")
}

func protoName(p uint8) string {
	switch p {
	case 6:
		return "TCP"
	case 17:
		return "UDP"
	case 1:
		return "ICMP"
	case 58:
		return "IPv6-ICMP"
	}
	return strconv.Itoa(int(p))
}

func ipString(b []byte) string { return net.IP(b).String() }

func itoa(n int) string { return strconv.Itoa(n) }

func port(p uint16) *uint16 { return &p }
