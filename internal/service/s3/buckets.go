package s3

import (
	"context"
	"errors"
	"sort"
	"strings"

	"github.com/moatdev/moat/internal/awserr"
	"github.com/moatdev/moat/internal/identity"
	"github.com/moatdev/moat/internal/service"
	"github.com/moatdev/moat/internal/store"
)

// ListBucketsInput is S3's ListBuckets request.
type ListBucketsInput struct {
	Prefix       *string `aws:"prefix,location=querystring"`
	BucketRegion *string `aws:"bucket-region,location=querystring"`
}

// BucketEntry is one bucket of ListBuckets.
type BucketEntry struct {
	Name         string
	CreationDate string
	BucketRegion string
}

// ListBucketsOutput is S3's ListBuckets response.
type ListBucketsOutput struct {
	XMLName struct{}      `aws:"ListAllMyBucketsResult"`
	Owner   *Owner        `aws:"Owner"`
	Buckets []BucketEntry `aws:"Buckets,member=Bucket"`
}

func listBuckets(ctx context.Context, c *service.Call, in *ListBucketsInput) (*ListBucketsOutput, error) {
	out := &ListBucketsOutput{Owner: ownerOf(c.Account()), Buckets: []BucketEntry{}}
	err := c.Deps.Store.View(ctx, func(tx store.Tx) error {
		prefix := ""
		if in.Prefix != nil {
			prefix = *in.Prefix
		}
		return tx.Scan(TableBuckets, prefix, "", 0, func(_ string, raw []byte) error {
			var b bucket
			if err := jsonUnmarshal(raw, &b); err != nil {
				return err
			}
			if b.Account != c.Account() || (in.BucketRegion != nil && *in.BucketRegion != b.Region) {
				return nil
			}
			out.Buckets = append(out.Buckets, BucketEntry{Name: b.Name, CreationDate: isoTime(b.Created), BucketRegion: b.Region})
			return nil
		})
	})
	return out, err
}

// CreateBucketConfiguration is CreateBucket's body.
type CreateBucketConfiguration struct {
	LocationConstraint *string
}

// CreateBucketInput is S3's CreateBucket request.
type CreateBucketInput struct {
	Bucket          string                     `aws:"Bucket,location=uri"`
	ACL             *string                    `aws:"x-amz-acl,location=header"`
	ObjectOwnership *string                    `aws:"x-amz-object-ownership,location=header"`
	Configuration   *CreateBucketConfiguration `aws:"CreateBucketConfiguration,location=payload"`
}

// CreateBucketOutput is S3's CreateBucket response.
type CreateBucketOutput struct {
	Location string `aws:"Location,location=header"`
}

func createBucket(ctx context.Context, c *service.Call, in *CreateBucketInput) (*CreateBucketOutput, error) {
	if err := validBucketName(in.Bucket); err != nil {
		return nil, err
	}
	region := "us-east-1"
	if in.Configuration != nil && in.Configuration.LocationConstraint != nil && *in.Configuration.LocationConstraint != "" {
		region = *in.Configuration.LocationConstraint
	}
	if region != c.Region {
		// AWS: a LocationConstraint must name the region of the endpoint
		// the request was sent to.
		if in.Configuration == nil || in.Configuration.LocationConstraint == nil {
			return nil, errIllegalLocation.New("The unspecified location constraint is incompatible for the region specific endpoint this request was sent to.")
		}
		return nil, errIllegalLocation.New("The %s location constraint is incompatible for the region specific endpoint this request was sent to.", region)
	}
	ownership := "BucketOwnerEnforced"
	if in.ObjectOwnership != nil {
		switch *in.ObjectOwnership {
		case "BucketOwnerEnforced", "BucketOwnerPreferred", "ObjectWriter":
			ownership = *in.ObjectOwnership
		default:
			return nil, errInvalidArgument.New("Invalid x-amz-object-ownership header: %s", *in.ObjectOwnership)
		}
	}
	acl := ""
	if in.ACL != nil {
		if !cannedACL(*in.ACL) {
			return nil, errInvalidArgument.New("Invalid canned ACL: %s", *in.ACL)
		}
		if *in.ACL != "private" && ownership == "BucketOwnerEnforced" {
			return nil, errACLWithOwnership.New("Bucket cannot have ACLs set with ObjectOwnership's BucketOwnerEnforced setting")
		}
		acl = *in.ACL
	}
	t := true
	b := &bucket{Name: in.Bucket, Account: c.Account(), Region: region, Created: c.Now.UTC(),
		// New buckets (April 2023 on): Block Public Access on, ACLs
		// disabled, SSE-S3 default encryption.
		PAB:       &PublicAccessBlockConfiguration{BlockPublicAcls: &t, IgnorePublicAcls: &t, BlockPublicPolicy: &t, RestrictPublicBuckets: &t},
		Ownership: ownership, ACL: acl,
		SSE: defaultSSE(),
	}
	err := c.Deps.Store.Update(ctx, func(tx store.Tx) error {
		old, err := getBucket(tx, in.Bucket)
		if err == nil {
			if old.Account != c.Account() {
				return withField(errBucketAlreadyExists.New("The requested bucket name is not available. The bucket namespace is shared by all users of the system. Please select a different name and try again."), "BucketName", in.Bucket)
			}
			if old.Region == "us-east-1" && c.Region == "us-east-1" {
				return errOwnedInUSEast1 // legacy: 200 OK in us-east-1
			}
			return withField(errBucketAlreadyOwnedByYou.New("Your previous request to create the named bucket succeeded and you already own it."), "BucketName", in.Bucket)
		}
		var ae *awserr.Error
		if !errors.As(err, &ae) || ae.Code != errNoSuchBucket.Code {
			return err
		}
		return putBucket(tx, b)
	})
	if errors.Is(err, errOwnedInUSEast1) {
		err = nil
	}
	if err != nil {
		return nil, err
	}
	return &CreateBucketOutput{Location: "/" + in.Bucket}, nil
}

var errOwnedInUSEast1 = errors.New("bucket already owned (us-east-1)")

func (s *s3) deleteBucket(ctx context.Context, c *service.Call, in *BucketInput) (*noContent, error) {
	err := c.Deps.Store.Update(ctx, func(tx store.Tx) error {
		if _, err := getBucket(tx, in.Bucket); err != nil {
			return err
		}
		empty := true
		if err := tx.Scan(TableObjects, in.Bucket+"/", "", 1, func(string, []byte) error { empty = false; return nil }); err != nil {
			return err
		}
		if err := tx.Scan(TableUploads, in.Bucket+"/", "", 1, func(string, []byte) error { empty = false; return nil }); err != nil {
			return err
		}
		if !empty {
			return withField(errBucketNotEmpty.New("The bucket you tried to delete is not empty"), "BucketName", in.Bucket)
		}
		return tx.Delete(TableBuckets, in.Bucket)
	})
	if err != nil {
		return nil, err
	}
	return &noContent{Status: 204}, nil
}

// HeadBucketOutput is S3's HeadBucket response.
type HeadBucketOutput struct {
	BucketRegion string `aws:"x-amz-bucket-region,location=header"`
}

func headBucket(ctx context.Context, c *service.Call, in *BucketInput) (*HeadBucketOutput, error) {
	b, err := viewBucket(ctx, c, in.Bucket)
	if err != nil {
		return nil, err
	}
	return &HeadBucketOutput{BucketRegion: b.Region}, nil
}

// rawOutput is an answer whose body moat writes itself.
type rawOutput struct {
	ContentType string `aws:"Content-Type,location=header"`
	Body        []byte `aws:"Body,location=payload"`
}

func getBucketLocation(ctx context.Context, c *service.Call, in *BucketInput) (*rawOutput, error) {
	b, err := viewBucket(ctx, c, in.Bucket)
	if err != nil {
		return nil, err
	}
	loc := b.Region
	if loc == "us-east-1" {
		loc = "" // AWS answers an empty LocationConstraint for us-east-1
	}
	body := `<?xml version="1.0" encoding="UTF-8"?>` + "\n" + `<LocationConstraint xmlns="` + Namespace + `">` + xmlEscape(loc) + `</LocationConstraint>`
	return &rawOutput{ContentType: "application/xml", Body: []byte(body)}, nil
}

// PolicyInput is PutBucketPolicy's request.
type PolicyInput struct {
	BucketInput
	Policy                        string `aws:"Policy,location=payload"`
	ConfirmRemoveSelfBucketAccess *bool  `aws:"x-amz-confirm-remove-self-bucket-access,location=header"`
}

type noContent struct {
	Status int `aws:",location=statuscode"`
}

func putBucketPolicy(ctx context.Context, c *service.Call, in *PolicyInput) (*noContent, error) {
	if err := validBucketPolicy(in.Bucket, in.Policy); err != nil {
		return nil, err
	}
	err := updateBucket(ctx, c, in.Bucket, func(b *bucket) error {
		if b.PAB != nil && b.PAB.BlockPublicPolicy != nil && *b.PAB.BlockPublicPolicy && isPublicPolicy(in.Policy) {
			return awserr.AccessDenied.New("User: %s is not authorized to perform: s3:PutBucketPolicy on resource: \"%s\" because public policies are blocked by the BlockPublicPolicy block public access setting.", c.Principal.ARN, bucketARN(in.Bucket))
		}
		b.Policy = in.Policy
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &noContent{Status: 204}, nil
}

// GetBucketPolicyOutput is S3's GetBucketPolicy response: the policy JSON.
type GetBucketPolicyOutput struct {
	Policy string `aws:"Policy,location=payload"`
}

func getBucketPolicy(ctx context.Context, c *service.Call, in *BucketInput) (*GetBucketPolicyOutput, error) {
	b, err := viewBucket(ctx, c, in.Bucket)
	if err != nil {
		return nil, err
	}
	if b.Policy == "" {
		return nil, withField(errNoSuchBucketPolicy.New("The bucket policy does not exist"), "BucketName", in.Bucket)
	}
	return &GetBucketPolicyOutput{Policy: b.Policy}, nil
}

func deleteBucketPolicy(ctx context.Context, c *service.Call, in *BucketInput) (*noContent, error) {
	err := updateBucket(ctx, c, in.Bucket, func(b *bucket) error { b.Policy = ""; return nil })
	if err != nil {
		return nil, err
	}
	return &noContent{Status: 204}, nil
}

// PolicyStatus is GetBucketPolicyStatus's document.
type PolicyStatus struct {
	IsPublic bool
}

// GetBucketPolicyStatusOutput is S3's GetBucketPolicyStatus response.
type GetBucketPolicyStatusOutput struct {
	PolicyStatus PolicyStatus `aws:"PolicyStatus,location=payload"`
}

func getBucketPolicyStatus(ctx context.Context, c *service.Call, in *BucketInput) (*GetBucketPolicyStatusOutput, error) {
	b, err := viewBucket(ctx, c, in.Bucket)
	if err != nil {
		return nil, err
	}
	if b.Policy == "" {
		return nil, withField(errNoSuchBucketPolicy.New("The bucket policy does not exist"), "BucketName", in.Bucket)
	}
	return &GetBucketPolicyStatusOutput{PolicyStatus: PolicyStatus{IsPublic: isPublicPolicy(b.Policy)}}, nil
}

// PublicAccessBlockConfiguration is S3's Block Public Access settings.
type PublicAccessBlockConfiguration struct {
	BlockPublicAcls       *bool
	IgnorePublicAcls      *bool
	BlockPublicPolicy     *bool
	RestrictPublicBuckets *bool
}

// PutPublicAccessBlockInput is S3's PutPublicAccessBlock request.
type PutPublicAccessBlockInput struct {
	BucketInput
	Configuration *PublicAccessBlockConfiguration `aws:"PublicAccessBlockConfiguration,location=payload"`
}

func putPublicAccessBlock(ctx context.Context, c *service.Call, in *PutPublicAccessBlockInput) (*struct{}, error) {
	if in.Configuration == nil {
		return nil, awserr.MalformedXML.New("The XML you provided was not well-formed or did not validate against our published schema")
	}
	f := false
	cfg := *in.Configuration
	for _, p := range []**bool{&cfg.BlockPublicAcls, &cfg.IgnorePublicAcls, &cfg.BlockPublicPolicy, &cfg.RestrictPublicBuckets} {
		if *p == nil {
			*p = &f
		}
	}
	return nil, updateBucket(ctx, c, in.Bucket, func(b *bucket) error { b.PAB = &cfg; return nil })
}

// GetPublicAccessBlockOutput is S3's GetPublicAccessBlock response.
type GetPublicAccessBlockOutput struct {
	Configuration *PublicAccessBlockConfiguration `aws:"PublicAccessBlockConfiguration,location=payload"`
}

func getPublicAccessBlock(ctx context.Context, c *service.Call, in *BucketInput) (*GetPublicAccessBlockOutput, error) {
	b, err := viewBucket(ctx, c, in.Bucket)
	if err != nil {
		return nil, err
	}
	if b.PAB == nil {
		return nil, withField(errNoSuchPAB.New("The public access block configuration was not found"), "BucketName", in.Bucket)
	}
	return &GetPublicAccessBlockOutput{Configuration: b.PAB}, nil
}

func deletePublicAccessBlock(ctx context.Context, c *service.Call, in *BucketInput) (*noContent, error) {
	if err := updateBucket(ctx, c, in.Bucket, func(b *bucket) error { b.PAB = nil; return nil }); err != nil {
		return nil, err
	}
	return &noContent{Status: 204}, nil
}

// OwnershipControls is S3's object ownership setting.
type OwnershipControls struct {
	Rules []OwnershipRule `aws:"Rule,flattened"`
}

// OwnershipRule is one rule of OwnershipControls.
type OwnershipRule struct {
	ObjectOwnership string
}

// PutOwnershipControlsInput is S3's PutBucketOwnershipControls request.
type PutOwnershipControlsInput struct {
	BucketInput
	Controls *OwnershipControls `aws:"OwnershipControls,location=payload"`
}

func putOwnershipControls(ctx context.Context, c *service.Call, in *PutOwnershipControlsInput) (*struct{}, error) {
	if in.Controls == nil || len(in.Controls.Rules) != 1 {
		return nil, awserr.MalformedXML.New("The XML you provided was not well-formed or did not validate against our published schema")
	}
	o := in.Controls.Rules[0].ObjectOwnership
	switch o {
	case "BucketOwnerEnforced", "BucketOwnerPreferred", "ObjectWriter":
	default:
		return nil, awserr.MalformedXML.New("The XML you provided was not well-formed or did not validate against our published schema")
	}
	return nil, updateBucket(ctx, c, in.Bucket, func(b *bucket) error {
		if o == "BucketOwnerEnforced" && b.ACL != "" && b.ACL != "private" {
			return errACLWithOwnership.New("Bucket cannot have ACLs set with ObjectOwnership's BucketOwnerEnforced setting")
		}
		b.Ownership = o
		return nil
	})
}

// GetOwnershipControlsOutput is S3's GetBucketOwnershipControls response.
type GetOwnershipControlsOutput struct {
	Controls *OwnershipControls `aws:"OwnershipControls,location=payload"`
}

func getOwnershipControls(ctx context.Context, c *service.Call, in *BucketInput) (*GetOwnershipControlsOutput, error) {
	b, err := viewBucket(ctx, c, in.Bucket)
	if err != nil {
		return nil, err
	}
	if b.Ownership == "" {
		return nil, withField(errNoSuchOwnership.New("The bucket ownership controls were not found"), "BucketName", in.Bucket)
	}
	return &GetOwnershipControlsOutput{Controls: &OwnershipControls{Rules: []OwnershipRule{{ObjectOwnership: b.Ownership}}}}, nil
}

func deleteOwnershipControls(ctx context.Context, c *service.Call, in *BucketInput) (*noContent, error) {
	if err := updateBucket(ctx, c, in.Bucket, func(b *bucket) error { b.Ownership = ""; return nil }); err != nil {
		return nil, err
	}
	return &noContent{Status: 204}, nil
}

// Tagging is S3's tag set document.
type Tagging struct {
	TagSet []Tag `aws:"TagSet,member=Tag"`
}

// PutBucketTaggingInput is S3's PutBucketTagging request.
type PutBucketTaggingInput struct {
	BucketInput
	Tagging *Tagging `aws:"Tagging,location=payload"`
}

func checkTags(t *Tagging, max int) error {
	if t == nil {
		return awserr.MalformedXML.New("The XML you provided was not well-formed or did not validate against our published schema")
	}
	if len(t.TagSet) > max {
		return errInvalidTag.New("Object tags cannot be greater than %d", max)
	}
	seen := map[string]bool{}
	for _, tag := range t.TagSet {
		switch {
		case len(tag.Key) == 0 || len([]rune(tag.Key)) > 128:
			return errInvalidTag.New("The TagKey you have provided is invalid")
		case len([]rune(tag.Value)) > 256:
			return errInvalidTag.New("The TagValue you have provided is invalid")
		case seen[tag.Key]:
			return errInvalidTag.New("Cannot provide multiple Tags with the same key")
		}
		seen[tag.Key] = true
	}
	return nil
}

func putBucketTagging(ctx context.Context, c *service.Call, in *PutBucketTaggingInput) (*noContent, error) {
	if err := checkTags(in.Tagging, 50); err != nil {
		return nil, err
	}
	if err := updateBucket(ctx, c, in.Bucket, func(b *bucket) error { b.Tags = in.Tagging.TagSet; return nil }); err != nil {
		return nil, err
	}
	return &noContent{Status: 204}, nil
}

// GetTaggingOutput is S3's Get(Bucket|Object)Tagging response.
type GetTaggingOutput struct {
	XMLName struct{} `aws:"Tagging"`
	TagSet  []Tag    `aws:"TagSet,member=Tag"`
}

func getBucketTagging(ctx context.Context, c *service.Call, in *BucketInput) (*GetTaggingOutput, error) {
	b, err := viewBucket(ctx, c, in.Bucket)
	if err != nil {
		return nil, err
	}
	if len(b.Tags) == 0 {
		return nil, withField(errNoSuchTagSet.New("The TagSet does not exist"), "BucketName", in.Bucket)
	}
	return &GetTaggingOutput{TagSet: b.Tags}, nil
}

func deleteBucketTagging(ctx context.Context, c *service.Call, in *BucketInput) (*noContent, error) {
	if err := updateBucket(ctx, c, in.Bucket, func(b *bucket) error { b.Tags = nil; return nil }); err != nil {
		return nil, err
	}
	return &noContent{Status: 204}, nil
}

// ServerSideEncryptionConfiguration is a bucket's default encryption.
type ServerSideEncryptionConfiguration struct {
	Rules []SSERule `aws:"Rule,flattened"`
}

// SSERule is one default-encryption rule.
type SSERule struct {
	ApplyServerSideEncryptionByDefault *SSEByDefault
	BucketKeyEnabled                   *bool
}

// SSEByDefault names the algorithm and key.
type SSEByDefault struct {
	SSEAlgorithm   string
	KMSMasterKeyID *string `aws:"KMSMasterKeyID"`
}

func defaultSSE() *ServerSideEncryptionConfiguration {
	f := false
	return &ServerSideEncryptionConfiguration{Rules: []SSERule{{ApplyServerSideEncryptionByDefault: &SSEByDefault{SSEAlgorithm: "AES256"}, BucketKeyEnabled: &f}}}
}

// PutBucketEncryptionInput is S3's PutBucketEncryption request.
type PutBucketEncryptionInput struct {
	BucketInput
	Configuration *ServerSideEncryptionConfiguration `aws:"ServerSideEncryptionConfiguration,location=payload"`
}

func putBucketEncryption(ctx context.Context, c *service.Call, in *PutBucketEncryptionInput) (*struct{}, error) {
	if in.Configuration == nil || len(in.Configuration.Rules) == 0 {
		return nil, awserr.MalformedXML.New("The XML you provided was not well-formed or did not validate against our published schema")
	}
	for _, r := range in.Configuration.Rules {
		if r.ApplyServerSideEncryptionByDefault == nil {
			continue
		}
		switch a := r.ApplyServerSideEncryptionByDefault.SSEAlgorithm; a {
		case "AES256":
			if r.ApplyServerSideEncryptionByDefault.KMSMasterKeyID != nil {
				return nil, errInvalidArgument.New("a KMSMasterKeyID is not applicable if the default sse algorithm is not aws:kms or aws:kms:dsse")
			}
		case "aws:kms", "aws:kms:dsse":
		default:
			return nil, awserr.MalformedXML.New("The XML you provided was not well-formed or did not validate against our published schema")
		}
	}
	return nil, updateBucket(ctx, c, in.Bucket, func(b *bucket) error { b.SSE = in.Configuration; return nil })
}

// GetBucketEncryptionOutput is S3's GetBucketEncryption response.
type GetBucketEncryptionOutput struct {
	Configuration *ServerSideEncryptionConfiguration `aws:"ServerSideEncryptionConfiguration,location=payload"`
}

func getBucketEncryption(ctx context.Context, c *service.Call, in *BucketInput) (*GetBucketEncryptionOutput, error) {
	b, err := viewBucket(ctx, c, in.Bucket)
	if err != nil {
		return nil, err
	}
	if b.SSE == nil {
		return nil, withField(errNoSuchEncryption.New("The server side encryption configuration was not found"), "BucketName", in.Bucket)
	}
	return &GetBucketEncryptionOutput{Configuration: b.SSE}, nil
}

// DeleteBucketEncryption returns a bucket to S3's default, SSE-S3: since
// January 2023 every bucket has default encryption.
func deleteBucketEncryption(ctx context.Context, c *service.Call, in *BucketInput) (*noContent, error) {
	if err := updateBucket(ctx, c, in.Bucket, func(b *bucket) error { b.SSE = defaultSSE(); return nil }); err != nil {
		return nil, err
	}
	return &noContent{Status: 204}, nil
}

// VersioningConfiguration is a bucket's versioning status.
type VersioningConfiguration struct {
	Status    *string
	MfaDelete *string `aws:"MfaDelete"`
}

// PutBucketVersioningInput is S3's PutBucketVersioning request.
type PutBucketVersioningInput struct {
	BucketInput
	MFA           *string                  `aws:"x-amz-mfa,location=header"`
	Configuration *VersioningConfiguration `aws:"VersioningConfiguration,location=payload"`
}

// mfaOf splits x-amz-mfa ("SERIAL CODE") for the pipeline's MFA check.
func mfaOf(in *PutBucketVersioningInput) (serial, code string) {
	if in.MFA == nil {
		return "", ""
	}
	serial, code, _ = strings.Cut(strings.TrimSpace(*in.MFA), " ")
	return serial, code
}

// putBucketVersioning sets versioning and, with the root user's MFA code
// in x-amz-mfa, MFA delete (as S3 requires: only the bucket owner's root
// user with MFA may change it).
func putBucketVersioning(ctx context.Context, c *service.Call, in *PutBucketVersioningInput) (*struct{}, error) {
	cfg := in.Configuration
	if cfg == nil || cfg.Status == nil || (*cfg.Status != "Enabled" && *cfg.Status != "Suspended") ||
		(cfg.MfaDelete != nil && *cfg.MfaDelete != "Enabled" && *cfg.MfaDelete != "Disabled") {
		return nil, awserr.MalformedXML.New("The XML you provided was not well-formed or did not validate against our published schema")
	}
	return nil, updateBucket(ctx, c, in.Bucket, func(b *bucket) error {
		if cfg.MfaDelete != nil && *cfg.MfaDelete != b.MFADelete && !(b.MFADelete == "" && *cfg.MfaDelete == "Disabled") {
			if !c.MFA || c.Principal.Kind != identity.Root || c.Account() != b.Account {
				return errInvalidRequest.New("DevPay and Mfa are mutually exclusive authorization methods. MFA delete can be changed only by the bucket owner's root user with a valid x-amz-mfa header.")
			}
			b.MFADelete = *cfg.MfaDelete
		}
		b.Versioning = *cfg.Status
		return nil
	})
}

// GetBucketVersioningOutput is S3's GetBucketVersioning response.
type GetBucketVersioningOutput struct {
	XMLName   struct{} `aws:"VersioningConfiguration"`
	Status    string   `aws:"Status,omitempty"`
	MFADelete string   `aws:"MfaDelete,omitempty"`
}

func getBucketVersioning(ctx context.Context, c *service.Call, in *BucketInput) (*GetBucketVersioningOutput, error) {
	b, err := viewBucket(ctx, c, in.Bucket)
	if err != nil {
		return nil, err
	}
	return &GetBucketVersioningOutput{Status: b.Versioning, MFADelete: b.MFADelete}, nil
}

// LoggingEnabled is a bucket's server access logging target.
type LoggingEnabled struct {
	TargetBucket string
	TargetPrefix string
}

// BucketLoggingStatus is PutBucketLogging's document.
type BucketLoggingStatus struct {
	LoggingEnabled *LoggingEnabled
}

// PutBucketLoggingInput is S3's PutBucketLogging request.
type PutBucketLoggingInput struct {
	BucketInput
	Status *BucketLoggingStatus `aws:"BucketLoggingStatus,location=payload"`
}

func putBucketLogging(ctx context.Context, c *service.Call, in *PutBucketLoggingInput) (*struct{}, error) {
	if in.Status == nil {
		return nil, awserr.MalformedXML.New("The XML you provided was not well-formed or did not validate against our published schema")
	}
	return nil, c.Deps.Store.Update(ctx, func(tx store.Tx) error {
		b, err := getBucket(tx, in.Bucket)
		if err != nil {
			return err
		}
		if le := in.Status.LoggingEnabled; le != nil {
			target, err := getBucket(tx, le.TargetBucket)
			if err != nil {
				return errInvalidArgument.New("The target bucket for logging does not exist")
			}
			if target.Account != b.Account {
				return errInvalidArgument.New("The owner for the bucket to be logged and the target bucket must be the same.")
			}
		}
		b.Logging = in.Status.LoggingEnabled
		return putBucket(tx, b)
	})
}

// GetBucketLoggingOutput is S3's GetBucketLogging response.
type GetBucketLoggingOutput struct {
	XMLName        struct{}        `aws:"BucketLoggingStatus"`
	LoggingEnabled *LoggingEnabled `aws:"LoggingEnabled"`
}

func getBucketLogging(ctx context.Context, c *service.Call, in *BucketInput) (*GetBucketLoggingOutput, error) {
	b, err := viewBucket(ctx, c, in.Bucket)
	if err != nil {
		return nil, err
	}
	return &GetBucketLoggingOutput{LoggingEnabled: b.Logging}, nil
}

// cannedACL reports a canned ACL name S3 knows.
func cannedACL(a string) bool {
	switch a {
	case "private", "public-read", "public-read-write", "authenticated-read", "aws-exec-read", "bucket-owner-read", "bucket-owner-full-control", "log-delivery-write":
		return true
	}
	return false
}

// PutBucketACLInput is S3's PutBucketAcl request (canned ACLs only).
type PutBucketACLInput struct {
	BucketInput
	ACL  *string `aws:"x-amz-acl,location=header"`
	Body []byte  `aws:"AccessControlPolicy,location=payload"`
}

func putBucketACL(ctx context.Context, c *service.Call, in *PutBucketACLInput) (*struct{}, error) {
	if in.ACL == nil {
		if len(in.Body) > 0 {
			return nil, errInvalidRequest.New("moat accepts canned ACLs (x-amz-acl) only; AccessControlPolicy documents are not supported")
		}
		return nil, errInvalidRequest.New("Missing required header for this request: x-amz-acl")
	}
	if !cannedACL(*in.ACL) {
		return nil, errInvalidArgument.New("Invalid canned ACL: %s", *in.ACL)
	}
	return nil, updateBucket(ctx, c, in.Bucket, func(b *bucket) error {
		if b.Ownership == "BucketOwnerEnforced" && *in.ACL != "private" && *in.ACL != "bucket-owner-full-control" {
			return errACLNotSupported.New("The bucket does not allow ACLs")
		}
		if b.PAB != nil && b.PAB.BlockPublicAcls != nil && *b.PAB.BlockPublicAcls && publicACL(*in.ACL) {
			return awserr.AccessDenied.New("Access Denied")
		}
		b.ACL = *in.ACL
		return nil
	})
}

// publicACL reports canned ACLs that grant to AllUsers or AuthenticatedUsers.
func publicACL(a string) bool {
	return a == "public-read" || a == "public-read-write" || a == "authenticated-read"
}

// Grant is one grant of an ACL.
type Grant struct {
	Grantee    Grantee
	Permission string
}

// Grantee is who a grant is for.
type Grantee struct {
	ID  string `aws:"ID,omitempty"`
	URI string `aws:"URI,omitempty"`
}

// GetBucketACLOutput is S3's GetBucketAcl response.
type GetBucketACLOutput struct {
	XMLName struct{} `aws:"AccessControlPolicy"`
	Owner   *Owner   `aws:"Owner"`
	Grants  []Grant  `aws:"AccessControlList,member=Grant"`
}

func getBucketACL(ctx context.Context, c *service.Call, in *BucketInput) (*GetBucketACLOutput, error) {
	b, err := viewBucket(ctx, c, in.Bucket)
	if err != nil {
		return nil, err
	}
	out := &GetBucketACLOutput{Owner: ownerOf(b.Account), Grants: []Grant{{Grantee: Grantee{ID: canonicalID(b.Account)}, Permission: "FULL_CONTROL"}}}
	g := cannedGrants(b.ACL)
	for _, uri := range []string{allUsersURI, authenticatedUsersURI} {
		for _, perm := range g[uri] {
			out.Grants = append(out.Grants, Grant{Grantee: Grantee{URI: uri}, Permission: perm})
		}
	}
	return out, nil
}

// The groups canned ACLs grant to.
const (
	allUsersURI           = "http://acs.amazonaws.com/groups/global/AllUsers"
	authenticatedUsersURI = "http://acs.amazonaws.com/groups/global/AuthenticatedUsers"
)

// cannedGrants are a canned ACL's grants to groups, by group URI
// (Amazon S3 User Guide, "Canned ACL").
func cannedGrants(acl string) map[string][]string {
	switch acl {
	case "public-read":
		return map[string][]string{allUsersURI: {"READ"}}
	case "public-read-write":
		return map[string][]string{allUsersURI: {"READ", "WRITE"}}
	case "authenticated-read":
		return map[string][]string{authenticatedUsersURI: {"READ"}}
	}
	return nil
}

// sortedTags returns tags by key, as S3 lists them.
func sortedTags(t []Tag) []Tag {
	out := append([]Tag(nil), t...)
	sort.Slice(out, func(i, j int) bool { return out[i].Key < out[j].Key })
	return out
}
