package glob

import (
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

// reference is a slow, obviously correct matcher (memoized recursion over runes).
func reference(toks []Token, s string) bool {
	rs := []rune(s)
	memo := map[[2]int]bool{}
	var m func(i, j int) bool
	m = func(i, j int) bool {
		key := [2]int{i, j}
		if v, ok := memo[key]; ok {
			return v
		}
		var r bool
		switch {
		case i == len(toks):
			r = j == len(rs)
		case isStar(toks[i]):
			r = m(i+1, j) || (j < len(rs) && (toks[i] == Star || rs[j] != ':') && m(i, j+1))
		default:
			r = j < len(rs) && matchOne(toks[i], rs[j]) && m(i+1, j+1)
		}
		memo[key] = r
		return r
	}
	return m(0, 0)
}

func TestMatch(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, pattern, text string
		arn, want           bool
	}{
		{name: "exact", pattern: "s3:getobject", text: "s3:getobject", want: true},
		{name: "exact mismatch", pattern: "s3:getobject", text: "s3:getobjects"},
		{name: "prefix", pattern: "ec2:describe*", text: "ec2:describeinstances", want: true},
		{name: "prefix empty rest", pattern: "ec2:describe*", text: "ec2:describe", want: true},
		{name: "suffix", pattern: "*report", text: "iam:generatecredentialreport", want: true},
		{name: "middle", pattern: "s3:*object*", text: "s3:getobjectacl", want: true},
		{name: "question", pattern: "iam:?etuser", text: "iam:getuser", want: true},
		{name: "question needs one", pattern: "iam:?getuser", text: "iam:getuser"},
		{name: "question multibyte", pattern: "a?c", text: "aéc", want: true},
		{name: "all", pattern: "*", text: "", want: true},
		{name: "case sensitive", pattern: "Abc", text: "abc"},
		{name: "arn star in segment spans slash", pattern: "arn:aws:s3:::b/*/test/*", text: "arn:aws:s3:::b/1/2/test/3/o.jpg", arn: true, want: true},
		{name: "arn trailing star crosses colons", pattern: "arn:aws:dynamodb:us-east-1:*", text: "arn:aws:dynamodb:us-east-1:123456789012:table/x", arn: true, want: true},
		{name: "arn log stream", pattern: "arn:aws:logs:us-east-1:1:log-group:app:*", text: "arn:aws:logs:us-east-1:1:log-group:app:log-stream:s1", arn: true, want: true},
		{name: "arn inner star stops at colon", pattern: "arn:aws:logs:*x:1:g", text: "arn:aws:logs:a:bx:1:g", arn: true},
		{name: "arn inner star inside segment", pattern: "arn:aws:s3:::*log*", text: "arn:aws:s3:::carlos-logs", arn: true, want: true},
		{name: "arn question not colon", pattern: "arn:aws:s3:::a?b", text: "arn:aws:s3:::a:b", arn: true},
		{name: "arn needs backtracking", pattern: "*:x*y", text: ":x:xy", arn: true, want: true},
		{name: "plain star crosses colon", pattern: "arn:aws:*:b", text: "arn:aws:x:y:b", want: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			p := Compile(tt.pattern, tt.arn)
			if got := p.Match(tt.text); got != tt.want {
				t.Fatalf("Compile(%q, arn=%v).Match(%q) = %v, want %v", tt.pattern, tt.arn, tt.text, got, tt.want)
			}
			if ref := reference(Tokens(tt.pattern, tt.arn), tt.text); ref != tt.want {
				t.Fatalf("reference disagrees with the expected answer: %v", ref)
			}
		})
	}
}

// TestS3DocTable is the object-key table of the IAM Resource page for
// arn:aws:s3:::BUCKET/*/test/*.
func TestS3DocTable(t *testing.T) {
	t.Parallel()
	p := Compile("arn:aws:s3:::BUCKET/*/test/*", true)
	yes := []string{"1/test/object.jpg", "1/2/test/object.jpg", "1/2/test/3/object.jpg", "1/2/3/test/4/object.jpg",
		"1///test///object.jpg", "1/test/.jpg", "/test/object.jpg", "1/test/"}
	no := []string{"1-test/object.jpg", "test/object.jpg", "1/2/test.jpg"}
	for _, k := range yes {
		if !p.Match("arn:aws:s3:::BUCKET/" + k) {
			t.Errorf("%q should match", k)
		}
	}
	for _, k := range no {
		if p.Match("arn:aws:s3:::BUCKET/" + k) {
			t.Errorf("%q should not match", k)
		}
	}
	if n := len(yes) + len(no); n != 11 {
		t.Fatalf("ran %d keys, want 11", n)
	}
}

func TestHostilePatternsAreFast(t *testing.T) {
	t.Parallel()
	text := strings.Repeat("a", 100000)
	for _, tc := range []struct {
		pat string
		arn bool
	}{
		{"*a*a*a*a*a*a*a*a*a*a*b", false},
		{"*a*a*a*a*a*a*a*a*a*a*b", true},
		{"a*a*a*a*a*a*a*a*a*?*b", false},
		{strings.Repeat("*a", 40) + "x", true},
	} {
		start := time.Now()
		p := Compile(tc.pat, tc.arn)
		if p.Match(text) {
			t.Fatalf("%q matched", tc.pat)
		}
		if d := time.Since(start); d > 2*time.Second {
			t.Fatalf("%q took %v", tc.pat, d)
		}
	}
}

func TestMatchTokensLiteralStar(t *testing.T) {
	t.Parallel()
	// A '*' rune (not the Star token) is literal: substituted variable text.
	toks := []Token{'a', '*', Star}
	if MatchTokens(toks, "abc") {
		t.Fatal("literal * matched b")
	}
	if !MatchTokens(toks, "a*c") {
		t.Fatal("literal * did not match *")
	}
}

func FuzzMatch(f *testing.F) {
	f.Add("*a*b?", "xxaxxbz", false)
	f.Add("arn:aws:s3:::*log*", "arn:aws:s3:::my-logs", true)
	f.Add("*:x*y", ":x:xy", true)
	f.Fuzz(func(t *testing.T, pattern, text string, arn bool) {
		if len(pattern) > 40 || len(text) > 80 || !utf8.ValidString(pattern) || !utf8.ValidString(text) {
			return
		}
		toks := Tokens(pattern, arn)
		p := CompileTokens(toks)
		if got, want := p.Match(text), reference(toks, text); got != want {
			t.Fatalf("Compile(%q, arn=%v).Match(%q) = %v, reference %v", pattern, arn, text, got, want)
		}
	})
}

func TestMatchTokensAgreesWithReference(t *testing.T) {
	t.Parallel()
	patterns := []string{"*", "a*", "*a", "a*b", "a?c*", "*:x*y", "arn:*:s3:::*log*", "?*?", "*a*b*c", "x"}
	texts := []string{"", "a", "ab", "abc", "a:b", ":x:xy", "arn:aws:s3:::my-logs", "arn:x:s3:::a:log", "xaxbxc", "é"}
	n := 0
	for _, p := range patterns {
		for _, arn := range []bool{false, true} {
			toks := Tokens(p, arn)
			for _, s := range texts {
				if got, want := MatchTokens(toks, s), reference(toks, s); got != want {
					t.Errorf("MatchTokens(%q, arn=%v, %q) = %v, reference %v", p, arn, s, got, want)
				}
				n++
			}
		}
	}
	if n != 200 {
		t.Fatalf("ran %d cases, want 200", n)
	}
}

// Patterns longer than the NFA limit treat colon-restricted stars as
// unrestricted (documented); they must still answer quickly.
func TestVeryLongRestrictedPattern(t *testing.T) {
	t.Parallel()
	pat := strings.Repeat("*a", maxNFA) + "b"
	p := Compile(pat, true)
	if !p.Match(strings.Repeat("a", maxNFA) + "b") {
		t.Fatal("long pattern did not match")
	}
	if p.Match(strings.Repeat("a", 3*maxNFA)) {
		t.Fatal("long pattern matched without b")
	}
	if lit, ok := p.IsLiteral(); ok || lit != "" {
		t.Fatal("IsLiteral")
	}
}
