package vpc

import (
	"net/netip"
	"slices"
	"strings"
)

// SensitivePorts are the ports the exposure report calls out: SSH, RDP,
// MySQL, PostgreSQL, Redis, Elasticsearch/OpenSearch, MongoDB.
var SensitivePorts = []int{22, 3389, 3306, 5432, 6379, 9200, 27017}

// Exposure is one network interface reachable from the internet.
type Exposure struct {
	NetworkInterfaceId string
	InstanceId         string
	SubnetId           string
	VpcId              string
	PublicIp           netip.Addr
	InternetGatewayId  string
	Protocol           string // "tcp" or "udp"
	// Ports are the destination ports reachable from some internet address.
	Ports Set
	// Sources are the internet addresses that reach at least one port.
	Sources Set
	// Sensitive lists the SensitivePorts among Ports.
	Sensitive []int
	// Path is the forward path (internet gateway to the interface) with the
	// rules that admit the traffic.
	Path   []PathComponent
	Advice string
}

// Exposed reports every interface reachable from the internet over TCP or
// UDP on any port (Network Access Analyzer's "ENIs reachable from an
// internet gateway" scope), in interface ID order. Interfaces that share a
// subnet, security groups and public-IP status share one computation.
func (a *Analyzer) Exposed() []Exposure {
	igwOf := map[string]*InternetGateway{}
	for _, g := range a.n.InternetGateways {
		if g.VpcId != "" {
			igwOf[g.VpcId] = g
		}
	}
	ids := make([]string, 0, len(a.n.Interfaces))
	for id, e := range a.n.Interfaces {
		if inst := a.n.Instances[e.InstanceId]; inst != nil && inst.State != "" && inst.State != "running" {
			continue // a stopped instance is not reachable now
		}
		if e.InterfaceType == "nat_gateway" {
			continue // a NAT gateway accepts no inbound connections
		}
		if e.PublicIp.IsValid() && igwOf[e.VpcId] != nil && e.PrimaryIP().Is4() {
			ids = append(ids, id)
		}
	}
	slices.Sort(ids)
	type key struct {
		subnet, groups string
		proto          int
	}
	type cached struct {
		res *Analysis
		rep string
	}
	cache := map[key]cached{}
	var out []Exposure
	for _, id := range ids {
		e := a.n.Interfaces[id]
		g := igwOf[e.VpcId]
		for _, proto := range []int{ProtoTCP, ProtoUDP} {
			k := key{e.SubnetId, groupKey(e.Groups), proto}
			c, ok := cache[k]
			if !ok {
				c = cached{a.fromInternetAll(g, e, proto), id}
				cache[k] = c
			}
			if !c.res.NetworkPathFound {
				continue
			}
			out = append(out, a.exposure(e, g, proto, c.res, c.rep))
		}
	}
	return out
}

func (a *Analyzer) fromInternetAll(g *InternetGateway, e *NetworkInterface, proto int) *Analysis {
	w := &walk{a: a, proto: proto, res: &Analysis{}}
	var b box
	b[fSrcPort], b[fDstPort] = ephemeral, allPorts
	w.run(end{igw: g, addr: a.internet}, end{eni: e, ip: e.PrimaryIP()}, b)
	return w.res
}

func (a *Analyzer) exposure(e *NetworkInterface, g *InternetGateway, proto int, res *Analysis, rep string) Exposure {
	x := Exposure{NetworkInterfaceId: e.NetworkInterfaceId, InstanceId: e.InstanceId, SubnetId: e.SubnetId, VpcId: e.VpcId,
		PublicIp: e.PublicIp, InternetGatewayId: g.InternetGatewayId, Protocol: protoName(proto), Ports: res.DestinationPorts}
	x.Sources = sourcesOf(res)
	for _, p := range SensitivePorts {
		if x.Ports.Contains(uint32(p)) {
			x.Sensitive = append(x.Sensitive, p)
		}
	}
	x.Path = slices.Clone(res.ForwardPath)
	for i := range x.Path {
		if x.Path[i].Component.Id == rep {
			x.Path[i].Component.Id = e.NetworkInterfaceId
		}
		if x.Path[i].Note != "" && rep != e.NetworkInterfaceId {
			x.Path[i].Note = "" // translation notes name the representative's addresses
		}
	}
	x.Advice = advice(x.Sensitive)
	return x
}

func sourcesOf(res *Analysis) Set {
	if res.Example == nil {
		return Set{}
	}
	return res.sources
}

func advice(ports []int) string {
	var parts []string
	for _, p := range ports {
		switch p {
		case 22, 3389:
			parts = append(parts, "port "+itoa(p)+" is open to the internet: use AWS Systems Manager Session Manager instead of exposing SSH/RDP")
		default:
			parts = append(parts, "port "+itoa(p)+" (a database or search engine) is reachable from the internet: keep data stores in private subnets, reachable only from the application's security group")
		}
	}
	return strings.Join(parts, "; ")
}

// groupKey is the order-free identity of a set of security groups.
func groupKey(groups []string) string {
	g := slices.Clone(groups)
	slices.Sort(g)
	return strings.Join(slices.Compact(g), ",")
}
