// Package detect implements GuardDuty-style threat detection over CloudTrail
// records, VPC flow log records and Route 53 Resolver query logs, with
// findings in GuardDuty's finding shape (schema version 2.0).
//
//	d, _ := detect.New(detect.Options{ThreatLists: lists, GeoIP: db})
//	r := detect.NewCloudTrailReader(f, name)     // .json.gz or plain; {"Records":[...]}, arrays, JSON lines
//	for {
//		rec, err := r.Next()                     // *detect.Error (file:line:col, record, field) for a bad record
//		...
//		for _, f := range d.CloudTrail(rec) { … } // findings raised or updated by this record
//	}
//	all := d.Findings()
//
// A Detector takes one record at a time (CloudTrail, FlowLog, DNSQuery), so
// a live event stream can feed it as well as files; Scan reads files and
// directory trees in parallel and feeds one Detector in order (moat detect).
// A repeat of the same activity updates the finding it raised before
// (service.count, eventFirstSeen/eventLastSeen, the latest details), as
// GuardDuty aggregates; the id is stable for (type, account, aggregation key).
//
// # Detectors
//
// CloudTrail (AWS's type names and default severities, guardduty_finding-types-iam
// and -s3): Policy:IAMUser/RootCredentialUsage, Stealth:IAMUser/CloudTrailLoggingDisabled
// (StopLogging, DeleteTrail, PutEventSelectors leaving no management events),
// Stealth:IAMUser/PasswordPolicyChange, UnauthorizedAccess:IAMUser/InstanceCredentialExfiltration.OutsideAWS,
// UnauthorizedAccess:IAMUser/ConsoleLoginSuccess.B (needs GeoIP), Recon:/UnauthorizedAccess:IAMUser/MaliciousIPCaller.Custom
// and UnauthorizedAccess:S3/MaliciousIPCaller.Custom, PenTest:IAMUser/KaliLinux|ParrotLinux|PentooLinux,
// the eight …:IAMUser/AnomalousBehavior families, Policy:S3/BucketAnonymousAccessGranted,
// BucketPublicAccessGranted, BucketBlockPublicAccessDisabled, AccountBlockPublicAccessDisabled
// and Stealth:S3/ServerAccessLoggingDisabled. Beyond GuardDuty, under the
// moat: prefix: console sign-in brute force, console sign-in without MFA,
// snapshot/AMI made public, Sigma rule matches.
//
// VPC flow logs (default format and custom formats with v2–v5 fields):
// Recon:EC2/PortProbeUnprotectedPort, Recon:EC2/Portscan, Impact:EC2/PortSweep,
// UnauthorizedAccess:EC2/SSHBruteForce and RDPBruteForce and Impact:EC2/WinRMBruteForce
// (Low as target, High as source), Backdoor:EC2/DenialOfService.Tcp|Udp|Dns|UdpOnTcpPorts|UnusualProtocol,
// Backdoor:EC2/Spambot, Behavior:EC2/NetworkPortUnusual and TrafficVolumeUnusual
// (per-interface baselines), CryptoCurrency:EC2/BitcoinTool.B and Backdoor:EC2/C&CActivity.B
// (threat lists labelled mining or c2), UnauthorizedAccess:EC2/MaliciousIPCaller.Custom,
// and moat's SSH-from-a-disallowed-country rule (GeoIP).
//
// Resolver query logs: Trojan:EC2/DNSDataExfiltration, Trojan:EC2/DGADomainRequest.B,
// Backdoor:EC2/C&CActivity.B!DNS, CryptoCurrency:EC2/BitcoinTool.B!DNS,
// UnauthorizedAccess:EC2/MetadataDNSRebind.
//
// # Where AWS is silent and moat chooses
//
// GuardDuty does not publish its thresholds, models or intelligence feeds.
// moat's choices, all in Thresholds and BaselineOptions:
//
//   - Counting detectors use a sliding window (default 10 minutes) in event
//     time: brute force 20 connection attempts between one pair of addresses,
//     port scan 50 ports of one remote host, port sweep 50 public hosts on one
//     port, DoS 1,000,000 outbound packets to one host, spam 20 mail servers,
//     console brute force 5 failed sign-ins per user or per address, DNS
//     exfiltration 30 distinct encoded-looking names (24+ characters, entropy
//     ≥ 3.5 bits) under one domain, DGA 5 random-looking names answered NXDOMAIN.
//   - The flow side that is "the instance": flow-direction (v5) when present,
//     else the private address, else the destination.
//   - InstanceCredentialExfiltration.OutsideAWS: GuardDuty knows each
//     instance's addresses from EC2. Offline, moat learns them from
//     describe-instances output (ReadInstances → Options.InstanceAddresses)
//     and flow logs with instance-id; without them, it flags an
//     instance-role session (session name = instance id) used from a public
//     address that people (IAM users, root, federated users) also call from,
//     in either order. AWS's own address ranges are not known (no InsideAWS type).
//   - ConsoleLoginSuccess.B: two successful sign-ins of one user more than 500
//     km apart at more than 1,000 km/h.
//   - PasswordPolicyChange severity: Medium for a deleted policy or one under 8
//     characters without complexity, Low otherwise.
//   - Threat lists: TXT (one IP or CIDR per line; moat also accepts # comments
//     and domain names, for the DNS findings) and STIX 1.x observables. Lists
//     are labelled custom (MaliciousIPCaller.Custom), c2 or mining, standing in
//     for GuardDuty's own feeds. The trusted list silences CloudTrail and flow
//     findings for its addresses, and wins over threat lists; it does not
//     affect DNS findings (as in GuardDuty).
//   - Numeric severities: 2 (Low), 5 (Medium), 8 (High), the values of
//     GuardDuty's sample findings.
//
// # The anomaly model (…/AnomalousBehavior)
//
// For each principal (an IAM user, root, or a role shared by all its
// sessions) moat learns the APIs it calls, the networks it calls from (/24 for
// IPv4, /48 for IPv6), its user-agent families (first product token: aws-cli,
// boto3, console.amazonaws.com…) and, for APIs typical of a tactic, the
// busiest hour. Learning lasts 7 days from the principal's first call and at
// least 20 calls. Afterwards a call of a tactic family's API (tacticFamily in
// anomaly.go; GuardDuty's documented examples are all there) is anomalous when
// the API is new for the principal and the network or the user-agent family
// is new too, or when that API's calls in one hour exceed 10× the busiest
// learnt hour and at least 20. The profile keeps learning; repeats aggregate
// into one finding per principal and family. Every set is bounded, so memory
// tracks principals, not records.
//
// # Sigma
//
// Sigma rules for CloudTrail (logsource product aws, service cloudtrail) run
// on every record: selections, value lists, null, the modifiers contains,
// startswith, endswith, all, re, cased, exists and fieldref, wildcards,
// keywords, and conditions with and/or/not, parentheses, "1 of", "all of",
// "them". Aggregations (| count()) and correlation rules are not supported.
// All 57 SigmaHQ AWS CloudTrail rules load. Matches are moat:Sigma findings
// that name the rule's author, as the Detection Rule License asks.
//
// # Why hand-written
//
// The readers are hand-written because AWS data arrives in three JSON shapes
// (a delivery file can be one multi-megabyte line), errors must carry the line
// and column of the record and a bad record must not lose the others: a small
// splitter cuts records out of the stream (bounded memory). CloudTrail records
// are then decoded by a single-pass decoder (fastjson.go) that validates the
// JSON and extracts only the fields detectors read: with encoding/json,
// parsing cost about 80,000 records per CPU-second, several times the cost
// of detection; the decoder is checked against encoding/json on every
// dataset record and by fuzzing. Flow logs are split on spaces; Resolver
// logs use encoding/json. The CloudTrail record type is moat's own (the AWS
// SDK has no type for records) and keeps the raw record for Sigma. YAML for Sigma rules is read by a small subset reader (yaml.go)
// because moat's module has no YAML dependency and Sigma rules use a small,
// regular part of YAML. GeoIP databases are read with
// github.com/oschwald/maxminddb-golang.
package detect
