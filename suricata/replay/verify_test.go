package replay

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/moatdev/moat/suricata"
)

// sharedDir finds ../shared/<rel> next to the module root.
func sharedDir(t testing.TB, rel string) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			break
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("no go.mod above the test directory")
		}
		dir = parent
	}
	p := filepath.Join(dir, "..", "shared", rel)
	if _, err := os.Stat(p); err != nil {
		t.Skipf("%s is absent (the shared datasets are not checked out next to the repo)", p)
	}
	return p
}

// verifyCase is one suricata-verify test run through moat.
type verifyCase struct {
	name   string
	dir    string
	spec   map[string]any
	pcap   string
	rules  []string
	events []map[string]any
}

func loadVerifyCases(t *testing.T, root string) []*verifyCase {
	t.Helper()
	var cases []*verifyCase
	err := filepath.Walk(root, func(path string, info os.FileInfo, err error) error {
		if err != nil || info.Name() != "test.yaml" {
			return err
		}
		src, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		v, err := parseYAML(string(src))
		if err != nil {
			return fmt.Errorf("%s: %w", path, err)
		}
		dir := filepath.Dir(path)
		rel, _ := filepath.Rel(root, dir)
		c := &verifyCase{name: filepath.ToSlash(rel), dir: dir, spec: v.(map[string]any)}
		if pc, ok := c.spec["pcap"]; ok {
			if s, _ := pc.(string); s != "false" && s != "" {
				c.pcap = filepath.Join(dir, s)
			}
		} else if m, _ := filepath.Glob(filepath.Join(dir, "*.pcap")); len(m) == 1 {
			c.pcap = m[0]
		}
		c.rules, _ = filepath.Glob(filepath.Join(dir, "*.rules"))
		cases = append(cases, c)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	sort.Slice(cases, func(i, j int) bool { return cases[i].name < cases[j].name })
	return cases
}

// suricataYAMLActionOrder reads "action-order:" from the test's suricata.yaml.
func suricataYAMLActionOrder(dir string) []suricata.Action {
	src, err := os.ReadFile(filepath.Join(dir, "suricata.yaml"))
	if err != nil {
		return nil
	}
	var out []suricata.Action
	in := false
	names := map[string]suricata.Action{"pass": suricata.ActionPass, "drop": suricata.ActionDrop, "reject": suricata.ActionReject, "alert": suricata.ActionAlert}
	for _, l := range strings.Split(string(src), "\n") {
		t := strings.TrimSpace(l)
		if strings.HasPrefix(t, "#") {
			continue
		}
		if t == "action-order:" {
			in = true
			continue
		}
		if in {
			if a, ok := names[strings.TrimSpace(strings.TrimPrefix(t, "-"))]; ok && strings.HasPrefix(t, "-") {
				out = append(out, a)
				continue
			}
			in = false
		}
	}
	return out
}

func (c *verifyCase) run(t *testing.T) error {
	args := fmt.Sprint(c.spec["args"])
	var rules []*suricata.Rule
	for _, rf := range c.rules {
		src, err := os.ReadFile(rf)
		if err != nil {
			return err
		}
		rs := suricata.Parse(src, &suricata.Config{File: filepath.Base(rf)})
		rules = append(rules, rs.Rules...)
		for _, e := range rs.Errors {
			level := "Error"
			if strings.Contains(e.Message, "inconsequential flowbit") {
				level = "Warning"
			}
			c.events = append(c.events, map[string]any{"event_type": "engine", "log_level": level,
				"engine": map[string]any{"message": e.Message, "module": "detect"}})
		}
	}
	if c.pcap == "" {
		// Rule-load test: Suricata also logs the two summary lines of a failed load.
		if len(c.events) > 0 {
			for i := 0; i < 2; i++ {
				c.events = append(c.events, map[string]any{"event_type": "engine", "log_level": "Error", "engine": map[string]any{"message": "rule load summary", "module": "detect"}})
			}
		}
		return nil
	}
	eng, err := suricata.Compile(rules, suricata.Options{IPS: strings.Contains(args, "--simulate-ips"), ActionOrder: suricataYAMLActionOrder(c.dir)})
	if err != nil {
		return err
	}
	f, err := os.Open(c.pcap)
	if err != nil {
		return err
	}
	defer f.Close()
	var out bytes.Buffer
	// Suricata's default is stream.midstream: false; moat's is true.
	cfg := Config{Inspector: eng, NoMidstream: !strings.Contains(args, "stream.midstream=true"),
		AsyncOneSide: strings.Contains(args, "stream.async-oneside=true")}
	if _, err := Run(f, &out, cfg); err != nil {
		return err
	}
	sc := bufio.NewScanner(&out)
	sc.Buffer(nil, 1<<24)
	for sc.Scan() {
		var m map[string]any
		if err := json.Unmarshal(sc.Bytes(), &m); err != nil {
			return fmt.Errorf("moat wrote invalid JSON: %v", err)
		}
		c.events = append(c.events, m)
	}
	return nil
}

// check evaluates the test's checks; it returns the failures.
func (c *verifyCase) check() []string {
	var fails []string
	checks, _ := c.spec["checks"].([]any)
	if len(checks) == 0 {
		return []string{"test.yaml has no checks"}
	}
	for i, ch := range checks {
		m, _ := ch.(map[string]any)
		f, ok := m["filter"].(map[string]any)
		if !ok {
			keys := make([]string, 0, len(m))
			for k := range m {
				keys = append(keys, k)
			}
			fails = append(fails, fmt.Sprintf("check %d: check type %v is not supported by the runner", i+1, keys))
			continue
		}
		want, err := strconv.Atoi(fmt.Sprint(f["count"]))
		if err != nil {
			fails = append(fails, fmt.Sprintf("check %d: bad count %v", i+1, f["count"]))
			continue
		}
		match, _ := f["match"].(map[string]any)
		got := 0
		for _, ev := range c.events {
			if matchEvent(ev, match) {
				got++
			}
		}
		if got != want {
			fails = append(fails, fmt.Sprintf("check %d: %d records match %v, want %d", i+1, got, match, want))
		}
	}
	return fails
}

func matchEvent(ev map[string]any, match map[string]any) bool {
	for k, want := range match {
		got, ok := lookup(ev, k)
		if !ok {
			return false
		}
		if !valueMatches(got, want) {
			return false
		}
	}
	return true
}

func lookup(ev map[string]any, path string) (any, bool) {
	var cur any = ev
	for _, part := range strings.Split(path, ".") {
		m, ok := cur.(map[string]any)
		if !ok {
			return nil, false
		}
		if cur, ok = m[part]; !ok {
			return nil, false
		}
	}
	return cur, true
}

func valueMatches(got, want any) bool {
	if wm, ok := want.(map[string]any); ok {
		gm, ok := got.(map[string]any)
		return ok && matchEvent(gm, wm)
	}
	switch g := got.(type) {
	case float64:
		return strconv.FormatFloat(g, 'f', -1, 64) == fmt.Sprint(want)
	case bool:
		return strconv.FormatBool(g) == fmt.Sprint(want)
	case string:
		return g == fmt.Sprint(want)
	}
	return fmt.Sprint(got) == fmt.Sprint(want)
}

// TestSuricataVerify runs every suricata-verify test of the shared data set
// through moat and compares with the expected-failure list in testdata: a
// test failing that is not listed, or a listed test that now passes, fails.
func TestSuricataVerify(t *testing.T) {
	root := sharedDir(t, "datasets/network/suricata-verify/tests")
	cases := loadVerifyCases(t, root)
	if len(cases) != 51 {
		t.Fatalf("found %d suricata-verify tests, want 51", len(cases))
	}
	expected := loadExpectedFailures(t)
	passed := 0
	for _, c := range cases {
		var fails []string
		if err := c.run(t); err != nil {
			fails = []string{"run: " + err.Error()}
		} else {
			fails = c.check()
		}
		_, known := expected[c.name]
		switch {
		case len(fails) == 0 && known:
			t.Errorf("PASS %s (listed as an expected failure: remove it from testdata/verify-expected-failures.txt)", c.name)
		case len(fails) == 0:
			passed++
			t.Logf("PASS %s", c.name)
		case known:
			t.Logf("FAIL %s (expected: %s): %s", c.name, expected[c.name], strings.Join(fails, "; "))
		default:
			t.Errorf("FAIL %s: %s", c.name, strings.Join(fails, "; "))
		}
	}
	t.Logf("suricata-verify: %d of %d tests pass", passed, len(cases))
}

func loadExpectedFailures(t *testing.T) map[string]string {
	t.Helper()
	src, err := os.ReadFile("testdata/verify-expected-failures.txt")
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for _, l := range strings.Split(string(src), "\n") {
		l = strings.TrimSpace(l)
		if l == "" || strings.HasPrefix(l, "#") {
			continue
		}
		name, why, _ := strings.Cut(l, " ")
		out[name] = strings.TrimSpace(why)
	}
	return out
}
