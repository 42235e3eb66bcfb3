package protocol_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"time"

	"github.com/moatdev/moat/internal/awserr"
	"github.com/moatdev/moat/internal/protocol"
)

type exampleTag struct {
	Key   string `aws:",required"`
	Value string `aws:",required"`
}

type exampleCreateUserInput struct {
	Path     *string
	UserName string `aws:",required"`
	Tags     []exampleTag
}

type exampleUser struct {
	Path       string
	UserName   string
	UserID     string `aws:"UserId"`
	Arn        string
	CreateDate time.Time
}

type exampleCreateUserOutput struct{ User exampleUser }

// A query service: decode the form, encode the XML answer, render the trail.
func Example() {
	iam := protocol.New(protocol.Service{Name: "iam", Protocol: protocol.Query, APIVersion: "2010-05-08",
		XMLNamespace: "https://iam.amazonaws.com/doc/2010-05-08/"})
	body := "Action=CreateUser&Version=2010-05-08&UserName=alice&Tags.member.1.Key=team&Tags.member.1.Value=sec"
	r := httptest.NewRequest(http.MethodPost, "/", strings.NewReader(body))
	req := &protocol.Request{HTTP: r, Body: []byte(body)}

	var in exampleCreateUserInput
	if err := iam.Decode(req, &in); err != nil {
		iam.EncodeError(httptest.NewRecorder(), req, "req-1", awserr.From(err))
		return
	}
	out := &exampleCreateUserOutput{User: exampleUser{Path: "/", UserName: in.UserName, UserID: "AIDAEXAMPLE",
		Arn: "arn:aws:iam::123456789012:user/alice", CreateDate: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)}}
	w := httptest.NewRecorder()
	_ = iam.Encode(w, req, iam.Operation(req), "req-1", out)
	fmt.Println(w.Body.String())
	fmt.Println(string(protocol.TrailJSON(&in)))
	fmt.Println(string(protocol.TrailJSON(out)))
	// Output:
	// <CreateUserResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/"><CreateUserResult><User><Path>/</Path><UserName>alice</UserName><UserId>AIDAEXAMPLE</UserId><Arn>arn:aws:iam::123456789012:user/alice</Arn><CreateDate>2026-01-02T03:04:05Z</CreateDate></User></CreateUserResult><ResponseMetadata><RequestId>req-1</RequestId></ResponseMetadata></CreateUserResponse>
	// {"userName":"alice","tags":[{"key":"team","value":"sec"}]}
	// {"user":{"path":"/","userName":"alice","userId":"AIDAEXAMPLE","arn":"arn:aws:iam::123456789012:user/alice","createDate":"Jan 2, 2026 3:04:05 AM"}}
}

// A REST service: the Router names the operation and the URI labels.
func ExampleRouter_Match() {
	rt := protocol.NewRouter([]protocol.Route{
		{Method: "GET", Path: "/{Bucket}?policy", Op: "GetBucketPolicy"},
		{Method: "GET", Path: "/{Bucket}/{Key+}", Op: "GetObject"},
	})
	op, params, ok := rt.Match(httptest.NewRequest("GET", "/demo-bucket/dir/hello%20world.txt", nil))
	fmt.Println(op, params["Bucket"], params["Key"], ok)
	op, params, ok = rt.Match(httptest.NewRequest("GET", "/demo-bucket?policy", nil))
	fmt.Println(op, params["Bucket"], ok)
	// Output:
	// GetObject demo-bucket dir/hello world.txt true
	// GetBucketPolicy demo-bucket true
}
