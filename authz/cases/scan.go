package cases

import "encoding/json"

// The reader validates each line once (json.Valid) and then walks the valid
// text with the small splitter below instead of decoding every nesting level
// with encoding/json, which would re-validate the policy documents at each
// level. Member names are matched exactly, as the schema spells them.

// member is one name/value pair of a JSON object.
type member struct {
	name  string
	value json.RawMessage
}

// members splits a valid JSON object into its members, in order.
func members(obj []byte) []member {
	var out []member
	i := skipSpace(obj, 1)
	for i < len(obj) && obj[i] != '}' {
		n := skipString(obj, i)
		name, _ := stringValue(obj[i:n])
		i = skipSpace(obj, n)
		i = skipSpace(obj, i+1) // ':'
		end := skipValue(obj, i)
		out = append(out, member{name, obj[i:end]})
		i = skipSpace(obj, end)
		if i < len(obj) && obj[i] == ',' {
			i = skipSpace(obj, i+1)
		}
	}
	return out
}

// elements splits a valid JSON array into its elements.
func elements(arr []byte) []json.RawMessage {
	var out []json.RawMessage
	i := skipSpace(arr, 1)
	for i < len(arr) && arr[i] != ']' {
		end := skipValue(arr, i)
		out = append(out, arr[i:end])
		i = skipSpace(arr, end)
		if i < len(arr) && arr[i] == ',' {
			i = skipSpace(arr, i+1)
		}
	}
	return out
}

func skipSpace(b []byte, i int) int {
	for i < len(b) && (b[i] == ' ' || b[i] == '\t' || b[i] == '\n' || b[i] == '\r') {
		i++
	}
	return i
}

// skipString returns the index just past the string starting at b[i] == '"'.
func skipString(b []byte, i int) int {
	for i++; i < len(b); i++ {
		switch b[i] {
		case '\\':
			i++
		case '"':
			return i + 1
		}
	}
	return len(b)
}

// skipValue returns the index just past the value starting at b[i].
func skipValue(b []byte, i int) int {
	if i >= len(b) {
		return len(b)
	}
	switch b[i] {
	case '"':
		return skipString(b, i)
	case '{', '[':
		depth := 0
		for i < len(b) {
			switch b[i] {
			case '"':
				i = skipString(b, i)
				continue
			case '{', '[':
				depth++
			case '}', ']':
				depth--
				if depth == 0 {
					return i + 1
				}
			}
			i++
		}
		return len(b)
	}
	for i < len(b) {
		switch b[i] {
		case ',', '}', ']', ' ', '\t', '\n', '\r':
			return i
		}
		i++
	}
	return i
}
