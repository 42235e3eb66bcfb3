package vpc

import (
	"errors"
	"strings"
	"testing"
)

func TestParseFlowLogFormat(t *testing.T) {
	names, err := ParseFlowLogFormat(DefaultFlowLogFormat)
	if err != nil || len(names) != 14 || names[0] != "version" || names[13] != "log-status" {
		t.Fatalf("default: %v %v", names, err)
	}
	if _, err := ParseFlowLogFormat("${vpc-id}  ${flow-direction} ${reject-reason}"); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ format, field string }{
		{"", ""}, {"   ", ""},
		{"${srcaddr} ${bogus}", "${bogus}"},
		{"${srcaddr} dstaddr", "dstaddr"},
		{"${srcaddr} ${srcaddr}", "${srcaddr}"},
		{"${}", "${}"},
		{"${srcaddr", "${srcaddr"},
	} {
		_, err := ParseFlowLogFormat(c.format)
		var fe *FlowLogFormatError
		if !errors.As(err, &fe) || fe.Field != c.field || c.field != "" && !strings.Contains(fe.Message, c.field) {
			t.Errorf("%q: %v", c.format, err)
		}
	}
}

func FuzzParseFlowLogFormat(f *testing.F) {
	for _, s := range []string{DefaultFlowLogFormat, "${vpc-id} ${bogus}", "", "${", "${srcaddr}${dstaddr}", "\t${action}\n"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		names, err := ParseFlowLogFormat(s)
		if err != nil {
			return
		}
		// A format that parses renders and parses back to the same fields.
		again, err := ParseFlowLogFormat("${" + strings.Join(names, "} ${") + "}")
		if err != nil || len(again) != len(names) {
			t.Fatalf("%q → %v → %v %v", s, names, again, err)
		}
	})
}
