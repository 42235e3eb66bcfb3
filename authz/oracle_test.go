package authz_test

import (
	"bufio"
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// TestOracleDrift runs the corpus through the peer simulator wrapped by
// shared/tools/iam-oracle and checks that it still answers what the corpus
// records: the "oracle" member where it is known to differ from AWS's
// documentation (iam-cases-schema.md §5 and the cases citing inferences),
// "expect" everywhere else. A drift means either the peer changed or a new
// disagreement needs a decision. Set MOAT_IAM_ORACLE to a folder holding
// node_modules/@cloud-copilot/iam-simulate (see the oracle's README).
func TestOracleDrift(t *testing.T) {
	t.Parallel()
	modules := os.Getenv("MOAT_IAM_ORACLE")
	if modules == "" {
		t.Skip("set MOAT_IAM_ORACLE to a folder with node_modules/@cloud-copilot/iam-simulate (shared/tools/iam-oracle/README.md) to cross-check the corpus")
	}
	script := filepath.Join("..", "..", "shared", "tools", "iam-oracle", "oracle.mjs")
	if _, err := os.Stat(script); err != nil {
		t.Skipf("the oracle harness %s is absent (it lives in the shared folder beside the checkout): %v", script, err)
	}
	node, err := exec.LookPath("node")
	if err != nil {
		t.Skip("node is not installed: the oracle runs on Node.js")
	}
	files, err := filepath.Glob("testdata/*.jsonl")
	if err != nil || len(files) == 0 {
		t.Fatalf("no corpus (err %v)", err)
	}
	total, recorded := 0, 0
	for _, name := range files {
		want, usesManaged := recordedOracle(t, name)
		recorded += len(want)
		in, err := os.Open(name)
		if err != nil {
			t.Fatal(err)
		}
		cmd := exec.Command(node, script)
		cmd.Stdin = in
		cmd.Env = append(os.Environ(), "ORACLE_NODE_MODULES="+modules)
		managed := os.Getenv("MOAT_MANAGED_POLICIES")
		if managed != "" {
			cmd.Env = append(cmd.Env, "MANAGED_POLICIES="+managed)
		}
		out, err := cmd.Output()
		in.Close()
		if err != nil {
			t.Fatalf("oracle on %s: %v", name, err)
		}
		sc := bufio.NewScanner(bytes.NewReader(out))
		for sc.Scan() {
			var got struct{ ID, Decision string }
			if err := json.Unmarshal(sc.Bytes(), &got); err != nil {
				t.Fatalf("oracle output %q: %v", sc.Text(), err)
			}
			total++
			if managed == "" && usesManaged[got.ID] && got.Decision == "Error" {
				t.Logf("%s: %s skipped: it names a managed policy; set MOAT_MANAGED_POLICIES to run it", name, got.ID)
				continue
			}
			if w, ok := want[got.ID]; !ok || w != got.Decision {
				t.Errorf("%s: %s: oracle says %s, corpus records %q", name, got.ID, got.Decision, w)
			}
		}
	}
	if total != recorded || recorded < corpusCases {
		t.Fatalf("oracle answered %d cases, the corpus holds %d (at least %d)", total, recorded, corpusCases)
	}
}

// recordedOracle returns, per case id, the answer the peer simulator is
// recorded to give, and which cases name managed policies.
func recordedOracle(t *testing.T, name string) (map[string]string, map[string]bool) {
	t.Helper()
	data, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	want, usesManaged := map[string]string{}, map[string]bool{}
	for _, line := range bytes.Split(data, []byte("\n")) {
		line = bytes.TrimSpace(line)
		if len(line) == 0 || line[0] == '#' {
			continue
		}
		var c struct{ ID, Expect, Oracle string }
		if err := json.Unmarshal(line, &c); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		want[c.ID] = c.Expect
		if c.Expect == "error" {
			want[c.ID] = "Error" // the oracle's word for a refused case
		}
		if c.Oracle != "" {
			want[c.ID] = c.Oracle
		}
		usesManaged[c.ID] = bytes.Contains(line, []byte(`"managedPolicy"`))
	}
	return want, usesManaged
}
