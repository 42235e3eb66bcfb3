package networkfirewall

import (
	"context"

	"github.com/moatdev/moat/internal/service"
	"github.com/moatdev/moat/internal/store"
)

// The smaller firewall updates (Terraform's aws_networkfirewall_firewall
// calls each of them): description, the two change protections, subnets
// and encryption. Each checks the UpdateToken when given and returns a new one.
func firewallUpdateOps() []*service.Operation {
	return []*service.Operation{
		service.Op("UpdateFirewallDescription", "network-firewall:UpdateFirewallDescription", updateFirewallDescription,
			service.Resource(func(_ context.Context, c *service.Call, in *UpdateFirewallDescriptionInput) (string, error) {
				return in.FirewallRef.resource(c)
			})),
		service.Op("UpdateFirewallPolicyChangeProtection", "network-firewall:UpdateFirewallPolicyChangeProtection", updatePolicyChangeProtection,
			service.Resource(func(_ context.Context, c *service.Call, in *UpdateFirewallPolicyChangeProtectionInput) (string, error) {
				return in.FirewallRef.resource(c)
			})),
		service.Op("UpdateSubnetChangeProtection", "network-firewall:UpdateSubnetChangeProtection", updateSubnetChangeProtection,
			service.Resource(func(_ context.Context, c *service.Call, in *UpdateSubnetChangeProtectionInput) (string, error) {
				return in.FirewallRef.resource(c)
			})),
		service.Op("AssociateSubnets", "network-firewall:AssociateSubnets", associateSubnets,
			service.Resource(func(_ context.Context, c *service.Call, in *AssociateSubnetsInput) (string, error) {
				return in.FirewallRef.resource(c)
			})),
		service.Op("DisassociateSubnets", "network-firewall:DisassociateSubnets", disassociateSubnets,
			service.Resource(func(_ context.Context, c *service.Call, in *DisassociateSubnetsInput) (string, error) {
				return in.FirewallRef.resource(c)
			})),
		service.Op("UpdateFirewallEncryptionConfiguration", "network-firewall:UpdateFirewallEncryptionConfiguration", updateFirewallEncryption,
			service.Resource(func(_ context.Context, c *service.Call, in *UpdateFirewallEncryptionConfigurationInput) (string, error) {
				return in.FirewallRef.resource(c)
			})),
	}
}

// resource is the firewall's ARN for authorization.
func (r *FirewallRef) resource(c *service.Call) (string, error) {
	if r.FirewallArn != nil {
		return *r.FirewallArn, nil
	}
	if r.FirewallName == nil {
		return "", invalidRequest.New("FirewallArn or FirewallName: one of them is required")
	}
	return arnOf(c.Region, c.Account(), "firewall", *r.FirewallName), nil
}

// UpdateFirewallDescriptionInput is the UpdateFirewallDescription request.
type UpdateFirewallDescriptionInput struct {
	UpdateToken *string
	FirewallRef
	Description *string
}

// UpdateFirewallDescriptionOutput is its response.
type UpdateFirewallDescriptionOutput struct {
	FirewallArn  string
	FirewallName string
	Description  *string
	UpdateToken  string
}

func updateFirewallDescription(ctx context.Context, c *service.Call, in *UpdateFirewallDescriptionInput) (*UpdateFirewallDescriptionOutput, error) {
	if err := checkDescription(in.Description); err != nil {
		return nil, err
	}
	f, err := updateFirewall(ctx, c, &in.FirewallRef, in.UpdateToken, func(_ store.Tx, f *firewallRecord) error {
		f.Description = in.Description
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &UpdateFirewallDescriptionOutput{FirewallArn: f.arn(), FirewallName: f.Name, Description: f.Description, UpdateToken: f.Token}, nil
}

// UpdateFirewallPolicyChangeProtectionInput is its request.
type UpdateFirewallPolicyChangeProtectionInput struct {
	UpdateToken *string
	FirewallRef
	FirewallPolicyChangeProtection *bool `aws:",required"`
}

// UpdateFirewallPolicyChangeProtectionOutput is its response.
type UpdateFirewallPolicyChangeProtectionOutput struct {
	UpdateToken                    string
	FirewallArn                    string
	FirewallName                   string
	FirewallPolicyChangeProtection bool
}

func updatePolicyChangeProtection(ctx context.Context, c *service.Call, in *UpdateFirewallPolicyChangeProtectionInput) (*UpdateFirewallPolicyChangeProtectionOutput, error) {
	f, err := updateFirewall(ctx, c, &in.FirewallRef, in.UpdateToken, func(_ store.Tx, f *firewallRecord) error {
		f.FirewallPolicyChangeProtection = *in.FirewallPolicyChangeProtection
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &UpdateFirewallPolicyChangeProtectionOutput{UpdateToken: f.Token, FirewallArn: f.arn(), FirewallName: f.Name, FirewallPolicyChangeProtection: f.FirewallPolicyChangeProtection}, nil
}

// UpdateSubnetChangeProtectionInput is its request.
type UpdateSubnetChangeProtectionInput struct {
	UpdateToken *string
	FirewallRef
	SubnetChangeProtection *bool `aws:",required"`
}

// UpdateSubnetChangeProtectionOutput is its response.
type UpdateSubnetChangeProtectionOutput struct {
	UpdateToken            string
	FirewallArn            string
	FirewallName           string
	SubnetChangeProtection bool
}

func updateSubnetChangeProtection(ctx context.Context, c *service.Call, in *UpdateSubnetChangeProtectionInput) (*UpdateSubnetChangeProtectionOutput, error) {
	f, err := updateFirewall(ctx, c, &in.FirewallRef, in.UpdateToken, func(_ store.Tx, f *firewallRecord) error {
		f.SubnetChangeProtection = *in.SubnetChangeProtection
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &UpdateSubnetChangeProtectionOutput{UpdateToken: f.Token, FirewallArn: f.arn(), FirewallName: f.Name, SubnetChangeProtection: f.SubnetChangeProtection}, nil
}

// AssociateSubnetsInput is the AssociateSubnets request.
type AssociateSubnetsInput struct {
	UpdateToken *string
	FirewallRef
	SubnetMappings []SubnetMapping `aws:",required"`
}

// SubnetsOutput is the AssociateSubnets and DisassociateSubnets response.
type SubnetsOutput struct {
	FirewallArn    string
	FirewallName   string
	SubnetMappings []SubnetMapping
	UpdateToken    string
}

func associateSubnets(ctx context.Context, c *service.Call, in *AssociateSubnetsInput) (*SubnetsOutput, error) {
	if err := checkSubnets(in.SubnetMappings); err != nil {
		return nil, err
	}
	f, err := updateFirewall(ctx, c, &in.FirewallRef, in.UpdateToken, func(_ store.Tx, f *firewallRecord) error {
		if f.SubnetChangeProtection {
			return invalidOperation.New("Unable to change the subnets of %s: subnet change protection is enabled", f.arn())
		}
		for _, m := range in.SubnetMappings {
			for _, old := range f.SubnetMappings {
				if old.SubnetId == m.SubnetId {
					return invalidRequest.New("SubnetMappings: %s is associated with the firewall already", m.SubnetId)
				}
			}
		}
		f.SubnetMappings = append(f.SubnetMappings, in.SubnetMappings...)
		f.assignZones()
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &SubnetsOutput{FirewallArn: f.arn(), FirewallName: f.Name, SubnetMappings: f.SubnetMappings, UpdateToken: f.Token}, nil
}

// DisassociateSubnetsInput is the DisassociateSubnets request.
type DisassociateSubnetsInput struct {
	UpdateToken *string
	FirewallRef
	SubnetIds []string `aws:",required"`
}

func disassociateSubnets(ctx context.Context, c *service.Call, in *DisassociateSubnetsInput) (*SubnetsOutput, error) {
	if len(in.SubnetIds) == 0 {
		return nil, invalidRequest.New("SubnetIds: at least one subnet is required")
	}
	f, err := updateFirewall(ctx, c, &in.FirewallRef, in.UpdateToken, func(_ store.Tx, f *firewallRecord) error {
		if f.SubnetChangeProtection {
			return invalidOperation.New("Unable to change the subnets of %s: subnet change protection is enabled", f.arn())
		}
		drop := map[string]bool{}
		for _, s := range in.SubnetIds {
			drop[s] = true
		}
		kept := []SubnetMapping{}
		for _, m := range f.SubnetMappings {
			if drop[m.SubnetId] {
				delete(drop, m.SubnetId)
				continue
			}
			kept = append(kept, m)
		}
		for s := range drop {
			return invalidRequest.New("SubnetIds: %s is not associated with the firewall", s)
		}
		f.SubnetMappings = kept
		f.assignZones()
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &SubnetsOutput{FirewallArn: f.arn(), FirewallName: f.Name, SubnetMappings: f.SubnetMappings, UpdateToken: f.Token}, nil
}

// UpdateFirewallEncryptionConfigurationInput is its request.
type UpdateFirewallEncryptionConfigurationInput struct {
	UpdateToken *string
	FirewallRef
	EncryptionConfiguration *EncryptionConfiguration
}

// UpdateFirewallEncryptionConfigurationOutput is its response.
type UpdateFirewallEncryptionConfigurationOutput struct {
	FirewallArn             string
	FirewallName            string
	UpdateToken             string
	EncryptionConfiguration *EncryptionConfiguration
}

func updateFirewallEncryption(ctx context.Context, c *service.Call, in *UpdateFirewallEncryptionConfigurationInput) (*UpdateFirewallEncryptionConfigurationOutput, error) {
	enc, err := defaultEncryption(in.EncryptionConfiguration)
	if err != nil {
		return nil, err
	}
	f, err := updateFirewall(ctx, c, &in.FirewallRef, in.UpdateToken, func(_ store.Tx, f *firewallRecord) error {
		f.Encryption = enc
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &UpdateFirewallEncryptionConfigurationOutput{FirewallArn: f.arn(), FirewallName: f.Name, UpdateToken: f.Token, EncryptionConfiguration: f.Encryption}, nil
}
