package dataid

import "bytes"

// Personal information identifiers (Macie's PII page) that moat implements.

func init() {
	register(&Managed{ID: "USA_SOCIAL_SECURITY_NUMBER", Category: PersonalInformation, Countries: []string{"US"}, Recommended: true,
		Keywords: []string{"social security", "ss#", "ssn"}, KeywordRule: KeywordRequired, trig: triggerDigits, minDigits: 9, findRun: findSSN})
	register(&Managed{ID: "USA_INDIVIDUAL_TAX_IDENTIFICATION_NUMBER", Category: PersonalInformation, Countries: []string{"US"}, Recommended: true,
		Keywords: []string{"i.t.i.n.", "individual taxpayer identification number", "itin"}, KeywordRule: KeywordRequired,
		trig: triggerDigits, minDigits: 9, findRun: findITIN})
	register(&Managed{ID: "BANK_ACCOUNT_NUMBER", Category: FinancialInformation, Countries: []string{"Canada", "US"}, Recommended: true,
		Keywords: []string{"bank account", "bank acct", "checking account", "checking acct", "deposit account", "deposit acct",
			"savings account", "savings acct", "chequing account", "chequing acct"},
		KeywordRule: KeywordRequired, trig: triggerDigits, minDigits: 9, findRun: findUSBankAccount})
	register(&Managed{ID: "DATE_OF_BIRTH", Category: PersonalInformation, Countries: []string{"Any"}, Recommended: true,
		Keywords: []string{"bday", "b-day", "birth date", "birthday", "date of birth", "dob"}, KeywordRule: KeywordRequired,
		trig: triggerDigits, minDigits: 6, findRun: findDate})
	register(&Managed{ID: "LATITUDE_LONGITUDE", Category: PersonalInformation, Countries: []string{"Any"}, Recommended: true,
		Keywords: []string{"coordinate", "coordinates", "lat long", "latitude longitude", "position"}, KeywordRule: KeywordRequired,
		trig: triggerKeyword, window: 80, re: mustRe(`[-+]?\d{1,2}\.\d{4,10},\s?[-+]?\d{1,3}\.\d{4,10}`), valid: validLatLong})
	register(&Managed{ID: "HTTP_COOKIE", Category: PersonalInformation, Countries: []string{"Any"}, Recommended: true,
		trig: triggerAnchor, anchors: []string{"cookie:"}, findAt: findCookie})
	register(&Managed{ID: "VEHICLE_IDENTIFICATION_NUMBER", Category: PersonalInformation, Countries: []string{"Any"}, Recommended: true,
		Keywords: []string{"vin", "vehicle identification number", "fahrgestellnummer", "numéro d'identification du véhicule",
			"número de identificación del vehículo", "numer vin"},
		KeywordRule: KeywordRequired, trig: triggerKeyword, window: 60, re: mustRe(`[A-HJ-NPR-Z0-9]{17}`), valid: validVIN})
	register(&Managed{ID: "USA_PASSPORT_NUMBER", Category: PersonalInformation, Countries: []string{"US"}, Recommended: true,
		Keywords: []string{"passport", "travel document"}, KeywordRule: KeywordRequired,
		trig: triggerKeyword, window: 50, re: mustRe(`[A-Z][0-9]{8}|[0-9]{9}`)})
	register(&Managed{ID: "UK_PASSPORT_NUMBER", Category: PersonalInformation, Countries: []string{"UK"}, Recommended: true,
		Keywords: []string{"passport", "passport number", "passport no"}, KeywordRule: KeywordRequired,
		trig: triggerKeyword, window: 50, re: mustRe(`[0-9]{9}`)})
	register(&Managed{ID: "CANADA_PASSPORT_NUMBER", Category: PersonalInformation, Countries: []string{"Canada"}, Recommended: true,
		Keywords: []string{"passport", "passeport", "passport number"}, KeywordRule: KeywordRequired,
		trig: triggerKeyword, window: 50, re: mustRe(`[A-Z]{2}[0-9]{6}`)})
	register(&Managed{ID: "UK_NATIONAL_INSURANCE_NUMBER", Category: PersonalInformation, Countries: []string{"UK"}, Recommended: true,
		Keywords:    []string{"insurance no", "insurance number", "national insurance number", "nin", "nino", "ni number"},
		KeywordRule: KeywordRequired, trig: triggerKeyword, window: 50,
		re: mustRe(`[A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z] ?[0-9]{2} ?[0-9]{2} ?[0-9]{2} ?[A-D]`), valid: validNINO})
	register(&Managed{ID: "CANADA_SOCIAL_INSURANCE_NUMBER", Category: PersonalInformation, Countries: []string{"Canada"}, Recommended: true,
		Keywords: []string{"canadian id", "numéro d'assurance sociale", "sin", "social insurance number"}, KeywordRule: KeywordRequired,
		trig: triggerDigits, minDigits: 9, findRun: findSIN})
	register(&Managed{ID: "EMAIL_ADDRESS", Category: PersonalInformation, Countries: []string{"Any"}, Extended: true,
		trig: triggerAnchor, anchors: []string{"@"}, findAt: findEmail})
}

// findSSN: AAA-GG-SSSS, AAA GG SSSS or 9 digits; area not 000, 666 or 9xx,
// group not 00, serial not 0000 (SSA's rules).
func findSSN(b []byte, r *numRun, out []span) []span {
	var buf [16]byte
	it := r.ranges(9, 9)
	for i, j, ok := it.next(); ok; i, j, ok = it.next() {
		if !r.edgeOK(b, i, j) || !(i == j || r.groupLens(i, j, 3, 2, 4) && r.uniformSep(b, i, j, "- ")) {
			continue
		}
		s, e := r.bounds(i, j)
		d := digitsOf(buf[:0], b[s:e])
		a, g, sn := atoi(d[:3]), atoi(d[3:5]), atoi(d[5:])
		if a == 0 || a == 666 || a >= 900 || g == 0 || sn == 0 {
			continue
		}
		out = append(out, span{s, e, false})
		it.accept()
	}
	return out
}

// findITIN: 9XX-GG-XXXX with the IRS group ranges 50-65, 70-88, 90-92, 94-99.
func findITIN(b []byte, r *numRun, out []span) []span {
	var buf [16]byte
	it := r.ranges(9, 9)
	for i, j, ok := it.next(); ok; i, j, ok = it.next() {
		if !r.edgeOK(b, i, j) || !(i == j || r.groupLens(i, j, 3, 2, 4) && r.uniformSep(b, i, j, "- ")) {
			continue
		}
		s, e := r.bounds(i, j)
		d := digitsOf(buf[:0], b[s:e])
		g := atoi(d[3:5])
		if d[0] != '9' || !(g >= 50 && g <= 65 || g >= 70 && g <= 88 || g >= 90 && g <= 92 || g >= 94) {
			continue
		}
		out = append(out, span{s, e, false})
		it.accept()
	}
	return out
}

// findUSBankAccount: 9-17 digits without spaces (Macie's wording).
func findUSBankAccount(b []byte, r *numRun, out []span) []span {
	for i := 0; i < r.n; i++ {
		if l := r.g[i][1] - r.g[i][0]; l >= 9 && l <= 17 && r.edgeOK(b, i, i) {
			out = append(out, span{r.g[i][0], r.g[i][1], false})
		}
	}
	return out
}

// findDate: YYYY-MM-DD, YYYY/MM/DD, MM/DD/YYYY, DD/MM/YYYY, DD.MM.YYYY or
// DD-MM-YYYY, a real calendar date between 1900 and 2099.
func findDate(b []byte, r *numRun, out []span) []span {
	for i := 0; i+2 < r.n; i++ {
		if !r.uniformSep(b, i, i+2, "-/.") || !r.edgeOK(b, i, i+2) {
			continue
		}
		g := func(k int) int { return atoi(b[r.g[i+k][0]:r.g[i+k][1]]) }
		ok := false
		switch {
		case r.groupLens(i, i+2, 4, 2, 2):
			ok = validDate(g(0), g(1), g(2)) && g(0) >= 1900 && g(0) <= 2099
		case r.groupLens(i, i+2, 2, 2, 4), r.groupLens(i, i+2, 1, 2, 4), r.groupLens(i, i+2, 2, 1, 4), r.groupLens(i, i+2, 1, 1, 4):
			y := g(2)
			ok = y >= 1900 && y <= 2099 && (validDate(y, g(0), g(1)) || validDate(y, g(1), g(0)))
		}
		if ok {
			s, e := r.bounds(i, i+2)
			out = append(out, span{s, e, false})
			i += 2
		}
	}
	return out
}

func validLatLong(m []byte) (bool, bool) {
	k := bytes.IndexByte(m, ',')
	lat, lon := parseDeg(m[:k]), parseDeg(bytes.TrimSpace(m[k+1:]))
	return lat >= -90 && lat <= 90 && lon >= -180 && lon <= 180, false
}

// parseDeg reads the integer part of a signed decimal degree.
func parseDeg(b []byte) int {
	neg := false
	if len(b) > 0 && (b[0] == '-' || b[0] == '+') {
		neg, b = b[0] == '-', b[1:]
	}
	n := 0
	for _, c := range b {
		if c == '.' {
			break
		}
		n = n*10 + int(c-'0')
	}
	if neg {
		return -n
	}
	return n
}

// findCookie: a complete Cookie or Set-Cookie header with at least one name=value.
func findCookie(b []byte, s, e int, out []span) []span {
	start := s
	if s >= 4 && bytes.EqualFold(b[s-4:s], []byte("set-")) {
		start = s - 4
	}
	if start > 0 && b[start-1] != '\n' && b[start-1] != '\r' && b[start-1] != '"' && b[start-1] != ' ' {
		return out
	}
	i := e
	for i < len(b) && b[i] == ' ' {
		i++
	}
	v := i
	for i < len(b) && b[i] != '\n' && b[i] != '\r' && b[i] != '"' {
		i++
	}
	val := b[v:i]
	eq := bytes.IndexByte(val, '=')
	if eq < 1 || eq == len(val)-1 {
		return out
	}
	return append(out, span{start, i, false})
}

// validVIN: 17 characters without I, O, Q, with letters and digits; the
// North American check digit makes it strong but is not required (VINs from
// elsewhere carry none).
func validVIN(m []byte) (bool, bool) {
	var l, d int
	for _, c := range m {
		if isDigit(c) {
			d++
		} else {
			l++
		}
	}
	return l > 0 && d >= 5, vinCheck(m)
}

func validNINO(m []byte) (bool, bool) {
	p := string(m[:2])
	return p != "BG" && p != "GB" && p != "NK" && p != "KN" && p != "TN" && p != "NT" && p != "ZZ", false
}

// findSIN: 9 digits (NNN-NNN-NNN or NNN NNN NNN), Luhn-valid, not starting with 0 or 8.
func findSIN(b []byte, r *numRun, out []span) []span {
	var buf [16]byte
	it := r.ranges(9, 9)
	for i, j, ok := it.next(); ok; i, j, ok = it.next() {
		if !r.edgeOK(b, i, j) || !(i == j || r.groupLens(i, j, 3, 3, 3) && r.uniformSep(b, i, j, "- ")) {
			continue
		}
		s, e := r.bounds(i, j)
		d := digitsOf(buf[:0], b[s:e])
		if d[0] == '0' || d[0] == '8' || !luhn(d) {
			continue
		}
		out = append(out, span{s, e, false})
		it.accept()
	}
	return out
}

func isLocalChar(c byte) bool {
	return isAlnum(c) || c == '.' || c == '_' || c == '%' || c == '+' || c == '-'
}

// findEmail: local@domain.tld (moat extension; Macie has no e-mail identifier).
func findEmail(b []byte, s, e int, out []span) []span {
	l := s
	for l > 0 && s-l < 64 && isLocalChar(b[l-1]) {
		l--
	}
	for l < s && (b[l] == '.' || b[l] == '-') {
		l++
	}
	if l == s || b[s-1] == '.' {
		return out
	}
	i, lastDot := e, -1
	for i < len(b) && i-e < 255 && (isAlnum(b[i]) || b[i] == '-' || b[i] == '.') {
		if b[i] == '.' {
			if i == e || b[i-1] == '.' {
				return out
			}
			lastDot = i
		}
		i++
	}
	for i > e && (b[i-1] == '.' || b[i-1] == '-') {
		i--
	}
	if lastDot < 0 || lastDot >= i-2 {
		return out
	}
	for _, c := range b[lastDot+1 : i] {
		if !isAlpha(c) {
			return out
		}
	}
	return append(out, span{l, i, false})
}
