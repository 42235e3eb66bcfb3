package s3

import (
	"context"
	"crypto/md5" //nolint:gosec // S3's ETag and Content-MD5 are MD5
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/moatdev/moat/internal/awserr"
	"github.com/moatdev/moat/internal/service"
	"github.com/moatdev/moat/internal/store"
)

// object is a stored object's metadata; its bytes are the file Blob.
type object struct {
	Key          string
	Size         int64
	ETag         string // quoted, as S3 sends it
	LastModified time.Time
	ContentType  string
	Headers      map[string]string `json:",omitempty"` // Content-Encoding, Cache-Control...
	Metadata     map[string]string `json:",omitempty"`
	Tags         []Tag             `json:",omitempty"`
	StorageClass string            `json:",omitempty"`
	SSE          string            `json:",omitempty"`
	SSEKMSKeyID  string            `json:",omitempty"`
	Owner        string
	Blob         string
	Parts        int `json:",omitempty"` // parts of a multipart upload
}

func objectKey(bucket, key string) string { return bucket + "/" + key }

func jsonUnmarshal(raw []byte, v any) error { return json.Unmarshal(raw, v) }

func getObjectRecord(tx store.Tx, bucket, key string) (*object, error) {
	raw, err := tx.Get(TableObjects, objectKey(bucket, key))
	if errors.Is(err, store.ErrNotFound) {
		return nil, noSuchKey(key)
	}
	if err != nil {
		return nil, err
	}
	var o object
	return &o, json.Unmarshal(raw, &o)
}

// newID returns a random hex id (blob names, upload ids).
func newID() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

func (s *s3) blobPath(id string) string { return filepath.Join(s.blobs, id[:2], id) }

// writeBlob writes data durably under a new id.
func (s *s3) writeBlob(data []byte) (string, error) {
	id := newID()
	p := s.blobPath(id)
	if err := os.MkdirAll(filepath.Dir(p), 0o700); err != nil {
		return "", err
	}
	f, err := os.CreateTemp(filepath.Dir(p), ".tmp-*")
	if err != nil {
		return "", err
	}
	_, err = f.Write(data)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(f.Name(), p)
	}
	if err != nil {
		os.Remove(f.Name())
		return "", err
	}
	return id, nil
}

func (s *s3) readBlob(id string) ([]byte, error) { return os.ReadFile(s.blobPath(id)) }

// dropBlobs removes blobs no metadata names any more (best effort: a
// leftover file is garbage, never a wrong answer).
func (s *s3) dropBlobs(ids ...string) {
	for _, id := range ids {
		if id != "" {
			os.Remove(s.blobPath(id))
		}
	}
}

func etagOf(data []byte) string {
	sum := md5.Sum(data) //nolint:gosec // S3's ETag
	return `"` + hex.EncodeToString(sum[:]) + `"`
}

// PutObjectInput is S3's PutObject request.
type PutObjectInput struct {
	ObjectInput
	WriteHeaders
	Body               []byte            `aws:"Body,location=payload,sensitive"`
	ContentType        *string           `aws:"Content-Type,location=header"`
	ContentMD5         *string           `aws:"Content-MD5,location=header"`
	ContentEncoding    *string           `aws:"Content-Encoding,location=header"`
	ContentDisposition *string           `aws:"Content-Disposition,location=header"`
	ContentLanguage    *string           `aws:"Content-Language,location=header"`
	CacheControl       *string           `aws:"Cache-Control,location=header"`
	StorageClass       *string           `aws:"x-amz-storage-class,location=header"`
	IfNoneMatch        *string           `aws:"If-None-Match,location=header"`
	IfMatch            *string           `aws:"If-Match,location=header"`
	Metadata           map[string]string `aws:"x-amz-meta-,location=headers-prefix"`
}

// PutObjectOutput is S3's PutObject response.
type PutObjectOutput struct {
	ETag                 string  `aws:"ETag,location=header"`
	ServerSideEncryption string  `aws:"x-amz-server-side-encryption,location=header,omitempty"`
	SSEKMSKeyID          *string `aws:"x-amz-server-side-encryption-aws-kms-key-id,location=header"`
}

// objectHeaders keeps the representation headers S3 stores and returns.
func objectHeaders(pairs ...*string) map[string]string {
	names := []string{"Content-Encoding", "Content-Disposition", "Content-Language", "Cache-Control"}
	var m map[string]string
	for i, p := range pairs {
		if p != nil && *p != "" {
			if m == nil {
				m = map[string]string{}
			}
			m[names[i]] = *p
		}
	}
	return m
}

// encryption decides an object's server-side encryption: the request's
// header, else the bucket's default.
func encryption(b *bucket, h *WriteHeaders) (alg, key string, err error) {
	if h.ServerSideEncryption != nil {
		switch *h.ServerSideEncryption {
		case "AES256", "aws:kms", "aws:kms:dsse":
		default:
			return "", "", errInvalidArgument.New("The encryption method specified is not supported")
		}
		alg = *h.ServerSideEncryption
		if h.SSEKMSKeyID != nil {
			key = *h.SSEKMSKeyID
		}
		return alg, key, nil
	}
	if b.SSE != nil && len(b.SSE.Rules) > 0 && b.SSE.Rules[0].ApplyServerSideEncryptionByDefault != nil {
		d := b.SSE.Rules[0].ApplyServerSideEncryptionByDefault
		if d.KMSMasterKeyID != nil {
			key = *d.KMSMasterKeyID
		}
		return d.SSEAlgorithm, key, nil
	}
	return "AES256", "", nil
}

// parseTagging reads the x-amz-tagging header (URL query encoded).
func parseTagging(h *string) ([]Tag, error) {
	if h == nil || *h == "" {
		return nil, nil
	}
	vals, err := url.ParseQuery(*h)
	if err != nil {
		return nil, errInvalidArgument.New("The header 'x-amz-tagging' shall be encoded as UTF-8 then URLEncoded URL query parameters without tag name duplicates.")
	}
	var tags []Tag
	for k, vs := range vals {
		if len(vs) != 1 {
			return nil, errInvalidArgument.New("The header 'x-amz-tagging' shall be encoded as UTF-8 then URLEncoded URL query parameters without tag name duplicates.")
		}
		tags = append(tags, Tag{Key: k, Value: vs[0]})
	}
	t := &Tagging{TagSet: sortedTags(tags)}
	return t.TagSet, checkTags(t, 10)
}

func checkMD5(header *string, data []byte) error {
	if header == nil {
		return nil
	}
	want, err := base64.StdEncoding.DecodeString(*header)
	if err != nil || len(want) != md5.Size {
		return errInvalidDigest.New("The Content-MD5 you specified was invalid.")
	}
	got := md5.Sum(data) //nolint:gosec // Content-MD5
	if string(got[:]) != string(want) {
		return errBadDigest.New("The Content-MD5 you specified did not match what we received.")
	}
	return nil
}

func (s *s3) putObject(ctx context.Context, c *service.Call, in *PutObjectInput) (*PutObjectOutput, error) {
	if err := checkMD5(in.ContentMD5, in.Body); err != nil {
		return nil, err
	}
	tags, err := parseTagging(in.Tagging)
	if err != nil {
		return nil, err
	}
	if in.ACL != nil && !cannedACL(*in.ACL) {
		return nil, errInvalidArgument.New("Invalid canned ACL: %s", *in.ACL)
	}
	o := &object{Key: in.Key, Size: int64(len(in.Body)), ETag: etagOf(in.Body), LastModified: c.Now.UTC().Truncate(time.Second),
		ContentType: "binary/octet-stream", Headers: objectHeaders(in.ContentEncoding, in.ContentDisposition, in.ContentLanguage, in.CacheControl),
		Metadata: in.Metadata, Tags: tags, Owner: c.Account()}
	if in.ContentType != nil && *in.ContentType != "" {
		o.ContentType = *in.ContentType
	}
	if in.StorageClass != nil && *in.StorageClass != "STANDARD" {
		o.StorageClass = *in.StorageClass
	}
	if err := s.store(ctx, c.Deps.Store, in.Bucket, o, in.Body, &in.WriteHeaders, in.IfMatch, in.IfNoneMatch); err != nil {
		return nil, err
	}
	return &PutObjectOutput{ETag: o.ETag, ServerSideEncryption: o.SSE, SSEKMSKeyID: strPtr(o.SSEKMSKeyID)}, nil
}

func strPtr(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

// store writes the object's bytes, then its metadata in one transaction,
// replacing what was there; conditions (If-Match, If-None-Match) are checked
// in the same transaction.
func (s *s3) store(ctx context.Context, st store.Store, bucketName string, o *object, data []byte, h *WriteHeaders, ifMatch, ifNoneMatch *string) error {
	blob, err := s.writeBlob(data)
	if err != nil {
		return err
	}
	o.Blob = blob
	var old string
	err = st.Update(ctx, func(tx store.Tx) error {
		b, err := getBucket(tx, bucketName)
		if err != nil {
			return err
		}
		if o.Owner == "" {
			o.Owner = b.Account
		}
		if h != nil {
			if h.ACL != nil && *h.ACL != "private" && *h.ACL != "bucket-owner-full-control" && b.Ownership == "BucketOwnerEnforced" {
				return errACLNotSupported.New("The bucket does not allow ACLs")
			}
			if o.SSE, o.SSEKMSKeyID, err = encryption(b, h); err != nil {
				return err
			}
		}
		prev, err := getObjectRecord(tx, bucketName, o.Key)
		exists := err == nil
		if err != nil && !isCode(err, errNoSuchKey.Code) {
			return err
		}
		if ifNoneMatch != nil && *ifNoneMatch == "*" && exists {
			return errPreconditionFailed.New("At least one of the pre-conditions you specified did not hold")
		}
		if ifMatch != nil && (!exists || *ifMatch != prev.ETag && *ifMatch != "*") {
			if !exists {
				return noSuchKey(o.Key)
			}
			return errPreconditionFailed.New("At least one of the pre-conditions you specified did not hold")
		}
		if exists {
			old = prev.Blob
		}
		raw, err := json.Marshal(o)
		if err != nil {
			return err
		}
		return tx.Put(TableObjects, objectKey(bucketName, o.Key), raw)
	})
	if err != nil {
		s.dropBlobs(blob)
		return err
	}
	s.dropBlobs(old)
	return nil
}

func isCode(err error, code string) bool {
	var ae *awserr.Error
	return errors.As(err, &ae) && ae.Code == code
}

// GetObjectInput is S3's GetObject (and HeadObject) request.
type GetObjectInput struct {
	ObjectInput
	Range               *string    `aws:"Range,location=header"`
	IfMatch             *string    `aws:"If-Match,location=header"`
	IfNoneMatch         *string    `aws:"If-None-Match,location=header"`
	IfModifiedSince     *time.Time `aws:"If-Modified-Since,location=header"`
	IfUnmodifiedSince   *time.Time `aws:"If-Unmodified-Since,location=header"`
	PartNumber          *int       `aws:"partNumber,location=querystring"`
	ResponseContentType *string    `aws:"response-content-type,location=querystring"`
	ResponseDisposition *string    `aws:"response-content-disposition,location=querystring"`
	ResponseCache       *string    `aws:"response-cache-control,location=querystring"`
}

// GetObjectOutput is S3's GetObject (and HeadObject) response.
type GetObjectOutput struct {
	Status               int               `aws:",location=statuscode"`
	Body                 []byte            `aws:"Body,location=payload,sensitive"`
	ContentLength        int64             `aws:"Content-Length,location=header"`
	ContentType          string            `aws:"Content-Type,location=header"`
	ContentRange         string            `aws:"Content-Range,location=header,omitempty"`
	AcceptRanges         string            `aws:"accept-ranges,location=header"`
	ETag                 string            `aws:"ETag,location=header"`
	LastModified         time.Time         `aws:"Last-Modified,location=header"`
	Metadata             map[string]string `aws:"x-amz-meta-,location=headers-prefix"`
	ContentEncoding      string            `aws:"Content-Encoding,location=header,omitempty"`
	ContentDisposition   string            `aws:"Content-Disposition,location=header,omitempty"`
	ContentLanguage      string            `aws:"Content-Language,location=header,omitempty"`
	CacheControl         string            `aws:"Cache-Control,location=header,omitempty"`
	StorageClass         string            `aws:"x-amz-storage-class,location=header,omitempty"`
	ServerSideEncryption string            `aws:"x-amz-server-side-encryption,location=header,omitempty"`
	SSEKMSKeyID          string            `aws:"x-amz-server-side-encryption-aws-kms-key-id,location=header,omitempty"`
	TagCount             int               `aws:"x-amz-tagging-count,location=header,omitempty"`
	PartsCount           int               `aws:"x-amz-mp-parts-count,location=header,omitempty"`
}

var errNotModified = awserr.Def{Code: "NotModified", Status: http.StatusNotModified}

func (s *s3) getObject(ctx context.Context, c *service.Call, in *GetObjectInput) (*GetObjectOutput, error) {
	return s.fetch(ctx, c, in, true)
}

func (s *s3) headObject(ctx context.Context, c *service.Call, in *GetObjectInput) (*GetObjectOutput, error) {
	return s.fetch(ctx, c, in, false)
}

func (s *s3) fetch(ctx context.Context, c *service.Call, in *GetObjectInput, body bool) (*GetObjectOutput, error) {
	var o *object
	err := c.Deps.Store.View(ctx, func(tx store.Tx) error {
		if _, err := getBucket(tx, in.Bucket); err != nil {
			return err
		}
		var err error
		o, err = getObjectRecord(tx, in.Bucket, in.Key)
		return err
	})
	if err != nil {
		return nil, err
	}
	if err := conditions(o, in); err != nil {
		return nil, err
	}
	out := &GetObjectOutput{Status: http.StatusOK, ContentLength: o.Size, ContentType: o.ContentType, AcceptRanges: "bytes",
		ETag: o.ETag, LastModified: o.LastModified, Metadata: o.Metadata, StorageClass: o.StorageClass,
		ServerSideEncryption: o.SSE, SSEKMSKeyID: o.SSEKMSKeyID, TagCount: len(o.Tags), PartsCount: 0,
		ContentEncoding: o.Headers["Content-Encoding"], ContentDisposition: o.Headers["Content-Disposition"],
		ContentLanguage: o.Headers["Content-Language"], CacheControl: o.Headers["Cache-Control"]}
	if in.ResponseContentType != nil {
		out.ContentType = *in.ResponseContentType
	}
	if in.ResponseDisposition != nil {
		out.ContentDisposition = *in.ResponseDisposition
	}
	if in.ResponseCache != nil {
		out.CacheControl = *in.ResponseCache
	}
	from, to := int64(0), o.Size-1
	if in.Range != nil {
		var ok bool
		from, to, ok = parseRange(*in.Range, o.Size)
		if !ok {
			e := errInvalidRange.New("The requested range is not satisfiable")
			e.Fields = map[string]string{"RangeRequested": *in.Range, "ActualObjectSize": strconv.FormatInt(o.Size, 10)}
			return nil, e
		}
		out.Status = http.StatusPartialContent
		out.ContentRange = fmt.Sprintf("bytes %d-%d/%d", from, to, o.Size)
		out.ContentLength = to - from + 1
	}
	if !body {
		return out, nil
	}
	data, err := s.readBlob(o.Blob)
	if err != nil {
		return nil, fmt.Errorf("s3: reading the bytes of %s/%s: %w", in.Bucket, in.Key, err)
	}
	if o.Size > 0 {
		out.Body = data[from : to+1]
	} else {
		out.Body = []byte{}
	}
	return out, nil
}

// conditions applies If-Match, If-None-Match, If-Modified-Since and
// If-Unmodified-Since as RFC 7232 and S3 order them.
func conditions(o *object, in *GetObjectInput) error {
	failed := errPreconditionFailed.New("At least one of the pre-conditions you specified did not hold")
	if in.IfMatch != nil && *in.IfMatch != o.ETag && *in.IfMatch != "*" {
		return failed
	}
	if in.IfMatch == nil && in.IfUnmodifiedSince != nil && o.LastModified.After(*in.IfUnmodifiedSince) {
		return failed
	}
	if in.IfNoneMatch != nil && (*in.IfNoneMatch == o.ETag || *in.IfNoneMatch == "*") {
		return errNotModified.New("Not Modified")
	}
	if in.IfNoneMatch == nil && in.IfModifiedSince != nil && !o.LastModified.After(*in.IfModifiedSince) {
		return errNotModified.New("Not Modified")
	}
	return nil
}

// parseRange reads one "bytes=a-b", "bytes=a-" or "bytes=-n" range. A
// malformed header is ignored as S3 does (the whole object), an
// unsatisfiable one is refused.
func parseRange(h string, size int64) (from, to int64, ok bool) {
	spec, found := strings.CutPrefix(h, "bytes=")
	if !found || strings.Contains(spec, ",") {
		return 0, size - 1, true
	}
	a, b, found := strings.Cut(spec, "-")
	if !found {
		return 0, size - 1, true
	}
	switch {
	case a == "":
		n, err := strconv.ParseInt(b, 10, 64)
		if err != nil {
			return 0, size - 1, true
		}
		if n == 0 || size == 0 {
			return 0, 0, false
		}
		if n > size {
			n = size
		}
		return size - n, size - 1, true
	default:
		start, err := strconv.ParseInt(a, 10, 64)
		if err != nil {
			return 0, size - 1, true
		}
		end := size - 1
		if b != "" {
			if end, err = strconv.ParseInt(b, 10, 64); err != nil || end < start {
				return 0, size - 1, true
			}
			if end > size-1 {
				end = size - 1
			}
		}
		if start >= size {
			return 0, 0, false
		}
		return start, end, true
	}
}

func (s *s3) deleteObject(ctx context.Context, c *service.Call, in *ObjectInput) (*noContent, error) {
	var old string
	err := c.Deps.Store.Update(ctx, func(tx store.Tx) error {
		if _, err := getBucket(tx, in.Bucket); err != nil {
			return err
		}
		o, err := getObjectRecord(tx, in.Bucket, in.Key)
		if isCode(err, errNoSuchKey.Code) {
			return nil // deleting a missing key succeeds, as in S3
		}
		if err != nil {
			return err
		}
		old = o.Blob
		return tx.Delete(TableObjects, objectKey(in.Bucket, in.Key))
	})
	if err != nil {
		return nil, err
	}
	s.dropBlobs(old)
	return &noContent{Status: http.StatusNoContent}, nil
}

// Delete is DeleteObjects's document.
type Delete struct {
	Objects []ObjectIdentifier `aws:"Object,flattened"`
	Quiet   *bool
}

// ObjectIdentifier names one object to delete.
type ObjectIdentifier struct {
	Key       string
	VersionID *string `aws:"VersionId"`
}

// DeleteObjectsInput is S3's DeleteObjects request.
type DeleteObjectsInput struct {
	Bucket string  `aws:"Bucket,location=uri"`
	Delete *Delete `aws:"Delete,location=payload"`
}

// DeletedObject is one deleted key.
type DeletedObject struct {
	Key string
}

// DeleteError is one key that could not be deleted.
type DeleteError struct {
	Key     string
	Code    string
	Message string
}

// DeleteObjectsOutput is S3's DeleteObjects response.
type DeleteObjectsOutput struct {
	XMLName struct{}        `aws:"DeleteResult"`
	Deleted []DeletedObject `aws:"Deleted,flattened"`
	Errors  []DeleteError   `aws:"Error,flattened"`
}

func (s *s3) deleteObjects(ctx context.Context, c *service.Call, in *DeleteObjectsInput) (*DeleteObjectsOutput, error) {
	if in.Delete == nil || len(in.Delete.Objects) == 0 || len(in.Delete.Objects) > 1000 {
		return nil, awserr.MalformedXML.New("The XML you provided was not well-formed or did not validate against our published schema")
	}
	// Each key is authorized on its own, as S3 does: a denied key is an
	// <Error> of the answer, not a failure of the call.
	doc, account, err := resourcePolicy(ctx, c, in.Bucket)
	if err != nil {
		return nil, err
	}
	out := &DeleteObjectsOutput{}
	allowed := make([]bool, len(in.Delete.Objects))
	for i, id := range in.Delete.Objects {
		if err := c.Authorize(ctx, "s3:DeleteObject", objectARN(in.Bucket, id.Key), doc, account); err != nil {
			out.Errors = append(out.Errors, DeleteError{Key: id.Key, Code: "AccessDenied", Message: "Access Denied"})
			continue
		}
		allowed[i] = true
	}
	var old []string
	err = c.Deps.Store.Update(ctx, func(tx store.Tx) error {
		if _, err := getBucket(tx, in.Bucket); err != nil {
			return err
		}
		for i, id := range in.Delete.Objects {
			if !allowed[i] {
				continue
			}
			o, err := getObjectRecord(tx, in.Bucket, id.Key)
			switch {
			case err == nil:
				if err := tx.Delete(TableObjects, objectKey(in.Bucket, id.Key)); err != nil {
					return err
				}
				old = append(old, o.Blob)
			case !isCode(err, errNoSuchKey.Code):
				return err
			}
			if in.Delete.Quiet == nil || !*in.Delete.Quiet {
				out.Deleted = append(out.Deleted, DeletedObject{Key: id.Key})
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	s.dropBlobs(old...)
	return out, nil
}

// CopyObjectInput is S3's CopyObject request.
type CopyObjectInput struct {
	ObjectInput
	WriteHeaders
	CopySource        string            `aws:"x-amz-copy-source,location=header"`
	MetadataDirective *string           `aws:"x-amz-metadata-directive,location=header"`
	TaggingDirective  *string           `aws:"x-amz-tagging-directive,location=header"`
	ContentType       *string           `aws:"Content-Type,location=header"`
	StorageClass      *string           `aws:"x-amz-storage-class,location=header"`
	Metadata          map[string]string `aws:"x-amz-meta-,location=headers-prefix"`
	CopySourceIfMatch *string           `aws:"x-amz-copy-source-if-match,location=header"`
}

// CopyObjectResult is CopyObject's document.
type CopyObjectResult struct {
	ETag         string
	LastModified time.Time
}

// CopyObjectOutput is S3's CopyObject response.
type CopyObjectOutput struct {
	Result               *CopyObjectResult `aws:"CopyObjectResult,location=payload"`
	ServerSideEncryption string            `aws:"x-amz-server-side-encryption,location=header,omitempty"`
}

// copySource parses x-amz-copy-source: "bucket/key" or "/bucket/key",
// URL-encoded, optionally with ?versionId=.
func copySource(h string) (bucket, key string, err error) {
	h, _, _ = strings.Cut(h, "?versionId=")
	h = strings.TrimPrefix(h, "/")
	b, k, ok := strings.Cut(h, "/")
	if ok {
		k, err = url.PathUnescape(k)
	}
	if !ok || b == "" || k == "" || err != nil {
		return "", "", errInvalidArgument.New("Invalid copy source object key")
	}
	return b, k, nil
}

func (s *s3) copyObject(ctx context.Context, c *service.Call, in *CopyObjectInput) (*CopyObjectOutput, error) {
	srcBucket, srcKey, err := copySource(in.CopySource)
	if err != nil {
		return nil, err
	}
	// Reading the source is s3:GetObject on it, under its bucket's policy.
	doc, account, err := resourcePolicy(ctx, c, srcBucket)
	if err != nil {
		return nil, err
	}
	if err := c.Authorize(ctx, "s3:GetObject", objectARN(srcBucket, srcKey), doc, account); err != nil {
		return nil, err
	}
	var src *object
	err = c.Deps.Store.View(ctx, func(tx store.Tx) error {
		if _, err := getBucket(tx, srcBucket); err != nil {
			return err
		}
		src, err = getObjectRecord(tx, srcBucket, srcKey)
		return err
	})
	if err != nil {
		return nil, err
	}
	if in.CopySourceIfMatch != nil && *in.CopySourceIfMatch != src.ETag {
		return nil, errPreconditionFailed.New("At least one of the pre-conditions you specified did not hold")
	}
	replace := in.MetadataDirective != nil && *in.MetadataDirective == "REPLACE"
	if srcBucket == in.Bucket && srcKey == in.Key && !replace && in.StorageClass == nil && in.ServerSideEncryption == nil {
		return nil, errInvalidRequest.New("This copy request is illegal because it is trying to copy an object to itself without changing the object's metadata, storage class, website redirect location or encryption attributes.")
	}
	data, err := s.readBlob(src.Blob)
	if err != nil {
		return nil, err
	}
	o := *src
	o.Key, o.LastModified, o.Owner = in.Key, c.Now.UTC().Truncate(time.Second), c.Account()
	if replace {
		o.Metadata, o.ContentType = in.Metadata, "binary/octet-stream"
		if in.ContentType != nil {
			o.ContentType = *in.ContentType
		}
	}
	if in.TaggingDirective != nil && *in.TaggingDirective == "REPLACE" {
		if o.Tags, err = parseTagging(in.Tagging); err != nil {
			return nil, err
		}
	}
	if in.StorageClass != nil {
		o.StorageClass = *in.StorageClass
	}
	if err := s.store(ctx, c.Deps.Store, in.Bucket, &o, data, &in.WriteHeaders, nil, nil); err != nil {
		return nil, err
	}
	return &CopyObjectOutput{Result: &CopyObjectResult{ETag: o.ETag, LastModified: o.LastModified}, ServerSideEncryption: o.SSE}, nil
}

// PutObjectTaggingInput is S3's PutObjectTagging request.
type PutObjectTaggingInput struct {
	ObjectInput
	Tagging *Tagging `aws:"Tagging,location=payload"`
}

func putObjectTagging(ctx context.Context, c *service.Call, in *PutObjectTaggingInput) (*struct{}, error) {
	if err := checkTags(in.Tagging, 10); err != nil {
		return nil, err
	}
	return nil, updateObject(ctx, c, in.Bucket, in.Key, func(o *object) { o.Tags = sortedTags(in.Tagging.TagSet) })
}

func getObjectTagging(ctx context.Context, c *service.Call, in *ObjectInput) (*GetTaggingOutput, error) {
	var o *object
	err := c.Deps.Store.View(ctx, func(tx store.Tx) error {
		if _, err := getBucket(tx, in.Bucket); err != nil {
			return err
		}
		var err error
		o, err = getObjectRecord(tx, in.Bucket, in.Key)
		return err
	})
	if err != nil {
		return nil, err
	}
	return &GetTaggingOutput{TagSet: append([]Tag{}, o.Tags...)}, nil
}

func deleteObjectTagging(ctx context.Context, c *service.Call, in *ObjectInput) (*noContent, error) {
	if err := updateObject(ctx, c, in.Bucket, in.Key, func(o *object) { o.Tags = nil }); err != nil {
		return nil, err
	}
	return &noContent{Status: http.StatusNoContent}, nil
}

func updateObject(ctx context.Context, c *service.Call, bucketName, key string, fn func(*object)) error {
	return c.Deps.Store.Update(ctx, func(tx store.Tx) error {
		if _, err := getBucket(tx, bucketName); err != nil {
			return err
		}
		o, err := getObjectRecord(tx, bucketName, key)
		if err != nil {
			return err
		}
		fn(o)
		raw, err := json.Marshal(o)
		if err != nil {
			return err
		}
		return tx.Put(TableObjects, objectKey(bucketName, key), raw)
	})
}
