package macie2

import (
	"context"
	"strings"
	"time"

	"github.com/moatdev/moat/dataid"
	"github.com/moatdev/moat/internal/service"
	"github.com/moatdev/moat/internal/service/s3"
	"github.com/moatdev/moat/internal/store"
	"github.com/moatdev/moat/policy"
)

// GetBucketStatistics (the inventory's totals) and CreateSampleFindings.

func extraOps() []*service.Operation {
	return []*service.Operation{
		service.Op("GetBucketStatistics", "macie2:GetBucketStatistics", bucketStatistics, service.ReadOnly[GetBucketStatisticsInput]()),
		service.Op("CreateSampleFindings", "macie2:CreateSampleFindings", createSampleFindings),
	}
}

// GetBucketStatisticsInput is GetBucketStatistics' request.
type GetBucketStatisticsInput struct {
	AccountID *string `aws:"accountId"`
}

// PermissionCounts is Macie's BucketCountByEffectivePermission.
type PermissionCounts struct {
	PubliclyAccessible int64 `aws:"publiclyAccessible"`
	PubliclyReadable   int64 `aws:"publiclyReadable"`
	PubliclyWritable   int64 `aws:"publiclyWritable"`
	Unknown            int64 `aws:"unknown"`
}

// EncryptionCounts is Macie's BucketCountByEncryptionType.
type EncryptionCounts struct {
	KMSManaged  int64 `aws:"kmsManaged"`
	S3Managed   int64 `aws:"s3Managed"`
	Unencrypted int64 `aws:"unencrypted"`
	Unknown     int64 `aws:"unknown"`
}

// SharedCounts is Macie's BucketCountBySharedAccessType.
type SharedCounts struct {
	External  int64 `aws:"external"`
	Internal  int64 `aws:"internal"`
	NotShared int64 `aws:"notShared"`
	Unknown   int64 `aws:"unknown"`
}

// ObjectLevelStatistics is Macie's ObjectLevelStatistics.
type ObjectLevelStatistics struct {
	FileType     int64 `aws:"fileType"`
	StorageClass int64 `aws:"storageClass"`
	Total        int64 `aws:"total"`
}

// GetBucketStatisticsOutput is its response.
type GetBucketStatisticsOutput struct {
	BucketCount                      int64                 `aws:"bucketCount"`
	BucketCountByEffectivePermission PermissionCounts      `aws:"bucketCountByEffectivePermission"`
	BucketCountByEncryptionType      EncryptionCounts      `aws:"bucketCountByEncryptionType"`
	BucketCountBySharedAccessType    SharedCounts          `aws:"bucketCountBySharedAccessType"`
	ClassifiableObjectCount          int64                 `aws:"classifiableObjectCount"`
	ClassifiableSizeInBytes          int64                 `aws:"classifiableSizeInBytes"`
	LastUpdated                      time.Time             `aws:"lastUpdated,timestamp=iso8601"`
	ObjectCount                      int64                 `aws:"objectCount"`
	SizeInBytes                      int64                 `aws:"sizeInBytes"`
	SizeInBytesCompressed            int64                 `aws:"sizeInBytesCompressed"`
	UnclassifiableObjectCount        ObjectLevelStatistics `aws:"unclassifiableObjectCount"`
	UnclassifiableObjectSizeInBytes  ObjectLevelStatistics `aws:"unclassifiableObjectSizeInBytes"`
}

func bucketStatistics(ctx context.Context, c *service.Call, in *GetBucketStatisticsInput) (*GetBucketStatisticsOutput, error) {
	if err := enabled(ctx, c); err != nil {
		return nil, err
	}
	buckets, err := regionBuckets(ctx, c)
	if err != nil {
		return nil, err
	}
	out := &GetBucketStatisticsOutput{LastUpdated: c.Now.UTC()}
	for i := range buckets {
		b := &buckets[i]
		if in.AccountID != nil && *in.AccountID != b.Account {
			continue
		}
		md, err := metadataOf(ctx, c, b)
		if err != nil {
			continue
		}
		out.BucketCount++
		if md.PublicAccess.EffectivePermission == "PUBLIC" {
			out.BucketCountByEffectivePermission.PubliclyAccessible++
			out.BucketCountByEffectivePermission.PubliclyReadable++
			out.BucketCountByEffectivePermission.PubliclyWritable += boolInt(publicWrite(b))
		}
		switch t := md.ServerSideEncryption["type"]; {
		case t == "AES256":
			out.BucketCountByEncryptionType.S3Managed++
		case strings.HasPrefix(t, "aws:kms"):
			out.BucketCountByEncryptionType.KMSManaged++
		case t == "NONE":
			out.BucketCountByEncryptionType.Unencrypted++
		default:
			out.BucketCountByEncryptionType.Unknown++
		}
		if md.SharedAccess == "EXTERNAL" {
			out.BucketCountBySharedAccessType.External++
		} else {
			out.BucketCountBySharedAccessType.NotShared++
		}
		out.ClassifiableObjectCount += md.ClassifiableObjectCount
		out.ClassifiableSizeInBytes += md.ClassifiableSizeInBytes
		out.ObjectCount += md.ObjectCount
		out.SizeInBytes += md.SizeInBytes
		out.UnclassifiableObjectCount.FileType += md.UnclassifiableObjectCount.FileType
		out.UnclassifiableObjectCount.Total += md.UnclassifiableObjectCount.Total
		out.UnclassifiableObjectSizeInBytes.FileType += md.UnclassifiableObjectSizeInByte.FileType
		out.UnclassifiableObjectSizeInBytes.Total += md.UnclassifiableObjectSizeInByte.Total
	}
	return out, nil
}

func boolInt(b bool) int64 {
	if b {
		return 1
	}
	return 0
}

// publicWrite is moat's reading of "publicly writable": a
// public-read-write ACL, or a public policy statement allowing a Put or
// Delete action (or every action) to everyone.
func publicWrite(b *s3.BucketInfo) bool {
	if b.ACLPublic && b.ACL == "public-read-write" {
		return true
	}
	if !b.PolicyPublic {
		return false
	}
	p, err := policy.Parse([]byte(b.Policy))
	if err != nil {
		return false
	}
	for _, st := range p.Statements {
		if st.Effect != policy.Allow || st.Principal == nil || !st.Principal.Any || st.NotAction {
			continue
		}
		for _, a := range st.Actions {
			a = strings.ToLower(a)
			if a == "*" || a == "s3:*" || strings.HasPrefix(a, "s3:put") || strings.HasPrefix(a, "s3:delete") {
				return true
			}
		}
	}
	return false
}

// CreateSampleFindingsInput is CreateSampleFindings' request.
type CreateSampleFindingsInput struct {
	FindingTypes []string `aws:"findingTypes"`
}

var sampleTypes = []string{
	"SensitiveData:S3Object/Multiple", "SensitiveData:S3Object/Financial", "SensitiveData:S3Object/Personal",
	"SensitiveData:S3Object/Credentials", "SensitiveData:S3Object/CustomIdentifier",
	"Policy:IAMUser/S3BucketPublic", "Policy:IAMUser/S3BucketSharedExternally", "Policy:IAMUser/S3BucketReplicatedExternally",
	"Policy:IAMUser/S3BucketEncryptionDisabled", "Policy:IAMUser/S3BlockPublicAccessDisabled", "Policy:IAMUser/S3BucketSharedWithCloudFront",
}

// sampleText is what a sample sensitive-data finding's object "contains":
// the scanner classifies it, so the sample has real locations.
var sampleText = map[string]string{
	"SensitiveData:S3Object/Multiple":         "card: 4532015112830366\nemployee EMP-123456\n",
	"SensitiveData:S3Object/Financial":        "card: 4532015112830366\n",
	"SensitiveData:S3Object/Personal":         "passport number: 340020013\n",
	"SensitiveData:S3Object/Credentials":      "aws_secret_access_key = Zx9Kq2Lm8Np4Rs6Tu1Vw3Yb5Cd7Ef0GhIjKlMnOp\n",
	"SensitiveData:S3Object/CustomIdentifier": "employee EMP-123456\n",
}

// createSampleFindings raises one sample finding (sample: true) per type
// asked for, or of every type, on placeholder resources.
func createSampleFindings(ctx context.Context, c *service.Call, in *CreateSampleFindingsInput) (*struct{}, error) {
	types := in.FindingTypes
	if len(types) == 0 {
		types = sampleTypes
	}
	known := map[string]bool{}
	for _, t := range sampleTypes {
		known[t] = true
	}
	for _, t := range types {
		if !known[t] {
			return nil, errValidation.New("findingTypes: %q is not a Macie finding type", t)
		}
	}
	cdi, err := dataid.CompileCustom(dataid.CustomDataIdentifierInput{Name: "SampleCustomDataIdentifier", Regex: `EMP-\d{6}`, Keywords: []string{"employee"}})
	if err != nil {
		return nil, err
	}
	scanner, err := dataid.New(dataid.Config{Profile: dataid.ProfileMacie, Custom: []*dataid.CustomDataIdentifier{cdi}})
	if err != nil {
		return nil, err
	}
	b := &s3.BucketInfo{Name: "macie-sample-finding-bucket", Account: c.Account(), Region: c.Region, Created: c.Now.UTC(), Encryption: "AES256"}
	job := &jobRecord{ID: "00000000000000000000000000000000", Arn: arnOf(c, "classification-job", "00000000000000000000000000000000")}
	st := scanner.NewState()
	var fs []*finding
	for _, t := range types {
		var f *finding
		if text, ok := sampleText[t]; ok {
			o := &s3.ObjectInfo{Bucket: b.Name, Key: "sample/1.txt", Size: int64(len(text)), LastModified: c.Now.UTC(), StorageClass: "STANDARD", Encryption: "AES256"}
			r := scanner.ScanObject(st, o.Key, []byte(text), dataid.Limits{}, map[string]string{"SampleCustomDataIdentifier": arnOf(c, "custom-data-identifier", "00000000-0000-0000-0000-000000000000")})
			f = sensitiveFinding(c, job, b, o, &r)
			f.Type = t
		} else {
			p := policyText[t]
			if p.title == "" {
				p.sev, p.title, p.descr = severity{"Medium", 2}, "Sample finding: "+t, "A sample policy finding."
			}
			now := isoTime(c.Now)
			f = &finding{SchemaVersion: "1.0", ID: newID(), AccountID: c.Account(), Region: c.Region, Partition: "aws", Type: t, Category: "POLICY",
				Severity: p.sev, Title: p.title, Description: p.descr, Count: 1, CreatedAt: now, UpdatedAt: now,
				ResourcesAffected: resourcesAffected{S3Bucket: bucketOf(b)}}
		}
		f.Sample = true
		fs = append(fs, f)
	}
	err = c.Deps.Store.Update(ctx, func(tx store.Tx) error {
		if _, err := session(tx, c); err != nil {
			return err
		}
		for _, f := range fs {
			if err := putJSON(tx, TableFindings, key(c, f.ID), f); err != nil {
				return err
			}
			if err := publish(tx, c, f); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &struct{}{}, nil
}
