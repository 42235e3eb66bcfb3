package policy

import (
	"fmt"
	"strconv"
	"strings"
)

func (v *validator) resources(s *Statement) {
	elem := "Resource"
	if s.NotResource {
		elem = "NotResource"
	}
	if !s.HasResource {
		switch v.kind {
		case Identity, PermissionsBoundary, Session, SCP, RCP:
			v.at(s, "", SeverityError, "MISSING_RESOURCE", "add a Resource or NotResource element to the statement")
		}
		return
	}
	if s.NotResource && s.Effect == Allow {
		v.at(s, elem, SeverityWarning, "ALLOW_WITH_NOT_RESOURCE", "Allow with NotResource grants the actions on every resource not listed, including resources created later; list the resources you mean in Resource instead")
	}
	if len(s.Resources) == 0 {
		v.at(s, elem, SeveritySuggestion, "EMPTY_ARRAY_RESOURCE", "the %s array is empty: the statement matches no resource", elem)
	}
	for i, r := range s.Resources {
		e := elem + "[" + strconv.Itoa(i) + "]"
		for _, f := range checkResource(r, v.p.Version == "2012-10-17") {
			v.at(s, e, f.sev, f.code, "%s", f.msg)
		}
	}
}

type issue struct {
	sev  Severity
	code string
	msg  string
}

var partitions = map[string]bool{"aws": true, "aws-cn": true, "aws-us-gov": true, "aws-iso": true, "aws-iso-b": true,
	"aws-iso-e": true, "aws-iso-f": true, "aws-eusc": true}

// typedServices always have a resource-type word in their ARNs.
var typedServices = map[string]bool{"iam": true, "ec2": true, "kms": true, "lambda": true, "dynamodb": true,
	"rds": true, "ecs": true, "eks": true, "secretsmanager": true, "ssm": true, "logs": true, "cloudformation": true,
	"elasticloadbalancing": true, "autoscaling": true, "states": true, "events": true, "ecr": true, "sts": true,
	"organizations": true, "cloudwatch": true, "elasticfilesystem": true, "glue": true, "kinesis": true, "firehose": true}

func checkResource(r string, vars bool) []issue {
	if r == "*" {
		return nil
	}
	var out []issue
	if !strings.HasPrefix(r, "arn:") {
		return []issue{{SeverityError, "INVALID_ARN_PREFIX", fmt.Sprintf("the resource %q is not valid: use an ARN starting with \"arn:\" or \"*\"", r)}}
	}
	f := strings.SplitN(r, ":", 6)
	if len(f) < 6 {
		// A * that ends a segment may expand past colons (IAM User Guide,
		// Resource element): arn:aws:dynamodb:us-east-1:* and
		// arn:aws:lambda:* name every ARN after that point. The service
		// segment must still be written out.
		if len(f) < 4 || !strings.HasSuffix(r, "*") {
			return []issue{{SeverityError, "MISSING_ARN_FIELD", fmt.Sprintf("the resource %q is missing ARN fields: use arn:partition:service:region:account:resource", r)}}
		}
		for len(f) < 6 {
			f = append(f, "*")
		}
	}
	if !partitions[f[1]] && !strings.ContainsAny(f[1], "*?") && !strings.Contains(f[1], "${") {
		out = append(out, issue{SeverityError, "INVALID_PARTITION", fmt.Sprintf("the partition %q in %q is not valid", f[1], r)})
	}
	if strings.ContainsAny(f[2], "*?") {
		out = append(out, issue{SeverityError, "INVALID_ARN_RESOURCE", fmt.Sprintf("the service segment of %q may not contain wildcards", r)})
	}
	if f[2] != strings.ToLower(f[2]) {
		out = append(out, issue{SeverityError, "INVALID_ARN_SERVICE_CASE", fmt.Sprintf("the service %q in %q must be lower case", f[2], r)})
	}
	res := f[5]
	if res != "*" {
		word := res
		sep := strings.IndexAny(res, "/:")
		if sep >= 0 {
			word = res[:sep]
		}
		switch {
		case !strings.ContainsAny(word, "*?") || word == "*":
		case f[2] == "iam":
			// The IAM Resource page's example: arn:aws:iam::123456789012:u* is not allowed.
			out = append(out, issue{SeverityError, "INVALID_ARN_RESOURCE", fmt.Sprintf("the resource type in %q may not contain wildcards: write the type out (e.g. user/*)", r)})
		case sep >= 0 && typedServices[f[2]]:
			out = append(out, issue{SeverityWarning, "WILDCARD_IN_RESOURCE_TYPE", fmt.Sprintf("the resource type in %q contains a wildcard; AWS recommends writing the type out, and how such patterns match is not specified", r)})
		}
	}
	if strings.Contains(r, "${") {
		head := f[0] + f[1] + f[2] + f[3] + f[4]
		switch {
		case !vars:
			out = append(out, issue{SeverityWarning, "VARIABLE_WITHOUT_VERSION", fmt.Sprintf("%q looks like it uses a policy variable, but variables need Version 2012-10-17: it is literal text here", r)})
		case strings.Contains(head, "${"):
			out = append(out, issue{SeverityWarning, "VARIABLE_OUTSIDE_RESOURCE_PART", fmt.Sprintf("policy variables are substituted only in the resource part of an ARN (after the fifth colon); elsewhere moat keeps them as literal text: %q", r)})
		}
	}
	return out
}
