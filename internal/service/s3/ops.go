package s3

import (
	"context"
	"strconv"

	"github.com/moatdev/moat/internal/service"
)

// target is what every S3 input names: a bucket and, for object
// operations, a key.
type target interface{ ref() (bucket, key string) }

// BucketInput names a bucket (the {Bucket} label).
type BucketInput struct {
	Bucket string `aws:"Bucket,location=uri"`
}

func (b *BucketInput) ref() (string, string) { return b.Bucket, "" }

// ObjectInput names an object.
type ObjectInput struct {
	Bucket string `aws:"Bucket,location=uri"`
	Key    string `aws:"Key,location=uri"`
}

func (o *ObjectInput) ref() (string, string) { return o.Bucket, o.Key }

// on declares an operation on a bucket or an object: its ARN is the
// bucket's or the object's, and the bucket policy is its resource-based
// policy.
func on[In any, Out any, P interface {
	*In
	target
}](name, action string, h func(context.Context, *service.Call, *In) (*Out, error), opts ...service.OpOption[In]) *service.Operation {
	opts = append(opts,
		service.Resource(func(_ context.Context, _ *service.Call, in *In) (string, error) {
			b, k := P(in).ref()
			if k == "" {
				return bucketARN(b), nil
			}
			return objectARN(b, k), nil
		}),
		service.ResourcePolicy(func(ctx context.Context, c *service.Call, in *In) (string, string, error) {
			b, _ := P(in).ref()
			return resourcePolicy(ctx, c, b)
		}))
	return service.Op(name, action, h, opts...)
}

func read[In any]() service.OpOption[In] { return service.ReadOnly[In]() }

// dataEvents are the operations CloudTrail records as S3 data events
// (object-level calls and object listings); the rest are management events.
var dataEvents = map[string]bool{
	"ListObjectsV2": true, "ListObjects": true, "ListMultipartUploads": true,
	"PutObject": true, "CopyObject": true, "GetObject": true, "HeadObject": true, "DeleteObject": true, "DeleteObjects": true,
	"PutObjectTagging": true, "GetObjectTagging": true, "DeleteObjectTagging": true,
	"CreateMultipartUpload": true, "UploadPart": true, "CompleteMultipartUpload": true, "AbortMultipartUpload": true, "ListParts": true,
}

func (s *s3) ops() []*service.Operation {
	return []*service.Operation{
		service.Op("ListBuckets", "s3:ListAllMyBuckets", listBuckets, read[ListBucketsInput]()),
		service.Op("CreateBucket", "s3:CreateBucket", createBucket,
			service.Resource(func(_ context.Context, _ *service.Call, in *CreateBucketInput) (string, error) {
				return bucketARN(in.Bucket), nil
			}),
			service.ContextKeys(func(in *CreateBucketInput, set func(k, v string)) {
				if in.ACL != nil {
					set("s3:x-amz-acl", *in.ACL)
				}
				if in.ObjectOwnership != nil {
					set("s3:x-amz-object-ownership", *in.ObjectOwnership)
				}
			})),
		on("DeleteBucket", "s3:DeleteBucket", s.deleteBucket),
		on("HeadBucket", "s3:ListBucket", headBucket, read[BucketInput]()),
		on("GetBucketLocation", "s3:GetBucketLocation", getBucketLocation, read[BucketInput]()),
		on("ListObjectsV2", "s3:ListBucket", listObjectsV2, read[ListObjectsV2Input](),
			service.ContextKeys(func(in *ListObjectsV2Input, set func(k, v string)) {
				listKeys(in.Prefix, in.Delimiter, in.MaxKeys, set)
			})),
		on("ListObjects", "s3:ListBucket", listObjects, read[ListObjectsInput](),
			service.ContextKeys(func(in *ListObjectsInput, set func(k, v string)) {
				listKeys(in.Prefix, in.Delimiter, in.MaxKeys, set)
			})),
		on("PutBucketPolicy", "s3:PutBucketPolicy", putBucketPolicy),
		on("GetBucketPolicy", "s3:GetBucketPolicy", getBucketPolicy, read[BucketInput]()),
		on("DeleteBucketPolicy", "s3:DeleteBucketPolicy", deleteBucketPolicy),
		on("GetBucketPolicyStatus", "s3:GetBucketPolicyStatus", getBucketPolicyStatus, read[BucketInput]()),
		on("PutPublicAccessBlock", "s3:PutBucketPublicAccessBlock", putPublicAccessBlock),
		on("GetPublicAccessBlock", "s3:GetBucketPublicAccessBlock", getPublicAccessBlock, read[BucketInput]()),
		on("DeletePublicAccessBlock", "s3:PutBucketPublicAccessBlock", deletePublicAccessBlock),
		on("PutBucketOwnershipControls", "s3:PutBucketOwnershipControls", putOwnershipControls),
		on("GetBucketOwnershipControls", "s3:GetBucketOwnershipControls", getOwnershipControls, read[BucketInput]()),
		on("DeleteBucketOwnershipControls", "s3:PutBucketOwnershipControls", deleteOwnershipControls),
		on("PutBucketAcl", "s3:PutBucketAcl", putBucketACL,
			service.ContextKeys(func(in *PutBucketACLInput, set func(k, v string)) {
				if in.ACL != nil {
					set("s3:x-amz-acl", *in.ACL)
				}
			})),
		on("GetBucketAcl", "s3:GetBucketAcl", getBucketACL, read[BucketInput]()),
		on("PutBucketTagging", "s3:PutBucketTagging", putBucketTagging),
		on("GetBucketTagging", "s3:GetBucketTagging", getBucketTagging, read[BucketInput]()),
		on("DeleteBucketTagging", "s3:PutBucketTagging", deleteBucketTagging),
		on("PutBucketEncryption", "s3:PutEncryptionConfiguration", putBucketEncryption),
		on("GetBucketEncryption", "s3:GetEncryptionConfiguration", getBucketEncryption, read[BucketInput]()),
		on("DeleteBucketEncryption", "s3:PutEncryptionConfiguration", deleteBucketEncryption),
		on("PutBucketVersioning", "s3:PutBucketVersioning", putBucketVersioning, service.MFA(mfaOf)),
		on("GetBucketVersioning", "s3:GetBucketVersioning", getBucketVersioning, read[BucketInput]()),
		on("PutBucketLogging", "s3:PutBucketLogging", putBucketLogging),
		on("GetBucketLogging", "s3:GetBucketLogging", getBucketLogging, read[BucketInput]()),
		on("ListMultipartUploads", "s3:ListBucketMultipartUploads", listMultipartUploads, read[ListMultipartUploadsInput]()),
		// DeleteObjects authorizes s3:DeleteObject key by key in its
		// handler, as S3 does.
		service.Op("DeleteObjects", "s3:DeleteObject", s.deleteObjects,
			service.Resource(func(_ context.Context, _ *service.Call, in *DeleteObjectsInput) (string, error) {
				return bucketARN(in.Bucket), nil
			}), service.AuthenticationOnly[DeleteObjectsInput]()),
		on("PutObject", "s3:PutObject", s.putObject, putObjectKeys[PutObjectInput]()),
		on("CopyObject", "s3:PutObject", s.copyObject, service.ContextKeys(func(in *CopyObjectInput, set func(k, v string)) {
			set("s3:x-amz-copy-source", in.CopySource)
			if in.ServerSideEncryption != nil {
				set("s3:x-amz-server-side-encryption", *in.ServerSideEncryption)
			}
		})),
		on("GetObject", "s3:GetObject", s.getObject, read[GetObjectInput]()),
		on("HeadObject", "s3:GetObject", s.headObject, read[GetObjectInput]()),
		on("DeleteObject", "s3:DeleteObject", s.deleteObject),
		on("PutObjectTagging", "s3:PutObjectTagging", putObjectTagging),
		on("GetObjectTagging", "s3:GetObjectTagging", getObjectTagging, read[ObjectInput]()),
		on("DeleteObjectTagging", "s3:DeleteObjectTagging", deleteObjectTagging),
		on("CreateMultipartUpload", "s3:PutObject", createMultipartUpload, putObjectKeys[CreateMultipartUploadInput]()),
		on("UploadPart", "s3:PutObject", s.uploadPart),
		on("CompleteMultipartUpload", "s3:PutObject", s.completeMultipartUpload),
		on("AbortMultipartUpload", "s3:AbortMultipartUpload", s.abortMultipartUpload),
		on("ListParts", "s3:ListMultipartUploadParts", listParts, read[ListPartsInput]()),
	}
}

func listKeys(prefix, delimiter *string, maxKeys *int, set func(k, v string)) {
	if prefix != nil {
		set("s3:prefix", *prefix)
	} else {
		set("s3:prefix", "")
	}
	if delimiter != nil {
		set("s3:delimiter", *delimiter)
	}
	if maxKeys != nil {
		set("s3:max-keys", strconv.Itoa(*maxKeys))
	}
}

// WriteHeaders are the headers of an object write that S3 condition keys
// read.
type WriteHeaders struct {
	ACL                  *string `aws:"x-amz-acl,location=header"`
	ServerSideEncryption *string `aws:"x-amz-server-side-encryption,location=header"`
	SSEKMSKeyID          *string `aws:"x-amz-server-side-encryption-aws-kms-key-id,location=header"`
	Tagging              *string `aws:"x-amz-tagging,location=header"`
}

func (w *WriteHeaders) headers() *WriteHeaders { return w }

func putObjectKeys[In any, P interface {
	*In
	headers() *WriteHeaders
}]() service.OpOption[In] {
	return service.ContextKeys(func(in *In, set func(k, v string)) {
		h := P(in).headers()
		if h.ACL != nil {
			set("s3:x-amz-acl", *h.ACL)
		}
		if h.ServerSideEncryption != nil {
			set("s3:x-amz-server-side-encryption", *h.ServerSideEncryption)
		}
		if h.SSEKMSKeyID != nil {
			set("s3:x-amz-server-side-encryption-aws-kms-key-id", *h.SSEKMSKeyID)
		}
	})
}
