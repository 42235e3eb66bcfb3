package server_test

import (
	"context"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
)

// The policy simulator answers with the engine's decisions and the
// statements that decided.
func TestSimulatePolicies(t *testing.T) {
	ts := start(t)
	ctx := context.Background()
	root := iam.NewFromConfig(ts.config(ts.Root))
	if _, err := root.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("sim")}); err != nil {
		t.Fatal(err)
	}
	if _, err := root.AttachUserPolicy(ctx, &iam.AttachUserPolicyInput{UserName: aws.String("sim"), PolicyArn: aws.String("arn:aws:iam::aws:policy/ReadOnlyAccess")}); err != nil {
		t.Fatal(err)
	}
	out, err := root.SimulatePrincipalPolicy(ctx, &iam.SimulatePrincipalPolicyInput{
		PolicySourceArn: aws.String("arn:aws:iam::" + ts.Account + ":user/sim"),
		ActionNames:     []string{"s3:GetObject", "s3:PutObject"},
		ResourceArns:    []string{"arn:aws:s3:::bucket/key"},
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(out.EvaluationResults) != 2 {
		t.Fatalf("%d results", len(out.EvaluationResults))
	}
	get, put := out.EvaluationResults[0], out.EvaluationResults[1]
	if get.EvalDecision != iamtypes.PolicyEvaluationDecisionTypeAllowed || len(get.MatchedStatements) == 0 || aws.ToString(get.MatchedStatements[0].SourcePolicyId) != "ReadOnlyAccess" {
		t.Fatalf("s3:GetObject: %s %+v", get.EvalDecision, get.MatchedStatements)
	}
	if put.EvalDecision != iamtypes.PolicyEvaluationDecisionTypeImplicitDeny {
		t.Fatalf("s3:PutObject: %s", put.EvalDecision)
	}
	custom, err := root.SimulateCustomPolicy(ctx, &iam.SimulateCustomPolicyInput{
		PolicyInputList: []string{`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"},{"Effect":"Deny","Action":"s3:DeleteBucket","Resource":"*","Condition":{"Bool":{"aws:MultiFactorAuthPresent":"false"}}}]}`},
		ActionNames:     []string{"s3:DeleteBucket"},
		ContextEntries:  []iamtypes.ContextEntry{{ContextKeyName: aws.String("aws:MultiFactorAuthPresent"), ContextKeyValues: []string{"false"}, ContextKeyType: iamtypes.ContextKeyTypeEnumBoolean}},
	})
	if err != nil {
		t.Fatal(err)
	}
	if d := custom.EvaluationResults[0].EvalDecision; d != iamtypes.PolicyEvaluationDecisionTypeExplicitDeny {
		t.Fatalf("custom: %s", d)
	}
	if m := custom.EvaluationResults[0].MissingContextValues; len(m) != 0 {
		t.Errorf("MissingContextValues with the key given: %v", m)
	}
	// Without the context entry, the simulator names the key it lacked.
	custom, err = root.SimulateCustomPolicy(ctx, &iam.SimulateCustomPolicyInput{
		PolicyInputList: []string{`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*","Condition":{"StringEquals":{"aws:PrincipalTag/team":"blue"},"StringEqualsIfExists":{"s3:prefix":"home/"}}},{"Effect":"Deny","Action":"s3:DeleteBucket","Resource":"*","Condition":{"Bool":{"aws:MultiFactorAuthPresent":"false"}}}]}`},
		ActionNames:     []string{"s3:DeleteBucket", "ec2:RunInstances"},
	})
	if err != nil {
		t.Fatal(err)
	}
	if m := custom.EvaluationResults[0].MissingContextValues; len(m) != 2 || m[0] != "aws:PrincipalTag/team" || m[1] != "aws:MultiFactorAuthPresent" {
		t.Errorf("MissingContextValues for s3:DeleteBucket = %v", m)
	}
	if m := custom.EvaluationResults[1].MissingContextValues; len(m) != 0 {
		t.Errorf("MissingContextValues for an action no statement names = %v", m)
	}
	_, err = root.SimulateCustomPolicy(ctx, &iam.SimulateCustomPolicyInput{PolicyInputList: []string{`{"Statement":[`}, ActionNames: []string{"s3:GetObject"}})
	apiError(t, err, "MalformedPolicyDocument")
}
