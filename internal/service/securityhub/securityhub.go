// Package securityhub serves the Security Hub API (rest-json) over the asff
// engine: the hub (Enable/Describe/DisableSecurityHub), BatchImportFindings
// with AWS's per-finding FailedFindings, GetFindings with every filter type,
// sorting and paging, and BatchUpdateFindings. Import is also what moat's
// own producers call (Import): live GuardDuty findings arrive here in the
// ASFF mapping AWS uses for GuardDuty.
//
// Insights (insights.go): custom insights (CreateInsight, GetInsights,
// UpdateInsight, DeleteInsight) and AWS's managed insights under
// arn:aws:securityhub:::insight/securityhub/default/N (read-only: Update
// and Delete refuse them with InvalidInputException), and
// GetInsightResults, grouped counts over the account's findings with the
// same filter engine as GetFindings. Custom actions (actions.go):
// Create/Describe/Update/DeleteActionTarget.
//
// Where AWS is silent, moat chooses and says so: a custom insight's ARN is
// arn:aws:securityhub:REGION:ACCOUNT:insight/ACCOUNT/custom/UUID as AWS
// writes it; GetInsights without ARNs lists the custom insights, then the
// managed ones; an unknown ARN in GetInsights or DescribeActionTargets is
// ResourceNotFoundException; the quotas (100 custom insights, 50 custom
// actions per account and Region) are from the quota page as remembered,
// [unverified]; error messages are moat's and name the parameter.
// DisableSecurityHub deletes insights and custom actions at once with the
// findings (AWS keeps them 90 days).
//
// Not served yet: sending findings to a custom action (the EventBridge
// event "Security Hub Findings - Custom Action"), multi-account
// administration (see the Security Hub issue).
package securityhub

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/moatdev/moat/asff"
	"github.com/moatdev/moat/internal/awserr"
	"github.com/moatdev/moat/internal/protocol"
	"github.com/moatdev/moat/internal/service"
	"github.com/moatdev/moat/internal/service/events"
	"github.com/moatdev/moat/internal/store"
	"github.com/moatdev/moat/posture"
)

// Tables.
const (
	TableHubs     = "securityhub.hubs"     // account/region → hub
	TableFindings = "securityhub.findings" // account/region/ProductArn|Id → stored
)

// Security Hub's errors (API reference, "Common errors" and each operation).
var (
	invalidInput     = awserr.Def{Code: "InvalidInputException", Status: http.StatusBadRequest}
	invalidAccess    = awserr.Def{Code: "InvalidAccessException", Status: http.StatusUnauthorized}
	resourceConflict = awserr.Def{Code: "ResourceConflictException", Status: http.StatusConflict}
)

// New returns the Security Hub service.
func New() *service.Service {
	routes := []protocol.Route{
		{Method: "POST", Path: "/accounts", Op: "EnableSecurityHub"},
		{Method: "GET", Path: "/accounts", Op: "DescribeHub"},
		{Method: "DELETE", Path: "/accounts", Op: "DisableSecurityHub"},
		{Method: "POST", Path: "/findings/import", Op: "BatchImportFindings"},
		{Method: "POST", Path: "/findings", Op: "GetFindings"},
		{Method: "PATCH", Path: "/findings/batchupdate", Op: "BatchUpdateFindings"},
		{Method: "GET", Path: "/standards", Op: "DescribeStandards"},
		{Method: "POST", Path: "/standards/get", Op: "GetEnabledStandards"},
		{Method: "POST", Path: "/standards/register", Op: "BatchEnableStandards"},
		{Method: "POST", Path: "/standards/deregister", Op: "BatchDisableStandards"},
		{Method: "GET", Path: "/standards/controls/{StandardsSubscriptionArn+}", Op: "DescribeStandardsControls"},
		{Method: "PATCH", Path: "/standards/control/{StandardsControlArn+}", Op: "UpdateStandardsControl"},
		{Method: "POST", Path: "/insights", Op: "CreateInsight"},
		{Method: "POST", Path: "/insights/get", Op: "GetInsights"},
		{Method: "PATCH", Path: "/insights/{InsightArn+}", Op: "UpdateInsight"},
		{Method: "DELETE", Path: "/insights/{InsightArn+}", Op: "DeleteInsight"},
		{Method: "GET", Path: "/insights/results/{InsightArn+}", Op: "GetInsightResults"},
		{Method: "POST", Path: "/actionTargets", Op: "CreateActionTarget"},
		{Method: "POST", Path: "/actionTargets/get", Op: "DescribeActionTargets"},
		{Method: "PATCH", Path: "/actionTargets/{ActionTargetArn+}", Op: "UpdateActionTarget"},
		{Method: "DELETE", Path: "/actionTargets/{ActionTargetArn+}", Op: "DeleteActionTarget"},
	}
	hubARN := func(_ context.Context, c *service.Call) string {
		return "arn:aws:securityhub:" + c.Region + ":" + c.Account() + ":hub/default"
	}
	return &service.Service{
		Meta:        protocol.Service{Name: "securityhub", Protocol: "rest-json"},
		EventSource: "securityhub.amazonaws.com",
		Router:      protocol.NewRouter(routes),
		Ops: service.Table(append(append(append(standardsOps(), insightOps(hubARN)...), actionOps(hubARN)...),
			service.Op("EnableSecurityHub", "securityhub:EnableSecurityHub", enable,
				service.Resource(func(ctx context.Context, c *service.Call, _ *EnableInput) (string, error) { return hubARN(ctx, c), nil })),
			service.Op("DescribeHub", "securityhub:DescribeHub", describe, service.ReadOnly[DescribeHubInput](),
				service.Resource(func(ctx context.Context, c *service.Call, _ *DescribeHubInput) (string, error) {
					return hubARN(ctx, c), nil
				})),
			service.Op("DisableSecurityHub", "securityhub:DisableSecurityHub", disable,
				service.Resource(func(ctx context.Context, c *service.Call, _ *struct{}) (string, error) { return hubARN(ctx, c), nil })),
			service.Op("BatchImportFindings", "securityhub:BatchImportFindings", batchImport,
				service.Resource(func(ctx context.Context, c *service.Call, _ *RawInput) (string, error) { return hubARN(ctx, c), nil })),
			service.Op("GetFindings", "securityhub:GetFindings", getFindings, service.ReadOnly[RawInput](),
				service.Resource(func(ctx context.Context, c *service.Call, _ *RawInput) (string, error) { return hubARN(ctx, c), nil })),
			service.Op("BatchUpdateFindings", "securityhub:BatchUpdateFindings", batchUpdate,
				service.Resource(func(ctx context.Context, c *service.Call, _ *RawInput) (string, error) { return hubARN(ctx, c), nil })))...,
		),
	}
}

type hub struct {
	SubscribedAt time.Time `json:"subscribedAt"`
	Standards    []string  `json:"standards,omitempty"` // enabled, as posture's ids
}

func hubKey(account, region string) string { return account + "/" + region }

// stored is a finding as kept: the finding and what the customer changed.
type stored struct {
	Finding asff.Finding         `json:"finding"`
	Changed asff.CustomerChanged `json:"changed"`
}

func findingKey(account, region string, f *asff.Finding) string {
	return account + "/" + region + "/" + f.ProductArn + "|" + f.Id
}

// EnableInput is Security Hub's EnableSecurityHub request.
type EnableInput struct {
	EnableDefaultStandards  *bool             `aws:"EnableDefaultStandards"`
	ControlFindingGenerator *string           `aws:"ControlFindingGenerator"`
	Tags                    map[string]string `aws:"Tags"`
}

func enable(ctx context.Context, c *service.Call, in *EnableInput) (*struct{}, error) {
	h := hub{SubscribedAt: c.Now.UTC()}
	if in.EnableDefaultStandards == nil || *in.EnableDefaultStandards {
		h.Standards = []string{posture.StandardFSBP, posture.StandardCIS300}
	}
	b, _ := json.Marshal(h)
	return &struct{}{}, c.Deps.Store.Update(ctx, func(tx store.Tx) error {
		err := tx.Insert(TableHubs, hubKey(c.Account(), c.Region), b)
		if errors.Is(err, store.ErrExists) {
			return resourceConflict.New("Account %s is already subscribed to Security Hub", c.Account())
		}
		return err
	})
}

// DescribeHubInput is Security Hub's DescribeHub request.
type DescribeHubInput struct {
	HubArn *string `aws:"HubArn,location=querystring"`
}

// DescribeHubOutput is Security Hub's DescribeHub response.
type DescribeHubOutput struct {
	HubArn                  string
	SubscribedAt            string
	AutoEnableControls      bool
	ControlFindingGenerator string
}

func notSubscribed(c *service.Call) error {
	return invalidAccess.New("Account %s is not subscribed to AWS Security Hub", c.Account())
}

// Enabled reports whether account has Security Hub on in region.
func Enabled(tx store.Tx, account, region string) (bool, error) {
	_, err := tx.Get(TableHubs, hubKey(account, region))
	if errors.Is(err, store.ErrNotFound) {
		return false, nil
	}
	return err == nil, err
}

func describe(ctx context.Context, c *service.Call, _ *DescribeHubInput) (*DescribeHubOutput, error) {
	var out *DescribeHubOutput
	err := c.Deps.Store.View(ctx, func(tx store.Tx) error {
		b, err := tx.Get(TableHubs, hubKey(c.Account(), c.Region))
		if errors.Is(err, store.ErrNotFound) {
			return notSubscribed(c)
		}
		if err != nil {
			return err
		}
		var h hub
		if err := json.Unmarshal(b, &h); err != nil {
			return err
		}
		out = &DescribeHubOutput{HubArn: "arn:aws:securityhub:" + c.Region + ":" + c.Account() + ":hub/default",
			SubscribedAt: h.SubscribedAt.Format("2006-01-02T15:04:05.000Z"), AutoEnableControls: true, ControlFindingGenerator: "SECURITY_CONTROL"}
		return nil
	})
	return out, err
}

func disable(ctx context.Context, c *service.Call, _ *struct{}) (*struct{}, error) {
	return &struct{}{}, c.Deps.Store.Update(ctx, func(tx store.Tx) error {
		if err := tx.Delete(TableHubs, hubKey(c.Account(), c.Region)); errors.Is(err, store.ErrNotFound) {
			return notSubscribed(c)
		} else if err != nil {
			return err
		}
		for _, table := range []string{TableFindings, TableInsights, TableActionTargets} {
			if err := deleteAll(tx, table, c.Account(), c.Region); err != nil {
				return err
			}
		}
		return nil
	})
}

// RawInput is a request whose JSON body the asff package reads itself.
type RawInput struct {
	Body []byte `aws:",location=payload"`
}

// ImportOutput is Security Hub's BatchImportFindings response.
type ImportOutput struct {
	FailedCount    int32
	SuccessCount   int32
	FailedFindings []asff.ImportFindingsError
}

func requestError(err error) error {
	var re *asff.RequestError
	if errors.As(err, &re) {
		return invalidInput.New("%s", re.Error())
	}
	return invalidInput.New("%s", err.Error())
}

func batchImport(ctx context.Context, c *service.Call, in *RawInput) (*ImportOutput, error) {
	res, err := asff.ParseBatchImport(in.Body)
	if err != nil {
		return nil, requestError(err)
	}
	var out *ImportOutput
	err = c.Deps.Store.Update(ctx, func(tx store.Tx) error {
		on, err := Enabled(tx, c.Account(), c.Region)
		if err != nil {
			return err
		}
		if !on {
			return notSubscribed(c)
		}
		out, err = Import(tx, c.Account(), c.Region, res)
		return err
	})
	return out, err
}

// Import stores the accepted findings of res in account's hub in region:
// new ones as given (normalised), known ones (same Id and ProductArn)
// merged by Security Hub's update rules.
func Import(tx store.Tx, account, region string, res *asff.ImportResult) (*ImportOutput, error) {
	out := &ImportOutput{FailedFindings: []asff.ImportFindingsError{}}
	out.FailedFindings = append(out.FailedFindings, res.FailedFindings...)
	for i := range res.Findings {
		f := res.Findings[i]
		key := findingKey(account, region, &f)
		s := stored{Finding: f}
		publish := true
		if b, err := tx.Get(TableFindings, key); err == nil {
			var prev stored
			if err := json.Unmarshal(b, &prev); err != nil {
				return nil, err
			}
			s.Changed = prev.Changed
			s.Finding, _ = asff.MergeImport(&prev.Finding, &f, prev.Changed)
			if strings.HasPrefix(f.GeneratorId, "security-control/") {
				// Security Hub's own control findings keep when they were
				// first seen across re-evaluations.
				s.Finding.CreatedAt, s.Finding.FirstObservedAt = prev.Finding.CreatedAt, prev.Finding.FirstObservedAt
			}
			publish = !sameButTimes(&prev.Finding, &s.Finding)
		} else if errors.Is(err, store.ErrNotFound) {
			asff.Normalize(&s.Finding)
			if s.Finding.Workflow == nil {
				s.Finding.Workflow = &asff.Workflow{Status: "NEW"}
			}
			if s.Finding.RecordState == "" {
				s.Finding.RecordState = "ACTIVE"
			}
		} else {
			return nil, err
		}
		b, err := json.Marshal(&s)
		if err != nil {
			return nil, err
		}
		if err := tx.Put(TableFindings, key, b); err != nil {
			return nil, err
		}
		if publish {
			if err := emitImported(tx, account, region, &s.Finding, time.Time{}); err != nil {
				return nil, err
			}
		}
		out.SuccessCount++
	}
	out.FailedCount = int32(len(out.FailedFindings))
	return out, nil
}

// emitImported puts one finding on the account's default bus as AWS's
// "Security Hub Findings - Imported" event (one finding per event; its
// resources name the finding as ProductArn/Id), in the caller's
// transaction. at zero: the finding's UpdatedAt.
func emitImported(tx store.Tx, account, region string, f *asff.Finding, at time.Time) error {
	if at.IsZero() {
		at, _ = time.Parse(time.RFC3339Nano, f.UpdatedAt)
	}
	detail, err := json.Marshal(struct {
		Findings []*asff.Finding `json:"findings"`
	}{[]*asff.Finding{f}})
	if err != nil {
		return err
	}
	return events.Emit(tx, events.Finding{Source: events.SourceSecurityHub, DetailType: events.DetailSecurityHubImported,
		Account: account, Region: region, Time: at, Resources: []string{f.ProductArn + "/" + f.Id}, Detail: detail})
}

// sameButTimes says whether a re-import changed nothing but the finding's
// timestamps (CreatedAt, FirstObservedAt, LastObservedAt, UpdatedAt,
// ProcessedAt): moat re-imports every control finding each time the log
// grows, and a finding that did not change sends no event.
func sameButTimes(a, b *asff.Finding) bool {
	x, y := *a, *b
	x.UpdatedAt, y.UpdatedAt = "", ""
	x.ProcessedAt, y.ProcessedAt = "", ""
	x.LastObservedAt, y.LastObservedAt = "", ""
	x.FirstObservedAt, y.FirstObservedAt = "", ""
	x.CreatedAt, y.CreatedAt = "", ""
	bx, err1 := json.Marshal(&x)
	by, err2 := json.Marshal(&y)
	return err1 == nil && err2 == nil && bytes.Equal(bx, by)
}

// GetFindingsOutput is Security Hub's GetFindings response.
type GetFindingsOutput struct {
	Findings  []json.RawMessage
	NextToken *string
}

func getFindings(ctx context.Context, c *service.Call, in *RawInput) (*GetFindingsOutput, error) {
	var req struct {
		Filters      json.RawMessage      `json:"Filters"`
		SortCriteria []asff.SortCriterion `json:"SortCriteria"`
		MaxResults   *int                 `json:"MaxResults"`
		NextToken    *string              `json:"NextToken"`
	}
	if len(in.Body) > 0 {
		if err := json.Unmarshal(in.Body, &req); err != nil {
			return nil, invalidInput.New("The request body is not valid JSON: %v", err)
		}
	}
	filters := asff.Filters{}
	if len(req.Filters) > 0 && string(req.Filters) != "null" {
		var err error
		if filters, err = asff.ParseFilters(req.Filters); err != nil {
			return nil, requestError(err)
		}
	}
	filter, err := asff.Compile(filters, c.Now)
	if err != nil {
		return nil, requestError(err)
	}
	sorter, err := asff.CompileSort(req.SortCriteria)
	if err != nil {
		return nil, requestError(err)
	}
	limit := 100
	if req.MaxResults != nil {
		if *req.MaxResults < 1 || *req.MaxResults > 100 {
			return nil, invalidInput.New("MaxResults must be between 1 and 100.")
		}
		limit = *req.MaxResults
	}
	start := 0
	if req.NextToken != nil && *req.NextToken != "" {
		b, err := base64.RawURLEncoding.DecodeString(*req.NextToken)
		n, err2 := strconv.Atoi(string(b))
		if err != nil || err2 != nil || n < 0 {
			return nil, invalidInput.New("The NextToken is not valid.")
		}
		start = n
	}
	var matched []*asff.Finding
	err = c.Deps.Store.View(ctx, func(tx store.Tx) error {
		on, err := Enabled(tx, c.Account(), c.Region)
		if err != nil {
			return err
		}
		if !on {
			return notSubscribed(c)
		}
		return tx.Scan(TableFindings, c.Account()+"/"+c.Region+"/", "", 0, func(_ string, b []byte) error {
			var s stored
			if err := json.Unmarshal(b, &s); err != nil {
				return err
			}
			if filter.Match(&s.Finding) {
				f := s.Finding
				matched = append(matched, &f)
			}
			return nil
		})
	})
	if err != nil {
		return nil, err
	}
	sorter.Sort(matched)
	out := &GetFindingsOutput{Findings: []json.RawMessage{}}
	for i := start; i < len(matched) && i < start+limit; i++ {
		b, err := json.Marshal(matched[i])
		if err != nil {
			return nil, err
		}
		out.Findings = append(out.Findings, b)
	}
	if start+limit < len(matched) {
		t := base64.RawURLEncoding.EncodeToString([]byte(strconv.Itoa(start + limit)))
		out.NextToken = &t
	}
	return out, nil
}

// UpdateOutput is Security Hub's BatchUpdateFindings response.
type UpdateOutput struct {
	ProcessedFindings   []asff.RelatedFinding
	UnprocessedFindings []Unprocessed
}

// Unprocessed is Security Hub's BatchUpdateFindingsUnprocessedFinding.
type Unprocessed struct {
	FindingIdentifier asff.RelatedFinding
	ErrorCode         string
	ErrorMessage      string
}

func batchUpdate(ctx context.Context, c *service.Call, in *RawInput) (*UpdateOutput, error) {
	ids, u, err := asff.ParseBatchUpdate(in.Body)
	if err != nil {
		return nil, requestError(err)
	}
	if problems := asff.ValidateUpdate(u); len(problems) > 0 {
		return nil, invalidInput.New("%s", strings.Join(problems, "; "))
	}
	out := &UpdateOutput{ProcessedFindings: []asff.RelatedFinding{}, UnprocessedFindings: []Unprocessed{}}
	err = c.Deps.Store.Update(ctx, func(tx store.Tx) error {
		on, err := Enabled(tx, c.Account(), c.Region)
		if err != nil {
			return err
		}
		if !on {
			return notSubscribed(c)
		}
		for _, id := range ids {
			key := c.Account() + "/" + c.Region + "/" + id.ProductArn + "|" + id.Id
			b, err := tx.Get(TableFindings, key)
			if errors.Is(err, store.ErrNotFound) {
				out.UnprocessedFindings = append(out.UnprocessedFindings, Unprocessed{FindingIdentifier: id, ErrorCode: "FindingNotFound", ErrorMessage: "Finding Not Found"})
				continue
			}
			if err != nil {
				return err
			}
			var s stored
			if err := json.Unmarshal(b, &s); err != nil {
				return err
			}
			s.Changed = asff.ApplyUpdate(&s.Finding, u, s.Changed, c.Now)
			nb, err := json.Marshal(&s)
			if err != nil {
				return err
			}
			if err := tx.Put(TableFindings, key, nb); err != nil {
				return err
			}
			if err := emitImported(tx, c.Account(), c.Region, &s.Finding, c.Now); err != nil {
				return err
			}
			out.ProcessedFindings = append(out.ProcessedFindings, id)
		}
		return nil
	})
	return out, err
}
