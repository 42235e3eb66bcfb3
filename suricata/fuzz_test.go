package suricata

import (
	"testing"
)

// FuzzParse: any rule text either parses or returns an *Error with a
// position; a parsed rule compiles and can inspect a packet.
func FuzzParse(f *testing.F) {
	seeds := []string{
		`alert http $HOME_NET any -> $EXTERNAL_NET [80,8080:8090] (msg:"x"; flow:established,to_server; http.uri; content:"/a|3b|"; nocase; depth:10; http.host; dotprefix; content:".b.test"; endswith; sid:1; rev:2;)`,
		`drop tls any any <> ![10.0.0.0/8,192.168.1.1] !443 (tls.sni; pcre:"/^x[a-z]+\.test$/i"; bsize:<20; flowbits:set,a; sid:2;)`,
		`alert dns any any -> any any (dns_query; content:"evil"; fast_pattern; isdataat:!1,relative; threshold:type both, track by_src, count 2, seconds 60; sid:3;)`,
		`pass tcp any any -> any :1024 (content:!"a"; content:"b"; distance:-1; within:3; pcre:"/c/R"; dsize:1<>100; flowbits:isset,a|b; sid:4;)`,
		`alert tcp any any -> any any (content:"|41 4`,
		`alert tcp any any -> any 445 (content:"|ff|SMB"; byte_test:2,>,100,0,relative,little; byte_jump:4,2,relative,multiplier 2,align,post_offset -1; content:"x"; within:4; stream_size:client,>=,10; ip_proto:tcp; sid:5;)`,
		`alert tls any any -> any any (tls.cert_subject; content:"CN=a"; tls_cert_serial; content:"00:01"; sid:6;)`,
	}
	for _, s := range seeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		r, err := ParseRule(s, nil)
		if err != nil {
			e, ok := err.(*Error)
			if !ok || e.Line < 1 || e.Column < 0 || e.Message == "" {
				t.Fatalf("bad error %#v", err)
			}
			return
		}
		e, cerr := Compile([]*Rule{r}, Options{IPS: true})
		if cerr != nil {
			t.Fatal(cerr)
		}
		p := tcpPacket(s)
		p.App, p.TxID = r.needApp, 1
		for b := Buffer(1); b < NumBuffers; b++ {
			p.SetBuffer(b, []byte(s))
		}
		e.Inspect(p, &FlowState{}, NewThresholds(), e.NewScratch())
	})
}

func FuzzNormalizeURI(f *testing.F) {
	for _, s := range []string{"/a/../b/./c?x=%41", "http://h/x/%2e%2e/y", "../../..", "/%", "%%41"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		out := NormalizeURI(nil, []byte(s))
		if len(out) > len(s)+1 {
			t.Fatalf("normalised %q grew to %q", s, out)
		}
	})
}
