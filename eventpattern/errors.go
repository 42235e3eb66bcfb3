package eventpattern

import (
	"errors"
	"fmt"
)

// ErrorCode is the error code the EventBridge API answers for a pattern that
// Parse rejects (PutRule, TestEventPattern, CreateArchive).
const ErrorCode = "InvalidEventPatternException"

// Error is a pattern that cannot be parsed: where (1-based line and column of
// the offending JSON token, and the field path) and why. Reason is the text
// AWS puts after "Reason: " in InvalidEventPatternException.
type Error struct {
	Line   int
	Column int
	Path   string // dotted field path, e.g. "detail.state"; "" at the top level
	Reason string
}

func (e *Error) Error() string {
	if e.Path == "" {
		return fmt.Sprintf("event pattern %d:%d: %s", e.Line, e.Column, e.Reason)
	}
	return fmt.Sprintf("event pattern %d:%d: %s: %s", e.Line, e.Column, e.Path, e.Reason)
}

// AWSMessage is the message of InvalidEventPatternException as EventBridge
// words it: "Event pattern is not valid. Reason: " and the reason, followed by
// the position. AWS prints Jackson's position ("at [Source: (String)...;
// line: 1, column: 56]"); moat prints its own line and column, which point
// at the offending token rather than just past it.
func (e *Error) AWSMessage() string {
	return fmt.Sprintf("Event pattern is not valid. Reason: %s\n at [line: %d, column: %d]", e.Reason, e.Line, e.Column)
}

// EventError is an event that cannot be matched because it is not a JSON
// object within the limits: where (byte offset, 1-based line and column) and
// why.
type EventError struct {
	Offset int
	Line   int
	Column int
	Reason string
}

func (e *EventError) Error() string {
	return fmt.Sprintf("event %d:%d: %s", e.Line, e.Column, e.Reason)
}

// ErrEventTooLarge is wrapped by the error for an event over MaxEventSize.
var ErrEventTooLarge = errors.New("event too large")

// lineCol converts a byte offset into a 1-based line and column (in bytes).
func lineCol(data []byte, off int) (int, int) {
	off = min(max(off, 0), len(data))
	line, col := 1, 1
	for _, c := range data[:off] {
		if c == '\n' {
			line, col = line+1, 1
		} else {
			col++
		}
	}
	return line, col
}
