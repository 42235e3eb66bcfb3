package server_test

import (
	"context"
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"math/big"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/sts"
)

// A loopback OIDC issuer (discovery + JWKS) signs a service-account token;
// AssumeRoleWithWebIdentity, unsigned, exchanges it for a session of a role
// whose trust policy names the provider and its sub and aud, as IRSA does.
func TestAssumeRoleWithWebIdentity(t *testing.T) {
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	var issuer string
	mux := http.NewServeMux()
	idp := httptest.NewServer(mux)
	defer idp.Close()
	issuer = idp.URL
	mux.HandleFunc("/.well-known/openid-configuration", func(w http.ResponseWriter, _ *http.Request) {
		_ = json.NewEncoder(w).Encode(map[string]string{"issuer": issuer, "jwks_uri": issuer + "/keys"})
	})
	mux.HandleFunc("/keys", func(w http.ResponseWriter, _ *http.Request) {
		e := big.NewInt(int64(key.E)).Bytes()
		_ = json.NewEncoder(w).Encode(map[string]any{"keys": []map[string]string{{"kty": "RSA", "kid": "k1", "alg": "RS256",
			"n": base64.RawURLEncoding.EncodeToString(key.N.Bytes()), "e": base64.RawURLEncoding.EncodeToString(e)}}})
	})
	token := func(sub, aud string, exp time.Time, signer *rsa.PrivateKey) string {
		h, _ := json.Marshal(map[string]string{"alg": "RS256", "kid": "k1", "typ": "JWT"})
		c, _ := json.Marshal(map[string]any{"iss": issuer, "sub": sub, "aud": aud, "exp": exp.Unix(), "iat": time.Now().Unix()})
		signing := base64.RawURLEncoding.EncodeToString(h) + "." + base64.RawURLEncoding.EncodeToString(c)
		sum := sha256.Sum256([]byte(signing))
		sig, err := rsa.SignPKCS1v15(rand.Reader, signer, crypto.SHA256, sum[:])
		if err != nil {
			t.Fatal(err)
		}
		return signing + "." + base64.RawURLEncoding.EncodeToString(sig)
	}

	ts := start(t)
	ctx := context.Background()
	root := iam.NewFromConfig(ts.config(ts.Root))
	p, err := root.CreateOpenIDConnectProvider(ctx, &iam.CreateOpenIDConnectProviderInput{Url: aws.String(issuer), ClientIDList: []string{"sts.amazonaws.com"}})
	if err != nil {
		t.Fatal(err)
	}
	host := issuer[len("http://"):]
	trust := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Federated":"` + aws.ToString(p.OpenIDConnectProviderArn) + `"},"Action":"sts:AssumeRoleWithWebIdentity",
	  "Condition":{"StringEquals":{"` + host + `:sub":"system:serviceaccount:payments:api","` + host + `:aud":"sts.amazonaws.com"}}}]}`
	r, err := root.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String("payments-api"), AssumeRolePolicyDocument: aws.String(trust)})
	if err != nil {
		t.Fatal(err)
	}
	anon := sts.NewFromConfig(ts.config(aws.Credentials{}))
	assume := func(tok string) (*sts.AssumeRoleWithWebIdentityOutput, error) {
		return anon.AssumeRoleWithWebIdentity(ctx, &sts.AssumeRoleWithWebIdentityInput{RoleArn: r.Role.Arn, RoleSessionName: aws.String("pod-1"), WebIdentityToken: aws.String(tok)})
	}
	out, err := assume(token("system:serviceaccount:payments:api", "sts.amazonaws.com", time.Now().Add(time.Hour), key))
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToString(out.SubjectFromWebIdentityToken) != "system:serviceaccount:payments:api" || aws.ToString(out.Audience) != "sts.amazonaws.com" {
		t.Fatalf("AssumeRoleWithWebIdentity: %+v", out)
	}
	sess := aws.Credentials{AccessKeyID: aws.ToString(out.Credentials.AccessKeyId), SecretAccessKey: aws.ToString(out.Credentials.SecretAccessKey), SessionToken: aws.ToString(out.Credentials.SessionToken)}
	id, err := sts.NewFromConfig(ts.config(sess)).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if err != nil || aws.ToString(id.Arn) != "arn:aws:sts::"+ts.Account+":assumed-role/payments-api/pod-1" {
		t.Fatalf("session identity: %v %v", id, err)
	}

	other, _ := rsa.GenerateKey(rand.Reader, 2048)
	for name, tc := range map[string]struct{ tok, code string }{
		"other service account": {token("system:serviceaccount:payments:other", "sts.amazonaws.com", time.Now().Add(time.Hour), key), "AccessDenied"},
		"wrong audience":        {token("system:serviceaccount:payments:api", "someone-else", time.Now().Add(time.Hour), key), "InvalidIdentityToken"},
		"expired":               {token("system:serviceaccount:payments:api", "sts.amazonaws.com", time.Now().Add(-time.Minute), key), "ExpiredTokenException"},
		"forged signature":      {token("system:serviceaccount:payments:api", "sts.amazonaws.com", time.Now().Add(time.Hour), other), "InvalidIdentityToken"},
		"not a jwt":             {"garbage", "InvalidIdentityToken"},
	} {
		_, err := assume(tc.tok)
		if err == nil {
			t.Fatalf("%s: accepted", name)
		}
		apiError(t, err, tc.code)
	}
}
