package dataid

// Hand-written validators: each reads only digits (or alphanumerics) of the
// candidate and allocates nothing.

func isDigit(c byte) bool { return '0' <= c && c <= '9' }
func isUpper(c byte) bool { return 'A' <= c && c <= 'Z' }
func isAlpha(c byte) bool { return isUpper(c) || ('a' <= c && c <= 'z') }
func isAlnum(c byte) bool { return isDigit(c) || isAlpha(c) }

// digitsOf appends the digits of b to dst (separators skipped).
func digitsOf(dst, b []byte) []byte {
	for _, c := range b {
		if isDigit(c) {
			dst = append(dst, c)
		}
	}
	return dst
}

// luhn reports whether the digit string passes the Luhn (mod 10) check.
func luhn(d []byte) bool {
	sum, double := 0, false
	for i := len(d) - 1; i >= 0; i-- {
		n := int(d[i] - '0')
		if double {
			n *= 2
			if n > 9 {
				n -= 9
			}
		}
		sum += n
		double = !double
	}
	return len(d) > 0 && sum%10 == 0
}

// ibanMod97 checks an IBAN (letters and digits, no separators) with the
// ISO 13616 / ISO 7064 mod 97-10 rule: move the first four characters to the
// end, letters become 10..35, the number mod 97 must be 1.
func ibanMod97(s []byte) bool {
	if len(s) < 5 {
		return false
	}
	r := 0
	add := func(c byte) bool {
		switch {
		case isDigit(c):
			r = (r*10 + int(c-'0')) % 97
		case isUpper(c):
			v := int(c-'A') + 10
			r = (r*100 + v) % 97
		default:
			return false
		}
		return true
	}
	for _, c := range s[4:] {
		if !add(c) {
			return false
		}
	}
	for _, c := range s[:4] {
		if !add(c) {
			return false
		}
	}
	return r == 1
}

// krRRNCheck is the check digit of a Korean resident registration number
// issued before October 2020: X = (11 - (Σ wᵢ·dᵢ mod 11)) mod 10 with weights
// 2,3,4,5,6,7,8,9,2,3,4,5 over the first 12 digits.
func krRRNCheck(d []byte) bool {
	if len(d) != 13 {
		return false
	}
	w := [12]int{2, 3, 4, 5, 6, 7, 8, 9, 2, 3, 4, 5}
	sum := 0
	for i := 0; i < 12; i++ {
		sum += w[i] * int(d[i]-'0')
	}
	return (11-sum%11)%10 == int(d[12]-'0')
}

// krBRNCheck is the check digit of a Korean business registration number
// (사업자등록번호, 10 digits): weights 1,3,7,1,3,7,1,3,5 over the first nine
// digits, plus floor(5·d₉/10); the last digit is (10 - sum mod 10) mod 10.
func krBRNCheck(d []byte) bool {
	if len(d) != 10 {
		return false
	}
	w := [9]int{1, 3, 7, 1, 3, 7, 1, 3, 5}
	sum := 0
	for i := 0; i < 9; i++ {
		sum += w[i] * int(d[i]-'0')
	}
	sum += int(d[8]-'0') * 5 / 10
	return (10-sum%10)%10 == int(d[9]-'0')
}

// validDate reports whether y-m-d is a calendar date (Gregorian leap years).
func validDate(y, m, d int) bool {
	if m < 1 || m > 12 || d < 1 {
		return false
	}
	days := [13]int{0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31}
	if m == 2 && (y%4 == 0 && (y%100 != 0 || y%400 == 0)) {
		return d <= 29
	}
	return d <= days[m]
}

func atoi(d []byte) int {
	n := 0
	for _, c := range d {
		n = n*10 + int(c-'0')
	}
	return n
}

// vinCheck validates the ISO 3779 / FMVSS 115 check digit (position 9) of a
// 17-character vehicle identification number. VINs outside North America
// often carry no check digit, so callers use it only as a strength signal.
func vinCheck(v []byte) bool {
	if len(v) != 17 {
		return false
	}
	w := [17]int{8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2}
	sum := 0
	for i, c := range v {
		var n int
		switch {
		case isDigit(c):
			n = int(c - '0')
		case isUpper(c):
			n = vinLetter(c)
			if n < 0 {
				return false
			}
		default:
			return false
		}
		sum += n * w[i]
	}
	r := sum % 11
	if r == 10 {
		return v[8] == 'X'
	}
	return int(v[8]-'0') == r
}

func vinLetter(c byte) int {
	const t = "12345678.12345.7.923456789" // A..Z; I, O, Q are not allowed
	if x := t[c-'A']; x != '.' {
		return int(x - '0')
	}
	return -1
}
