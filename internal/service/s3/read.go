package s3

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"time"

	"github.com/moatdev/moat/internal/store"
)

// What other services read of S3 (Macie's inventory and classification
// jobs, Security Hub's S3 controls): buckets with the settings security
// cares about, and objects with their bytes. Reads only; every write goes
// through the API.

// BucketInfo is a bucket as seen by another service.
type BucketInfo struct {
	Name, Account, Region string
	Created               time.Time
	Policy                string // "" when none
	PolicyPublic          bool   // S3's meaning of public (isPublicPolicy)
	// BlockPublicAccess is the bucket-level setting; nil when none.
	BlockPublicAccess *PublicAccessBlockConfiguration
	ACL               string // canned ACL; "" = private
	ACLPublic         bool   // a public canned ACL that ownership and Block Public Access let apply
	ObjectOwnership   string
	Encryption        string // default encryption algorithm: AES256, aws:kms, aws:kms:dsse
	KMSKeyID          string
	Versioning        string // "", Enabled, Suspended
	MFADelete         string // "", Enabled, Disabled
	LoggingTarget     string // server access logging's target bucket; "" when off
	// ACLGrants are the canned ACL's grants to groups: permissions by
	// group URI (AllUsers, AuthenticatedUsers).
	ACLGrants map[string][]string
	Tags      []Tag
}

// ObjectInfo is an object's metadata as seen by another service.
type ObjectInfo struct {
	Bucket, Key  string
	Size         int64
	ETag         string
	LastModified time.Time
	ContentType  string
	StorageClass string
	Encryption   string
	Tags         []Tag
	blob         string
}

func info(b *bucket) BucketInfo {
	bi := BucketInfo{Name: b.Name, Account: b.Account, Region: b.Region, Created: b.Created, Policy: b.Policy,
		BlockPublicAccess: b.PAB, ACL: b.ACL, ObjectOwnership: b.Ownership, Versioning: b.Versioning, MFADelete: b.MFADelete,
		Tags: b.Tags, ACLGrants: cannedGrants(b.ACL)}
	if b.Logging != nil {
		bi.LoggingTarget = b.Logging.TargetBucket
	}
	if b.Policy != "" {
		bi.PolicyPublic = isPublicPolicy(b.Policy)
	}
	ignore := b.PAB != nil && b.PAB.IgnorePublicAcls != nil && *b.PAB.IgnorePublicAcls
	bi.ACLPublic = publicACL(b.ACL) && b.Ownership != "BucketOwnerEnforced" && !ignore
	if b.SSE != nil && len(b.SSE.Rules) > 0 && b.SSE.Rules[0].ApplyServerSideEncryptionByDefault != nil {
		d := b.SSE.Rules[0].ApplyServerSideEncryptionByDefault
		bi.Encryption = d.SSEAlgorithm
		if d.KMSMasterKeyID != nil {
			bi.KMSKeyID = *d.KMSMasterKeyID
		}
	}
	return bi
}

// Buckets returns the buckets of account ("" for every account), by name.
func Buckets(ctx context.Context, st store.Store, account string) ([]BucketInfo, error) {
	var out []BucketInfo
	err := st.View(ctx, func(tx store.Tx) error {
		return tx.Scan(TableBuckets, "", "", 0, func(_ string, raw []byte) error {
			var b bucket
			if err := json.Unmarshal(raw, &b); err != nil {
				return err
			}
			if account == "" || b.Account == account {
				out = append(out, info(&b))
			}
			return nil
		})
	})
	return out, err
}

// ErrNoSuchBucket is returned by the readers for a bucket that does not
// exist.
var ErrNoSuchBucket = errors.New("s3: no such bucket")

// WalkObjects calls fn with each object of bucket whose key starts with
// prefix, in key order. An error from fn stops the walk and is returned.
func WalkObjects(ctx context.Context, st store.Store, bucketName, prefix string, fn func(ObjectInfo) error) error {
	return st.View(ctx, func(tx store.Tx) error {
		if _, err := tx.Get(TableBuckets, bucketName); errors.Is(err, store.ErrNotFound) {
			return ErrNoSuchBucket
		} else if err != nil {
			return err
		}
		return tx.Scan(TableObjects, bucketName+"/"+prefix, "", 0, func(_ string, raw []byte) error {
			var o object
			if err := json.Unmarshal(raw, &o); err != nil {
				return err
			}
			return fn(ObjectInfo{Bucket: bucketName, Key: o.Key, Size: o.Size, ETag: o.ETag, LastModified: o.LastModified,
				ContentType: o.ContentType, StorageClass: pick(o.StorageClass, "STANDARD"), Encryption: o.SSE, Tags: o.Tags, blob: o.Blob})
		})
	})
}

// Reader reads objects' bytes from a data directory.
type Reader struct{ s *s3 }

// NewReader returns a reader of the objects kept under dataDir.
func NewReader(dataDir string) *Reader {
	return &Reader{s: &s3{blobs: filepath.Join(dataDir, "s3", "blobs")}}
}

// Read returns the bytes of an object WalkObjects gave. An object deleted
// since is an error wrapping fs.ErrNotExist.
func (r *Reader) Read(o ObjectInfo) ([]byte, error) {
	if o.blob == "" || strings.ContainsAny(o.blob, `/\.`) {
		return nil, errors.New("s3: object has no stored bytes")
	}
	return r.s.readBlob(o.blob)
}

// Deliver stores an object an AWS service writes into a bucket
// (CloudTrail's log files and digests), owned by the bucket's account. The
// caller has decided the service may (the bucket policy, see BucketInfo);
// ErrNoSuchBucket when the bucket does not exist.
func Deliver(ctx context.Context, st store.Store, dataDir, bucketName, key string, data []byte, contentType string) error {
	s := &s3{blobs: filepath.Join(dataDir, "s3", "blobs")}
	o := &object{Key: key, Size: int64(len(data)), ETag: etagOf(data), LastModified: time.Now().UTC().Truncate(time.Second), ContentType: contentType}
	err := s.store(ctx, st, bucketName, o, data, &WriteHeaders{}, nil, nil)
	if isCode(err, errNoSuchBucket.Code) {
		return ErrNoSuchBucket
	}
	return err
}

// Bucket returns one bucket's settings; ErrNoSuchBucket when it does not
// exist.
func Bucket(ctx context.Context, st store.Store, name string) (BucketInfo, error) {
	var bi BucketInfo
	err := st.View(ctx, func(tx store.Tx) error {
		b, err := getBucket(tx, name)
		if isCode(err, errNoSuchBucket.Code) {
			return ErrNoSuchBucket
		}
		if err != nil {
			return err
		}
		bi = info(b)
		return nil
	})
	return bi, err
}

// ReadObject returns the bytes of bucket/key as of tx: ErrNoSuchBucket, or
// an error wrapping store.ErrNotFound for a missing key.
func ReadObject(tx store.Tx, dataDir, bucketName, key string) ([]byte, error) {
	if _, err := tx.Get(TableBuckets, bucketName); errors.Is(err, store.ErrNotFound) {
		return nil, ErrNoSuchBucket
	} else if err != nil {
		return nil, err
	}
	raw, err := tx.Get(TableObjects, objectKey(bucketName, key))
	if err != nil {
		return nil, fmt.Errorf("s3://%s/%s: %w", bucketName, key, err)
	}
	var o object
	if err := json.Unmarshal(raw, &o); err != nil {
		return nil, err
	}
	return NewReader(dataDir).Read(ObjectInfo{blob: o.Blob})
}

// ParseLocation reads the S3 location of an object as AWS services take it
// (GuardDuty's list locations, for one): s3://bucket/key,
// https://s3.amazonaws.com/bucket/key, https://s3.REGION.amazonaws.com/bucket/key
// or https://bucket.s3[.REGION].amazonaws.com/key.
func ParseLocation(loc string) (bucketName, key string, ok bool) {
	if rest, found := strings.CutPrefix(loc, "s3://"); found {
		bucketName, key, ok = strings.Cut(rest, "/")
		return bucketName, key, ok && bucketName != "" && key != ""
	}
	rest, found := strings.CutPrefix(loc, "https://")
	if !found {
		return "", "", false
	}
	host, path, found := strings.Cut(rest, "/")
	if !found || !strings.HasSuffix(host, ".amazonaws.com") {
		return "", "", false
	}
	if strings.HasPrefix(host, "s3.") || strings.HasPrefix(host, "s3-") {
		bucketName, key, ok = strings.Cut(path, "/")
	} else if i := strings.Index(host, ".s3"); i > 0 {
		bucketName, key, ok = host[:i], path, true
	}
	return bucketName, key, ok && bucketName != "" && key != ""
}
