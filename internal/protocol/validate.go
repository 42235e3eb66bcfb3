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
	var b strings.Builder
	b.WriteString(strconv.Itoa(len(paths)))
	if len(paths) == 1 {
		b.WriteString(" validation error detected: ")
	} else {
		b.WriteString(" validation errors detected: ")
	}
	for i, p := range paths {
		if i > 0 {
			b.WriteString("; ")
		}
		b.WriteString("Value null at '")
		b.WriteString(p)
		b.WriteString("' failed to satisfy constraint: Member must not be null")
	}
	return b.String()
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
