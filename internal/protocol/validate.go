package protocol

import (
	"strconv"
	"strings"

	"github.com/moatdev/moat/internal/awserr"
)

// violations collects what Decode found wrong, to report it the way AWS does:
// "1 validation error detected: Value null at 'userName' failed to satisfy
// constraint: Member must not be null" (several joined with "; ").
type violations struct {
	missing []string // wire paths of required members that were absent (lowerCamel)
	names   []string // the same members' wire names (EC2 MissingParameter)
	bad     *awserr.Error
}

func (v *violations) addMissing(path, name string) {
	v.missing = append(v.missing, path)
	v.names = append(v.names, name)
}

func (v *violations) setBad(e *awserr.Error) {
	if v.bad == nil {
		v.bad = e
	}
}

// validationMessage is Coral's wording for null required members.
func validationMessage(paths []string) string {
	vs := make([]Violation, len(paths))
	for i, p := range paths {
		vs[i] = Violation{Path: p, Constraint: "Member must not be null"}
	}
	return ValidationFailed(JSON, vs...).Message
}

// err returns the error for the protocol family: query ValidationError, ec2
// MissingParameter, json/rest ValidationException.
func (v *violations) err(proto string) error {
	if v.bad != nil {
		return v.bad
	}
	if len(v.missing) == 0 {
		return nil
	}
	switch proto {
	case Query:
		return awserr.ValidationError.New("%s", validationMessage(v.missing))
	case EC2:
		return awserr.MissingParameter.New("The request must contain the parameter %s", v.names[0])
	}
	return awserr.ValidationException.New("%s", validationMessage(v.missing))
}

func joinPath(prefix, name string) string {
	if prefix == "" {
		return name
	}
	return prefix + "." + name
}

// Violation is one failed constraint of an input member, for service-side
// validation that the tags cannot express (lengths, patterns, enums).
type Violation struct {
	Path       string  // lowerCamel member path: "userName", "tags.1.member.key"
	Value      *string // the offending value; nil renders as null
	Constraint string  // "Member must have length less than or equal to 64"
}

// ValidationFailed words violations as AWS's Coral services do — "2 validation
// errors detected: Value 'x' at 'userName' failed to satisfy constraint:
// Member must …; Value null at …" — with the protocol's code: query
// ValidationError, json and REST ValidationException, ec2
// InvalidParameterValue.
func ValidationFailed(protocol string, vs ...Violation) *awserr.Error {
	var b strings.Builder
	b.WriteString(strconv.Itoa(len(vs)))
	if len(vs) == 1 {
		b.WriteString(" validation error detected: ")
	} else {
		b.WriteString(" validation errors detected: ")
	}
	for i, v := range vs {
		if i > 0 {
			b.WriteString("; ")
		}
		if v.Value == nil {
			b.WriteString("Value null")
		} else {
			b.WriteString("Value '" + *v.Value + "'")
		}
		b.WriteString(" at '" + v.Path + "' failed to satisfy constraint: " + v.Constraint)
	}
	switch protocol {
	case Query:
		return awserr.ValidationError.New("%s", b.String())
	case EC2:
		return awserr.InvalidParameterValue.New("%s", b.String())
	}
	return awserr.ValidationException.New("%s", b.String())
}
