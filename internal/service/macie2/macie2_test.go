package macie2

import (
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/moatdev/moat/internal/service/s3"
)

func decode(t testing.TB, s string) map[string]any {
	t.Helper()
	var v map[string]any
	if err := json.Unmarshal([]byte(s), &v); err != nil {
		t.Fatal(err)
	}
	return v
}

const sampleFinding = `{"id":"f1","type":"SensitiveData:S3Object/Multiple","category":"CLASSIFICATION","archived":false,"count":1,
 "severity":{"description":"High","score":3},"createdAt":"2026-01-02T03:04:05.000Z",
 "resourcesAffected":{"s3Bucket":{"name":"records"},"s3Object":{"key":"a/b.csv","size":120}},
 "classificationDetails":{"jobId":"j1","result":{"sensitiveData":[
   {"category":"FINANCIAL_INFORMATION","detections":[{"type":"CREDIT_CARD_NUMBER","count":2}]},
   {"category":"PERSONAL_INFORMATION","detections":[{"type":"KOREA_RESIDENT_REGISTRATION_NUMBER","count":1}]}]}}}`

func TestCriteria(t *testing.T) {
	doc := decode(t, sampleFinding)
	i64 := func(n int64) *int64 { return &n }
	type crit = map[string]condition
	cases := []struct {
		name string
		c    crit
		want bool
	}{
		{"eq type", crit{"type": {Eq: []string{"SensitiveData:S3Object/Multiple"}}}, true},
		{"eq one of", crit{"severity.description": {Eq: []string{"Low", "High"}}}, true},
		{"neq", crit{"severity.description": {Neq: []string{"High"}}}, false},
		{"bool", crit{"archived": {Eq: []string{"false"}}}, true},
		{"nested list", crit{"classificationDetails.result.sensitiveData.detections.type": {Eq: []string{"CREDIT_CARD_NUMBER"}}}, true},
		{"exact match", crit{"classificationDetails.result.sensitiveData.category": {EqExactMatch: []string{"PERSONAL_INFORMATION", "FINANCIAL_INFORMATION"}}}, true},
		{"exact match subset", crit{"classificationDetails.result.sensitiveData.category": {EqExactMatch: []string{"PERSONAL_INFORMATION"}}}, false},
		{"gt number", crit{"resourcesAffected.s3Object.size": {Gt: i64(100)}}, true},
		{"lte number", crit{"resourcesAffected.s3Object.size": {Lte: i64(100)}}, false},
		{"time in ms", crit{"createdAt": {Gte: i64(time.Date(2026, 1, 2, 0, 0, 0, 0, time.UTC).UnixMilli())}}, true},
		{"absent field", crit{"policyDetails.action.actionType": {Eq: []string{"AWS_API_CALL"}}}, false},
		{"absent field neq", crit{"policyDetails.action.actionType": {Neq: []string{"AWS_API_CALL"}}}, true},
		{"and", crit{"type": {Eq: []string{"SensitiveData:S3Object/Multiple"}}, "classificationDetails.jobId": {Eq: []string{"j2"}}}, false},
	}
	for _, c := range cases {
		if got := compileCriteria(c.c).match(doc); got != c.want {
			t.Errorf("%s: got %v", c.name, got)
		}
	}
	if _, err := parseCriteria(json.RawMessage(`{"criterion":{"type":{}}}`), "findingCriteria", true); err == nil {
		t.Error("a condition without operator was accepted")
	}
	if _, err := parseCriteria(json.RawMessage(`{"criterion":{"type":{"eq":"x"}}}`), "findingCriteria", true); err == nil {
		t.Error("eq as a string was accepted")
	}
}

func TestScope(t *testing.T) {
	o := &s3.ObjectInfo{Bucket: "b", Key: "logs/2026/app.log.gz", Size: 2048, LastModified: time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC),
		Tags: []s3.Tag{{Key: "class", Value: "public"}}}
	term := func(key, cmp string, v ...string) scopeTerm {
		return scopeTerm{SimpleScopeTerm: &simpleTerm{Key: key, Comparator: cmp, Values: v}}
	}
	cases := []struct {
		t    scopeTerm
		want bool
	}{
		{term("OBJECT_EXTENSION", "EQ", "gz", "zip"), true},
		{term("OBJECT_EXTENSION", "NE", "gz"), false},
		{term("OBJECT_KEY", "STARTS_WITH", "logs/"), true},
		{term("OBJECT_KEY", "STARTS_WITH", "data/"), false},
		{term("OBJECT_SIZE", "GT", "1024"), true},
		{term("OBJECT_SIZE", "LTE", "1024"), false},
		{term("OBJECT_LAST_MODIFIED_DATE", "LT", "2026-04-01T00:00:00Z"), true},
		{term("OBJECT_LAST_MODIFIED_DATE", "GT", "2026-04-01T00:00:00Z"), false},
		{scopeTerm{TagScopeTerm: &tagTerm{Comparator: "EQ", Key: "TAG", TagValues: []tagPair{{"class", "public"}}}}, true},
		{scopeTerm{TagScopeTerm: &tagTerm{Comparator: "EQ", Key: "TAG", TagValues: []tagPair{{"class", ""}}}}, true},
		{scopeTerm{TagScopeTerm: &tagTerm{Comparator: "NE", Key: "TAG", TagValues: []tagPair{{"class", "public"}}}}, false},
	}
	for i, c := range cases {
		if err := checkScopeTerm(c.t); err != nil {
			t.Fatalf("case %d: %v", i, err)
		}
		if got := matchScope(c.t, o); got != c.want {
			t.Errorf("case %d: got %v", i, got)
		}
	}
	// Excludes are joined with AND: excluded only when every term holds.
	sc := &scoping{Excludes: &scopeBlock{And: []scopeTerm{term("OBJECT_EXTENSION", "EQ", "gz"), term("OBJECT_SIZE", "GT", "4096")}}}
	if !inScope(sc, o) {
		t.Error("excluded although one exclude term fails")
	}
	for _, bad := range []scopeTerm{term("OBJECT_KEY", "EQ", "x"), term("OBJECT_SIZE", "GT", "big"), term("OBJECT_COLOR", "EQ", "x"), term("OBJECT_KEY", "STARTS_WITH")} {
		if checkScopeTerm(bad) == nil {
			t.Errorf("accepted %+v", bad.SimpleScopeTerm)
		}
	}
}

func TestParseJobDef(t *testing.T) {
	for _, bad := range []string{`{}`, `{"bucketDefinitions":[{"accountId":"1","buckets":["a"]}],"bucketCriteria":{}}`,
		`{"bucketDefinitions":[{"accountId":"1"}]}`, `{"bucketCriteria":{"includes":{"and":[{"simpleCriterion":{"key":"X","comparator":"EQ"}}]}}}`, `[]`} {
		if _, err := parseJobDef(json.RawMessage(bad)); err == nil {
			t.Errorf("accepted %s", bad)
		}
	}
	if _, err := parseJobDef(json.RawMessage(`{"bucketDefinitions":[{"accountId":"111122223333","buckets":["a","b"]}]}`)); err != nil {
		t.Error(err)
	}
}

func TestExternalAccounts(t *testing.T) {
	b := &s3.BucketInfo{Name: "x", Account: "123456789012", Policy: `{"Version":"2012-10-17","Statement":[
	 {"Effect":"Allow","Principal":{"AWS":["arn:aws:iam::111122223333:role/r","123456789012","444455556666"]},"Action":"s3:GetObject","Resource":"arn:aws:s3:::x/*"},
	 {"Effect":"Deny","Principal":{"AWS":"arn:aws:iam::777788889999:root"},"Action":"s3:*","Resource":"arn:aws:s3:::x/*"}]}`}
	if got := fmt.Sprint(externalAccounts(b)); got != "[111122223333 444455556666]" {
		t.Fatalf("externalAccounts: %s", got)
	}
}

func TestPage(t *testing.T) {
	from, to, next, err := page(5, nil, nil, 2, 50)
	if err != nil || from != 0 || to != 2 || next == nil {
		t.Fatal(from, to, next, err)
	}
	from, to, next, err = page(5, nil, next, 2, 50)
	if err != nil || from != 2 || to != 4 || next == nil {
		t.Fatal(from, to, next, err)
	}
	bad := "!!"
	if _, _, _, err := page(5, nil, &bad, 2, 50); err == nil {
		t.Fatal("bad token accepted")
	}
}

// FuzzParseJobDef feeds s3JobDefinitions and finding criteria, the
// parsers of outside input, arbitrary JSON: they must answer an error or a
// value, never panic, and a parsed definition must evaluate.
func FuzzParseJobDef(f *testing.F) {
	f.Add(`{"bucketDefinitions":[{"accountId":"111122223333","buckets":["a"]}],"scoping":{"includes":{"and":[{"simpleScopeTerm":{"key":"OBJECT_SIZE","comparator":"GT","values":["10"]}}]}}}`)
	f.Add(`{"bucketCriteria":{"excludes":{"and":[{"tagCriterion":{"comparator":"EQ","tagValues":[{"key":"a","value":"b"}]}}]}}}`)
	f.Add(`{"criterion":{"type":{"eq":["x"]},"severity.score":{"gt":2}}}`)
	f.Add(`{"scoping":{"excludes":{"and":[{"simpleScopeTerm":{"key":"OBJECT_LAST_MODIFIED_DATE","comparator":"LT","values":["2020-01-01T00:00:00Z"]}}]}}}`)
	o := &s3.ObjectInfo{Bucket: "a", Key: "k.txt", Size: 20}
	b := &s3.BucketInfo{Name: "a", Account: "111122223333"}
	doc := map[string]any{"type": "x", "severity": map[string]any{"score": 3.0}}
	f.Fuzz(func(t *testing.T, s string) {
		if d, err := parseJobDef(json.RawMessage(s)); err == nil {
			inScope(d.Scoping, o)
			if d.BucketCriteria != nil && d.BucketCriteria.Includes != nil {
				for _, c := range d.BucketCriteria.Includes.And {
					matchBucket(c, b)
				}
			}
		}
		if c, err := parseCriteria(json.RawMessage(s), "findingCriteria", true); err == nil {
			c.match(doc)
		}
	})
}

// BenchmarkListFindingsFilter measures criteria over 1,000 findings, the
// work of each ListFindings call.
func BenchmarkListFindingsFilter(b *testing.B) {
	docs := make([]map[string]any, 1000)
	for i := range docs {
		docs[i] = decode(b, sampleFinding)
	}
	c, err := parseCriteria(json.RawMessage(`{"criterion":{"classificationDetails.result.sensitiveData.detections.type":{"eq":["CREDIT_CARD_NUMBER"]},
		"severity.description":{"neq":["Low"]},"resourcesAffected.s3Object.size":{"gte":100}}}`), "findingCriteria", true)
	if err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		n := 0
		for _, d := range docs {
			if c.match(d) {
				n++
			}
		}
		if n != len(docs) {
			b.Fatal(n)
		}
	}
}

func TestNextRun(t *testing.T) {
	at := func(s string) time.Time {
		v, err := time.Parse(time.RFC3339, s)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	cases := []struct {
		sched, created, last, want string
	}{
		{`{"dailySchedule":{}}`, "2026-11-29T16:00:00Z", "", "2026-11-30T00:00:00Z"},
		{`{"dailySchedule":{}}`, "2026-11-29T16:00:00Z", "2026-12-03T00:00:05Z", "2026-12-04T00:00:00Z"},
		{`{"weeklySchedule":{"dayOfWeek":"MONDAY"}}`, "2026-11-29T16:00:00Z", "", "2026-11-30T00:00:00Z"}, // a Sunday
		{`{"weeklySchedule":{"dayOfWeek":"SUNDAY"}}`, "2026-11-29T16:00:00Z", "", "2026-12-06T00:00:00Z"},
		{`{"monthlySchedule":{"dayOfMonth":31}}`, "2027-02-01T10:00:00Z", "", "2027-02-28T00:00:00Z"},
		{`{"monthlySchedule":{"dayOfMonth":1}}`, "2026-11-29T16:00:00Z", "", "2026-12-01T00:00:00Z"},
	}
	for _, c := range cases {
		j := &jobRecord{ScheduleFrequency: json.RawMessage(c.sched), CreatedAt: at(c.created)}
		if c.last != "" {
			j.LastRunTime = at(c.last)
		}
		if got := nextRun(j); !got.Equal(at(c.want)) {
			t.Errorf("%s from %s/%s: %s, want %s", c.sched, c.created, c.last, got, c.want)
		}
	}
}
