package posture

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
)

// EC2State is what `aws ec2 describe-*` outputs in one directory say. Each
// JSON file is recognised by its top-level member, so files may be named
// freely and several regions may be exported side by side.
type EC2State struct {
	SecurityGroups []SecurityGroup `json:"SecurityGroups"`
	NetworkAcls    []NetworkAcl    `json:"NetworkAcls"`
	Instances      []Instance      `json:"-"`
	Vpcs           []Vpc           `json:"Vpcs"`
	FlowLogs       []FlowLog       `json:"FlowLogs"`
	RouteTables    []RouteTable    `json:"RouteTables"`
	Subnets        []Subnet        `json:"Subnets"`
	Volumes        []Volume        `json:"Volumes"`
	Addresses      []Address       `json:"Addresses"`
	// EbsEncryptionByDefault holds one value per get-ebs-encryption-by-default
	// file (one per region exported).
	EbsEncryptionByDefault []bool `json:"-"`

	// Seen records which outputs were present, by top-level member name
	// (a check that needs an output it lacks reports NOT_AVAILABLE).
	Seen map[string]bool `json:"-"`
	// Skipped lists JSON files in the directory that are not describe-* outputs.
	Skipped []string `json:"-"`
}

// SecurityGroup is one item of describe-security-groups.
type SecurityGroup struct {
	GroupId             string         `json:"GroupId"`
	GroupName           string         `json:"GroupName"`
	VpcId               string         `json:"VpcId"`
	OwnerId             string         `json:"OwnerId"`
	IpPermissions       []IpPermission `json:"IpPermissions"`
	IpPermissionsEgress []IpPermission `json:"IpPermissionsEgress"`
}

// IpPermission is one security group rule set.
type IpPermission struct {
	IpProtocol string `json:"IpProtocol"`
	FromPort   *int   `json:"FromPort"`
	ToPort     *int   `json:"ToPort"`
	IpRanges   []struct {
		CidrIp string `json:"CidrIp"`
	} `json:"IpRanges"`
	Ipv6Ranges []struct {
		CidrIpv6 string `json:"CidrIpv6"`
	} `json:"Ipv6Ranges"`
}

// NetworkAcl is one item of describe-network-acls.
type NetworkAcl struct {
	NetworkAclId string     `json:"NetworkAclId"`
	VpcId        string     `json:"VpcId"`
	IsDefault    bool       `json:"IsDefault"`
	OwnerId      string     `json:"OwnerId"`
	Entries      []AclEntry `json:"Entries"`
	Associations []struct {
		SubnetId string `json:"SubnetId"`
	} `json:"Associations"`
}

// AclEntry is one NACL rule.
type AclEntry struct {
	RuleNumber    int    `json:"RuleNumber"`
	Protocol      string `json:"Protocol"`
	RuleAction    string `json:"RuleAction"`
	Egress        bool   `json:"Egress"`
	CidrBlock     string `json:"CidrBlock"`
	Ipv6CidrBlock string `json:"Ipv6CidrBlock"`
	PortRange     *struct {
		From int `json:"From"`
		To   int `json:"To"`
	} `json:"PortRange"`
}

// Instance is one instance of describe-instances.
type Instance struct {
	InstanceId      string `json:"InstanceId"`
	OwnerId         string `json:"-"`
	VpcId           string `json:"VpcId"`
	PublicIpAddress string `json:"PublicIpAddress"`
	State           struct {
		Name string `json:"Name"`
	} `json:"State"`
	MetadataOptions *struct {
		HttpTokens   string `json:"HttpTokens"`
		HttpEndpoint string `json:"HttpEndpoint"`
	} `json:"MetadataOptions"`
	IamInstanceProfile *struct {
		Arn string `json:"Arn"`
	} `json:"IamInstanceProfile"`
	VirtualizationType string `json:"VirtualizationType"`
	NetworkInterfaces  []struct {
		NetworkInterfaceId string `json:"NetworkInterfaceId"`
	} `json:"NetworkInterfaces"`
}

// Subnet is one item of describe-subnets.
type Subnet struct {
	SubnetId            string `json:"SubnetId"`
	VpcId               string `json:"VpcId"`
	OwnerId             string `json:"OwnerId"`
	MapPublicIpOnLaunch bool   `json:"MapPublicIpOnLaunch"`
}

// Volume is one item of describe-volumes.
type Volume struct {
	VolumeId    string `json:"VolumeId"`
	Encrypted   bool   `json:"Encrypted"`
	Attachments []struct {
		InstanceId string `json:"InstanceId"`
		State      string `json:"State"`
	} `json:"Attachments"`
}

// Address is one item of describe-addresses.
type Address struct {
	AllocationId  string `json:"AllocationId"`
	PublicIp      string `json:"PublicIp"`
	AssociationId string `json:"AssociationId"`
}

// Vpc is one item of describe-vpcs.
type Vpc struct {
	VpcId     string `json:"VpcId"`
	OwnerId   string `json:"OwnerId"`
	IsDefault bool   `json:"IsDefault"`
	CidrBlock string `json:"CidrBlock"`
}

// FlowLog is one item of describe-flow-logs.
type FlowLog struct {
	FlowLogId     string `json:"FlowLogId"`
	ResourceId    string `json:"ResourceId"`
	FlowLogStatus string `json:"FlowLogStatus"`
	TrafficType   string `json:"TrafficType"`
}

// RouteTable is one item of describe-route-tables.
type RouteTable struct {
	RouteTableId string `json:"RouteTableId"`
	VpcId        string `json:"VpcId"`
	Routes       []struct {
		DestinationCidrBlock     string `json:"DestinationCidrBlock"`
		DestinationIpv6CidrBlock string `json:"DestinationIpv6CidrBlock"`
		VpcPeeringConnectionId   string `json:"VpcPeeringConnectionId"`
		State                    string `json:"State"`
	} `json:"Routes"`
}

// ec2Members are the top-level members moat recognises.
var ec2Members = []string{"SecurityGroups", "NetworkAcls", "Reservations", "Vpcs", "FlowLogs", "RouteTables", "EbsEncryptionByDefault", "Subnets", "Volumes", "Addresses"}

// LoadEC2Dir reads every *.json file of dir.
func LoadEC2Dir(dir string) (*EC2State, error) {
	names, err := filepath.Glob(filepath.Join(dir, "*.json"))
	if err != nil {
		return nil, err
	}
	if _, err := os.Stat(dir); err != nil {
		return nil, &InputError{File: dir, Message: err.Error(), Err: err}
	}
	sort.Strings(names)
	st := &EC2State{Seen: map[string]bool{}}
	for _, name := range names {
		data, err := os.ReadFile(name)
		if err != nil {
			return nil, &InputError{File: name, Message: err.Error(), Err: err}
		}
		if err := st.Add(name, data); err != nil {
			return nil, err
		}
	}
	if len(st.Seen) == 0 {
		return nil, &InputError{File: dir, Message: fmt.Sprintf("no describe-* output found (looked for *.json files with one of %s)", strings.Join(ec2Members, ", "))}
	}
	return st, nil
}

// Add merges one describe-* output into the state.
func (st *EC2State) Add(file string, data []byte) error {
	if st.Seen == nil {
		st.Seen = map[string]bool{}
	}
	var top map[string]json.RawMessage
	if err := decodeJSON(file, data, &top); err != nil {
		return err
	}
	found := false
	for _, m := range ec2Members {
		if _, ok := top[m]; ok {
			found = true
			st.Seen[m] = true
		}
	}
	if !found {
		keys := make([]string, 0, len(top))
		for k := range top {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		st.Skipped = append(st.Skipped, fmt.Sprintf("%s (top-level members: %s)", file, strings.Join(keys, ", ")))
		return nil
	}
	var part struct {
		EC2State
		Reservations []struct {
			OwnerId   string     `json:"OwnerId"`
			Instances []Instance `json:"Instances"`
		} `json:"Reservations"`
		EbsEncryptionByDefault *bool `json:"EbsEncryptionByDefault"`
	}
	if err := decodeJSON(file, data, &part); err != nil {
		return err
	}
	st.SecurityGroups = append(st.SecurityGroups, part.SecurityGroups...)
	st.NetworkAcls = append(st.NetworkAcls, part.NetworkAcls...)
	st.Vpcs = append(st.Vpcs, part.Vpcs...)
	st.FlowLogs = append(st.FlowLogs, part.FlowLogs...)
	st.RouteTables = append(st.RouteTables, part.RouteTables...)
	st.Subnets = append(st.Subnets, part.Subnets...)
	st.Volumes = append(st.Volumes, part.Volumes...)
	st.Addresses = append(st.Addresses, part.Addresses...)
	for _, r := range part.Reservations {
		for _, in := range r.Instances {
			in.OwnerId = r.OwnerId
			st.Instances = append(st.Instances, in)
		}
	}
	if part.EbsEncryptionByDefault != nil {
		st.EbsEncryptionByDefault = append(st.EbsEncryptionByDefault, *part.EbsEncryptionByDefault)
	}
	return nil
}
