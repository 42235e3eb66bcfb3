// Package guardduty serves the GuardDuty API (rest-json) over the findings
// moat's detection engine (detect/) raises on the live CloudTrail stream:
// detectors, ListFindings/GetFindings and archiving. Watch (below) is the bus
// consumer that feeds each account's records to its detector.
//
// Not served yet: IP sets and threat intel sets, filters, statistics,
// sample findings and FindingCriteria beyond type, severity and archived
// (`moat detect` has the lists offline).
package guardduty

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"net/http"
	"strconv"
	"strings"
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
func New() *service.Service {
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
		{Method: "POST", Path: "/detector/{detectorId}/ipset", Op: "CreateIPSet"},
		{Method: "GET", Path: "/detector/{detectorId}/ipset", Op: "ListIPSets"},
		{Method: "GET", Path: "/detector/{detectorId}/ipset/{ipSetId}", Op: "GetIPSet"},
		{Method: "DELETE", Path: "/detector/{detectorId}/ipset/{ipSetId}", Op: "DeleteIPSet"},
		{Method: "POST", Path: "/detector/{detectorId}/threatintelset", Op: "CreateThreatIntelSet"},
		{Method: "GET", Path: "/detector/{detectorId}/threatintelset", Op: "ListThreatIntelSets"},
		{Method: "GET", Path: "/detector/{detectorId}/threatintelset/{threatIntelSetId}", Op: "GetThreatIntelSet"},
		{Method: "DELETE", Path: "/detector/{detectorId}/threatintelset/{threatIntelSetId}", Op: "DeleteThreatIntelSet"},
	}
	detRes := func(c *service.Call, id string) string {
		return "arn:aws:guardduty:" + c.Region + ":" + c.Account() + ":detector/" + id
	}
	return &service.Service{
		Meta:        protocol.Service{Name: "guardduty", Protocol: "rest-json"},
		EventSource: "guardduty.amazonaws.com",
		Router:      protocol.NewRouter(routes),
		Ops: service.Table(append(listOps(),
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
}

func detectorKey(account, region string) string { return account + "/" + region }

// CreateDetectorInput is GuardDuty's CreateDetector request.
type CreateDetectorInput struct {
	Enable                     *bool   `aws:"enable"`
	FindingPublishingFrequency *string `aws:"findingPublishingFrequency"`
	ClientToken                *string `aws:"clientToken"`
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
	CreatedAt                  string `aws:"createdAt"`
	UpdatedAt                  string `aws:"updatedAt"`
	FindingPublishingFrequency string `aws:"findingPublishingFrequency"`
	ServiceRole                string `aws:"serviceRole"`
	Status                     string `aws:"status"`
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
		out = &GetDetectorOutput{CreatedAt: d.Created.Format(time.RFC3339Nano), UpdatedAt: d.Updated.Format(time.RFC3339Nano), FindingPublishingFrequency: d.FindingPublishingFrequency,
			ServiceRole: "arn:aws:iam::" + d.Account + ":role/aws-service-role/guardduty.amazonaws.com/AWSServiceRoleForAmazonGuardDuty", Status: status}
		return nil
	})
	return out, err
}

// UpdateDetectorInput is GuardDuty's UpdateDetector request.
type UpdateDetectorInput struct {
	DetectorID                 string  `aws:"detectorId,location=uri"`
	Enable                     *bool   `aws:"enable"`
	FindingPublishingFrequency *string `aws:"findingPublishingFrequency"`
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
		return tx.Delete(TableDetectors, detectorKey(d.Account, d.Region))
	})
}

// storedFinding is the part of a stored finding the API filters and sorts
// on; the whole JSON is returned as it is.
type storedFinding struct {
	ID        string  `json:"id"`
	Type      string  `json:"type"`
	Severity  float64 `json:"severity"`
	UpdatedAt string  `json:"updatedAt"`
	Service   struct {
		Archived bool `json:"archived"`
	} `json:"service"`
}

// Condition is GuardDuty's Condition shape (the operators moat applies).
type Condition struct {
	Eq                 []string `aws:"eq"`
	Neq                []string `aws:"neq"`
	Equals             []string `aws:"equals"`
	NotEquals          []string `aws:"notEquals"`
	GreaterThanOrEqual *int64   `aws:"greaterThanOrEqual"`
	GreaterThan        *int64   `aws:"greaterThan"`
	LessThan           *int64   `aws:"lessThan"`
	LessThanOrEqual    *int64   `aws:"lessThanOrEqual"`
}

// FindingCriteria is GuardDuty's FindingCriteria shape.
type FindingCriteria struct {
	Criterion map[string]Condition `aws:"criterion"`
}

// ListFindingsInput is GuardDuty's ListFindings request.
type ListFindingsInput struct {
	DetectorID      string           `aws:"detectorId,location=uri"`
	FindingCriteria *FindingCriteria `aws:"findingCriteria"`
	MaxResults      *int32           `aws:"maxResults"`
	NextToken       *string          `aws:"nextToken"`
}

// ListFindingsOutput is GuardDuty's ListFindings response.
type ListFindingsOutput struct {
	FindingIDs []string `aws:"findingIds"`
	NextToken  *string  `aws:"nextToken"`
}

// matches applies the criteria moat supports: type, severity and
// service.archived; another attribute is refused rather than ignored.
func matches(f *storedFinding, crit *FindingCriteria) (bool, error) {
	if crit == nil {
		return true, nil
	}
	for attr, cond := range crit.Criterion {
		var s string
		var n float64
		switch attr {
		case "type":
			s = f.Type
		case "severity":
			n = f.Severity
		case "service.archived":
			s = strconv.FormatBool(f.Service.Archived)
		case "id":
			s = f.ID
		default:
			return false, badRequest.New("The request is rejected because moat does not filter findings on %q (supported: type, severity, service.archived, id).", attr)
		}
		eq := append(append([]string(nil), cond.Eq...), cond.Equals...)
		neq := append(append([]string(nil), cond.Neq...), cond.NotEquals...)
		if len(eq) > 0 && !contains(eq, s, n, attr) {
			return false, nil
		}
		if len(neq) > 0 && contains(neq, s, n, attr) {
			return false, nil
		}
		if g := cond.GreaterThanOrEqual; g != nil && !(n >= float64(*g)) {
			return false, nil
		}
		if g := cond.GreaterThan; g != nil && !(n > float64(*g)) {
			return false, nil
		}
		if l := cond.LessThan; l != nil && !(n < float64(*l)) {
			return false, nil
		}
		if l := cond.LessThanOrEqual; l != nil && !(n <= float64(*l)) {
			return false, nil
		}
	}
	return true, nil
}

func contains(list []string, s string, n float64, attr string) bool {
	for _, v := range list {
		if attr == "severity" {
			if x, err := strconv.ParseFloat(v, 64); err == nil && x == n {
				return true
			}
			continue
		}
		if strings.EqualFold(v, s) {
			return true
		}
	}
	return false
}

func listFindings(ctx context.Context, c *service.Call, in *ListFindingsInput) (*ListFindingsOutput, error) {
	limit := 50
	if in.MaxResults != nil {
		if *in.MaxResults < 1 || *in.MaxResults > 50 {
			return nil, badRequest.New("The request is rejected because an invalid or out-of-range value is specified as an input parameter.")
		}
		limit = int(*in.MaxResults)
	}
	after := ""
	if in.NextToken != nil && *in.NextToken != "" {
		after = *in.NextToken
	}
	out := &ListFindingsOutput{FindingIDs: []string{}}
	err := c.Deps.Store.View(ctx, func(tx store.Tx) error {
		if _, err := loadDetector(tx, c, in.DetectorID); err != nil {
			return err
		}
		prefix := c.Account() + "/" + c.Region + "/"
		if after != "" {
			after = prefix + after
		}
		errStop := errors.New("stop")
		err := tx.Scan(TableFindings, prefix, after, 0, func(k string, b []byte) error {
			var f storedFinding
			if err := json.Unmarshal(b, &f); err != nil {
				return err
			}
			ok, err := matches(&f, in.FindingCriteria)
			if err != nil || !ok {
				return err
			}
			if len(out.FindingIDs) == limit {
				next := out.FindingIDs[limit-1]
				out.NextToken = &next
				return errStop
			}
			out.FindingIDs = append(out.FindingIDs, f.ID)
			return nil
		})
		if errors.Is(err, errStop) {
			return nil
		}
		return err
	})
	return out, err
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
			out.Findings = append(out.Findings, json.RawMessage(b))
		}
		return nil
	})
	return out, err
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
