package dataid

import (
	"fmt"
	"strings"
	"sync"
	"testing"
)

// found scans text with every identifier of the extended profile and returns
// the text of each occurrence of id.
var (
	extendedOnce sync.Once
	extended     *Scanner
)

func found(t *testing.T, id, text string) []string {
	t.Helper()
	extendedOnce.Do(func() {
		var err error
		if extended, err = New(Config{Profile: ProfileExtended}); err != nil {
			panic(err)
		}
	})
	s := extended
	var out []string
	for _, m := range s.Scan(s.NewState(), []byte(text), "", false) {
		if m.Identifier == id {
			out = append(out, text[m.Start:m.End])
		}
	}
	return out
}

type idCase struct {
	name, text, want string // want "" means no occurrence of the identifier
}

func runIDCases(t *testing.T, id string, cases []idCase) {
	t.Helper()
	if _, ok := LookupManaged(id); !ok {
		t.Fatalf("identifier %s is not registered", id)
	}
	if len(cases) < 3 {
		t.Fatalf("%s: want valid, invalid and near-miss cases, have %d", id, len(cases))
	}
	for _, c := range cases {
		t.Run(id+"/"+c.name, func(t *testing.T) {
			got := found(t, id, c.text)
			switch {
			case c.want == "" && len(got) > 0:
				t.Fatalf("%q: reported %q, want nothing", c.text, got)
			case c.want != "" && (len(got) != 1 || got[0] != c.want):
				t.Fatalf("%q: got %q, want [%q]", c.text, got, c.want)
			}
		})
	}
}

func TestCreditCardNumber(t *testing.T) {
	t.Parallel()
	runIDCases(t, "CREDIT_CARD_NUMBER", []idCase{
		{"visa with keyword", "card: 4532015112830366", "4532015112830366"},
		{"spaced mastercard", "Mastercard 5375 9612 3456 7898 on file", "5375 9612 3456 7898"},
		{"amex 4-6-5", "amex 3714-496353-98431 ok", ""}, // issuer test number, suppressed
		{"no keyword", "number 4532015112830366 here", ""},
		{"luhn failure", "card: 4532015112830367", ""},
		{"test PAN suppressed", "card: 4111111111111111", ""},
		{"glued to letters", "card: x4532015112830366", ""},
		{"mixed separators", "card: 4532-0151 1283-0366", ""},
		{"unknown prefix", "card: 9532015112830364", ""},
		{"keyword 31 characters away", "card" + strings.Repeat(" ", 31) + "4532015112830366", ""},
		{"keyword 30 characters away", "card" + strings.Repeat(" ", 30) + "4532015112830366", "4532015112830366"},
		{"keyword after", "4532015112830366 is the visa", "4532015112830366"},
		{"keyword inside a word", "scardo 4532015112830366", ""},
	})
	runIDCases(t, "CREDIT_CARD_NUMBER_(NO_KEYWORD)", []idCase{
		{"bare", "x 4532015112830366 y", "4532015112830366"},
		{"with keyword goes to the twin", "visa 4532015112830366", ""},
		{"luhn failure", "x 4532015112830367", ""},
	})
}

func TestCardExtras(t *testing.T) {
	t.Parallel()
	runIDCases(t, "CREDIT_CARD_EXPIRATION", []idCase{
		{"mm/yy", "expiry 12/27", "12/27"},
		{"no keyword", "on 12/27", ""},
		{"bad month", "expiry 13/27", ""},
	})
	runIDCases(t, "CREDIT_CARD_SECURITY_CODE", []idCase{
		{"cvv", "CVV: 123", "123"},
		{"no keyword", "code 123", ""},
		{"too long", "cvv 12345", ""},
	})
	runIDCases(t, "CREDIT_CARD_MAGNETIC_STRIPE", []idCase{
		{"track 2", "swipe ;4532015112830366=27121010000000000000?", ";4532015112830366=27121010000000000000?"},
		{"no keyword", "data ;4532015112830366=27121010000000000000?", ""},
		{"luhn failure", "swipe ;4532015112830367=27121010000000000000?", ""},
	})
}

func TestCredentials(t *testing.T) {
	t.Parallel()
	secret := "Zx9Kq2Lm8Np4Rs6Tu1Vw3Yb5Cd7Ef0GhIjKlMnOp"
	runIDCases(t, "AWS_CREDENTIALS", []idCase{
		{"ini file", "aws_secret_access_key = " + secret, secret},
		{"documentation example", "aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", ""},
		{"no keyword", "value = " + secret, ""},
		{"git hash", "credentials 3f786850e387550fdab836ed7e6dc881de23001b", ""},
		{"longer token", "secret key " + secret + "XYZ", ""},
	})
	runIDCases(t, "AWS_ACCESS_KEY_ID", []idCase{
		{"key id", "aws_access_key_id=AKIAZ7Q3RXW5ABCDEFGH", "AKIAZ7Q3RXW5ABCDEFGH"},
		{"documentation example", "AKIAIOSFODNN7EXAMPLE", ""},
		{"lower case", "akiaz7q3rxw5abcdefgh", ""},
		{"too long", "AKIAZ7Q3RXW5ABCDEFGHI", ""},
	})
	runIDCases(t, "STRIPE_CREDENTIALS", []idCase{
		{"live key", "key sk_live_51HqLyjWDarjtT1zdp7dcXyZ0", "sk_live_51HqLyjWDarjtT1zdp7dcXyZ0"},
		{"documented sample", "sk_test_4eC39HqLyjWDarjtT1zdp7dc", ""},
		{"too short", "sk_live_abc", ""},
	})
	runIDCases(t, "GCP_API_KEY", []idCase{
		{"with keyword", "X-goog-api-key: AIzaSyA1b2C3d4E5f6G7h8I9j0KlMnOpQrStUvW", "AIzaSyA1b2C3d4E5f6G7h8I9j0KlMnOpQrStUvW"},
		{"no keyword", "key: AIzaSyA1b2C3d4E5f6G7h8I9j0KlMnOpQrStUvW", ""},
		{"short", "google-api-key AIzaSyA1b2", ""},
	})
	runIDCases(t, "HTTP_BASIC_AUTH_HEADER", []idCase{
		{"header", "Authorization: Basic dXNlcjpwYXNzd29yZA==", "Authorization: Basic dXNlcjpwYXNzd29yZA=="},
		{"proxy header", "Proxy-Authorization: basic dXNlcjpwYXNzd29yZA==", "Proxy-Authorization: basic dXNlcjpwYXNzd29yZA=="},
		{"bearer", "Authorization: Bearer dXNlcjpwYXNzd29yZA==", ""},
		{"no colon inside", "Authorization: Basic aGVsbG8=", ""},
	})
	jwt := "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U"
	runIDCases(t, "JSON_WEB_TOKEN", []idCase{
		{"signed", "token=" + jwt, jwt},
		{"unsigned", "eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.", "eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0."},
		{"header without alg", "eyJ0eXAiOiJKV1QifQ.eyJzdWIiOiJ4In0.abc", ""},
		{"one segment", "eyJhbGciOiJIUzI1NiJ9", ""},
	})
	body := strings.Repeat("MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7\n", 3)
	runIDCases(t, "PKCS", []idCase{
		{"pkcs8", "-----BEGIN PRIVATE KEY-----\n" + body + "-----END PRIVATE KEY-----\n", "-----BEGIN PRIVATE KEY-----\n" + body + "-----END PRIVATE KEY-----"},
		{"public key", "-----BEGIN PUBLIC KEY-----\n" + body + "-----END PUBLIC KEY-----\n", ""},
		{"placeholder", "-----BEGIN RSA PRIVATE KEY-----\n...\n-----END RSA PRIVATE KEY-----", ""},
		{"no end line", "-----BEGIN PRIVATE KEY-----\n" + body, ""},
	})
	runIDCases(t, "OPENSSH_PRIVATE_KEY", []idCase{
		{"key", "-----BEGIN OPENSSH PRIVATE KEY-----\n" + body + "-----END OPENSSH PRIVATE KEY-----", "-----BEGIN OPENSSH PRIVATE KEY-----\n" + body + "-----END OPENSSH PRIVATE KEY-----"},
		{"mismatched end", "-----BEGIN OPENSSH PRIVATE KEY-----\n" + body + "-----END PRIVATE KEY-----", ""},
		{"certificate", "-----BEGIN CERTIFICATE-----\n" + body + "-----END CERTIFICATE-----", ""},
	})
	runIDCases(t, "PGP_PRIVATE_KEY", []idCase{
		{"key", "-----BEGIN PGP PRIVATE KEY BLOCK-----\n\n" + body + "-----END PGP PRIVATE KEY BLOCK-----", "-----BEGIN PGP PRIVATE KEY BLOCK-----\n\n" + body + "-----END PGP PRIVATE KEY BLOCK-----"},
		{"public block", "-----BEGIN PGP PUBLIC KEY BLOCK-----\n" + body + "-----END PGP PUBLIC KEY BLOCK-----", ""},
		{"empty body", "-----BEGIN PGP PRIVATE KEY BLOCK-----\n-----END PGP PRIVATE KEY BLOCK-----", ""},
	})
	ppk := "PuTTY-User-Key-File-2: ssh-rsa\nEncryption: none\nComment: k\nPublic-Lines: 1\nAAAA\nPrivate-Lines: 1\nBBBB\nPrivate-MAC: 0123abcd"
	runIDCases(t, "PUTTY_PRIVATE_KEY", []idCase{
		{"ppk", ppk + "\n", ppk},
		{"custom header", strings.Replace(ppk, "Comment: k\n", "Comment: k\nX-Custom: 1\n", 1), ""},
		{"no mac", strings.TrimSuffix(ppk, "\nPrivate-MAC: 0123abcd"), ""},
	})
}

func TestBankAccounts(t *testing.T) {
	t.Parallel()
	runIDCases(t, "GERMANY_BANK_ACCOUNT_NUMBER", []idCase{
		{"iban compact", "pay to DE89370400440532013000.", "DE89370400440532013000"},
		{"iban spaced", "DE89 3704 0044 0532 0130 00", "DE89 3704 0044 0532 0130 00"},
		{"bad check", "DE88370400440532013000", ""},
		{"wrong length", "DE8937040044053201300", ""},
	})
	runIDCases(t, "UK_BANK_ACCOUNT_NUMBER", []idCase{
		{"iban with letters", "GB82 WEST 1234 5698 7654 32", "GB82 WEST 1234 5698 7654 32"},
		{"sort code with keyword", "sort code 12-34-56 12345678", "12-34-56 12345678"},
		{"sort code without keyword", "ref 12-34-56 12345678", ""},
	})
	runIDCases(t, "BANK_ACCOUNT_NUMBER", []idCase{
		{"checking", "checking account 123456789012", "123456789012"},
		{"no keyword", "id 123456789012", ""},
		{"too short", "bank account 12345678", ""},
	})
}

func TestPersonalIdentifiers(t *testing.T) {
	t.Parallel()
	runIDCases(t, "USA_SOCIAL_SECURITY_NUMBER", []idCase{
		{"ssn", "SSN: 123-45-6789", "123-45-6789"},
		{"area 666", "ssn 666-45-6789", ""},
		{"no keyword", "id 123-45-6789", ""},
		{"group 00", "ssn 123-00-6789", ""},
	})
	runIDCases(t, "USA_INDIVIDUAL_TAX_IDENTIFICATION_NUMBER", []idCase{
		{"itin", "ITIN 912-70-1234", "912-70-1234"},
		{"group 93", "itin 912-93-1234", ""},
		{"not 9xx", "itin 812-70-1234", ""},
	})
	runIDCases(t, "DATE_OF_BIRTH", []idCase{
		{"iso", "DOB: 1984-02-29", "1984-02-29"},
		{"not a leap year", "dob 1985-02-29", ""},
		{"no keyword", "on 1984-02-28", ""},
		{"version string", "dob 1.2.3", ""},
	})
	runIDCases(t, "PHONE_NUMBER", []idCase{
		{"international", "call +1 415-555-0132 now", "+1 415-555-0132"},
		{"national with keyword", "phone (415) 555-0132", "415) 555-0132"},
		{"national without keyword", "ref 415-555-0132", ""},
		{"bad exchange", "phone 415-155-0132", ""},
	})
	runIDCases(t, "UK_PHONE_NUMBER", []idCase{
		{"international", "+44 20 7946 0958", "+44 20 7946 0958"},
		{"national with keyword", "tel 020 7946 0958", "020 7946 0958"},
		{"national without keyword", "x 020 7946 0958", ""},
	})
	runIDCases(t, "VEHICLE_IDENTIFICATION_NUMBER", []idCase{
		{"vin", "VIN 1M8GDM9AXKP042788", "1M8GDM9AXKP042788"},
		{"letter O", "VIN 1M8GDM9OXKP042788", ""},
		{"no keyword", "ref 1M8GDM9AXKP042788", ""},
	})
	runIDCases(t, "LATITUDE_LONGITUDE", []idCase{
		{"pair", "coordinates: 37.5665, 126.9780", "37.5665, 126.9780"},
		{"out of range", "coordinates: 97.5665, 126.9780", ""},
		{"no keyword", "at 37.5665, 126.9780", ""},
	})
	runIDCases(t, "HTTP_COOKIE", []idCase{
		{"cookie", "GET / HTTP/1.1\nCookie: session=abc123; theme=dark\n", "Cookie: session=abc123; theme=dark"},
		{"set-cookie", "Set-Cookie: id=a3fWa; Max-Age=2592000\n", "Set-Cookie: id=a3fWa; Max-Age=2592000"},
		{"no value", "Cookie: \n", ""},
	})
	runIDCases(t, "EMAIL_ADDRESS", []idCase{
		{"address", "mail jane.doe+x@example.co.kr today", "jane.doe+x@example.co.kr"},
		{"no tld", "jane@localhost", ""},
		{"handle", "@jane", ""},
	})
	runIDCases(t, "UK_NATIONAL_INSURANCE_NUMBER", []idCase{
		{"nino", "NINO: AB 12 34 56 C", "AB 12 34 56 C"},
		{"bad prefix", "NINO: GB 12 34 56 C", ""},
		{"no keyword", "AB123456C", ""},
	})
	runIDCases(t, "CANADA_SOCIAL_INSURANCE_NUMBER", []idCase{
		{"sin", "SIN 130 692 544", "130 692 544"},
		{"luhn failure", "SIN 130 692 545", ""},
		{"no keyword", "ref 130 692 544", ""},
	})
	runIDCases(t, "USA_PASSPORT_NUMBER", []idCase{
		{"passport", "passport number: 340020013", "340020013"},
		{"no keyword", "number: 340020013", ""},
		{"too long", "passport 3400200134", ""},
	})
}

func TestKoreanIdentifiers(t *testing.T) {
	t.Parallel()
	runIDCases(t, "KOREA_RESIDENT_REGISTRATION_NUMBER", []idCase{
		{"check digit, no keyword", "ID 900101-1234568 end", "900101-1234568"},
		{"post-2020 number with keyword", "주민등록번호: 900101-1234567", "900101-1234567"},
		{"post-2020 number without keyword", "ID 900101-1234567", ""},
		{"impossible date", "주민번호 901301-1234568", ""},
		{"2000s", "rrn 0212314123453", "0212314123453"},
		{"foreigner digit", "주민번호 900101-5234567", ""},
	})
	runIDCases(t, "KOREA_FOREIGNER_REGISTRATION_NUMBER", []idCase{
		{"frn", "외국인등록번호 900101-5234567", "900101-5234567"},
		{"no keyword", "ID 900101-5234567", ""},
		{"citizen digit", "외국인등록번호 900101-1234568", ""},
	})
	runIDCases(t, "KOREA_BUSINESS_REGISTRATION_NUMBER", []idCase{
		{"hyphenated", "등록 123-45-67891", "123-45-67891"},
		{"bare with keyword", "사업자등록번호 1234567891", "1234567891"},
		{"bare without keyword", "no 1234567891", ""},
		{"bad check", "사업자등록번호 123-45-67890", ""},
	})
	runIDCases(t, "KOREA_MOBILE_PHONE_NUMBER", []idCase{
		{"hyphenated", "010-1234-5678", "010-1234-5678"},
		{"international", "+82 10 1234 5678", "+82 10 1234 5678"},
		{"bare with keyword", "휴대폰 01012345678", "01012345678"},
		{"bare without keyword", "n 01012345678", ""},
		{"landline shape", "휴대폰 02-123-4567", ""},
	})
	runIDCases(t, "KOREA_PHONE_NUMBER", []idCase{
		{"seoul", "전화 02-123-4567", "02-123-4567"},
		{"international", "+82 31 123 4567", "+82 31 123 4567"},
		{"no keyword", "n 02-123-4567", ""},
		{"unknown area", "전화 099-123-4567", ""},
	})
	runIDCases(t, "KOREA_DRIVERS_LICENSE", []idCase{
		{"licence", "운전면허번호 11-12-345678-90", "11-12-345678-90"},
		{"bad region", "운전면허 99-12-345678-90", ""},
		{"no keyword", "n 11-12-345678-90", ""},
	})
	runIDCases(t, "KOREA_PASSPORT_NUMBER", []idCase{
		{"old format", "여권번호 M12345678", "M12345678"},
		{"new format", "passport M123A4567", "M123A4567"},
		{"no keyword", "n M12345678", ""},
	})
}

func TestValidators(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name string
		f    func([]byte) bool
		in   string
		want bool
	}{
		{"luhn ok", luhn, "79927398713", true},
		{"luhn bad", luhn, "79927398710", false},
		{"luhn empty", luhn, "", false},
		{"iban ok", ibanMod97, "GB82WEST12345698765432", true},
		{"iban bad", ibanMod97, "GB83WEST12345698765432", false},
		{"iban lower case", ibanMod97, "gb82west12345698765432", false},
		{"rrn ok", krRRNCheck, "9001011234568", true},
		{"rrn bad", krRRNCheck, "9001011234567", false},
		{"rrn short", krRRNCheck, "900101123456", false},
		{"brn ok", krBRNCheck, "2208112341", true},
		{"brn bad", krBRNCheck, "2208112342", false},
		{"vin ok", vinCheck, "1M8GDM9AXKP042788", true},
		{"vin bad", vinCheck, "1M8GDM9A1KP042788", false},
	}
	for _, c := range cases {
		if got := c.f([]byte(c.in)); got != c.want {
			t.Errorf("%s: %s(%q) = %v, want %v", c.name, c.name, c.in, got, c.want)
		}
	}
}

func TestRegistry(t *testing.T) {
	t.Parallel()
	macie, ext := ManagedIdentifiers(ProfileMacie), ManagedIdentifiers(ProfileExtended)
	if len(macie) < 60 || len(ext) <= len(macie) {
		t.Fatalf("macie profile has %d identifiers, extended %d", len(macie), len(ext))
	}
	for _, m := range macie {
		if m.Extended || strings.HasPrefix(m.ID, "KOREA_") || m.ID == "EMAIL_ADDRESS" {
			t.Errorf("%s is a moat extension but is in the macie profile", m.ID)
		}
	}
	defer func() {
		if recover() == nil {
			t.Error("registering a duplicate id did not panic")
		}
	}()
	register(&Managed{ID: "PKCS", Category: Credentials, trig: triggerAnchor, anchors: []string{"x"}, findAt: findPEM})
}

func TestNationalIdentifiers(t *testing.T) {
	t.Parallel()
	runIDCases(t, "BRAZIL_CPF_NUMBER", []idCase{
		{"formatted", "CPF: 529.982.247-25", "529.982.247-25"},
		{"bad check", "CPF: 529.982.247-24", ""},
		{"all same digits", "cpf 111.111.111-11", ""},
		{"no keyword", "id 529.982.247-25", ""},
	})
	runIDCases(t, "BRAZIL_CNPJ_NUMBER", []idCase{
		{"formatted", "CNPJ 11.222.333/0001-81", "11.222.333/0001-81"},
		{"bad check", "CNPJ 11.222.333/0001-82", ""},
		{"no keyword", "n 11.222.333/0001-81", ""},
	})
	runIDCases(t, "CHILE_RUT_NUMBER", []idCase{
		{"formatted", "RUT: 12.345.678-5", "12.345.678-5"},
		{"bad check", "RUT: 12.345.678-4", ""},
		{"no keyword", "n 12.345.678-5", ""},
	})
	runIDCases(t, "SPAIN_DNI_NUMBER", []idCase{
		{"dni", "DNI 12345678Z", "12345678Z"},
		{"wrong letter", "DNI 12345678A", ""},
		{"no keyword", "n 12345678Z", ""},
	})
	runIDCases(t, "SPAIN_NIE_NUMBER", []idCase{
		{"nie", "NIE X1234567L", "X1234567L"},
		{"wrong letter", "NIE X1234567A", ""},
		{"no keyword", "n X1234567L", ""},
	})
	runIDCases(t, "SPAIN_SOCIAL_SECURITY_NUMBER", []idCase{
		{"nss", "NSS 28 12345678 40", "28 12345678 40"},
		{"bad control", "NSS 28 12345678 41", ""},
		{"bad province", "NSS 99 12345678 40", ""},
	})
	runIDCases(t, "INDIA_AADHAAR_NUMBER", []idCase{
		{"spaced", "Aadhaar 2341 2341 2346", "2341 2341 2346"},
		{"verhoeff failure", "Aadhaar 2341 2341 2345", ""},
		{"no keyword", "n 2341 2341 2346", ""},
	})
	runIDCases(t, "INDIA_PERMANENT_ACCOUNT_NUMBER", []idCase{
		{"pan", "PAN: ABCPE1234F", "ABCPE1234F"},
		{"bad holder type", "PAN: ABCXE1234F", ""},
		{"no keyword", "ref ABCPE1234F", ""},
	})
	runIDCases(t, "FRANCE_NATIONAL_IDENTIFICATION_NUMBER", []idCase{
		{"nir", "numéro de sécurité sociale 1 84 03 12 345 678 50", "1 84 03 12 345 678 50"},
		{"bad key", "INSEE 184031234567851", ""},
		{"no keyword", "n 184031234567850", ""},
	})
	runIDCases(t, "ITALY_NATIONAL_IDENTIFICATION_NUMBER", []idCase{
		{"codice fiscale", "codice fiscale RSSMRA85T10A562S", "RSSMRA85T10A562S"},
		{"bad check letter", "codice fiscale RSSMRA85T10A562T", ""},
		{"no keyword", "n RSSMRA85T10A562S", ""},
	})
	runIDCases(t, "MEXICO_CURP_NUMBER", []idCase{
		{"curp", "CURP HEGG560427MVZRRL04", "HEGG560427MVZRRL04"},
		{"bad check", "CURP HEGG560427MVZRRL05", ""},
		{"no keyword", "n HEGG560427MVZRRL04", ""},
	})
	runIDCases(t, "AUSTRALIA_TAX_FILE_NUMBER", []idCase{
		{"tfn", "TFN 123 456 782", "123 456 782"},
		{"bad check", "TFN 123 456 783", ""},
		{"no keyword", "n 123 456 782", ""},
	})
	runIDCases(t, "ARGENTINA_TARJETA_SUBE", []idCase{
		{"sube", "SUBE 6061 2612 3456 7890", "6061 2612 3456 7890"},
		{"luhn failure", "SUBE 6061 2612 3456 7891", ""},
		{"no keyword", "n 6061261234567890", ""},
	})
	runIDCases(t, "UK_DRIVERS_LICENSE", []idCase{
		{"dvla", "driving licence MORGA753116SM9IJ", "MORGA753116SM9IJ"},
		{"bad month digit", "driving licence MORGA783116SM9IJ", ""},
		{"no keyword", "n MORGA753116SM9IJ", ""},
	})
}

func TestMorePhonesAndPassports(t *testing.T) {
	t.Parallel()
	runIDCases(t, "FRANCE_PHONE_NUMBER", []idCase{
		{"international", "+33 6 12 34 56 78", "+33 6 12 34 56 78"},
		{"national with keyword", "téléphone 06 12 34 56 78", "06 12 34 56 78"},
		{"national without keyword", "n 06 12 34 56 78", ""},
	})
	runIDCases(t, "GERMANY_PHONE_NUMBER", []idCase{
		{"international", "+49 30 12345678", "+49 30 12345678"},
		{"mobile with keyword", "Handy 0151 23456789", "0151 23456789"},
		{"carrier prefix", "telefon 010 1234 5678", ""},
	})
	runIDCases(t, "ITALY_PHONE_NUMBER", []idCase{
		{"international", "+39 06 1234 5678", "+39 06 1234 5678"},
		{"mobile with keyword", "cellulare 312 345 6789", "312 345 6789"},
		{"too long", "telefono 010 1234 56789", ""},
	})
	runIDCases(t, "SPAIN_PHONE_NUMBER", []idCase{
		{"international", "+34 612 34 56 78", "+34 612 34 56 78"},
		{"national with keyword", "móvil 612 345 678", "612 345 678"},
		{"bad leading digit", "teléfono 512 345 678", ""},
	})
	runIDCases(t, "BRAZIL_PHONE_NUMBER", []idCase{
		{"international", "+55 11 91234 5678", "+55 11 91234 5678"},
		{"national with keyword", "celular (11) 91234-5678", "11) 91234-5678"},
		{"area code 01", "celular (01) 91234-5678", ""},
	})
	runIDCases(t, "UK_PASSPORT_NUMBER", []idCase{
		{"passport", "passport no 123456789", "123456789"},
		{"no keyword", "ref 123456789", ""},
		{"too short", "passport 12345678", ""},
	})
	runIDCases(t, "CANADA_PASSPORT_NUMBER", []idCase{
		{"passport", "passeport AB123456", "AB123456"},
		{"no keyword", "ref AB123456", ""},
		{"digits only", "passport 12345678", ""},
	})
}

// TestIBANCountries plants a valid IBAN for every country Macie lists, then
// the same with a bad check and with one character too few.
func TestIBANCountries(t *testing.T) {
	t.Parallel()
	if len(ibanCountries) != 52 {
		t.Fatalf("%d IBAN countries, Macie lists 52", len(ibanCountries))
	}
	for _, c := range ibanCountries {
		bban := strings.Repeat("1234567890", 4)[:c.n-4]
		iban := c.cc + ibanCheck(c.cc, bban) + bban
		id := c.id + "_BANK_ACCOUNT_NUMBER"
		bad := iban[:2] + string('0'+(iban[2]-'0'+1)%10) + iban[3:]
		runIDCases(t, id, []idCase{
			{"valid", "x " + iban + " y", iban},
			{"bad check", "x " + bad + " y", ""},
			{"short", "x " + iban[:len(iban)-1] + " y", ""},
		})
	}
}

func ibanCheck(cc, bban string) string {
	r := 0
	for _, ch := range bban + cc + "00" {
		if ch >= 'A' {
			r = (r*100 + int(ch-'A') + 10) % 97
		} else {
			r = (r*10 + int(ch-'0')) % 97
		}
	}
	return fmt.Sprintf("%02d", 98-r)
}

func TestMoreIdentifiers(t *testing.T) {
	t.Parallel()
	runIDCases(t, "FRANCE_PASSPORT_NUMBER", []idCase{
		{"passeport", "passeport 09AB12345", "09AB12345"},
		{"no keyword", "n 09AB12345", ""},
		{"wrong shape", "passeport AB0912345", ""},
	})
	runIDCases(t, "GERMANY_PASSPORT_NUMBER", []idCase{
		{"with check digit", "Reisepass C01X00T478", "C01X00T478"},
		{"bad check digit", "Reisepass C01X00T479", ""},
		{"no keyword", "n C01X00T478", ""},
	})
	runIDCases(t, "ITALY_PASSPORT_NUMBER", []idCase{
		{"passaporto", "passaporto YA1234567", "YA1234567"},
		{"no keyword", "n YA1234567", ""},
		{"too short", "passaporto YA123456", ""},
	})
	runIDCases(t, "SPAIN_PASSPORT_NUMBER", []idCase{
		{"pasaporte", "pasaporte PAA123456", "PAA123456"},
		{"no keyword", "n PAA123456", ""},
		{"digits only", "pasaporte 123456789", ""},
	})
	runIDCases(t, "GERMANY_NATIONAL_IDENTIFICATION_NUMBER", []idCase{
		{"ausweis", "Personalausweis T220001293", "T220001293"},
		{"bad check digit", "Personalausweis T220001294", ""},
		{"no keyword", "n T220001293", ""},
	})
	runIDCases(t, "GERMANY_TAX_IDENTIFICATION_NUMBER", []idCase{
		{"steuer-id", "Steuer-ID 86095742719", "86095742719"},
		{"bad check", "Steuer-ID 86095742718", ""},
		{"no keyword", "n 86095742719", ""},
	})
	runIDCases(t, "FRANCE_TAX_IDENTIFICATION_NUMBER", []idCase{
		{"spi", "numéro fiscal 30 23 217 600 053", "30 23 217 600 053"},
		{"bad key", "numéro fiscal 3023217600054", ""},
		{"no keyword", "n 3023217600053", ""},
	})
	runIDCases(t, "UK_TAX_IDENTIFICATION_NUMBER", []idCase{
		{"utr", "UTR 12345 67890", "12345 67890"},
		{"no keyword", "n 1234567890", ""},
		{"too long", "UTR 123456789012", ""},
	})
	runIDCases(t, "BRAZIL_CEP_CODE", []idCase{
		{"cep", "CEP 01310-100", "01310-100"},
		{"no keyword", "n 01310-100", ""},
		{"too short", "CEP 0131-100", ""},
	})
}

// TestKeywordDistanceCountsCharacters: Macie's 30 characters are
// characters, not bytes: 29 Hangul syllables and a space (90 bytes) are
// within reach, 30 and a space are not.
func TestKeywordDistanceCountsCharacters(t *testing.T) {
	t.Parallel()
	runIDCases(t, "KOREA_RESIDENT_REGISTRATION_NUMBER", []idCase{
		{"30 characters", "주민번호" + strings.Repeat("가", 29) + " 900101-1234567", "900101-1234567"},
		{"31 characters", "주민번호" + strings.Repeat("가", 30) + " 900101-1234567", ""},
		{"keyword after, 30 characters", "900101-1234567 " + strings.Repeat("가", 29) + "주민번호", "900101-1234567"},
		{"underscore variant", "resident_registration_number=900101-1234567", "900101-1234567"},
	})
}
