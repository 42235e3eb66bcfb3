package ec2

import (
	"context"
	"errors"
	"slices"
	"strings"
	"time"

	"github.com/moatdev/moat/internal/service"
	"github.com/moatdev/moat/vpc"
)

// VPC flow log subscriptions: CreateFlowLogs, DescribeFlowLogs,
// DeleteFlowLogs. moat records the subscription (resource, traffic type,
// destination, format); it sees no packets, so it delivers no records.

var flowLogNotFound = nf("InvalidFlowLogId.NotFound", "flow log ID")

// flowLog is one stored flow log subscription.
type flowLog struct {
	ID, ResourceID, TrafficType            string
	DestinationType, Destination, LogGroup string
	DeliverLogsPermissionArn, LogFormat    string
	MaxAggregationInterval                 int
	Created                                time.Time
}

// FlowLog is EC2's FlowLog.
type FlowLog struct {
	CreationTime             time.Time `aws:"creationTime"`
	DeliverLogsStatus        string    `aws:"deliverLogsStatus"`
	DeliverLogsPermissionArn string    `aws:"deliverLogsPermissionArn,omitempty"`
	FlowLogID                string    `aws:"flowLogId"`
	FlowLogStatus            string    `aws:"flowLogStatus"`
	LogGroupName             string    `aws:"logGroupName,omitempty"`
	ResourceID               string    `aws:"resourceId"`
	TrafficType              string    `aws:"trafficType"`
	LogDestinationType       string    `aws:"logDestinationType"`
	LogDestination           string    `aws:"logDestination,omitempty"`
	LogFormat                string    `aws:"logFormat"`
	MaxAggregationInterval   int       `aws:"maxAggregationInterval"`
	Tags                     []Tag     `aws:"tagSet"`
}

func (st *state) flowLogOut(f *flowLog) FlowLog {
	return FlowLog{CreationTime: f.Created, DeliverLogsStatus: "SUCCESS", DeliverLogsPermissionArn: f.DeliverLogsPermissionArn,
		FlowLogID: f.ID, FlowLogStatus: "ACTIVE", LogGroupName: f.LogGroup, ResourceID: f.ResourceID, TrafficType: f.TrafficType,
		LogDestinationType: f.DestinationType, LogDestination: f.Destination, LogFormat: f.LogFormat,
		MaxAggregationInterval: f.MaxAggregationInterval, Tags: st.tagSet(f.ID)}
}

// CreateFlowLogsInput is CreateFlowLogs' input.
type CreateFlowLogsInput struct {
	common
	ResourceIDs              []string `aws:"ResourceId,required"`
	ResourceType             string   `aws:",required"`
	TrafficType              *string
	LogDestinationType       *string
	LogDestination           *string
	LogGroupName             *string
	DeliverLogsPermissionArn *string
	DeliverCrossAccountRole  *string
	LogFormat                *string
	MaxAggregationInterval   *int
	ClientToken              *string
	TagSpecifications        []TagSpecification `aws:"TagSpecification"`
}

// CreateFlowLogsOutput is CreateFlowLogs' output.
type CreateFlowLogsOutput struct {
	ClientToken  *string            `aws:"clientToken"`
	FlowLogIDs   []string           `aws:"flowLogIdSet"`
	Unsuccessful []UnsuccessfulItem `aws:"unsuccessful"`
}

// flowLogResourcePrefix is the ID prefix of each ResourceType moat serves.
var flowLogResourcePrefix = map[string]string{"VPC": "vpc", "Subnet": "subnet", "NetworkInterface": "eni"}

// checkFlowLogInput validates everything that does not depend on the
// stored network; it returns the subscription template.
func checkFlowLogInput(in *CreateFlowLogsInput) (*flowLog, error) {
	if _, ok := flowLogResourcePrefix[in.ResourceType]; !ok {
		return nil, invalidParamValue.New("Value (%s) for parameter ResourceType is invalid. moat serves VPC, Subnet and NetworkInterface", in.ResourceType)
	}
	if len(in.ResourceIDs) == 0 {
		return nil, missingParameter.New("The request must contain the parameter ResourceId")
	}
	f := &flowLog{DestinationType: "cloud-watch-logs", LogFormat: vpc.DefaultFlowLogFormat, MaxAggregationInterval: 600}
	if in.TrafficType == nil {
		return nil, missingParameter.New("The request must contain the parameter TrafficType")
	}
	f.TrafficType = *in.TrafficType
	if f.TrafficType != "ACCEPT" && f.TrafficType != "REJECT" && f.TrafficType != "ALL" {
		return nil, invalidParamValue.New("Value (%s) for parameter TrafficType is invalid. Valid values: ACCEPT, REJECT, ALL", f.TrafficType)
	}
	if in.MaxAggregationInterval != nil {
		if m := *in.MaxAggregationInterval; m != 60 && m != 600 {
			return nil, invalidParameter.New("MaxAggregationInterval must be 60 or 600 seconds, not %d", m)
		}
		f.MaxAggregationInterval = *in.MaxAggregationInterval
	}
	if in.LogDestinationType != nil {
		f.DestinationType = *in.LogDestinationType
	}
	f.Destination, f.LogGroup, f.DeliverLogsPermissionArn = deref(in.LogDestination), deref(in.LogGroupName), deref(in.DeliverLogsPermissionArn)
	switch f.DestinationType {
	case "s3":
		if f.Destination == "" {
			return nil, missingParameter.New("The request must contain the parameter LogDestination for LogDestinationType s3")
		}
		if !strings.HasPrefix(f.Destination, "arn:aws:s3:::") || len(f.Destination) == len("arn:aws:s3:::") || strings.HasPrefix(f.Destination[len("arn:aws:s3:::"):], "/") {
			return nil, invalidParameter.New("LogDestination %s is not an S3 bucket ARN (arn:aws:s3:::bucket or arn:aws:s3:::bucket/prefix)", f.Destination)
		}
		if strings.Contains(f.Destination, "AWSLogs") {
			return nil, invalidParameter.New("LogDestination %s: the prefix cannot use AWSLogs, which flow logs add themselves", f.Destination)
		}
		if f.LogGroup != "" || f.DeliverLogsPermissionArn != "" {
			return nil, invalidParameter.New("LogGroupName and DeliverLogsPermissionArn do not apply to LogDestinationType s3")
		}
	case "cloud-watch-logs":
		if f.LogGroup != "" && f.Destination != "" {
			return nil, invalidParameter.New("Specify either LogGroupName or LogDestination, not both")
		}
		if f.LogGroup == "" && f.Destination == "" {
			return nil, missingParameter.New("The request must contain the parameter LogGroupName or LogDestination for LogDestinationType cloud-watch-logs")
		}
		if f.Destination != "" {
			i := strings.Index(f.Destination, ":log-group:")
			if !strings.HasPrefix(f.Destination, "arn:aws:logs:") || i < 0 {
				return nil, invalidParameter.New("LogDestination %s is not a CloudWatch Logs log group ARN", f.Destination)
			}
			f.LogGroup = strings.TrimSuffix(f.Destination[i+len(":log-group:"):], ":*")
		}
		if f.DeliverLogsPermissionArn == "" {
			return nil, missingParameter.New("The request must contain the parameter DeliverLogsPermissionArn for LogDestinationType cloud-watch-logs")
		}
	case "kinesis-data-firehose":
		return nil, invalidParameter.New("moat serves LogDestinationType s3 and cloud-watch-logs only")
	default:
		return nil, invalidParamValue.New("Value (%s) for parameter LogDestinationType is invalid. Valid values: cloud-watch-logs, s3, kinesis-data-firehose", f.DestinationType)
	}
	if in.LogFormat != nil {
		if _, err := vpc.ParseFlowLogFormat(*in.LogFormat); err != nil {
			var fe *vpc.FlowLogFormatError
			if errors.As(err, &fe) && fe.Field != "" {
				return nil, invalidParameter.New("LogFormat: %s", fe.Message)
			}
			return nil, invalidParameter.New("LogFormat: %v", err)
		}
		f.LogFormat = strings.Join(strings.Fields(*in.LogFormat), " ")
	}
	return f, nil
}

func createFlowLogs(ctx context.Context, c *service.Call, in *CreateFlowLogsInput) (*CreateFlowLogsOutput, error) {
	tmpl, err := checkFlowLogInput(in)
	if err != nil {
		return nil, err
	}
	out := &CreateFlowLogsOutput{ClientToken: in.ClientToken, FlowLogIDs: []string{}, Unsuccessful: []UnsuccessfulItem{}}
	return out, update(ctx, c, func(st *state) error {
		now := c.Now.UTC().Truncate(time.Second)
		for _, rid := range in.ResourceIDs {
			if !flowLogResourceExists(st, in.ResourceType, rid) {
				out.Unsuccessful = append(out.Unsuccessful, unsuccessful(rid, notFoundCode(in.ResourceType),
					"The %s ID '%s' does not exist", strings.ToLower(in.ResourceType), rid))
				continue
			}
			dup := false
			for _, f := range st.FlowLogs {
				dup = dup || f.ResourceID == rid && f.TrafficType == tmpl.TrafficType && f.DestinationType == tmpl.DestinationType &&
					f.Destination == tmpl.Destination && f.LogGroup == tmpl.LogGroup
			}
			if dup {
				out.Unsuccessful = append(out.Unsuccessful, unsuccessful(rid, "FlowLogAlreadyExists",
					"There is an existing Flow Log with the same configuration and log destination."))
				continue
			}
			f := *tmpl
			f.ID, f.ResourceID, f.Created = newID("fl"), rid, now
			st.FlowLogs[f.ID] = &f
			if err := st.applyTagSpecs(f.ID, "vpc-flow-log", in.TagSpecifications); err != nil {
				return err
			}
			out.FlowLogIDs = append(out.FlowLogIDs, f.ID)
		}
		return nil
	})
}

func flowLogResourceExists(st *state, typ, id string) bool {
	switch typ {
	case "VPC":
		return st.Net.VPCs[id] != nil
	case "Subnet":
		return st.Net.Subnets[id] != nil
	case "NetworkInterface":
		return st.Net.Interfaces[id] != nil
	}
	return false
}

func notFoundCode(typ string) string {
	switch typ {
	case "VPC":
		return "InvalidVpcID.NotFound"
	case "Subnet":
		return "InvalidSubnetID.NotFound"
	}
	return "InvalidNetworkInterfaceID.NotFound"
}

// DescribeFlowLogsInput is DescribeFlowLogs' input.
type DescribeFlowLogsInput struct {
	common
	FlowLogIDs []string `aws:"FlowLogId"`
	Filters    []Filter `aws:"Filter"`
	MaxResults *int32
	NextToken  *string
}

// DescribeFlowLogsOutput is DescribeFlowLogs' output.
type DescribeFlowLogsOutput struct {
	FlowLogs  []FlowLog `aws:"flowLogSet"`
	NextToken *string   `aws:"nextToken"`
}

func describeFlowLogs(ctx context.Context, c *service.Call, in *DescribeFlowLogsInput) (*DescribeFlowLogsOutput, error) {
	fs, err := newFilters(in.Filters, "deliver-log-status", "log-destination-type", "flow-log-id", "log-group-name", "resource-id", "traffic-type")
	if err != nil {
		return nil, err
	}
	out := &DescribeFlowLogsOutput{FlowLogs: []FlowLog{}}
	err = view(ctx, c, func(st *state) error {
		ids, err := sortedIDs(st.FlowLogs, in.FlowLogIDs, flowLogNotFound)
		if err != nil {
			return err
		}
		for _, id := range ids {
			f := st.FlowLogs[id]
			a := attrs{"deliver-log-status": {"SUCCESS"}, "log-destination-type": {f.DestinationType}, "flow-log-id": {id},
				"log-group-name": {f.LogGroup}, "resource-id": {f.ResourceID}, "traffic-type": {f.TrafficType}}
			if fs.match(a, st.Tags[id]) {
				out.FlowLogs = append(out.FlowLogs, st.flowLogOut(f))
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	out.FlowLogs, out.NextToken, err = paginate(out.FlowLogs, in.MaxResults, in.NextToken, len(in.FlowLogIDs) > 0)
	return out, err
}

// DeleteFlowLogsInput is DeleteFlowLogs' input.
type DeleteFlowLogsInput struct {
	common
	FlowLogIDs []string `aws:"FlowLogId"`
}

func deleteFlowLogs(ctx context.Context, c *service.Call, in *DeleteFlowLogsInput) (*UnsuccessfulOutput, error) {
	if len(in.FlowLogIDs) == 0 {
		return nil, missingParameter.New("The request must contain the parameter FlowLogId")
	}
	out := &UnsuccessfulOutput{Unsuccessful: []UnsuccessfulItem{}}
	return out, update(ctx, c, func(st *state) error {
		for _, id := range slices.Compact(slices.Clone(in.FlowLogIDs)) {
			if st.FlowLogs[id] == nil {
				out.Unsuccessful = append(out.Unsuccessful, unsuccessful(id, "InvalidFlowLogId.NotFound", "These flow log ids in the input list are not found: [%s]", id))
				continue
			}
			delete(st.FlowLogs, id)
			st.forget(id)
		}
		return nil
	})
}

func flowLogOps() []*service.Operation {
	return []*service.Operation{
		op("CreateFlowLogs", createFlowLogs, func(c *service.Call, in *CreateFlowLogsInput) string { return arnOfID(c, one(in.ResourceIDs)) }),
		op("DescribeFlowLogs", describeFlowLogs, nil, ro[DescribeFlowLogsInput]()),
		op("DeleteFlowLogs", deleteFlowLogs, func(c *service.Call, in *DeleteFlowLogsInput) string {
			return arn(c, "vpc-flow-log", one(in.FlowLogIDs))
		}),
	}
}

// dropOrphanFlowLogs deletes the flow logs of deleted VPCs, subnets and
// interfaces, as AWS does (run after every write).
func (st *state) dropOrphanFlowLogs() {
	for id, f := range st.FlowLogs {
		exists := st.Net.VPCs[f.ResourceID] != nil || st.Net.Subnets[f.ResourceID] != nil || st.Net.Interfaces[f.ResourceID] != nil
		if !exists {
			delete(st.FlowLogs, id)
			st.forget(id)
		}
	}
}
