package vpc

import (
	"fmt"
	"strings"
)

// FlowLogFields are the field names a flow log format may use, in the
// order of the versions that introduced them (Amazon VPC User Guide, "Flow
// log records": version 2 defaults, then 3, 4, 5, 7 and 8).
var FlowLogFields = []string{
	// version 2 (the default format)
	"version", "account-id", "interface-id", "srcaddr", "dstaddr", "srcport", "dstport", "protocol",
	"packets", "bytes", "start", "end", "action", "log-status",
	// version 3
	"vpc-id", "subnet-id", "instance-id", "tcp-flags", "type", "pkt-srcaddr", "pkt-dstaddr",
	// version 4
	"region", "az-id", "sublocation-type", "sublocation-id",
	// version 5
	"pkt-src-aws-service", "pkt-dst-aws-service", "flow-direction", "traffic-path",
	// version 7
	"ecs-cluster-arn", "ecs-cluster-name", "ecs-container-instance-arn", "ecs-container-instance-id",
	"ecs-container-id", "ecs-second-container-id", "ecs-service-name", "ecs-task-definition-arn",
	"ecs-task-arn", "ecs-task-id",
	// version 8
	"reject-reason",
}

var flowLogFieldSet = func() map[string]bool {
	m := make(map[string]bool, len(FlowLogFields))
	for _, f := range FlowLogFields {
		m[f] = true
	}
	return m
}()

// FlowLogFormatError is a custom flow log format that does not parse:
// Field is the offending token as written (or "" for an empty format).
type FlowLogFormatError struct {
	Field   string
	Message string
}

func (e *FlowLogFormatError) Error() string { return e.Message }

// ParseFlowLogFormat checks a custom flow log format ("${field} ${field}
// ..." separated by single or repeated spaces) and returns its field names
// in order. Each token must be ${name} with a name of FlowLogFields, at
// most once.
func ParseFlowLogFormat(format string) ([]string, error) {
	tokens := strings.Fields(format)
	if len(tokens) == 0 {
		return nil, &FlowLogFormatError{Message: "the log format must name at least one field"}
	}
	names := make([]string, 0, len(tokens))
	seen := make(map[string]bool, len(tokens))
	for _, t := range tokens {
		if !strings.HasPrefix(t, "${") || !strings.HasSuffix(t, "}") || len(t) < 4 {
			return nil, &FlowLogFormatError{Field: t, Message: fmt.Sprintf("%q is not a field: write each field as ${field-name}, separated by spaces", t)}
		}
		name := t[2 : len(t)-1]
		if !flowLogFieldSet[name] {
			return nil, &FlowLogFormatError{Field: t, Message: fmt.Sprintf("Unknown fields provided: %s", t)}
		}
		if seen[name] {
			return nil, &FlowLogFormatError{Field: t, Message: fmt.Sprintf("Duplicate fields provided: %s", t)}
		}
		seen[name] = true
		names = append(names, name)
	}
	return names, nil
}
