package s3

import (
	"errors"
	"strings"

	"github.com/moatdev/moat/policy"
)

// validBucketPolicy checks a bucket policy as S3 does on PutBucketPolicy,
// with S3's MalformedPolicy messages; moat's policy parser adds where the
// problem is (line and column).
func validBucketPolicy(bucketName, doc string) error {
	p, err := policy.Parse([]byte(doc))
	if err != nil {
		var pe *policy.Error
		if errors.As(err, &pe) && pe.Code == "JSON_SYNTAX_ERROR" {
			return errMalformedPolicy.New("This policy contains invalid Json (%s)", pe.Error())
		}
		return errMalformedPolicy.New("%s", err.Error())
	}
	for _, st := range p.Statements {
		if st.Principal == nil {
			return errMalformedPolicy.New("Missing required field Principal")
		}
		if !st.HasResource {
			return errMalformedPolicy.New("Missing required field Resource")
		}
		for _, a := range st.Actions {
			if a != "*" && !strings.HasPrefix(strings.ToLower(a), "s3:") {
				return errMalformedPolicy.New("Policy has invalid action")
			}
		}
		for _, r := range st.Resources {
			if r == "*" {
				continue
			}
			name, _, _ := strings.Cut(strings.TrimPrefix(r, "arn:aws:s3:::"), "/")
			if !strings.HasPrefix(r, "arn:aws:s3:::") || !policy.WildcardMatch(name, bucketName) {
				return errMalformedPolicy.New("Policy has invalid resource")
			}
		}
	}
	if _, err := policy.Compile(p, policy.Resource); err != nil {
		return errMalformedPolicy.New("%s", err.Error())
	}
	return nil
}

// isPublicPolicy reports whether S3 considers the bucket policy public
// (policy.S3Public). An unparsable policy is not public: PutBucketPolicy
// refuses it first.
func isPublicPolicy(doc string) bool {
	p, err := policy.Parse([]byte(doc))
	return err == nil && policy.S3Public(p)
}
