package protocol

import (
	"encoding/json"
	"time"
)

var (
	iamSvc = Service{Name: "iam", Protocol: Query, APIVersion: "2010-05-08", XMLNamespace: "https://iam.amazonaws.com/doc/2010-05-08/"}
	stsSvc = Service{Name: "sts", Protocol: Query, APIVersion: "2011-06-15", XMLNamespace: "https://sts.amazonaws.com/doc/2011-06-15/"}
	snsSvc = Service{Name: "sns", Protocol: Query, APIVersion: "2010-03-31", XMLNamespace: "http://sns.amazonaws.com/doc/2010-03-31/"}
	ec2Svc = Service{Name: "ec2", Protocol: EC2, APIVersion: "2016-11-15", XMLNamespace: "http://ec2.amazonaws.com/doc/2016-11-15/"}
	ctSvc  = Service{Name: "cloudtrail", Protocol: JSON, APIVersion: "2013-11-01", JSONVersion: "1.1", TargetPrefix: "com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101"}
	wafSvc = Service{Name: "wafv2", Protocol: JSON, APIVersion: "2019-07-29", JSONVersion: "1.1", TargetPrefix: "AWSWAF_20190729"}
	smSvc  = Service{Name: "secretsmanager", Protocol: JSON, APIVersion: "2017-10-17", JSONVersion: "1.1", TargetPrefix: "secretsmanager"}
	nfwSvc = Service{Name: "network-firewall", Protocol: JSON, APIVersion: "2020-11-12", JSONVersion: "1.0", TargetPrefix: "NetworkFirewall_20201112"}
	gdSvc  = Service{Name: "guardduty", Protocol: RESTJSON, APIVersion: "2017-11-28"}
	shSvc  = Service{Name: "securityhub", Protocol: RESTJSON, APIVersion: "2018-10-26"}
	s3Svc  = Service{Name: "s3", Protocol: RESTXML, APIVersion: "2006-03-01", XMLNamespace: "http://s3.amazonaws.com/doc/2006-03-01/"}
)

const reqID = "c0ffee00-1111-2222-3333-444455556666"

// IAM

type Tag struct {
	Key   string `aws:",required"`
	Value string `aws:",required"`
}

type CreateUserInput struct {
	Path                *string
	UserName            string `aws:",required"`
	PermissionsBoundary *string
	Tags                []Tag
}

type User struct {
	Path       string
	UserName   string
	UserID     string `aws:"UserId"`
	Arn        string
	CreateDate time.Time
	Tags       []Tag
}

type CreateUserOutput struct{ User User }

type CreateRoleInput struct {
	Path                     *string
	RoleName                 string `aws:",required"`
	AssumeRolePolicyDocument string `aws:",required"`
	Description              *string
	MaxSessionDuration       *int32
	Tags                     []Tag
}

type Role struct {
	Path                     string
	RoleName                 string
	RoleID                   string `aws:"RoleId"`
	Arn                      string
	CreateDate               time.Time
	AssumeRolePolicyDocument string
	Description              string `aws:",omitempty"`
	MaxSessionDuration       *int32
}

type CreateRoleOutput struct{ Role Role }

type TagRoleInput struct {
	RoleName string `aws:",required"`
	Tags     []Tag  `aws:",required"`
}

type ListUsersInput struct {
	PathPrefix *string
	Marker     *string
	MaxItems   *int32
}

type ListUsersOutput struct {
	IsTruncated bool
	Marker      *string
	Users       []User
}

type PutRolePolicyInput struct {
	RoleName       string `aws:",required"`
	PolicyName     string `aws:",required"`
	PolicyDocument string `aws:",required"`
}

type CreateLoginProfileInput struct {
	UserName              string `aws:",required"`
	Password              string `aws:",required,sensitive"`
	PasswordResetRequired *bool
}

type AccessKey struct {
	UserName        string
	AccessKeyID     string `aws:"AccessKeyId"`
	Status          string
	SecretAccessKey string `aws:",sensitive"`
	CreateDate      time.Time
}

type CreateAccessKeyOutput struct{ AccessKey AccessKey }

// STS

type GetCallerIdentityOutput struct {
	Arn     string
	UserID  string `aws:"UserId"`
	Account string
}

type GetCallerIdentityJSONOutput struct {
	Account string
	Arn     string
	UserID  string `aws:"UserId"`
}

type AssumeRoleInput struct {
	RoleArn         string `aws:",required"`
	RoleSessionName string `aws:",required"`
	DurationSeconds *int32
	Policy          *string
	PolicyArns      []PolicyDescriptor
	ExternalID      *string `aws:"ExternalId"`
}

type PolicyDescriptor struct{ Arn string }

type AssumedRoleUser struct {
	AssumedRoleID string `aws:"AssumedRoleId"`
	Arn           string
}

type Credentials struct {
	AccessKeyID     string `aws:"AccessKeyId"`
	SecretAccessKey string `aws:",sensitive"`
	SessionToken    string
	Expiration      time.Time `aws:",trailtime=comma"`
}

type AssumeRoleOutput struct {
	AssumedRoleUser  *AssumedRoleUser
	Credentials      *Credentials
	PackedPolicySize *int32
}

// SNS

type CreateTopicInput struct {
	Name       string `aws:",required"`
	Attributes map[string]string
	Tags       []Tag
}

type CreateTopicOutput struct{ TopicArn string }

type GetTopicAttributesOutput struct{ Attributes map[string]string }

// EC2

type Filter struct {
	Name   string
	Values []string `aws:"Value"`
}

type DescribeSecurityGroupsInput struct {
	Filters    []Filter `aws:"Filter"`
	GroupIDs   []string `aws:"GroupId"`
	GroupNames []string `aws:"GroupName"`
	DryRun     *bool
	NextToken  *string
	MaxResults *int32
}

type IPRange struct {
	CidrIP      string  `aws:"cidrIp"`
	Description *string `aws:"description"`
}

type IPPermission struct {
	IPProtocol    string    `aws:"ipProtocol"`
	FromPort      *int32    `aws:"fromPort"`
	ToPort        *int32    `aws:"toPort"`
	Groups        []string  `aws:"groups"`
	IPRanges      []IPRange `aws:"ipRanges"`
	IPv6Ranges    []IPRange `aws:"ipv6Ranges"`
	PrefixListIDs []string  `aws:"prefixListIds"`
}

type SecurityGroup struct {
	OwnerID             string         `aws:"ownerId"`
	GroupID             string         `aws:"groupId"`
	GroupName           string         `aws:"groupName"`
	Description         string         `aws:"groupDescription"`
	VpcID               string         `aws:"vpcId"`
	IPPermissions       []IPPermission `aws:"ipPermissions"`
	IPPermissionsEgress []IPPermission `aws:"ipPermissionsEgress"`
	SecurityGroupArn    string         `aws:"securityGroupArn"`
}

type DescribeSecurityGroupsOutput struct {
	SecurityGroups []SecurityGroup `aws:"securityGroupInfo"`
	NextToken      *string         `aws:"nextToken"`
}

type CreateSecurityGroupInput struct {
	GroupName   string  `aws:",required"`
	Description string  `aws:"GroupDescription,required"`
	VpcID       *string `aws:"VpcId"`
}

// json services

type LookupAttribute struct {
	AttributeKey   string `aws:",required"`
	AttributeValue string `aws:",required"`
}

type LookupEventsInput struct {
	LookupAttributes []LookupAttribute
	StartTime        *time.Time
	EndTime          *time.Time
	MaxResults       *int32
	NextToken        *string
}

type Event struct {
	EventID         string `aws:"EventId"`
	EventName       string
	EventTime       time.Time
	CloudTrailEvent string
	ReadOnly        *string
}

type LookupEventsOutput struct {
	Events    []Event
	NextToken *string
}

type ListWebACLsInput struct {
	Scope      string `aws:",required"`
	NextMarker *string
	Limit      *int32
}

type WebACLSummary struct {
	Name        string
	ID          string `aws:"Id"`
	Description string
	LockToken   string
	ARN         string
}

type ListWebACLsOutput struct {
	NextMarker string
	WebACLs    []WebACLSummary
}

type DescribeSecretOutput struct {
	ARN                string
	Name               string
	CreatedDate        time.Time
	LastChangedDate    time.Time
	VersionIDsToStages map[string][]string `aws:"VersionIdsToStages"`
}

type PutEventsEntry struct {
	Source     string
	DetailType string `aws:"DetailType"`
	Detail     json.RawMessage
	Resources  []string
	Blob       []byte
}

type PutEventsInput struct {
	Entries []PutEventsEntry `aws:",required"`
}

// rest-json

type ListDetectorsInput struct {
	MaxResults *int32  `aws:"maxResults,location=querystring"`
	NextToken  *string `aws:"nextToken,location=querystring"`
}

type ListDetectorsOutput struct {
	DetectorIDs []string `aws:"detectorIds"`
	NextToken   *string  `aws:"nextToken"`
}

type GetDetectorInput struct {
	DetectorID string `aws:"DetectorId,location=uri,required"`
}

type GetDetectorOutput struct {
	CreatedAt string            `aws:"createdAt"`
	Status    string            `aws:"status"`
	Tags      map[string]string `aws:"tags"`
	UpdatedAt *time.Time        `aws:"updatedAt"`
}

type CreateDetectorInput struct {
	ClientToken *string `aws:"clientToken"`
	Enable      *bool   `aws:"enable,required"`
	Features    []struct {
		Name   string `aws:"name"`
		Status string `aws:"status"`
	} `aws:"features"`
}

type CreateDetectorOutput struct {
	DetectorID string `aws:"detectorId"`
	Status     int    `aws:",location=statuscode"`
}

type StringFilter struct {
	Value      string
	Comparison string
}

type GetFindingsInput struct {
	Filters *struct {
		SeverityLabel []StringFilter
	}
	MaxResults *int32
	NextToken  *string
}

// rest-xml (S3)

type S3Tag struct {
	Key   string
	Value string
}

type Tagging struct {
	XMLName struct{} `aws:"Tagging"`
	TagSet  []S3Tag  `aws:",member=Tag"`
}

type PutBucketTaggingInput struct {
	Bucket     string   `aws:",location=uri,required"`
	ContentMD5 *string  `aws:"Content-MD5,location=header"`
	Tagging    *Tagging `aws:",location=payload,required"`
}

type PutBucketPolicyInput struct {
	Bucket string `aws:",location=uri,required"`
	Policy string `aws:",location=payload,required"`
}

type GetBucketPolicyOutput struct {
	Policy string `aws:",location=payload"`
}

type PutObjectInput struct {
	Bucket        string            `aws:",location=uri,required"`
	Key           string            `aws:",location=uri,required"`
	ContentLength *int64            `aws:"Content-Length,location=header"`
	Metadata      map[string]string `aws:"x-amz-meta-,location=headers-prefix"`
	Body          []byte            `aws:",location=payload"`
}

type PutObjectOutput struct {
	ETag      *string `aws:"ETag,location=header"`
	VersionID *string `aws:"x-amz-version-id,location=header"`
}

type Object struct {
	Key          string
	LastModified time.Time
	ETag         string
	Size         int64
	StorageClass string
}

type ListObjectsV2Output struct {
	XMLName               struct{} `aws:"ListBucketResult"`
	Name                  string
	Prefix                string
	KeyCount              int
	MaxKeys               int
	IsTruncated           bool
	Contents              []Object `aws:",flattened"`
	NextContinuationToken *string
}

type ListObjectsV2Input struct {
	Bucket            string  `aws:",location=uri,required"`
	ListType          *int    `aws:"list-type,location=querystring"`
	ContinuationToken *string `aws:"continuation-token,location=querystring"`
	MaxKeys           *int    `aws:"max-keys,location=querystring"`
}

type HeadObjectOutput struct {
	ContentLength *int64     `aws:"Content-Length,location=header"`
	LastModified  *time.Time `aws:"Last-Modified,location=header"`
}
