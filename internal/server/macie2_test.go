package server_test

import (
	"context"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/macie2"
	m2types "github.com/aws/aws-sdk-go-v2/service/macie2/types"
)

// macieUser creates an IAM user with an inline policy (none when policy is
// "") and returns a Macie client signed with its key.
func macieUser(t *testing.T, ts *testServer, name, policy string) *macie2.Client {
	t.Helper()
	ctx := context.Background()
	root := iam.NewFromConfig(ts.config(ts.Root))
	if _, err := root.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String(name)}); err != nil {
		t.Fatal(err)
	}
	if policy != "" {
		if _, err := root.PutUserPolicy(ctx, &iam.PutUserPolicyInput{UserName: aws.String(name), PolicyName: aws.String("p"), PolicyDocument: aws.String(policy)}); err != nil {
			t.Fatal(err)
		}
	}
	k, err := root.CreateAccessKey(ctx, &iam.CreateAccessKeyInput{UserName: aws.String(name)})
	if err != nil {
		t.Fatal(err)
	}
	return macie2.NewFromConfig(ts.config(aws.Credentials{AccessKeyID: aws.ToString(k.AccessKey.AccessKeyId), SecretAccessKey: aws.ToString(k.AccessKey.SecretAccessKey)}))
}

// The Macie session: every call before EnableMacie is AccessDeniedException
// "Macie is not enabled.", then the session's settings, pausing, and
// DisableMacie forgetting the account's Macie data.
func TestMacieSession(t *testing.T) {
	ts := start(t)
	ctx := context.Background()
	mc := macie2.NewFromConfig(ts.config(ts.Root))

	_, err := mc.GetMacieSession(ctx, &macie2.GetMacieSessionInput{})
	if ae := apiError(t, err, "AccessDeniedException"); ae.ErrorMessage() != "Macie is not enabled." {
		t.Fatalf("message %q", ae.ErrorMessage())
	}
	_, err = mc.ListManagedDataIdentifiers(ctx, &macie2.ListManagedDataIdentifiersInput{})
	apiError(t, err, "AccessDeniedException")
	_, err = mc.ListCustomDataIdentifiers(ctx, &macie2.ListCustomDataIdentifiersInput{})
	apiError(t, err, "AccessDeniedException")
	_, err = mc.CreateCustomDataIdentifier(ctx, &macie2.CreateCustomDataIdentifierInput{Name: aws.String("x"), Regex: aws.String("a+")})
	apiError(t, err, "AccessDeniedException")

	_, err = mc.EnableMacie(ctx, &macie2.EnableMacieInput{FindingPublishingFrequency: "TWO_DAYS"})
	apiError(t, err, "ValidationException")
	if _, err := mc.EnableMacie(ctx, &macie2.EnableMacieInput{}); err != nil {
		t.Fatal(err)
	}
	_, err = mc.EnableMacie(ctx, &macie2.EnableMacieInput{})
	apiError(t, err, "ConflictException")
	s, err := mc.GetMacieSession(ctx, &macie2.GetMacieSessionInput{})
	if err != nil {
		t.Fatal(err)
	}
	if s.Status != m2types.MacieStatusEnabled || s.FindingPublishingFrequency != m2types.FindingPublishingFrequencyFifteenMinutes ||
		aws.ToString(s.ServiceRole) != "arn:aws:iam::"+ts.Account+":role/aws-service-role/macie.amazonaws.com/AWSServiceRoleForAmazonMacie" ||
		s.CreatedAt == nil || s.UpdatedAt == nil {
		t.Fatalf("GetMacieSession: %+v", s)
	}
	if _, err := mc.UpdateMacieSession(ctx, &macie2.UpdateMacieSessionInput{Status: m2types.MacieStatusPaused, FindingPublishingFrequency: m2types.FindingPublishingFrequencySixHours}); err != nil {
		t.Fatal(err)
	}
	s, _ = mc.GetMacieSession(ctx, &macie2.GetMacieSessionInput{})
	if s.Status != m2types.MacieStatusPaused || s.FindingPublishingFrequency != m2types.FindingPublishingFrequencySixHours {
		t.Fatalf("after update: %+v", s)
	}

	// A user without macie2 permissions is denied by IAM first.
	nobody := macieUser(t, ts, "nobody", "")
	_, err = nobody.GetMacieSession(ctx, &macie2.GetMacieSessionInput{})
	if ae := apiError(t, err, "AccessDeniedException"); !strings.Contains(ae.ErrorMessage(), "macie2:GetMacieSession") {
		t.Fatalf("denial names no action: %q", ae.ErrorMessage())
	}

	if _, err := mc.CreateCustomDataIdentifier(ctx, &macie2.CreateCustomDataIdentifierInput{Name: aws.String("x"), Regex: aws.String("a+")}); err != nil {
		t.Fatal(err)
	}
	if _, err := mc.DisableMacie(ctx, &macie2.DisableMacieInput{}); err != nil {
		t.Fatal(err)
	}
	_, err = mc.GetMacieSession(ctx, &macie2.GetMacieSessionInput{})
	apiError(t, err, "AccessDeniedException")
	if _, err := mc.EnableMacie(ctx, &macie2.EnableMacieInput{}); err != nil {
		t.Fatal(err)
	}
	l, err := mc.ListCustomDataIdentifiers(ctx, &macie2.ListCustomDataIdentifiersInput{})
	if err != nil || len(l.Items) != 0 {
		t.Fatalf("identifiers survived DisableMacie: %+v %v", l, err)
	}
}

// Custom data identifiers: validation naming the field, get/list/batch-get,
// soft delete, TestCustomDataIdentifier's matchCount, the managed catalogue,
// and authorization on the identifier's ARN.
func TestMacieCustomDataIdentifiers(t *testing.T) {
	ts := start(t)
	ctx := context.Background()
	mc := macie2.NewFromConfig(ts.config(ts.Root))
	if _, err := mc.EnableMacie(ctx, &macie2.EnableMacieInput{}); err != nil {
		t.Fatal(err)
	}
	bad := []struct {
		in    macie2.CreateCustomDataIdentifierInput
		field string
	}{
		{macie2.CreateCustomDataIdentifierInput{Name: aws.String("a"), Regex: aws.String("(unclosed")}, "regex"},
		{macie2.CreateCustomDataIdentifierInput{Name: aws.String("a"), Regex: aws.String("(EMP)-\\d+")}, "regex"},
		{macie2.CreateCustomDataIdentifierInput{Name: aws.String("a"), Regex: aws.String("a+"), MaximumMatchDistance: aws.Int32(0)}, "maximumMatchDistance"},
		{macie2.CreateCustomDataIdentifierInput{Name: aws.String("a"), Regex: aws.String("a+"), MaximumMatchDistance: aws.Int32(301)}, "maximumMatchDistance"},
		{macie2.CreateCustomDataIdentifierInput{Name: aws.String("a"), Regex: aws.String("a+"), Keywords: []string{"ab"}}, "keywords"},
	}
	for _, b := range bad {
		_, err := mc.CreateCustomDataIdentifier(ctx, &b.in)
		if ae := apiError(t, err, "ValidationException"); !strings.Contains(ae.ErrorMessage(), b.field) {
			t.Fatalf("%s: message %q does not name the field", aws.ToString(b.in.Regex), ae.ErrorMessage())
		}
	}
	if l, _ := mc.ListCustomDataIdentifiers(ctx, &macie2.ListCustomDataIdentifiersInput{}); len(l.Items) != 0 {
		t.Fatalf("a rejected identifier was stored: %+v", l.Items)
	}

	out, err := mc.CreateCustomDataIdentifier(ctx, &macie2.CreateCustomDataIdentifierInput{
		Name: aws.String("employee-id"), Description: aws.String("staff numbers"), Regex: aws.String(`EMP-\d{6}`),
		Keywords: []string{"employee"}, IgnoreWords: []string{"EMP-000000"}, MaximumMatchDistance: aws.Int32(20),
		SeverityLevels: []m2types.SeverityLevel{{OccurrencesThreshold: aws.Int64(1), Severity: m2types.DataIdentifierSeverityLow},
			{OccurrencesThreshold: aws.Int64(10), Severity: m2types.DataIdentifierSeverityHigh}},
		Tags: map[string]string{"team": "hr"}, ClientToken: aws.String("tok-1")})
	if err != nil {
		t.Fatal(err)
	}
	id := aws.ToString(out.CustomDataIdentifierId)
	again, err := mc.CreateCustomDataIdentifier(ctx, &macie2.CreateCustomDataIdentifierInput{Name: aws.String("employee-id"), Regex: aws.String(`EMP-\d{6}`), ClientToken: aws.String("tok-1")})
	if err != nil || aws.ToString(again.CustomDataIdentifierId) != id {
		t.Fatalf("same clientToken: %v %v", again, err)
	}
	got, err := mc.GetCustomDataIdentifier(ctx, &macie2.GetCustomDataIdentifierInput{Id: aws.String(id)})
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToString(got.Arn) != "arn:aws:macie2:us-east-1:"+ts.Account+":custom-data-identifier/"+id || aws.ToString(got.Regex) != `EMP-\d{6}` ||
		aws.ToInt32(got.MaximumMatchDistance) != 20 || len(got.SeverityLevels) != 2 || got.SeverityLevels[1].Severity != m2types.DataIdentifierSeverityHigh ||
		got.Tags["team"] != "hr" || aws.ToBool(got.Deleted) || got.CreatedAt == nil {
		t.Fatalf("GetCustomDataIdentifier: %+v", got)
	}
	_, err = mc.GetCustomDataIdentifier(ctx, &macie2.GetCustomDataIdentifierInput{Id: aws.String("00000000-0000-4000-8000-000000000000")})
	apiError(t, err, "ResourceNotFoundException")

	n, err := mc.TestCustomDataIdentifier(ctx, &macie2.TestCustomDataIdentifierInput{Regex: aws.String(`EMP-\d{6}`), Keywords: []string{"employee"},
		MaximumMatchDistance: aws.Int32(20),
		SampleText:           aws.String("employee EMP-123456, employee EMP-654321; and much further away than twenty characters EMP-111111")})
	if err != nil || aws.ToInt32(n.MatchCount) != 2 {
		t.Fatalf("TestCustomDataIdentifier: %d %v", aws.ToInt32(n.MatchCount), err)
	}
	_, err = mc.TestCustomDataIdentifier(ctx, &macie2.TestCustomDataIdentifierInput{Regex: aws.String(`(a`), SampleText: aws.String("a")})
	apiError(t, err, "ValidationException")

	b, err := mc.BatchGetCustomDataIdentifiers(ctx, &macie2.BatchGetCustomDataIdentifiersInput{Ids: []string{id, "missing"}})
	if err != nil || len(b.CustomDataIdentifiers) != 1 || len(b.NotFoundIdentifierIds) != 1 || b.NotFoundIdentifierIds[0] != "missing" {
		t.Fatalf("BatchGet: %+v %v", b, err)
	}
	m, err := mc.ListManagedDataIdentifiers(ctx, &macie2.ListManagedDataIdentifiersInput{})
	if err != nil || len(m.Items) < 50 {
		t.Fatalf("ListManagedDataIdentifiers: %d items, %v", len(m.Items), err)
	}
	var card bool
	for _, it := range m.Items {
		card = card || aws.ToString(it.Id) == "CREDIT_CARD_NUMBER" && it.Category == m2types.SensitiveDataItemCategoryFinancialInformation
	}
	if !card {
		t.Fatal("CREDIT_CARD_NUMBER is not listed as FINANCIAL_INFORMATION")
	}

	// A user allowed to read this identifier only.
	arn := aws.ToString(got.Arn)
	reader := macieUser(t, ts, "reader", allowDoc("macie2:GetCustomDataIdentifier", arn))
	if _, err := reader.GetCustomDataIdentifier(ctx, &macie2.GetCustomDataIdentifierInput{Id: aws.String(id)}); err != nil {
		t.Fatal(err)
	}
	_, err = reader.GetCustomDataIdentifier(ctx, &macie2.GetCustomDataIdentifierInput{Id: aws.String("00000000-0000-4000-8000-000000000000")})
	apiError(t, err, "AccessDeniedException")
	_, err = reader.DeleteCustomDataIdentifier(ctx, &macie2.DeleteCustomDataIdentifierInput{Id: aws.String(id)})
	apiError(t, err, "AccessDeniedException")

	if _, err := mc.DeleteCustomDataIdentifier(ctx, &macie2.DeleteCustomDataIdentifierInput{Id: aws.String(id)}); err != nil {
		t.Fatal(err)
	}
	if l, _ := mc.ListCustomDataIdentifiers(ctx, &macie2.ListCustomDataIdentifiersInput{}); len(l.Items) != 0 {
		t.Fatalf("deleted identifier listed: %+v", l.Items)
	}
	if b, _ := mc.BatchGetCustomDataIdentifiers(ctx, &macie2.BatchGetCustomDataIdentifiersInput{Ids: []string{id}}); len(b.CustomDataIdentifiers) != 1 || !aws.ToBool(b.CustomDataIdentifiers[0].Deleted) {
		t.Fatalf("BatchGet after delete: %+v", b)
	}
}
