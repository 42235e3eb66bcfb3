// Package dataid finds sensitive data the way Amazon Macie does: managed
// data identifiers with Macie's ids, keyword rules and validations, custom
// data identifiers (regex, keywords, ignore words, maximum match distance,
// severity levels) and allow lists, over text, CSV/TSV, JSON, JSON Lines and
// gzip/zip/tar archives, with occurrences located as Macie's findings locate
// them (line and column, cell, record and JSON path) plus byte offsets.
//
//	s, err := dataid.New(dataid.Config{Profile: dataid.ProfileExtended})
//	st := s.NewState()                                  // scratch space, one per goroutine
//	ms := s.Scan(st, []byte("visa 4532015112830366"), "", false)
//	s.ScanDocument(st, "export.csv", data, dataid.Limits{}, func(r dataid.Result) { ... })
//	err = s.ScanPaths([]string{"dir"}, dataid.Options{}, func(r dataid.Result) { ... })
//
// # Profiles
//
// ProfileMacie holds only identifiers Macie has, under Macie's ids
// (docs.aws.amazon.com/macie/latest/user/mdis-reference-*.html).
// ProfileExtended adds moat's own, which Macie lacks: Korean resident and
// foreigner registration numbers (주민등록번호, 외국인등록번호), business
// registration numbers (사업자등록번호, with their check digit), mobile and
// landline phone numbers, passport and driver's licence numbers, e-mail
// addresses and AWS access key ids. Managed.Extended marks them.
//
// # Matching, and what is Macie's and what is moat's
//
// Keywords follow Macie's rule (managed-data-identifiers-keywords.html): in
// text within 30 characters, inclusive, on either side; in CSV/TSV in the
// same cell or the column name; in JSON in the same value or any element of
// the path. Case-insensitive; a keyword with spaces also matches with '_',
// '-' or nothing in their place. moat adds one rule Macie does not state: a
// keyword must not be glued to letters or digits ("pan" does not match
// inside "company"), since otherwise short keywords (mc, pan, sin, tel)
// would match nearly everywhere.
//
// Custom identifiers follow CreateCustomDataIdentifier: name <= 128, regex
// <= 512 characters in the dialect Macie documents (no capture groups, no
// back-references or look-around: RE2 has neither, and moat rejects capture
// groups; repeats bounded at 100 are moat's reading of "large bounded
// repeats are rejected"), up to 50 keywords of 3-90 characters that must
// precede the match with its end within maximumMatchDistance (1-300,
// default 50) characters of the keyword's end, up to 10 case-sensitive
// ignore words of 4-90 characters, up to three severity levels.
// TestCustomDataIdentifier counts matches in a sample of at most 1,000
// characters. Allow lists: predefined words match an occurrence exactly,
// case-insensitively (Macie's words); a regex list must match the whole
// occurrence (moat's reading: Macie only says data "matching" the pattern).
//
// Severity: every occurrence carries the severity of its object's finding.
// Custom identifiers use their severity levels (below the lowest threshold:
// no finding, so no occurrences). For managed identifiers Macie documents
// only that severity depends on the category and the number of occurrences;
// moat uses High for credentials and financial data and Low (1), Medium
// (2-99), High (100+) for personal data. That table is unverified.
//
// # Speed
//
// Hand-written, no regex on the hot path for most identifiers: one
// Aho-Corasick pass (a dense DFA over byte classes, ASCII case-insensitive)
// finds every keyword and literal anchor ("-----BEGIN", "eyJ", "AKIA",
// "sk_live_", "authorization:", "@"); one pass over digit runs offers each
// run to the numeric identifiers, which check shape, checksum (Luhn, mod 97,
// the RRN and BRN check digits, VIN) and dates by hand. Identifiers that
// need a keyword are not offered anything in a segment without their
// keyword. Regexes run only in a window around a keyword (AWS secret keys,
// passports, VINs) and for custom identifiers. Scanning allocates nothing
// per match once the State has grown; a Scanner is immutable and shared by
// goroutines, each with its own State.
//
// Hand-written rather than a library: the Go module proxy offers
// Aho-Corasick and secret-scanning libraries (gitleaks, osv-scalibr/veles),
// but none implements Macie's identifiers, keyword rule or locations, and
// the validators are a few lines each. The JSON walker is hand-written
// because encoding/json reports neither byte offsets nor paths of values.
//
// # Not implemented
//
// Parquet, Avro, PDF, .doc/.xls and e-mail (.eml) files are reported as
// SKIPPED UNSUPPORTED_FILE_TYPE_EXCEPTION (Parquet needs
// github.com/parquet-go/parquet-go, which is not in go.mod). EUC-KR/CP949
// text is scanned as bytes (golang.org/x/text is not in go.mod); the Korean
// keywords are matched in their CP949 bytes as well (cp949.go), so Korean
// identifiers are found there, with byte-based columns.
//
// Of Macie's managed identifiers, NAME, ADDRESS, most driver's licences,
// a few national and tax ids and the PHI identifiers are not implemented;
// docs/data-identifiers.md lists them.
package dataid
