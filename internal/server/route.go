package server

import (
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
	return nil
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
