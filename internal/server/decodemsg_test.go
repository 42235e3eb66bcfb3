package server_test

import (
	"context"
	"encoding/json"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/moatdev/moat/internal/protocol"
	"github.com/moatdev/moat/internal/server"
	"github.com/moatdev/moat/internal/service"
)

// probeEC2 is a one-operation service on the ec2 protocol, standing in for
// EC2 until moat serves it, so that the ec2 protocol's denial can be tested
// end to end.
func probeEC2() *service.Service {
	return &service.Service{
		Meta:        protocol.Service{Name: "ec2", Protocol: "ec2", APIVersion: "2016-11-15"},
		EventSource: "ec2.amazonaws.com",
		Ops: service.Table(service.Op("StopInstances", "ec2:StopInstances", func(context.Context, *service.Call, *struct{}) (*struct{}, error) {
			return &struct{}{}, nil
		})),
	}
}

// A denied EC2-style call answers UnauthorizedOperation with an encoded
// authorization failure message; sts:DecodeAuthorizationMessage reads it
// back for a caller allowed to, and refuses a changed message.
func TestDecodeAuthorizationMessage(t *testing.T) {
	ts := start(t, func(c *server.Config) { c.Services = append(c.Services, probeEC2()) })
	ctx := context.Background()
	root := iam.NewFromConfig(ts.config(ts.Root))
	if _, err := root.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("ec2-user")}); err != nil {
		t.Fatal(err)
	}
	k, err := root.CreateAccessKey(ctx, &iam.CreateAccessKeyInput{UserName: aws.String("ec2-user")})
	if err != nil {
		t.Fatal(err)
	}
	user := aws.Credentials{AccessKeyID: aws.ToString(k.AccessKey.AccessKeyId), SecretAccessKey: aws.ToString(k.AccessKey.SecretAccessKey)}

	status, body := ts.signedPost(t, user, "ec2", "Action=StopInstances&Version=2016-11-15", time.Now())
	if status != 403 || !strings.Contains(body, "<Code>UnauthorizedOperation</Code>") {
		t.Fatalf("denied ec2 call: %d %s", status, body)
	}
	if !strings.Contains(body, "You are not authorized to perform this operation. User: arn:aws:iam::"+ts.Account+":user/ec2-user is not authorized to perform: ec2:StopInstances") {
		t.Errorf("message lead: %s", body)
	}
	m := regexp.MustCompile(`Encoded authorization failure message: ([A-Za-z0-9_-]+)`).FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("no encoded message in %s", body)
	}
	encoded := m[1]

	// The user itself may not decode it without sts:DecodeAuthorizationMessage.
	_, err = sts.NewFromConfig(ts.config(user)).DecodeAuthorizationMessage(ctx, &sts.DecodeAuthorizationMessageInput{EncodedMessage: aws.String(encoded)})
	apiError(t, err, "AccessDenied")

	rootSTS := sts.NewFromConfig(ts.config(ts.Root))
	out, err := rootSTS.DecodeAuthorizationMessage(ctx, &sts.DecodeAuthorizationMessageInput{EncodedMessage: aws.String(encoded)})
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Allowed      bool `json:"allowed"`
		ExplicitDeny bool `json:"explicitDeny"`
		Context      struct {
			Principal  struct{ ID, Name, ARN string }
			Action     string
			Resource   string
			Conditions struct {
				Items []struct {
					Key    string `json:"key"`
					Values struct {
						Items []struct {
							Value string `json:"value"`
						} `json:"items"`
					} `json:"values"`
				} `json:"items"`
			} `json:"conditions"`
		} `json:"context"`
	}
	if err := json.Unmarshal([]byte(aws.ToString(out.DecodedMessage)), &doc); err != nil {
		t.Fatalf("decoded message is not JSON: %v\n%s", err, aws.ToString(out.DecodedMessage))
	}
	if doc.Allowed || doc.ExplicitDeny || doc.Context.Action != "ec2:StopInstances" || doc.Context.Principal.Name != "ec2-user" ||
		doc.Context.Principal.ARN != "arn:aws:iam::"+ts.Account+":user/ec2-user" {
		t.Errorf("decoded message: %s", aws.ToString(out.DecodedMessage))
	}
	found := false
	for _, c := range doc.Context.Conditions.Items {
		if c.Key == "aws:principalaccount" && len(c.Values.Items) == 1 && c.Values.Items[0].Value == ts.Account {
			found = true
		}
	}
	if !found {
		t.Errorf("aws:PrincipalAccount missing from the decoded conditions: %s", aws.ToString(out.DecodedMessage))
	}

	// A changed or foreign message is refused with STS's error.
	changed := []byte(encoded)
	changed[len(changed)/2] ^= 1
	for _, bad := range []string{string(changed), "not-a-message", url.QueryEscape("abc+/=")} {
		_, err = rootSTS.DecodeAuthorizationMessage(ctx, &sts.DecodeAuthorizationMessageInput{EncodedMessage: aws.String(bad)})
		apiError(t, err, "InvalidAuthorizationMessageException")
	}
}
