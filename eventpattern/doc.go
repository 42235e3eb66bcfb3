// Package eventpattern implements the Amazon EventBridge event pattern
// language: Parse a pattern (JSON) with AWS's validation rules and reasons,
// and match events (JSON) against many patterns at once with a Set.
//
//	p, err := eventpattern.Parse(pattern)  // *eventpattern.Error{Line, Column, Path, Reason}; AWSMessage()
//	set := eventpattern.NewSet()
//	set.Add("root-sign-in", p)             // one entry per rule
//	ids, err := set.Match(event)           // the ids of the rules that match, sorted
//	ids, err = set.MatchAppend(ids[:0], event) // the same without allocating
//
// # What is implemented
//
// From "Amazon EventBridge event patterns", "Arrays in Amazon EventBridge
// event patterns", "Content filtering in Amazon EventBridge event patterns"
// and "Comparison operators for use in event patterns" (EventBridge User
// Guide): exact values (strings, numbers, true, false, null); arrays in
// patterns as OR; fields as AND; nested fields; arrays in events (a field
// matches when any element does; objects inside arrays are flattened, with
// Event Ruler's array consistency: a match never uses two leaves from
// different elements of the same array);
// prefix and suffix, each also with equals-ignore-case; equals-ignore-case;
// wildcard ('*', with "\*" and "\\" escapes); anything-but with a string, a
// number, a list of strings or of numbers, and with prefix, suffix,
// equals-ignore-case (string or list) or wildcard (string or list); numeric
// with =, <, <=, >, >= and two-sided ranges; exists true and false (leaves
// only: a field holding an object does not exist, as AWS documents); cidr
// for IPv4 and IPv6 (an address without a length is a /32 or /128); $or,
// nested and combined with other fields.
//
// Numbers follow AWS's documented limit: numeric matching covers
// -5.0e9..+5.0e9 with six decimal places (values are compared in
// millionths). A pattern number is matched both numerically (within that
// range, so 300, 300.0 and 3.0e2 are equal) and by its literal text, so an
// account id written as a JSON number still matches itself exactly. Numbers
// never match strings, nor strings numbers. A key repeated in a pattern
// follows Event Ruler's streaming semantics: a repeated field replaces the
// earlier one (AWS: "the last reference will be the one used"), a repeated
// object merges with the earlier one.
//
// Validation follows AWS's open-source Event Ruler, which EventBridge runs:
// the same rules and the same reason texts ("Unrecognized match type X",
// "Empty arrays are not allowed", "Value must be between -5.0E9 and 5.0E9,
// inclusive", "Consecutive wildcard characters at pos 1", ...). Error.Line
// and Error.Column point at the offending token; Error.AWSMessage words the
// message as InvalidEventPatternException does ("Event pattern is not
// valid. Reason: ..."), with moat's position in place of Jackson's.
//
// Limits: patterns of DefaultMaxPatternSize (2048, the EventBridge quota) or
// MaxPatternSize (4096, the API's constraint) with ParseLimit; events of
// MaxEventSize (256 KB, the PutEvents entry size). AWS documents no limit on
// nesting or $or combinations; moat bounds them (MaxPatternDepth,
// MaxBranches, MaxEventDepth) and says so in the reason.
//
// # How matching works
//
// A Set indexes every branch of every pattern (a pattern's $or combinations
// expand into branches, each an AND of fields) under one anchor field: the
// field whose matchers the fewest other fields share, by path and value.
// Matching reads the event once with an allocation-free scanner that skips
// subtrees no pattern tests; each leaf at an anchored path is looked up by
// hash (exact values, numbers, equals-ignore-case, prefixes and suffixes by
// operand length, cidr by prefix length, wildcards by their literal head or
// tail); the branches whose anchor holds are then verified against the
// recorded leaves, searching for leaves that are array-consistent (bounded
// by maxVerifySteps per branch). Conditions every rule shares (detail-type, source) cost
// nothing unless a rule's selective condition holds too, so the cost per
// event follows the event's size and the number of matching candidates, not
// the number of rules: with 10,000 CloudTrail rules an event costs
// 1.2-2x what it costs with one (see BenchmarkCloudTrail). Fields whose only
// matchers hold for most values (anything-but, exists, numeric ranges, a
// wildcard with no literal end) become anchors only when a branch has
// nothing more selective, and are then checked one by one.
//
// The index is built on the first Match after Add or Remove; a Set is safe
// for concurrent use.
//
// # Why it is hand-written
//
// AWS's Event Ruler is Java. quamina, the Go matcher in EventBridge's
// style, implements a subset (its PATTERNS.md, in the version read, lists
// no numeric matching) and none of Event Ruler's error texts, which the
// events API must return; moat also takes no new modules. The event
// scanner is hand-written rather than encoding/json so that matching does
// not allocate and skips what no rule reads; the tests compare it with
// encoding/json (FuzzEvent) and the Set with a naive matcher that tries
// every rule in turn (TestDifferential).
//
// # Not implemented
//
// Patterns whose wildcards EventBridge would reject as "Rule is
// too complex" are accepted (AWS does not document the threshold). The
// "exactly" match type of newer Event Ruler versions is not accepted, as
// EventBridge does not document it.
package eventpattern
