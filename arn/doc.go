// Package arn parses and formats Amazon Resource Names
// (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference-arns.html).
//
// An ARN is "arn:partition:service:region:account-id:resource" where resource
// is "id", "type/id" or "type:id[:qualifier]" and may contain further colons
// and slashes. Region and account may be empty (S3 buckets, IAM). Wildcard
// matching of ARN patterns lives in package policy, which owns the IAM rules
// for '*' and '?' (see docs/policy-language.md).
package arn
