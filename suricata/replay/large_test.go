package replay

import (
	"io"
	"net/netip"
	"os"
	"runtime"
	"strconv"
	"syscall"
	"testing"
	"time"

	"github.com/moatdev/moat/suricata"
	"github.com/moatdev/moat/suricata/pcapgen"
)

func TestFlowTimeout(t *testing.T) {
	t.Parallel()
	pcap := capture(t, func(w *pcapgen.Writer) error {
		c := w.TCP(cli, web)
		if err := c.Handshake(); err != nil {
			return err
		}
		if err := c.Close(); err != nil {
			return err
		}
		w.T = w.T.Add(2 * time.Minute)
		for i := 0; i < sweepEvery+10; i++ {
			if err := w.UDP(netip.MustParseAddrPort("10.0.0.9:999"), dnsS, []byte("x")); err != nil {
				return err
			}
		}
		return nil
	})
	evs, _, err := run(t, webRules, pcap, Config{})
	if err != nil {
		t.Fatal(err)
	}
	if count(evs, "flow", "proto", "TCP", "flow.reason", "timeout") != 1 || count(evs, "flow", "proto", "UDP", "flow.reason", "shutdown") != 1 {
		t.Errorf("flow records: %v", evs)
	}
}

// TestLargeCapture replays MOAT_NFW_LARGE_MB megabytes of generated mixed
// traffic (streamed through a pipe, not stored) with the ET Open rules and
// reports throughput and peak memory. It is skipped unless the variable is
// set:
//
//	MOAT_NFW_LARGE_MB=1024 go test -run TestLargeCapture -v ./suricata/replay/
func TestLargeCapture(t *testing.T) {
	mb, _ := strconv.Atoi(os.Getenv("MOAT_NFW_LARGE_MB"))
	if mb <= 0 {
		t.Skip("set MOAT_NFW_LARGE_MB to run (e.g. 1024)")
	}
	rules := benchRules(t, "et-open")
	eng, err := suricata.Compile(rules, suricata.Options{IPS: true})
	if err != nil {
		t.Fatal(err)
	}
	// One block of 3,000 flows, repeated with shifted addresses and times.
	block := mixedTraffic(t, 3000)[24:]
	pr, pw := io.Pipe()
	target := int64(mb) << 20
	go func() {
		if _, err := pcapgen.NewWriter(pw); err != nil {
			return
		}
		var written int64 = 24
		rec := make([]byte, len(block))
		for round := 0; written < target; round++ {
			copy(rec, block)
			// Shift timestamps by 20 s (a block spans less) and the client's third octet per round.
			for off := 0; off+16 <= len(rec); {
				sec := uint32(rec[off]) | uint32(rec[off+1])<<8 | uint32(rec[off+2])<<16 | uint32(rec[off+3])<<24
				sec += uint32(round * 20)
				rec[off], rec[off+1], rec[off+2], rec[off+3] = byte(sec), byte(sec>>8), byte(sec>>16), byte(sec>>24)
				n := int(uint32(rec[off+8]) | uint32(rec[off+9])<<8 | uint32(rec[off+10])<<16 | uint32(rec[off+11])<<24)
				frame := rec[off+16 : off+16+n]
				if len(frame) > 34 && frame[23] != 0 { // IPv4: vary the source/destination (no checksum check in replay)
					frame[26+1] ^= byte(round)
					frame[30+1] ^= byte(round)
				}
				off += 16 + n
			}
			if _, err := pw.Write(rec); err != nil {
				return
			}
			written += int64(len(rec))
		}
		pw.Close()
	}()
	start := time.Now()
	st, err := Run(pr, io.Discard, Config{Inspector: eng})
	if err != nil {
		t.Fatal(err)
	}
	el := time.Since(start)
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	t.Logf("%d MB, %d packets, %d flows, %d alerts in %v: %.0f Mbit/s wall, %d rules; max RSS %d MB",
		st.Bytes>>20, st.Packets, st.Flows, st.Alerts, el.Round(time.Millisecond), float64(st.Bytes)*8/el.Seconds()/1e6, len(rules), ru.Maxrss>>10)
}
