package guardduty

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/moatdev/moat/detect"
	"github.com/moatdev/moat/internal/service"
	"github.com/moatdev/moat/internal/store"
)

func statsOps() []*service.Operation {
	detRes := func(c *service.Call, id string) string {
		return "arn:aws:guardduty:" + c.Region + ":" + c.Account() + ":detector/" + id
	}
	return []*service.Operation{
		service.Op("GetFindingsStatistics", "guardduty:GetFindingsStatistics", getFindingsStatistics, service.ReadOnly[StatisticsInput](),
			service.Resource(func(_ context.Context, c *service.Call, in *StatisticsInput) (string, error) {
				return detRes(c, in.DetectorID), nil
			})),
		service.Op("CreateSampleFindings", "guardduty:CreateSampleFindings", createSampleFindings,
			service.Resource(func(_ context.Context, c *service.Call, in *SampleInput) (string, error) {
				return detRes(c, in.DetectorID), nil
			})),
	}
}

// StatisticsInput is GuardDuty's GetFindingsStatistics request.
type StatisticsInput struct {
	DetectorID            string           `aws:"detectorId,location=uri"`
	FindingCriteria       *FindingCriteria `aws:"findingCriteria"`
	FindingStatisticTypes []string         `aws:"findingStatisticTypes"`
	GroupBy               *string          `aws:"groupBy"`
	OrderBy               *string          `aws:"orderBy"`
	MaxResults            *int32           `aws:"maxResults"`
}

// StatisticsOutput is GuardDuty's GetFindingsStatistics response.
type StatisticsOutput struct {
	FindingStatistics FindingStatistics `aws:"findingStatistics"`
}

// FindingStatistics is GuardDuty's FindingStatistics shape: one member set,
// the one asked for.
type FindingStatistics struct {
	CountBySeverity      map[string]int32 `aws:"countBySeverity"`
	GroupedByAccount     []AccountStat    `aws:"groupedByAccount"`
	GroupedByDate        []DateStat       `aws:"groupedByDate"`
	GroupedByFindingType []TypeStat       `aws:"groupedByFindingType"`
	GroupedByResource    []ResourceStat   `aws:"groupedByResource"`
	GroupedBySeverity    []SeverityStat   `aws:"groupedBySeverity"`
}

// AccountStat is AccountStatistics.
type AccountStat struct {
	AccountID       string    `aws:"accountId"`
	LastGeneratedAt time.Time `aws:"lastGeneratedAt"`
	TotalFindings   int32     `aws:"totalFindings"`
}

// DateStat is DateStatistics: severity is the highest of the day.
type DateStat struct {
	Date            time.Time `aws:"date"`
	LastGeneratedAt time.Time `aws:"lastGeneratedAt"`
	Severity        float64   `aws:"severity"`
	TotalFindings   int32     `aws:"totalFindings"`
}

// TypeStat is FindingTypeStatistics.
type TypeStat struct {
	FindingType     string    `aws:"findingType"`
	LastGeneratedAt time.Time `aws:"lastGeneratedAt"`
	TotalFindings   int32     `aws:"totalFindings"`
}

// ResourceStat is ResourceStatistics.
type ResourceStat struct {
	AccountID       string    `aws:"accountId"`
	LastGeneratedAt time.Time `aws:"lastGeneratedAt"`
	ResourceID      string    `aws:"resourceId"`
	ResourceType    string    `aws:"resourceType"`
	TotalFindings   int32     `aws:"totalFindings"`
}

// SeverityStat is SeverityStatistics.
type SeverityStat struct {
	LastGeneratedAt time.Time `aws:"lastGeneratedAt"`
	Severity        float64   `aws:"severity"`
	TotalFindings   int32     `aws:"totalFindings"`
}

// group is one group of findings being counted.
type group struct {
	key      string
	account  string
	resource string
	resType  string
	severity float64
	day      time.Time
	last     time.Time
	count    int32
}

// resourceOf names a finding's resource for GroupBy RESOURCE: the access
// key (or user), the instance (or interface), or the bucket.
func resourceOf(f map[string]any) (id, typ string) {
	res, _ := f["resource"].(map[string]any)
	typ = asString(res["resourceType"])
	first := func(paths ...string) string {
		for _, p := range paths {
			var buf [2]any
			if v := values(res, strings.Split(p, "."), buf[:0]); len(v) > 0 && asString(v[0]) != "" {
				return asString(v[0])
			}
		}
		return ""
	}
	switch typ {
	case "AccessKey":
		id = first("accessKeyDetails.accessKeyId", "accessKeyDetails.userName", "accessKeyDetails.principalId")
	case "Instance":
		id = first("instanceDetails.instanceId", "instanceDetails.networkInterfaces.networkInterfaceId")
	case "S3Bucket":
		id = first("s3BucketDetails.name", "s3BucketDetails.arn")
	}
	return id, typ
}

func getFindingsStatistics(ctx context.Context, c *service.Call, in *StatisticsInput) (*StatisticsOutput, error) {
	groupBy := ""
	if in.GroupBy != nil {
		groupBy = *in.GroupBy
	}
	switch {
	case groupBy == "" && len(in.FindingStatisticTypes) == 0:
		return nil, badRequest.New("The request is rejected because either findingStatisticTypes or groupBy must be provided.")
	case groupBy != "" && len(in.FindingStatisticTypes) > 0:
		return nil, badRequest.New("The request is rejected because findingStatisticTypes and groupBy cannot both be provided.")
	case groupBy == "" && (in.OrderBy != nil || in.MaxResults != nil):
		return nil, badRequest.New("The request is rejected because orderBy and maxResults can only be used with groupBy.")
	}
	for _, t := range in.FindingStatisticTypes {
		if t != "COUNT_BY_SEVERITY" {
			return nil, badRequest.New("The request is rejected because the findingStatisticType %q is not valid: use COUNT_BY_SEVERITY.", t)
		}
	}
	switch groupBy {
	case "", "ACCOUNT", "DATE", "FINDING_TYPE", "RESOURCE", "SEVERITY":
	default:
		return nil, badRequest.New("The request is rejected because the groupBy %q is not valid: use ACCOUNT, DATE, FINDING_TYPE, RESOURCE or SEVERITY.", groupBy)
	}
	desc := true
	if in.OrderBy != nil {
		switch *in.OrderBy {
		case "ASC":
			desc = false
		case "DESC":
		default:
			return nil, badRequest.New("The request is rejected because the orderBy %q is not valid: use ASC or DESC.", *in.OrderBy)
		}
	}
	limit := 25
	if in.MaxResults != nil {
		if *in.MaxResults < 1 || *in.MaxResults > 100 {
			return nil, badRequest.New("The request is rejected because maxResults %d is out of range: it is between 1 and 100.", *in.MaxResults)
		}
		limit = int(*in.MaxResults)
	}
	crit, err := compileCriteria(in.FindingCriteria, false)
	if err != nil {
		return nil, err
	}
	groups := map[string]*group{}
	err = c.Deps.Store.View(ctx, func(tx store.Tx) error {
		if _, err := loadDetector(tx, c, in.DetectorID); err != nil {
			return err
		}
		return scanFindings(tx, c, crit, func(_ string, f map[string]any, _ []byte) error {
			sev, _ := f["severity"].(float64)
			updated, _ := time.Parse(time.RFC3339Nano, asString(f["updatedAt"]))
			g := &group{account: asString(f["accountId"]), severity: sev, last: updated}
			switch groupBy {
			case "":
				g.key = strconv.FormatFloat(sev, 'f', 1, 64)
			case "ACCOUNT":
				g.key = g.account
			case "DATE":
				g.day = updated.UTC().Truncate(24 * time.Hour)
				g.key = g.day.Format(time.DateOnly)
			case "FINDING_TYPE":
				g.key = asString(f["type"])
			case "RESOURCE":
				g.resource, g.resType = resourceOf(f)
				g.key = g.account + "\x00" + g.resType + "\x00" + g.resource
			case "SEVERITY":
				g.key = strconv.FormatFloat(sev, 'f', -1, 64)
			}
			if have := groups[g.key]; have != nil {
				have.count++
				if updated.After(have.last) {
					have.last = updated
				}
				have.severity = max(have.severity, sev)
				return nil
			}
			g.count = 1
			groups[g.key] = g
			return nil
		})
	})
	if err != nil {
		return nil, err
	}
	out := &StatisticsOutput{}
	if groupBy == "" {
		out.FindingStatistics.CountBySeverity = map[string]int32{}
		for k, g := range groups {
			out.FindingStatistics.CountBySeverity[k] = g.count
		}
		return out, nil
	}
	list := make([]*group, 0, len(groups))
	for _, g := range groups {
		list = append(list, g)
	}
	// By count (DESC by default), ties by key so that the order is stable.
	slices.SortFunc(list, func(a, b *group) int {
		c := cmp.Compare(a.count, b.count)
		if desc {
			c = -c
		}
		if c != 0 {
			return c
		}
		return cmp.Compare(a.key, b.key)
	})
	if len(list) > limit {
		list = list[:limit]
	}
	fs := &out.FindingStatistics
	switch groupBy {
	case "ACCOUNT":
		fs.GroupedByAccount = []AccountStat{}
	case "DATE":
		fs.GroupedByDate = []DateStat{}
	case "FINDING_TYPE":
		fs.GroupedByFindingType = []TypeStat{}
	case "RESOURCE":
		fs.GroupedByResource = []ResourceStat{}
	case "SEVERITY":
		fs.GroupedBySeverity = []SeverityStat{}
	}
	for _, g := range list {
		switch groupBy {
		case "ACCOUNT":
			fs.GroupedByAccount = append(fs.GroupedByAccount, AccountStat{AccountID: g.account, LastGeneratedAt: g.last, TotalFindings: g.count})
		case "DATE":
			fs.GroupedByDate = append(fs.GroupedByDate, DateStat{Date: g.day, LastGeneratedAt: g.last, Severity: g.severity, TotalFindings: g.count})
		case "FINDING_TYPE":
			fs.GroupedByFindingType = append(fs.GroupedByFindingType, TypeStat{FindingType: g.key, LastGeneratedAt: g.last, TotalFindings: g.count})
		case "RESOURCE":
			fs.GroupedByResource = append(fs.GroupedByResource, ResourceStat{AccountID: g.account, LastGeneratedAt: g.last, ResourceID: g.resource,
				ResourceType: g.resType, TotalFindings: g.count})
		case "SEVERITY":
			fs.GroupedBySeverity = append(fs.GroupedBySeverity, SeverityStat{LastGeneratedAt: g.last, Severity: g.severity, TotalFindings: g.count})
		}
	}
	return out, nil
}

// SampleInput is GuardDuty's CreateSampleFindings request.
type SampleInput struct {
	DetectorID   string   `aws:"detectorId,location=uri"`
	FindingTypes []string `aws:"findingTypes"`
}

// Sample findings use the placeholder values GuardDuty's own samples use
// ("GeneratedFinding..."), documentation addresses, and carry
// service.additionalInfo.sample = true.
func sampleFinding(ft detect.FindingType, det *detectorRecord, now time.Time) *detect.Finding {
	id := newDetectorID()
	at := now.UTC().Format("2006-01-02T15:04:05.000Z")
	subject := "GeneratedFindingResource"
	f := &detect.Finding{SchemaVersion: "2.0", AccountID: det.Account, Region: det.Region, Partition: "aws", ID: id,
		ARN:  fmt.Sprintf("arn:aws:guardduty:%s:%s:detector/%s/finding/%s", det.Region, det.Account, det.ID, id),
		Type: ft.Name, Severity: ft.Severity, CreatedAt: at, UpdatedAt: at}
	f.Service = detect.Service{ServiceName: "guardduty", DetectorID: det.ID, Count: 1, EventFirstSeen: at, EventLastSeen: at, ResourceRole: "TARGET",
		AdditionalInfo: map[string]string{"sample": "true"}}
	if detect.IsMoatType(ft.Name) {
		f.Service.ServiceName = "moat"
	}
	remote := &detect.RemoteIPDetails{IPAddressV4: "198.51.100.0", Country: &detect.Country{CountryName: "GeneratedFindingCountryName"},
		City: &detect.City{CityName: "GeneratedFindingCityName"}}
	switch ft.Resource {
	case "Instance":
		subject = "i-99999999"
		f.Resource = detect.FindingResource{ResourceType: "Instance", InstanceDetails: &detect.InstanceDetails{InstanceID: subject,
			NetworkInterfaces: []detect.NetworkInterface{{NetworkInterfaceID: "eni-bfcffe88", PrivateIPAddress: "10.0.0.1", VPCID: "GeneratedFindingVPCId",
				SubnetID: "GeneratedFindingSubnetId"}}}}
	case "S3Bucket":
		subject = "generated-finding-bucket"
		f.Resource = detect.FindingResource{ResourceType: "S3Bucket", S3BucketDetails: []detect.S3BucketDetail{{ARN: "arn:aws:s3:::" + subject,
			Name: subject, Type: "Destination"}}}
	default:
		subject = "GeneratedFindingUserName"
		f.Resource = detect.FindingResource{ResourceType: "AccessKey", AccessKeyDetails: &detect.AccessKeyDetails{AccessKeyID: "ASIASZ7SZ7SZEXAMPLE",
			PrincipalID: "GeneratedFindingPrincipalId", UserName: subject, UserType: "IAMUser"}}
	}
	switch {
	case ft.Source == "DNS logs":
		f.Service.Action = detect.Action{ActionType: "DNS_REQUEST", DNSRequestAction: &detect.DNSRequestAction{Domain: "GeneratedFindingDomainName", Protocol: "UDP"}}
	case ft.Name == detect.TypePortProbeUnprotectedPort:
		f.Service.Action = detect.Action{ActionType: "PORT_PROBE", PortProbeAction: &detect.PortProbeAction{PortProbeDetails: []detect.PortProbeDetail{{
			LocalPortDetails: &detect.PortDetails{Port: 22, PortName: "SSH"}, RemoteIPDetails: remote}}}}
	case ft.Source == "VPC flow logs":
		f.Service.Action = detect.Action{ActionType: "NETWORK_CONNECTION", NetworkConnectionAction: &detect.NetworkConnectionAction{ConnectionDirection: "INBOUND",
			Protocol: "TCP", LocalIPDetails: &detect.LocalIPDetails{IPAddressV4: "10.0.0.1"}, LocalPortDetails: &detect.PortDetails{Port: 22, PortName: "SSH"},
			RemoteIPDetails: remote, RemotePortDetails: &detect.PortDetails{Port: 32794, PortName: "Unknown"}}}
	default:
		f.Service.Action = detect.Action{ActionType: "AWS_API_CALL", AWSAPICallAction: &detect.AWSAPICallAction{API: "GeneratedFindingAPIName",
			ServiceName: "GeneratedFindingAPIServiceName", CallerType: "Remote IP", RemoteIPDetails: remote}}
	}
	f.Title = ft.Title
	if strings.Contains(ft.Title, "%s") {
		f.Title = fmt.Sprintf(ft.Title, subject)
	}
	f.Description = f.Title
	return f
}

// markSample sets service.additionalInfo.sample to the JSON true GuardDuty
// writes (the engine's additionalInfo holds strings).
func markSample(m map[string]any) {
	if svc, ok := m["service"].(map[string]any); ok {
		svc["additionalInfo"] = map[string]any{"sample": true}
	}
}

func createSampleFindings(ctx context.Context, c *service.Call, in *SampleInput) (*struct{}, error) {
	catalogue := map[string]detect.FindingType{}
	for _, ft := range detect.FindingTypes() {
		catalogue[ft.Name] = ft
	}
	var types []detect.FindingType
	if len(in.FindingTypes) == 0 {
		types = detect.FindingTypes()
	}
	for _, name := range in.FindingTypes {
		ft, ok := catalogue[name]
		if !ok {
			return nil, badRequest.New("The request is rejected because the finding type %q is not a finding type moat can raise.", name)
		}
		types = append(types, ft)
	}
	return &struct{}{}, c.Deps.Store.Update(ctx, func(tx store.Tx) error {
		det, err := loadDetector(tx, c, in.DetectorID)
		if err != nil {
			return err
		}
		found := make([]*detect.Finding, 0, len(types))
		for _, ft := range types {
			found = append(found, sampleFinding(ft, det, c.Now))
		}
		return storeFindings(tx, det.Account, det.Region, found, markSample, c.Deps.Log)
	})
}
