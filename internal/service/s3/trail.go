package s3

import (
	"encoding/json"

	"github.com/moatdev/moat/internal/service"
)

// CloudTrail records S3 calls in its own shape (CloudTrail User Guide,
// "Amazon S3 information in CloudTrail"): requestParameters name the
// bucket as bucketName and the object as key, carry the sub-resource
// ("policy": "", "publicAccessBlock": "") and the documents the call sent;
// a few calls have another eventName. GuardDuty's S3 findings and
// EventBridge rules read these names. Host is left out: moat serves many
// host names.

// eventNames are CloudTrail's names where they differ from the operation's.
var eventNames = map[string]string{
	"PutPublicAccessBlock":    "PutBucketPublicAccessBlock",
	"GetPublicAccessBlock":    "GetBucketPublicAccessBlock",
	"DeletePublicAccessBlock": "DeleteBucketPublicAccessBlock",
	"ListObjectsV2":           "ListObjects",
}

// subResources are the empty query parameters CloudTrail shows per call.
var subResources = map[string]string{
	"PutBucketPolicy": "policy", "GetBucketPolicy": "policy", "DeleteBucketPolicy": "policy", "GetBucketPolicyStatus": "policyStatus",
	"PutPublicAccessBlock": "publicAccessBlock", "GetPublicAccessBlock": "publicAccessBlock", "DeletePublicAccessBlock": "publicAccessBlock",
	"PutBucketAcl": "acl", "GetBucketAcl": "acl", "PutBucketLogging": "logging", "GetBucketLogging": "logging",
	"PutBucketEncryption": "encryption", "GetBucketEncryption": "encryption", "DeleteBucketEncryption": "encryption",
	"PutBucketVersioning": "versioning", "GetBucketVersioning": "versioning", "PutBucketTagging": "tagging", "GetBucketTagging": "tagging",
	"DeleteBucketTagging": "tagging", "PutBucketOwnershipControls": "ownershipControls", "GetBucketOwnershipControls": "ownershipControls",
	"DeleteBucketOwnershipControls": "ownershipControls", "GetBucketLocation": "location", "DeleteObjects": "delete",
	"PutObjectTagging": "tagging", "GetObjectTagging": "tagging", "DeleteObjectTagging": "tagging", "CreateMultipartUpload": "uploads",
}

// trailShape sets an operation's CloudTrail eventName and parameters.
func trailShape(o *service.Operation) {
	o.EventName = eventNames[o.Name]
	sub := subResources[o.Name]
	o.TrailParameters = func(in any) any {
		return trailParameters(in, sub)
	}
}

const xmlns = Namespace

func trailParameters(in any, sub string) map[string]any {
	m := map[string]any{}
	if t, ok := in.(target); ok {
		b, k := t.ref()
		m["bucketName"] = b
		if k != "" {
			m["key"] = k
		}
	}
	if sub != "" {
		m[sub] = ""
	}
	switch v := in.(type) {
	case *CreateBucketInput:
		m["bucketName"] = v.Bucket
		if v.Configuration != nil && v.Configuration.LocationConstraint != nil {
			m["CreateBucketConfiguration"] = map[string]any{"xmlns": xmlns, "LocationConstraint": *v.Configuration.LocationConstraint}
		}
		if v.ACL != nil {
			m["x-amz-acl"] = []string{*v.ACL}
		}
	case *PolicyInput:
		var doc any
		if json.Unmarshal([]byte(v.Policy), &doc) == nil {
			m["bucketPolicy"] = doc
		}
	case *PutPublicAccessBlockInput:
		if c := v.Configuration; c != nil {
			m["PublicAccessBlockConfiguration"] = map[string]any{"xmlns": xmlns, "BlockPublicAcls": isTrue(c.BlockPublicAcls), "IgnorePublicAcls": isTrue(c.IgnorePublicAcls),
				"BlockPublicPolicy": isTrue(c.BlockPublicPolicy), "RestrictPublicBuckets": isTrue(c.RestrictPublicBuckets)}
		}
	case *PutBucketACLInput:
		if v.ACL != nil {
			m["x-amz-acl"] = []string{*v.ACL}
		}
	case *PutBucketLoggingInput:
		status := map[string]any{"xmlns": xmlns}
		if v.Status != nil && v.Status.LoggingEnabled != nil {
			status["LoggingEnabled"] = map[string]any{"TargetBucket": v.Status.LoggingEnabled.TargetBucket, "TargetPrefix": v.Status.LoggingEnabled.TargetPrefix}
		}
		m["BucketLoggingStatus"] = status
	case *PutBucketVersioningInput:
		if c := v.Configuration; c != nil {
			vc := map[string]any{"xmlns": xmlns}
			if c.Status != nil {
				vc["Status"] = *c.Status
			}
			if c.MfaDelete != nil {
				vc["MfaDelete"] = *c.MfaDelete
			}
			m["VersioningConfiguration"] = vc
		}
	case *PutBucketEncryptionInput:
		if c := v.Configuration; c != nil && len(c.Rules) > 0 && c.Rules[0].ApplyServerSideEncryptionByDefault != nil {
			m["ServerSideEncryptionConfiguration"] = map[string]any{"xmlns": xmlns, "Rule": map[string]any{
				"ApplyServerSideEncryptionByDefault": map[string]any{"SSEAlgorithm": c.Rules[0].ApplyServerSideEncryptionByDefault.SSEAlgorithm}}}
		}
	case *ListObjectsV2Input:
		m["list-type"] = "2"
		listParams(m, v.Prefix, v.Delimiter, v.EncodingType)
	case *ListObjectsInput:
		listParams(m, v.Prefix, v.Delimiter, v.EncodingType)
	case *DeleteObjectsInput:
		m["bucketName"] = v.Bucket
	case *CopyObjectInput:
		m["x-amz-copy-source"] = v.CopySource
	case *UploadPartInput:
		m["partNumber"], m["uploadId"] = v.PartNumber, v.UploadID
	case *CompleteMultipartUploadInput:
		m["uploadId"] = v.UploadID
	case *UploadIDInput:
		m["uploadId"] = v.UploadID
	}
	return m
}

func listParams(m map[string]any, prefix, delimiter, enc *string) {
	for k, p := range map[string]*string{"prefix": prefix, "delimiter": delimiter, "encoding-type": enc} {
		if p != nil {
			m[k] = *p
		}
	}
}

func isTrue(b *bool) bool { return b != nil && *b }
