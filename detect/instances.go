package detect

import (
	"encoding/json"
	"fmt"
	"io"
	"net/netip"
)

// ReadInstances reads the output of `aws ec2 describe-instances` (the
// DescribeInstances response: Reservations[].Instances[]) and returns each
// instance's addresses — private and public IPv4, IPv6, on every network
// interface — for Options.InstanceAddresses. GuardDuty knows these from EC2;
// offline, this is how moat learns them.
func ReadInstances(r io.Reader, name string) (map[string][]netip.Addr, error) {
	type privateIP struct {
		PrivateIPAddress string `json:"PrivateIpAddress"`
		Association      struct {
			PublicIP string `json:"PublicIp"`
		} `json:"Association"`
	}
	var doc struct {
		Reservations []struct {
			Instances []struct {
				InstanceID        string `json:"InstanceId"`
				PrivateIPAddress  string `json:"PrivateIpAddress"`
				PublicIPAddress   string `json:"PublicIpAddress"`
				NetworkInterfaces []struct {
					PrivateIPAddresses []privateIP `json:"PrivateIpAddresses"`
					IPv6Addresses      []struct {
						IPv6Address string `json:"Ipv6Address"`
					} `json:"Ipv6Addresses"`
				} `json:"NetworkInterfaces"`
			} `json:"Instances"`
		} `json:"Reservations"`
	}
	dec := json.NewDecoder(r)
	if err := dec.Decode(&doc); err != nil {
		return nil, &Error{File: name, Msg: "not describe-instances output: " + err.Error(), Err: err}
	}
	out := map[string][]netip.Addr{}
	for i, res := range doc.Reservations {
		for j, inst := range res.Instances {
			if inst.InstanceID == "" {
				return nil, &Error{File: name, Field: fmt.Sprintf("Reservations[%d].Instances[%d].InstanceId", i, j), Msg: "missing"}
			}
			add := func(s string) {
				if a, err := netip.ParseAddr(s); err == nil {
					out[inst.InstanceID] = append(out[inst.InstanceID], a.Unmap())
				}
			}
			add(inst.PrivateIPAddress)
			add(inst.PublicIPAddress)
			for _, ni := range inst.NetworkInterfaces {
				for _, p := range ni.PrivateIPAddresses {
					add(p.PrivateIPAddress)
					add(p.Association.PublicIP)
				}
				for _, v6 := range ni.IPv6Addresses {
					add(v6.IPv6Address)
				}
			}
		}
	}
	return out, nil
}
