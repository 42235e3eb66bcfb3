package dataid_test

import (
	"fmt"

	"github.com/moatdev/moat/dataid"
)

func Example() {
	s, err := dataid.New(dataid.Config{Profile: dataid.ProfileExtended})
	if err != nil {
		panic(err)
	}
	st := s.NewState()
	text := []byte("visa card 4532015112830366, 주민등록번호 900101-1234567, test card 4111111111111111")
	for _, m := range s.Scan(st, text, "", false) {
		fmt.Println(m.Identifier, string(text[m.Start:m.End]))
	}
	// Output:
	// CREDIT_CARD_NUMBER 4532015112830366
	// KOREA_RESIDENT_REGISTRATION_NUMBER 900101-1234567
}

func ExampleTestCustomDataIdentifier() {
	distance := 15 // characters from the end of the keyword to the end of the match
	n, err := dataid.TestCustomDataIdentifier(dataid.CustomDataIdentifierInput{
		Name: "employee id", Regex: `EMP-\d{6}`, Keywords: []string{"employee"}, MaximumMatchDistance: &distance,
	}, "employee EMP-123456, visitor EMP-654321")
	fmt.Println(n, err)
	// Output: 1 <nil>
}
