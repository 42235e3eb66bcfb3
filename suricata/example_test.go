package suricata_test

import (
	"fmt"
	"net/netip"

	"github.com/moatdev/moat/suricata"
)

func Example() {
	rs := suricata.Parse([]byte(`drop tls $HOME_NET any -> $EXTERNAL_NET any (msg:"blocked domain"; tls.sni; dotprefix; content:".evil.test"; endswith; nocase; sid:1; rev:1;)
alert tcp any any -> any any (msg:"needs Lua"; lua:check.lua; sid:2;)`), &suricata.Config{File: "example.rules"})
	for _, e := range rs.Errors {
		fmt.Println(e)
	}
	eng, err := suricata.Compile(rs.Rules, suricata.Options{IPS: true})
	if err != nil {
		panic(err)
	}
	p := &suricata.Packet{Proto: 6, Src: netip.MustParseAddr("10.0.0.5"), Dst: netip.MustParseAddr("203.0.113.9"), SrcPort: 40000, DstPort: 443,
		ToServer: true, Established: true, App: suricata.AppTLS, TxID: 1}
	p.SetBuffer(suricata.BufTLSSNI, []byte("www.EVIL.test"))
	v := eng.Inspect(p, &suricata.FlowState{}, suricata.NewThresholds(), eng.NewScratch())
	fmt.Println(v.Drop.SID, v.Drop.Msg, v.Alerts[0].Blocked)
	// Output:
	// example.rules:2:48: sid 2: lua: Lua scripts are not implemented (valid Suricata, not supported by moat)
	// 1 blocked domain true
}
