package dataid

// Payment card identifiers (Macie's financial information page).

var cardKeywords = []string{"account number", "american express", "amex", "bank card", "c card", "card", "cc #", "ccn",
	"check card", "cred card", "credit", "credit card", "credit cards", "credit no", "credit num", "dankort", "debit",
	"debit card", "debit no", "debit num", "diners club", "discover", "electron", "japanese card bureau", "jcb",
	"mastercard", "mc", "pan", "payment account number", "payment card number", "pcn", "pmnt #", "pmnt card",
	"pmnt no", "pmnt number", "union pay", "visa"}

func init() {
	register(&Managed{ID: "CREDIT_CARD_NUMBER", Category: FinancialInformation, Countries: []string{"Any"}, Recommended: true,
		Keywords: cardKeywords, KeywordRule: KeywordRequired, trig: triggerDigits, minDigits: 13, findRun: findCards})
	register(&Managed{ID: "CREDIT_CARD_NUMBER_(NO_KEYWORD)", Category: FinancialInformation, Countries: []string{"Any"},
		NoKeywordOf: "CREDIT_CARD_NUMBER", trig: triggerDigits, minDigits: 13, findRun: findCards})
	register(&Managed{ID: "CREDIT_CARD_EXPIRATION", Category: FinancialInformation, Countries: []string{"Any"}, Recommended: true,
		Keywords: []string{"exp d", "exp m", "exp y", "expiration", "expiry"}, KeywordRule: KeywordRequired,
		trig: triggerDigits, minDigits: 4, findRun: findExpiry})
	register(&Managed{ID: "CREDIT_CARD_SECURITY_CODE", Category: FinancialInformation, Countries: []string{"Any"}, Recommended: true,
		Keywords: []string{"card id", "card identification code", "card identification number", "card security code",
			"card validation code", "card validation number", "card verification data", "card verification value",
			"cvc", "cvc2", "cvv", "cvv2", "elo verification code"},
		KeywordRule: KeywordRequired, trig: triggerDigits, minDigits: 3, findRun: findCVV})
	register(&Managed{ID: "CREDIT_CARD_MAGNETIC_STRIPE", Category: FinancialInformation, Countries: []string{"Any"}, Recommended: true,
		Keywords: []string{"card data", "iso7813", "mag", "magstripe", "stripe", "swipe"}, KeywordRule: KeywordRequired,
		trig: triggerKeyword, window: 160,
		re:    mustRe(`%B\d{13,19}\^[A-Za-z /.'-]{2,26}\^\d{7,}[^?\s]*\?|;\d{13,19}=\d{7,}[^?\s]*\?`),
		valid: validStripe})
}

// findCards: 13-19 digits, one group or issuer-style groups joined by one
// kind of separator (space or hyphen), an issuer prefix, Luhn-valid, and not
// an issuer test number.
func findCards(b []byte, r *numRun, out []span) []span {
	var buf [24]byte
	it := r.ranges(13, 19)
	for i, j, ok := it.next(); ok; i, j, ok = it.next() {
		if !r.edgeOK(b, i, j) || !r.uniformSep(b, i, j, " -") || !cardGrouping(r, i, j) {
			continue
		}
		s, e := r.bounds(i, j)
		d := digitsOf(buf[:0], b[s:e])
		if !cardPrefix(d) || !luhn(d) || testPANs[string(d)] {
			continue
		}
		out = append(out, span{s, e, false})
		it.accept()
	}
	return out
}

func cardGrouping(r *numRun, i, j int) bool {
	if i == j {
		return true
	}
	if r.groupLens(i, j, 4, 6, 5) || r.groupLens(i, j, 4, 6, 4) {
		return true
	}
	for k := i; k <= j; k++ {
		l := r.g[k][1] - r.g[k][0]
		if l != 4 && !(k == j && l >= 1 && l <= 4) {
			return false
		}
	}
	return true
}

// cardPrefix checks the issuer identification number ranges and lengths of
// the networks Macie names: Amex, Dankort, Diners Club, Discover, Visa
// Electron, JCB, Mastercard, UnionPay, Visa.
func cardPrefix(d []byte) bool {
	n := len(d)
	p := func(k int) int { return atoi(d[:k]) }
	switch {
	case d[0] == '4': // Visa, Visa Electron
		return n == 13 || n == 16 || n == 19
	case p(2) >= 51 && p(2) <= 55, p(4) >= 2221 && p(4) <= 2720: // Mastercard
		return n == 16
	case p(2) == 34 || p(2) == 37: // Amex
		return n == 15
	case p(4) == 5019: // Dankort
		return n == 16
	case p(4) == 6011, p(3) >= 644 && p(3) <= 649, p(2) == 65, p(6) >= 622126 && p(6) <= 622925: // Discover
		return n >= 16 && n <= 19
	case p(2) == 62: // UnionPay
		return n >= 16 && n <= 19
	case p(4) >= 3528 && p(4) <= 3589: // JCB
		return n >= 16 && n <= 19
	case p(3) >= 300 && p(3) <= 305, p(2) == 36, p(2) == 38, p(2) == 39: // Diners Club
		return n >= 14 && n <= 19
	}
	return false
}

// testPANs are issuer-published test card numbers, which Macie documents it
// never reports. [partial] Macie's page lists about 55; this list holds the
// widely published ones moat could confirm.
var testPANs = map[string]bool{}

func init() {
	for _, p := range []string{
		"378282246310005", "371449635398431", "378734493671000", "5610591081018250", "30569309025904",
		"38520000023237", "6011111111111117", "6011000990139424", "3530111333300000", "3566002020360505",
		"5555555555554444", "5105105105105100", "4111111111111111", "4012888888881881", "4222222222222",
		"5019717010103742", "6331101999990016", "4000056655665556", "5200828282828210", "2223003122003222",
		"6200000000000005", "3056930009020004", "36227206271667", "6011981111111113", "3566111111111113",
		"4012000033330026", "4012000077777777", "4217651111111119", "4500600000000061", "5425233430109903",
		"2222420000001113", "2223000048410010", "374245455400126", "6510000000001248", "4263982640269299",
	} {
		testPANs[p] = true
	}
}

// findExpiry: MM/YY, MM/YYYY, MM-YY or MM-YYYY with a real month.
func findExpiry(b []byte, r *numRun, out []span) []span {
	it := r.ranges(4, 6)
	for i, j, ok := it.next(); ok; i, j, ok = it.next() {
		if j != i+1 || !r.edgeOK(b, i, j) || !r.uniformSep(b, i, j, "/-") {
			continue
		}
		if !r.groupLens(i, j, 2, 2) && !r.groupLens(i, j, 2, 4) {
			continue
		}
		m := atoi(b[r.g[i][0]:r.g[i][1]])
		if m < 1 || m > 12 {
			continue
		}
		s, e := r.bounds(i, j)
		out = append(out, span{s, e, false})
		it.accept()
	}
	return out
}

// findCVV: a lone group of 3 or 4 digits (the keyword does the rest).
func findCVV(b []byte, r *numRun, out []span) []span {
	if r.n != 1 {
		return out
	}
	if l := r.g[0][1] - r.g[0][0]; (l == 3 || l == 4) && r.edgeOK(b, 0, 0) {
		out = append(out, span{r.g[0][0], r.g[0][1], false})
	}
	return out
}

// validStripe: the track's account number must be a Luhn-valid card number.
func validStripe(m []byte) (bool, bool) {
	i := 1
	if m[0] == '%' {
		i = 2
	}
	j := i
	for j < len(m) && isDigit(m[j]) {
		j++
	}
	return luhn(m[i:j]), false
}
