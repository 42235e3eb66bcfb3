package vpc

import (
	"errors"
	"io"
	"strings"
	"testing"
)

func TestCheckFlowLog(t *testing.T) {
	t.Parallel()
	a := Compile(loadAccount(t))
	log := `version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status
2 111122223333 eni-0a1b2c3d4e5f600d1 192.0.2.10 10.0.1.10 40000 22 6 10 840 1764400000 1764400060 ACCEPT OK
2 111122223333 eni-0a1b2c3d4e5f600d1 198.51.100.9 10.0.1.10 40000 22 6 1 60 1764400000 1764400060 REJECT OK
2 111122223333 eni-0a1b2c3d4e5f600d2 192.0.2.10 10.0.1.20 40000 3389 6 1 60 1764400000 1764400060 REJECT OK
2 111122223333 eni-0a1b2c3d4e5f600d2 192.0.2.10 10.0.1.20 40000 3389 6 1 60 1764400000 1764400060 ACCEPT OK
2 111122223333 eni-0a1b2c3d4e5f600d2 - - - - - - - 1764400000 1764400060 - NODATA
2 111122223333 eni-0a1b2c3d4e5f600d2 10.0.1.20 192.0.2.10 443 40000
`
	fr := NewFlowLogReader(strings.NewReader(log), "flow.log")
	var got []string
	var bad error
	for {
		rec, err := fr.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			bad = err
			continue
		}
		c := a.CheckFlowLog(rec)
		got = append(got, c.Logged+"/"+c.Model+"/"+map[bool]string{true: "DISAGREE", false: "ok"}[c.Disagree])
	}
	want := []string{"ACCEPT/ACCEPT/ok", "REJECT/REJECT/ok", "REJECT/REJECT/ok", "ACCEPT/REJECT/DISAGREE", "-//ok"}
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Fatalf("got  %v\nwant %v", got, want)
	}
	var le *LoadError
	if !errors.As(bad, &le) || le.Line != 7 {
		t.Fatalf("short line: %v", bad)
	}
	fields := map[string]string{"version": "2", "account-id": "111122223333", "interface-id": "eni-1", "action": "ACCEPT"}
	if s := FormatFlowLog(DefaultFlowLogFormat, fields); s != "2 111122223333 eni-1 - - - - - - - - - ACCEPT -" {
		t.Fatalf("FormatFlowLog %q", s)
	}
}

func FuzzFlowLogReader(f *testing.F) {
	f.Add("2 111122223333 eni-1 10.0.0.1 10.0.0.2 1 2 6 1 1 1 1 ACCEPT OK\n")
	f.Add("version interface-id srcaddr\nx y z\n")
	f.Fuzz(func(t *testing.T, s string) {
		fr := NewFlowLogReader(strings.NewReader(s), "f")
		a := Compile(NewNetwork(""))
		for range 1000 {
			rec, err := fr.Next()
			if errors.Is(err, io.EOF) {
				return
			}
			var le *LoadError
			if err != nil && !errors.As(err, &le) {
				t.Fatalf("%v", err)
			}
			if rec != nil {
				a.CheckFlowLog(rec)
			}
		}
	})
}
