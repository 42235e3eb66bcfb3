package wafv2

import (
	"context"
	"encoding/json"
	"regexp"
	"sort"
	"strings"

	"github.com/moatdev/moat/internal/service"
	"github.com/moatdev/moat/internal/store"
)

func associationOps() []*service.Operation {
	byResource := func(_ context.Context, _ *service.Call, in *ResourceArnInput) (string, error) {
		return in.ResourceArn, nil
	}
	return []*service.Operation{
		service.Op("AssociateWebACL", "wafv2:AssociateWebACL", associateWebACL,
			service.Resource(func(_ context.Context, _ *service.Call, in *AssociateWebACLInput) (string, error) {
				return in.WebACLArn, nil
			})),
		service.Op("DisassociateWebACL", "wafv2:DisassociateWebACL", disassociateWebACL, service.Resource(byResource)),
		service.Op("GetWebACLForResource", "wafv2:GetWebACLForResource", getWebACLForResource, service.ReadOnly[ResourceArnInput](), service.Resource(byResource)),
		service.Op("ListResourcesForWebACL", "wafv2:ListResourcesForWebACL", listResourcesForWebACL, service.ReadOnly[ListResourcesForWebACLInput](),
			service.Resource(func(_ context.Context, _ *service.Call, in *ListResourcesForWebACLInput) (string, error) {
				return in.WebACLArn, nil
			})),
		service.Op("PutLoggingConfiguration", "wafv2:PutLoggingConfiguration", putLogging,
			service.Resource(func(_ context.Context, _ *service.Call, in *LoggingConfigurationInput) (string, error) {
				return in.LoggingConfiguration.ResourceArn, nil
			})),
		service.Op("GetLoggingConfiguration", "wafv2:GetLoggingConfiguration", getLogging, service.ReadOnly[ResourceArnInput](), service.Resource(byResource)),
		service.Op("DeleteLoggingConfiguration", "wafv2:DeleteLoggingConfiguration", deleteLogging, service.Resource(byResource)),
		service.Op("ListLoggingConfigurations", "wafv2:ListLoggingConfigurations", listLogging, service.ReadOnly[ListInput]()),
		service.Op("TagResource", "wafv2:TagResource", tagResource,
			service.Resource(func(_ context.Context, _ *service.Call, in *TagResourceInput) (string, error) {
				return in.ResourceARN, nil
			}),
			service.ContextKeys(func(in *TagResourceInput, set func(k, v string)) { requestTags(in.Tags, set) })),
		service.Op("UntagResource", "wafv2:UntagResource", untagResource,
			service.Resource(func(_ context.Context, _ *service.Call, in *UntagResourceInput) (string, error) {
				return in.ResourceARN, nil
			})),
		service.Op("ListTagsForResource", "wafv2:ListTagsForResource", listTags, service.ReadOnly[ListTagsForResourceInput](),
			service.Resource(func(_ context.Context, _ *service.Call, in *ListTagsForResourceInput) (string, error) {
				return in.ResourceARN, nil
			})),
	}
}

// association is a stored AssociateWebACL.
type association struct {
	WebACLArn    string `json:"webAclArn"`
	ResourceType string `json:"resourceType"`
}

// protectable are the regional resources WAF protects, by the ARN pattern
// of each ResourceType (AssociateWebACL's ResourceArn).
var protectable = []struct {
	typ string
	re  *regexp.Regexp
}{
	{"APPLICATION_LOAD_BALANCER", regexp.MustCompile(`^arn:aws:elasticloadbalancing:[a-z0-9-]+:\d{12}:loadbalancer/app/[^/]+/[^/]+$`)},
	{"API_GATEWAY", regexp.MustCompile(`^arn:aws:apigateway:[a-z0-9-]+::/restapis/[^/]+/stages/[^/]+$`)},
	{"APPSYNC", regexp.MustCompile(`^arn:aws:appsync:[a-z0-9-]+:\d{12}:apis/[^/]+$`)},
	{"COGNITO_USER_POOL", regexp.MustCompile(`^arn:aws:cognito-idp:[a-z0-9-]+:\d{12}:userpool/[^/]+$`)},
	{"APP_RUNNER_SERVICE", regexp.MustCompile(`^arn:aws:apprunner:[a-z0-9-]+:\d{12}:service/[^/]+/[^/]+$`)},
	{"VERIFIED_ACCESS_INSTANCE", regexp.MustCompile(`^arn:aws:ec2:[a-z0-9-]+:\d{12}:verified-access-instance/[^/]+$`)},
	{"AMPLIFY", regexp.MustCompile(`^arn:aws:amplify:[a-z0-9-]+:\d{12}:apps/[^/]+$`)},
}

func resourceType(arn string) string {
	for _, p := range protectable {
		if p.re.MatchString(arn) {
			return p.typ
		}
	}
	return ""
}

func associationKey(c *service.Call, resource string) string {
	return c.Account() + "/" + c.Region + "/" + resource
}

// associations lists the resources associated with a web ACL.
func associations(tx store.Tx, c *service.Call, aclARN string) ([]association, error) {
	var out []association
	err := tx.Scan(TableAssociations, c.Account()+"/"+c.Region+"/", "", 0, func(k string, v []byte) error {
		var a association
		if err := json.Unmarshal(v, &a); err != nil {
			return err
		}
		if a.WebACLArn == aclARN {
			a.WebACLArn = strings.TrimPrefix(k, c.Account()+"/"+c.Region+"/") // the resource, for listings
			out = append(out, a)
		}
		return nil
	})
	return out, err
}

// AssociateWebACLInput is WAFV2's AssociateWebACL request.
type AssociateWebACLInput struct {
	WebACLArn   string `aws:",required"`
	ResourceArn string `aws:",required"`
}

func associateWebACL(ctx context.Context, c *service.Call, in *AssociateWebACLInput) (*struct{}, error) {
	typ := resourceType(in.ResourceArn)
	if parts := strings.SplitN(in.ResourceArn, ":", 5); typ == "" || len(parts) < 4 || parts[3] != c.Region {
		// A regional web ACL protects resources of its own Region only.
		return nil, invalid("The parameter contains formatting that is not valid.", "RESOURCE_ARN", in.ResourceArn)
	}
	err := c.Deps.Store.Update(ctx, func(tx store.Tx) error {
		e, err := loadARN(tx, c, in.WebACLArn)
		if err != nil {
			return err
		}
		if e.Kind != kindWebACL {
			return nonexistentItem.New(msgNonexistent)
		}
		if e.Scope != "REGIONAL" {
			return invalid("The scope is not valid.", "SCOPE_VALUE", "CLOUDFRONT")
		}
		b, _ := json.Marshal(association{WebACLArn: e.ARN, ResourceType: typ})
		return tx.Put(TableAssociations, associationKey(c, in.ResourceArn), b)
	})
	if err != nil {
		return nil, err
	}
	return &struct{}{}, nil
}

// ResourceArnInput names a protected resource (or, for the logging
// operations, a web ACL).
type ResourceArnInput struct {
	ResourceArn string `aws:",required"`
	LogType     *string
	LogScope    *string
}

func disassociateWebACL(ctx context.Context, c *service.Call, in *ResourceArnInput) (*struct{}, error) {
	if resourceType(in.ResourceArn) == "" {
		return nil, invalid("The parameter contains formatting that is not valid.", "RESOURCE_ARN", in.ResourceArn)
	}
	err := c.Deps.Store.Update(ctx, func(tx store.Tx) error {
		// Disassociating a resource without a web ACL succeeds, as in AWS.
		if err := tx.Delete(TableAssociations, associationKey(c, in.ResourceArn)); err != nil && !isNotFound(err) {
			return err
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &struct{}{}, nil
}

// GetWebACLForResourceOutput is WAFV2's GetWebACLForResource response.
type GetWebACLForResourceOutput struct{ WebACL json.RawMessage }

func getWebACLForResource(ctx context.Context, c *service.Call, in *ResourceArnInput) (*GetWebACLForResourceOutput, error) {
	if resourceType(in.ResourceArn) == "" {
		return nil, invalid("The parameter contains formatting that is not valid.", "RESOURCE_ARN", in.ResourceArn)
	}
	out := &GetWebACLForResourceOutput{}
	err := c.Deps.Store.View(ctx, func(tx store.Tx) error {
		b, err := tx.Get(TableAssociations, associationKey(c, in.ResourceArn))
		if isNotFound(err) {
			return nil
		} else if err != nil {
			return err
		}
		var a association
		if err := json.Unmarshal(b, &a); err != nil {
			return err
		}
		e, err := loadARN(tx, c, a.WebACLArn)
		if err != nil {
			return err
		}
		out.WebACL = e.webACLDocument(c)
		return nil
	})
	return out, err
}

// ListResourcesForWebACLInput is WAFV2's ListResourcesForWebACL request.
type ListResourcesForWebACLInput struct {
	WebACLArn    string `aws:",required"`
	ResourceType *string
}

// ListResourcesForWebACLOutput is WAFV2's ListResourcesForWebACL response.
type ListResourcesForWebACLOutput struct{ ResourceArns []string }

func listResourcesForWebACL(ctx context.Context, c *service.Call, in *ListResourcesForWebACLInput) (*ListResourcesForWebACLOutput, error) {
	typ := "APPLICATION_LOAD_BALANCER" // AWS's default
	if in.ResourceType != nil {
		typ = *in.ResourceType
	}
	out := &ListResourcesForWebACLOutput{ResourceArns: []string{}}
	err := c.Deps.Store.View(ctx, func(tx store.Tx) error {
		e, err := loadARN(tx, c, in.WebACLArn)
		if err != nil {
			return err
		}
		as, err := associations(tx, c, e.ARN)
		for _, a := range as {
			if a.ResourceType == typ {
				out.ResourceArns = append(out.ResourceArns, a.WebACLArn)
			}
		}
		return err
	})
	sort.Strings(out.ResourceArns)
	return out, err
}

// LoggingConfiguration is WAFV2's LoggingConfiguration.
type LoggingConfiguration struct {
	ResourceArn              string   `aws:",required"`
	LogDestinationConfigs    []string `aws:",required"`
	RedactedFields           json.RawMessage
	ManagedByFirewallManager *bool
	LoggingFilter            json.RawMessage
	LogType                  *string
	LogScope                 *string
}

// LoggingConfigurationInput is PutLoggingConfiguration's request.
type LoggingConfigurationInput struct {
	LoggingConfiguration LoggingConfiguration `aws:",required"`
}

// LoggingConfigurationOutput is the response of Put/GetLoggingConfiguration.
type LoggingConfigurationOutput struct{ LoggingConfiguration *LoggingConfiguration }

// logDestinationRE: AWS requires destinations named aws-waf-logs-…
// (a CloudWatch Logs log group, an S3 bucket or a Firehose stream).
var logDestinationRE = regexp.MustCompile(`^arn:aws:(?:logs:[a-z0-9-]+:\d{12}:log-group:aws-waf-logs-[\w\-/.#]+(?::\*)?|s3:::aws-waf-logs-[a-z0-9.\-]+(?:/.*)?|firehose:[a-z0-9-]+:\d{12}:deliverystream/aws-waf-logs-[\w\-.]+)$`)

func loggingKey(c *service.Call, arn string) string { return c.Account() + "/" + c.Region + "/" + arn }

func putLogging(ctx context.Context, c *service.Call, in *LoggingConfigurationInput) (*LoggingConfigurationOutput, error) {
	lc := in.LoggingConfiguration
	if len(lc.LogDestinationConfigs) != 1 {
		return nil, invalid("You can only specify one log destination.", "LOG_DESTINATION", "LogDestinationConfigs")
	}
	if !logDestinationRE.MatchString(lc.LogDestinationConfigs[0]) {
		return nil, invalid("The parameter contains formatting that is not valid.", "LOG_DESTINATION", lc.LogDestinationConfigs[0])
	}
	if lc.LogType == nil {
		lc.LogType = ptr("WAF_LOGS")
	}
	if lc.LogScope == nil {
		lc.LogScope = ptr("CUSTOMER")
	}
	if lc.ManagedByFirewallManager == nil {
		f := false
		lc.ManagedByFirewallManager = &f
	}
	err := c.Deps.Store.Update(ctx, func(tx store.Tx) error {
		e, err := loadARN(tx, c, lc.ResourceArn)
		if err != nil {
			return err
		}
		if e.Kind != kindWebACL {
			return invalid("The parameter contains formatting that is not valid.", "RESOURCE_ARN", lc.ResourceArn)
		}
		b, _ := json.Marshal(lc)
		return tx.Put(TableLogging, loggingKey(c, e.ARN), b)
	})
	if err != nil {
		return nil, err
	}
	return &LoggingConfigurationOutput{LoggingConfiguration: &lc}, nil
}

func ptr(s string) *string { return &s }

func getLogging(ctx context.Context, c *service.Call, in *ResourceArnInput) (*LoggingConfigurationOutput, error) {
	var lc LoggingConfiguration
	err := c.Deps.Store.View(ctx, func(tx store.Tx) error {
		b, err := tx.Get(TableLogging, loggingKey(c, in.ResourceArn))
		if isNotFound(err) {
			return nonexistentItem.New(msgNonexistent)
		} else if err != nil {
			return err
		}
		return json.Unmarshal(b, &lc)
	})
	if err != nil {
		return nil, err
	}
	return &LoggingConfigurationOutput{LoggingConfiguration: &lc}, nil
}

func deleteLogging(ctx context.Context, c *service.Call, in *ResourceArnInput) (*struct{}, error) {
	err := c.Deps.Store.Update(ctx, func(tx store.Tx) error {
		err := tx.Delete(TableLogging, loggingKey(c, in.ResourceArn))
		if isNotFound(err) {
			return nonexistentItem.New(msgNonexistent)
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	return &struct{}{}, nil
}

// ListLoggingConfigurationsOutput is WAFV2's ListLoggingConfigurations response.
type ListLoggingConfigurationsOutput struct {
	LoggingConfigurations []*LoggingConfiguration
	NextMarker            *string
}

// listLogging pages through the logging configurations of the scope's web
// ACLs, in ARN order.
func listLogging(ctx context.Context, c *service.Call, in *ListInput) (*ListLoggingConfigurationsOutput, error) {
	if err := checkScope(c, in.Scope); err != nil {
		return nil, err
	}
	limit := 100
	if in.Limit != nil && *in.Limit > 0 && *in.Limit < 100 {
		limit = int(*in.Limit)
	}
	prefix := loggingKey(c, "")
	after := ""
	if in.NextMarker != nil {
		after = prefix + *in.NextMarker
	}
	out := &ListLoggingConfigurationsOutput{LoggingConfigurations: []*LoggingConfiguration{}}
	err := c.Deps.Store.View(ctx, func(tx store.Tx) error {
		return tx.Scan(TableLogging, prefix, after, 0, func(k string, v []byte) error {
			if p, ok := parseARN(strings.TrimPrefix(k, prefix)); !ok || p.Scope != in.Scope {
				return nil
			}
			if len(out.LoggingConfigurations) == limit {
				if out.NextMarker == nil {
					m := out.LoggingConfigurations[limit-1].ResourceArn
					out.NextMarker = &m
				}
				return nil
			}
			var lc LoggingConfiguration
			if err := json.Unmarshal(v, &lc); err != nil {
				return err
			}
			out.LoggingConfigurations = append(out.LoggingConfigurations, &lc)
			return nil
		})
	})
	return out, err
}

// TagResourceInput is WAFV2's TagResource request.
type TagResourceInput struct {
	ResourceARN string `aws:",required"`
	Tags        []Tag  `aws:",required"`
}

// UntagResourceInput is WAFV2's UntagResource request.
type UntagResourceInput struct {
	ResourceARN string   `aws:",required"`
	TagKeys     []string `aws:",required"`
}

// retag changes the tags of a web ACL, IP set, regex pattern set or rule
// group in one transaction; the lock token does not change, as in AWS.
func retag(ctx context.Context, c *service.Call, arn string, change func([]Tag) ([]Tag, error)) error {
	return c.Deps.Store.Update(ctx, func(tx store.Tx) error {
		e, err := loadARN(tx, c, arn)
		if err != nil {
			return err
		}
		tags, err := change(e.Tags)
		if err != nil {
			return err
		}
		e.Tags = tags
		return save(tx, c, e, false)
	})
}

func tagResource(ctx context.Context, c *service.Call, in *TagResourceInput) (*struct{}, error) {
	err := retag(ctx, c, in.ResourceARN, func(old []Tag) ([]Tag, error) {
		out := append([]Tag(nil), old...)
		for _, t := range in.Tags {
			replaced := false
			for i := range out {
				if out[i].Key == t.Key {
					out[i].Value, replaced = t.Value, true
				}
			}
			if !replaced {
				out = append(out, t)
			}
		}
		return out, checkTags(out)
	})
	if err != nil {
		return nil, err
	}
	return &struct{}{}, nil
}

func untagResource(ctx context.Context, c *service.Call, in *UntagResourceInput) (*struct{}, error) {
	drop := map[string]bool{}
	for _, k := range in.TagKeys {
		drop[k] = true
	}
	err := retag(ctx, c, in.ResourceARN, func(old []Tag) ([]Tag, error) {
		var out []Tag
		for _, t := range old {
			if !drop[t.Key] {
				out = append(out, t)
			}
		}
		return out, nil
	})
	if err != nil {
		return nil, err
	}
	return &struct{}{}, nil
}

// ListTagsForResourceInput is WAFV2's ListTagsForResource request.
type ListTagsForResourceInput struct {
	ResourceARN string `aws:",required"`
	NextMarker  *string
	Limit       *int32
}

// TagInfoForResource is WAFV2's TagInfoForResource.
type TagInfoForResource struct {
	ResourceARN string
	TagList     []Tag
}

// ListTagsForResourceOutput is WAFV2's ListTagsForResource response.
type ListTagsForResourceOutput struct {
	NextMarker         *string
	TagInfoForResource *TagInfoForResource
}

func listTags(ctx context.Context, c *service.Call, in *ListTagsForResourceInput) (*ListTagsForResourceOutput, error) {
	var e *entity
	err := c.Deps.Store.View(ctx, func(tx store.Tx) error {
		var err error
		e, err = loadARN(tx, c, in.ResourceARN)
		return err
	})
	if err != nil {
		return nil, err
	}
	tags := append([]Tag{}, e.Tags...)
	return &ListTagsForResourceOutput{TagInfoForResource: &TagInfoForResource{ResourceARN: e.ARN, TagList: tags}}, nil
}
