package posture

// Controls that need state moat posture does not read (account contacts,
// RDS, EFS, KMS, Config, Access Analyzer, CloudWatch metric filters,
// GuardDuty, Macie, Security Hub itself). They report NOT_AVAILABLE, never
// PASSED, so they do not count towards the score.

type unavailable struct {
	id, title, severity, v3, v14, why string
	inFSBP                            bool
}

var unavailableControls = []unavailable{
	{"CIS.contact", "Maintain current contact details", "LOW", "1.1", "1.1", "account contact details are not exported by these AWS CLI commands", false},
	{"Account.1", "Security contact information should be provided for an AWS account", "MEDIUM", "1.2", "1.2", "needs aws account get-alternate-contact output, not an input", false},
	{"CIS.sec_questions", "Ensure security questions are registered in the AWS account", "LOW", "1.3", "1.3", "a console-only setting with no API", false},
	{"CIS.instance_roles", "Ensure IAM instance roles are used for AWS resource access from instances", "LOW", "1.18", "1.18", "manual recommendation: whether an instance stores keys cannot be seen in the exports", false},
	{"IAM.26", "Expired SSL/TLS certificates managed in IAM should be removed", "MEDIUM", "1.19", "1.19", "needs aws iam list-server-certificates output, not an input", false},
	{"IAM.28", "IAM Access Analyzer external access analyzer should be enabled", "HIGH", "1.20", "1.20", "needs aws accessanalyzer list-analyzers output per region, not an input", false},
	{"CIS.federation", "Ensure IAM users are managed centrally via identity federation or AWS Organizations", "LOW", "1.21", "1.21", "manual recommendation", false},
	{"Macie.1", "Amazon Macie should be enabled", "MEDIUM", "2.1.3", "2.1.4", "needs Macie state, not an input", false},
	{"RDS.3", "RDS DB instances should have encryption at-rest enabled", "MEDIUM", "2.3.1", "2.3.1", "RDS is not an input", false},
	{"RDS.13", "RDS automatic minor version upgrades should be enabled", "HIGH", "2.3.2", "", "RDS is not an input", false},
	{"RDS.2", "RDS DB instances should prohibit public access", "CRITICAL", "2.3.3", "", "RDS is not an input", false},
	{"EFS.1", "Elastic File System should be configured to encrypt file data at-rest", "MEDIUM", "2.4.1", "", "EFS is not an input", false},
	{"Config.1", "AWS Config should be enabled and use the service-linked role for resource recording", "MEDIUM", "3.3", "3.5", "needs aws configservice describe-configuration-recorders output, not an input", true},
	{"KMS.4", "AWS KMS key rotation should be enabled", "MEDIUM", "3.6", "3.8", "needs aws kms get-key-rotation-status output, not an input", false},
	{"CloudWatch.2", "Ensure a log metric filter and alarm exist for unauthorized API calls", "LOW", "4.1", "4.1", metricWhy, false},
	{"CloudWatch.3", "Ensure a log metric filter and alarm exist for Management Console sign-in without MFA", "LOW", "4.2", "4.2", metricWhy, false},
	{"CloudWatch.1", "A log metric filter and alarm should exist for usage of the root user", "LOW", "4.3", "4.3", metricWhy, false},
	{"CloudWatch.4", "Ensure a log metric filter and alarm exist for IAM policy changes", "LOW", "4.4", "4.4", metricWhy, false},
	{"CloudWatch.5", "Ensure a log metric filter and alarm exist for CloudTrail configuration changes", "LOW", "4.5", "4.5", metricWhy, false},
	{"CloudWatch.6", "Ensure a log metric filter and alarm exist for AWS Management Console authentication failures", "LOW", "4.6", "4.6", metricWhy, false},
	{"CloudWatch.7", "Ensure a log metric filter and alarm exist for disabling or scheduled deletion of customer created CMKs", "LOW", "4.7", "4.7", metricWhy, false},
	{"CloudWatch.8", "Ensure a log metric filter and alarm exist for S3 bucket policy changes", "LOW", "4.8", "4.8", metricWhy, false},
	{"CloudWatch.9", "Ensure a log metric filter and alarm exist for AWS Config configuration changes", "LOW", "4.9", "4.9", metricWhy, false},
	{"CloudWatch.10", "Ensure a log metric filter and alarm exist for security group changes", "LOW", "4.10", "4.10", metricWhy, false},
	{"CloudWatch.11", "Ensure a log metric filter and alarm exist for changes to Network Access Control Lists (NACL)", "LOW", "4.11", "4.11", metricWhy, false},
	{"CloudWatch.12", "Ensure a log metric filter and alarm exist for changes to network gateways", "LOW", "4.12", "4.12", metricWhy, false},
	{"CloudWatch.13", "Ensure a log metric filter and alarm exist for route table changes", "LOW", "4.13", "4.13", metricWhy, false},
	{"CloudWatch.14", "Ensure a log metric filter and alarm exist for VPC changes", "LOW", "4.14", "4.14", metricWhy, false},
	{"CIS.mf_org", "Ensure AWS Organizations changes are monitored", "LOW", "4.15", "4.15", metricWhy, false},
	{"CIS.sechub_on", "Ensure AWS Security Hub is enabled", "MEDIUM", "4.16", "", "needs aws securityhub describe-hub output, not an input", false},
	{"GuardDuty.1", "GuardDuty should be enabled", "HIGH", "", "", "needs aws guardduty list-detectors output, not an input", true},
}

const metricWhy = "needs CloudWatch Logs metric filters, alarms and SNS subscriptions on the trail's log group, not an input"

func init() {
	for _, u := range unavailableControls {
		reqs := cis(u.v3, u.v14)
		if u.inFSBP {
			reqs = fsbp(u.id, reqs)
		}
		why := u.why
		register(&Control{ID: u.id, Title: u.title, Severity: u.severity, Requirements: reqs,
			check: func(*Account) []Result { return na(why) }})
	}
}
