// Package protocol implements AWS's five wire protocols — query (IAM, STS,
// SNS), ec2, json 1.0/1.1, rest-json and rest-xml (S3) — as codecs driven by
// Go structs with `aws` tags, plus the REST Router and TrailJSON, which
// renders the same structs as CloudTrail's requestParameters and
// responseElements. Envelopes follow shared/specs/aws-wire.md §3.1 byte for
// byte; the golden files under testdata/ are the contract.
//
// # One struct per operation input and output
//
// A service declares, per operation, an input struct (what Decode fills) and
// an output struct (what Encode writes). The Go field name is the AWS member
// name; the `aws` tag overrides it and carries options after commas:
//
//	type CreateUserInput struct {
//		Path                *string
//		UserName            string `aws:",required"`
//		PermissionsBoundary *string
//		Tags                []Tag
//	}
//	type SecurityGroup struct { // ec2 output: lowerCamel locationNames
//		GroupID string `aws:"groupId"`
//		IPPermissions []IPPermission `aws:"ipPermissions"`
//	}
//	type DescribeSecurityGroupsInput struct { // ec2 input: queryNames
//		GroupIDs []string `aws:"GroupId"`
//		Filters  []Filter `aws:"Filter"`
//	}
//
// Tag options:
//
//   - name (first element): the wire name. EC2 outputs use the model's
//     lowerCamel locationName ("groupId"), EC2 inputs its queryName
//     ("GroupId", "Filter"). `aws:"-"` skips the field.
//   - required: Decode reports the member missing with AWS's wording — query
//     ValidationError / json and REST ValidationException "1 validation error
//     detected: Value null at 'userName' failed to satisfy constraint: Member
//     must not be null" (several: "2 validation errors detected: …; …"; paths
//     lowerCamel, list elements as 'tags.1.member.key'); ec2 MissingParameter
//     "The request must contain the parameter GroupName". Present-but-empty
//     ("UserName=") counts as present: length constraints are the service's.
//   - sensitive: never rendered by TrailJSON (passwords, secret keys, tokens).
//   - omitempty: Encode leaves out a zero value (empty string, 0, false,
//     empty slice). Without it only absent values are left out (below).
//   - timestamp=iso8601|epoch|rfc822: override the protocol's default.
//   - trailtime=legacy|comma|iso8601|epoch: how TrailJSON writes the time
//     (default legacy "Jan 2, 2006 3:04:05 PM" as IAM's records; STS
//     credentials use comma "Jan 2, 2006, 3:04:05 PM").
//   - location=uri|querystring|header|headers-prefix|payload|statuscode:
//     REST bindings. uri takes the Router's label of the same name
//     (`aws:"DetectorId,location=uri"`); querystring the named query key
//     (a map[string]string takes every key); header the named header (lists
//     comma-separated, timestamps RFC 1123); headers-prefix a
//     map[string]string of every header starting with the name (keys
//     lower-cased, prefix cut: `aws:"x-amz-meta-,location=headers-prefix"`);
//     payload the whole body (string/[]byte raw, a struct as JSON or XML);
//     statuscode (output only, int) the HTTP status of a success (default 200).
//     Untagged members of a REST struct are the JSON object / XML document body.
//   - flattened: query/rest-xml lists and maps without the wrapper element
//     (S3's <Contents>…</Contents><Contents>…</Contents>; query input
//     Name.N instead of Name.member.N).
//   - member=Tag: the XML element of list items (rest-xml TagSet's <Tag>);
//     default "member" (query, rest-xml) or "item" (ec2).
//
// rest-xml documents: a field named XMLName (any type, e.g. struct{}) names
// the root element and optionally its namespace:
//
//	XMLName struct{} `aws:"ListBucketResult,xmlns=http://s3.amazonaws.com/doc/2006-03-01/"`
//
// Without it the root is "<Op>Result" (a payload struct: the field's name) and
// the namespace Service.XMLNamespace. Anonymous embedded structs without a
// tag are inlined.
//
// # Types
//
// string, bool, ints, uints, float64, time.Time, []byte (base64 on the wire),
// json.RawMessage (a JSON document member: raw in JSON protocols, text in
// XML), pointers to those, slices, nested structs and maps with string keys.
// Use pointers for optional inputs so absent ≠ zero. Output: nil pointers,
// nil slices and maps and zero time.Time are left out; a non-nil empty slice
// is written (<Users/>, []), as IAM does for an empty list; empty strings are
// written unless omitempty.
//
// # Protocol rules
//
// query: input from the form body and URL query; lists Name.member.N (an
// empty list "Name="), maps Name.entry.N.key/value, nested members with
// dots, all 1-based; unknown parameters are ignored. Output
// <OpResponse xmlns=NS><OpResult>…</OpResult><ResponseMetadata><RequestId>
// (no OpResult when out is nil), lists <member>, maps <entry><key><value>,
// Content-Type text/xml; with Accept: application/json the JSON variant
// {"OpResponse":{"OpResult":{…},"ResponseMetadata":{"RequestId":…}}}
// (timestamps epoch seconds there). Errors <ErrorResponse xmlns=NS><Error>
// <Type>Sender|Receiver</Type><Code/><Message/></Error><RequestId/></ErrorResponse>,
// JSON variant {"Error":{"Code","Message","Type"},"RequestId"}.
//
// ec2: lists Name.N, output <?xml…?><OpResponse xmlns=NS><requestId/>members…
// with <item> lists and no Result wrapper; errors <Response><Errors><Error>
// <Code/><Message/></Error></Errors><RequestID/></Response>.
//
// json: operation from X-Amz-Target "<TargetPrefix>.<Op>", body JSON with
// member names, empty body = {}, unknown members ignored, JSON null = absent;
// Content-Type application/x-amz-json-<JSONVersion>; timestamps epoch seconds
// (fraction to the millisecond). Errors {"__type":"Code","message":"…"} plus
// X-Amzn-ErrorType: Code; awserr.Error.Fields are added as string members.
//
// rest-json / rest-xml: the Router names the operation and URI labels;
// bindings by location (above). rest-json errors as json with
// application/json; rest-xml errors <Error><Code/><Message/>Fields…<RequestId/>
// <HostId/></Error> with no wrapper, no body for HEAD. rest-xml answers carry
// x-amz-request-id and x-amz-id-2; the others x-amzn-RequestId.
//
// Timestamps in: ISO 8601 (with or without fraction), epoch seconds and RFC
// 1123 are accepted everywhere. Out: query/ec2/rest-xml
// "2026-01-02T03:04:05Z" (".123Z" when there are milliseconds), json and
// rest-json epoch seconds as a JSON number.
//
// Values that do not parse (MaxItems=abc) are InvalidParameterValue on
// query/ec2, SerializationException on json bodies ("STRING_VALUE can not be
// converted to an Integer"), ValidationException on REST bindings and
// MalformedXML on rest-xml bodies. Those messages are inferred: AWS does not
// document them (codes and statuses are). ValidationFailed words service-side
// constraint failures ("Member must have length less than or equal to 64").
//
// Unknown operations: UnknownOperation(svc, op) gives InvalidAction "Could not
// find operation X for version Y" (query/ec2; MissingAction when Action is
// absent) or UnknownOperationException (json, REST).
//
// # Concurrency
//
// Codecs and Routers are immutable and safe for concurrent use; struct
// metadata is computed once per type and cached. A Request caches its parsed
// form, so one Request belongs to one goroutine.
package protocol
