package waf

import (
	"crypto/md5"
	"strings"
	"testing"
)

// Each case follows AWS's description of the transformation
// (waf-rule-statement-transformation) or, where AWS is silent, the
// ModSecurity transformation of the same name.
func TestTransforms(t *testing.T) {
	t.Parallel()
	sum := md5.Sum([]byte("abc"))
	cases := []struct{ typ, in, want string }{
		{"URL_DECODE", "a%20b+c%3d%zz%4", "a b c=%zz%4"},
		{"URL_DECODE", "%3Cscript%3E", "<script>"},
		{"URL_DECODE_UNI", "%u0041%uFF21%u00e9%41", "AAé"[:2] + "\xe9A"},
		{"URL_DECODE_UNI", "%uFF1Cscript%uFF1E", "<script>"},
		{"HTML_ENTITY_DECODE", "&lt;a href=&quot;x&quot;&gt;&#65;&#x42;&nbsp;&amp;", "<a href=\"x\">AB\xa0&"},
		{"HTML_ENTITY_DECODE", "&#60script&unknown;", "<script&unknown;"},
		{"HTML_ENTITY_DECODE", "&#x263A;", "\u263a"},
		{"LOWERCASE", "SeLeCt ÉA", "select Éa"},
		{"COMPRESS_WHITE_SPACE", "a \t\n\r\f\v\xa0 b  c", "a b c"},
		{"CMD_LINE", `C^md.E"x"e /C   DIR,a;b  ( x`, "cmd.exe/c dir a b( x"},
		{"CMD_LINE", `\"Wh'o'am^I\"`, "whoami"},
		{"BASE64_DECODE", "SGVsbG8=", "Hello"},
		{"BASE64_DECODE", "SGVsbG8", "Hello"},
		{"BASE64_DECODE", "not base64!", "not base64!"},
		{"BASE64_DECODE_EXT", "SGV.sb!G8*", "Hello"},
		{"HEX_DECODE", "414243", "ABC"},
		{"HEX_DECODE", "41424", "41424"},
		{"SQL_HEX_DECODE", "SELECT 0x414243, 0x4", "SELECT ABC, 0x4"},
		{"MD5", "abc", string(sum[:])},
		{"REPLACE_COMMENTS", "UNION/**/SELECT/* x */1", "UNION SELECT 1"},
		{"REPLACE_COMMENTS", "a/* unterminated", "a "},
		{"REPLACE_COMMENTS", "a */ b", "a */ b"},
		{"ESCAPE_SEQ_DECODE", `a\nb\x41\101\q\\`, "a\nbAA\\q\\"},
		{"CSS_DECODE", `ja\vascript\3a \0000410`, "javascript:A0"},
		{"CSS_DECODE", `\ff1c`, "<"},
		{"JS_DECODE", `\u003cscript\x3e\u0041\101\'\z`, "<script>AA'z"},
		{"JS_DECODE", `\uff1c`, "<"},
		{"NORMALIZE_PATH", "/a//b/./c/../d/", "/a/b/d/"},
		{"NORMALIZE_PATH", "../../etc/passwd", "../../etc/passwd"},
		{"NORMALIZE_PATH", "/a/b/../../../etc", "/etc"},
		{"NORMALIZE_PATH_WIN", `\a\\b\.\c\..\d`, "/a/b/d"},
		{"NORMALIZE_PATH", strings.Repeat("/x", 70) + strings.Repeat("/..", 69) + "/etc", "/x/etc"},
		{"REMOVE_NULLS", "a\x00b\x00", "ab"},
		{"REPLACE_NULLS", "a\x00b", "a b"},
		{"UTF8_TO_UNICODE", "aé€", "a%u00e9%u20ac"},
	}
	for _, c := range cases {
		fn := transforms[c.typ]
		if fn == nil {
			t.Fatalf("%s: not registered", c.typ)
		}
		got := string(fn(nil, []byte(c.in)))
		if got != c.want {
			t.Errorf("%s(%q) = %q, want %q", c.typ, c.in, got, c.want)
		}
	}
	if len(transforms) != 21 {
		t.Fatalf("%d transformation types registered, AWS lists 21", len(transforms))
	}
}

// Transformations append to dst and never read it.
func TestTransformsAppend(t *testing.T) {
	t.Parallel()
	for name, fn := range transforms {
		if fn == nil {
			continue
		}
		want := string(fn(nil, []byte("A%41&lt;/**/\\x41 0x41")))
		got := fn([]byte("prefix"), []byte("A%41&lt;/**/\\x41 0x41"))
		if string(got) != "prefix"+want {
			t.Errorf("%s: appending to a non-empty dst gave %q", name, got)
		}
	}
}

func FuzzTransforms(f *testing.F) {
	for _, s := range []string{"%u0041%", "&#x;&#99999999999;", "\\", "/../..//./", "0x", "\\u12", "/*", "é\xff"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		for _, fn := range transforms {
			if fn != nil {
				fn(nil, []byte(s))
			}
		}
	})
}
