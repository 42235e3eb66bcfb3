package detect

import (
	"sort"
	"strings"
)

// FindingType describes one finding type the engine can raise.
type FindingType struct {
	Name     string  // AWS's type name, or moat:... for moat's own
	Severity float64 // default severity
	Resource string  // AccessKey, Instance or S3Bucket
	Source   string  // CloudTrail, VPC flow logs or DNS logs
	Title    string
}

// MoatPrefix starts the names of finding types that are moat's own and not
// GuardDuty's; they are never presented as AWS types.
const MoatPrefix = "moat:"

// Finding type names. AWS's names and default severities are from the
// GuardDuty finding-type pages (guardduty_finding-types-iam/-ec2/-s3).
const (
	TypeRootCredentialUsage        = "Policy:IAMUser/RootCredentialUsage"
	TypeCloudTrailLoggingDisabled  = "Stealth:IAMUser/CloudTrailLoggingDisabled"
	TypePasswordPolicyChange       = "Stealth:IAMUser/PasswordPolicyChange"
	TypeInstanceCredExfilOutside   = "UnauthorizedAccess:IAMUser/InstanceCredentialExfiltration.OutsideAWS"
	TypeConsoleLoginSuccessB       = "UnauthorizedAccess:IAMUser/ConsoleLoginSuccess.B"
	TypeReconMaliciousIPCustom     = "Recon:IAMUser/MaliciousIPCaller.Custom"
	TypeUnauthMaliciousIPCustom    = "UnauthorizedAccess:IAMUser/MaliciousIPCaller.Custom"
	TypeS3MaliciousIPCustom        = "UnauthorizedAccess:S3/MaliciousIPCaller.Custom"
	TypePenTestKali                = "PenTest:IAMUser/KaliLinux"
	TypePenTestParrot              = "PenTest:IAMUser/ParrotLinux"
	TypePenTestPentoo              = "PenTest:IAMUser/PentooLinux"
	TypeBucketAnonymousAccess      = "Policy:S3/BucketAnonymousAccessGranted"
	TypeBucketPublicAccess         = "Policy:S3/BucketPublicAccessGranted"
	TypeBucketBPADisabled          = "Policy:S3/BucketBlockPublicAccessDisabled"
	TypeAccountBPADisabled         = "Policy:S3/AccountBlockPublicAccessDisabled"
	TypeS3AccessLoggingDisabled    = "Stealth:S3/ServerAccessLoggingDisabled"
	TypePortProbeUnprotectedPort   = "Recon:EC2/PortProbeUnprotectedPort"
	TypePortscan                   = "Recon:EC2/Portscan"
	TypePortSweep                  = "Impact:EC2/PortSweep"
	TypeSSHBruteForce              = "UnauthorizedAccess:EC2/SSHBruteForce"
	TypeRDPBruteForce              = "UnauthorizedAccess:EC2/RDPBruteForce"
	TypeWinRMBruteForce            = "Impact:EC2/WinRMBruteForce"
	TypeDoSTcp                     = "Backdoor:EC2/DenialOfService.Tcp"
	TypeDoSUdp                     = "Backdoor:EC2/DenialOfService.Udp"
	TypeDoSDNS                     = "Backdoor:EC2/DenialOfService.Dns"
	TypeDoSUdpOnTcpPorts           = "Backdoor:EC2/DenialOfService.UdpOnTcpPorts"
	TypeDoSUnusualProtocol         = "Backdoor:EC2/DenialOfService.UnusualProtocol"
	TypeSpambot                    = "Backdoor:EC2/Spambot"
	TypeNetworkPortUnusual         = "Behavior:EC2/NetworkPortUnusual"
	TypeTrafficVolumeUnusual       = "Behavior:EC2/TrafficVolumeUnusual"
	TypeBitcoinTool                = "CryptoCurrency:EC2/BitcoinTool.B"
	TypeCnC                        = "Backdoor:EC2/C&CActivity.B"
	TypeEC2MaliciousIPCustom       = "UnauthorizedAccess:EC2/MaliciousIPCaller.Custom"
	TypeDNSDataExfiltration        = "Trojan:EC2/DNSDataExfiltration"
	TypeDGADomainRequest           = "Trojan:EC2/DGADomainRequest.B"
	TypeCnCDNS                     = "Backdoor:EC2/C&CActivity.B!DNS"
	TypeBitcoinToolDNS             = "CryptoCurrency:EC2/BitcoinTool.B!DNS"
	TypeMetadataDNSRebind          = "UnauthorizedAccess:EC2/MetadataDNSRebind"
	TypeMoatConsoleBruteForce      = MoatPrefix + "CredentialAccess:IAMUser/ConsoleLoginBruteForce"
	TypeMoatConsoleLoginWithoutMFA = MoatPrefix + "Policy:IAMUser/ConsoleLoginWithoutMFA"
	TypeMoatSnapshotPublic         = MoatPrefix + "Exfiltration:EC2/SnapshotMadePublic"
	TypeMoatSSHDisallowedCountry   = MoatPrefix + "UnauthorizedAccess:EC2/SSHFromDisallowedCountry"
	TypeMoatSigma                  = MoatPrefix + "Sigma:IAMUser/RuleMatch"
)

// anomalyFamilies are the AnomalousBehavior types with their severities.
var anomalyFamilies = map[string]float64{
	"CredentialAccess": SeverityMedium, "DefenseEvasion": SeverityMedium, "Discovery": SeverityLow,
	"Exfiltration": SeverityHigh, "Impact": SeverityHigh, "InitialAccess": SeverityMedium,
	"Persistence": SeverityMedium, "PrivilegeEscalation": SeverityMedium,
}

var findingTypes = map[string]FindingType{}

func register(name string, sev float64, resource, source, title string) {
	if _, dup := findingTypes[name]; dup {
		panic("detect: finding type registered twice: " + name)
	}
	findingTypes[name] = FindingType{Name: name, Severity: sev, Resource: resource, Source: source, Title: title}
}

func init() {
	const ct, fl, dns = "CloudTrail", "VPC flow logs", "DNS logs"
	register(TypeRootCredentialUsage, SeverityLow, "AccessKey", ct, "API %s was invoked using root credentials.")
	register(TypeCloudTrailLoggingDisabled, SeverityLow, "AccessKey", ct, "AWS CloudTrail trail %s was disabled.")
	register(TypePasswordPolicyChange, SeverityLow, "AccessKey", ct, "Account password policy was weakened.")
	register(TypeInstanceCredExfilOutside, SeverityHigh, "AccessKey", ct, "Credentials for instance %s were used from a remote IP address outside AWS.")
	register(TypeConsoleLoginSuccessB, SeverityMedium, "AccessKey", ct, "Multiple worldwide successful console logins for %s.")
	register(TypeReconMaliciousIPCustom, SeverityMedium, "AccessKey", ct, "Reconnaissance API %s was invoked from an IP address on a custom threat list.")
	register(TypeUnauthMaliciousIPCustom, SeverityMedium, "AccessKey", ct, "API %s was invoked from an IP address on a custom threat list.")
	register(TypeS3MaliciousIPCustom, SeverityHigh, "S3Bucket", ct, "S3 API %s was invoked from an IP address on a custom threat list.")
	register(TypePenTestKali, SeverityMedium, "AccessKey", ct, "API %s was invoked from a Kali Linux computer.")
	register(TypePenTestParrot, SeverityMedium, "AccessKey", ct, "API %s was invoked from a Parrot Security Linux computer.")
	register(TypePenTestPentoo, SeverityMedium, "AccessKey", ct, "API %s was invoked from a Pentoo Linux computer.")
	register(TypeBucketAnonymousAccess, SeverityHigh, "S3Bucket", ct, "Amazon S3 bucket %s was granted anonymous access.")
	register(TypeBucketPublicAccess, SeverityHigh, "S3Bucket", ct, "Amazon S3 bucket %s was granted access to all authenticated AWS users.")
	register(TypeBucketBPADisabled, SeverityLow, "S3Bucket", ct, "Amazon S3 Block Public Access was disabled for bucket %s.")
	register(TypeAccountBPADisabled, SeverityLow, "AccessKey", ct, "Amazon S3 Block Public Access was disabled for account %s.")
	register(TypeS3AccessLoggingDisabled, SeverityLow, "S3Bucket", ct, "Amazon S3 server access logging was disabled for bucket %s.")
	for fam, sev := range anomalyFamilies {
		register(fam+":IAMUser/AnomalousBehavior", sev, "AccessKey", ct, "%s invoked APIs commonly used in "+fam+" tactics in an unusual way.")
	}
	register(TypeMoatConsoleBruteForce, SeverityMedium, "AccessKey", ct, "Repeated failed console sign-ins for %s.")
	register(TypeMoatConsoleLoginWithoutMFA, SeverityLow, "AccessKey", ct, "Console sign-in without MFA by %s.")
	register(TypeMoatSnapshotPublic, SeverityHigh, "AccessKey", ct, "%s was made public.")
	register(TypeMoatSigma, SeverityMedium, "AccessKey", ct, "Sigma rule %s matched.")

	register(TypePortProbeUnprotectedPort, SeverityLow, "Instance", fl, "Unprotected port on EC2 instance %s is being probed.")
	register(TypePortscan, SeverityMedium, "Instance", fl, "EC2 instance %s is performing outbound port scans against a remote host.")
	register(TypePortSweep, SeverityHigh, "Instance", fl, "EC2 instance %s is probing a port on a large number of IP addresses.")
	register(TypeSSHBruteForce, SeverityLow, "Instance", fl, "SSH brute force attacks involving EC2 instance %s.")
	register(TypeRDPBruteForce, SeverityLow, "Instance", fl, "RDP brute force attacks involving EC2 instance %s.")
	register(TypeWinRMBruteForce, SeverityLow, "Instance", fl, "WinRM brute force attacks involving EC2 instance %s.")
	register(TypeDoSTcp, SeverityHigh, "Instance", fl, "EC2 instance %s is behaving in a manner that may indicate it is being used to perform a Denial of Service (DoS) attack using the TCP protocol.")
	register(TypeDoSUdp, SeverityHigh, "Instance", fl, "EC2 instance %s is behaving in a manner that may indicate it is being used to perform a Denial of Service (DoS) attack using the UDP protocol.")
	register(TypeDoSDNS, SeverityHigh, "Instance", fl, "EC2 instance %s is behaving in a manner that may indicate it is being used to perform a Denial of Service (DoS) attack using the DNS protocol.")
	register(TypeDoSUdpOnTcpPorts, SeverityHigh, "Instance", fl, "EC2 instance %s is behaving in a manner that may indicate it is being used to perform a Denial of Service (DoS) attack using UDP on TCP ports.")
	register(TypeDoSUnusualProtocol, SeverityHigh, "Instance", fl, "EC2 instance %s is behaving in a manner that may indicate it is being used to perform a Denial of Service (DoS) attack using an unusual protocol.")
	register(TypeNetworkPortUnusual, SeverityMedium, "Instance", fl, "EC2 instance %s is communicating on an unusual server port.")
	register(TypeTrafficVolumeUnusual, SeverityMedium, "Instance", fl, "EC2 instance %s is generating unusually large amounts of network traffic to a remote host.")
	register(TypeSpambot, SeverityMedium, "Instance", fl, "EC2 instance %s is behaving in a manner that may indicate it is being used to send spam.")
	register(TypeBitcoinTool, SeverityHigh, "Instance", fl, "EC2 instance %s is communicating with a Bitcoin mining pool.")
	register(TypeCnC, SeverityHigh, "Instance", fl, "EC2 instance %s is communicating with a command and control server.")
	register(TypeEC2MaliciousIPCustom, SeverityMedium, "Instance", fl, "EC2 instance %s is communicating with an IP address on a custom threat list.")
	register(TypeMoatSSHDisallowedCountry, SeverityMedium, "Instance", fl, "SSH to EC2 instance %s was accepted from a country that is not allowed.")

	register(TypeDNSDataExfiltration, SeverityHigh, "Instance", dns, "Data exfiltration through DNS queries from EC2 instance %s.")
	register(TypeDGADomainRequest, SeverityHigh, "Instance", dns, "EC2 instance %s is querying algorithmically generated domains.")
	register(TypeCnCDNS, SeverityHigh, "Instance", dns, "EC2 instance %s is querying a domain name associated with a known command and control server.")
	register(TypeBitcoinToolDNS, SeverityHigh, "Instance", dns, "EC2 instance %s is querying a domain name that is associated with Bitcoin-related activity.")
	register(TypeMetadataDNSRebind, SeverityHigh, "Instance", dns, "EC2 instance %s is performing DNS lookups that resolve to the instance metadata service.")
}

// FindingTypes lists the finding types the engine can raise, sorted by name.
func FindingTypes() []FindingType {
	out := make([]FindingType, 0, len(findingTypes))
	for _, t := range findingTypes {
		out = append(out, t)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// IsMoatType reports whether a finding type is moat's own rather than GuardDuty's.
func IsMoatType(name string) bool { return strings.HasPrefix(name, MoatPrefix) }
