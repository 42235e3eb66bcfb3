package policy

import (
	"strconv"
	"time"
)

// parseNumber parses an IAM numeric value: an optionally signed integer or
// decimal, with an optional exponent. No allocation on success.
func parseNumber(s string) (float64, bool) {
	if s == "" || len(s) > 64 {
		return 0, false
	}
	digits := false
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= '0' && c <= '9':
			digits = true
		case c == '.' || c == '-' || c == '+' || c == 'e' || c == 'E':
		default:
			return 0, false
		}
	}
	if !digits {
		return 0, false
	}
	f, err := strconv.ParseFloat(s, 64)
	return f, err == nil
}

// instant is a point in time with nanosecond precision.
type instant struct {
	sec  int64
	nsec int64
}

func (a instant) cmp(b instant) int {
	switch {
	case a.sec < b.sec:
		return -1
	case a.sec > b.sec:
		return 1
	case a.nsec < b.nsec:
		return -1
	case a.nsec > b.nsec:
		return 1
	}
	return 0
}

// parseDate accepts W3C ISO 8601 dates and date-times (YYYY-MM-DD,
// YYYY-MM-DDThh:mm[:ss[.fff]][Z|±hh:mm|±hhmm]; no zone means UTC) and epoch
// seconds (optionally with a fraction), as the IAM Date operators do.
func parseDate(s string) (instant, bool) {
	if len(s) == 0 || len(s) > 64 {
		return instant{}, false
	}
	if isEpoch(s) {
		return parseEpoch(s)
	}
	return parseISO(s)
}

func isEpoch(s string) bool {
	i := 0
	if s[0] == '-' {
		i = 1
	}
	if i == len(s) {
		return false
	}
	dot := false
	for ; i < len(s); i++ {
		switch c := s[i]; {
		case c >= '0' && c <= '9':
		case c == '.' && !dot:
			dot = true
		default:
			return false
		}
	}
	return true
}

func parseEpoch(s string) (instant, bool) {
	neg := s[0] == '-'
	if neg {
		s = s[1:]
	}
	var sec, nsec int64
	i := 0
	for ; i < len(s) && s[i] != '.'; i++ {
		if sec > (1<<62)/10 {
			return instant{}, false
		}
		sec = sec*10 + int64(s[i]-'0')
	}
	if i < len(s) { // fraction
		scale := int64(100000000)
		for i++; i < len(s); i++ {
			nsec += int64(s[i]-'0') * scale
			scale /= 10
		}
	}
	if neg {
		sec, nsec = -sec, -nsec
		if nsec < 0 {
			sec--
			nsec += 1e9
		}
	}
	return instant{sec, nsec}, true
}

// num reads n digits at s[*i:].
func num(s string, i *int, n int) (int, bool) {
	if *i+n > len(s) {
		return 0, false
	}
	v := 0
	for k := 0; k < n; k++ {
		c := s[*i+k]
		if c < '0' || c > '9' {
			return 0, false
		}
		v = v*10 + int(c-'0')
	}
	*i += n
	return v, true
}

func expect(s string, i *int, c byte) bool {
	if *i < len(s) && s[*i] == c {
		*i++
		return true
	}
	return false
}

func parseISO(s string) (instant, bool) {
	i := 0
	year, ok1 := num(s, &i, 4)
	okd := expect(s, &i, '-')
	month, ok2 := num(s, &i, 2)
	okd2 := expect(s, &i, '-')
	day, ok3 := num(s, &i, 2)
	if !(ok1 && ok2 && ok3 && okd && okd2) || month < 1 || month > 12 || day < 1 || day > 31 {
		return instant{}, false
	}
	var hour, minute, sec, nsec int
	offset := 0
	if i < len(s) {
		if s[i] != 'T' && s[i] != 't' {
			return instant{}, false
		}
		i++
		var ok bool
		if hour, ok = num(s, &i, 2); !ok || !expect(s, &i, ':') {
			return instant{}, false
		}
		if minute, ok = num(s, &i, 2); !ok {
			return instant{}, false
		}
		if expect(s, &i, ':') {
			if sec, ok = num(s, &i, 2); !ok {
				return instant{}, false
			}
			if expect(s, &i, '.') {
				scale, n := 100000000, 0
				for i < len(s) && s[i] >= '0' && s[i] <= '9' {
					nsec += int(s[i]-'0') * scale
					scale /= 10
					i++
					n++
				}
				if n == 0 {
					return instant{}, false
				}
			}
		}
		if hour > 24 || minute > 59 || sec > 60 {
			return instant{}, false
		}
		if i < len(s) {
			switch s[i] {
			case 'Z', 'z':
				i++
			case '+', '-':
				sign := 1
				if s[i] == '-' {
					sign = -1
				}
				i++
				oh, ok := num(s, &i, 2)
				if !ok {
					return instant{}, false
				}
				expect(s, &i, ':')
				om, ok := num(s, &i, 2)
				if !ok || oh > 23 || om > 59 {
					return instant{}, false
				}
				offset = sign * (oh*3600 + om*60)
			default:
				return instant{}, false
			}
		}
	}
	if i != len(s) {
		return instant{}, false
	}
	t := time.Date(year, time.Month(month), day, hour, minute, sec, nsec, time.UTC)
	return instant{t.Unix() - int64(offset), int64(t.Nanosecond())}, true
}
