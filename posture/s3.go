package posture

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
)

// S3State is the buckets of one account with the settings the S3 controls
// read.
//
// Offline it comes from a directory of AWS CLI outputs (LoadS3Dir):
//
//	list-buckets.json                      aws s3api list-buckets
//	account-public-access-block.json       aws s3control get-public-access-block --account-id ID (optional)
//	BUCKET/get-bucket-policy.json          aws s3api get-bucket-policy --bucket BUCKET
//	BUCKET/get-public-access-block.json    aws s3api get-public-access-block --bucket BUCKET
//	BUCKET/get-bucket-encryption.json      aws s3api get-bucket-encryption --bucket BUCKET
//	BUCKET/get-bucket-versioning.json      aws s3api get-bucket-versioning --bucket BUCKET
//	BUCKET/get-bucket-logging.json         aws s3api get-bucket-logging --bucket BUCKET
//	BUCKET/get-bucket-acl.json             aws s3api get-bucket-acl --bucket BUCKET
//
// A missing per-bucket file means the setting is absent (the CLI answers
// NoSuchBucketPolicy, NoSuchPublicAccessBlockConfiguration...), except
// get-bucket-acl.json, whose absence means the ACL was not exported.
type S3State struct {
	// AccountPublicAccessBlock is the account-level setting; nil when it
	// was not supplied.
	AccountPublicAccessBlock *PublicAccessBlock
	Buckets                  []Bucket
}

// PublicAccessBlock is S3's Block Public Access configuration.
type PublicAccessBlock struct {
	BlockPublicAcls       bool `json:"BlockPublicAcls"`
	IgnorePublicAcls      bool `json:"IgnorePublicAcls"`
	BlockPublicPolicy     bool `json:"BlockPublicPolicy"`
	RestrictPublicBuckets bool `json:"RestrictPublicBuckets"`
}

// All reports all four settings on.
func (p *PublicAccessBlock) All() bool {
	return p != nil && p.BlockPublicAcls && p.IgnorePublicAcls && p.BlockPublicPolicy && p.RestrictPublicBuckets
}

// Bucket is one bucket and its security settings.
type Bucket struct {
	Name   string
	Policy string // "" when none
	// PublicAccessBlock is the bucket-level setting; nil when none.
	PublicAccessBlock *PublicAccessBlock
	Encryption        string // default encryption algorithm; "" when none
	Versioning        string // "", Enabled, Suspended
	MFADelete         string // "", Enabled, Disabled
	LoggingTarget     string // target bucket of server access logging; "" when off
	// Grants are the ACL's grants to groups (AllUsers, AuthenticatedUsers):
	// permission by group URI. nil when the ACL was not supplied.
	Grants map[string][]string
}

// LoadS3Dir reads a directory laid out as S3State describes.
func LoadS3Dir(dir string) (*S3State, error) {
	st := &S3State{}
	var list struct {
		Buckets []struct{ Name string } `json:"Buckets"`
	}
	if err := readJSON(filepath.Join(dir, "list-buckets.json"), &list, true); err != nil {
		return nil, err
	}
	var pab struct {
		PublicAccessBlockConfiguration *PublicAccessBlock `json:"PublicAccessBlockConfiguration"`
	}
	if err := readJSON(filepath.Join(dir, "account-public-access-block.json"), &pab, false); err != nil {
		return nil, err
	}
	st.AccountPublicAccessBlock = pab.PublicAccessBlockConfiguration
	for _, lb := range list.Buckets {
		b := Bucket{Name: lb.Name}
		bdir := filepath.Join(dir, lb.Name)
		var pol struct{ Policy string }
		var bpab struct {
			PublicAccessBlockConfiguration *PublicAccessBlock `json:"PublicAccessBlockConfiguration"`
		}
		var enc struct {
			ServerSideEncryptionConfiguration struct {
				Rules []struct {
					ApplyServerSideEncryptionByDefault struct{ SSEAlgorithm string }
				}
			}
		}
		var ver struct{ Status, MFADelete string }
		var logging struct {
			LoggingEnabled *struct{ TargetBucket string }
		}
		var acl struct {
			Grants []struct {
				Grantee    struct{ URI, Type string }
				Permission string
			}
		}
		for _, f := range []struct {
			name string
			v    any
		}{{"get-bucket-policy.json", &pol}, {"get-public-access-block.json", &bpab}, {"get-bucket-encryption.json", &enc},
			{"get-bucket-versioning.json", &ver}, {"get-bucket-logging.json", &logging}} {
			if err := readJSON(filepath.Join(bdir, f.name), f.v, false); err != nil {
				return nil, err
			}
		}
		b.Policy, b.PublicAccessBlock, b.Versioning, b.MFADelete = pol.Policy, bpab.PublicAccessBlockConfiguration, ver.Status, ver.MFADelete
		if rules := enc.ServerSideEncryptionConfiguration.Rules; len(rules) > 0 {
			b.Encryption = rules[0].ApplyServerSideEncryptionByDefault.SSEAlgorithm
		}
		if logging.LoggingEnabled != nil {
			b.LoggingTarget = logging.LoggingEnabled.TargetBucket
		}
		aclFile := filepath.Join(bdir, "get-bucket-acl.json")
		if _, err := os.Stat(aclFile); err == nil {
			if err := readJSON(aclFile, &acl, true); err != nil {
				return nil, err
			}
			b.Grants = map[string][]string{}
			for _, g := range acl.Grants {
				if g.Grantee.URI != "" {
					b.Grants[g.Grantee.URI] = append(b.Grants[g.Grantee.URI], g.Permission)
				}
			}
		}
		st.Buckets = append(st.Buckets, b)
	}
	sort.Slice(st.Buckets, func(i, j int) bool { return st.Buckets[i].Name < st.Buckets[j].Name })
	return st, nil
}

// readJSON decodes one CLI output; a missing optional file leaves v as is.
func readJSON(name string, v any, required bool) error {
	data, err := readInput(name)
	if err != nil {
		if !required && errors.Is(err, fs.ErrNotExist) {
			return nil
		}
		return err
	}
	return decodeJSON(name, data, v)
}

func (b *Bucket) String() string { return fmt.Sprintf("bucket %s", b.Name) }
