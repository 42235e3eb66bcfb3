package eventpattern

import (
	"strings"
	"testing"
)

// matchCase is a pattern, an event and whether AWS matches them. The cases
// follow the examples of "Content filtering in Amazon EventBridge event
// patterns", "Arrays in Amazon EventBridge event patterns" and the
// comparison-operators table of the EventBridge User Guide.
type matchCase struct {
	name    string
	pattern string
	event   string
	want    bool
}

const ec2Event = `{"version":"0","id":"6a7e8feb-b491-4cf7-a9f1-bf3703467718","detail-type":"EC2 Instance State-change Notification",
"source":"aws.ec2","account":"111122223333","time":"2017-12-22T18:43:48Z","region":"us-west-1",
"resources":["arn:aws:ec2:us-west-1:123456789012:instance/i-1234567890abcdef0"],
"detail":{"instance-id":"i-1234567890abcdef0","state":"terminated","c-count":5,"d-count":9,"x-limit":301.8,
"sourceIPAddress":"10.0.0.123","ipv6":"2001:db8::1","FileName":"photo.PNG","tags":["a","b"],"flag":true,"none":null,
"empty":"","nested":{"c1":100},"list":[{"k":"v1"},{"k":"v2"}]}}`

// employees is Event Ruler's array-consistency example.
const employees = `{"employees":[{"firstName":"John","lastName":"Doe"},{"firstName":"Anna","lastName":"Smith"},{"firstName":"Peter","lastName":"Jones"}]}`

var matchCases = []matchCase{
	{"exact", `{"source":["aws.ec2"]}`, ec2Event, true},
	{"exact miss", `{"source":["aws.s3"]}`, ec2Event, false},
	{"array is OR", `{"source":["aws.s3","aws.ec2"]}`, ec2Event, true},
	{"fields AND", `{"source":["aws.ec2"],"detail-type":["EC2 Instance State-change Notification"],"detail":{"state":["terminated"]}}`, ec2Event, true},
	{"fields AND one misses", `{"source":["aws.ec2"],"detail":{"state":["running"]}}`, ec2Event, false},
	{"missing field", `{"detail":{"nope":["x"]}}`, ec2Event, false},
	{"case sensitive", `{"source":["AWS.EC2"]}`, ec2Event, false},
	{"event array intersects", `{"resources":["arn:x","arn:aws:ec2:us-west-1:123456789012:instance/i-1234567890abcdef0"]}`, ec2Event, true},
	{"event array element", `{"detail":{"tags":["b"]}}`, ec2Event, true},
	{"objects in arrays", `{"detail":{"list":{"k":["v2"]}}}`, ec2Event, true},
	{"number exact", `{"detail":{"c-count":[5]}}`, ec2Event, true},
	{"number compared numerically", `{"detail":{"c-count":[5.0]}}`, ec2Event, true},
	{"number exponent", `{"detail":{"x-limit":[3.018e2]}}`, ec2Event, true},
	{"number is not string", `{"detail":{"c-count":["5"]}}`, ec2Event, false},
	{"string is not number", `{"detail":{"state":[5]}}`, ec2Event, false},
	{"large number literal", `{"account":[111122223333]}`, `{"account":111122223333}`, true},
	{"large number other literal", `{"account":[111122223333]}`, `{"account":111122223333.0}`, false},
	{"true", `{"detail":{"flag":[true]}}`, ec2Event, true},
	{"false", `{"detail":{"flag":[false]}}`, ec2Event, false},
	{"true is not string", `{"detail":{"flag":["true"]}}`, ec2Event, false},
	{"null", `{"detail":{"none":[null]}}`, ec2Event, true},
	{"null is not missing", `{"detail":{"nope":[null]}}`, ec2Event, false},
	{"null is not empty", `{"detail":{"none":[""]}}`, ec2Event, false},
	{"empty string", `{"detail":{"empty":[""]}}`, ec2Event, true},
	{"prefix", `{"time":[{"prefix":"2017-12-22"}]}`, ec2Event, true},
	{"prefix miss", `{"time":[{"prefix":"2017-10-02"}]}`, ec2Event, false},
	{"prefix not on numbers", `{"detail":{"c-count":[{"prefix":"5"}]}}`, ec2Event, false},
	{"prefix ignore case", `{"source":[{"prefix":{"equals-ignore-case":"AWS.E"}}]}`, ec2Event, true},
	{"suffix", `{"detail":{"FileName":[{"suffix":".PNG"}]}}`, ec2Event, true},
	{"suffix case", `{"detail":{"FileName":[{"suffix":".png"}]}}`, ec2Event, false},
	{"suffix ignore case", `{"detail":{"FileName":[{"suffix":{"equals-ignore-case":".png"}}]}}`, ec2Event, true},
	{"equals-ignore-case", `{"detail":{"state":[{"equals-ignore-case":"TERMINATED"}]}}`, ec2Event, true},
	{"equals-ignore-case miss", `{"detail":{"state":[{"equals-ignore-case":"TERMINATE"}]}}`, ec2Event, false},
	{"equals-ignore-case unicode", `{"n":[{"equals-ignore-case":"ÉTÉ"}]}`, `{"n":"été"}`, true},
	{"wildcard", `{"detail":{"instance-id":[{"wildcard":"i-*def0"}]}}`, ec2Event, true},
	{"wildcard middle", `{"detail":{"FileName":[{"wildcard":"*oto*"}]}}`, ec2Event, true},
	{"wildcard miss", `{"detail":{"FileName":[{"wildcard":"*.png"}]}}`, ec2Event, false},
	{"wildcard star alone", `{"detail":{"state":[{"wildcard":"*"}]}}`, ec2Event, true},
	{"wildcard escaped star", `{"f":[{"wildcard":"a\\*b"}]}`, `{"f":"a*b"}`, true},
	{"wildcard escaped star literal", `{"f":[{"wildcard":"a\\*b"}]}`, `{"f":"axb"}`, false},
	{"wildcard overlap", `{"f":[{"wildcard":"ab*ab"}]}`, `{"f":"ab"}`, false},
	{"wildcard repeated", `{"f":[{"wildcard":"*a*a*b"}]}`, `{"f":"xaxaab"}`, true},
	{"anything-but string", `{"detail":{"state":[{"anything-but":"initializing"}]}}`, ec2Event, true},
	{"anything-but string excluded", `{"detail":{"state":[{"anything-but":"terminated"}]}}`, ec2Event, false},
	{"anything-but number", `{"detail":{"c-count":[{"anything-but":5}]}}`, ec2Event, false},
	{"anything-but number list", `{"detail":{"c-count":[{"anything-but":[100,200,300]}]}}`, ec2Event, true},
	{"anything-but string list", `{"detail":{"state":[{"anything-but":["stopped","terminated"]}]}}`, ec2Event, false},
	{"anything-but missing field", `{"detail":{"nope":[{"anything-but":"x"}]}}`, ec2Event, false},
	{"anything-but array one other", `{"detail":{"tags":[{"anything-but":"a"}]}}`, ec2Event, true},
	{"anything-but array all excluded", `{"detail":{"tags":[{"anything-but":["a","b"]}]}}`, ec2Event, false},
	{"anything-but prefix", `{"detail":{"state":[{"anything-but":{"prefix":"init"}}]}}`, ec2Event, true},
	{"anything-but prefix excluded", `{"detail":{"state":[{"anything-but":{"prefix":"term"}}]}}`, ec2Event, false},
	{"anything-but suffix", `{"detail":{"FileName":[{"anything-but":{"suffix":".PNG"}}]}}`, ec2Event, false},
	{"anything-but ignore case", `{"detail":{"state":[{"anything-but":{"equals-ignore-case":["TERMINATED"]}}]}}`, ec2Event, false},
	{"anything-but ignore case other", `{"detail":{"state":[{"anything-but":{"equals-ignore-case":"running"}}]}}`, ec2Event, true},
	{"anything-but wildcard", `{"FilePath":[{"anything-but":{"wildcard":"*/lib/*"}}]}`, `{"FilePath":"/usr/lib/x"}`, false},
	{"anything-but wildcard other", `{"FilePath":[{"anything-but":{"wildcard":["*/lib/*","*/bin/*"]}}]}`, `{"FilePath":"/etc/x"}`, true},
	{"anything-but string vs number", `{"detail":{"c-count":[{"anything-but":"5"}]}}`, ec2Event, true},
	{"numeric range", `{"detail":{"c-count":[{"numeric":[">",0,"<=",5]}]}}`, ec2Event, true},
	{"numeric range open top", `{"detail":{"c-count":[{"numeric":[">",0,"<",5]}]}}`, ec2Event, false},
	{"numeric lt", `{"detail":{"d-count":[{"numeric":["<",10]}]}}`, ec2Event, true},
	{"numeric eq", `{"detail":{"x-limit":[{"numeric":["=",3.018e2]}]}}`, ec2Event, true},
	{"numeric ge", `{"detail":{"c-count":[{"numeric":[">=",5]}]}}`, ec2Event, true},
	{"numeric gt", `{"detail":{"c-count":[{"numeric":[">",5]}]}}`, ec2Event, false},
	{"numeric not on strings", `{"detail":{"state":[{"numeric":[">",0]}]}}`, ec2Event, false},
	{"numeric six decimals", `{"n":[{"numeric":["=",0.1234564]}]}`, `{"n":0.123456}`, true},
	{"numeric beyond limit", `{"n":[{"numeric":[">",0]}]}`, `{"n":6e9}`, false},
	{"all AND numeric", `{"detail":{"c-count":[{"numeric":[">",0,"<=",5]}],"d-count":[{"numeric":["<",10]}],"x-limit":[{"numeric":["=",3.018e2]}]}}`, ec2Event, true},
	{"cidr", `{"detail":{"sourceIPAddress":[{"cidr":"10.0.0.0/24"}]}}`, ec2Event, true},
	{"cidr miss", `{"detail":{"sourceIPAddress":[{"cidr":"10.0.1.0/24"}]}}`, ec2Event, false},
	{"cidr ipv6", `{"detail":{"ipv6":[{"cidr":"2001:db8::/32"}]}}`, ec2Event, true},
	{"cidr family", `{"detail":{"ipv6":[{"cidr":"0.0.0.0/0"}]}}`, ec2Event, false},
	{"cidr not an ip", `{"detail":{"state":[{"cidr":"0.0.0.0/0"}]}}`, ec2Event, false},
	{"exists true", `{"detail":{"state":[{"exists":true}]}}`, ec2Event, true},
	{"exists true null", `{"detail":{"none":[{"exists":true}]}}`, ec2Event, true},
	{"exists true missing", `{"detail":{"nope":[{"exists":true}]}}`, ec2Event, false},
	{"exists false", `{"detail":{"nope":[{"exists":false}]}}`, ec2Event, true},
	{"exists false present", `{"detail":{"state":[{"exists":false}]}}`, ec2Event, false},
	{"exists false intermediate", `{"detail":{"nested":[{"exists":false}]}}`, ec2Event, true},
	{"exists true intermediate", `{"detail":{"nested":[{"exists":true}]}}`, ec2Event, false},
	{"exists false empty array", `{"a":[{"exists":false}]}`, `{"a":[]}`, true},
	{"exists false alone", `{"a":[{"exists":false}]}`, `{}`, true},
	{"or top", `{"source":["aws.ec2"],"$or":[{"detail":{"c-count":[1]}},{"detail":{"state":["terminated"]}}]}`, ec2Event, true},
	{"or none", `{"$or":[{"source":["x"]},{"region":["y"]}]}`, ec2Event, false},
	{"or nested", `{"detail":{"$or":[{"c-count":[{"numeric":[">",0,"<=",5]}]},{"d-count":[{"numeric":["<",10]}]}]}}`, ec2Event, true},
	{"or and other field", `{"$or":[{"source":["aws.ec2"]},{"region":["y"]}],"detail":{"state":["nope"]}}`, ec2Event, false},
	{"or inside or", `{"$or":[{"source":["x"]},{"$or":[{"region":["us-west-1"]},{"account":["z"]}]}]}`, ec2Event, true},
	{"duplicate key last wins", `{"detail":{"state":[{"prefix":"term"}],"state":[{"anything-but":"terminated"}]}}`, ec2Event, false},
	{"duplicate object keys merge", `{"detail":{"state":["terminated"]},"detail":{"c-count":[5]}}`, ec2Event, true},
	{"duplicate object keys merge miss", `{"detail":{"state":["terminated"]},"detail":{"c-count":[6]}}`, ec2Event, false},
	{"mixed array", `{"detail":{"state":["x",{"prefix":"term"},5,null]}}`, ec2Event, true},
	{"dotted key", `{"a.b":["x"]}`, `{"a":{"b":"x"}}`, true},
	{"escaped strings", `{"s":["a\"b\u00e9"]}`, `{"s":"a\"b\u00e9"}`, true},
	{"array consistency same element", `{"employees":{"firstName":["Anna"],"lastName":["Smith"]}}`, employees, true},
	{"array consistency different elements", `{"employees":{"firstName":["Anna"],"lastName":["Jones"]}}`, employees, false},
	{"array consistency nested arrays", `{"employees":{"firstName":["John"],"lastName":["Doe"]}}`, `{"employees":[[{"firstName":"John","lastName":"Doe"},{"firstName":"Anna","lastName":"Smith"}],[{"firstName":"Peter","lastName":"Jones"}]]}`, true},
	{"array consistency nested arrays apart", `{"employees":{"firstName":["John"],"lastName":["Jones"]}}`, `{"employees":[[{"firstName":"John","lastName":"Doe"},{"firstName":"Anna","lastName":"Smith"}],[{"firstName":"Peter","lastName":"Jones"}]]}`, false},
	{"array consistency with outside field", `{"source":["x"],"employees":{"firstName":["Peter"]}}`, `{"source":"x","employees":[{"firstName":"Anna"},{"firstName":"Peter"}]}`, true},
	{"array consistency exists false", `{"employees":{"firstName":["Anna"],"age":[{"exists":false}]}}`, employees, true},
	{"ip address exact", `{"ip":["2001:db8::1"]}`, `{"ip":"2001:DB8:0:0:0:0:0:1"}`, true},
	{"ip address exact v4", `{"ip":["10.0.0.1"]}`, `{"ip":"10.0.0.1"}`, true},
	{"ip address exact other", `{"ip":["10.0.0.1"]}`, `{"ip":"10.0.0.2"}`, false},
	{"ip-like text", `{"t":["08:23"]}`, `{"t":"08:23"}`, true},
	{"empty key", `{"":{"a":["x"]}}`, `{"":{"a":"x"}}`, true},
	{"empty key is not the top", `{"a":["x"]}`, `{"":{"a":"x"}}`, false},
	{"empty key in the middle", `{"a":{"":{"b":[1]}}}`, `{"a":{"":{"b":1}}}`, true},
	{"surrogate pair", `{"s":["😀"]}`, `{"s":"\ud83d\ude00"}`, true},
}

func TestMatchCases(t *testing.T) {
	t.Parallel()
	if len(matchCases) < 90 {
		t.Fatalf("only %d cases", len(matchCases))
	}
	for _, tc := range matchCases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			p, err := Parse([]byte(tc.pattern))
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			s := NewSet()
			s.Add("r", p)
			ids, err := s.Match([]byte(tc.event))
			if err != nil {
				t.Fatalf("Set.Match: %v", err)
			}
			if got := len(ids) == 1; got != tc.want {
				t.Errorf("Set: got %v, want %v", got, tc.want)
			}
			leaves, err := naiveFlatten([]byte(tc.event))
			if err != nil {
				t.Fatalf("naiveFlatten: %v", err)
			}
			if got := naiveMatch(p, leaves); got != tc.want {
				t.Errorf("naive: got %v, want %v", got, tc.want)
			}
		})
	}
}

// TestSetManyRules checks Set answers with the ids of every matching rule,
// sorted, and follows Add and Remove.
func TestSetManyRules(t *testing.T) {
	t.Parallel()
	s := NewSet()
	for _, tc := range matchCases {
		s.Add(tc.name, mustParse(t, tc.pattern))
	}
	// Every case written against ec2Event must be among the matches; the
	// other patterns may match too (exists:false on a path ec2Event lacks),
	// which the naive matcher decides.
	pats, ids := map[string]*Pattern{}, []string{}
	for _, tc := range matchCases {
		pats[tc.name] = mustParse(t, tc.pattern)
		ids = append(ids, tc.name)
	}
	sortStrings(ids)
	want, err := naiveMatchAll(ids, pats, []byte(ec2Event))
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range matchCases {
		if tc.event == ec2Event && tc.want && !contains(want, tc.name) {
			t.Fatalf("naive misses %q", tc.name)
		}
	}
	got, err := s.Match([]byte(ec2Event))
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Fatalf("got  %q\nwant %q", got, want)
	}
	if !s.Remove("exact") || s.Remove("exact") {
		t.Fatal("Remove did not report presence")
	}
	got2, _ := s.Match([]byte(ec2Event))
	if len(got2) != len(got)-1 || s.Len() != len(matchCases)-1 {
		t.Fatalf("after Remove: %d ids, Len %d", len(got2), s.Len())
	}
	s.Add("exact", mustParse(t, `{"source":["nope"]}`))
	got3, _ := s.Match([]byte(ec2Event))
	if len(got3) != len(got2) {
		t.Fatalf("replaced rule still matches: %q", got3)
	}
}

func mustParse(t testing.TB, s string) *Pattern {
	t.Helper()
	p, err := Parse([]byte(s))
	if err != nil {
		t.Fatalf("Parse(%s): %v", s, err)
	}
	return p
}

func contains(s []string, x string) bool {
	for _, y := range s {
		if y == x {
			return true
		}
	}
	return false
}

// TestSetConcurrent runs Match from several goroutines while rules are added
// and removed (run with -race).
func TestSetConcurrent(t *testing.T) {
	t.Parallel()
	s := NewSet()
	s.Add("fixed", mustParse(t, `{"source":["aws.ec2"]}`))
	done := make(chan struct{})
	go func() {
		defer close(done)
		for i := range 200 {
			id := "r" + itoa(i%7)
			s.Add(id, mustParse(t, `{"detail":{"state":["terminated"]}}`))
			if i%3 == 0 {
				s.Remove(id)
			}
		}
	}()
	errs := make(chan string, 4)
	for range 4 {
		go func() {
			var dst []string
			for range 300 {
				var err error
				dst, err = s.MatchAppend(dst[:0], []byte(ec2Event))
				if err != nil || !contains(dst, "fixed") {
					errs <- "missing fixed rule or error"
					return
				}
			}
			errs <- ""
		}()
	}
	for range 4 {
		if e := <-errs; e != "" {
			t.Fatal(e)
		}
	}
	<-done
}
