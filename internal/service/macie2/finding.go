package macie2

import (
	"crypto/sha256"
	"encoding/hex"
	"path"
	"strings"
	"time"

	"github.com/moatdev/moat/dataid"
	"github.com/moatdev/moat/internal/service"
	"github.com/moatdev/moat/internal/service/s3"
)

// finding is Macie's Finding as AWS sends it (SDK types.Finding, lowerCamel).
type finding struct {
	SchemaVersion         string                 `json:"schemaVersion"`
	ID                    string                 `json:"id"`
	AccountID             string                 `json:"accountId"`
	Region                string                 `json:"region"`
	Partition             string                 `json:"partition"`
	Type                  string                 `json:"type"`
	Category              string                 `json:"category"`
	Severity              severity               `json:"severity"`
	Title                 string                 `json:"title"`
	Description           string                 `json:"description"`
	Count                 int64                  `json:"count"`
	Archived              bool                   `json:"archived"`
	Sample                bool                   `json:"sample"`
	CreatedAt             string                 `json:"createdAt"`
	UpdatedAt             string                 `json:"updatedAt"`
	ResourcesAffected     resourcesAffected      `json:"resourcesAffected"`
	ClassificationDetails *classificationDetails `json:"classificationDetails,omitempty"`
}

type severity struct {
	Description string `json:"description"` // Low, Medium, High
	Score       int    `json:"score"`
}

type resourcesAffected struct {
	S3Bucket *s3Bucket `json:"s3Bucket,omitempty"`
	S3Object *s3Object `json:"s3Object,omitempty"`
}

type keyValue struct {
	Key   string `json:"key"`
	Value string `json:"value"`
}

type encryption struct {
	EncryptionType string `json:"encryptionType"`
	KMSMasterKeyID string `json:"kmsMasterKeyId,omitempty"`
}

type blockPublicAccess struct {
	BlockPublicAcls       bool `json:"blockPublicAcls"`
	BlockPublicPolicy     bool `json:"blockPublicPolicy"`
	IgnorePublicAcls      bool `json:"ignorePublicAcls"`
	RestrictPublicBuckets bool `json:"restrictPublicBuckets"`
}

type publicFlags struct {
	AllowsPublicReadAccess  bool `json:"allowsPublicReadAccess"`
	AllowsPublicWriteAccess bool `json:"allowsPublicWriteAccess"`
}

type bucketPublicAccess struct {
	EffectivePermission     string `json:"effectivePermission"`
	PermissionConfiguration struct {
		AccountLevelPermissions struct {
			BlockPublicAccess blockPublicAccess `json:"blockPublicAccess"`
		} `json:"accountLevelPermissions"`
		BucketLevelPermissions struct {
			AccessControlList publicFlags       `json:"accessControlList"`
			BlockPublicAccess blockPublicAccess `json:"blockPublicAccess"`
			BucketPolicy      publicFlags       `json:"bucketPolicy"`
		} `json:"bucketLevelPermissions"`
	} `json:"permissionConfiguration"`
}

type s3Bucket struct {
	AllowsUnencryptedObjectUploads string              `json:"allowsUnencryptedObjectUploads"`
	Arn                            string              `json:"arn"`
	CreatedAt                      string              `json:"createdAt"`
	DefaultServerSideEncryption    encryption          `json:"defaultServerSideEncryption"`
	Name                           string              `json:"name"`
	Owner                          map[string]string   `json:"owner"`
	PublicAccess                   *bucketPublicAccess `json:"publicAccess"`
	Tags                           []keyValue          `json:"tags"`
}

type s3Object struct {
	BucketArn            string     `json:"bucketArn"`
	ETag                 string     `json:"eTag"`
	Extension            string     `json:"extension"`
	Key                  string     `json:"key"`
	LastModified         string     `json:"lastModified"`
	Path                 string     `json:"path"`
	PublicAccess         bool       `json:"publicAccess"`
	ServerSideEncryption encryption `json:"serverSideEncryption"`
	Size                 int64      `json:"size"`
	StorageClass         string     `json:"storageClass"`
	Tags                 []keyValue `json:"tags"`
}

type classificationDetails struct {
	DetailedResultsLocation string                      `json:"detailedResultsLocation,omitempty"`
	JobArn                  string                      `json:"jobArn"`
	JobID                   string                      `json:"jobId"`
	OriginType              string                      `json:"originType"`
	Result                  dataid.ClassificationResult `json:"result"`
}

// isoTime is how Macie writes timestamps in findings.
func isoTime(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000Z") }

func severityOf(s dataid.Severity) severity {
	switch s {
	case dataid.High:
		return severity{"High", 3}
	case dataid.Medium:
		return severity{"Medium", 2}
	}
	return severity{"Low", 1}
}

func tagsOf(ts []s3.Tag) []keyValue {
	out := []keyValue{}
	for _, t := range ts {
		out = append(out, keyValue{t.Key, t.Value})
	}
	return out
}

func bpaOf(c *s3.PublicAccessBlockConfiguration) blockPublicAccess {
	if c == nil {
		return blockPublicAccess{}
	}
	return blockPublicAccess{BlockPublicAcls: isTrue(c.BlockPublicAcls), BlockPublicPolicy: isTrue(c.BlockPublicPolicy),
		IgnorePublicAcls: isTrue(c.IgnorePublicAcls), RestrictPublicBuckets: isTrue(c.RestrictPublicBuckets)}
}

// bucketOf is a finding's s3Bucket.
func bucketOf(b *s3.BucketInfo) *s3Bucket {
	pa := &bucketPublicAccess{EffectivePermission: "NOT_PUBLIC"}
	if effectivePublic(b) {
		pa.EffectivePermission = "PUBLIC"
	}
	bl := &pa.PermissionConfiguration.BucketLevelPermissions
	bl.BlockPublicAccess = bpaOf(b.BlockPublicAccess)
	bl.BucketPolicy = publicFlags{AllowsPublicReadAccess: b.PolicyPublic, AllowsPublicWriteAccess: b.PolicyPublic}
	bl.AccessControlList = publicFlags{AllowsPublicReadAccess: b.ACLPublic, AllowsPublicWriteAccess: b.ACLPublic && b.ACL == "public-read-write"}
	enc := encryption{EncryptionType: "NONE"}
	if b.Encryption != "" {
		enc = encryption{EncryptionType: b.Encryption, KMSMasterKeyID: b.KMSKeyID}
	}
	return &s3Bucket{AllowsUnencryptedObjectUploads: "UNKNOWN", Arn: "arn:aws:s3:::" + b.Name, CreatedAt: isoTime(b.Created),
		DefaultServerSideEncryption: enc, Name: b.Name, Owner: map[string]string{"id": b.Account}, PublicAccess: pa, Tags: tagsOf(b.Tags)}
}

var findingTitles = map[string][2]string{
	"SensitiveData:S3Object/Multiple":         {"The S3 object contains multiple categories of sensitive information.", "The object contains more than one category of sensitive information."},
	"SensitiveData:S3Object/Financial":        {"The S3 object contains financial information.", "The object contains sensitive financial information such as credit card numbers or bank account numbers."},
	"SensitiveData:S3Object/Personal":         {"The S3 object contains personal information.", "The object contains personally identifiable information or personal health information."},
	"SensitiveData:S3Object/Credentials":      {"The S3 object contains credentials data.", "The object contains sensitive credentials data such as secret access keys or private keys."},
	"SensitiveData:S3Object/CustomIdentifier": {"The S3 object contains text that matches custom data identifiers.", "The object contains text that matches the detection criteria of one or more custom data identifiers."},
}

// sensitiveFinding is the finding for one object of a job run.
func sensitiveFinding(c *service.Call, job *jobRecord, b *s3.BucketInfo, o *s3.ObjectInfo, r *dataid.ObjectResult) *finding {
	now := isoTime(c.Now)
	tt := findingTitles[r.FindingType]
	enc := encryption{EncryptionType: "NONE"}
	if o.Encryption != "" {
		enc.EncryptionType = o.Encryption
	}
	result := r.Classification
	result.SizeClassified = o.Size
	return &finding{SchemaVersion: "1.0", ID: newID(), AccountID: c.Account(), Region: c.Region, Partition: "aws", Type: r.FindingType,
		Category: "CLASSIFICATION", Severity: severityOf(r.Severity), Title: tt[0], Description: tt[1], Count: 1,
		CreatedAt: now, UpdatedAt: now,
		ResourcesAffected: resourcesAffected{S3Bucket: bucketOf(b), S3Object: &s3Object{BucketArn: "arn:aws:s3:::" + b.Name, ETag: strings.Trim(o.ETag, `"`),
			Extension: strings.TrimPrefix(path.Ext(o.Key), "."), Key: o.Key, LastModified: isoTime(o.LastModified), Path: b.Name + "/" + o.Key,
			PublicAccess: effectivePublic(b), ServerSideEncryption: enc, Size: o.Size, StorageClass: o.StorageClass, Tags: tagsOf(o.Tags)}},
		ClassificationDetails: &classificationDetails{JobArn: job.Arn, JobID: job.ID, OriginType: "SENSITIVE_DATA_DISCOVERY_JOB", Result: result}}
}

// policyFindingID is stable per account, region, bucket and type, so a
// condition raises its finding once.
func policyFindingID(c *service.Call, bucket, typ string) string {
	h := sha256.Sum256([]byte(c.Account() + "/" + c.Region + "/" + bucket + "/" + typ))
	return hex.EncodeToString(h[:16])
}
