package asff

import (
	"encoding/json"
	"maps"
	"slices"
)

// ResourceDetails holds the resource detail objects moat's filters read
// (AwsEc2Instance, AwsIamAccessKey, AwsIamUser, AwsS3Bucket, Container,
// Other); every other detail type AWS defines (there are well over a hundred)
// is kept verbatim in Rest so nothing a provider sent is lost.
type ResourceDetails struct {
	AwsEc2Instance  *AwsEc2InstanceDetails  `json:"AwsEc2Instance,omitempty"`
	AwsIamAccessKey *AwsIamAccessKeyDetails `json:"AwsIamAccessKey,omitempty"`
	AwsIamUser      *AwsIamUserDetails      `json:"AwsIamUser,omitempty"`
	AwsS3Bucket     *AwsS3BucketDetails     `json:"AwsS3Bucket,omitempty"`
	Container       *ContainerDetails       `json:"Container,omitempty"`
	Other           map[string]string       `json:"Other,omitempty"`

	// Rest holds the detail members not modelled above, by their AWS name.
	Rest map[string]json.RawMessage `json:"-"`
}

// AwsEc2InstanceDetails is the filterable part of an EC2 instance's details.
type AwsEc2InstanceDetails struct {
	Type                  string          `json:"Type,omitempty"`
	ImageId               string          `json:"ImageId,omitempty"`
	IpV4Addresses         []string        `json:"IpV4Addresses,omitempty"`
	IpV6Addresses         []string        `json:"IpV6Addresses,omitempty"`
	KeyName               string          `json:"KeyName,omitempty"`
	IamInstanceProfileArn string          `json:"IamInstanceProfileArn,omitempty"`
	VpcId                 string          `json:"VpcId,omitempty"`
	SubnetId              string          `json:"SubnetId,omitempty"`
	LaunchedAt            string          `json:"LaunchedAt,omitempty"`
	MetadataOptions       json.RawMessage `json:"MetadataOptions,omitempty"`
	NetworkInterfaces     json.RawMessage `json:"NetworkInterfaces,omitempty"`
	VirtualizationType    string          `json:"VirtualizationType,omitempty"`
	Monitoring            json.RawMessage `json:"Monitoring,omitempty"`
}

// AwsIamAccessKeyDetails is the filterable part of an access key's details.
type AwsIamAccessKeyDetails struct {
	AccessKeyId    string          `json:"AccessKeyId,omitempty"`
	AccountId      string          `json:"AccountId,omitempty"`
	CreatedAt      string          `json:"CreatedAt,omitempty"`
	PrincipalId    string          `json:"PrincipalId,omitempty"`
	PrincipalName  string          `json:"PrincipalName,omitempty"`
	PrincipalType  string          `json:"PrincipalType,omitempty"`
	Status         string          `json:"Status,omitempty"`
	UserName       string          `json:"UserName,omitempty"` // deprecated by AWS
	SessionContext json.RawMessage `json:"SessionContext,omitempty"`
}

// AwsIamUserDetails is the filterable part of an IAM user's details.
type AwsIamUserDetails struct {
	UserName                string          `json:"UserName,omitempty"`
	UserId                  string          `json:"UserId,omitempty"`
	Path                    string          `json:"Path,omitempty"`
	CreateDate              string          `json:"CreateDate,omitempty"`
	GroupList               []string        `json:"GroupList,omitempty"`
	AttachedManagedPolicies json.RawMessage `json:"AttachedManagedPolicies,omitempty"`
	PermissionsBoundary     json.RawMessage `json:"PermissionsBoundary,omitempty"`
	UserPolicyList          json.RawMessage `json:"UserPolicyList,omitempty"`
}

// AwsS3BucketDetails is the filterable part of a bucket's details; the
// bucket's configuration objects stay raw.
type AwsS3BucketDetails struct {
	Name           string                     `json:"Name,omitempty"`
	OwnerId        string                     `json:"OwnerId,omitempty"`
	OwnerName      string                     `json:"OwnerName,omitempty"`
	OwnerAccountId string                     `json:"OwnerAccountId,omitempty"`
	CreatedAt      string                     `json:"CreatedAt,omitempty"`
	Rest           map[string]json.RawMessage `json:"-"`
}

// ContainerDetails is the filterable part of a container's details.
type ContainerDetails struct {
	Name             string          `json:"Name,omitempty"`
	ImageId          string          `json:"ImageId,omitempty"`
	ImageName        string          `json:"ImageName,omitempty"`
	LaunchedAt       string          `json:"LaunchedAt,omitempty"`
	ContainerRuntime string          `json:"ContainerRuntime,omitempty"`
	Privileged       *bool           `json:"Privileged,omitempty"`
	VolumeMounts     json.RawMessage `json:"VolumeMounts,omitempty"`
}

var detailKnown = []string{"AwsEc2Instance", "AwsIamAccessKey", "AwsIamUser", "AwsS3Bucket", "Container", "Other"}

// UnmarshalJSON decodes the modelled members and keeps the rest.
func (d *ResourceDetails) UnmarshalJSON(b []byte) error {
	type plain ResourceDetails
	var p plain
	if err := json.Unmarshal(b, &p); err != nil {
		return err
	}
	var all map[string]json.RawMessage
	if err := json.Unmarshal(b, &all); err != nil {
		return err
	}
	for _, k := range detailKnown {
		delete(all, k)
	}
	if len(all) > 0 {
		p.Rest = all
	}
	*d = ResourceDetails(p)
	return nil
}

// MarshalJSON writes the modelled members and the kept ones.
func (d ResourceDetails) MarshalJSON() ([]byte, error) {
	type plain ResourceDetails
	return mergeRest(plain(d), d.Rest)
}

var bucketKnown = []string{"Name", "OwnerId", "OwnerName", "OwnerAccountId", "CreatedAt"}

// UnmarshalJSON decodes the modelled members and keeps the rest.
func (d *AwsS3BucketDetails) UnmarshalJSON(b []byte) error {
	type plain AwsS3BucketDetails
	var p plain
	if err := json.Unmarshal(b, &p); err != nil {
		return err
	}
	var all map[string]json.RawMessage
	if err := json.Unmarshal(b, &all); err != nil {
		return err
	}
	for _, k := range bucketKnown {
		delete(all, k)
	}
	if len(all) > 0 {
		p.Rest = all
	}
	*d = AwsS3BucketDetails(p)
	return nil
}

// MarshalJSON writes the modelled members and the kept ones.
func (d AwsS3BucketDetails) MarshalJSON() ([]byte, error) {
	type plain AwsS3BucketDetails
	return mergeRest(plain(d), d.Rest)
}

func mergeRest(v any, rest map[string]json.RawMessage) ([]byte, error) {
	b, err := json.Marshal(v)
	if err != nil || len(rest) == 0 {
		return b, err
	}
	var all map[string]json.RawMessage
	if err := json.Unmarshal(b, &all); err != nil {
		return nil, err
	}
	for _, k := range slices.Sorted(maps.Keys(rest)) {
		if _, ok := all[k]; !ok {
			all[k] = rest[k]
		}
	}
	return json.Marshal(all)
}
