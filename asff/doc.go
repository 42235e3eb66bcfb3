// Package asff implements the AWS Security Finding Format (ASFF, schema
// 2018-10-08) that Security Hub stores: the finding types, validation of
// BatchImportFindings input with AWS's per-finding FailedFindings errors, the
// GetFindings filter language (AwsSecurityFindingFilters, every attribute and
// every filter type), SortCriteria, and insight grouping — all as pure
// functions over findings, so a store (moat serve's securityhub API) or an
// offline tool can put them behind any index it likes.
//
//	res, err := asff.ParseBatchImport(body)   // res.Findings accepted, res.FailedFindings rejected
//	filters, err := asff.ParseFilters(raw)    // AwsSecurityFindingFilters JSON
//	f, err := asff.Compile(filters, time.Now()) // *FilterError{Attribute, Index, Message}
//	if f.Match(&finding) { ... }              // no allocation
//	f.IndexHints()                            // EQUALS/PREFIX values a store's index can look up
//	asff.ToOCSF(&finding)                     // OCSF 1.6 (the newer Security Hub, Security Lake)
//	s, err := asff.CompileSort(criteria); s.Sort(findings)
//	groups, err := asff.GroupBy(findings, f, "ResourceId")
//	merged, applied := asff.MergeImport(&stored, &incoming, changed) // re-import of the same Id + ProductArn
//	ids, upd, err := asff.ParseBatchUpdate(body); changed = asff.ApplyUpdate(&stored, upd, changed, now)
//
// MergeImport follows AWS's update rules for BatchImportFindings (an update
// not newer than the stored UpdatedAt is ignored; Note, UserDefinedFields,
// VerificationState and Workflow stay the customer's; the top-level copies
// of FindingProviderFields follow the provider until a customer changed
// them; NOTIFIED/RESOLVED go back to NEW on ARCHIVED→ACTIVE or
// PASSED→FAILED/WARNING/NOT_AVAILABLE). ApplyUpdate is BatchUpdateFindings'
// customer update, which leaves UpdatedAt alone.
//
// # Sources
//
// Shapes, attribute names and enums: AWS SDK for Go v2 service/securityhub
// v1.71.2 (types.AwsSecurityFinding, types.AwsSecurityFindingFilters with its
// 104 attributes, StringFilter/MapFilter doc comments for how comparisons
// combine). Limits: API reference BatchImportFindings (100 findings, 240 KB
// each), the partner guide (6 MB per batch), GetFindings (10 attributes, 20
// values each), the ASFF attribute pages (Title 256, Description 1,024,
// Id/GeneratorId 512, ProductArn 12-2,048, Resources 1-32, Types 50,
// Recommendation.Text 512, Malware and ThreatIntelIndicators 5,
// RelatedFindings 10, ProductFields/UserDefinedFields 50, Severity
// Normalized↔Label mapping).
//
// # Error messages
//
// AWS validates findings with a JSON-schema validator and answers
// ErrorCode "InvalidInput" with messages such as "Finding does not adhere to
// Amazon Finding Format. data.Title should NOT be longer than 256
// characters." (wording observed in public reports of real responses:
// aquasecurity/kube-bench#903, prowler-cloud/prowler#778 and #2519,
// aws-samples/aws-securityhub-config-integration#3). Validate reproduces that
// style; messages for checks no public response shows follow the same style
// and are moat's wording. Request-level errors (body not JSON, no Findings,
// more than 100 findings) are *RequestError with code InvalidInputException
// and, for JSON errors, the line and column.
//
// # Where AWS is silent (moat's choices, documented in docs/posture.md)
//
//   - List-valued attributes (Type, ResourceId over several resources,
//     MalwareName, ...): a positive comparison needs one value to match, a
//     negative comparison needs no value to match. A finding without the
//     attribute fails positive filters and passes negative ones.
//   - Several NumberFilters, DateFilters, IpFilters or BooleanFilters on one
//     attribute are ORed; the bounds inside one NumberFilter are ANDed.
//   - Sample absent counts as false. Keyword (deprecated by AWS, semantics
//     undocumented) matches a substring of Title or Description.
//   - Unknown filter attributes are an error (with a suggestion) rather than
//     ignored, so a typo cannot silently match every finding.
//   - Sorting by SeverityLabel follows severity order; findings lacking the
//     sort attribute come last; ties break on Id.
//   - GroupBy counts a finding once under each distinct value and returns
//     at most 100 groups, by count then value.
//
// Hand-written, not generated from the SDK: the SDK types carry no JSON tags
// (its serializers are code), use pointers everywhere and would pull a large
// module into every importer; the subset here keeps the members filters read
// typed and the rest as raw JSON so nothing a provider sent is lost.
//
// Compiled Filters and Sorters are immutable and safe for concurrent use; a
// Grouper is not (one per query).
package asff
