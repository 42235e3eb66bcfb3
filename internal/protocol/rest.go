package protocol

import (
	"encoding/base64"
	"errors"
	"net/http"
	"reflect"
	"sort"
	"strings"
	"time"

	"github.com/moatdev/moat/internal/awserr"
)

// restCodec speaks rest-json (GuardDuty, Security Hub, EKS...) and, with xml
// set, rest-xml (S3). Operations come from a Router, not from the codec.
type restCodec struct {
	svc Service
	xml bool
}

func (c *restCodec) Operation(*Request) string { return "" }

func malformedXML(path string, err error) *awserr.Error {
	return awserr.MalformedXML.Wrap(err, "The XML you provided was not well-formed or did not validate against our published schema")
}

func (c *restCodec) Decode(req *Request, in any) error {
	v, ok := decodeTarget(in)
	if !ok {
		return errors.New("protocol: Decode needs a non-nil pointer to a struct")
	}
	if req == nil {
		req = &Request{}
	}
	var vs violations
	s := shapeOf(v.Type())
	hasBody := false
	for i := range s.fields {
		f := &s.fields[i]
		fv := fieldByIndex(v, f.index)
		switch f.location {
		case locBody:
			hasBody = true
		case locPayload:
			if err := c.payload(fv, f, req.Body, &vs); err != nil {
				return err
			}
		default:
			if !c.bound(fv, f, req, &vs) && f.required {
				vs.addMissing(lowerFirst(f.name), f.name)
			}
		}
	}
	if hasBody {
		if err := c.body(v, req.Body, &vs); err != nil {
			return err
		}
	}
	return vs.err(RESTJSON)
}

// body decodes the unbound members from a JSON object or XML document.
func (c *restCodec) body(v reflect.Value, body []byte, vs *violations) error {
	if c.xml {
		if len(strings.TrimSpace(string(body))) == 0 {
			d := xmlDec{}
			d.object(v, &xnode{}, "")
			vs.missing = append(vs.missing, d.v.missing...)
			vs.names = append(vs.names, d.v.names...)
			return nil
		}
		root, err := parseXML(body)
		if err != nil {
			return malformedXML("", err)
		}
		d := xmlDec{}
		d.object(v, root, "")
		mergeViolations(vs, &d.v)
		return nil
	}
	m, err := parseJSONBody(body)
	if err != nil {
		return err
	}
	d := jsonDec{}
	d.object(v, m, "")
	mergeViolations(vs, &d.v)
	return nil
}

func mergeViolations(dst, src *violations) {
	dst.missing = append(dst.missing, src.missing...)
	dst.names = append(dst.names, src.names...)
	if src.bad != nil {
		dst.setBad(src.bad)
	}
}

// payload fills a location=payload member: raw bytes/string, or a struct
// decoded from the whole body.
func (c *restCodec) payload(v reflect.Value, f *field, body []byte, vs *violations) error {
	t := v.Type()
	if t.Kind() == reflect.Pointer {
		if len(body) == 0 {
			if f.required {
				vs.addMissing(lowerFirst(f.name), f.name)
			}
			return nil
		}
		nv := reflect.New(t.Elem())
		if err := c.payload(nv.Elem(), f, body, vs); err != nil {
			return err
		}
		v.Set(nv)
		return nil
	}
	switch {
	case t.Kind() == reflect.String:
		v.SetString(string(body))
	case t.Kind() == reflect.Slice && t.Elem().Kind() == reflect.Uint8:
		v.SetBytes(append([]byte(nil), body...))
	case t.Kind() == reflect.Struct:
		if len(body) == 0 {
			if f.required {
				vs.addMissing(lowerFirst(f.name), f.name)
			}
			return nil
		}
		return c.body(v, body, vs)
	default:
		return errors.New("protocol: unsupported payload type " + t.String())
	}
	if len(body) == 0 && f.required {
		vs.addMissing(lowerFirst(f.name), f.name)
	}
	return nil
}

// bound fills a uri / querystring / header / headers-prefix member; it
// reports whether the request carried it.
func (c *restCodec) bound(v reflect.Value, f *field, req *Request, vs *violations) bool {
	r := req.HTTP
	switch f.location {
	case locURI:
		s, ok := req.PathParams[f.name]
		if !ok {
			return false
		}
		return c.setBound(v, f, []string{s}, vs)
	case locQuery:
		if r == nil || r.URL == nil {
			return false
		}
		q := r.URL.Query()
		if v.Kind() == reflect.Map {
			return setStringMap(v, q, "")
		}
		vals, ok := q[f.name]
		if !ok {
			return false
		}
		return c.setBound(v, f, vals, vs)
	case locHeader:
		if r == nil {
			return false
		}
		vals := r.Header.Values(f.name)
		if len(vals) == 0 {
			return false
		}
		if v.Kind() == reflect.Slice && v.Type().Elem().Kind() != reflect.Uint8 {
			vals = splitHeaderList(vals)
		}
		return c.setBound(v, f, vals, vs)
	case locHeadersPrefix:
		if r == nil || v.Kind() != reflect.Map {
			return false
		}
		return setStringMap(v, r.Header, strings.ToLower(f.name))
	}
	return false
}

func splitHeaderList(vals []string) []string {
	var out []string
	for _, v := range vals {
		for _, p := range strings.Split(v, ",") {
			out = append(out, strings.TrimSpace(p))
		}
	}
	return out
}

// setStringMap fills a map[string]string from every key (with the prefix cut
// off, lower-cased for headers) of src.
func setStringMap(v reflect.Value, src map[string][]string, prefix string) bool {
	if v.Type().Key().Kind() != reflect.String || v.Type().Elem().Kind() != reflect.String {
		return false
	}
	m := reflect.MakeMap(v.Type())
	for k, vals := range src {
		key := k
		if prefix != "" {
			lk := strings.ToLower(k)
			if !strings.HasPrefix(lk, prefix) || len(vals) == 0 {
				continue
			}
			key = lk[len(prefix):]
		}
		if len(vals) > 0 {
			m.SetMapIndex(reflect.ValueOf(key).Convert(v.Type().Key()), reflect.ValueOf(vals[0]).Convert(v.Type().Elem()))
		}
	}
	if m.Len() == 0 {
		return false
	}
	v.Set(m)
	return true
}

func (c *restCodec) setBound(v reflect.Value, f *field, vals []string, vs *violations) bool {
	if v.Kind() == reflect.Pointer {
		nv := reflect.New(v.Type().Elem())
		if !c.setBound(nv.Elem(), f, vals, vs) {
			return false
		}
		v.Set(nv)
		return true
	}
	if v.Kind() == reflect.Slice && v.Type().Elem().Kind() != reflect.Uint8 {
		out := reflect.MakeSlice(v.Type(), len(vals), len(vals))
		for i, s := range vals {
			if err := setScalar(out.Index(i), s); err != nil {
				vs.setBad(awserr.ValidationException.New("Value '%s' at '%s' failed to satisfy constraint: %s", s, lowerFirst(f.name), err.Error()))
			}
		}
		v.Set(out)
		return true
	}
	if err := setScalar(v, vals[0]); err != nil {
		vs.setBad(awserr.ValidationException.New("Value '%s' at '%s' failed to satisfy constraint: %s", vals[0], lowerFirst(f.name), err.Error()))
	}
	return true
}

func (c *restCodec) Encode(w http.ResponseWriter, req *Request, op, requestID string, out any) error {
	c.setIDs(w, requestID)
	v, ok := structValue(out)
	if !ok {
		if out != nil && !isNilPointer(out) {
			return errors.New("protocol: Encode needs a pointer to a struct or nil")
		}
		if c.xml {
			writeBody(w, http.StatusOK, nil)
			return nil
		}
		w.Header().Set("Content-Type", "application/json")
		writeBody(w, http.StatusOK, []byte("{}"))
		return nil
	}
	status := http.StatusOK
	var body []byte
	hasBody, hasPayload := false, false
	s := shapeOf(v.Type())
	for i := range s.fields {
		f := &s.fields[i]
		fv := fieldByIndex(v, f.index)
		switch f.location {
		case locBody:
			hasBody = true
		case locStatusCode:
			if fv.Kind() >= reflect.Int && fv.Kind() <= reflect.Int64 && fv.Int() >= 100 && fv.Int() <= 999 {
				status = int(fv.Int())
			}
		case locHeader:
			if !f.isOmitted(fv) {
				setHeader(w.Header(), f, fv)
			}
		case locHeadersPrefix:
			if fv.Kind() == reflect.Map && !fv.IsNil() {
				for _, k := range sortedKeys(fv) {
					w.Header().Set(f.name+k.String(), fv.MapIndex(k).String())
				}
			}
		case locPayload:
			hasPayload = true
			body = c.encodePayload(w, f, fv)
		}
	}
	if !hasPayload {
		switch {
		case c.xml && hasBody:
			body = c.xmlDocument(v, pick(s.xmlRoot, op+"Result"), s.xmlns)
			w.Header().Set("Content-Type", "application/xml")
		case !c.xml:
			e := jsonEnc{tsFormat: tsEpoch}
			e.object(v)
			body = e.buf
			w.Header().Set("Content-Type", "application/json")
		}
	}
	if status == http.StatusNoContent || status == http.StatusNotModified || isHead(req) {
		// No body; a HEAD answer keeps the Content-Length of what GET would return.
		if w.Header().Get("Content-Length") == "" {
			w.Header().Set("Content-Length", itoa(len(body)))
		}
		w.WriteHeader(status)
		return nil
	}
	writeBody(w, status, body)
	return nil
}

func isHead(req *Request) bool {
	r := req.httpReq()
	return r != nil && r.Method == http.MethodHead
}

func (c *restCodec) setIDs(w http.ResponseWriter, requestID string) {
	if c.xml {
		w.Header().Set("X-Amz-Request-Id", requestID)
		w.Header().Set("X-Amz-Id-2", hostID(requestID))
		return
	}
	w.Header().Set("X-Amzn-Requestid", requestID)
}

// hostID derives S3's x-amz-id-2 from the request id (stable, base64 like AWS's).
func hostID(requestID string) string {
	return base64.StdEncoding.EncodeToString([]byte(requestID))
}

func setHeader(h http.Header, f *field, v reflect.Value) {
	for v.Kind() == reflect.Pointer {
		v = v.Elem()
	}
	switch {
	case v.Type() == timeType:
		h.Set(f.name, formatTime(v.Interface().(time.Time), pick(f.timestamp, tsRFC822)))
	case v.Kind() == reflect.Slice && v.Type().Elem().Kind() == reflect.Uint8:
		h.Set(f.name, base64.StdEncoding.EncodeToString(v.Bytes()))
	case v.Kind() == reflect.Slice:
		parts := make([]string, v.Len())
		for i := range parts {
			parts[i] = scalarString(v.Index(i))
		}
		h.Set(f.name, strings.Join(parts, ","))
	default:
		h.Set(f.name, scalarString(v))
	}
}

func (c *restCodec) encodePayload(w http.ResponseWriter, f *field, v reflect.Value) []byte {
	for v.Kind() == reflect.Pointer {
		if v.IsNil() {
			return nil
		}
		v = v.Elem()
	}
	switch {
	case v.Kind() == reflect.String:
		return []byte(v.String())
	case v.Kind() == reflect.Slice && v.Type().Elem().Kind() == reflect.Uint8:
		return v.Bytes()
	case v.Kind() == reflect.Struct:
		if c.xml {
			s := shapeOf(v.Type())
			w.Header().Set("Content-Type", "application/xml")
			return c.xmlDocument(v, pick(s.xmlRoot, f.name), s.xmlns)
		}
		e := jsonEnc{tsFormat: tsEpoch}
		e.object(v)
		w.Header().Set("Content-Type", "application/json")
		return e.buf
	}
	return nil
}

func (c *restCodec) xmlDocument(v reflect.Value, root, xmlns string) []byte {
	e := xmlEnc{tsFormat: tsISO8601, item: "member"}
	e.buf = append(e.buf, xmlDecl...)
	e.buf = append(e.buf, '\n', '<')
	e.buf = append(e.buf, root...)
	if ns := pick(xmlns, c.svc.XMLNamespace); ns != "" {
		e.buf = append(e.buf, ` xmlns="`...)
		e.text(ns)
		e.buf = append(e.buf, '"')
	}
	e.buf = append(e.buf, '>')
	e.members(v)
	e.close(root)
	return e.buf
}

func (c *restCodec) EncodeError(w http.ResponseWriter, req *Request, requestID string, e *awserr.Error) {
	if e == nil {
		e = awserr.From(errors.New("nil error"))
	}
	c.setIDs(w, requestID)
	if !c.xml {
		writeJSONError(w, "application/json", requestID, e)
		return
	}
	if isHead(req) {
		w.WriteHeader(statusOf(e))
		return
	}
	x := xmlEnc{}
	x.buf = append(x.buf, xmlDecl...)
	x.buf = append(x.buf, "\n<Error>"...)
	x.element("Code", e.Code)
	x.element("Message", e.Message)
	keys := sortedStrings(e.Fields)
	sort.Strings(keys)
	for _, k := range keys {
		x.element(k, e.Fields[k])
	}
	x.element("RequestId", requestID)
	x.element("HostId", hostID(requestID))
	x.close("Error")
	w.Header().Set("Content-Type", "application/xml")
	writeBody(w, statusOf(e), x.buf)
}
