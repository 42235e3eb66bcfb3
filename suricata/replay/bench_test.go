package replay

import (
	"bytes"
	"fmt"
	"io"
	"net/netip"
	"os"
	"path/filepath"
	"syscall"
	"testing"

	"github.com/moatdev/moat/suricata"
	"github.com/moatdev/moat/suricata/pcapgen"
)

func cpuSeconds() float64 {
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return float64(ru.Utime.Sec+ru.Stime.Sec) + float64(ru.Utime.Usec+ru.Stime.Usec)/1e6
}

// mixedTraffic generates n flows: HTTP requests with responses, TLS
// ClientHellos and DNS queries, in turn.
func mixedTraffic(tb testing.TB, n int) []byte {
	return capture(tb, func(w *pcapgen.Writer) error {
		body := bytes.Repeat([]byte("<html>lorem ipsum dolor sit amet</html>\n"), 100)
		for i := 0; i < n; i++ {
			c := netip.AddrPortFrom(netip.AddrFrom4([4]byte{10, 1, byte(i >> 8), byte(i)}), uint16(20000+i%40000))
			var err error
			switch i % 3 {
			case 0:
				t := w.TCP(c, web)
				if err = t.Handshake(); err != nil {
					return err
				}
				if err = t.Client([]byte(fmt.Sprintf("GET /page/%d?q=1 HTTP/1.1\r\nHost: site%d.example.test\r\nUser-Agent: bench\r\nAccept: */*\r\n\r\n", i, i%50))); err != nil {
					return err
				}
				if err = t.Server(append([]byte(fmt.Sprintf("HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: %d\r\n\r\n", len(body))), body...)); err != nil {
					return err
				}
				err = t.Close()
			case 1:
				t := w.TCP(c, tlsS)
				if err = t.Handshake(); err != nil {
					return err
				}
				if err = t.Client(pcapgen.ClientHello(fmt.Sprintf("host%d.example.test", i%70))); err != nil {
					return err
				}
				err = t.Close()
			case 2:
				err = w.UDP(c, dnsS, pcapgen.DNSQuery(uint16(i), fmt.Sprintf("q%d.example.test", i%90)))
			}
			if err != nil {
				return err
			}
		}
		return nil
	})
}

func benchRules(tb testing.TB, which string) []*suricata.Rule {
	switch which {
	case "1":
		rs := suricata.Parse([]byte(`alert http any any -> any any (http.uri; content:"/never-here"; sid:1;)`), nil)
		return rs.Rules
	case "100":
		var b bytes.Buffer
		for i := 0; i < 100; i++ {
			fmt.Fprintf(&b, "alert http any any -> any any (http.host; content:\"bad%d.test\"; endswith; sid:%d;)\n", i, i+1)
		}
		return suricata.Parse(b.Bytes(), nil).Rules
	}
	dir := sharedDir(tb, "datasets/network/et-open")
	var all []*suricata.Rule
	for _, f := range []string{"emerging-policy.rules", "emerging-dns.rules"} {
		src, err := os.ReadFile(filepath.Join(dir, f))
		if err != nil {
			tb.Fatal(err)
		}
		all = append(all, suricata.Parse(src, nil).Rules...)
	}
	return all
}

// BenchmarkReplay measures moat nfw pcap's engine on generated mixed
// traffic with 1, 100 and all loadable ET Open rules (the shared data set).
func BenchmarkReplay(b *testing.B) {
	pcap := mixedTraffic(b, 3000)
	for _, which := range []string{"1", "100", "et-open"} {
		b.Run("rules="+which, func(b *testing.B) {
			rules := benchRules(b, which)
			eng, err := suricata.Compile(rules, suricata.Options{IPS: true})
			if err != nil {
				b.Fatal(err)
			}
			b.SetBytes(int64(len(pcap)))
			b.ReportAllocs()
			b.ResetTimer()
			cpu0 := cpuSeconds()
			for i := 0; i < b.N; i++ {
				if _, err := Run(bytes.NewReader(pcap), io.Discard, Config{Inspector: eng}); err != nil {
					b.Fatal(err)
				}
			}
			cpu := cpuSeconds() - cpu0
			b.ReportMetric(float64(len(rules)), "rules")
			b.ReportMetric(float64(len(pcap))*8*float64(b.N)/b.Elapsed().Seconds()/1e6, "Mbit/s")
			// Per CPU second (user+system, GC included): steadier than wall
			// time on a shared machine.
			b.ReportMetric(float64(len(pcap))*8*float64(b.N)/cpu/1e6, "Mbit/cpu-s")
		})
	}
}
