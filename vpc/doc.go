// Package vpc models an AWS Region's VPC networking (VPCs, subnets, route
// tables, internet and NAT gateways, VPC peering, managed prefix lists,
// security groups, network ACLs, network interfaces, instances, gateway and
// interface endpoints) and answers reachability questions about it the way
// AWS Reachability Analyzer and Network Access Analyzer do: statically,
// without sending packets, with the rule that admits each hop and AWS's
// explanation codes for each blocker.
//
//	n := vpc.NewNetwork("111122223333")           // or vpc.LoadDir("describe/")
//	v, _ := n.CreateVpc("10.0.0.0/16")             // *vpc.Error{Code: "InvalidVpc.Range", ...}
//	s, _ := n.CreateSubnet(v.VpcId, "10.0.1.0/24", "us-east-1a")
//	...
//	a := vpc.Compile(n)                            // immutable, shareable
//	res, err := a.Reach(vpc.PathQuery{Source: "i-…", Destination: "i-…", Protocol: "tcp",
//		DestinationPorts: vpc.PortRange{From: 5432, To: 5432}})
//	res.NetworkPathFound, res.ForwardPath, res.ReturnPath, res.Explanations
//	a.Exposed()                                    // every ENI reachable from the internet, per port
//	a.Evaluate(vpc.Flow{...})                      // one packet, any protocol
//	vpc.Overlaps(n)                                // IPAM-style CIDR overlap report
//	n.StaleReferences()                            // DescribeStaleSecurityGroups
//	a.CheckFlowLog(rec)                            // a flow log record's ACCEPT/REJECT vs the model
//
// # The model and its mutations
//
// Network holds every resource by ID, with AWS's field names. Its methods
// (CreateVpc, CreateSubnet, CreateRoute, AuthorizeSecurityGroupIngress,
// CreateNetworkAclEntry, DeleteSecurityGroup, CreateVpcEndpoint,
// AllocateAddress, CreateNatGatewayWithAllocation, Delete*, ...)
// validate as EC2 does and return *Error with EC2's error codes
// (InvalidSubnet.Conflict, InvalidSubnet.Range, InvalidVpc.Range,
// InvalidPermission.Duplicate, RulesPerSecurityGroupLimitExceeded,
// SecurityGroupsPerInterfaceLimitExceeded, SecurityGroupLimitExceeded,
// NetworkAclEntryAlreadyExists, RouteAlreadyExists, DependencyViolation,
// CannotDelete, *.NotFound, InvalidParameterValue); a failing call changes
// nothing. Defaults follow AWS's pages: CreateVpc makes the main route table
// (local route), the default network ACL (rule 100 allows all in and out,
// then "*") and the default security group (inbound from itself, outbound to
// 0.0.0.0/0); CreateSecurityGroup adds the allow-all outbound rule and no
// inbound rule; CreateNetworkAcl has only the "*" deny rules. This is the
// API the EC2 service handlers sit on; it is not safe for concurrent use.
//
// # The analysis
//
// Compile indexes a Network once (interfaces by address, security group
// membership as address sets, route tables most-specific first, network ACL
// entries by number) and the Analyzer answers many questions without
// touching the Network. A question is a set of packets, not one packet:
// every header field (source and destination address, source and
// destination port; ICMP type and code ride in the port fields) is an
// interval set, and a "space" is a union of boxes (products of those sets).
// Each hop narrows the space:
//
//   - security groups: allow-only, the rules of all groups on the interface
//     unioned; referenced groups match the private IPv4 addresses of the
//     interfaces that carry them (in the same or a peered VPC); prefix lists
//     match their current entries; the reply is allowed by connection
//     tracking, and a hop notes when AWS would not track the flow (a
//     0.0.0.0/0 rule with all traffic allowed the other way);
//   - network ACLs: stateless, lowest rule number first, first match decides,
//     "*" denies; applied when traffic leaves and enters a subnet (not inside
//     one), on the forward path and again, with addresses and ports swapped,
//     on the return path, so the ephemeral-port rules matter;
//   - routes: longest prefix first; on equal prefixes a CIDR route beats a
//     prefix-list route (route-tables-priority page); targets local,
//     internet gateway (with the public IP translation), NAT gateway (source
//     translated to the gateway, ports 1024-65535), VPC peering (active, not
//     transitive, and the peer must route the reply back), network interface
//     or instance (middlebox: its group must admit the traffic and its
//     source/destination check must be off; an internet gateway's edge route
//     table can send arriving traffic to one), gateway endpoint (prefix list
//     route; the endpoint policy applies to requests, see
//     CompileEndpointPolicy and EndpointContext); blackhole routes are
//     BAD_STATE_ROUTE;
//   - from the internet: the interface needs a public IPv4 address and the
//     VPC an attached internet gateway; the reply must be routed back to the
//     same gateway (a private subnet whose default route is a NAT gateway
//     cannot answer).
//
// A path is found when some packet of the query's space reaches the
// destination and its reply returns. When a hop blocks, the walk records an
// Explanation and carries on as if the hop had allowed the traffic, so one
// analysis lists every blocker on the path (AWS reports the first; the
// "blocked path" idea is from Bayless et al., CAV 2021). Because rules are
// sets, the reachable destination ports and source addresses come out of
// the same walk: Exposed uses that to report, per interface, exactly which
// ports the internet reaches.
//
// Explanation codes are AWS's (codes.go says which were read on AWS's
// explanation-codes page and which come from field reports); moat's own
// start with MOAT_.
//
// # Why hand-written
//
// AWS's own analyzer (Tiros) encodes the network into SMT/Datalog and calls
// solvers; no Go module models VPC semantics, and a solver is not needed:
// per-field interval sets are exact for these rules and fast (a path query
// on 100,000 interfaces takes tens of microseconds after a sub-second
// Compile; see bench_test.go). The input loader is hand-written on
// encoding/json to report file, line, column and JSON path of bad values.
//
// # Not modelled (yet)
//
// IPv6 traffic (IPv6 rules and routes are loaded and kept, but the analysis
// is IPv4), transit gateways, VPN and Direct Connect, egress-only internet
// gateways, Gateway Load Balancer and Network Firewall endpoints, load
// balancers, private NAT gateways (reported as MOAT_UNMODELED_COMPONENT),
// return paths through a middlebox (only the ACLs crossed forward are
// checked),
// connection-tracking timeouts and allowances, IPAM pools and scopes.
// Flow logs: records are read, formatted and checked against the model
// (CheckFlowLog); producing and delivering them is the EC2 API's job.
package vpc
