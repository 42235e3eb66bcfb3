package dataid

// More Macie identifiers: passports of France, Germany, Italy and Spain,
// German and French tax ids and the German identity card, the UK unique
// taxpayer reference and the Brazilian postal code. All need a keyword in
// Macie; the keyword lists are moat's, in English and the local language.

func init() {
	kw := func(id, country string, words []string, re string, valid func([]byte) (bool, bool)) {
		register(&Managed{ID: id, Category: PersonalInformation, Countries: []string{country}, Keywords: words,
			KeywordRule: KeywordRequired, trig: triggerKeyword, window: 50, re: mustRe(re), valid: valid})
	}
	kw("FRANCE_PASSPORT_NUMBER", "France", []string{"passeport", "numéro de passeport", "passport"}, `\d{2}[A-Z]{2}\d{5}`, nil)
	kw("GERMANY_PASSPORT_NUMBER", "Germany", []string{"reisepass", "passnummer", "reisepassnummer", "passport"},
		`[CFGHJKLMNPRTVWXYZ][CFGHJKLMNPRTVWXYZ0-9]{8}\d?`, validGermanDocument)
	kw("ITALY_PASSPORT_NUMBER", "Italy", []string{"passaporto", "numero di passaporto", "passport"}, `[A-Z]{2}\d{7}`, nil)
	kw("SPAIN_PASSPORT_NUMBER", "Spain", []string{"pasaporte", "número de pasaporte", "passport"}, `[A-Z]{3}\d{6}`, nil)
	kw("GERMANY_NATIONAL_IDENTIFICATION_NUMBER", "Germany", []string{"personalausweis", "ausweisnummer", "personalausweisnummer", "identity card"},
		`[CFGHJKLMNPRTVWXYZ][CFGHJKLMNPRTVWXYZ0-9]{8}\d`, validGermanDocument)
	kw("GERMANY_TAX_IDENTIFICATION_NUMBER", "Germany", []string{"steuer-id", "steueridentifikationsnummer", "steuernummer", "identifikationsnummer", "tin"},
		`[1-9]\d{10}|[1-9]\d \d{3} \d{3} \d{3}`, validSteuerID)
	kw("FRANCE_TAX_IDENTIFICATION_NUMBER", "France", []string{"numéro fiscal", "numéro spi", "spi", "numéro d'identification fiscale", "tin"},
		`[0-3]\d ?\d{2} ?\d{3} ?\d{3} ?\d{3}`, validFranceSPI)
	kw("UK_TAX_IDENTIFICATION_NUMBER", "UK", []string{"utr", "unique taxpayer reference", "tax reference"}, `\d{5} ?\d{5}`, nil)
	kw("BRAZIL_CEP_CODE", "Brazil", []string{"cep", "código postal", "codigo postal", "código de endereçamento postal"}, `\d{5}-?\d{3}`, nil)
}

// validGermanDocument: the last digit of a German passport or identity card
// number checks the nine characters before it (weights 7, 3, 1; letters
// count 10-35). Without a check digit (nine characters) the shape alone is taken.
func validGermanDocument(m []byte) (bool, bool) {
	if len(m) == 9 {
		return true, false
	}
	s := 0
	for i, c := range m[:9] {
		v := int(c - '0')
		if isUpper(c) {
			v = int(c-'A') + 10
		}
		s += v * [3]int{7, 3, 1}[i%3]
	}
	return int(m[9]-'0') == s%10, false
}

// validSteuerID: 11 digits, the last by ISO 7064 MOD 11,10.
func validSteuerID(m []byte) (bool, bool) {
	var buf [32]byte
	d := digitsIn(&buf, m)
	if len(d) != 11 {
		return false, false
	}
	p := 10
	for _, c := range d[:10] {
		s := (int(c-'0') + p) % 10
		if s == 0 {
			s = 10
		}
		p = s * 2 % 11
	}
	return (11-p)%10 == int(d[10]-'0'), false
}

// validFranceSPI: 13 digits, the last three are the first ten mod 511.
func validFranceSPI(m []byte) (bool, bool) {
	var buf [32]byte
	d := digitsIn(&buf, m)
	return len(d) == 13 && atoi(d[:10])%511 == atoi(d[10:]), false
}
