package protocol

import (
	"errors"
	"net/http"
	"net/url"
	"reflect"

	"github.com/moatdev/moat/internal/awserr"
)

// queryCodec speaks query (IAM, STS, SNS) and, with ec2 set, EC2's variant.
type queryCodec struct {
	svc Service
	ec2 bool
}

func (c *queryCodec) proto() string {
	if c.ec2 {
		return EC2
	}
	return Query
}

// form parses the URL query and the form body once per request; body
// parameters follow URL ones, so the URL wins on a repeated name.
func (c *queryCodec) form(req *Request) (url.Values, error) {
	if req == nil {
		return url.Values{}, nil
	}
	if req.form != nil || req.formErr != nil {
		return req.form, req.formErr
	}
	form := url.Values{}
	if req.HTTP != nil && req.HTTP.URL != nil && req.HTTP.URL.RawQuery != "" {
		q, err := url.ParseQuery(req.HTTP.URL.RawQuery)
		if err != nil {
			req.formErr = awserr.MalformedQueryString.Wrap(err, "The query string contains a syntax error.")
			return nil, req.formErr
		}
		form = q
	}
	if len(req.Body) > 0 {
		b, err := url.ParseQuery(string(req.Body))
		if err != nil {
			req.formErr = awserr.MalformedQueryString.Wrap(err, "The query string contains a syntax error.")
			return nil, req.formErr
		}
		for k, vs := range b {
			form[k] = append(form[k], vs...)
		}
	}
	req.form = form
	return form, nil
}

func (c *queryCodec) Operation(req *Request) string {
	form, err := c.form(req)
	if err != nil {
		return ""
	}
	return form.Get("Action")
}

func (c *queryCodec) Decode(req *Request, in any) error {
	form, err := c.form(req)
	if err != nil {
		return err
	}
	v, ok := decodeTarget(in)
	if !ok {
		return errors.New("protocol: Decode needs a non-nil pointer to a struct")
	}
	d := formDec{form: form, ec2: c.ec2}
	d.decodeStruct(v, "", "")
	return d.v.err(c.proto())
}

func decodeTarget(in any) (reflect.Value, bool) {
	v := reflect.ValueOf(in)
	if v.Kind() != reflect.Pointer || v.IsNil() || v.Elem().Kind() != reflect.Struct {
		return reflect.Value{}, false
	}
	return v.Elem(), true
}

const xmlDecl = `<?xml version="1.0" encoding="UTF-8"?>`

func (c *queryCodec) Encode(w http.ResponseWriter, req *Request, op, requestID string, out any) error {
	if out != nil {
		if _, ok := structValue(out); !ok && !isNilPointer(out) {
			return errors.New("protocol: Encode needs a pointer to a struct or nil")
		}
	}
	v, hasOut := structValue(out)
	if !c.ec2 && acceptsJSON(req.httpReq()) {
		e := jsonEnc{tsFormat: tsEpoch}
		e.buf = append(e.buf, `{"`...)
		e.buf = append(e.buf, op...)
		e.buf = append(e.buf, `Response":{`...)
		if hasOut {
			e.str(op + "Result")
			e.buf = append(e.buf, ':')
			e.object(v)
			e.buf = append(e.buf, ',')
		}
		e.buf = append(e.buf, `"ResponseMetadata":{"RequestId":`...)
		e.str(requestID)
		e.buf = append(e.buf, "}}}"...)
		setCommonHeaders(w, "application/json", requestID)
		writeBody(w, http.StatusOK, e.buf)
		return nil
	}
	e := xmlEnc{buf: make([]byte, 0, 512), tsFormat: tsISO8601, item: "member"}
	if c.ec2 {
		e.item = "item"
		e.buf = append(e.buf, xmlDecl...)
	}
	e.buf = append(e.buf, '<')
	e.buf = append(e.buf, op...)
	e.buf = append(e.buf, `Response xmlns="`...)
	e.text(c.svc.XMLNamespace)
	e.buf = append(e.buf, `">`...)
	if c.ec2 {
		e.element("requestId", requestID)
		if hasOut {
			e.members(v)
		}
	} else {
		if hasOut {
			e.open(op + "Result")
			e.members(v)
			e.close(op + "Result")
		}
		e.open("ResponseMetadata")
		e.element("RequestId", requestID)
		e.close("ResponseMetadata")
	}
	e.close(op + "Response")
	setCommonHeaders(w, "text/xml", requestID)
	writeBody(w, http.StatusOK, e.buf)
	return nil
}

func isNilPointer(out any) bool {
	v := reflect.ValueOf(out)
	return v.Kind() == reflect.Pointer && v.IsNil()
}

func (c *queryCodec) EncodeError(w http.ResponseWriter, req *Request, requestID string, e *awserr.Error) {
	if e == nil {
		e = awserr.From(errors.New("nil error"))
	}
	status := statusOf(e)
	if c.ec2 {
		x := xmlEnc{}
		x.buf = append(x.buf, xmlDecl...)
		x.buf = append(x.buf, "<Response><Errors><Error>"...)
		x.element("Code", e.Code)
		x.element("Message", e.Message)
		x.buf = append(x.buf, "</Error></Errors>"...)
		x.element("RequestID", requestID)
		x.close("Response")
		setCommonHeaders(w, "text/xml", requestID)
		writeBody(w, status, x.buf)
		return
	}
	if acceptsJSON(req.httpReq()) {
		j := jsonEnc{}
		j.buf = append(j.buf, `{"Error":{"Code":`...)
		j.str(e.Code)
		j.buf = append(j.buf, `,"Message":`...)
		j.str(e.Message)
		j.buf = append(j.buf, `,"Type":`...)
		j.str(e.Fault().String())
		j.buf = append(j.buf, `},"RequestId":`...)
		j.str(requestID)
		j.buf = append(j.buf, '}')
		setCommonHeaders(w, "application/json", requestID)
		writeBody(w, status, j.buf)
		return
	}
	x := xmlEnc{}
	x.buf = append(x.buf, `<ErrorResponse xmlns="`...)
	x.text(c.svc.XMLNamespace)
	x.buf = append(x.buf, `"><Error>`...)
	x.element("Type", e.Fault().String())
	x.element("Code", e.Code)
	x.element("Message", e.Message)
	x.close("Error")
	x.element("RequestId", requestID)
	x.close("ErrorResponse")
	setCommonHeaders(w, "text/xml", requestID)
	writeBody(w, status, x.buf)
}

// statusOf is the error's HTTP status, 500 when unset.
func statusOf(e *awserr.Error) int {
	if e.Status < 100 || e.Status > 999 {
		return http.StatusInternalServerError
	}
	return e.Status
}
