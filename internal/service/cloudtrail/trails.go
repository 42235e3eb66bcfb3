package cloudtrail

import (
	"context"
	"encoding/json"
	"errors"
	"net"
	"regexp"
	"sort"
	"strings"
	"time"

	"github.com/moatdev/moat/internal/awserr"
	"github.com/moatdev/moat/internal/identity"
	"github.com/moatdev/moat/internal/service"
	"github.com/moatdev/moat/internal/store"
	"github.com/moatdev/moat/internal/trail"
)

// Trails: the configuration the Deliverer (internal/trail) reads. A trail
// lives in its home region; a multi-region trail shows in every region as a
// shadow that only the home region may change, as in CloudTrail.

// maxTrailsPerRegion is CloudTrail's quota of trails per region.
const maxTrailsPerRegion = 5

func trailOps(key func() *trail.DigestKey) []*service.Operation {
	return []*service.Operation{
		service.Op("CreateTrail", "cloudtrail:CreateTrail", createTrail, service.Resource(func(_ context.Context, c *service.Call, in *CreateTrailInput) (string, error) {
			return trailARN(c, in.Name), nil
		})),
		service.Op("UpdateTrail", "cloudtrail:UpdateTrail", updateTrail, service.Resource(func(_ context.Context, c *service.Call, in *UpdateTrailInput) (string, error) {
			return trailARN(c, in.Name), nil
		})),
		service.Op("DeleteTrail", "cloudtrail:DeleteTrail", deleteTrail, nameRes()),
		service.Op("GetTrail", "cloudtrail:GetTrail", getTrail, service.ReadOnly[NameInput](), nameRes()),
		service.Op("StartLogging", "cloudtrail:StartLogging", startLogging, nameRes()),
		service.Op("StopLogging", "cloudtrail:StopLogging", stopLogging, nameRes()),
		service.Op("GetTrailStatus", "cloudtrail:GetTrailStatus", getTrailStatus, service.ReadOnly[NameInput](), nameRes()),
		service.Op("DescribeTrails", "cloudtrail:DescribeTrails", describeTrails, service.ReadOnly[DescribeTrailsInput]()),
		service.Op("ListTrails", "cloudtrail:ListTrails", listTrails, service.ReadOnly[ListTrailsInput]()),
		service.Op("PutEventSelectors", "cloudtrail:PutEventSelectors", putEventSelectors, service.Resource(func(_ context.Context, c *service.Call, in *PutEventSelectorsInput) (string, error) {
			return trailARN(c, in.TrailName), nil
		})),
		service.Op("GetEventSelectors", "cloudtrail:GetEventSelectors", getEventSelectors, service.ReadOnly[TrailNameInput](), trailNameRes()),
		service.Op("PutInsightSelectors", "cloudtrail:PutInsightSelectors", putInsightSelectors, service.Resource(func(_ context.Context, c *service.Call, in *PutInsightSelectorsInput) (string, error) {
			return trailARN(c, in.TrailName), nil
		})),
		service.Op("GetInsightSelectors", "cloudtrail:GetInsightSelectors", getInsightSelectors, service.ReadOnly[TrailNameInput](), trailNameRes()),
		service.Op("ListPublicKeys", "cloudtrail:ListPublicKeys", func(_ context.Context, c *service.Call, _ *ListPublicKeysInput) (*ListPublicKeysOutput, error) {
			return listPublicKeys(c, key())
		}, service.ReadOnly[ListPublicKeysInput]()),
	}
}

func nameRes() service.OpOption[NameInput] {
	return service.Resource(func(_ context.Context, c *service.Call, in *NameInput) (string, error) {
		return trailARN(c, in.Name), nil
	})
}

func trailNameRes() service.OpOption[TrailNameInput] {
	return service.Resource(func(_ context.Context, c *service.Call, in *TrailNameInput) (string, error) {
		return trailARN(c, in.TrailName), nil
	})
}

// trailARN is the ARN a name or ARN stands for, in the caller's region.
func trailARN(c *service.Call, nameOrARN string) string {
	if strings.HasPrefix(nameOrARN, "arn:") {
		return nameOrARN
	}
	return "arn:aws:cloudtrail:" + c.Region + ":" + c.Account() + ":trail/" + nameOrARN
}

var (
	trailNameRE  = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]{1,126}[A-Za-z0-9]$`)
	bucketNameRE = regexp.MustCompile(`^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$`)
)

// checkTrailName applies CloudTrail's naming rules.
func checkTrailName(name string) error {
	if !trailNameRE.MatchString(name) || strings.Contains(name, "..") || strings.Contains(name, "__") || strings.Contains(name, "--") ||
		strings.Contains(name, "._") || strings.Contains(name, "_.") || strings.Contains(name, ".-") || strings.Contains(name, "-.") ||
		strings.Contains(name, "_-") || strings.Contains(name, "-_") || net.ParseIP(name) != nil {
		return awserr.InvalidTrailNameException.New("Trail name or ARN can only contain uppercase letters, lowercase letters, numbers, periods (.), hyphens (-), and underscores (_).")
	}
	return nil
}

// Tag is CloudTrail's Tag shape.
type Tag struct {
	Key   string
	Value *string
}

// CreateTrailInput is CloudTrail's CreateTrail request.
type CreateTrailInput struct {
	Name                       string `aws:",required"`
	S3BucketName               string `aws:",required"`
	S3KeyPrefix                *string
	SnsTopicName               *string
	IncludeGlobalServiceEvents *bool
	IsMultiRegionTrail         *bool
	EnableLogFileValidation    *bool
	CloudWatchLogsLogGroupArn  *string
	CloudWatchLogsRoleArn      *string
	KmsKeyId                   *string
	IsOrganizationTrail        *bool
	TagsList                   []Tag
}

// TrailOutput is the CreateTrail and UpdateTrail response.
type TrailOutput struct {
	Name                       string
	S3BucketName               string
	S3KeyPrefix                string `aws:",omitempty"`
	SnsTopicName               string `aws:",omitempty"`
	SnsTopicARN                string `aws:",omitempty"`
	IncludeGlobalServiceEvents bool
	IsMultiRegionTrail         bool
	TrailARN                   string
	LogFileValidationEnabled   bool
	CloudWatchLogsLogGroupArn  string `aws:",omitempty"`
	CloudWatchLogsRoleArn      string `aws:",omitempty"`
	KmsKeyId                   string `aws:",omitempty"`
	IsOrganizationTrail        bool
}

func trailOutput(t *trail.Trail) *TrailOutput {
	o := &TrailOutput{Name: t.Name, S3BucketName: t.S3BucketName, S3KeyPrefix: t.S3KeyPrefix, SnsTopicName: t.SnsTopicName,
		IncludeGlobalServiceEvents: t.IncludeGlobalServiceEvents, IsMultiRegionTrail: t.IsMultiRegionTrail, TrailARN: t.ARN(),
		LogFileValidationEnabled: t.LogFileValidationEnabled, CloudWatchLogsLogGroupArn: t.CloudWatchLogsLogGroupArn,
		CloudWatchLogsRoleArn: t.CloudWatchLogsRoleArn, KmsKeyId: t.KmsKeyID, IsOrganizationTrail: t.IsOrganizationTrail}
	if t.SnsTopicName != "" {
		o.SnsTopicARN = "arn:aws:sns:" + t.HomeRegion + ":" + t.Account + ":" + t.SnsTopicName
	}
	return o
}

// settings are the members CreateTrail and UpdateTrail share.
type settings struct {
	S3BucketName               *string
	S3KeyPrefix                *string
	SnsTopicName               *string
	IncludeGlobalServiceEvents *bool
	IsMultiRegionTrail         *bool
	EnableLogFileValidation    *bool
	CloudWatchLogsLogGroupArn  *string
	CloudWatchLogsRoleArn      *string
	KmsKeyId                   *string
	IsOrganizationTrail        *bool
}

// apply validates and sets the given settings on t.
func (s *settings) apply(tx store.Tx, c *service.Call, t *trail.Trail) error {
	if s.S3BucketName != nil {
		if !bucketNameRE.MatchString(*s.S3BucketName) || strings.Contains(*s.S3BucketName, "..") {
			return awserr.InvalidS3BucketNameException.New("Bucket name should not contain uppercase characters, underscores or start/end with a period or hyphen: %s", *s.S3BucketName)
		}
		t.S3BucketName = *s.S3BucketName
	}
	if s.S3KeyPrefix != nil {
		if len(*s.S3KeyPrefix) > 200 || strings.Contains(*s.S3KeyPrefix, "..") {
			return awserr.InvalidS3PrefixException.New("Prefix is not valid: %s", *s.S3KeyPrefix)
		}
		t.S3KeyPrefix = strings.Trim(*s.S3KeyPrefix, "/")
	}
	set := func(dst *string, v *string) {
		if v != nil {
			*dst = *v
		}
	}
	set(&t.SnsTopicName, s.SnsTopicName)
	set(&t.CloudWatchLogsLogGroupArn, s.CloudWatchLogsLogGroupArn)
	set(&t.CloudWatchLogsRoleArn, s.CloudWatchLogsRoleArn)
	set(&t.KmsKeyID, s.KmsKeyId)
	if (t.CloudWatchLogsLogGroupArn == "") != (t.CloudWatchLogsRoleArn == "") {
		return awserr.InvalidCloudWatchLogsLogGroupArnException.New("You must specify a role ARN and a log group ARN together.")
	}
	if s.IncludeGlobalServiceEvents != nil {
		t.IncludeGlobalServiceEvents = *s.IncludeGlobalServiceEvents
	}
	if s.IsMultiRegionTrail != nil {
		t.IsMultiRegionTrail = *s.IsMultiRegionTrail
	}
	if t.IsMultiRegionTrail && !t.IncludeGlobalServiceEvents {
		return awserr.InvalidParameterCombinationException.New("Multi-Region trail must include global service events.")
	}
	if s.EnableLogFileValidation != nil {
		t.LogFileValidationEnabled = *s.EnableLogFileValidation
	}
	if s.IsOrganizationTrail != nil {
		if *s.IsOrganizationTrail {
			if err := checkManagement(tx, c.Account()); err != nil {
				return err
			}
		}
		t.IsOrganizationTrail = *s.IsOrganizationTrail
	}
	return nil
}

// checkManagement refuses organization trails outside an organization's
// management account.
func checkManagement(tx store.Tx, account string) error {
	b, err := tx.Get(identity.TableOrgMembers, account)
	if errors.Is(err, store.ErrNotFound) {
		return awserr.OrganizationsNotInUseException.New("This account is not a member of an organization.")
	}
	if err != nil {
		return err
	}
	if string(b) != account {
		return awserr.NotOrganizationMasterAccountException.New("This operation can be performed only by the management account of an organization.")
	}
	return nil
}

func createTrail(ctx context.Context, c *service.Call, in *CreateTrailInput) (*TrailOutput, error) {
	if err := checkTrailName(in.Name); err != nil {
		return nil, err
	}
	t := &trail.Trail{Name: in.Name, Account: c.Account(), HomeRegion: c.Region, IncludeGlobalServiceEvents: true, Created: c.Now.UTC()}
	for _, tag := range in.TagsList {
		v := ""
		if tag.Value != nil {
			v = *tag.Value
		}
		t.Tags = append(t.Tags, trail.TrailTag{Key: tag.Key, Value: v})
	}
	s := settings{S3BucketName: &in.S3BucketName, S3KeyPrefix: in.S3KeyPrefix, SnsTopicName: in.SnsTopicName, IncludeGlobalServiceEvents: in.IncludeGlobalServiceEvents,
		IsMultiRegionTrail: in.IsMultiRegionTrail, EnableLogFileValidation: in.EnableLogFileValidation, CloudWatchLogsLogGroupArn: in.CloudWatchLogsLogGroupArn,
		CloudWatchLogsRoleArn: in.CloudWatchLogsRoleArn, KmsKeyId: in.KmsKeyId, IsOrganizationTrail: in.IsOrganizationTrail}
	err := c.Deps.Store.Update(ctx, func(tx store.Tx) error {
		if err := s.apply(tx, c, t); err != nil {
			return err
		}
		n := 0
		err := tx.Scan(trail.TableTrails, c.Account()+"/"+c.Region+"/", "", 0, func(string, []byte) error { n++; return nil })
		if err != nil {
			return err
		}
		if n >= maxTrailsPerRegion {
			return awserr.MaximumNumberOfTrailsExceededException.New("User: %s already has %d trails in %s.", c.Account(), maxTrailsPerRegion, c.Region)
		}
		b, _ := json.Marshal(t)
		err = tx.Insert(trail.TableTrails, trail.TrailKey(t.Account, t.HomeRegion, t.Name), b)
		if errors.Is(err, store.ErrExists) {
			return awserr.TrailAlreadyExistsException.New("Trail %s already exists for customer: %s", in.Name, c.Account())
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	return trailOutput(t), nil
}

// UpdateTrailInput is CloudTrail's UpdateTrail request.
type UpdateTrailInput struct {
	Name string `aws:",required"`
	settings
}

func updateTrail(ctx context.Context, c *service.Call, in *UpdateTrailInput) (*TrailOutput, error) {
	var out *TrailOutput
	err := change(ctx, c, in.Name, func(tx store.Tx, t *trail.Trail) error {
		if err := in.settings.apply(tx, c, t); err != nil {
			return err
		}
		out = trailOutput(t)
		return nil
	})
	return out, err
}

// NameInput names a trail by name or ARN.
type NameInput struct {
	Name string `aws:",required"`
}

// TrailNameInput names a trail by name or ARN (selector operations).
type TrailNameInput struct {
	TrailName string `aws:",required"`
}

// find reads the trail a name or ARN names, as the caller in its region
// sees it: its own region's trails, and multi-region trails of any region.
func find(tx store.Tx, c *service.Call, nameOrARN string) (*trail.Trail, error) {
	account, region, name := c.Account(), "", nameOrARN
	if strings.HasPrefix(nameOrARN, "arn:") {
		parts := strings.SplitN(nameOrARN, ":", 6)
		if len(parts) != 6 || parts[2] != "cloudtrail" || !strings.HasPrefix(parts[5], "trail/") {
			return nil, awserr.InvalidTrailNameException.New("Trail name or ARN can only contain uppercase letters, lowercase letters, numbers, periods (.), hyphens (-), and underscores (_).")
		}
		account, region, name = parts[4], parts[3], strings.TrimPrefix(parts[5], "trail/")
	}
	notFound := awserr.TrailNotFoundException.New("Unknown trail: %s for the user: %s", trailARN(c, nameOrARN), c.Account())
	if account != c.Account() {
		return nil, notFound
	}
	var found *trail.Trail
	err := tx.Scan(trail.TableTrails, account+"/", "", 0, func(k string, b []byte) error {
		var t trail.Trail
		if err := json.Unmarshal(b, &t); err != nil {
			return err
		}
		if t.Name != name || (region != "" && t.HomeRegion != region) {
			return nil
		}
		if t.HomeRegion == c.Region || t.IsMultiRegionTrail {
			found = &t
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	if found == nil {
		return nil, notFound
	}
	return found, nil
}

// change applies fn to a trail in its home region.
func change(ctx context.Context, c *service.Call, nameOrARN string, fn func(tx store.Tx, t *trail.Trail) error) error {
	return c.Deps.Store.Update(ctx, func(tx store.Tx) error {
		t, err := find(tx, c, nameOrARN)
		if err != nil {
			return err
		}
		if t.HomeRegion != c.Region {
			return awserr.InvalidHomeRegionException.New("This operation must be called from the trail's home region, %s.", t.HomeRegion)
		}
		if err := fn(tx, t); err != nil {
			return err
		}
		b, err := json.Marshal(t)
		if err != nil {
			return err
		}
		return tx.Put(trail.TableTrails, trail.TrailKey(t.Account, t.HomeRegion, t.Name), b)
	})
}

func view(ctx context.Context, c *service.Call, nameOrARN string) (*trail.Trail, error) {
	var t *trail.Trail
	err := c.Deps.Store.View(ctx, func(tx store.Tx) error {
		var err error
		t, err = find(tx, c, nameOrARN)
		return err
	})
	return t, err
}

func deleteTrail(ctx context.Context, c *service.Call, in *NameInput) (*struct{}, error) {
	err := c.Deps.Store.Update(ctx, func(tx store.Tx) error {
		t, err := find(tx, c, in.Name)
		if err != nil {
			return err
		}
		if t.HomeRegion != c.Region {
			return awserr.InvalidHomeRegionException.New("This operation must be called from the trail's home region, %s.", t.HomeRegion)
		}
		return tx.Delete(trail.TableTrails, trail.TrailKey(t.Account, t.HomeRegion, t.Name))
	})
	return &struct{}{}, err
}

// Trail is CloudTrail's Trail shape.
type Trail struct {
	Name                       string
	S3BucketName               string
	S3KeyPrefix                string `aws:",omitempty"`
	SnsTopicName               string `aws:",omitempty"`
	SnsTopicARN                string `aws:",omitempty"`
	IncludeGlobalServiceEvents bool
	IsMultiRegionTrail         bool
	HomeRegion                 string
	TrailARN                   string
	LogFileValidationEnabled   bool
	CloudWatchLogsLogGroupArn  string `aws:",omitempty"`
	CloudWatchLogsRoleArn      string `aws:",omitempty"`
	KmsKeyId                   string `aws:",omitempty"`
	HasCustomEventSelectors    bool
	HasInsightSelectors        bool
	IsOrganizationTrail        bool
}

func trailShape(t *trail.Trail) Trail {
	o := trailOutput(t)
	return Trail{Name: o.Name, S3BucketName: o.S3BucketName, S3KeyPrefix: o.S3KeyPrefix, SnsTopicName: o.SnsTopicName, SnsTopicARN: o.SnsTopicARN,
		IncludeGlobalServiceEvents: o.IncludeGlobalServiceEvents, IsMultiRegionTrail: o.IsMultiRegionTrail, HomeRegion: t.HomeRegion, TrailARN: o.TrailARN,
		LogFileValidationEnabled: o.LogFileValidationEnabled, CloudWatchLogsLogGroupArn: o.CloudWatchLogsLogGroupArn, CloudWatchLogsRoleArn: o.CloudWatchLogsRoleArn,
		KmsKeyId: o.KmsKeyId, HasCustomEventSelectors: len(t.EventSelectors) > 0 || len(t.AdvancedEventSelectors) > 0,
		HasInsightSelectors: len(t.InsightSelectors) > 2, IsOrganizationTrail: t.IsOrganizationTrail}
}

// GetTrailOutput is CloudTrail's GetTrail response.
type GetTrailOutput struct{ Trail Trail }

func getTrail(ctx context.Context, c *service.Call, in *NameInput) (*GetTrailOutput, error) {
	t, err := view(ctx, c, in.Name)
	if err != nil {
		return nil, err
	}
	return &GetTrailOutput{Trail: trailShape(t)}, nil
}

// DescribeTrailsInput is CloudTrail's DescribeTrails request (its members
// are lowerCamel in the model).
type DescribeTrailsInput struct {
	TrailNameList       []string `aws:"trailNameList"`
	IncludeShadowTrails *bool    `aws:"includeShadowTrails"`
}

// DescribeTrailsOutput is CloudTrail's DescribeTrails response.
type DescribeTrailsOutput struct {
	TrailList []Trail `aws:"trailList"`
}

func describeTrails(ctx context.Context, c *service.Call, in *DescribeTrailsInput) (*DescribeTrailsOutput, error) {
	shadows := in.IncludeShadowTrails == nil || *in.IncludeShadowTrails
	out := &DescribeTrailsOutput{TrailList: []Trail{}}
	err := c.Deps.Store.View(ctx, func(tx store.Tx) error {
		if len(in.TrailNameList) > 0 {
			for _, n := range in.TrailNameList {
				t, err := find(tx, c, n)
				if awserr.TrailNotFoundException.Is(err) {
					continue // DescribeTrails leaves out names it does not find
				}
				if err != nil {
					return err
				}
				out.TrailList = append(out.TrailList, trailShape(t))
			}
			return nil
		}
		return tx.Scan(trail.TableTrails, c.Account()+"/", "", 0, func(_ string, b []byte) error {
			var t trail.Trail
			if err := json.Unmarshal(b, &t); err != nil {
				return err
			}
			if t.HomeRegion == c.Region || (shadows && t.IsMultiRegionTrail) {
				out.TrailList = append(out.TrailList, trailShape(&t))
			}
			return nil
		})
	})
	return out, err
}

// ListTrailsInput is CloudTrail's ListTrails request.
type ListTrailsInput struct{ NextToken *string }

// TrailInfo is CloudTrail's TrailInfo shape.
type TrailInfo struct{ TrailARN, Name, HomeRegion string }

// ListTrailsOutput is CloudTrail's ListTrails response.
type ListTrailsOutput struct {
	Trails    []TrailInfo
	NextToken *string
}

// listTrails lists every trail of the account, in all regions, as AWS does.
func listTrails(ctx context.Context, c *service.Call, _ *ListTrailsInput) (*ListTrailsOutput, error) {
	out := &ListTrailsOutput{Trails: []TrailInfo{}}
	err := c.Deps.Store.View(ctx, func(tx store.Tx) error {
		return tx.Scan(trail.TableTrails, c.Account()+"/", "", 0, func(_ string, b []byte) error {
			var t trail.Trail
			if err := json.Unmarshal(b, &t); err != nil {
				return err
			}
			out.Trails = append(out.Trails, TrailInfo{TrailARN: t.ARN(), Name: t.Name, HomeRegion: t.HomeRegion})
			return nil
		})
	})
	sort.Slice(out.Trails, func(i, j int) bool { return out.Trails[i].TrailARN < out.Trails[j].TrailARN })
	return out, err
}

// latestSeq is the event log's newest Seq: where a logging window starts
// or ends.
func latestSeq(ctx context.Context, c *service.Call) (int64, error) {
	log, ok := c.Deps.Store.(store.EventLog)
	if !ok {
		return 0, nil
	}
	return trail.LatestSeq(ctx, log)
}

func startLogging(ctx context.Context, c *service.Call, in *NameInput) (*struct{}, error) {
	seq, err := latestSeq(ctx, c)
	if err != nil {
		return nil, err
	}
	return &struct{}{}, change(ctx, c, in.Name, func(_ store.Tx, t *trail.Trail) error {
		if !t.Logging {
			t.Logging, t.StartLoggingTime, t.StartSeq = true, c.Now.UTC(), seq
		}
		return nil
	})
}

func stopLogging(ctx context.Context, c *service.Call, in *NameInput) (*struct{}, error) {
	seq, err := latestSeq(ctx, c)
	if err != nil {
		return nil, err
	}
	return &struct{}{}, change(ctx, c, in.Name, func(_ store.Tx, t *trail.Trail) error {
		if t.Logging {
			t.Logging, t.StopLoggingTime, t.StopSeq = false, c.Now.UTC(), seq
		}
		return nil
	})
}

// GetTrailStatusOutput is CloudTrail's GetTrailStatus response.
type GetTrailStatusOutput struct {
	IsLogging                      bool
	LatestDeliveryError            string `aws:",omitempty"`
	LatestDeliveryTime             time.Time
	StartLoggingTime               time.Time
	StopLoggingTime                time.Time
	LatestDigestDeliveryTime       time.Time
	LatestDigestDeliveryError      string `aws:",omitempty"`
	LatestDeliveryAttemptTime      string `aws:",omitempty"`
	LatestDeliveryAttemptSucceeded string `aws:",omitempty"`
	TimeLoggingStarted             string `aws:",omitempty"`
	TimeLoggingStopped             string `aws:",omitempty"`
}

func getTrailStatus(ctx context.Context, c *service.Call, in *NameInput) (*GetTrailStatusOutput, error) {
	t, err := view(ctx, c, in.Name)
	if err != nil {
		return nil, err
	}
	st := t.Status
	out := &GetTrailStatusOutput{IsLogging: t.Logging, LatestDeliveryError: st.LatestDeliveryError, LatestDeliveryTime: st.LatestDeliveryTime,
		StartLoggingTime: t.StartLoggingTime, StopLoggingTime: t.StopLoggingTime, LatestDigestDeliveryTime: st.LatestDigestDeliveryTime,
		LatestDigestDeliveryError: st.LatestDigestDeliveryError}
	str := func(tm time.Time) string {
		if tm.IsZero() {
			return ""
		}
		return tm.UTC().Format("2006-01-02T15:04:05Z")
	}
	out.LatestDeliveryAttemptTime, out.TimeLoggingStarted, out.TimeLoggingStopped = str(st.LatestDeliveryAttemptTime), str(t.StartLoggingTime), str(t.StopLoggingTime)
	if !st.LatestDeliveryTime.IsZero() {
		out.LatestDeliveryAttemptSucceeded = str(st.LatestDeliveryTime)
	}
	return out, nil
}

// EventSelector is CloudTrail's EventSelector shape.
type EventSelector struct {
	ReadWriteType                 *string
	IncludeManagementEvents       *bool
	DataResources                 []DataResource
	ExcludeManagementEventSources []string
}

// DataResource is CloudTrail's DataResource shape.
type DataResource struct {
	Type   *string
	Values []string
}

// PutEventSelectorsInput is CloudTrail's PutEventSelectors request.
type PutEventSelectorsInput struct {
	TrailName              string `aws:",required"`
	EventSelectors         []EventSelector
	AdvancedEventSelectors json.RawMessage
}

// EventSelectorsOutput is the PutEventSelectors and GetEventSelectors response.
type EventSelectorsOutput struct {
	TrailARN               string
	EventSelectors         []EventSelector
	AdvancedEventSelectors json.RawMessage `aws:",omitempty"`
}

func putEventSelectors(ctx context.Context, c *service.Call, in *PutEventSelectorsInput) (*EventSelectorsOutput, error) {
	if (in.EventSelectors == nil) == (len(in.AdvancedEventSelectors) == 0) {
		return nil, awserr.InvalidParameterCombinationException.New("You must specify either EventSelectors or AdvancedEventSelectors, but not both.")
	}
	if len(in.EventSelectors) > 5 {
		return nil, awserr.InvalidEventSelectorsException.New("You can specify up to 5 event selectors per trail.")
	}
	var sels []trail.EventSelector
	for i, s := range in.EventSelectors {
		rw := "All"
		if s.ReadWriteType != nil {
			rw = *s.ReadWriteType
		}
		if rw != "All" && rw != "ReadOnly" && rw != "WriteOnly" {
			return nil, awserr.InvalidEventSelectorsException.New("Value %s at 'eventSelectors.%d.member.readWriteType' failed to satisfy constraint: Member must satisfy enum value set: [ReadOnly, WriteOnly, All]", rw, i+1)
		}
		ts := trail.EventSelector{ReadWriteType: rw, IncludeManagementEvents: s.IncludeManagementEvents, ExcludeManagementEventSources: s.ExcludeManagementEventSources}
		for _, d := range s.DataResources {
			typ := ""
			if d.Type != nil {
				typ = *d.Type
			}
			if typ == "" {
				return nil, awserr.InvalidEventSelectorsException.New("Data resource type must not be empty.")
			}
			ts.DataResources = append(ts.DataResources, trail.DataResource{Type: typ, Values: d.Values})
		}
		sels = append(sels, ts)
	}
	var out *EventSelectorsOutput
	err := change(ctx, c, in.TrailName, func(_ store.Tx, t *trail.Trail) error {
		t.EventSelectors, t.AdvancedEventSelectors = sels, nil
		if len(in.AdvancedEventSelectors) > 0 {
			t.AdvancedEventSelectors = append([]byte(nil), in.AdvancedEventSelectors...)
		}
		out = selectorsOutput(t)
		return nil
	})
	return out, err
}

func selectorsOutput(t *trail.Trail) *EventSelectorsOutput {
	out := &EventSelectorsOutput{TrailARN: t.ARN(), EventSelectors: []EventSelector{}}
	if len(t.AdvancedEventSelectors) > 0 {
		out.AdvancedEventSelectors, out.EventSelectors = t.AdvancedEventSelectors, nil
	}
	sels := t.EventSelectors
	if len(sels) == 0 && len(t.AdvancedEventSelectors) == 0 {
		yes := true
		sels = []trail.EventSelector{{ReadWriteType: "All", IncludeManagementEvents: &yes}} // what a new trail logs
	}
	for _, s := range sels {
		rw := s.ReadWriteType
		inc := s.IncludeManagementEvents
		if inc == nil {
			yes := true
			inc = &yes
		}
		e := EventSelector{ReadWriteType: &rw, IncludeManagementEvents: inc, DataResources: []DataResource{}, ExcludeManagementEventSources: s.ExcludeManagementEventSources}
		if e.ExcludeManagementEventSources == nil {
			e.ExcludeManagementEventSources = []string{}
		}
		for _, d := range s.DataResources {
			typ := d.Type
			e.DataResources = append(e.DataResources, DataResource{Type: &typ, Values: d.Values})
		}
		out.EventSelectors = append(out.EventSelectors, e)
	}
	return out
}

func getEventSelectors(ctx context.Context, c *service.Call, in *TrailNameInput) (*EventSelectorsOutput, error) {
	t, err := view(ctx, c, in.TrailName)
	if err != nil {
		return nil, err
	}
	return selectorsOutput(t), nil
}

// PutInsightSelectorsInput is CloudTrail's PutInsightSelectors request.
type PutInsightSelectorsInput struct {
	TrailName        string `aws:",required"`
	InsightSelectors json.RawMessage
}

// InsightSelectorsOutput is the Put/GetInsightSelectors response.
type InsightSelectorsOutput struct {
	TrailARN         string
	InsightSelectors json.RawMessage `aws:",omitempty"`
}

// putInsightSelectors stores the selectors; moat computes no insights
// (said in the README).
func putInsightSelectors(ctx context.Context, c *service.Call, in *PutInsightSelectorsInput) (*InsightSelectorsOutput, error) {
	var sels []struct{ InsightType string }
	if err := json.Unmarshal(in.InsightSelectors, &sels); err != nil {
		return nil, awserr.InvalidInsightSelectorsException.New("Insight selectors are not valid: %v", err)
	}
	for _, s := range sels {
		if s.InsightType != "ApiCallRateInsight" && s.InsightType != "ApiErrorRateInsight" {
			return nil, awserr.InvalidInsightSelectorsException.New("InsightType %q is not valid: use ApiCallRateInsight or ApiErrorRateInsight.", s.InsightType)
		}
	}
	var out *InsightSelectorsOutput
	err := change(ctx, c, in.TrailName, func(_ store.Tx, t *trail.Trail) error {
		t.InsightSelectors = append([]byte(nil), in.InsightSelectors...)
		out = &InsightSelectorsOutput{TrailARN: t.ARN(), InsightSelectors: t.InsightSelectors}
		return nil
	})
	return out, err
}

func getInsightSelectors(ctx context.Context, c *service.Call, in *TrailNameInput) (*InsightSelectorsOutput, error) {
	t, err := view(ctx, c, in.TrailName)
	if err != nil {
		return nil, err
	}
	if len(t.InsightSelectors) <= 2 {
		return nil, awserr.InsightNotEnabledException.New("Trail %s does not have Insights enabled. Edit the trail settings to enable Insights, and then try the operation again.", t.ARN())
	}
	return &InsightSelectorsOutput{TrailARN: t.ARN(), InsightSelectors: t.InsightSelectors}, nil
}

// ListPublicKeysInput is CloudTrail's ListPublicKeys request.
type ListPublicKeysInput struct {
	StartTime *time.Time
	EndTime   *time.Time
	NextToken *string
}

// PublicKey is CloudTrail's PublicKey shape.
type PublicKey struct {
	Value             []byte
	ValidityStartTime time.Time
	ValidityEndTime   time.Time
	Fingerprint       string
}

// ListPublicKeysOutput is CloudTrail's ListPublicKeys response.
type ListPublicKeysOutput struct{ PublicKeyList []PublicKey }

// listPublicKeys returns the key that signs moat's digest files (one for
// every region; CloudTrail rotates per region).
func listPublicKeys(c *service.Call, key *trail.DigestKey) (*ListPublicKeysOutput, error) {
	out := &ListPublicKeysOutput{PublicKeyList: []PublicKey{}}
	if key == nil {
		return out, nil
	}
	out.PublicKeyList = append(out.PublicKeyList, PublicKey{Value: trail.PublicKeyDER(key), ValidityStartTime: c.Now.Add(-24 * time.Hour).UTC().Truncate(time.Hour),
		ValidityEndTime: c.Now.Add(30 * 24 * time.Hour).UTC().Truncate(time.Hour), Fingerprint: key.Fingerprint})
	return out, nil
}
