package detect

import (
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

func TestSigmaHQAWSRules(t *testing.T) {
	dir := datasetDir(t, "sigma-aws")
	rules, err := LoadSigmaDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(rules) != 57 {
		t.Fatalf("loaded %d rules, SigmaHQ has 57 AWS CloudTrail rules", len(rules))
	}
	for _, r := range rules {
		if r.Author == "" || r.ID == "" || r.Level == "" {
			t.Errorf("%s: author %q id %q level %q", r.File, r.Author, r.ID, r.Level)
		}
	}
	stratus := datasetDir(t, "stratus-red-team-detonation-logs")
	// Rules a user would expect to fire on each technique (by rule file name).
	want := map[string][]string{
		"aws.defense-evasion.cloudtrail-stop":          {"aws_cloudtrail_disable_logging"},
		"aws.defense-evasion.cloudtrail-delete":        {"aws_cloudtrail_disable_logging"},
		"aws.defense-evasion.vpc-remove-flow-logs":     {"aws_cloudtrail_vpc_flow_logs_deleted"},
		"aws.exfiltration.ec2-share-ebs-snapshot":      {"aws_snapshot_backup_exfiltration"},
		"aws.initial-access.console-login-without-mfa": {"aws_cloudtrail_console_login_success_without_mfa"},
		"aws.persistence.iam-backdoor-user":            {"aws_iam_backdoor_users_keys"},
		// aws_ec2_startup_script_change needs requestParameters.attribute
		// "userData"; Stratus's call sets userData directly, so it rightly does not fire.
		"aws.execution.ssm-send-command":                           {"aws_cloudtrail_ssm_malicious_usage"},
		"aws.exfiltration.ec2-security-group-open-port-22-ingress": {"aws_cloudtrail_security_group_change_ingress_egress"},
		"aws.persistence.lambda-layer-extension":                   {"aws_new_lambda_layer_attached"},
		"aws.privilege-escalation.iam-update-user-login-profile":   {"aws_update_login_profile"},
	}
	byFile := map[string]string{}
	for _, r := range rules {
		byFile[r.Title] = strings.TrimSuffix(filepath.Base(r.File), ".yml")
	}
	files, _ := filepath.Glob(filepath.Join(stratus, "*.json"))
	matched := 0
	for _, path := range files {
		tech := strings.TrimSuffix(filepath.Base(path), ".json")
		got, _, errs := runFile(t, path, Options{Sigma: rules})
		if len(errs) > 0 {
			t.Fatal(errs)
		}
		var fired []string
		for _, f := range allFindings(got) {
			if f.Type == TypeMoatSigma {
				if f.Author == "" || !strings.Contains(f.Description, f.Author) {
					t.Errorf("%s: Sigma finding without its author: %+v", tech, f)
				}
				fired = append(fired, byFile[f.Service.AdditionalInfo["sigmaRuleTitle"]])
			}
		}
		sort.Strings(fired)
		matched += len(fired)
		for _, w := range want[tech] {
			if !contains(fired, w) {
				t.Errorf("%s: rule %s did not fire; fired %v", tech, w, fired)
			}
		}
		t.Logf("%s: %v", tech, fired)
	}
	if matched == 0 {
		t.Fatal("no Sigma rule matched any Stratus technique")
	}
}

// allFindings returns every finding, including several of one type.
func allFindings(m map[string]*Finding) []*Finding {
	var out []*Finding
	for _, f := range m {
		out = append(out, f)
	}
	return out
}

func TestSigmaRuleErrors(t *testing.T) {
	t.Parallel()
	head := "title: t\nid: x\nauthor: me\nlogsource:\n    product: aws\n    service: cloudtrail\n"
	cases := []struct{ name, rule, want string }{
		{"other product", "title: t\nlogsource:\n    product: windows\n    service: security\ndetection:\n    sel:\n        a: b\n    condition: sel\n", `r.yml:3: logsource.product: "windows"`},
		{"unknown selection", head + "detection:\n    sel:\n        a: b\n    condition: sel and other\n", `detection.condition: unknown selection "other"`},
		{"unknown modifier", head + "detection:\n    sel:\n        a|base64offset: b\n    condition: sel\n", `detection.sel: field a: modifier "base64offset" is not supported`},
		{"bad regexp", head + "detection:\n    sel:\n        a|re: '('\n    condition: sel\n", "bad regular expression"},
		{"aggregation", head + "detection:\n    sel:\n        a: b\n    condition: sel | count() > 5\n", "aggregations"},
		{"bad yaml", head + "detection:\n  sel:\n      a: b\n    condition: sel\n", "r.yml:10: YAML: unexpected indentation"},
		{"missing condition", head + "detection:\n    sel:\n        a: b\n", "detection.condition: missing"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ParseSigmaRule([]byte(tc.rule), "r.yml")
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error %v, want %q", err, tc.want)
			}
		})
	}
}

func TestSigmaMatching(t *testing.T) {
	t.Parallel()
	rule := `title: test
id: 1
author: Tester
level: high
logsource:
    product: aws
    service: cloudtrail
detection:
    selection:
        eventSource: 'IAM.amazonaws.com'   # case-insensitive
        eventName|startswith:
            - Create
            - Attach
    filter_ua:
        userAgent|contains: terraform
    filter_params:
        requestParameters|contains|all:
            - '"userName"'
            - 'svc-'
    keyword:
        - 'AKIAEXAMPLE'
    sel_null:
        errorCode: null
    sel_ref:
        userIdentity.userName|fieldref: requestParameters.userName
    condition: (selection and not 1 of filter_*) and sel_null or keyword or all of sel_ref
`
	r, err := ParseSigmaRule([]byte(rule), "t.yml")
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name string
		rec  string
		want bool
	}{
		{"create user", `{"eventSource":"iam.amazonaws.com","eventName":"CreateUser","userAgent":"aws-cli","requestParameters":{"userName":"bob"}}`, true},
		{"terraform filtered", `{"eventSource":"iam.amazonaws.com","eventName":"CreateUser","userAgent":"Terraform/1.5","requestParameters":{"userName":"bob"}}`, false},
		{"service account filtered", `{"eventSource":"iam.amazonaws.com","eventName":"CreateUser","requestParameters":{"userName":"svc-ci"}}`, false},
		{"failed call", `{"eventSource":"iam.amazonaws.com","eventName":"CreateUser","errorCode":"AccessDenied"}`, false},
		{"other api", `{"eventSource":"iam.amazonaws.com","eventName":"ListUsers"}`, false},
		{"keyword", `{"eventName":"X","userIdentity":{"accessKeyId":"AKIAEXAMPLE"}}`, true},
		{"fieldref", `{"eventName":"UpdateLoginProfile","userIdentity":{"userName":"eve"},"requestParameters":{"userName":"eve"}}`, true},
		{"fieldref differs", `{"eventName":"UpdateLoginProfile","userIdentity":{"userName":"eve"},"requestParameters":{"userName":"bob"}}`, false},
	}
	for _, tc := range cases {
		var rec Record
		if err := parseRecord([]byte(tc.rec), &rec); err != nil {
			t.Fatal(err)
		}
		if got := r.Match(&rec); got != tc.want {
			t.Errorf("%s: match %v, want %v", tc.name, got, tc.want)
		}
	}
}

func TestSigmaLoadDirErrors(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	if _, err := LoadSigmaDir(dir); err == nil || !strings.Contains(err.Error(), "no Sigma rules") {
		t.Fatalf("empty dir: %v", err)
	}
	os.WriteFile(filepath.Join(dir, "bad.yml"), []byte("title: [unclosed\n"), 0o600)
	if _, err := LoadSigmaDir(dir); err == nil || !strings.Contains(err.Error(), "bad.yml:1") {
		t.Fatalf("bad rule: %v", err)
	}
}
