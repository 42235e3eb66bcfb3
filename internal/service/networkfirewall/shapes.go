package networkfirewall

// The API's rule group and policy shapes, member for member (Go field name =
// wire name). Stored as JSON in the same shape, so what a caller sent is what
// DescribeRuleGroup / DescribeFirewallPolicy give back.

// RuleGroup is the API's RuleGroup.
type RuleGroup struct {
	RuleVariables       *RuleVariables
	ReferenceSets       *ReferenceSets
	RulesSource         *RulesSource
	StatefulRuleOptions *StatefulRuleOptions
}

// RuleVariables are a stateful group's IP and port sets.
type RuleVariables struct {
	IPSets   map[string]IPSet
	PortSets map[string]PortSet
}

// IPSet is a list of CIDR blocks.
type IPSet struct {
	Definition []string
}

// PortSet is a list of ports and port ranges.
type PortSet struct {
	Definition []string
}

// ReferenceSets are IP set references (recorded, not resolved).
type ReferenceSets struct {
	IPSetReferences map[string]IPSetReference
}

// IPSetReference names a managed prefix list or resource group.
type IPSetReference struct {
	ReferenceArn *string
}

// RulesSource holds one kind of rules.
type RulesSource struct {
	RulesString                    *string
	RulesSourceList                *RulesSourceList
	StatefulRules                  []StatefulRule
	StatelessRulesAndCustomActions *StatelessRulesAndCustomActions
}

// RulesSourceList is a domain list.
type RulesSourceList struct {
	Targets            []string
	TargetTypes        []string
	GeneratedRulesType string
}

// StatefulRule is a 5-tuple stateful rule.
type StatefulRule struct {
	Action      string
	Header      *Header
	RuleOptions []RuleOption
}

// Header is a 5-tuple rule's header.
type Header struct {
	Protocol        string
	Source          string
	SourcePort      string
	Direction       string
	Destination     string
	DestinationPort string
}

// RuleOption is a Suricata option with its settings.
type RuleOption struct {
	Keyword  string
	Settings []string
}

// StatelessRulesAndCustomActions is a stateless group's content.
type StatelessRulesAndCustomActions struct {
	StatelessRules []StatelessRule
	CustomActions  []CustomAction
}

// StatelessRule is one stateless rule.
type StatelessRule struct {
	RuleDefinition *RuleDefinition
	Priority       int32
}

// RuleDefinition is a stateless rule's match and actions.
type RuleDefinition struct {
	MatchAttributes *MatchAttributes
	Actions         []string
}

// MatchAttributes are the stateless match criteria.
type MatchAttributes struct {
	Sources          []Address
	Destinations     []Address
	SourcePorts      []PortRange
	DestinationPorts []PortRange
	Protocols        []int32
	TCPFlags         []TCPFlagField
}

// Address is a CIDR block.
type Address struct {
	AddressDefinition string
}

// PortRange is an inclusive range of ports.
type PortRange struct {
	FromPort int32
	ToPort   int32
}

// TCPFlagField matches TCP flags under masks.
type TCPFlagField struct {
	Flags []string
	Masks []string
}

// CustomAction is a stateless custom action.
type CustomAction struct {
	ActionName       string
	ActionDefinition *ActionDefinition
}

// ActionDefinition is what a custom action does.
type ActionDefinition struct {
	PublishMetricAction *PublishMetricAction
}

// PublishMetricAction publishes CloudWatch metrics (recorded only).
type PublishMetricAction struct {
	Dimensions []Dimension
}

// Dimension is a metric dimension value.
type Dimension struct {
	Value string
}

// StatefulRuleOptions is a stateful group's rule order.
type StatefulRuleOptions struct {
	RuleOrder string
}

// SourceMetadata names the group a rule group was copied from (recorded).
type SourceMetadata struct {
	SourceArn         *string
	SourceUpdateToken *string
}

// FirewallPolicy is the API's FirewallPolicy.
type FirewallPolicy struct {
	StatelessRuleGroupReferences    []StatelessRuleGroupReference
	StatelessDefaultActions         []string
	StatelessFragmentDefaultActions []string
	StatelessCustomActions          []CustomAction
	StatefulRuleGroupReferences     []StatefulRuleGroupReference
	StatefulDefaultActions          []string
	StatefulEngineOptions           *StatefulEngineOptions
	TLSInspectionConfigurationArn   *string
	PolicyVariables                 *PolicyVariables
	EnableTLSSessionHolding         *bool
}

// StatelessRuleGroupReference references a stateless group by ARN.
type StatelessRuleGroupReference struct {
	ResourceArn string
	Priority    int32
}

// StatefulRuleGroupReference references a stateful group by ARN.
type StatefulRuleGroupReference struct {
	ResourceArn          string
	Priority             *int32
	Override             *StatefulRuleGroupOverride
	DeepThreatInspection *bool
}

// StatefulRuleGroupOverride is an override action (DROP_TO_ALERT).
type StatefulRuleGroupOverride struct {
	Action *string
}

// StatefulEngineOptions is the policy's stateful engine settings.
type StatefulEngineOptions struct {
	RuleOrder             *string
	StreamExceptionPolicy *string
	FlowTimeouts          *FlowTimeouts
}

// FlowTimeouts is the TCP idle timeout.
type FlowTimeouts struct {
	TcpIdleTimeoutSeconds *int32
}

// PolicyVariables overrides HOME_NET for the policy's stateful groups.
type PolicyVariables struct {
	RuleVariables map[string]IPSet
}
