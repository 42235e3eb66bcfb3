package s3

import (
	"context"
	"crypto/md5" //nolint:gosec // S3's multipart ETag
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/moatdev/moat/internal/awserr"
	"github.com/moatdev/moat/internal/service"
	"github.com/moatdev/moat/internal/store"
)

// S3's multipart limits (Amazon S3 User Guide, "Multipart upload limits").
const (
	minPartSize = 5 << 20
	maxParts    = 10000
)

// upload is an open multipart upload.
type upload struct {
	ID        string
	Key       string
	Initiated time.Time
	Initiator string
	Object    object // metadata the completed object gets
}

// part is one uploaded part.
type part struct {
	Number       int
	ETag         string
	Size         int64
	LastModified time.Time
	Blob         string
}

func uploadKey(bucket, id string) string      { return bucket + "/" + id }
func partKey(bucket, id string, n int) string { return fmt.Sprintf("%s/%s/%05d", bucket, id, n) }

func errNoUpload() error {
	return errNoSuchUpload.New("The specified upload does not exist. The upload ID may be invalid, or the upload may have been aborted or completed.")
}

func getUpload(tx store.Tx, bucketName, id, key string) (*upload, error) {
	if _, err := getBucket(tx, bucketName); err != nil {
		return nil, err
	}
	raw, err := tx.Get(TableUploads, uploadKey(bucketName, id))
	if errors.Is(err, store.ErrNotFound) {
		return nil, errNoUpload()
	}
	if err != nil {
		return nil, err
	}
	var u upload
	if err := json.Unmarshal(raw, &u); err != nil {
		return nil, err
	}
	if u.Key != key {
		return nil, errNoUpload()
	}
	return &u, nil
}

// CreateMultipartUploadInput is S3's CreateMultipartUpload request.
type CreateMultipartUploadInput struct {
	ObjectInput
	WriteHeaders
	ContentType  *string           `aws:"Content-Type,location=header"`
	StorageClass *string           `aws:"x-amz-storage-class,location=header"`
	Metadata     map[string]string `aws:"x-amz-meta-,location=headers-prefix"`
}

// CreateMultipartUploadOutput is S3's CreateMultipartUpload response.
type CreateMultipartUploadOutput struct {
	XMLName              struct{} `aws:"InitiateMultipartUploadResult"`
	Bucket               string
	Key                  string
	UploadID             string `aws:"UploadId"`
	ServerSideEncryption string `aws:"x-amz-server-side-encryption,location=header,omitempty"`
}

func createMultipartUpload(ctx context.Context, c *service.Call, in *CreateMultipartUploadInput) (*CreateMultipartUploadOutput, error) {
	tags, err := parseTagging(in.Tagging)
	if err != nil {
		return nil, err
	}
	u := &upload{ID: newID() + newID(), Key: in.Key, Initiated: c.Now.UTC(), Initiator: c.Principal.ARN,
		Object: object{Key: in.Key, ContentType: "binary/octet-stream", Metadata: in.Metadata, Tags: tags, Owner: c.Account()}}
	if in.ContentType != nil && *in.ContentType != "" {
		u.Object.ContentType = *in.ContentType
	}
	if in.StorageClass != nil && *in.StorageClass != "STANDARD" {
		u.Object.StorageClass = *in.StorageClass
	}
	err = c.Deps.Store.Update(ctx, func(tx store.Tx) error {
		b, err := getBucket(tx, in.Bucket)
		if err != nil {
			return err
		}
		if u.Object.SSE, u.Object.SSEKMSKeyID, err = encryption(b, &in.WriteHeaders); err != nil {
			return err
		}
		raw, err := json.Marshal(u)
		if err != nil {
			return err
		}
		return tx.Insert(TableUploads, uploadKey(in.Bucket, u.ID), raw)
	})
	if err != nil {
		return nil, err
	}
	return &CreateMultipartUploadOutput{Bucket: in.Bucket, Key: in.Key, UploadID: u.ID, ServerSideEncryption: u.Object.SSE}, nil
}

// UploadPartInput is S3's UploadPart request.
type UploadPartInput struct {
	ObjectInput
	PartNumber int     `aws:"partNumber,location=querystring"`
	UploadID   string  `aws:"uploadId,location=querystring"`
	ContentMD5 *string `aws:"Content-MD5,location=header"`
	Body       []byte  `aws:"Body,location=payload,sensitive"`
}

// UploadPartOutput is S3's UploadPart response.
type UploadPartOutput struct {
	ETag string `aws:"ETag,location=header"`
}

func (s *s3) uploadPart(ctx context.Context, c *service.Call, in *UploadPartInput) (*UploadPartOutput, error) {
	if in.PartNumber < 1 || in.PartNumber > maxParts {
		return nil, errInvalidArgument.New("Part number must be an integer between 1 and 10000, inclusive")
	}
	if err := checkMD5(in.ContentMD5, in.Body); err != nil {
		return nil, err
	}
	blob, err := s.writeBlob(in.Body)
	if err != nil {
		return nil, err
	}
	p := part{Number: in.PartNumber, ETag: etagOf(in.Body), Size: int64(len(in.Body)), LastModified: c.Now.UTC().Truncate(time.Second), Blob: blob}
	var old string
	err = c.Deps.Store.Update(ctx, func(tx store.Tx) error {
		if _, err := getUpload(tx, in.Bucket, in.UploadID, in.Key); err != nil {
			return err
		}
		k := partKey(in.Bucket, in.UploadID, in.PartNumber)
		if raw, err := tx.Get(TableParts, k); err == nil {
			var prev part
			if json.Unmarshal(raw, &prev) == nil {
				old = prev.Blob
			}
		}
		raw, err := json.Marshal(&p)
		if err != nil {
			return err
		}
		return tx.Put(TableParts, k, raw)
	})
	if err != nil {
		s.dropBlobs(blob)
		return nil, err
	}
	s.dropBlobs(old)
	return &UploadPartOutput{ETag: p.ETag}, nil
}

// CompletedPart names one part of CompleteMultipartUpload.
type CompletedPart struct {
	PartNumber int
	ETag       string
}

// CompletedMultipartUpload is CompleteMultipartUpload's document.
type CompletedMultipartUpload struct {
	Parts []CompletedPart `aws:"Part,flattened"`
}

// CompleteMultipartUploadInput is S3's CompleteMultipartUpload request.
type CompleteMultipartUploadInput struct {
	ObjectInput
	UploadID string                    `aws:"uploadId,location=querystring"`
	Upload   *CompletedMultipartUpload `aws:"CompleteMultipartUpload,location=payload"`
}

// CompleteMultipartUploadOutput is S3's CompleteMultipartUpload response.
type CompleteMultipartUploadOutput struct {
	XMLName              struct{} `aws:"CompleteMultipartUploadResult"`
	Location             string
	Bucket               string
	Key                  string
	ETag                 string
	ServerSideEncryption string `aws:"x-amz-server-side-encryption,location=header,omitempty"`
}

func (s *s3) completeMultipartUpload(ctx context.Context, c *service.Call, in *CompleteMultipartUploadInput) (*CompleteMultipartUploadOutput, error) {
	if in.Upload == nil || len(in.Upload.Parts) == 0 {
		return nil, errMalformedXMLParts()
	}
	// Read the upload and its parts, check the list, then assemble the
	// object outside the transaction and commit it in a second one that
	// checks the upload is still there.
	var u *upload
	var parts []part
	err := c.Deps.Store.View(ctx, func(tx store.Tx) error {
		var err error
		if u, err = getUpload(tx, in.Bucket, in.UploadID, in.Key); err != nil {
			return err
		}
		prev := 0
		for _, cp := range in.Upload.Parts {
			if cp.PartNumber <= prev {
				return errInvalidPartOrder.New("The list of parts was not in ascending order. Parts must be ordered by part number.")
			}
			prev = cp.PartNumber
		}
		for i, cp := range in.Upload.Parts {
			raw, err := tx.Get(TableParts, partKey(in.Bucket, in.UploadID, cp.PartNumber))
			if errors.Is(err, store.ErrNotFound) {
				return errInvalidPart.New("One or more of the specified parts could not be found. The part may not have been uploaded, or the specified entity tag may not match the part's entity tag.")
			}
			if err != nil {
				return err
			}
			var p part
			if err := json.Unmarshal(raw, &p); err != nil {
				return err
			}
			if strings.Trim(cp.ETag, `"`) != strings.Trim(p.ETag, `"`) {
				return errInvalidPart.New("One or more of the specified parts could not be found. The part may not have been uploaded, or the specified entity tag may not match the part's entity tag.")
			}
			if p.Size < minPartSize && i < len(in.Upload.Parts)-1 {
				e := errEntityTooSmall.New("Your proposed upload is smaller than the minimum allowed size")
				e.Fields = map[string]string{"ProposedSize": fmt.Sprint(p.Size), "MinSizeAllowed": fmt.Sprint(minPartSize)}
				return e
			}
			parts = append(parts, p)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	blob, etag, size, err := s.assemble(parts)
	if err != nil {
		return nil, err
	}
	o := u.Object
	o.Size, o.ETag, o.LastModified, o.Blob, o.Parts = size, etag, c.Now.UTC().Truncate(time.Second), blob, len(parts)
	var drop []string
	err = c.Deps.Store.Update(ctx, func(tx store.Tx) error {
		if _, err := getUpload(tx, in.Bucket, in.UploadID, in.Key); err != nil {
			return err
		}
		if prev, err := getObjectRecord(tx, in.Bucket, in.Key); err == nil {
			drop = append(drop, prev.Blob)
		}
		err := tx.Scan(TableParts, uploadKey(in.Bucket, in.UploadID)+"/", "", 0, func(k string, raw []byte) error {
			var p part
			if json.Unmarshal(raw, &p) == nil {
				drop = append(drop, p.Blob)
			}
			return tx.Delete(TableParts, k)
		})
		if err != nil {
			return err
		}
		if err := tx.Delete(TableUploads, uploadKey(in.Bucket, in.UploadID)); err != nil {
			return err
		}
		raw, err := json.Marshal(&o)
		if err != nil {
			return err
		}
		return tx.Put(TableObjects, objectKey(in.Bucket, in.Key), raw)
	})
	if err != nil {
		s.dropBlobs(blob)
		return nil, err
	}
	s.dropBlobs(drop...)
	return &CompleteMultipartUploadOutput{Location: "/" + in.Bucket + "/" + in.Key, Bucket: in.Bucket, Key: in.Key, ETag: etag, ServerSideEncryption: o.SSE}, nil
}

func errMalformedXMLParts() error {
	return awserr.MalformedXML.New("The XML you provided was not well-formed or did not validate against our published schema")
}

// assemble concatenates the parts into one new blob; the ETag is S3's
// multipart form: the MD5 of the parts' MD5s, "-", the part count.
func (s *s3) assemble(parts []part) (blob, etag string, size int64, err error) {
	var data []byte
	sums := md5.New() //nolint:gosec // S3's multipart ETag
	for _, p := range parts {
		b, err := s.readBlob(p.Blob)
		if err != nil {
			return "", "", 0, err
		}
		data = append(data, b...)
		raw, _ := hex.DecodeString(strings.Trim(p.ETag, `"`))
		sums.Write(raw)
	}
	blob, err = s.writeBlob(data)
	if err != nil {
		return "", "", 0, err
	}
	return blob, fmt.Sprintf(`"%s-%d"`, hex.EncodeToString(sums.Sum(nil)), len(parts)), int64(len(data)), nil
}

// UploadIDInput names a multipart upload.
type UploadIDInput struct {
	ObjectInput
	UploadID string `aws:"uploadId,location=querystring"`
}

func (s *s3) abortMultipartUpload(ctx context.Context, c *service.Call, in *UploadIDInput) (*noContent, error) {
	var drop []string
	err := c.Deps.Store.Update(ctx, func(tx store.Tx) error {
		if _, err := getUpload(tx, in.Bucket, in.UploadID, in.Key); err != nil {
			return err
		}
		err := tx.Scan(TableParts, uploadKey(in.Bucket, in.UploadID)+"/", "", 0, func(k string, raw []byte) error {
			var p part
			if json.Unmarshal(raw, &p) == nil {
				drop = append(drop, p.Blob)
			}
			return tx.Delete(TableParts, k)
		})
		if err != nil {
			return err
		}
		return tx.Delete(TableUploads, uploadKey(in.Bucket, in.UploadID))
	})
	if err != nil {
		return nil, err
	}
	s.dropBlobs(drop...)
	return &noContent{Status: http.StatusNoContent}, nil
}

// ListPartsInput is S3's ListParts request.
type ListPartsInput struct {
	UploadIDInput
	MaxParts         *int `aws:"max-parts,location=querystring"`
	PartNumberMarker *int `aws:"part-number-marker,location=querystring"`
}

// PartEntry is one part of ListParts.
type PartEntry struct {
	PartNumber   int
	LastModified time.Time
	ETag         string
	Size         int64
}

// ListPartsOutput is S3's ListParts response.
type ListPartsOutput struct {
	XMLName              struct{} `aws:"ListPartsResult"`
	Bucket               string
	Key                  string
	UploadID             string `aws:"UploadId"`
	PartNumberMarker     int
	NextPartNumberMarker int
	MaxParts             int
	IsTruncated          bool
	StorageClass         string
	Parts                []PartEntry `aws:"Part,flattened"`
}

func listParts(ctx context.Context, c *service.Call, in *ListPartsInput) (*ListPartsOutput, error) {
	max := 1000
	if in.MaxParts != nil && *in.MaxParts >= 0 && *in.MaxParts < max {
		max = *in.MaxParts
	}
	out := &ListPartsOutput{Bucket: in.Bucket, Key: in.Key, UploadID: in.UploadID, MaxParts: max, StorageClass: "STANDARD"}
	err := c.Deps.Store.View(ctx, func(tx store.Tx) error {
		if _, err := getUpload(tx, in.Bucket, in.UploadID, in.Key); err != nil {
			return err
		}
		after := ""
		if in.PartNumberMarker != nil {
			out.PartNumberMarker = *in.PartNumberMarker
			after = partKey(in.Bucket, in.UploadID, *in.PartNumberMarker)
		}
		return tx.Scan(TableParts, uploadKey(in.Bucket, in.UploadID)+"/", after, max+1, func(_ string, raw []byte) error {
			var p part
			if err := json.Unmarshal(raw, &p); err != nil {
				return err
			}
			if len(out.Parts) == max {
				out.IsTruncated = true
				return nil
			}
			out.Parts = append(out.Parts, PartEntry{PartNumber: p.Number, LastModified: p.LastModified, ETag: p.ETag, Size: p.Size})
			out.NextPartNumberMarker = p.Number
			return nil
		})
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// ListMultipartUploadsInput is S3's ListMultipartUploads request.
type ListMultipartUploadsInput struct {
	BucketInput
	Prefix     *string `aws:"prefix,location=querystring"`
	MaxUploads *int    `aws:"max-uploads,location=querystring"`
}

// UploadEntry is one upload of ListMultipartUploads.
type UploadEntry struct {
	Key          string
	UploadID     string `aws:"UploadId"`
	Initiated    time.Time
	StorageClass string
}

// ListMultipartUploadsOutput is S3's ListMultipartUploads response.
type ListMultipartUploadsOutput struct {
	XMLName     struct{} `aws:"ListMultipartUploadsResult"`
	Bucket      string
	MaxUploads  int
	IsTruncated bool
	Uploads     []UploadEntry `aws:"Upload,flattened"`
}

func listMultipartUploads(ctx context.Context, c *service.Call, in *ListMultipartUploadsInput) (*ListMultipartUploadsOutput, error) {
	max := 1000
	if in.MaxUploads != nil && *in.MaxUploads >= 0 && *in.MaxUploads < max {
		max = *in.MaxUploads
	}
	out := &ListMultipartUploadsOutput{Bucket: in.Bucket, MaxUploads: max}
	err := c.Deps.Store.View(ctx, func(tx store.Tx) error {
		if _, err := getBucket(tx, in.Bucket); err != nil {
			return err
		}
		return tx.Scan(TableUploads, in.Bucket+"/", "", 0, func(_ string, raw []byte) error {
			var u upload
			if err := json.Unmarshal(raw, &u); err != nil {
				return err
			}
			if in.Prefix != nil && !strings.HasPrefix(u.Key, *in.Prefix) {
				return nil
			}
			if len(out.Uploads) == max {
				out.IsTruncated = true
				return nil
			}
			out.Uploads = append(out.Uploads, UploadEntry{Key: u.Key, UploadID: u.ID, Initiated: u.Initiated, StorageClass: pick(u.Object.StorageClass, "STANDARD")})
			return nil
		})
	})
	return out, err
}
