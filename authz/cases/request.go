package cases

import (
	"encoding/json"
	"fmt"
	"strconv"

	"github.com/moatdev/moat/authz"
	"github.com/moatdev/moat/policy"
)

// requiredRequest lists the required members of "request", in the order errors report them.
var requiredRequest = [...]string{"principal", "action", "resource", "resourceAccount"}

func decodeRequest(raw json.RawMessage, out *authz.Request) error {
	if len(raw) == 0 || isNull(raw) {
		return fmt.Errorf("request: missing required member")
	}
	m, err := object(raw, "request")
	if err != nil {
		return err
	}
	var vals [len(requiredRequest)]string
	for i, name := range requiredRequest {
		v, ok := m[name]
		if !ok || isNull(v) {
			return fmt.Errorf("request.%s: missing required member", name)
		}
		s, ok := stringValue(v)
		if !ok {
			return fmt.Errorf("request.%s: must be a string", name)
		}
		vals[i] = s
	}
	caller, err := policy.NewCaller(vals[0])
	if err != nil {
		return fmt.Errorf("request.principal: %w", err)
	}
	out.Caller = caller
	out.Action, out.Resource, out.ResourceAccount = vals[1], vals[2], vals[3]
	out.Context, err = decodeContext(m["context"])
	return err
}

// decodeContext reads request.context: strings are single-valued keys, arrays
// of strings multivalued ones (rule 2). Numbers and booleans are accepted as
// their JSON text, which is how AWS sends them as strings.
func decodeContext(raw json.RawMessage) (*policy.Context, error) {
	ctx := policy.NewContext()
	m, err := object(raw, "request.context")
	if err != nil {
		return nil, err
	}
	for key, v := range m {
		path := "request.context[" + strconv.Quote(key) + "]"
		if len(v) > 0 && v[0] == '[' {
			items := elements(v)
			values := make([]string, len(items))
			for i, item := range items {
				s, ok := scalar(item)
				if !ok {
					return nil, fmt.Errorf("%s[%d]: must be a string", path, i)
				}
				values[i] = s
			}
			ctx.SetMulti(key, values)
			continue
		}
		s, ok := scalar(v)
		if !ok {
			return nil, fmt.Errorf("%s: must be a string or an array of strings", path)
		}
		ctx.Set(key, s)
	}
	return ctx, nil
}

// scalar returns a JSON string's value, or a number's or boolean's text.
func scalar(raw json.RawMessage) (string, bool) {
	if s, ok := stringValue(raw); ok {
		return s, true
	}
	switch t := string(raw); {
	case t == "true" || t == "false":
		return t, true
	case len(t) > 0 && (t[0] == '-' || (t[0] >= '0' && t[0] <= '9')):
		var n json.Number
		if json.Unmarshal(raw, &n) == nil {
			return n.String(), true
		}
	}
	return "", false
}
