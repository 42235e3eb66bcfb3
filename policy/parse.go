package policy

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/moatdev/moat/policy/internal/jsonpos"
)

// MaxDocumentSize and MaxDepth bound what Parse accepts. AWS's own limits
// are far lower (6,144 characters for a managed policy, 20 KB for an S3
// bucket policy); these only keep hostile input from consuming memory.
const (
	MaxDocumentSize = 1 << 20 // bytes
	MaxDepth        = 64      // nested objects and arrays
)

// The parser enforces the limits; keep the documented values in step.
var _ = [1]struct{}{}[MaxDocumentSize-jsonpos.MaxSize]
var _ = [1]struct{}{}[MaxDepth-jsonpos.MaxDepth]

// Parse parses a policy document. It checks the shape the grammar requires
// (member names, JSON types, no duplicate keys, not both X and NotX) and keeps
// positions; values (Effect, Version, operators, ARNs) are checked by
// Validate and Compile. Every error is an *Error.
func Parse(doc []byte) (*Policy, error) {
	root, err := jsonpos.Parse(doc)
	if err != nil {
		return nil, jsonError(root, err)
	}
	if root.Kind != jsonpos.Object {
		return nil, errAt(root.Pos, "", "policy must be a JSON object, got %s", root.Kind)
	}
	p := &Policy{}
	for _, m := range root.Members {
		switch m.Key {
		case "Version":
			if p.Version, err = str(m, "Version"); err != nil {
				return nil, err
			}
			p.versionLine, p.versionColumn = m.KeyPos.Line, m.KeyPos.Column
		case "Id":
			if p.ID, err = str(m, "Id"); err != nil {
				return nil, err
			}
			p.idLine, p.idColumn = m.KeyPos.Line, m.KeyPos.Column
		case "Statement":
			p.hasStatement = true
			if err := p.parseStatements(m.Value); err != nil {
				return nil, err
			}
		default:
			return nil, errAt(m.KeyPos, m.Key, "unknown policy element %q (expected Version, Id, Statement)%s", m.Key, suggest(m.Key, topLevelNames))
		}
	}
	if !p.hasStatement {
		return nil, errAt(root.Pos, "Statement", "missing required element Statement")
	}
	return p, nil
}

var topLevelNames = []string{"Version", "Id", "Statement"}

var statementNames = []string{"Sid", "Effect", "Principal", "NotPrincipal", "Action", "NotAction", "Resource", "NotResource", "Condition"}

// jsonError turns a jsonpos error into an *Error, naming the JSON path of a duplicate key.
func jsonError(root *jsonpos.Value, err error) error {
	var dup *jsonpos.DuplicateKeyError
	if errors.As(err, &dup) {
		path := pathTo(root, dup.Object, "")
		if path != "" {
			path += "."
		}
		return &Error{Line: dup.Pos.Line, Column: dup.Pos.Column, Path: path + dup.Key, Err: err, Code: "DUPLICATE_KEY",
			Message: fmt.Sprintf("duplicate key %q (first at line %d, column %d)", dup.Key, dup.FirstPos.Line, dup.FirstPos.Column)}
	}
	var se *jsonpos.SyntaxError
	if errors.As(err, &se) {
		return &Error{Line: se.Pos.Line, Column: se.Pos.Column, Message: "invalid JSON: " + se.Msg, Err: err, Code: "JSON_SYNTAX_ERROR"}
	}
	return &Error{Message: err.Error(), Err: err}
}

// pathTo finds the JSON path of target inside v.
func pathTo(v, target *jsonpos.Value, prefix string) string {
	if v == target {
		return prefix
	}
	switch v.Kind {
	case jsonpos.Object:
		for _, m := range v.Members {
			p := m.Key
			if prefix != "" {
				p = prefix + "." + m.Key
			}
			if r := pathTo(m.Value, target, p); r != "" {
				return r
			}
		}
	case jsonpos.Array:
		for i, it := range v.Items {
			if r := pathTo(it, target, prefix+"["+strconv.Itoa(i)+"]"); r != "" {
				return r
			}
		}
	}
	return ""
}

func errAt(pos jsonpos.Pos, path, format string, args ...any) *Error {
	msg := fmt.Sprintf(format, args...)
	return &Error{Line: pos.Line, Column: pos.Column, Path: path, Message: msg, Code: parseCode(msg)}
}

// parseCode classifies a parse error with the closest Access Analyzer issue code.
func parseCode(msg string) string {
	switch {
	case strings.HasPrefix(msg, "unknown principal type"):
		return "INVALID_PRINCIPAL_KEY"
	case strings.HasPrefix(msg, "unknown"):
		return "INVALID_POLICY_ELEMENT"
	case strings.HasPrefix(msg, "missing required element Statement"):
		return "MISSING_STATEMENT"
	case strings.HasSuffix(msg, "not both"):
		return "UNSUPPORTED_ELEMENT_COMBINATION"
	case strings.HasPrefix(msg, `must be "*"`):
		return "INVALID_PRINCIPAL_FORMAT"
	}
	return "DATA_TYPE_MISMATCH"
}

func str(m *jsonpos.Member, path string) (string, error) {
	if m.Value.Kind != jsonpos.String {
		return "", errAt(m.Value.Pos, path, "must be a string, got %s", m.Value.Kind)
	}
	return m.Value.Text, nil
}

func (p *Policy) parseStatements(v *jsonpos.Value) error {
	switch v.Kind {
	case jsonpos.Object:
		s, err := parseStatement(v, 0, "Statement")
		if err != nil {
			return err
		}
		p.Statements = []*Statement{s}
	case jsonpos.Array:
		for i, it := range v.Items {
			path := "Statement[" + strconv.Itoa(i) + "]"
			if it.Kind != jsonpos.Object {
				return errAt(it.Pos, path, "statement must be a JSON object, got %s", it.Kind)
			}
			s, err := parseStatement(it, i, path)
			if err != nil {
				return err
			}
			p.Statements = append(p.Statements, s)
		}
	default:
		return errAt(v.Pos, "Statement", "must be an object or an array of objects, got %s", v.Kind)
	}
	return nil
}

func parseStatement(v *jsonpos.Value, index int, path string) (*Statement, error) {
	s := &Statement{Index: index, Line: v.Pos.Line, Column: v.Pos.Column, path: path,
		pos: map[string]position{}, has: map[string]bool{}}
	for _, m := range v.Members {
		mpath := path + "." + m.Key
		s.pos[m.Key] = position{m.KeyPos.Line, m.KeyPos.Column}
		s.has[m.Key] = true
		var err error
		switch m.Key {
		case "Sid":
			s.Sid, err = str(m, mpath)
		case "Effect":
			err = s.parseEffect(m, mpath)
		case "Principal", "NotPrincipal":
			if s.Principal != nil {
				return nil, errAt(m.KeyPos, mpath, "a statement may have Principal or NotPrincipal, not both")
			}
			s.NotPrincipal = m.Key == "NotPrincipal"
			s.Principal, err = parsePrincipal(m.Value, mpath)
		case "Action", "NotAction":
			if s.Actions != nil {
				return nil, errAt(m.KeyPos, mpath, "a statement may have Action or NotAction, not both")
			}
			s.NotAction = m.Key == "NotAction"
			s.Actions, err = s.stringList(m, mpath)
		case "Resource", "NotResource":
			if s.HasResource {
				return nil, errAt(m.KeyPos, mpath, "a statement may have Resource or NotResource, not both")
			}
			s.HasResource = true
			s.NotResource = m.Key == "NotResource"
			s.Resources, err = s.stringList(m, mpath)
		case "Condition":
			s.Conditions, s.ops, err = parseConditions(m.Value, mpath)
		default:
			return nil, errAt(m.KeyPos, mpath, "unknown statement element %q%s", m.Key, suggest(m.Key, statementNames))
		}
		if err != nil {
			return nil, err
		}
	}
	return s, nil
}

func (s *Statement) parseEffect(m *jsonpos.Member, path string) error {
	t, err := str(m, path)
	if err != nil {
		return err
	}
	s.raw.effect, s.raw.effectIsText = t, true
	s.pos["Effect.value"] = position{m.Value.Pos.Line, m.Value.Pos.Column}
	switch t {
	case "Allow":
		s.Effect = Allow
	case "Deny":
		s.Effect = Deny
	}
	return nil
}

// stringList reads a string or an array of strings, recording each item's position.
func (s *Statement) stringList(m *jsonpos.Member, path string) ([]string, error) {
	v := m.Value
	switch v.Kind {
	case jsonpos.String:
		s.pos[m.Key+"[0]"] = position{v.Pos.Line, v.Pos.Column}
		return []string{v.Text}, nil
	case jsonpos.Array:
		out := make([]string, 0, len(v.Items))
		for i, it := range v.Items {
			if it.Kind != jsonpos.String {
				return nil, errAt(it.Pos, path+"["+strconv.Itoa(i)+"]", "must be a string, got %s", it.Kind)
			}
			s.pos[m.Key+"["+strconv.Itoa(i)+"]"] = position{it.Pos.Line, it.Pos.Column}
			out = append(out, it.Text)
		}
		return out, nil
	}
	return nil, errAt(v.Pos, path, "must be a string or an array of strings, got %s", v.Kind)
}

func parsePrincipal(v *jsonpos.Value, path string) (*Principals, error) {
	if v.Kind == jsonpos.String {
		if v.Text == "*" {
			return &Principals{Any: true}, nil
		}
		return nil, errAt(v.Pos, path, `must be "*" or an object such as {"AWS": ...}, got the string %q`, v.Text)
	}
	if v.Kind != jsonpos.Object {
		return nil, errAt(v.Pos, path, `must be "*" or an object, got %s`, v.Kind)
	}
	pr := &Principals{}
	for _, m := range v.Members {
		mpath := path + "." + m.Key
		list, err := principalValues(m.Value, mpath)
		if err != nil {
			return nil, err
		}
		switch m.Key {
		case "AWS":
			pr.AWS = list
			for _, a := range list {
				if a == "*" {
					pr.Any = true
				}
			}
		case "Service":
			pr.Service = list
		case "Federated":
			pr.Federated = list
		case "CanonicalUser":
			pr.CanonicalUser = list
		default:
			return nil, errAt(m.KeyPos, mpath, "unknown principal type %q (expected AWS, Service, Federated or CanonicalUser)%s",
				m.Key, suggest(m.Key, []string{"AWS", "Service", "Federated", "CanonicalUser"}))
		}
	}
	return pr, nil
}

func principalValues(v *jsonpos.Value, path string) ([]string, error) {
	switch v.Kind {
	case jsonpos.String:
		return []string{v.Text}, nil
	case jsonpos.Array:
		out := make([]string, 0, len(v.Items))
		for i, it := range v.Items {
			if it.Kind != jsonpos.String {
				return nil, errAt(it.Pos, path+"["+strconv.Itoa(i)+"]", "must be a string, got %s", it.Kind)
			}
			out = append(out, it.Text)
		}
		return out, nil
	}
	return nil, errAt(v.Pos, path, "must be a string or an array of strings, got %s", v.Kind)
}

func parseConditions(v *jsonpos.Value, path string) ([]Condition, []opRef, error) {
	if v.Kind != jsonpos.Object {
		return nil, nil, errAt(v.Pos, path, "must be an object of operators, got %s", v.Kind)
	}
	var out []Condition
	var ops []opRef
	for _, op := range v.Members {
		opPath := path + "." + op.Key
		if op.Value.Kind != jsonpos.Object {
			return nil, nil, errAt(op.Value.Pos, opPath, "must be an object of condition keys, got %s", op.Value.Kind)
		}
		ops = append(ops, opRef{name: op.Key, line: op.KeyPos.Line, col: op.KeyPos.Column})
		for _, k := range op.Value.Members {
			kPath := opPath + "." + k.Key
			vals, err := conditionValues(k.Value, kPath)
			if err != nil {
				return nil, nil, err
			}
			out = append(out, Condition{Operator: op.Key, Key: k.Key, Values: vals, Line: k.KeyPos.Line, Column: k.KeyPos.Column,
				opLine: op.KeyPos.Line, opColumn: op.KeyPos.Column})
		}
	}
	return out, ops, nil
}

func conditionValues(v *jsonpos.Value, path string) ([]string, error) {
	scalar := func(v *jsonpos.Value, path string) (string, error) {
		switch v.Kind {
		case jsonpos.String, jsonpos.Bool, jsonpos.Number:
			return v.Text, nil
		}
		return "", errAt(v.Pos, path, "condition value must be a string, number or boolean, got %s", v.Kind)
	}
	if v.Kind == jsonpos.Array {
		out := make([]string, 0, len(v.Items))
		for i, it := range v.Items {
			s, err := scalar(it, path+"["+strconv.Itoa(i)+"]")
			if err != nil {
				return nil, err
			}
			out = append(out, s)
		}
		return out, nil
	}
	s, err := scalar(v, path)
	if err != nil {
		return nil, err
	}
	return []string{s}, nil
}
