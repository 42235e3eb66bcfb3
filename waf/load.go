package waf

import (
	"bytes"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/moatdev/moat/waf/internal/jsontree"
)

// MaxDocumentSize bounds the JSON documents the parsers accept. AWS limits a
// web ACL request body far lower; this only keeps hostile input from
// consuming memory.
const MaxDocumentSize = 8 << 20

// Error is a load or compile error with its place in the input: the file (if
// known), line and column (1-based, 0 when unknown) and the JSON path of the
// offending member, e.g. "Rules[2].Statement.ByteMatchStatement.PositionalConstraint".
// Code is the WAFV2 API exception AWS answers with for the same input
// (WAFInvalidParameterException, WAFLimitsExceededException,
// WAFNonexistentItemException, WAFUnavailableEntityException) so that an API
// can reuse it.
type Error struct {
	File         string
	Line, Column int
	Path         string
	Message      string
	Code         string
}

func (e *Error) Error() string {
	var b strings.Builder
	if e.File != "" {
		b.WriteString(e.File)
		b.WriteString(":")
		if e.Line > 0 {
			b.WriteString(strconv.Itoa(e.Line))
			b.WriteString(":")
			b.WriteString(strconv.Itoa(e.Column))
			b.WriteString(":")
		}
		b.WriteString(" ")
	} else if e.Line > 0 {
		fmt.Fprintf(&b, "line %d, column %d: ", e.Line, e.Column)
	}
	if e.Path != "" {
		b.WriteString(e.Path)
		b.WriteString(": ")
	}
	b.WriteString(e.Message)
	return b.String()
}

// The API exception names used in Error.Code.
const (
	CodeInvalidParameter  = "WAFInvalidParameterException"
	CodeLimitsExceeded    = "WAFLimitsExceededException"
	CodeNonexistentItem   = "WAFNonexistentItemException"
	CodeUnavailableEntity = "WAFUnavailableEntityException"
)

// doc is a parsed document with its position tree, so that compile errors
// found later can still name a line and column.
type doc struct {
	tree *jsontree.Node
	base string // JSON path prefix inside the tree ("WebACL." with the envelope)
}

func (d *doc) locate(e *Error) {
	if d == nil || d.tree == nil || e.Line > 0 {
		return
	}
	p := jsontree.Locate(d.tree, d.base+e.Path)
	e.Line, e.Column = p.Line, p.Column
}

func load(data []byte, envelope string, v any) (*doc, error) {
	if len(data) > MaxDocumentSize {
		return nil, &Error{Message: fmt.Sprintf("document is %d bytes, more than the %d accepted", len(data), MaxDocumentSize), Code: CodeInvalidParameter}
	}
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf")) // a UTF-8 byte order mark (files saved on Windows)
	root, err := jsontree.Parse(data)
	if err != nil {
		return nil, treeError(err, "")
	}
	if root.Kind != jsontree.Object {
		return nil, &Error{Line: root.Pos.Line, Column: root.Pos.Column, Message: "expected a JSON object, got " + root.Kind.String(), Code: CodeInvalidParameter}
	}
	d := &doc{tree: root}
	n := root
	if inner := root.Get(envelope); inner != nil {
		// The envelope of get-web-acl & co: {"WebACL": {...}, "LockToken": "..."}.
		for _, m := range root.Members {
			switch m.Key {
			case envelope, "LockToken", "ApplicationIntegrationURL":
			default:
				return nil, &Error{Line: m.KeyPos.Line, Column: m.KeyPos.Column, Path: m.Key, Code: CodeInvalidParameter,
					Message: fmt.Sprintf("unknown member %q next to %q (expected LockToken, ApplicationIntegrationURL)", m.Key, envelope)}
			}
		}
		n, d.base = inner, envelope+"."
	}
	if err := jsontree.Decode(n, v, ""); err != nil {
		return nil, treeError(err, d.base)
	}
	return d, nil
}

func treeError(err error, base string) error {
	var te *jsontree.Error
	if errors.As(err, &te) {
		return &Error{Line: te.Pos.Line, Column: te.Pos.Column, Path: strings.TrimPrefix(te.Path, ""), Message: te.Message, Code: CodeInvalidParameter}
	}
	return &Error{Message: err.Error(), Code: CodeInvalidParameter}
}

// WebACLFile is a parsed web ACL document.
type WebACLFile struct {
	WebACLDoc
	doc *doc
}

// ParseWebACL reads a web ACL as `aws wafv2 get-web-acl` prints it, with or
// without the {"WebACL": ..., "LockToken": ...} envelope. Errors are *Error.
func ParseWebACL(data []byte) (*WebACLFile, error) {
	f := &WebACLFile{}
	d, err := load(data, "WebACL", &f.WebACLDoc)
	if err != nil {
		return nil, err
	}
	f.doc = d
	if f.Name == "" && len(f.Rules) == 0 && f.DefaultAction == nil {
		return nil, &Error{Line: 1, Column: 1, Message: "not a web ACL: no Name, DefaultAction or Rules", Code: CodeInvalidParameter}
	}
	return f, nil
}

// RuleGroupFile is a parsed rule group document.
type RuleGroupFile struct {
	RuleGroupDoc
	doc *doc
}

// ParseRuleGroup reads a rule group as `aws wafv2 get-rule-group` prints it,
// with or without the {"RuleGroup": ...} envelope.
func ParseRuleGroup(data []byte) (*RuleGroupFile, error) {
	f := &RuleGroupFile{}
	d, err := load(data, "RuleGroup", &f.RuleGroupDoc)
	if err != nil {
		return nil, err
	}
	f.doc = d
	if f.Name == "" && f.ARN == "" {
		return nil, &Error{Line: 1, Column: 1, Message: "not a rule group: no Name or ARN", Code: CodeInvalidParameter}
	}
	return f, nil
}

// ParseIPSet reads an IP set as `aws wafv2 get-ip-set` prints it, with or
// without the {"IPSet": ...} envelope, and checks every address.
func ParseIPSet(data []byte) (*IPSetDoc, error) {
	s := &IPSetDoc{}
	d, err := load(data, "IPSet", s)
	if err != nil {
		return nil, err
	}
	if s.Name == "" && s.ARN == "" {
		return nil, &Error{Line: 1, Column: 1, Message: "not an IP set: no Name or ARN", Code: CodeInvalidParameter}
	}
	if _, err := compileIPSet(s); err != nil {
		var we *Error
		if errors.As(err, &we) {
			d.locate(we)
		}
		return nil, err
	}
	return s, nil
}

// ParseRegexPatternSet reads a regex pattern set as `aws wafv2
// get-regex-pattern-set` prints it, with or without the
// {"RegexPatternSet": ...} envelope, and compiles every regex.
func ParseRegexPatternSet(data []byte) (*RegexPatternSetDoc, error) {
	s := &RegexPatternSetDoc{}
	d, err := load(data, "RegexPatternSet", s)
	if err != nil {
		return nil, err
	}
	if s.Name == "" && s.ARN == "" {
		return nil, &Error{Line: 1, Column: 1, Message: "not a regex pattern set: no Name or ARN", Code: CodeInvalidParameter}
	}
	for i, r := range s.RegularExpressionList {
		if _, err := compileRegex(r.RegexString); err != nil {
			e := &Error{Path: "RegularExpressionList[" + strconv.Itoa(i) + "].RegexString", Message: err.Error(), Code: CodeInvalidParameter}
			d.locate(e)
			return nil, e
		}
	}
	return s, nil
}
