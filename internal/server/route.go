package server

import (
	"net"
	"net/http"
	"net/url"
	"strings"

	"github.com/moatdev/moat/internal/awserr"
	"github.com/moatdev/moat/internal/protocol"
	"github.com/moatdev/moat/internal/service"
	"github.com/moatdev/moat/sigv4"
)

// route finds the service a request is for, as AWS's own front ends and
// LocalStack's router do: the credential scope's service name first, then the
// X-Amz-Target prefix, then the query protocols' Version parameter.
func (s *Server) route(r *http.Request, auth *sigv4.Auth, body []byte) *registered {
	if auth != nil {
		return s.services[auth.Service]
	}
	if t := r.Header.Get("X-Amz-Target"); t != "" {
		i := strings.LastIndexByte(t, '.')
		if i <= 0 {
			return nil
		}
		return s.targets[t[:i]]
	}
	if v := queryParam(r, body, "Version"); v != "" {
		return s.versions[v]
	}
	if unsignedS3(r) {
		// Anonymous requests that name no other service are S3's (public
		// buckets, presigned POSTs), as at AWS's S3 endpoints.
		return s.services["s3"]
	}
	return nil
}

// unsignedS3 reports an unsigned request that carries nothing of the
// query and JSON protocols.
func unsignedS3(r *http.Request) bool {
	if r.Header.Get("X-Amz-Target") != "" || strings.HasPrefix(r.Header.Get("Content-Type"), "application/x-www-form-urlencoded") {
		return false
	}
	q := r.URL.Query()
	return q.Get("Action") == "" && q.Get("Version") == ""
}

// virtualHostBucket returns the bucket a virtual-hosted-style S3 request
// names in its Host ("bucket.localhost:4566", "bucket.s3.example.test"),
// or "".
func virtualHostBucket(host string) string {
	if h, _, err := net.SplitHostPort(host); err == nil {
		host = h
	}
	if b, ok := strings.CutSuffix(host, ".localhost"); ok && b != "" && b != "s3" {
		return strings.TrimSuffix(b, ".s3")
	}
	if i := strings.Index(host, ".s3."); i > 0 {
		return host[:i]
	}
	return ""
}

// pathStyle returns a copy of an S3 request with a virtual-hosted bucket
// moved into the path, for routing only (the signature covers the
// request as sent).
func pathStyle(r *http.Request) *http.Request {
	b := virtualHostBucket(r.Host)
	if b == "" {
		return r
	}
	c := *r
	u := *r.URL
	u.Path = "/" + b + r.URL.Path
	u.RawPath = "/" + b + r.URL.EscapedPath()
	c.URL = &u
	return &c
}

// queryParam reads a parameter of a query-protocol request from the URL or
// from a form-encoded body.
func queryParam(r *http.Request, body []byte, name string) string {
	if v := r.URL.Query().Get(name); v != "" {
		return v
	}
	if !strings.HasPrefix(r.Header.Get("Content-Type"), "application/x-www-form-urlencoded") {
		return ""
	}
	vals, err := url.ParseQuery(string(body))
	if err != nil {
		return ""
	}
	return vals.Get(name)
}

// NotImplemented is moat's answer to a service it does not serve yet.
var notImplemented = awserr.Def{Code: "NotImplemented", Status: http.StatusNotImplemented}

// unroutable answers (and records) a request for a service moat does not
// serve, in the JSON envelope every current client can read.
func (s *Server) unroutable(w http.ResponseWriter, x *exchange) {
	name := "unknown"
	if x.auth != nil {
		name = x.auth.Service
	}
	meta := protocol.Service{Name: name, Protocol: "json", JSONVersion: "1.1"}
	x.svc = &registered{Service: &service.Service{Meta: meta, EventSource: name + ".amazonaws.com"}, codec: protocol.New(meta)}
	x.region = s.cfg.Region
	if x.auth != nil && x.auth.Region != "" {
		x.region = x.auth.Region
	}
	x.opName = operationHint(x)
	x.err = notImplemented.New("moat does not serve the %q service (yet); see moat's README for what it serves", name)
	s.finish(w, x)
}

// operationHint names the operation of an unroutable request as far as the
// request says it, for the CloudTrail record.
func operationHint(x *exchange) string {
	if t := x.http.Header.Get("X-Amz-Target"); t != "" {
		return t[strings.LastIndexByte(t, '.')+1:]
	}
	if a := queryParam(x.http, x.req.Body, "Action"); a != "" {
		return a
	}
	return x.http.Method + " " + x.http.URL.Path
}
