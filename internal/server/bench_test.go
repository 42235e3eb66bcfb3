package server_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
)

// BenchmarkGetCallerIdentity measures the whole pipeline in-process (no
// network): SigV4 verification, authorization, encoding and a durable
// CloudTrail record, from parallel callers so that group commit can batch.
func BenchmarkGetCallerIdentity(b *testing.B) {
	ts := startBench(b)
	const form = "Action=GetCallerIdentity&Version=2011-06-15"
	signed, _ := http.NewRequest("POST", ts.URL+"/", strings.NewReader(form))
	signed.Header.Set("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")
	sum := sha256.Sum256([]byte(form))
	if err := v4.NewSigner().SignHTTP(context.Background(), ts.Root, signed, hex.EncodeToString(sum[:]), "sts", "us-east-1", time.Now()); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.SetParallelism(16) // 16 callers per core, as many clients would be
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			req := httptest.NewRequest("POST", ts.URL+"/", strings.NewReader(form))
			req.Header = signed.Header.Clone()
			req.Host = signed.Host
			w := httptest.NewRecorder()
			ts.srv.ServeHTTP(w, req)
			if w.Code != 200 {
				b.Fatalf("%d %s", w.Code, w.Body)
			}
		}
	})
}

// BenchmarkAssumeRoleAnd100Calls: one AssumeRole and 100 signed calls by the
// session (ListUsers, allowed by the role's policy), in-process. Run with
// -cpuprofile to see the share of authorization (Server.authorize).
func BenchmarkAssumeRoleAnd100Calls(b *testing.B) {
	ts := startBench(b)
	ctx := context.Background()
	signed := func(c aws.Credentials, form string) *http.Request {
		req := httptest.NewRequest("POST", ts.URL+"/", strings.NewReader(form))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")
		sum := sha256.Sum256([]byte(form))
		service := "iam"
		if strings.Contains(form, "Version=2011-06-15") {
			service = "sts"
		}
		if err := v4.NewSigner().SignHTTP(ctx, c, req, hex.EncodeToString(sum[:]), service, "us-east-1", time.Now()); err != nil {
			b.Fatal(err)
		}
		return req
	}
	call := func(c aws.Credentials, form string) string {
		w := httptest.NewRecorder()
		ts.srv.ServeHTTP(w, signed(c, form))
		if w.Code != 200 {
			b.Fatalf("%s: %d %s", form, w.Code, w.Body)
		}
		return w.Body.String()
	}
	for _, form := range []string{
		"Action=CreateUser&Version=2010-05-08&UserName=bench",
		"Action=CreateRole&Version=2010-05-08&RoleName=bench&AssumeRolePolicyDocument=" + url.QueryEscape(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::`+ts.Account+`:root"},"Action":"sts:AssumeRole"}]}`),
		"Action=AttachRolePolicy&Version=2010-05-08&RoleName=bench&PolicyArn=" + url.QueryEscape("arn:aws:iam::aws:policy/ReadOnlyAccess"),
		"Action=PutUserPolicy&Version=2010-05-08&UserName=bench&PolicyName=assume&PolicyDocument=" + url.QueryEscape(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sts:AssumeRole","Resource":"*"}]}`),
	} {
		call(ts.Root, form)
	}
	body := call(ts.Root, "Action=CreateAccessKey&Version=2010-05-08&UserName=bench")
	user := aws.Credentials{AccessKeyID: between(body, "<AccessKeyId>", "<"), SecretAccessKey: between(body, "<SecretAccessKey>", "<")}
	roleARN := "arn:aws:iam::" + ts.Account + ":role/bench"
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		out := call(user, "Action=AssumeRole&Version=2011-06-15&RoleSessionName=bench&RoleArn="+url.QueryEscape(roleARN))
		sess := aws.Credentials{AccessKeyID: between(out, "<AccessKeyId>", "<"), SecretAccessKey: between(out, "<SecretAccessKey>", "<"), SessionToken: between(out, "<SessionToken>", "<")}
		for i := 0; i < 100; i++ {
			call(sess, "Action=ListUsers&Version=2010-05-08&MaxItems=1")
		}
	}
}

func between(s, start, end string) string {
	i := strings.Index(s, start)
	if i < 0 {
		return ""
	}
	s = s[i+len(start):]
	if j := strings.Index(s, end); j >= 0 {
		return s[:j]
	}
	return s
}
