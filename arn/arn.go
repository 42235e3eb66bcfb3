package arn

import (
	"errors"
	"fmt"
	"strings"
)

// ARN is an Amazon Resource Name split into its six colon-separated fields.
// Resource is everything after the fifth colon and may itself contain ':' and '/'.
type ARN struct {
	Partition, Service, Region, AccountID, Resource string
}

// ErrMalformed is wrapped by every error Parse returns.
var ErrMalformed = errors.New("malformed ARN")

// Parse splits "arn:partition:service:region:account:resource". Region and
// account may be empty (S3 buckets, IAM); partition, service and resource may not.
func Parse(s string) (ARN, error) {
	if !strings.HasPrefix(s, "arn:") {
		return ARN{}, fmt.Errorf("%w: %q does not start with \"arn:\"", ErrMalformed, s)
	}
	var f [5]string
	rest := s[len("arn:"):]
	for i := 0; i < 4; i++ {
		j := strings.IndexByte(rest, ':')
		if j < 0 {
			return ARN{}, fmt.Errorf("%w: %q has %d of 6 colon-separated fields", ErrMalformed, s, i+2)
		}
		f[i], rest = rest[:j], rest[j+1:]
	}
	f[4] = rest
	a := ARN{Partition: f[0], Service: f[1], Region: f[2], AccountID: f[3], Resource: f[4]}
	switch {
	case a.Partition == "":
		return ARN{}, fmt.Errorf("%w: %q has an empty partition", ErrMalformed, s)
	case a.Service == "":
		return ARN{}, fmt.Errorf("%w: %q has an empty service", ErrMalformed, s)
	case a.Resource == "":
		return ARN{}, fmt.Errorf("%w: %q has an empty resource", ErrMalformed, s)
	}
	return a, nil
}

// String formats the ARN; String(Parse(s)) == s for every s Parse accepts.
func (a ARN) String() string {
	return "arn:" + a.Partition + ":" + a.Service + ":" + a.Region + ":" + a.AccountID + ":" + a.Resource
}

// ResourceType returns the resource-type word of Resource: the text before the
// first '/' or ':' ("user" in "user/alice"), or "" when Resource has neither.
func (a ARN) ResourceType() string {
	if i := strings.IndexAny(a.Resource, "/:"); i >= 0 {
		return a.Resource[:i]
	}
	return ""
}
