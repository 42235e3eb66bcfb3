package cli

import (
	"bytes"
	"strings"
	"testing"
)

func runCLI(t *testing.T, args ...string) (string, string, int) {
	t.Helper()
	var out, errb bytes.Buffer
	code := run(args, strings.NewReader(""), &out, &errb)
	return out.String(), errb.String(), code
}

func TestHelpAndVersion(t *testing.T) {
	cases := []struct {
		args []string
		want string
	}{
		{[]string{"--help"}, "serve"},
		{[]string{"serve", "--help"}, "--insecure-allow-unsigned"},
		{[]string{"serve", "--help"}, "MOAT_ADDR"},
		{[]string{"version"}, "moat dev"},
	}
	for _, tc := range cases {
		out, errs, code := runCLI(t, tc.args...)
		if code != 0 || !strings.Contains(out, tc.want) {
			t.Errorf("moat %s: exit %d, want %q in output:\n%s%s", strings.Join(tc.args, " "), code, tc.want, out, errs)
		}
	}
}

func TestBadInvocations(t *testing.T) {
	cases := []struct {
		args []string
		want string
	}{
		{[]string{"frobnicate"}, `unknown command "frobnicate"`},
		{[]string{"serve", "--log-level", "loud"}, "--log-level"},
		{[]string{"serve", "--account-id", "12", "--data", "DATA"}, "must be 12 digits"},
	}
	for _, tc := range cases {
		for i, a := range tc.args {
			if a == "DATA" {
				tc.args[i] = t.TempDir()
			}
		}
		_, errs, code := runCLI(t, tc.args...)
		if code == 0 || !strings.Contains(errs, tc.want) {
			t.Errorf("moat %s: exit %d, want %q in stderr:\n%s", strings.Join(tc.args, " "), code, tc.want, errs)
		}
	}
}
