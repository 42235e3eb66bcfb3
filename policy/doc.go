// Package policy implements the AWS IAM policy language: Parse, Validate,
// Compile and Evaluate. See docs/policy-language.md.
package policy
