// Package posture evaluates Security Hub's controls for the CIS AWS
// Foundations Benchmark (v3.0.0 and v1.4.0) and AWS Foundational Security Best
// Practices (FSBP) on an account's exported state, and scores the account
// as Security Hub does.
//
//	acct, err := posture.Load(posture.Inputs{AuthDetails: "auth.json", CredentialReport: "report.json", EC2Dir: "ec2/", Trails: []string{"trails.json"}})
//	rep := posture.Evaluate(acct)          // every control, per resource
//	rep.Score, rep.Standards               // passed ÷ controls with data, per standard and averaged
//	rep.Findings()                         // ASFF control findings (package asff), stable Ids
//	rep.WriteTable(w) / WriteJSON / WriteASFF / WriteHTML
//
// # Inputs
//
// The exports the AWS CLI writes, unchanged: `aws iam
// get-account-authorization-details` (policy documents as objects or
// URL-encoded strings), `aws iam get-credential-report` (its JSON with the
// base64 Content, or the CSV; columns found by name), `aws iam
// get-account-password-policy`, a directory of `aws ec2 describe-*` outputs
// recognised by their top-level member (SecurityGroups, NetworkAcls,
// Reservations, Vpcs, FlowLogs, RouteTables, EbsEncryptionByDefault, Subnets,
// Volumes, Addresses), and
// `aws cloudtrail describe-trails`, `get-trail-status` and
// `get-event-selectors` outputs appended into one file. Every parse error is
// an *InputError with the file, line, column and field.
//
// # Controls
//
// Controls are registered one group per file (controls_iam.go,
// controls_policies.go, controls_network.go, controls_trail.go,
// controls_unavailable.go); a duplicate control id or a standard requirement
// claimed twice panics at start-up. A control carries Security Hub's control
// id (IAM.4, EC2.53, CloudTrail.1 ...) and the requirement ids it satisfies
// in each standard (a control appears once even when several standards use
// it, as with Security Hub's consolidated control findings). CIS
// recommendations Security Hub has no control for (1.7, 1.11, 1.13, 5.5 and
// the manual ones) carry moat's ids "CIS.<topic>". Every CIS v3.0.0 and
// v1.4.0 recommendation has exactly one control; the test suite checks this
// against the shared CIS control list.
//
// A control whose input is missing, or that needs a service the exports do
// not describe (S3, RDS, EFS, KMS, Config, Access Analyzer, CloudWatch metric
// filters, GuardDuty, Macie, account contacts), reports NOT_AVAILABLE, never
// PASSED: it has no data and is left out of the score.
//
// # Status and score [doc: Security Hub user guide, "Compliance" in the API
// reference and standards-security-score]
//
// Each resource gets PASSED, FAILED, WARNING or NOT_AVAILABLE. A control is
// FAILED when any resource failed, UNKNOWN when one is WARNING and none
// failed, PASSED when all passed, NO_DATA when it could not be evaluated.
// Score per standard = passed ÷ (passed + failed + unknown) controls,
// rounded to a whole percent; the summary score is the average of the
// standards' scores. Where AWS leaves a detail open (thresholds of CIS
// recommendations without a Security Hub control, how a control with only
// NOT_AVAILABLE findings counts), docs/posture.md says what moat does.
//
// Hand-written rather than built on Prowler or Config rules: both are
// Python/managed services; the checks here are small functions over the
// exported JSON, so that moat serve can run the same code over its own state.
//
// Report and Control values are immutable after Evaluate; Evaluate may run
// concurrently on different Accounts.
package posture
