// Package guardduty serves the GuardDuty API (rest-json) over the findings
// moat's detection engine (detect/) raises on the live CloudTrail stream:
// detectors; ListFindings (FindingCriteria on every attribute the API
// reference lists, every operator, SortCriteria, paging) and GetFindings;
// Archive/UnarchiveFindings; filters and suppression rules
// (Create/Get/List/Update/DeleteFilter, filters.go); GetFindingsStatistics
// (COUNT_BY_SEVERITY and groupBy ACCOUNT, DATE, FINDING_TYPE, RESOURCE,
// SEVERITY) and CreateSampleFindings (stats.go); IP sets and threat intel
// sets (lists.go). Watch (watch.go) is the bus consumer that feeds each
// account's records to its detector.
//
// Where AWS is silent, moat chooses and says so:
//   - A criterion on an attribute the API reference does not list is refused
//     with BadRequestException naming it; numeric operators on a string
//     attribute and matches/notMatches outside filters likewise. The exact
//     wording of GuardDuty's messages is not documented; moat's name the field.
//   - equals on severity with a whole number matches that whole band ("8"
//     matches 8.0 to 8.9), as the documented Low/Medium/High lists imply.
//   - An ARCHIVE filter applies to findings raised or updated after it is
//     saved, never retroactively; suppressed findings are not imported into
//     Security Hub.
//   - GetFindingsStatistics DATE groups by the day of updatedAt, and its
//     severity is the day's highest; RESOURCE names the access key (or user),
//     instance (or interface) or bucket; groups are ordered by count, ties by
//     value. CountBySeverity keys are severities with one decimal ("8.0").
//   - Sample findings get fresh ids on every call and use GuardDuty's
//     "GeneratedFinding..." placeholders; with no findingTypes, one of each
//     type moat's engine can raise (moat: types included).
//   - GetFindings returns service.additionalInfo in the API's shape
//     ({"value": JSON string, "type": "default"}); the stored finding keeps
//     the export shape EventBridge carries.
//
// Filter ranks default to the next position and are never renumbered.
//
// Not served: members and organisations, publishing destinations, malware
// protection, UpdateFindingsFeedback; tagging (tags.go) serves filters only.
package guardduty

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"net/http"
	"strconv"
	"time"

	"github.com/moatdev/moat/internal/awserr"
	"github.com/moatdev/moat/internal/protocol"
	"github.com/moatdev/moat/internal/service"
	"github.com/moatdev/moat/internal/store"
)

// Tables.
const (
	TableDetectors = "guardduty.detectors" // account/region → detectorRecord
	TableFindings  = "guardduty.findings"  // account/region/finding id → finding JSON
)

// GuardDuty's errors (API reference, "Errors").
var (
	badRequest = awserr.Def{Code: "BadRequestException", Status: http.StatusBadRequest}
)

// New returns the GuardDuty service.
func New(dataDir string) *service.Service {
	routes := []protocol.Route{
		{Method: "POST", Path: "/detector", Op: "CreateDetector"},
		{Method: "GET", Path: "/detector", Op: "ListDetectors"},
		{Method: "GET", Path: "/detector/{detectorId}", Op: "GetDetector"},
		{Method: "POST", Path: "/detector/{detectorId}", Op: "UpdateDetector"},
		{Method: "DELETE", Path: "/detector/{detectorId}", Op: "DeleteDetector"},
		{Method: "POST", Path: "/detector/{detectorId}/findings", Op: "ListFindings"},
		{Method: "POST", Path: "/detector/{detectorId}/findings/get", Op: "GetFindings"},
		{Method: "POST", Path: "/detector/{detectorId}/findings/archive", Op: "ArchiveFindings"},
		{Method: "POST", Path: "/detector/{detectorId}/findings/unarchive", Op: "UnarchiveFindings"},
		{Method: "POST", Path: "/detector/{detectorId}/findings/statistics", Op: "GetFindingsStatistics"},
		{Method: "POST", Path: "/detector/{detectorId}/findings/create", Op: "CreateSampleFindings"},
		{Method: "POST", Path: "/detector/{detectorId}/filter", Op: "CreateFilter"},
		{Method: "GET", Path: "/detector/{detectorId}/filter", Op: "ListFilters"},
		{Method: "GET", Path: "/detector/{detectorId}/filter/{filterName}", Op: "GetFilter"},
		{Method: "POST", Path: "/detector/{detectorId}/filter/{filterName}", Op: "UpdateFilter"},
		{Method: "DELETE", Path: "/detector/{detectorId}/filter/{filterName}", Op: "DeleteFilter"},
		{Method: "POST", Path: "/tags/{resourceArn}", Op: "TagResource"},
		{Method: "GET", Path: "/tags/{resourceArn}", Op: "ListTagsForResource"},
		{Method: "DELETE", Path: "/tags/{resourceArn}", Op: "UntagResource"},
		{Method: "POST", Path: "/detector/{detectorId}/ipset", Op: "CreateIPSet"},
		{Method: "GET", Path: "/detector/{detectorId}/ipset", Op: "ListIPSets"},
		{Method: "GET", Path: "/detector/{detectorId}/ipset/{ipSetId}", Op: "GetIPSet"},
		{Method: "POST", Path: "/detector/{detectorId}/ipset/{ipSetId}", Op: "UpdateIPSet"},
		{Method: "DELETE", Path: "/detector/{detectorId}/ipset/{ipSetId}", Op: "DeleteIPSet"},
		{Method: "POST", Path: "/detector/{detectorId}/threatintelset", Op: "CreateThreatIntelSet"},
		{Method: "GET", Path: "/detector/{detectorId}/threatintelset", Op: "ListThreatIntelSets"},
		{Method: "GET", Path: "/detector/{detectorId}/threatintelset/{threatIntelSetId}", Op: "GetThreatIntelSet"},
		{Method: "POST", Path: "/detector/{detectorId}/threatintelset/{threatIntelSetId}", Op: "UpdateThreatIntelSet"},
		{Method: "DELETE", Path: "/detector/{detectorId}/threatintelset/{threatIntelSetId}", Op: "DeleteThreatIntelSet"},
	}
	detRes := func(c *service.Call, id string) string {
		return "arn:aws:guardduty:" + c.Region + ":" + c.Account() + ":detector/" + id
	}
	return &service.Service{
		Meta:        protocol.Service{Name: "guardduty", Protocol: "rest-json"},
		EventSource: "guardduty.amazonaws.com",
		Router:      protocol.NewRouter(routes),
		Ops: service.Table(append(append(append(append(listOps(dataDir), filterOps()...), statsOps()...), tagOps()...),
			service.Op("CreateDetector", "guardduty:CreateDetector", createDetector),
			service.Op("ListDetectors", "guardduty:ListDetectors", listDetectors, service.ReadOnly[ListDetectorsInput]()),
			service.Op("GetDetector", "guardduty:GetDetector", getDetector, service.ReadOnly[DetectorInput](),
				service.Resource(func(_ context.Context, c *service.Call, in *DetectorInput) (string, error) {
					return detRes(c, in.DetectorID), nil
				})),
			service.Op("UpdateDetector", "guardduty:UpdateDetector", updateDetector,
				service.Resource(func(_ context.Context, c *service.Call, in *UpdateDetectorInput) (string, error) {
					return detRes(c, in.DetectorID), nil
				})),
			service.Op("DeleteDetector", "guardduty:DeleteDetector", deleteDetector,
				service.Resource(func(_ context.Context, c *service.Call, in *DetectorInput) (string, error) {
					return detRes(c, in.DetectorID), nil
				})),
			service.Op("ListFindings", "guardduty:ListFindings", listFindings, service.ReadOnly[ListFindingsInput](),
				service.Resource(func(_ context.Context, c *service.Call, in *ListFindingsInput) (string, error) {
					return detRes(c, in.DetectorID), nil
				})),
			service.Op("GetFindings", "guardduty:GetFindings", getFindings, service.ReadOnly[GetFindingsInput](),
				service.Resource(func(_ context.Context, c *service.Call, in *GetFindingsInput) (string, error) {
					return detRes(c, in.DetectorID), nil
				})),
			service.Op("ArchiveFindings", "guardduty:ArchiveFindings", func(ctx context.Context, c *service.Call, in *GetFindingsInput) (*struct{}, error) {
				return archive(ctx, c, in, true)
			}, service.Resource(func(_ context.Context, c *service.Call, in *GetFindingsInput) (string, error) {
				return detRes(c, in.DetectorID), nil
			})),
			service.Op("UnarchiveFindings", "guardduty:UnarchiveFindings", func(ctx context.Context, c *service.Call, in *GetFindingsInput) (*struct{}, error) {
				return archive(ctx, c, in, false)
			}, service.Resource(func(_ context.Context, c *service.Call, in *GetFindingsInput) (string, error) {
				return detRes(c, in.DetectorID), nil
			})))...,
		),
	}
}

// detectorRecord is a stored detector.
type detectorRecord struct {
	ID                         string    `json:"id"`
	Account                    string    `json:"account"`
	Region                     string    `json:"region"`
	Enabled                    bool      `json:"enabled"`
	FindingPublishingFrequency string    `json:"findingPublishingFrequency"`
	Created                    time.Time `json:"created"`
	Updated                    time.Time `json:"updated"`
	// S3DataEventsOff is S3 Protection turned off (feature S3_DATA_EVENTS,
	// or dataSources.s3Logs): S3 data events are not analysed.
	S3DataEventsOff bool `json:"s3DataEventsOff,omitempty"`
}

// Features and data sources: GuardDuty's protection plans. moat analyses
// CloudTrail management events always and S3 data events when
// S3_DATA_EVENTS (S3 Protection) is on, the default; the other plans are
// kept as set but have no source in moat.

// DetectorFeature is one protection plan of CreateDetector/UpdateDetector.
type DetectorFeature struct {
	Name   string `aws:"name"`
	Status string `aws:"status"`
}

// DataSources is the legacy dataSources member (s3Logs only is read).
type DataSources struct {
	S3Logs *struct {
		Enable *bool `aws:"enable"`
	} `aws:"s3Logs"`
}

var knownFeatures = map[string]bool{"S3_DATA_EVENTS": true, "EKS_AUDIT_LOGS": true, "EBS_MALWARE_PROTECTION": true, "RDS_LOGIN_EVENTS": true,
	"EKS_RUNTIME_MONITORING": true, "LAMBDA_NETWORK_LOGS": true, "RUNTIME_MONITORING": true}

// applyProtection sets S3 Protection from features or data sources.
func applyProtection(d *detectorRecord, features []DetectorFeature, ds *DataSources) error {
	for _, f := range features {
		if !knownFeatures[f.Name] || (f.Status != "ENABLED" && f.Status != "DISABLED") {
			return badRequest.New("The request is rejected because an invalid or out-of-range value is specified as an input parameter.")
		}
		if f.Name == "S3_DATA_EVENTS" {
			d.S3DataEventsOff = f.Status == "DISABLED"
		}
	}
	if ds != nil && ds.S3Logs != nil && ds.S3Logs.Enable != nil {
		d.S3DataEventsOff = !*ds.S3Logs.Enable
	}
	return nil
}

func detectorKey(account, region string) string { return account + "/" + region }

// CreateDetectorInput is GuardDuty's CreateDetector request.
type CreateDetectorInput struct {
	Enable                     *bool             `aws:"enable"`
	FindingPublishingFrequency *string           `aws:"findingPublishingFrequency"`
	ClientToken                *string           `aws:"clientToken"`
	Features                   []DetectorFeature `aws:"features"`
	DataSources                *DataSources      `aws:"dataSources"`
}

// CreateDetectorOutput is GuardDuty's CreateDetector response.
type CreateDetectorOutput struct {
	DetectorID string `aws:"detectorId"`
}

func newDetectorID() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

func frequency(f *string) (string, error) {
	if f == nil {
		return "SIX_HOURS", nil
	}
	switch *f {
	case "FIFTEEN_MINUTES", "ONE_HOUR", "SIX_HOURS":
		return *f, nil
	}
	return "", badRequest.New("The request is rejected because an invalid or out-of-range value is specified as an input parameter.")
}

func createDetector(ctx context.Context, c *service.Call, in *CreateDetectorInput) (*CreateDetectorOutput, error) {
	if in.Enable == nil {
		return nil, badRequest.New("The request is rejected because the input detector enable value is missing.")
	}
	freq, err := frequency(in.FindingPublishingFrequency)
	if err != nil {
		return nil, err
	}
	d := detectorRecord{ID: newDetectorID(), Account: c.Account(), Region: c.Region, Enabled: *in.Enable, FindingPublishingFrequency: freq, Created: c.Now.UTC(), Updated: c.Now.UTC()}
	if err := applyProtection(&d, in.Features, in.DataSources); err != nil {
		return nil, err
	}
	b, _ := json.Marshal(&d)
	err = c.Deps.Store.Update(ctx, func(tx store.Tx) error {
		err := tx.Insert(TableDetectors, detectorKey(d.Account, d.Region), b)
		if errors.Is(err, store.ErrExists) {
			return badRequest.New("The request is rejected because a detector already exists for the current account.")
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	return &CreateDetectorOutput{DetectorID: d.ID}, nil
}

// ListDetectorsInput is GuardDuty's ListDetectors request.
type ListDetectorsInput struct {
	MaxResults *int32  `aws:"maxResults,location=querystring"`
	NextToken  *string `aws:"nextToken,location=querystring"`
}

// ListDetectorsOutput is GuardDuty's ListDetectors response.
type ListDetectorsOutput struct {
	DetectorIDs []string `aws:"detectorIds"`
}

func listDetectors(ctx context.Context, c *service.Call, _ *ListDetectorsInput) (*ListDetectorsOutput, error) {
	out := &ListDetectorsOutput{DetectorIDs: []string{}}
	err := c.Deps.Store.View(ctx, func(tx store.Tx) error {
		b, err := tx.Get(TableDetectors, detectorKey(c.Account(), c.Region))
		if errors.Is(err, store.ErrNotFound) {
			return nil
		}
		if err != nil {
			return err
		}
		var d detectorRecord
		if err := json.Unmarshal(b, &d); err != nil {
			return err
		}
		out.DetectorIDs = append(out.DetectorIDs, d.ID)
		return nil
	})
	return out, err
}

// DetectorInput names a detector.
type DetectorInput struct {
	DetectorID string `aws:"detectorId,location=uri"`
}

// loadDetector reads the caller's detector with the given id.
func loadDetector(tx store.Tx, c *service.Call, id string) (*detectorRecord, error) {
	b, err := tx.Get(TableDetectors, detectorKey(c.Account(), c.Region))
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return nil, err
	}
	var d detectorRecord
	if err == nil {
		if err := json.Unmarshal(b, &d); err != nil {
			return nil, err
		}
	}
	if err != nil || d.ID != id {
		return nil, badRequest.New("The request is rejected because the input detectorId is not owned by the current account.")
	}
	return &d, nil
}

// GetDetectorOutput is GuardDuty's GetDetector response.
type GetDetectorOutput struct {
	CreatedAt                  string            `aws:"createdAt"`
	UpdatedAt                  string            `aws:"updatedAt"`
	FindingPublishingFrequency string            `aws:"findingPublishingFrequency"`
	ServiceRole                string            `aws:"serviceRole"`
	Status                     string            `aws:"status"`
	Features                   []DetectorFeature `aws:"features"`
}

func getDetector(ctx context.Context, c *service.Call, in *DetectorInput) (*GetDetectorOutput, error) {
	var out *GetDetectorOutput
	err := c.Deps.Store.View(ctx, func(tx store.Tx) error {
		d, err := loadDetector(tx, c, in.DetectorID)
		if err != nil {
			return err
		}
		status := "DISABLED"
		if d.Enabled {
			status = "ENABLED"
		}
		s3 := "ENABLED"
		if d.S3DataEventsOff {
			s3 = "DISABLED"
		}
		out = &GetDetectorOutput{CreatedAt: d.Created.Format(time.RFC3339Nano), UpdatedAt: d.Updated.Format(time.RFC3339Nano), FindingPublishingFrequency: d.FindingPublishingFrequency,
			ServiceRole: "arn:aws:iam::" + d.Account + ":role/aws-service-role/guardduty.amazonaws.com/AWSServiceRoleForAmazonGuardDuty", Status: status,
			Features: []DetectorFeature{{Name: "CLOUD_TRAIL", Status: "ENABLED"}, {Name: "S3_DATA_EVENTS", Status: s3}}}
		return nil
	})
	return out, err
}

// UpdateDetectorInput is GuardDuty's UpdateDetector request.
type UpdateDetectorInput struct {
	DetectorID                 string            `aws:"detectorId,location=uri"`
	Enable                     *bool             `aws:"enable"`
	FindingPublishingFrequency *string           `aws:"findingPublishingFrequency"`
	Features                   []DetectorFeature `aws:"features"`
	DataSources                *DataSources      `aws:"dataSources"`
}

func updateDetector(ctx context.Context, c *service.Call, in *UpdateDetectorInput) (*struct{}, error) {
	return &struct{}{}, c.Deps.Store.Update(ctx, func(tx store.Tx) error {
		d, err := loadDetector(tx, c, in.DetectorID)
		if err != nil {
			return err
		}
		if in.Enable != nil {
			d.Enabled = *in.Enable
		}
		if in.FindingPublishingFrequency != nil {
			if d.FindingPublishingFrequency, err = frequency(in.FindingPublishingFrequency); err != nil {
				return err
			}
		}
		if err := applyProtection(d, in.Features, in.DataSources); err != nil {
			return err
		}
		d.Updated = c.Now.UTC()
		b, _ := json.Marshal(d)
		return tx.Put(TableDetectors, detectorKey(d.Account, d.Region), b)
	})
}

func deleteDetector(ctx context.Context, c *service.Call, in *DetectorInput) (*struct{}, error) {
	return &struct{}{}, c.Deps.Store.Update(ctx, func(tx store.Tx) error {
		d, err := loadDetector(tx, c, in.DetectorID)
		if err != nil {
			return err
		}
		var ids []string
		prefix := d.Account + "/" + d.Region + "/"
		if err := tx.Scan(TableFindings, prefix, "", 0, func(k string, _ []byte) error { ids = append(ids, k); return nil }); err != nil {
			return err
		}
		for _, k := range ids {
			if err := tx.Delete(TableFindings, k); err != nil {
				return err
			}
		}
		if err := deleteFilters(tx, d.Account, d.Region); err != nil {
			return err
		}
		return tx.Delete(TableDetectors, detectorKey(d.Account, d.Region))
	})
}

// storedFinding is the part of a stored finding the live detectors read
// back when a finding is raised again.
type storedFinding struct {
	ID        string  `json:"id"`
	Type      string  `json:"type"`
	Severity  float64 `json:"severity"`
	UpdatedAt string  `json:"updatedAt"`
	Service   struct {
		Archived bool `json:"archived"`
	} `json:"service"`
}

// SortCriteria is GuardDuty's SortCriteria shape.
type SortCriteria struct {
	AttributeName *string `aws:"attributeName"`
	OrderBy       *string `aws:"orderBy"`
}

// ListFindingsInput is GuardDuty's ListFindings request.
type ListFindingsInput struct {
	DetectorID      string           `aws:"detectorId,location=uri"`
	FindingCriteria *FindingCriteria `aws:"findingCriteria"`
	SortCriteria    *SortCriteria    `aws:"sortCriteria"`
	MaxResults      *int32           `aws:"maxResults"`
	NextToken       *string          `aws:"nextToken"`
}

// ListFindingsOutput is GuardDuty's ListFindings response.
type ListFindingsOutput struct {
	FindingIDs []string `aws:"findingIds"`
	NextToken  *string  `aws:"nextToken"`
}

func invalidValue() error {
	return badRequest.New("The request is rejected because an invalid or out-of-range value is specified as an input parameter.")
}

// scanFindings calls fn with every stored finding of the caller's detector
// in region that matches crit, decoded once.
func scanFindings(tx store.Tx, c *service.Call, crit *criteria, fn func(key string, f map[string]any, raw []byte) error) error {
	prefix := c.Account() + "/" + c.Region + "/"
	return tx.Scan(TableFindings, prefix, "", 0, func(k string, b []byte) error {
		f, err := decodeFinding(b)
		if err != nil {
			return err
		}
		if !crit.Match(f) {
			return nil
		}
		return fn(k, f, b)
	})
}

func listFindings(ctx context.Context, c *service.Call, in *ListFindingsInput) (*ListFindingsOutput, error) {
	limit := 50
	if in.MaxResults != nil {
		if *in.MaxResults < 1 || *in.MaxResults > 50 {
			return nil, invalidValue()
		}
		limit = int(*in.MaxResults)
	}
	start := 0
	if in.NextToken != nil && *in.NextToken != "" {
		n, err := strconv.Atoi(*in.NextToken)
		if err != nil || n < 0 {
			return nil, badRequest.New("The request is rejected because the nextToken is not valid.")
		}
		start = n
	}
	crit, err := compileCriteria(in.FindingCriteria, false)
	if err != nil {
		return nil, err
	}
	var sortFd critField
	sorted, desc := false, false
	if sc := in.SortCriteria; sc != nil && sc.AttributeName != nil {
		var ok bool
		if sortFd, ok = sortField(*sc.AttributeName); !ok {
			return nil, badRequest.New("The request is rejected because the sortCriteria attributeName %q is not a valid attribute.", *sc.AttributeName)
		}
		sorted = true
		if sc.OrderBy != nil {
			switch *sc.OrderBy {
			case "ASC":
			case "DESC":
				desc = true
			default:
				return nil, invalidValue()
			}
		}
	}
	var all []sortable
	err = c.Deps.Store.View(ctx, func(tx store.Tx) error {
		if _, err := loadDetector(tx, c, in.DetectorID); err != nil {
			return err
		}
		return scanFindings(tx, c, crit, func(_ string, f map[string]any, _ []byte) error {
			s := sortable{id: asString(f["id"])}
			if sorted {
				s.n, s.s, s.has = sortKey(sortFd, f)
			}
			all = append(all, s)
			return nil
		})
	})
	if err != nil {
		return nil, err
	}
	if sorted {
		sortFindings(all, sortFd.kind == kNumber || sortFd.kind == kTime, desc)
	}
	out := &ListFindingsOutput{FindingIDs: []string{}}
	for i := start; i < len(all) && i < start+limit; i++ {
		out.FindingIDs = append(out.FindingIDs, all[i].id)
	}
	if start+limit < len(all) {
		next := strconv.Itoa(start + limit)
		out.NextToken = &next
	}
	return out, nil
}

// GetFindingsInput is GuardDuty's GetFindings (and Archive/UnarchiveFindings) request.
type GetFindingsInput struct {
	DetectorID string   `aws:"detectorId,location=uri"`
	FindingIDs []string `aws:"findingIds"`
}

// GetFindingsOutput is GuardDuty's GetFindings response: the findings as
// stored, in GuardDuty's JSON shape.
type GetFindingsOutput struct {
	Findings []json.RawMessage `aws:"findings"`
}

func getFindings(ctx context.Context, c *service.Call, in *GetFindingsInput) (*GetFindingsOutput, error) {
	if len(in.FindingIDs) > 50 {
		return nil, badRequest.New("The request is rejected because an invalid or out-of-range value is specified as an input parameter.")
	}
	out := &GetFindingsOutput{Findings: []json.RawMessage{}}
	err := c.Deps.Store.View(ctx, func(tx store.Tx) error {
		if _, err := loadDetector(tx, c, in.DetectorID); err != nil {
			return err
		}
		for _, id := range in.FindingIDs {
			b, err := tx.Get(TableFindings, c.Account()+"/"+c.Region+"/"+id)
			if errors.Is(err, store.ErrNotFound) {
				continue // GetFindings leaves out ids it does not know
			}
			if err != nil {
				return err
			}
			out.Findings = append(out.Findings, apiFinding(b))
		}
		return nil
	})
	return out, err
}

// apiFinding turns a stored finding (GuardDuty's export shape, as
// EventBridge carries it) into GetFindings' shape: there
// service.additionalInfo is {"value": <that object as a JSON string>,
// "type": "default"} (API reference, ServiceAdditionalInfo).
func apiFinding(b []byte) json.RawMessage {
	var m map[string]any
	if json.Unmarshal(b, &m) != nil {
		return b
	}
	svc, _ := m["service"].(map[string]any)
	info, ok := svc["additionalInfo"].(map[string]any)
	if !ok {
		return b
	}
	if _, done := info["value"].(string); done {
		return b
	}
	v, _ := json.Marshal(info)
	svc["additionalInfo"] = map[string]any{"value": string(v), "type": "default"}
	nb, err := json.Marshal(m)
	if err != nil {
		return b
	}
	return nb
}

func archive(ctx context.Context, c *service.Call, in *GetFindingsInput, archived bool) (*struct{}, error) {
	return &struct{}{}, c.Deps.Store.Update(ctx, func(tx store.Tx) error {
		if _, err := loadDetector(tx, c, in.DetectorID); err != nil {
			return err
		}
		for _, id := range in.FindingIDs {
			key := c.Account() + "/" + c.Region + "/" + id
			b, err := tx.Get(TableFindings, key)
			if errors.Is(err, store.ErrNotFound) {
				continue
			}
			if err != nil {
				return err
			}
			var m map[string]any
			if err := json.Unmarshal(b, &m); err != nil {
				return err
			}
			if svc, ok := m["service"].(map[string]any); ok {
				svc["archived"] = archived
			}
			nb, err := json.Marshal(m)
			if err != nil {
				return err
			}
			if err := tx.Put(TableFindings, key, nb); err != nil {
				return err
			}
		}
		return nil
	})
}
