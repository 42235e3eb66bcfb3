// Package awserr is moat's one catalogue of AWS errors. Engines and services
// return Go errors; where AWS has a code for the situation they return (or wrap)
// an *Error built from a Def in this catalogue, and each wire protocol renders
// it in its own envelope (internal/protocol).
package awserr

import (
	"errors"
	"fmt"
	"net/http"
)

// Fault says whose fault an error is, as the query protocols' <Type> element does.
type Fault uint8

const (
	// Sender means the client sent something wrong (4xx).
	Sender Fault = iota
	// Receiver means the service failed (5xx).
	Receiver
)

func (f Fault) String() string {
	if f == Receiver {
		return "Receiver"
	}
	return "Sender"
}

// Def is one entry of the catalogue: an AWS error code and the HTTP status AWS
// answers it with.
type Def struct {
	Code   string
	Status int
}

// Error is an AWS error as a client sees it.
type Error struct {
	Code    string
	Status  int
	Message string
	// Fields are extra members some envelopes carry (S3's BucketName,
	// RequestTime...); rendered by protocols that have them.
	Fields map[string]string
	// Err is an underlying cause, kept for logs and errors.Is; never rendered.
	Err error
}

func (e *Error) Error() string { return e.Code + ": " + e.Message }

// Unwrap returns the cause.
func (e *Error) Unwrap() error { return e.Err }

// Fault is Sender for 4xx statuses, Receiver otherwise.
func (e *Error) Fault() Fault {
	if e.Status >= 500 {
		return Receiver
	}
	return Sender
}

// New returns an error of this kind with a formatted message.
func (d Def) New(format string, args ...any) *Error {
	msg := format
	if len(args) > 0 {
		msg = fmt.Sprintf(format, args...)
	}
	return &Error{Code: d.Code, Status: d.Status, Message: msg}
}

// Wrap is New with a cause kept for errors.Is/As.
func (d Def) Wrap(cause error, format string, args ...any) *Error {
	e := d.New(format, args...)
	e.Err = cause
	return e
}

// Is reports whether err is (or wraps) an *Error with this code.
func (d Def) Is(err error) bool {
	var e *Error
	return errors.As(err, &e) && e.Code == d.Code
}

// InternalFailure is what any error without an AWS code becomes on the wire.
var InternalFailure = Def{"InternalFailure", http.StatusInternalServerError}

// From returns err as an *Error; errors that carry no AWS code become
// InternalFailure with a generic message (the cause stays in Err for logs).
func From(err error) *Error {
	if err == nil {
		return nil
	}
	var e *Error
	if errors.As(err, &e) {
		return e
	}
	return InternalFailure.Wrap(err, "The request processing has failed because of an unknown error, exception or failure.")
}
