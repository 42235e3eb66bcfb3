package dataid

import (
	"errors"
	"strings"
	"testing"
)

func ptr(n int) *int { return &n }

func TestCompileCustomValidation(t *testing.T) {
	t.Parallel()
	ok := CustomDataIdentifierInput{Name: "employee id", Regex: `EMP-\d{6}`}
	cases := []struct {
		name  string
		edit  func(*CustomDataIdentifierInput)
		field string
	}{
		{"missing name", func(c *CustomDataIdentifierInput) { c.Name = "" }, "name"},
		{"long name", func(c *CustomDataIdentifierInput) { c.Name = strings.Repeat("n", 129) }, "name"},
		{"missing regex", func(c *CustomDataIdentifierInput) { c.Regex = "" }, "regex"},
		{"long regex", func(c *CustomDataIdentifierInput) { c.Regex = strings.Repeat("a", 513) }, "regex"},
		{"capture group", func(c *CustomDataIdentifierInput) { c.Regex = `(EMP)-\d+` }, "regex"},
		{"back-reference", func(c *CustomDataIdentifierInput) { c.Regex = `(a)\1` }, "regex"},
		{"look-ahead", func(c *CustomDataIdentifierInput) { c.Regex = `a(?=b)` }, "regex"},
		{"huge repeat", func(c *CustomDataIdentifierInput) { c.Regex = `\d{100,1000}` }, "regex"},
		{"short keyword", func(c *CustomDataIdentifierInput) { c.Keywords = []string{"ab"} }, "keywords[0]"},
		{"too many keywords", func(c *CustomDataIdentifierInput) { c.Keywords = make([]string, 51) }, "keywords"},
		{"short ignore word", func(c *CustomDataIdentifierInput) { c.IgnoreWords = []string{"abc"} }, "ignoreWords[0]"},
		{"distance 0", func(c *CustomDataIdentifierInput) { c.MaximumMatchDistance = ptr(0) }, "maximumMatchDistance"},
		{"distance 301", func(c *CustomDataIdentifierInput) { c.MaximumMatchDistance = ptr(301) }, "maximumMatchDistance"},
		{"bad severity", func(c *CustomDataIdentifierInput) { c.SeverityLevels = []SeverityLevel{{1, "CRITICAL"}} }, "severityLevels[0].severity"},
		{"descending levels", func(c *CustomDataIdentifierInput) {
			c.SeverityLevels = []SeverityLevel{{10, Low}, {5, Medium}}
		}, "severityLevels[1]"},
		{"zero threshold", func(c *CustomDataIdentifierInput) { c.SeverityLevels = []SeverityLevel{{0, Low}} }, "severityLevels[0].occurrencesThreshold"},
	}
	for _, c := range cases {
		in := ok
		c.edit(&in)
		_, err := CompileCustom(in)
		var ve *ValidationError
		if !errors.As(err, &ve) || ve.Field != c.field {
			t.Errorf("%s: error %v, want a ValidationError on %s", c.name, err, c.field)
		}
	}
	if _, err := CompileCustom(ok); err != nil {
		t.Fatalf("valid identifier rejected: %v", err)
	}
}

func TestTestCustomDataIdentifier(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name   string
		in     CustomDataIdentifierInput
		sample string
		want   int
	}{
		{"regex only", CustomDataIdentifierInput{Name: "e", Regex: `EMP-\d{6}`}, "EMP-123456 and EMP-654321", 2},
		{"keyword precedes within distance", CustomDataIdentifierInput{Name: "e", Regex: `\d{6}`, Keywords: []string{"employee"}, MaximumMatchDistance: ptr(10)},
			"employee: 123456", 1},
		{"keyword too far", CustomDataIdentifierInput{Name: "e", Regex: `\d{6}`, Keywords: []string{"employee"}, MaximumMatchDistance: ptr(5)},
			"employee:    123456", 0},
		{"keyword must precede", CustomDataIdentifierInput{Name: "e", Regex: `\d{6}`, Keywords: []string{"employee"}},
			"123456 employee", 0},
		{"keyword is case-insensitive", CustomDataIdentifierInput{Name: "e", Regex: `\d{6}`, Keywords: []string{"Employee ID"}},
			"EMPLOYEE_ID=123456", 1},
		{"ignore word is case-sensitive", CustomDataIdentifierInput{Name: "e", Regex: `EMP-\w+`, IgnoreWords: []string{"TEST"}},
			"EMP-TEST1 EMP-test2 EMP-X", 2},
	}
	for _, c := range cases {
		got, err := TestCustomDataIdentifier(c.in, c.sample)
		if err != nil || got != c.want {
			t.Errorf("%s: got %d, %v; want %d", c.name, got, err, c.want)
		}
	}
	if _, err := TestCustomDataIdentifier(CustomDataIdentifierInput{Name: "e", Regex: "x"}, strings.Repeat("x", 1001)); err == nil {
		t.Error("a sample over 1,000 characters was accepted")
	}
}

func TestCustomSeverityLevels(t *testing.T) {
	t.Parallel()
	c, err := CompileCustom(CustomDataIdentifierInput{Name: "emp", Regex: `EMP-\d{6}`,
		SeverityLevels: []SeverityLevel{{2, Low}, {3, High}}})
	if err != nil {
		t.Fatal(err)
	}
	s, err := New(Config{Managed: Selector{Kind: "NONE"}, Custom: []*CustomDataIdentifier{c}})
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		text string
		n    int
		sev  Severity
	}{{"EMP-000001", 0, ""}, {"EMP-000001 EMP-000002", 2, Low}, {"EMP-000001 EMP-000002 EMP-000003", 3, High}} {
		var got []Occurrence
		s.ScanDocument(s.NewState(), "f.txt", []byte(tc.text), Limits{}, func(r Result) { got = append(got, r.Occurrences...) })
		if len(got) != tc.n || (tc.n > 0 && got[0].Severity != tc.sev) {
			t.Errorf("%q: %d occurrences %v, want %d with %s", tc.text, len(got), got, tc.n, tc.sev)
		}
	}
}

func TestAllowLists(t *testing.T) {
	t.Parallel()
	words, err := NewWordsAllowList("w", "4532015112830366\n\n")
	if err != nil {
		t.Fatal(err)
	}
	re, err := NewRegexAllowList("r", `123-45-\d{4}`)
	if err != nil {
		t.Fatal(err)
	}
	s, err := New(Config{AllowLists: []*AllowList{words, re}})
	if err != nil {
		t.Fatal(err)
	}
	ms := s.Scan(s.NewState(), []byte("card 4532015112830366 ssn 123-45-6789 ssn 234-56-7890"), "", false)
	if len(ms) != 1 || ms[0].Identifier != "USA_SOCIAL_SECURITY_NUMBER" || ms[0].Start != 42 {
		t.Fatalf("allow lists: %+v", ms)
	}
	if _, err := NewRegexAllowList("r", `(x)`); err == nil {
		t.Error("allow list regex with a capture group accepted")
	}
	if _, err := NewWordsAllowList("w", strings.Repeat("x", 91)); err == nil {
		t.Error("allow list entry over 90 characters accepted")
	}
}

func TestSelector(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		sel     Selector
		profile Profile
		n       func(int) bool
		err     bool
	}{
		{Selector{Kind: "NONE"}, ProfileMacie, func(n int) bool { return n == 0 }, false},
		{Selector{Kind: "INCLUDE", IDs: []string{"PKCS"}}, ProfileMacie, func(n int) bool { return n == 1 }, false},
		{Selector{Kind: "EXCLUDE", IDs: []string{"PKCS"}}, ProfileMacie, func(n int) bool { return n == len(ManagedIdentifiers(ProfileMacie))-1 }, false},
		{Selector{Kind: "RECOMMENDED"}, ProfileMacie, func(n int) bool { return n > 10 && n < len(ManagedIdentifiers(ProfileMacie)) }, false},
		{Selector{Kind: "INCLUDE", IDs: []string{"NOPE"}}, ProfileMacie, nil, true},
		{Selector{Kind: "SOME"}, ProfileMacie, nil, true},
	} {
		s, err := New(Config{Profile: c.profile, Managed: c.sel})
		if (err != nil) != c.err {
			t.Errorf("%+v: error %v", c.sel, err)
			continue
		}
		if err == nil && !c.n(len(s.Identifiers())) {
			t.Errorf("%+v: %d identifiers", c.sel, len(s.Identifiers()))
		}
	}
}
