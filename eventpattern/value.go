package eventpattern

import (
	"math"
	"strconv"
	"unicode"
	"unicode/utf8"
	"unsafe"
)

// kind is the JSON type of one leaf value of an event.
type kind uint8

// The JSON leaf types. Objects and arrays are not leaves: an event is matched
// through its leaves, arrays flattened (see the package doc).
const (
	kString kind = iota + 1
	kNumber
	kTrue
	kFalse
	kNull
)

// NumericLimit is the magnitude AWS documents for numeric matching: "values
// between -5.0e9 and +5.0e9 inclusive, with 15 digits of precision, or six
// digits to the right of the decimal point".
const NumericLimit = 5.0e9

// value is one leaf of an event. For strings, text is the decoded string; for
// numbers, the literal as written (AWS matches a pattern number both
// numerically and by its literal text, so 123456789012, an account id beyond
// NumericLimit, still matches exactly).
type value struct {
	kind  kind
	text  string
	num   int64 // comparable form, valid when numOK
	numOK bool
}

// toComparable turns a number into the integer of its millionths, the six
// decimal places AWS compares; ok is false outside NumericLimit or for
// non-finite input.
func toComparable(f float64) (int64, bool) {
	if math.IsNaN(f) || f < -NumericLimit || f > NumericLimit {
		return 0, false
	}
	return int64(math.Round(f * 1e6)), true
}

// numberValue builds a Number value from its literal.
func numberValue(lit string) value {
	v := value{kind: kNumber, text: lit}
	if f, err := strconv.ParseFloat(lit, 64); err == nil {
		v.num, v.numOK = toComparable(f)
	}
	return v
}

// unsafeString views b as a string without copying. Callers must not modify b
// while the string is in use and must not let it escape the match.
func unsafeString(b []byte) string { return unsafe.String(unsafe.SliceData(b), len(b)) }

// appendFold appends s with every rune lower-cased, the case folding used by
// equals-ignore-case. Invalid UTF-8 bytes are kept as they are.
func appendFold(dst []byte, s string) []byte {
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if 'A' <= c && c <= 'Z' {
				c += 'a' - 'A'
			}
			dst = append(dst, c)
			i++
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && n == 1 {
			dst = append(dst, s[i])
			i++
			continue
		}
		dst = utf8.AppendRune(dst, unicode.ToLower(r))
		i += n
	}
	return dst
}

// fold returns s lower-cased as by appendFold (compile time only).
func fold(s string) string { return string(appendFold(nil, s)) }
