package dataid

import "bytes"

// National and tax identifiers with check digits. Macie requires a keyword
// for all of them; the keyword lists below are moat's (the catalogue does not
// spell them out) in English and the country's language.

func init() {
	kw := func(id, country string, words []string, window int, re string, valid func([]byte) (bool, bool)) {
		register(&Managed{ID: id, Category: PersonalInformation, Countries: []string{country}, Keywords: words,
			KeywordRule: KeywordRequired, trig: triggerKeyword, window: window, re: mustRe(re), valid: valid})
	}
	kw("BRAZIL_CPF_NUMBER", "Brazil", []string{"cpf", "cadastro de pessoa física", "cadastro de pessoas físicas", "cpf/mf"},
		60, `\d{3}\.?\d{3}\.?\d{3}-?\d{2}`, validCPF)
	kw("BRAZIL_CNPJ_NUMBER", "Brazil", []string{"cnpj", "cadastro nacional da pessoa jurídica", "cnpj/mf"},
		60, `\d{2}\.?\d{3}\.?\d{3}/?\d{4}-?\d{2}`, validCNPJ)
	kw("CHILE_RUT_NUMBER", "Chile", []string{"rut", "run", "rol único tributario", "rol único nacional", "rol unico tributario"},
		60, `\d{1,2}\.?\d{3}\.?\d{3}-?[0-9kK]`, validRUT)
	kw("SPAIN_DNI_NUMBER", "Spain", []string{"dni", "documento nacional de identidad", "número de identidad"},
		50, `\d{8}-?[A-Z]`, validDNI)
	kw("SPAIN_NIE_NUMBER", "Spain", []string{"nie", "número de identidad de extranjero", "numero de identidad de extranjero"},
		50, `[XYZ]-?\d{7}-?[A-Z]`, validDNI)
	kw("SPAIN_NIF_NUMBER", "Spain", []string{"nif", "número de identificación fiscal", "numero de identificacion fiscal"},
		50, `[XYZ]?\d{7,8}-?[A-Z]`, validDNI)
	kw("SPAIN_SOCIAL_SECURITY_NUMBER", "Spain", []string{"número de la seguridad social", "seguridad social", "nss", "social security"},
		60, `\d{2}[ /-]?\d{8}[ /-]?\d{2}`, validSpainSSN)
	kw("INDIA_AADHAAR_NUMBER", "India", []string{"aadhaar", "aadhar", "uidai", "आधार"},
		50, `[2-9]\d{3} ?\d{4} ?\d{4}`, validAadhaar)
	kw("INDIA_PERMANENT_ACCOUNT_NUMBER", "India", []string{"pan", "permanent account number", "pan card"},
		50, `[A-Z]{3}[ABCFGHLJPT][A-Z]\d{4}[A-Z]`, nil)
	kw("FRANCE_NATIONAL_IDENTIFICATION_NUMBER", "France", []string{"numéro de sécurité sociale", "sécurité sociale", "insee", "nir", "numéro insee", "social security number"},
		70, `[12] ?\d{2} ?(?:0[1-9]|1[0-2]|[2-9]\d) ?(?:\d{2}|2A|2B) ?\d{3} ?\d{3} ?\d{2}`, validINSEE)
	kw("ITALY_NATIONAL_IDENTIFICATION_NUMBER", "Italy", []string{"codice fiscale", "cod. fiscale", "cf", "tax code"},
		50, `[A-Z]{6}\d{2}[A-EHLMPR-T]\d{2}[A-Z]\d{3}[A-Z]`, validCodiceFiscale)
	kw("MEXICO_CURP_NUMBER", "Mexico", []string{"curp", "clave única de registro de población", "clave unica de registro de poblacion"},
		50, `[A-Z]{4}\d{6}[HMX][A-Z]{5}[0-9A-Z]\d`, validCURP)
	kw("AUSTRALIA_TAX_FILE_NUMBER", "Australia", []string{"tfn", "tax file number", "tax file no"},
		50, `\d{3} ?\d{3} ?\d{2,3}`, validTFN)
	kw("UK_DRIVERS_LICENSE", "UK", []string{"driving licence", "driving license", "driver's licence", "drivers licence", "dvla", "licence number"},
		60, `[A-Z9]{5}\d[0156]\d{4}[A-Z9]{2}\d[A-Z]{2}`, nil)
	register(&Managed{ID: "ARGENTINA_TARJETA_SUBE", Category: PersonalInformation, Countries: []string{"Argentina"},
		Keywords: []string{"sistema único de boleto electrónico", "sube"}, KeywordRule: KeywordRequired,
		trig: triggerKeyword, window: 60, re: mustRe(`6061 ?\d{4} ?\d{4} ?\d{4}`), valid: validSUBE})
}

// digitsIn returns the digits of m (at most 32).
func digitsIn(buf *[32]byte, m []byte) []byte {
	d := buf[:0]
	for _, c := range m {
		if isDigit(c) && len(d) < len(buf) {
			d = append(d, c)
		}
	}
	return d
}

func allSame(d []byte) bool { return len(d) > 0 && bytes.Count(d, d[:1]) == len(d) }

// validCPF: two mod-11 check digits; 000.000.000-00 and the like are not valid.
func validCPF(m []byte) (bool, bool) {
	var buf [32]byte
	d := digitsIn(&buf, m)
	if len(d) != 11 || allSame(d) {
		return false, false
	}
	for k := 9; k <= 10; k++ {
		s := 0
		for i := 0; i < k; i++ {
			s += int(d[i]-'0') * (k + 1 - i)
		}
		if (s*10)%11%10 != int(d[k]-'0') {
			return false, false
		}
	}
	return true, false
}

func validCNPJ(m []byte) (bool, bool) {
	var buf [32]byte
	d := digitsIn(&buf, m)
	if len(d) != 14 || allSame(d) {
		return false, false
	}
	w := []int{6, 5, 4, 3, 2, 9, 8, 7, 6, 5, 4, 3, 2}
	for k := 12; k <= 13; k++ {
		s := 0
		for i := 0; i < k; i++ {
			s += int(d[i]-'0') * w[i+13-k]
		}
		c := 0
		if r := s % 11; r >= 2 {
			c = 11 - r
		}
		if c != int(d[k]-'0') {
			return false, false
		}
	}
	return true, false
}

// validRUT: mod 11 with weights 2..7 from the right; 10 is K, 11 is 0.
func validRUT(m []byte) (bool, bool) {
	last := m[len(m)-1]
	var buf [32]byte
	d := digitsIn(&buf, m[:len(m)-1])
	s, w := 0, 2
	for i := len(d) - 1; i >= 0; i-- {
		s += int(d[i]-'0') * w
		if w++; w > 7 {
			w = 2
		}
	}
	want := byte('0' + (11-s%11)%11)
	switch 11 - s%11 {
	case 10:
		want = 'K'
	case 11:
		want = '0'
	}
	return len(d) >= 7 && (last == want || last == 'k' && want == 'K'), false
}

// validDNI: the letter is TRWAGMYFPDXBNJZSQVHLCKE[number mod 23]; for a NIE
// X, Y, Z stand for 0, 1, 2.
func validDNI(m []byte) (bool, bool) {
	const letters = "TRWAGMYFPDXBNJZSQVHLCKE"
	n := 0
	for _, c := range m[:len(m)-1] {
		switch {
		case isDigit(c):
			n = n*10 + int(c-'0')
		case c == 'X' || c == 'Y' || c == 'Z':
			n = int(c - 'X')
		}
	}
	return letters[n%23] == m[len(m)-1], false
}

// validSpainSSN: province (01-53, 66) + number, the last two digits are the
// first ten mod 97.
func validSpainSSN(m []byte) (bool, bool) {
	var buf [32]byte
	d := digitsIn(&buf, m)
	if len(d) != 12 {
		return false, false
	}
	p := atoi(d[:2])
	return (p >= 1 && p <= 53 || p == 66) && atoi(d[:10])%97 == atoi(d[10:]), false
}

var verhoeffD = [10][10]uint8{{0, 1, 2, 3, 4, 5, 6, 7, 8, 9}, {1, 2, 3, 4, 0, 6, 7, 8, 9, 5}, {2, 3, 4, 0, 1, 7, 8, 9, 5, 6},
	{3, 4, 0, 1, 2, 8, 9, 5, 6, 7}, {4, 0, 1, 2, 3, 9, 5, 6, 7, 8}, {5, 9, 8, 7, 6, 0, 4, 3, 2, 1}, {6, 5, 9, 8, 7, 1, 0, 4, 3, 2},
	{7, 6, 5, 9, 8, 2, 1, 0, 4, 3}, {8, 7, 6, 5, 9, 3, 2, 1, 0, 4}, {9, 8, 7, 6, 5, 4, 3, 2, 1, 0}}
var verhoeffP = [8][10]uint8{{0, 1, 2, 3, 4, 5, 6, 7, 8, 9}, {1, 5, 7, 6, 2, 8, 3, 0, 9, 4}, {5, 8, 0, 3, 7, 9, 6, 1, 4, 2},
	{8, 9, 1, 6, 0, 4, 3, 5, 2, 7}, {9, 4, 5, 3, 1, 2, 0, 7, 6, 8}, {4, 2, 8, 6, 5, 7, 3, 9, 0, 1}, {2, 7, 9, 3, 8, 0, 6, 4, 1, 5},
	{7, 0, 4, 6, 9, 1, 3, 2, 5, 8}}

// validAadhaar: 12 digits with the Verhoeff checksum.
func validAadhaar(m []byte) (bool, bool) {
	var buf [32]byte
	d := digitsIn(&buf, m)
	if len(d) != 12 {
		return false, false
	}
	c := uint8(0)
	for i := 0; i < len(d); i++ {
		c = verhoeffD[c][verhoeffP[i%8][d[len(d)-1-i]-'0']]
	}
	return c == 0, false
}

// validINSEE: 13 digits (2A/2B for Corsica count as 19/18) and a key of 97 - n mod 97.
func validINSEE(m []byte) (bool, bool) {
	var s []byte
	for _, c := range m {
		if c != ' ' {
			s = append(s, c)
		}
	}
	if len(s) != 15 {
		return false, false
	}
	n := 0
	for i, c := range s[:13] {
		switch {
		case isDigit(c):
			n = (n*10 + int(c-'0')) % 97
		case i == 6 && c == 'A':
			n = (n*10 + 9) % 97 // 2A -> 19
		case i == 6 && c == 'B':
			n = (n*10 + 8) % 97 // 2B -> 18
		default:
			return false, false
		}
	}
	return 97-n == atoi(s[13:]), false
}

// validCodiceFiscale: the 16th character is the check letter of the first 15
// (odd positions by the Ministry's table, even positions by value).
func validCodiceFiscale(m []byte) (bool, bool) {
	odd := [36]int{1, 0, 5, 7, 9, 13, 15, 17, 19, 21, 1, 0, 5, 7, 9, 13, 15, 17, 19, 21, 2, 4, 18, 20, 11, 3, 6, 8, 12, 14, 16, 10, 22, 25, 24, 23}
	val := func(c byte) int {
		if isDigit(c) {
			return int(c - '0')
		}
		return int(c-'A') + 10
	}
	s := 0
	for i, c := range m[:15] {
		if i%2 == 0 {
			s += odd[val(c)]
		} else if isDigit(c) {
			s += int(c - '0')
		} else {
			s += int(c - 'A')
		}
	}
	return m[15] == byte('A'+s%26), false
}

// validCURP: the 18th digit checks the first 17 (alphabet 0-9A-NÑO-Z, weights 18..2).
func validCURP(m []byte) (bool, bool) {
	s := 0
	for i, c := range m[:17] {
		v := 0
		switch {
		case isDigit(c):
			v = int(c - '0')
		case c <= 'N':
			v = int(c-'A') + 10
		default:
			v = int(c-'A') + 11 // Ñ sits after N
		}
		s += v * (18 - i)
	}
	return int(m[17]-'0') == (10-s%10)%10, false
}

// validTFN: 8 or 9 digits, weighted sum (1,4,3,7,5,8,6,9,10) divisible by 11.
func validTFN(m []byte) (bool, bool) {
	var buf [32]byte
	d := digitsIn(&buf, m)
	w := []int{1, 4, 3, 7, 5, 8, 6, 9, 10}
	if len(d) == 8 {
		w = []int{10, 7, 8, 4, 6, 3, 5, 1}
	}
	if len(d) != len(w) {
		return false, false
	}
	s := 0
	for i, c := range d {
		s += int(c-'0') * w[i]
	}
	return s%11 == 0, false
}

func validSUBE(m []byte) (bool, bool) {
	var buf [32]byte
	return luhn(digitsIn(&buf, m)), false
}
