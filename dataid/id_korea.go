package dataid

// Korean identifiers: a moat extension (Macie has none, see the spec).

var rrnKeywords = []string{"주민등록번호", "주민번호", "주민등록", "rrn", "resident registration", "resident registration number"}

func init() {
	register(&Managed{ID: "KOREA_RESIDENT_REGISTRATION_NUMBER", Category: PersonalInformation, Countries: []string{"Korea"},
		Extended: true, Keywords: rrnKeywords, KeywordRule: KeywordUnlessStrong, trig: triggerDigits, minDigits: 13,
		findRun: func(b []byte, r *numRun, out []span) []span { return findRRN(b, r, out, false) }})
	register(&Managed{ID: "KOREA_FOREIGNER_REGISTRATION_NUMBER", Category: PersonalInformation, Countries: []string{"Korea"},
		Extended: true, Keywords: append([]string{"외국인등록번호", "외국인번호", "foreigner registration", "alien registration", "frn"}, rrnKeywords...),
		KeywordRule: KeywordRequired, trig: triggerDigits, minDigits: 13,
		findRun: func(b []byte, r *numRun, out []span) []span { return findRRN(b, r, out, true) }})
	register(&Managed{ID: "KOREA_BUSINESS_REGISTRATION_NUMBER", Category: PersonalInformation, Countries: []string{"Korea"},
		Extended: true, Keywords: []string{"사업자등록번호", "사업자번호", "사업자 등록번호", "business registration", "brn"},
		KeywordRule: KeywordUnlessStrong, trig: triggerDigits, minDigits: 10, findRun: findBRN})
	register(&Managed{ID: "KOREA_DRIVERS_LICENSE", Category: PersonalInformation, Countries: []string{"Korea"},
		Extended: true, Keywords: []string{"운전면허", "운전면허번호", "면허번호", "driver's license", "drivers license", "driver license", "driving licence"},
		KeywordRule: KeywordRequired, trig: triggerDigits, minDigits: 12, findRun: findKRDriver})
	register(&Managed{ID: "KOREA_PASSPORT_NUMBER", Category: PersonalInformation, Countries: []string{"Korea"},
		Extended: true, Keywords: []string{"여권", "여권번호", "passport", "passport number", "passport no"},
		KeywordRule: KeywordRequired, trig: triggerKeyword, window: 50, re: mustRe(`[MSRODG][0-9]{8}|[MSRODG][0-9]{3}[A-Z][0-9]{4}`)})
}

// findRRN: YYMMDD-GXXXXXX (hyphen optional). G gives century and sex: 1,2
// (and 5,6 for foreign residents) born 1900-1999; 3,4 (7,8) 2000-2099; 9,0
// 1800-1899. Numbers issued before October 2020 carry a check digit; since
// then the last six digits are random, so a valid check digit makes a match
// strong (reported without a keyword) and its absence only weak. Foreigner
// numbers (G 5-8) are reported by the foreigner identifier.
func findRRN(b []byte, r *numRun, out []span, foreigner bool) []span {
	var buf [16]byte
	it := r.ranges(13, 13)
	for i, j, ok := it.next(); ok; i, j, ok = it.next() {
		if !r.edgeOK(b, i, j) || !(i == j || r.groupLens(i, j, 6, 7) && r.uniformSep(b, i, j, "-")) {
			continue
		}
		s, e := r.bounds(i, j)
		d := digitsOf(buf[:0], b[s:e])
		g := d[6]
		if (g >= '5' && g <= '8') != foreigner {
			continue
		}
		if !validDate(rrnCentury(g)+atoi(d[:2]), atoi(d[2:4]), atoi(d[4:6])) {
			continue
		}
		strong := !foreigner && krRRNCheck(d) && atoi(d[7:9]) <= 95
		out = append(out, span{s, e, strong})
		it.accept()
	}
	return out
}

// findBRN: NNN-NN-NNNNN with the check digit; the hyphenated form is strong,
// ten bare digits need a keyword.
func findBRN(b []byte, r *numRun, out []span) []span {
	var buf [16]byte
	it := r.ranges(10, 10)
	for i, j, ok := it.next(); ok; i, j, ok = it.next() {
		hyph := r.groupLens(i, j, 3, 2, 5) && r.uniformSep(b, i, j, "-")
		if !r.edgeOK(b, i, j) || !(i == j || hyph) {
			continue
		}
		s, e := r.bounds(i, j)
		d := digitsOf(buf[:0], b[s:e])
		if d[0] == '0' || !krBRNCheck(d) {
			continue
		}
		out = append(out, span{s, e, hyph})
		it.accept()
	}
	return out
}

// findKRDriver: RR-YY-NNNNNN-CC, 12 digits; RR is a region code 11-28.
func findKRDriver(b []byte, r *numRun, out []span) []span {
	var buf [16]byte
	it := r.ranges(12, 12)
	for i, j, ok := it.next(); ok; i, j, ok = it.next() {
		if !r.edgeOK(b, i, j) || !(i == j || r.groupLens(i, j, 2, 2, 6, 2) && r.uniformSep(b, i, j, "- ")) {
			continue
		}
		s, e := r.bounds(i, j)
		d := digitsOf(buf[:0], b[s:e])
		if reg := atoi(d[:2]); reg < 11 || reg > 28 {
			continue
		}
		out = append(out, span{s, e, false})
		it.accept()
	}
	return out
}

func rrnCentury(g byte) int {
	switch g {
	case '1', '2', '5', '6':
		return 1900
	case '3', '4', '7', '8':
		return 2000
	}
	return 1800
}
