package server_test

import (
	"context"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudtrail"
	cttypes "github.com/aws/aws-sdk-go-v2/service/cloudtrail/types"
	"github.com/aws/aws-sdk-go-v2/service/guardduty"
	gdtypes "github.com/aws/aws-sdk-go-v2/service/guardduty/types"
	"github.com/aws/aws-sdk-go-v2/service/iam"
)

const (
	gdTrailOff = "Stealth:IAMUser/CloudTrailLoggingDisabled"
	gdRootUse  = "Policy:IAMUser/RootCredentialUsage"
)

func gdCrit(m map[string]gdtypes.Condition) *gdtypes.FindingCriteria {
	return &gdtypes.FindingCriteria{Criterion: m}
}

// gdAll lists every finding id matching crit, following nextToken.
func gdAll(t *testing.T, gd *guardduty.Client, det string, crit *gdtypes.FindingCriteria) []string {
	t.Helper()
	var ids []string
	var next *string
	for {
		out, err := gd.ListFindings(context.Background(), &guardduty.ListFindingsInput{DetectorId: aws.String(det), FindingCriteria: crit, NextToken: next})
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, out.FindingIds...)
		if out.NextToken == nil || *out.NextToken == "" {
			return ids
		}
		next = out.NextToken
	}
}

func gdFindings(t *testing.T, gd *guardduty.Client, det string, ids []string) []gdtypes.Finding {
	t.Helper()
	var all []gdtypes.Finding
	for len(ids) > 0 {
		n := min(len(ids), 50)
		out, err := gd.GetFindings(context.Background(), &guardduty.GetFindingsInput{DetectorId: aws.String(det), FindingIds: ids[:n]})
		if err != nil {
			t.Fatal(err)
		}
		all = append(all, out.Findings...)
		ids = ids[n:]
	}
	return all
}

// Filters: CRUD and validation, and suppression: an ARCHIVE filter archives
// a finding the live detectors raise after it exists, leaves a finding raised
// before it alone, and a NOOP filter archives nothing.
func TestGuardDutyFilters(t *testing.T) {
	t.Parallel()
	ts := start(t)
	ctx := context.Background()
	gd := guardduty.NewFromConfig(ts.config(ts.Root))
	det, err := gd.CreateDetector(ctx, &guardduty.CreateDetectorInput{Enable: aws.Bool(true)})
	if err != nil {
		t.Fatal(err)
	}
	id := aws.ToString(det.DetectorId)
	ct := cloudtrail.NewFromConfig(ts.config(ts.Root))
	for _, name := range []string{"alpha", "beta"} {
		if _, err := ct.CreateTrail(ctx, &cloudtrail.CreateTrailInput{Name: aws.String(name), S3BucketName: aws.String(name + "-bucket")}); err != nil {
			t.Fatal(err)
		}
		if _, err := ct.StartLogging(ctx, &cloudtrail.StartLoggingInput{Name: aws.String(name)}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := ct.StopLogging(ctx, &cloudtrail.StopLoggingInput{Name: aws.String("alpha")}); err != nil {
		t.Fatal(err)
	}
	byType := gdCrit(map[string]gdtypes.Condition{"type": {Equals: []string{gdTrailOff}}})
	var alpha string
	waitFor(t, func() bool {
		ids := gdAll(t, gd, id, byType)
		if len(ids) == 1 {
			alpha = ids[0]
		}
		return alpha != ""
	})

	// Validation: nothing is stored by a refused call.
	bad := []struct {
		in   *guardduty.CreateFilterInput
		want string
	}{
		{&guardduty.CreateFilterInput{Name: aws.String("x"), FindingCriteria: byType}, "name"},
		{&guardduty.CreateFilterInput{Name: aws.String("has space"), FindingCriteria: byType}, "name"},
		{&guardduty.CreateFilterInput{Name: aws.String("bad-rank"), Rank: aws.Int32(101), FindingCriteria: byType}, "rank"},
		{&guardduty.CreateFilterInput{Name: aws.String("bad-field"), FindingCriteria: gdCrit(map[string]gdtypes.Condition{"resource.color": {Equals: []string{"red"}}})}, "resource.color"},
		{&guardduty.CreateFilterInput{Name: aws.String("bad-op"), FindingCriteria: gdCrit(map[string]gdtypes.Condition{"type": {GreaterThan: aws.Int64(3)}})}, "type"},
		{&guardduty.CreateFilterInput{Name: aws.String("bad-number"), FindingCriteria: gdCrit(map[string]gdtypes.Condition{"severity": {Equals: []string{"high"}}})}, "severity"},
	}
	for _, b := range bad {
		b.in.DetectorId = aws.String(id)
		_, err := gd.CreateFilter(ctx, b.in)
		if ae := apiError(t, err, "BadRequestException"); !strings.Contains(ae.ErrorMessage(), b.want) {
			t.Errorf("CreateFilter %s: message %q does not name %s", aws.ToString(b.in.Name), ae.ErrorMessage(), b.want)
		}
	}

	// An ARCHIVE filter on the type, and a NOOP one on root usage.
	out, err := gd.CreateFilter(ctx, &guardduty.CreateFilterInput{DetectorId: aws.String(id), Name: aws.String("quiet-trails"), Action: gdtypes.FilterActionArchive,
		Description: aws.String("trails we stop on purpose"), FindingCriteria: byType, Tags: map[string]string{"team": "sec"}})
	if err != nil || aws.ToString(out.Name) != "quiet-trails" {
		t.Fatalf("CreateFilter: %+v %v", out, err)
	}
	if _, err := gd.CreateFilter(ctx, &guardduty.CreateFilterInput{DetectorId: aws.String(id), Name: aws.String("root-watch"), Action: gdtypes.FilterActionNoop,
		FindingCriteria: gdCrit(map[string]gdtypes.Condition{"type": {Equals: []string{gdRootUse}}})}); err != nil {
		t.Fatal(err)
	}
	_, err = gd.CreateFilter(ctx, &guardduty.CreateFilterInput{DetectorId: aws.String(id), Name: aws.String("root-watch"), FindingCriteria: byType})
	apiError(t, err, "BadRequestException")
	names, err := gd.ListFilters(ctx, &guardduty.ListFiltersInput{DetectorId: aws.String(id)})
	if err != nil || strings.Join(names.FilterNames, ",") != "quiet-trails,root-watch" {
		t.Fatalf("ListFilters: %+v %v", names, err)
	}
	got, err := gd.GetFilter(ctx, &guardduty.GetFilterInput{DetectorId: aws.String(id), FilterName: aws.String("quiet-trails")})
	if err != nil || got.Action != gdtypes.FilterActionArchive || aws.ToInt32(got.Rank) != 1 || got.Tags["team"] != "sec" ||
		got.FindingCriteria == nil || got.FindingCriteria.Criterion["type"].Equals[0] != gdTrailOff || got.CreatedAt == nil || got.CreatedAt.IsZero() {
		t.Fatalf("GetFilter: %+v %v", got, err)
	}
	_, err = gd.GetFilter(ctx, &guardduty.GetFilterInput{DetectorId: aws.String(id), FilterName: aws.String("nope")})
	apiError(t, err, "BadRequestException")
	if _, err := gd.UpdateFilter(ctx, &guardduty.UpdateFilterInput{DetectorId: aws.String(id), FilterName: aws.String("root-watch"), Rank: aws.Int32(5),
		Description: aws.String("look, do not touch")}); err != nil {
		t.Fatal(err)
	}
	if got, err := gd.GetFilter(ctx, &guardduty.GetFilterInput{DetectorId: aws.String(id), FilterName: aws.String("root-watch")}); err != nil ||
		aws.ToInt32(got.Rank) != 5 || aws.ToString(got.Description) != "look, do not touch" || got.Action != gdtypes.FilterActionNoop {
		t.Fatalf("GetFilter after UpdateFilter: %+v %v", got, err)
	}
	_, err = gd.UpdateFilter(ctx, &guardduty.UpdateFilterInput{DetectorId: aws.String(id), FilterName: aws.String("root-watch"),
		FindingCriteria: gdCrit(map[string]gdtypes.Condition{"nope": {Equals: []string{"x"}}})})
	apiError(t, err, "BadRequestException")

	// Tags of a filter.
	qARN := aws.String("arn:aws:guardduty:us-east-1:" + ts.Account + ":detector/" + id + "/filter/quiet-trails")
	if _, err := gd.TagResource(ctx, &guardduty.TagResourceInput{ResourceArn: qARN, Tags: map[string]string{"owner": "ops"}}); err != nil {
		t.Fatal(err)
	}
	if _, err := gd.UntagResource(ctx, &guardduty.UntagResourceInput{ResourceArn: qARN, TagKeys: []string{"team"}}); err != nil {
		t.Fatal(err)
	}
	if tags, err := gd.ListTagsForResource(ctx, &guardduty.ListTagsForResourceInput{ResourceArn: qARN}); err != nil || len(tags.Tags) != 1 || tags.Tags["owner"] != "ops" {
		t.Fatalf("ListTagsForResource: %+v %v", tags, err)
	}
	_, err = gd.ListTagsForResource(ctx, &guardduty.ListTagsForResourceInput{ResourceArn: aws.String("arn:aws:guardduty:us-east-1:" + ts.Account + ":detector/" + id + "/filter/none")})
	apiError(t, err, "BadRequestException")

	// The finding raised before the filter is not archived by it.
	fs := gdFindings(t, gd, id, []string{alpha})
	if len(fs) != 1 || aws.ToBool(fs[0].Service.Archived) {
		t.Fatalf("a finding raised before the ARCHIVE filter was archived: %+v", fs)
	}

	// A new one is archived as it is raised; the NOOP filter archives nothing.
	if _, err := ct.StopLogging(ctx, &cloudtrail.StopLoggingInput{Name: aws.String("beta")}); err != nil {
		t.Fatal(err)
	}
	var beta string
	waitFor(t, func() bool {
		for _, f := range gdAll(t, gd, id, byType) {
			if f != alpha {
				beta = f
			}
		}
		return beta != ""
	})
	archived := gdAll(t, gd, id, gdCrit(map[string]gdtypes.Condition{"service.archived": {Equals: []string{"true"}}}))
	if len(archived) != 1 || archived[0] != beta {
		t.Fatalf("archived findings %v, want only the new one %s (alpha %s)", archived, beta, alpha)
	}
	roots := gdFindings(t, gd, id, gdAll(t, gd, id, gdCrit(map[string]gdtypes.Condition{"type": {Equals: []string{gdRootUse}}})))
	if len(roots) != 1 || aws.ToBool(roots[0].Service.Archived) {
		t.Fatalf("root usage under a NOOP filter: %+v", roots)
	}

	// Wildcards work in filters only.
	if _, err := gd.CreateFilter(ctx, &guardduty.CreateFilterInput{DetectorId: aws.String(id), Name: aws.String("stealth-any"),
		FindingCriteria: gdCrit(map[string]gdtypes.Condition{"type": {Matches: []string{"Stealth:*"}}})}); err != nil {
		t.Fatal(err)
	}
	_, err = gd.ListFindings(ctx, &guardduty.ListFindingsInput{DetectorId: aws.String(id), FindingCriteria: gdCrit(map[string]gdtypes.Condition{"type": {Matches: []string{"Stealth:*"}}})})
	apiError(t, err, "BadRequestException")

	if _, err := gd.DeleteFilter(ctx, &guardduty.DeleteFilterInput{DetectorId: aws.String(id), FilterName: aws.String("root-watch")}); err != nil {
		t.Fatal(err)
	}
	_, err = gd.DeleteFilter(ctx, &guardduty.DeleteFilterInput{DetectorId: aws.String(id), FilterName: aws.String("root-watch")})
	apiError(t, err, "BadRequestException")

	// Permissions: a user allowed GetFilter on one filter only.
	root := iam.NewFromConfig(ts.config(ts.Root))
	if _, err := root.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("analyst")}); err != nil {
		t.Fatal(err)
	}
	k, err := root.CreateAccessKey(ctx, &iam.CreateAccessKeyInput{UserName: aws.String("analyst")})
	if err != nil {
		t.Fatal(err)
	}
	policy := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"guardduty:GetFilter","Resource":"arn:aws:guardduty:us-east-1:` + ts.Account +
		`:detector/` + id + `/filter/quiet-trails"},{"Effect":"Allow","Action":"guardduty:GetFindingsStatistics","Resource":"arn:aws:guardduty:us-east-1:` + ts.Account +
		`:detector/` + id + `"}]}`
	if _, err := root.PutUserPolicy(ctx, &iam.PutUserPolicyInput{UserName: aws.String("analyst"), PolicyName: aws.String("gd"), PolicyDocument: aws.String(policy)}); err != nil {
		t.Fatal(err)
	}
	analyst := guardduty.NewFromConfig(ts.config(aws.Credentials{AccessKeyID: aws.ToString(k.AccessKey.AccessKeyId), SecretAccessKey: aws.ToString(k.AccessKey.SecretAccessKey)}))
	if _, err := analyst.GetFilter(ctx, &guardduty.GetFilterInput{DetectorId: aws.String(id), FilterName: aws.String("quiet-trails")}); err != nil {
		t.Fatalf("GetFilter on the allowed filter: %v", err)
	}
	_, err = analyst.GetFilter(ctx, &guardduty.GetFilterInput{DetectorId: aws.String(id), FilterName: aws.String("stealth-any")})
	apiError(t, err, "AccessDeniedException")
	_, err = analyst.CreateFilter(ctx, &guardduty.CreateFilterInput{DetectorId: aws.String(id), Name: aws.String("mine"), FindingCriteria: byType})
	apiError(t, err, "AccessDeniedException")
	_, err = analyst.CreateSampleFindings(ctx, &guardduty.CreateSampleFindingsInput{DetectorId: aws.String(id)})
	apiError(t, err, "AccessDeniedException")
	if _, err := analyst.GetFindingsStatistics(ctx, &guardduty.GetFindingsStatisticsInput{DetectorId: aws.String(id),
		FindingStatisticTypes: []gdtypes.FindingStatisticType{gdtypes.FindingStatisticTypeCountBySeverity}}); err != nil {
		t.Fatalf("GetFindingsStatistics allowed on the detector: %v", err)
	}

	// CloudTrail has the calls, the refused one with its error.
	var created, refused bool
	waitFor(t, func() bool {
		ev, err := ct.LookupEvents(ctx, &cloudtrail.LookupEventsInput{LookupAttributes: []cttypes.LookupAttribute{{AttributeKey: cttypes.LookupAttributeKeyEventName,
			AttributeValue: aws.String("CreateFilter")}}})
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range ev.Events {
			body := aws.ToString(e.CloudTrailEvent)
			created = created || strings.Contains(body, `"name":"quiet-trails"`) && strings.Contains(body, `"eventSource":"guardduty.amazonaws.com"`)
			refused = refused || strings.Contains(body, `"errorCode":"AccessDenied`) && strings.Contains(body, "analyst")
		}
		return created && refused
	})
}

// Sample findings of every type moat raises, marked as samples, and
// statistics that agree with ListFindings.
func TestGuardDutySamplesAndStatistics(t *testing.T) {
	t.Parallel()
	ts := start(t)
	ctx := context.Background()
	gd := guardduty.NewFromConfig(ts.config(ts.Root))
	det, err := gd.CreateDetector(ctx, &guardduty.CreateDetectorInput{Enable: aws.Bool(true)})
	if err != nil {
		t.Fatal(err)
	}
	id := aws.ToString(det.DetectorId)

	_, err = gd.CreateSampleFindings(ctx, &guardduty.CreateSampleFindingsInput{DetectorId: aws.String(id), FindingTypes: []string{"Recon:EC2/NoSuchThing"}})
	apiError(t, err, "BadRequestException")
	if _, err := gd.CreateSampleFindings(ctx, &guardduty.CreateSampleFindingsInput{DetectorId: aws.String(id),
		FindingTypes: []string{"Recon:EC2/Portscan", "Trojan:EC2/DNSDataExfiltration"}}); err != nil {
		t.Fatal(err)
	}
	ids := gdAll(t, gd, id, gdCrit(map[string]gdtypes.Condition{"resource.resourceType": {Equals: []string{"Instance"}}}))
	fs := gdFindings(t, gd, id, ids)
	if len(fs) != 2 {
		t.Fatalf("sample findings: %d, want 2", len(fs))
	}
	for _, f := range fs {
		if f.Service == nil || f.Service.AdditionalInfo == nil || !strings.Contains(aws.ToString(f.Service.AdditionalInfo.Value), `"sample":true`) {
			t.Errorf("sample finding %s is not marked sample: %+v", aws.ToString(f.Type), f.Service)
		}
		if aws.ToString(f.Resource.InstanceDetails.InstanceId) != "i-99999999" || f.Service.Action == nil {
			t.Errorf("sample finding shape: %+v", f.Resource)
		}
	}
	// No types: one of each type moat knows.
	if _, err := gd.CreateSampleFindings(ctx, &guardduty.CreateSampleFindingsInput{DetectorId: aws.String(id)}); err != nil {
		t.Fatal(err)
	}
	all := gdAll(t, gd, id, nil)
	if len(all) < 50 {
		t.Fatalf("after samples of every type: %d findings", len(all))
	}

	stats := func(in *guardduty.GetFindingsStatisticsInput) *gdtypes.FindingStatistics {
		t.Helper()
		in.DetectorId = aws.String(id)
		out, err := gd.GetFindingsStatistics(ctx, in)
		if err != nil {
			t.Fatal(err)
		}
		return out.FindingStatistics
	}
	// COUNT_BY_SEVERITY adds up to the findings listed (root's own calls
	// may add findings meanwhile: compare with a criterion that excludes them).
	noRoot := gdCrit(map[string]gdtypes.Condition{"type": {NotEquals: []string{gdRootUse}}})
	listed := gdAll(t, gd, id, noRoot)
	total := int32(0)
	for _, n := range stats(&guardduty.GetFindingsStatisticsInput{FindingCriteria: noRoot,
		FindingStatisticTypes: []gdtypes.FindingStatisticType{gdtypes.FindingStatisticTypeCountBySeverity}}).CountBySeverity {
		total += n
	}
	if int(total) != len(listed) {
		t.Fatalf("COUNT_BY_SEVERITY totals %d, ListFindings %d", total, len(listed))
	}
	// By finding type: each count is what ListFindings finds for the type.
	byType := stats(&guardduty.GetFindingsStatisticsInput{FindingCriteria: noRoot, GroupBy: gdtypes.GroupByTypeFindingType, MaxResults: aws.Int32(100)}).GroupedByFindingType
	sum := int32(0)
	for _, g := range byType {
		sum += aws.ToInt32(g.TotalFindings)
		if aws.ToString(g.FindingType) == "Recon:EC2/Portscan" {
			if n := len(gdAll(t, gd, id, gdCrit(map[string]gdtypes.Condition{"type": {Equals: []string{"Recon:EC2/Portscan"}}}))); aws.ToInt32(g.TotalFindings) != 2 || n != 2 {
				t.Errorf("Portscan: statistics %d, ListFindings %d, want 2", aws.ToInt32(g.TotalFindings), n)
			}
		}
	}
	if int(sum) != len(listed) || aws.ToInt32(byType[0].TotalFindings) < aws.ToInt32(byType[len(byType)-1].TotalFindings) {
		t.Fatalf("GroupBy FINDING_TYPE: sum %d of %d, order %+v", sum, len(listed), byType)
	}
	top := stats(&guardduty.GetFindingsStatisticsInput{FindingCriteria: noRoot, GroupBy: gdtypes.GroupByTypeFindingType, OrderBy: gdtypes.OrderByAsc, MaxResults: aws.Int32(3)}).GroupedByFindingType
	if len(top) != 3 || aws.ToInt32(top[0].TotalFindings) != 1 {
		t.Fatalf("GroupBy FINDING_TYPE ASC max 3: %+v", top)
	}
	bySev := stats(&guardduty.GetFindingsStatisticsInput{FindingCriteria: noRoot, GroupBy: gdtypes.GroupByTypeSeverity}).GroupedBySeverity
	high := len(gdAll(t, gd, id, gdCrit(map[string]gdtypes.Condition{"type": {NotEquals: []string{gdRootUse}}, "severity": {GreaterThanOrEqual: aws.Int64(7)}})))
	highStat := int32(0)
	for _, g := range bySev {
		if aws.ToFloat64(g.Severity) >= 7 {
			highStat += aws.ToInt32(g.TotalFindings)
		}
	}
	if int(highStat) != high || high == 0 {
		t.Fatalf("severity >= 7: statistics %d, ListFindings %d", highStat, high)
	}
	byRes := stats(&guardduty.GetFindingsStatisticsInput{GroupBy: gdtypes.GroupByTypeResource}).GroupedByResource
	if len(byRes) == 0 || aws.ToString(byRes[0].AccountId) != ts.Account || aws.ToString(byRes[0].ResourceId) == "" || byRes[0].LastGeneratedAt == nil {
		t.Fatalf("GroupBy RESOURCE: %+v", byRes)
	}
	byDate := stats(&guardduty.GetFindingsStatisticsInput{GroupBy: gdtypes.GroupByTypeDate}).GroupedByDate
	byAcct := stats(&guardduty.GetFindingsStatisticsInput{GroupBy: gdtypes.GroupByTypeAccount}).GroupedByAccount
	if len(byDate) != 1 || byDate[0].Date == nil || len(byAcct) != 1 || aws.ToString(byAcct[0].AccountId) != ts.Account {
		t.Fatalf("GroupBy DATE %+v, ACCOUNT %+v", byDate, byAcct)
	}
	_, err = gd.GetFindingsStatistics(ctx, &guardduty.GetFindingsStatisticsInput{DetectorId: aws.String(id)})
	apiError(t, err, "BadRequestException")
	_, err = gd.GetFindingsStatistics(ctx, &guardduty.GetFindingsStatisticsInput{DetectorId: aws.String(id), GroupBy: gdtypes.GroupByTypeAccount,
		FindingStatisticTypes: []gdtypes.FindingStatisticType{gdtypes.FindingStatisticTypeCountBySeverity}})
	apiError(t, err, "BadRequestException")
	_, err = gd.GetFindingsStatistics(ctx, &guardduty.GetFindingsStatisticsInput{DetectorId: aws.String(id), GroupBy: gdtypes.GroupByTypeAccount,
		FindingCriteria: gdCrit(map[string]gdtypes.Condition{"service.colour": {Equals: []string{"x"}}})})
	apiError(t, err, "BadRequestException")

	// Sorting: severity descending, then ascending.
	desc, err := gd.ListFindings(ctx, &guardduty.ListFindingsInput{DetectorId: aws.String(id), FindingCriteria: noRoot, MaxResults: aws.Int32(50),
		SortCriteria: &gdtypes.SortCriteria{AttributeName: aws.String("severity"), OrderBy: gdtypes.OrderByDesc}})
	if err != nil {
		t.Fatal(err)
	}
	sorted := gdFindings(t, gd, id, desc.FindingIds)
	bySev2 := map[string]float64{}
	for _, f := range sorted {
		bySev2[aws.ToString(f.Id)] = aws.ToFloat64(f.Severity)
	}
	for i := 1; i < len(desc.FindingIds); i++ {
		if bySev2[desc.FindingIds[i]] > bySev2[desc.FindingIds[i-1]] {
			t.Fatalf("ListFindings sorted by severity DESC is out of order at %d", i)
		}
	}
	_, err = gd.ListFindings(ctx, &guardduty.ListFindingsInput{DetectorId: aws.String(id), SortCriteria: &gdtypes.SortCriteria{AttributeName: aws.String("colour")}})
	apiError(t, err, "BadRequestException")
	// Criteria on the documented attributes.
	if n := len(gdAll(t, gd, id, gdCrit(map[string]gdtypes.Condition{"service.action.actionType": {Equals: []string{"DNS_REQUEST"}},
		"resource.instanceDetails.instanceId": {Equals: []string{"i-99999999"}}}))); n < 3 {
		t.Errorf("DNS_REQUEST samples on i-99999999: %d", n)
	}
	if n := len(gdAll(t, gd, id, gdCrit(map[string]gdtypes.Condition{"resource.accessKeyDetails.userName": {Equals: []string{"GeneratedFindingUserName"}},
		"accountId": {Equals: []string{ts.Account}}, "region": {Equals: []string{"us-east-1"}}}))); n == 0 {
		t.Errorf("no sample on GeneratedFindingUserName")
	}
	// The live detectors may raise findings meanwhile (root's calls): the
	// criterion's count lies between the totals read before and after.
	before := len(gdAll(t, gd, id, nil))
	n := len(gdAll(t, gd, id, gdCrit(map[string]gdtypes.Condition{"updatedAt": {GreaterThan: aws.Int64(0)}})))
	if after := len(gdAll(t, gd, id, nil)); n < before || n > after {
		t.Errorf("updatedAt > 0 must match every finding: %d, totals %d and %d", n, before, after)
	}
}

// The AWS CLI: a suppression rule as a team writes it.
func TestGuardDutyFilterCLI(t *testing.T) {
	v2 := cliV2(t)
	t.Parallel()
	ts := start(t)
	f := newFlow(t, ts, v2)
	const root = "moat-root"
	det := str(f.ok(root, "guardduty", "create-detector", "--enable"), "DetectorId")
	out := f.ok(root, "guardduty", "create-filter", "--detector-id", det, "--name", "low-noise", "--action", "ARCHIVE", "--rank", "1",
		"--finding-criteria", `{"Criterion":{"severity":{"Lt":4},"type":{"Eq":["Recon:EC2/Portscan"]}}}`)
	if str(out, "Name") != "low-noise" {
		t.Fatalf("create-filter: %v", out)
	}
	got := f.ok(root, "guardduty", "get-filter", "--detector-id", det, "--filter-name", "low-noise")
	if str(got, "Action") != "ARCHIVE" || !strings.Contains(toJSON(got["FindingCriteria"]), "Recon:EC2/Portscan") {
		t.Fatalf("get-filter: %v", got)
	}
	if names := f.ok(root, "guardduty", "list-filters", "--detector-id", det); toJSON(names["FilterNames"]) != `["low-noise"]` {
		t.Fatalf("list-filters: %v", names)
	}
	f.denied("BadRequestException", "unknown.field", root, "guardduty", "create-filter", "--detector-id", det, "--name", "bad",
		"--finding-criteria", `{"Criterion":{"unknown.field":{"Eq":["x"]}}}`)
	f.ok(root, "guardduty", "delete-filter", "--detector-id", det, "--filter-name", "low-noise")

	// With Security Hub on, sample findings arrive there marked Sample,
	// except one a suppression rule archived.
	f.ok(root, "securityhub", "enable-security-hub", "--no-enable-default-standards")
	f.ok(root, "guardduty", "create-filter", "--detector-id", det, "--name", "no-portscan", "--action", "ARCHIVE",
		"--finding-criteria", `{"Criterion":{"type":{"Eq":["Recon:EC2/Portscan"]}}}`)
	f.ok(root, "guardduty", "create-sample-findings", "--detector-id", det, "--finding-types", "Recon:EC2/Portscan", "Trojan:EC2/DNSDataExfiltration")
	archived := f.ok(root, "guardduty", "list-findings", "--detector-id", det, "--finding-criteria", `{"Criterion":{"service.archived":{"Eq":["true"]}}}`)
	if ids := archived["FindingIds"].([]any); len(ids) != 1 {
		t.Fatalf("archived by the suppression rule: %v", archived)
	}
	sh := f.ok(root, "securityhub", "get-findings", "--filters", `{"Sample":[{"Value":true}]}`)
	list := sh["Findings"].([]any)
	if len(list) != 1 || !strings.Contains(toJSON(list[0]), "DNSDataExfiltration") {
		t.Fatalf("Security Hub's sample findings: want only the DNS one, got %s", toJSON(sh))
	}
}
