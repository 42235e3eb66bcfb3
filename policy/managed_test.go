package policy_test

import (
	"encoding/json"
	"os"
	"sort"
	"strings"
	"testing"

	"github.com/moatdev/moat/policy"
)

// managedPolicy is one entry of the managed-policies file (iam-cases-schema.md §1.2).
type managedPolicy struct {
	ARN       string          `json:"arn"`
	VersionID string          `json:"versionId"`
	Document  json.RawMessage `json:"document"`
}

func loadManaged(t testing.TB) map[string]managedPolicy {
	t.Helper()
	path := os.Getenv("MOAT_MANAGED_POLICIES")
	if path == "" {
		t.Skip("MOAT_MANAGED_POLICIES is not set: point it at a managed-policies JSON file (iam-cases-schema.md §1.2) to check every AWS managed policy")
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("MOAT_MANAGED_POLICIES: %v", err)
	}
	var m map[string]managedPolicy
	if err := json.Unmarshal(data, &m); err != nil {
		t.Fatalf("MOAT_MANAGED_POLICIES %s: %v", path, err)
	}
	if len(m) == 0 {
		t.Fatalf("MOAT_MANAGED_POLICIES %s holds no policies", path)
	}
	return m
}

// TestManagedPolicies: every AWS managed policy must Parse, Validate without
// errors and Compile.
func TestManagedPolicies(t *testing.T) {
	t.Parallel()
	m := loadManaged(t)
	names := make([]string, 0, len(m))
	for n := range m {
		names = append(names, n)
	}
	sort.Strings(names)
	checked := 0
	for _, name := range names {
		mp := m[name]
		if len(mp.Document) == 0 {
			t.Errorf("%s: no document", name)
			continue
		}
		p, err := policy.Parse(mp.Document)
		if err != nil {
			t.Errorf("%s (%s): Parse: %v", name, mp.VersionID, err)
			continue
		}
		var errs []string
		for _, f := range policy.Validate(p, policy.Identity) {
			if f.Severity == policy.SeverityError {
				errs = append(errs, f.Path+": "+f.Code+": "+f.Message)
			}
		}
		if len(errs) > 0 {
			t.Errorf("%s (%s): Validate:\n  %s", name, mp.VersionID, strings.Join(errs, "\n  "))
		}
		if _, err := policy.Compile(p, policy.Identity); err != nil {
			t.Errorf("%s (%s): Compile: %v", name, mp.VersionID, err)
		}
		checked++
	}
	if checked != len(m) {
		t.Errorf("checked %d of %d policies", checked, len(m))
	}
	t.Logf("checked %d managed policies", checked)
}

// TestManagedReadOnlyAccess spot-checks decisions of the largest managed policy.
func TestManagedReadOnlyAccess(t *testing.T) {
	t.Parallel()
	mp, ok := loadManaged(t)["ReadOnlyAccess"]
	if !ok {
		t.Skip("ReadOnlyAccess is not in MOAT_MANAGED_POLICIES")
	}
	c := mustCompile(t, string(mp.Document), policy.Identity)
	for action, want := range map[string]bool{"ec2:DescribeInstances": true, "s3:GetObject": true, "EC2:describeVpcs": true,
		"ec2:RunInstances": false, "iam:CreateUser": false, "s3:PutObject": false} {
		r := &policy.Request{Action: action, Resource: "*", Context: policy.NewContext()}
		if got := c.Evaluate(r).Allow; got != want {
			t.Errorf("ReadOnlyAccess %s: Allow = %v, want %v", action, got, want)
		}
	}
}

func BenchmarkManagedReadOnlyAccess(b *testing.B) {
	mp, ok := loadManaged(b)["ReadOnlyAccess"]
	if !ok {
		b.Skip("ReadOnlyAccess is not in MOAT_MANAGED_POLICIES")
	}
	c := mustCompile(b, string(mp.Document), policy.Identity)
	for _, action := range []string{"ec2:DescribeInstances", "s3:GetObject", "iam:CreateUser"} {
		b.Run(action, func(b *testing.B) {
			r := &policy.Request{Action: action, Resource: "*", Context: policy.NewContext()}
			b.ReportAllocs()
			b.ResetTimer()
			cpu := processCPU()
			for i := 0; i < b.N; i++ {
				c.Evaluate(r)
			}
			reportCPU(b, cpu)
		})
	}
}
