// Package s3 serves Amazon S3 (rest-xml, path-style and virtual-host-style
// requests) as far as security needs: buckets and objects, multipart
// uploads, bucket policies enforced by the pipeline as the bucket's
// resource-based policy, Block Public Access at bucket level with AWS's
// meaning of "public", object ownership and canned ACLs, default
// encryption, versioning status, tagging and server access logging
// configuration, and GetBucketPolicyStatus.
//
// Object bytes live in files under the data directory (<data>/s3/blobs),
// their metadata in the store; one call's metadata changes are one store
// transaction, and a blob is written and synced before the metadata that
// names it commits.
//
// Where moat differs from AWS (RATIONALE.md says why):
//   - request bodies are held in memory: a single PUT is capped at MaxObject
//     (EntityTooLarge above it, as AWS answers above 5 GiB); larger objects
//     go through multipart uploads;
//   - versioning keeps the bucket's status only: every PUT replaces the
//     object, no version ids are kept;
//   - ACLs are stored and honoured for the canned public grants only when
//     the bucket's object ownership allows ACLs (new buckets, as in AWS since
//     April 2023, have ACLs disabled and Block Public Access on);
//   - account-level Block Public Access (S3 Control) is not served yet.
package s3

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"path/filepath"
	"strings"
	"time"

	"github.com/moatdev/moat/internal/awserr"
	"github.com/moatdev/moat/internal/identity"
	"github.com/moatdev/moat/internal/protocol"
	"github.com/moatdev/moat/internal/service"
	"github.com/moatdev/moat/internal/store"
)

// Tables.
const (
	TableBuckets = "s3.buckets" // bucket name → bucket
	TableObjects = "s3.objects" // bucket/key → object
	TableUploads = "s3.uploads" // bucket/upload id → upload
	TableParts   = "s3.parts"   // bucket/upload id/part number (5 digits) → part
)

// MaxObject is the largest body moat takes in one request (a PutObject or
// an UploadPart).
const MaxObject = 512 << 20

// Namespace is S3's XML namespace.
const Namespace = "http://s3.amazonaws.com/doc/2006-03-01/"

// S3's errors (Amazon S3 API Reference, "Error responses").
var (
	errNoSuchBucket            = awserr.Def{Code: "NoSuchBucket", Status: http.StatusNotFound}
	errNoSuchKey               = awserr.Def{Code: "NoSuchKey", Status: http.StatusNotFound}
	errBucketAlreadyExists     = awserr.Def{Code: "BucketAlreadyExists", Status: http.StatusConflict}
	errBucketAlreadyOwnedByYou = awserr.Def{Code: "BucketAlreadyOwnedByYou", Status: http.StatusConflict}
	errBucketNotEmpty          = awserr.Def{Code: "BucketNotEmpty", Status: http.StatusConflict}
	errInvalidBucketName       = awserr.Def{Code: "InvalidBucketName", Status: http.StatusBadRequest}
	errNoSuchBucketPolicy      = awserr.Def{Code: "NoSuchBucketPolicy", Status: http.StatusNotFound}
	errMalformedPolicy         = awserr.Def{Code: "MalformedPolicy", Status: http.StatusBadRequest}
	errNoSuchUpload            = awserr.Def{Code: "NoSuchUpload", Status: http.StatusNotFound}
	errInvalidPart             = awserr.Def{Code: "InvalidPart", Status: http.StatusBadRequest}
	errInvalidPartOrder        = awserr.Def{Code: "InvalidPartOrder", Status: http.StatusBadRequest}
	errEntityTooSmall          = awserr.Def{Code: "EntityTooSmall", Status: http.StatusBadRequest}
	errEntityTooLarge          = awserr.Def{Code: "EntityTooLarge", Status: http.StatusBadRequest}
	errInvalidRange            = awserr.Def{Code: "InvalidRange", Status: http.StatusRequestedRangeNotSatisfiable}
	errNoSuchPAB               = awserr.Def{Code: "NoSuchPublicAccessBlockConfiguration", Status: http.StatusNotFound}
	errNoSuchEncryption        = awserr.Def{Code: "ServerSideEncryptionConfigurationNotFoundError", Status: http.StatusNotFound}
	errNoSuchTagSet            = awserr.Def{Code: "NoSuchTagSet", Status: http.StatusNotFound}
	errNoSuchOwnership         = awserr.Def{Code: "OwnershipControlsNotFoundError", Status: http.StatusNotFound}
	errPreconditionFailed      = awserr.Def{Code: "PreconditionFailed", Status: http.StatusPreconditionFailed}
	errInvalidArgument         = awserr.Def{Code: "InvalidArgument", Status: http.StatusBadRequest}
	errInvalidRequest          = awserr.Def{Code: "InvalidRequest", Status: http.StatusBadRequest}
	errIllegalLocation         = awserr.Def{Code: "IllegalLocationConstraintException", Status: http.StatusBadRequest}
	errACLNotSupported         = awserr.Def{Code: "AccessControlListNotSupported", Status: http.StatusBadRequest}
	errACLWithOwnership        = awserr.Def{Code: "InvalidBucketAclWithObjectOwnership", Status: http.StatusBadRequest}
	errInvalidTag              = awserr.Def{Code: "InvalidTag", Status: http.StatusBadRequest}
	errBadDigest               = awserr.Def{Code: "BadDigest", Status: http.StatusBadRequest}
	errInvalidDigest           = awserr.Def{Code: "InvalidDigest", Status: http.StatusBadRequest}
)

func withField(e *awserr.Error, k, v string) *awserr.Error {
	if e.Fields == nil {
		e.Fields = map[string]string{}
	}
	e.Fields[k] = v
	return e
}

func noSuchBucket(name string) error {
	return withField(errNoSuchBucket.New("The specified bucket does not exist"), "BucketName", name)
}

func noSuchKey(key string) error {
	return withField(errNoSuchKey.New("The specified key does not exist."), "Key", key)
}

// s3 is the service's state outside the store: where blobs live.
type s3 struct {
	blobs string
}

// New returns the S3 service; object bytes live under dataDir/s3/blobs.
func New(dataDir string) *service.Service {
	s := &s3{blobs: filepath.Join(dataDir, "s3", "blobs")}
	ops := s.ops()
	for _, o := range ops {
		// S3 takes anonymous requests everywhere; what they may do is the
		// bucket policy's to say.
		o.Unsigned = true
		o.DataEvent = dataEvents[o.Name]
		trailShape(o)
		if ownerRootAlways[o.Name] {
			o.ResourcePolicy = exemptOwnerRoot(o.ResourcePolicy)
		}
	}
	return &service.Service{
		Meta:        protocol.Service{Name: "s3", Protocol: "rest-xml", XMLNamespace: Namespace, APIVersion: "2006-03-01"},
		EventSource: "s3.amazonaws.com",
		Router:      protocol.NewRouter(routes),
		Ops:         service.Table(ops...),
		MaxBody:     MaxObject,
	}
}

// ownerRootAlways are the calls the bucket owner's root user may make
// whatever the bucket policy says, so that a policy that locks everyone
// out can be repaired (PutBucketPolicy in the S3 API Reference); SCPs and
// RCPs still apply.
var ownerRootAlways = map[string]bool{"GetBucketPolicy": true, "PutBucketPolicy": true, "DeleteBucketPolicy": true}

func exemptOwnerRoot(f func(context.Context, *service.Call, any) (string, string, error)) func(context.Context, *service.Call, any) (string, string, error) {
	return func(ctx context.Context, c *service.Call, in any) (string, string, error) {
		doc, account, err := f(ctx, c, in)
		if err == nil && c.Principal.Kind == identity.Root && account == c.Account() {
			doc = ""
		}
		return doc, account, err
	}
}

var routes = []protocol.Route{
	{Method: "GET", Path: "/", Op: "ListBuckets"},
	{Method: "PUT", Path: "/{Bucket}", Op: "CreateBucket"},
	{Method: "DELETE", Path: "/{Bucket}", Op: "DeleteBucket"},
	{Method: "HEAD", Path: "/{Bucket}", Op: "HeadBucket"},
	{Method: "GET", Path: "/{Bucket}?location", Op: "GetBucketLocation"},
	{Method: "GET", Path: "/{Bucket}?list-type=2", Op: "ListObjectsV2"},
	{Method: "GET", Path: "/{Bucket}", Op: "ListObjects"},
	{Method: "PUT", Path: "/{Bucket}?policy", Op: "PutBucketPolicy"},
	{Method: "GET", Path: "/{Bucket}?policy", Op: "GetBucketPolicy"},
	{Method: "DELETE", Path: "/{Bucket}?policy", Op: "DeleteBucketPolicy"},
	{Method: "GET", Path: "/{Bucket}?policyStatus", Op: "GetBucketPolicyStatus"},
	{Method: "PUT", Path: "/{Bucket}?publicAccessBlock", Op: "PutPublicAccessBlock"},
	{Method: "GET", Path: "/{Bucket}?publicAccessBlock", Op: "GetPublicAccessBlock"},
	{Method: "DELETE", Path: "/{Bucket}?publicAccessBlock", Op: "DeletePublicAccessBlock"},
	{Method: "PUT", Path: "/{Bucket}?ownershipControls", Op: "PutBucketOwnershipControls"},
	{Method: "GET", Path: "/{Bucket}?ownershipControls", Op: "GetBucketOwnershipControls"},
	{Method: "DELETE", Path: "/{Bucket}?ownershipControls", Op: "DeleteBucketOwnershipControls"},
	{Method: "PUT", Path: "/{Bucket}?acl", Op: "PutBucketAcl"},
	{Method: "GET", Path: "/{Bucket}?acl", Op: "GetBucketAcl"},
	{Method: "PUT", Path: "/{Bucket}?tagging", Op: "PutBucketTagging"},
	{Method: "GET", Path: "/{Bucket}?tagging", Op: "GetBucketTagging"},
	{Method: "DELETE", Path: "/{Bucket}?tagging", Op: "DeleteBucketTagging"},
	{Method: "PUT", Path: "/{Bucket}?encryption", Op: "PutBucketEncryption"},
	{Method: "GET", Path: "/{Bucket}?encryption", Op: "GetBucketEncryption"},
	{Method: "DELETE", Path: "/{Bucket}?encryption", Op: "DeleteBucketEncryption"},
	{Method: "PUT", Path: "/{Bucket}?versioning", Op: "PutBucketVersioning"},
	{Method: "GET", Path: "/{Bucket}?versioning", Op: "GetBucketVersioning"},
	{Method: "PUT", Path: "/{Bucket}?logging", Op: "PutBucketLogging"},
	{Method: "GET", Path: "/{Bucket}?logging", Op: "GetBucketLogging"},
	{Method: "POST", Path: "/{Bucket}?delete", Op: "DeleteObjects"},
	{Method: "GET", Path: "/{Bucket}?uploads", Op: "ListMultipartUploads"},
	{Method: "PUT", Path: "/{Bucket}/{Key+}", Op: "PutObject"},
	{Method: "PUT", Path: "/{Bucket}/{Key+}", Op: "CopyObject", Header: "X-Amz-Copy-Source"},
	{Method: "GET", Path: "/{Bucket}/{Key+}", Op: "GetObject"},
	{Method: "HEAD", Path: "/{Bucket}/{Key+}", Op: "HeadObject"},
	{Method: "DELETE", Path: "/{Bucket}/{Key+}", Op: "DeleteObject"},
	{Method: "PUT", Path: "/{Bucket}/{Key+}?tagging", Op: "PutObjectTagging"},
	{Method: "GET", Path: "/{Bucket}/{Key+}?tagging", Op: "GetObjectTagging"},
	{Method: "DELETE", Path: "/{Bucket}/{Key+}?tagging", Op: "DeleteObjectTagging"},
	{Method: "POST", Path: "/{Bucket}/{Key+}?uploads", Op: "CreateMultipartUpload"},
	{Method: "PUT", Path: "/{Bucket}/{Key+}?partNumber&uploadId", Op: "UploadPart"},
	{Method: "POST", Path: "/{Bucket}/{Key+}?uploadId", Op: "CompleteMultipartUpload"},
	{Method: "DELETE", Path: "/{Bucket}/{Key+}?uploadId", Op: "AbortMultipartUpload"},
	{Method: "GET", Path: "/{Bucket}/{Key+}?uploadId", Op: "ListParts"},
}

func bucketARN(name string) string        { return "arn:aws:s3:::" + name }
func objectARN(bucket, key string) string { return "arn:aws:s3:::" + bucket + "/" + key }

// bucket is a stored bucket and its configuration.
type bucket struct {
	Name       string
	Account    string
	Region     string
	Created    time.Time
	Policy     string                          `json:",omitempty"`
	PAB        *PublicAccessBlockConfiguration `json:",omitempty"`
	Ownership  string                          `json:",omitempty"` // "" = no ownership controls (ACLs enabled)
	ACL        string                          `json:",omitempty"` // canned ACL; "" = private
	SSE        *ServerSideEncryptionConfiguration
	Versioning string          `json:",omitempty"`
	MFADelete  string          `json:",omitempty"`
	Tags       []Tag           `json:",omitempty"`
	Logging    *LoggingEnabled `json:",omitempty"`
}

func getBucket(tx store.Tx, name string) (*bucket, error) {
	raw, err := tx.Get(TableBuckets, name)
	if errors.Is(err, store.ErrNotFound) {
		return nil, noSuchBucket(name)
	}
	if err != nil {
		return nil, err
	}
	var b bucket
	if err := json.Unmarshal(raw, &b); err != nil {
		return nil, err
	}
	return &b, nil
}

func putBucket(tx store.Tx, b *bucket) error {
	raw, err := json.Marshal(b)
	if err != nil {
		return err
	}
	return tx.Put(TableBuckets, b.Name, raw)
}

// updateBucket changes a bucket's configuration in one transaction.
func updateBucket(ctx context.Context, c *service.Call, name string, fn func(*bucket) error) error {
	return c.Deps.Store.Update(ctx, func(tx store.Tx) error {
		b, err := getBucket(tx, name)
		if err != nil {
			return err
		}
		if err := fn(b); err != nil {
			return err
		}
		return putBucket(tx, b)
	})
}

// viewBucket reads a bucket.
func viewBucket(ctx context.Context, c *service.Call, name string) (*bucket, error) {
	var b *bucket
	err := c.Deps.Store.View(ctx, func(tx store.Tx) (err error) {
		b, err = getBucket(tx, name)
		return err
	})
	return b, err
}

// resourcePolicy is the bucket policy and the bucket owner's account, for
// the pipeline's authorization. A bucket that does not exist has neither:
// the caller's own policies decide, and the handler answers NoSuchBucket.
// With RestrictPublicBuckets on and a public policy, only the owner's
// account may use the bucket (AWS: "blocks all cross-account access").
func resourcePolicy(ctx context.Context, c *service.Call, name string) (string, string, error) {
	b, err := viewBucket(ctx, c, name)
	var ae *awserr.Error
	if errors.As(err, &ae) && ae.Code == errNoSuchBucket.Code {
		return "", "", nil
	}
	if err != nil {
		return "", "", err
	}
	doc := withACLGrants(b)
	if doc == "" {
		return "", b.Account, nil
	}
	if b.PAB != nil && b.PAB.RestrictPublicBuckets != nil && *b.PAB.RestrictPublicBuckets && c.Principal.Account != b.Account && isPublicPolicy(b.Policy) {
		return "", "", awserr.AccessDenied.New("Access Denied")
	}
	return doc, b.Account, nil
}

// withACLGrants is the bucket policy with the bucket ACL's grants to
// everyone added as statements, when the ACL applies: object ownership
// allows ACLs and Block Public Access does not ignore public ones. READ on
// a bucket lets anyone list it, WRITE lets anyone write and delete its
// objects (Amazon S3 User Guide, "Access control list (ACL) overview").
// AuthenticatedUsers grants are not modelled.
func withACLGrants(b *bucket) string {
	grants := cannedGrants(b.ACL)[allUsersURI]
	ignore := b.PAB != nil && b.PAB.IgnorePublicAcls != nil && *b.PAB.IgnorePublicAcls
	if len(grants) == 0 || b.Ownership == "BucketOwnerEnforced" || ignore {
		return b.Policy
	}
	var stmts []map[string]any
	for _, g := range grants {
		switch g {
		case "READ":
			stmts = append(stmts, map[string]any{"Sid": "BucketACL-AllUsers-READ", "Effect": "Allow", "Principal": "*",
				"Action": []string{"s3:ListBucket", "s3:ListBucketMultipartUploads"}, "Resource": bucketARN(b.Name)})
		case "WRITE":
			stmts = append(stmts, map[string]any{"Sid": "BucketACL-AllUsers-WRITE", "Effect": "Allow", "Principal": "*",
				"Action": []string{"s3:PutObject", "s3:DeleteObject", "s3:AbortMultipartUpload"}, "Resource": bucketARN(b.Name) + "/*"})
		}
	}
	var pol struct {
		Version   string
		Statement json.RawMessage
	}
	if b.Policy != "" && json.Unmarshal([]byte(b.Policy), &pol) == nil && len(pol.Statement) > 0 {
		var existing []any
		if json.Unmarshal(pol.Statement, &existing) != nil {
			var one any
			if json.Unmarshal(pol.Statement, &one) == nil {
				existing = []any{one}
			}
		}
		for _, st := range stmts {
			existing = append(existing, st)
		}
		out, _ := json.Marshal(map[string]any{"Version": "2012-10-17", "Statement": existing})
		return string(out)
	}
	out, _ := json.Marshal(map[string]any{"Version": "2012-10-17", "Statement": stmts})
	return string(out)
}

// Owner is S3's owner element.
type Owner struct {
	ID          string `aws:"ID"`
	DisplayName string `aws:"DisplayName,omitempty"`
}

func ownerOf(account string) *Owner {
	return &Owner{ID: canonicalID(account)}
}

// canonicalID is the account's canonical user id: 64 hex characters, stable
// per account (AWS's are opaque; moat derives one).
func canonicalID(account string) string {
	const hexdigits = "0123456789abcdef"
	b := make([]byte, 64)
	h := uint64(1469598103934665603)
	for i := range b {
		if i%16 == 0 {
			for _, ch := range account + string(rune('a'+i/16)) {
				h = (h ^ uint64(ch)) * 1099511628211
			}
		}
		b[i] = hexdigits[(h>>(uint(i%16)*4))&15]
	}
	return string(b)
}

// Tag is a tag of a bucket or an object.
type Tag struct {
	Key   string
	Value string
}

// validBucketName checks AWS's general purpose bucket naming rules.
func validBucketName(n string) error {
	bad := func(why string) error {
		return withField(errInvalidBucketName.New("The specified bucket is not valid."), "BucketName", n)
	}
	if len(n) < 3 || len(n) > 63 {
		return bad("length")
	}
	for i := 0; i < len(n); i++ {
		ch := n[i]
		if !(ch >= 'a' && ch <= 'z' || ch >= '0' && ch <= '9' || ch == '.' || ch == '-') {
			return bad("character")
		}
	}
	alnum := func(ch byte) bool { return ch >= 'a' && ch <= 'z' || ch >= '0' && ch <= '9' }
	if !alnum(n[0]) || !alnum(n[len(n)-1]) || strings.Contains(n, "..") {
		return bad("shape")
	}
	parts := strings.Split(n, ".")
	if len(parts) == 4 {
		ip := true
		for _, p := range parts {
			if p == "" || strings.Trim(p, "0123456789") != "" {
				ip = false
			}
		}
		if ip {
			return bad("ip")
		}
	}
	for _, p := range []string{"xn--", "sthree-", "amzn-s3-demo-"} {
		if strings.HasPrefix(n, p) {
			return bad("prefix")
		}
	}
	for _, s := range []string{"-s3alias", "--ol-s3", ".mrap", "--x-s3", "--table-s3"} {
		if strings.HasSuffix(n, s) {
			return bad("suffix")
		}
	}
	return nil
}
