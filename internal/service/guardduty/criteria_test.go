package guardduty

import (
	"encoding/json"
	"errors"
	"testing"
	"time"

	"github.com/moatdev/moat/detect"
	"github.com/moatdev/moat/internal/awserr"
)

func i64(v int64) *int64 { return &v }

var testFinding = []byte(`{"schemaVersion":"2.0","accountId":"111122223333","region":"us-east-1","id":"f1","type":"Recon:EC2/Portscan",
"severity":5.5,"updatedAt":"2026-11-29T10:00:00.000Z","createdAt":"2026-11-29T09:00:00.000Z",
"resource":{"resourceType":"Instance","instanceDetails":{"instanceId":"i-1","networkInterfaces":[{"privateIpAddress":"10.0.0.1","vpcId":"vpc-1"},{"privateIpAddress":"10.0.0.2"}],
"tags":[{"key":"env","value":"prod"}]}},
"service":{"archived":false,"resourceRole":"ACTOR","additionalInfo":{"threatListName":"lab"},
"action":{"actionType":"NETWORK_CONNECTION","networkConnectionAction":{"blocked":false,"localPortDetails":{"port":22},"protocol":"TCP"},
"dnsRequestAction":{"domain":"a.b.example.com"}}}}`)

func TestCriteria(t *testing.T) {
	f, err := decodeFinding(testFinding)
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name string
		crit map[string]Condition
		want bool
	}{
		{"type equals", map[string]Condition{"type": {Equals: []string{"Recon:EC2/Portscan"}}}, true},
		{"type eq other", map[string]Condition{"type": {Eq: []string{"X"}}}, false},
		{"type neq", map[string]Condition{"type": {NotEquals: []string{"Recon:EC2/Portscan"}}}, false},
		{"severity band", map[string]Condition{"severity": {Equals: []string{"4", "5", "6"}}}, true},
		{"severity exact miss", map[string]Condition{"severity": {Equals: []string{"5.2"}}}, false},
		{"severity exact", map[string]Condition{"severity": {Equals: []string{"5.5"}}}, true},
		{"severity gte", map[string]Condition{"severity": {GreaterThanOrEqual: i64(5)}}, true},
		{"severity gt", map[string]Condition{"severity": {GreaterThan: i64(6)}}, false},
		{"severity range", map[string]Condition{"severity": {Gte: i32(4), Lt: i32(7)}}, true},
		{"archived false", map[string]Condition{"service.archived": {Equals: []string{"FALSE"}}}, true},
		{"archived true", map[string]Condition{"service.archived": {Equals: []string{"true"}}}, false},
		{"updatedAt after", map[string]Condition{"updatedAt": {GreaterThan: i64(1764403199000)}}, true},
		{"updatedAt before", map[string]Condition{"updatedAt": {LessThan: i64(1764403200000)}}, false},
		{"second interface", map[string]Condition{"resource.instanceDetails.networkInterfaces.privateIpAddresses.privateIpAddress": {Equals: []string{"10.0.0.2"}}}, true},
		{"tag value", map[string]Condition{"resource.instanceDetails.tags.value": {Equals: []string{"prod"}}}, true},
		{"port", map[string]Condition{"service.action.networkConnectionAction.localPortDetails.port": {Equals: []string{"22"}}}, true},
		{"domain suffix", map[string]Condition{"service.action.dnsRequestAction.domainWithSuffix": {Equals: []string{"example.com"}}}, true},
		{"threat list", map[string]Condition{"service.additionalInfo.threatListName": {Equals: []string{"lab"}}}, true},
		{"absent neq", map[string]Condition{"resource.accessKeyDetails.userName": {NotEquals: []string{"bob"}}}, true},
		{"absent eq", map[string]Condition{"resource.accessKeyDetails.userName": {Equals: []string{"bob"}}}, false},
		{"matches", map[string]Condition{"type": {Matches: []string{"Recon:*/Port?can"}}}, true},
		{"notMatches", map[string]Condition{"type": {NotMatches: []string{"Recon:*"}}}, false},
		{"and", map[string]Condition{"type": {Equals: []string{"Recon:EC2/Portscan"}}, "region": {Equals: []string{"eu-west-1"}}}, false},
	}
	for _, c := range cases {
		cc, err := compileCriteria(&FindingCriteria{Criterion: c.crit}, true)
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		if got := cc.Match(f); got != c.want {
			t.Errorf("%s: match %v, want %v", c.name, got, c.want)
		}
	}
}

func i32(v int32) *int32 { return &v }

func TestCriteriaRefused(t *testing.T) {
	for name, crit := range map[string]map[string]Condition{
		"unknown":       {"resource.colour": {Equals: []string{"x"}}},
		"bounds on str": {"type": {GreaterThan: i64(1)}},
		"not a number":  {"severity": {Equals: []string{"high"}}},
		"not a bool":    {"service.archived": {Equals: []string{"yes"}}},
		"empty":         {"type": {}},
		"matches":       {"type": {Matches: []string{"*"}}},
	} {
		_, err := compileCriteria(&FindingCriteria{Criterion: crit}, false)
		var ae *awserr.Error
		if !errors.As(err, &ae) || ae.Code != "BadRequestException" {
			t.Errorf("%s: %v, want BadRequestException", name, err)
		}
	}
}

func TestGlob(t *testing.T) {
	for _, c := range []struct {
		p, s string
		want bool
	}{{"*", "", true}, {"a*c", "abbc", true}, {"a?c", "abc", true}, {"a?c", "ac", false}, {"*/Port*", "Recon:EC2/Portscan", true}, {"a*b*c", "aXbYd", false}} {
		if glob(c.p, c.s) != c.want {
			t.Errorf("glob(%q, %q) != %v", c.p, c.s, c.want)
		}
	}
}

// Every sample finding is in the engine's JSON shape and matches its type.
func TestSampleFindings(t *testing.T) {
	det := &detectorRecord{ID: "d", Account: "111122223333", Region: "us-east-1"}
	for _, ft := range detect.FindingTypes() {
		f := sampleFinding(ft, det, testNow)
		b, _ := json.Marshal(f)
		m, _ := decodeFinding(b)
		markSample(m)
		cc, _ := compileCriteria(&FindingCriteria{Criterion: map[string]Condition{"type": {Equals: []string{ft.Name}}, "resource.resourceType": {Equals: []string{ft.Resource}}}}, false)
		if !cc.Match(m) || f.Service.Action.ActionType == "" || f.Title == "" {
			t.Errorf("sample %s: %s", ft.Name, b)
		}
	}
}

func BenchmarkCriteriaMatch(b *testing.B) {
	f, _ := decodeFinding(testFinding)
	cc, err := compileCriteria(&FindingCriteria{Criterion: map[string]Condition{
		"type": {Equals: []string{"Recon:EC2/Portscan"}}, "severity": {GreaterThanOrEqual: i64(4)}, "service.archived": {Equals: []string{"false"}},
		"resource.instanceDetails.networkInterfaces.vpcId": {Equals: []string{"vpc-1"}}}}, false)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if !cc.Match(f) {
			b.Fatal("no match")
		}
	}
}

func BenchmarkDecodeAndMatch(b *testing.B) {
	cc, _ := compileCriteria(&FindingCriteria{Criterion: map[string]Condition{"type": {Equals: []string{"Recon:EC2/Portscan"}}}}, false)
	b.ReportAllocs()
	for b.Loop() {
		f, _ := decodeFinding(testFinding)
		cc.Match(f)
	}
}

// FuzzCriteria: any criterion from outside compiles or is refused, and a
// compiled one evaluates without panicking.
func FuzzCriteria(f *testing.F) {
	f.Add("type", "Recon:EC2/Portscan", int64(0), "*")
	f.Add("severity", "7", int64(5), "")
	f.Add("updatedAt", "2026-11-29T10:00:00Z", int64(1764403199000), "?")
	f.Add("service.archived", "true", int64(-1), "")
	f.Add("nope", "x", int64(1), "[")
	fd, _ := decodeFinding(testFinding)
	f.Fuzz(func(t *testing.T, key, value string, n int64, pattern string) {
		cond := Condition{Equals: []string{value}, Matches: []string{pattern}}
		if n > 0 {
			cond.GreaterThan = &n
		}
		cc, err := compileCriteria(&FindingCriteria{Criterion: map[string]Condition{key: cond}}, true)
		if err != nil {
			return
		}
		cc.Match(fd)
	})
}

var testNow = time.Date(2026, 11, 29, 10, 0, 0, 0, time.UTC)
