package dataid

// IBANs: <COUNTRY>_BANK_ACCOUNT_NUMBER for the 52 countries Macie lists, no
// keyword, ISO 13616 length per country and mod-97 check; spaces or hyphens
// between groups allowed. UK_BANK_ACCOUNT_NUMBER also finds a domestic sort
// code and account number when a keyword is near.

var ibanCountries = []struct {
	id, cc string
	n      int
}{
	{"ALBANIA", "AL", 28}, {"ANDORRA", "AD", 24}, {"BOSNIA_AND_HERZEGOVINA", "BA", 20}, {"BRAZIL", "BR", 29},
	{"BULGARIA", "BG", 22}, {"COSTA_RICA", "CR", 22}, {"CROATIA", "HR", 21}, {"CYPRUS", "CY", 28},
	{"CZECH_REPUBLIC", "CZ", 24}, {"DENMARK", "DK", 18}, {"DOMINICAN_REPUBLIC", "DO", 28}, {"EGYPT", "EG", 29},
	{"ESTONIA", "EE", 20}, {"FAROE_ISLANDS", "FO", 18}, {"FINLAND", "FI", 18}, {"FRANCE", "FR", 27},
	{"GEORGIA", "GE", 22}, {"GERMANY", "DE", 22}, {"GREECE", "GR", 27}, {"GREENLAND", "GL", 18},
	{"HUNGARY", "HU", 28}, {"ICELAND", "IS", 26}, {"IRELAND", "IE", 22}, {"ITALY", "IT", 27},
	{"JORDAN", "JO", 30}, {"KOSOVO", "XK", 20}, {"LIECHTENSTEIN", "LI", 21}, {"LITHUANIA", "LT", 20},
	{"MALTA", "MT", 31}, {"MAURITANIA", "MR", 27}, {"MAURITIUS", "MU", 30}, {"MONACO", "MC", 27},
	{"MONTENEGRO", "ME", 22}, {"NETHERLANDS", "NL", 18}, {"NORTH_MACEDONIA", "MK", 19}, {"POLAND", "PL", 28},
	{"PORTUGAL", "PT", 25}, {"SAN_MARINO", "SM", 27}, {"SENEGAL", "SN", 28}, {"SERBIA", "RS", 22},
	{"SLOVAKIA", "SK", 24}, {"SLOVENIA", "SI", 19}, {"SPAIN", "ES", 24}, {"SWEDEN", "SE", 24},
	{"SWITZERLAND", "CH", 21}, {"TIMOR_LESTE", "TL", 23}, {"TUNISIA", "TN", 24}, {"TURKIYE", "TR", 26},
	{"UK", "GB", 22}, {"UKRAINE", "UA", 29}, {"UNITED_ARAB_EMIRATES", "AE", 23}, {"VIRGIN_ISLANDS", "VG", 24},
}

var bbanKeywords = map[string][]string{
	"UK":      {"account number", "sort code", "bank account", "iban", "bban"},
	"FRANCE":  {"iban", "bban", "compte bancaire", "numéro de compte", "rib"},
	"GERMANY": {"iban", "bban", "kontonummer", "bankverbindung"},
	"ITALY":   {"iban", "bban", "conto corrente", "numero di conto"},
	"SPAIN":   {"iban", "bban", "cuenta bancaria", "número de cuenta"},
}

func init() {
	for _, c := range ibanCountries {
		m := &Managed{ID: c.id + "_BANK_ACCOUNT_NUMBER", Category: FinancialInformation, Countries: []string{c.id},
			Recommended: true, trig: triggerDigits, findRun: ibanFinder(c.cc, c.n)}
		if c.id != "UK" {
			m.ibanCC = c.cc // the UK identifier also looks for sort codes, so it sees every run
		}
		if kw := bbanKeywords[c.id]; kw != nil {
			m.Keywords, m.KeywordRule = kw, KeywordUnlessStrong
			if c.id == "UK" {
				m.findRun = ukBankFinder(m.findRun)
			}
		}
		register(m)
	}
}

// ibanFinder returns a run finder for one country: the run must follow the
// two-letter country code directly ("DE89...", "GB82 WEST ...").
func ibanFinder(cc string, n int) func(b []byte, r *numRun, out []span) []span {
	return func(b []byte, r *numRun, out []span) []span {
		s := r.start - 2
		if s < 0 || b[s] != cc[0] || b[s+1] != cc[1] || !leftOK(b, s) {
			return out
		}
		var buf [40]byte
		v := buf[:0]
		i := s
		for i < len(b) && len(v) < n {
			c := b[i]
			switch {
			case isDigit(c) || isUpper(c):
				v = append(v, c)
				i++
			case (c == ' ' || c == '-') && i+1 < len(b) && isAlnum(b[i+1]) && len(v) >= 4:
				i++
			default:
				return out
			}
		}
		if len(v) != n || !rightOK(b, i) || !ibanMod97(v) {
			return out
		}
		return append(out, span{s, i, true})
	}
}

// ukBankFinder adds the domestic form: sort code NN-NN-NN and an 8-digit
// account number (weak: needs a keyword).
func ukBankFinder(iban func(b []byte, r *numRun, out []span) []span) func(b []byte, r *numRun, out []span) []span {
	return func(b []byte, r *numRun, out []span) []span {
		out = iban(b, r, out)
		for i := 0; i+3 < r.n; i++ {
			if r.groupLens(i, i+3, 2, 2, 2, 8) && r.uniformSep(b, i, i+2, "-") && softSep(r.sep(b, i+2)) && r.edgeOK(b, i, i+3) {
				s, e := r.bounds(i, i+3)
				out = append(out, span{s, e, false})
				i += 3
			}
		}
		return out
	}
}
