package dataid

// Phone numbers. Macie: with a keyword near, no country code is needed;
// without one, the number must carry its country code (+CC or 00CC). The
// national significant number (NSN) lengths and leading digits follow each
// country's ITU-T E.164 numbering plan, simplified.

var phoneKeywords = []string{"cell", "contact", "fax", "fax number", "mobile", "phone", "phone number", "tel",
	"telephone", "telephone number"}

type phonePlan struct {
	cc             string
	trunk          bool // the national form starts with the trunk prefix 0
	nsnMin, nsnMax int
	first          string // allowed leading digits of the NSN
	check          int    // extra NSN rule: checkNANP, checkBrazil, ... (a switch, not a func value, so digits stay on the stack)
}

const (
	checkNone = iota
	checkNANP
	checkBrazil
	checkKRMobile
	checkKRLandline
	checkUK
	checkDE
)

func (p *phonePlan) ok(n []byte) bool {
	switch p.check {
	case checkNANP:
		return nanpOK(n)
	case checkBrazil:
		return brazilOK(n)
	case checkKRMobile:
		return krMobileOK(n)
	case checkKRLandline:
		return krLandlineOK(n)
	case checkUK:
		return n[0] != '1' || n[1] != '0' // no UK area code starts 010
	case checkDE:
		return n[0] != '1' || n[1] >= '5' && n[1] <= '7' // 015x-017x mobiles; 010xx is carrier selection, 011x-014x/018x/019x services
	}
	return true
}

func init() {
	plans := []struct {
		id, country string
		extended    bool
		kw          []string
		p           phonePlan
	}{
		{"PHONE_NUMBER", "Canada, US", false, nil, phonePlan{cc: "1", nsnMin: 10, nsnMax: 10, first: "23456789", check: checkNANP}},
		{"UK_PHONE_NUMBER", "UK", false, nil, phonePlan{cc: "44", trunk: true, nsnMin: 9, nsnMax: 10, first: "123578", check: checkUK}},
		{"FRANCE_PHONE_NUMBER", "France", false, []string{"téléphone", "portable", "numéro de téléphone"}, phonePlan{cc: "33", trunk: true, nsnMin: 9, nsnMax: 9, first: "123456789"}},
		{"GERMANY_PHONE_NUMBER", "Germany", false, []string{"telefon", "handy", "telefonnummer", "rufnummer"}, phonePlan{cc: "49", trunk: true, nsnMin: 7, nsnMax: 11, first: "123456789", check: checkDE}},
		{"ITALY_PHONE_NUMBER", "Italy", false, []string{"telefono", "cellulare", "numero di telefono"}, phonePlan{cc: "39", nsnMin: 9, nsnMax: 10, first: "03"}},
		{"SPAIN_PHONE_NUMBER", "Spain", false, []string{"teléfono", "móvil", "número de teléfono"}, phonePlan{cc: "34", nsnMin: 9, nsnMax: 9, first: "6789"}},
		{"BRAZIL_PHONE_NUMBER", "Brazil", false, []string{"telefone", "celular", "número de telefone"}, phonePlan{cc: "55", nsnMin: 10, nsnMax: 11, first: "123456789", check: checkBrazil}},
		{"KOREA_MOBILE_PHONE_NUMBER", "Korea", true, []string{"전화", "전화번호", "휴대폰", "휴대전화", "핸드폰", "연락처", "휴대폰번호"},
			phonePlan{cc: "82", trunk: true, nsnMin: 9, nsnMax: 10, first: "1", check: checkKRMobile}},
		{"KOREA_PHONE_NUMBER", "Korea", true, []string{"전화", "전화번호", "연락처", "팩스", "대표번호"},
			phonePlan{cc: "82", trunk: true, nsnMin: 8, nsnMax: 10, first: "234567", check: checkKRLandline}},
	}
	for _, p := range plans {
		p := p
		register(&Managed{ID: p.id, Category: PersonalInformation, Countries: []string{p.country}, Extended: p.extended,
			Recommended: !p.extended, Keywords: append(append([]string(nil), phoneKeywords...), p.kw...),
			KeywordRule: KeywordUnlessStrong, trig: triggerDigits, minDigits: p.p.nsnMin, strongGate: phoneStrongGate,
			findRun: func(b []byte, r *numRun, out []span) []span { return findPhone(b, r, &p.p, out) }})
	}
}

func findPhone(b []byte, r *numRun, p *phonePlan, out []span) []span {
	var buf [32]byte
	it := r.ranges(p.nsnMin, p.nsnMax+len(p.cc)+2)
	for i, j, ok := it.next(); ok; i, j, ok = it.next() {
		if !r.edgeOK(b, i, j) {
			continue
		}
		s, e := r.bounds(i, j)
		d := digitsOf(buf[:0], b[s:e])
		intl := s > 0 && b[s-1] == '+'
		if !intl && len(d) > 2 && d[0] == '0' && d[1] == '0' {
			d, intl = d[2:], true
		}
		var nsn []byte
		strong := false
		switch {
		case intl:
			if len(d) <= len(p.cc) || string(d[:len(p.cc)]) != p.cc {
				continue
			}
			nsn, strong = d[len(p.cc):], true
			if s > 0 {
				s--
			}
		case p.trunk:
			if d[0] != '0' {
				continue
			}
			nsn = d[1:]
		case p.cc == "1" && len(d) == 11 && d[0] == '1':
			nsn = d[1:]
		default:
			nsn = d
		}
		if len(nsn) < p.nsnMin || len(nsn) > p.nsnMax || !containsByte(p.first, nsn[0]) || !p.ok(nsn) {
			continue
		}
		if !strong && p.cc == "82" && p.first == "1" && r.groupLens(i, j, 3, 4, 4) && r.uniformSep(b, i, j, "-") {
			strong = true // 010-1234-5678: the Korean mobile shape is unmistakable
		}
		if !strong && i == j && len(d) > 11 {
			continue
		}
		out = append(out, span{s, e, strong})
		it.accept()
	}
	return out
}

// phoneStrongGate: without a keyword only numbers with a country code
// (+CC or 00CC) count, and the Korean mobile shape 010-NNNN-NNNN.
func phoneStrongGate(b []byte, r *numRun) bool {
	s := r.start
	return s > 0 && b[s-1] == '+' || s+1 < len(b) && b[s] == '0' && (b[s+1] == '0' || b[s+1] == '1')
}

// nanpOK: area code and exchange both start with 2-9 (North American Numbering Plan).
func nanpOK(n []byte) bool { return n[3] >= '2' }

// brazilOK: a two-digit area code 11-99; mobile numbers (11 digits) start with 9.
func brazilOK(n []byte) bool {
	if n[0] == '0' || n[1] == '0' {
		return false
	}
	return len(n) == 10 || n[2] == '9'
}

// krMobileOK: 10 or 11-19 prefixes (010, 011, 016-019 in national form), 7-8 more digits.
func krMobileOK(n []byte) bool {
	return n[0] == '1' && (n[1] == '0' || n[1] == '1' || n[1] >= '6') && (len(n) == 10 || n[1] != '0' && len(n) == 9)
}

// krLandlineOK: Seoul 2 + 7-8 digits; areas 31-33, 41-44, 51-55, 61-64 + 7-8
// digits; 70 (VoIP) + 8 digits.
func krLandlineOK(n []byte) bool {
	switch {
	case n[0] == '2':
		return len(n) == 8 || len(n) == 9
	case n[0] == '7':
		return n[1] == '0' && len(n) == 10
	}
	a := atoi(n[:2])
	area := a >= 31 && a <= 33 || a >= 41 && a <= 44 || a >= 51 && a <= 55 || a >= 61 && a <= 64
	return area && (len(n) == 9 || len(n) == 10)
}
