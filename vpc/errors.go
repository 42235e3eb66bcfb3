package vpc

import (
	"fmt"
	"strconv"
	"strings"
)

// Error is an EC2 API error: Code is EC2's error code (InvalidSubnet.Conflict,
// InvalidPermission.Duplicate, DependencyViolation, ...) and Message the text
// a caller shows. A failing mutation changes nothing.
type Error struct {
	Code    string
	Message string
}

func (e *Error) Error() string { return e.Code + ": " + e.Message }

func errf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

func notFound(kind, id string) *Error {
	codes := map[string]string{
		"vpc": "InvalidVpcID.NotFound", "subnet": "InvalidSubnetID.NotFound",
		"rtb": "InvalidRouteTableID.NotFound", "igw": "InvalidInternetGatewayID.NotFound",
		"nat": "NatGatewayNotFound", "pcx": "InvalidVpcPeeringConnectionID.NotFound",
		"pl": "InvalidPrefixListID.NotFound", "sg": "InvalidGroup.NotFound",
		"acl": "InvalidNetworkAclID.NotFound", "eni": "InvalidNetworkInterfaceID.NotFound",
		"i": "InvalidInstanceID.NotFound", "vpce": "InvalidVpcEndpointId.NotFound",
	}
	names := map[string]string{
		"vpc": "vpc ID", "subnet": "subnet ID", "rtb": "route table ID", "igw": "internet gateway ID",
		"nat": "NAT gateway ID", "pcx": "vpc peering connection ID", "pl": "prefix list ID",
		"sg": "security group", "acl": "network ACL ID", "eni": "network interface ID",
		"i": "instance ID", "vpce": "VPC endpoint ID",
	}
	return errf(codes[kind], "The %s '%s' does not exist", names[kind], id)
}

// LoadError is an error in an input file: file, position and JSON path of
// the offending value.
type LoadError struct {
	File         string
	Line, Column int // 1-based; 0 when unknown
	Path         string
	Message      string
	Err          error
}

func (e *LoadError) Error() string {
	var b strings.Builder
	b.WriteString(e.File)
	if e.Line > 0 {
		b.WriteString(":" + strconv.Itoa(e.Line) + ":" + strconv.Itoa(e.Column))
	}
	if e.Path != "" {
		b.WriteString(": " + e.Path)
	}
	b.WriteString(": " + e.Message)
	return b.String()
}

func (e *LoadError) Unwrap() error { return e.Err }
