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
