package wafv2

import (
	"context"
	"encoding/json"
	"regexp"
	"strings"

	"github.com/moatdev/moat/internal/service"
	"github.com/moatdev/moat/internal/store"
)

// Logging configurations of web ACLs (stored and returned; records are
// written by `moat waf proxy --log`).

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
