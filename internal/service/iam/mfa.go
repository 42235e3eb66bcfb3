package iam

import (
	"context"
	"errors"
	"strings"
	"time"

	"github.com/moatdev/moat/internal/awserr"
	"github.com/moatdev/moat/internal/identity"
	"github.com/moatdev/moat/internal/service"
	"github.com/moatdev/moat/internal/store"
)

// Virtual MFA devices (TOTP, RFC 6238), enabled for IAM users.

func mfaOps() []*service.Operation {
	return []*service.Operation{
		service.Op("CreateVirtualMFADevice", "iam:CreateVirtualMFADevice", createVirtualMFADevice, service.Resource(func(_ context.Context, c *service.Call, in *CreateVirtualMFADeviceInput) (string, error) {
			return "arn:aws:iam::" + c.Account() + ":mfa" + deref(in.Path, "/") + in.VirtualMFADeviceName, nil
		})),
		service.Op("EnableMFADevice", "iam:EnableMFADevice", enableMFADevice, service.Resource(func(ctx context.Context, c *service.Call, in *EnableMFADeviceInput) (string, error) {
			return existingUserARN(ctx, c, in.UserName)
		})),
		service.Op("ResyncMFADevice", "iam:ResyncMFADevice", resyncMFADevice, service.Resource(func(ctx context.Context, c *service.Call, in *EnableMFADeviceInput) (string, error) {
			return existingUserARN(ctx, c, in.UserName)
		})),
		service.Op("DeactivateMFADevice", "iam:DeactivateMFADevice", deactivateMFADevice, service.Resource(func(ctx context.Context, c *service.Call, in *DeactivateMFADeviceInput) (string, error) {
			return existingUserARN(ctx, c, in.UserName)
		})),
		service.Op("DeleteVirtualMFADevice", "iam:DeleteVirtualMFADevice", deleteVirtualMFADevice, service.Resource(func(_ context.Context, _ *service.Call, in *SerialInput) (string, error) {
			return in.SerialNumber, nil
		})),
		service.Op("ListMFADevices", "iam:ListMFADevices", listMFADevices, service.ReadOnly[ListAccessKeysInput](), service.Resource(func(ctx context.Context, c *service.Call, in *ListAccessKeysInput) (string, error) {
			return existingUserARN(ctx, c, deref(in.UserName, ""))
		})),
	}
}

// CreateVirtualMFADeviceInput is IAM's CreateVirtualMFADevice request.
type CreateVirtualMFADeviceInput struct {
	VirtualMFADeviceName string `aws:",required"`
	Path                 *string
}

// VirtualMFADevice is IAM's VirtualMFADevice shape; the seed is returned
// once, here.
type VirtualMFADevice struct {
	SerialNumber     string
	Base32StringSeed []byte `aws:",sensitive"`
}

// CreateVirtualMFADeviceResult is IAM's CreateVirtualMFADevice response.
type CreateVirtualMFADeviceResult struct{ VirtualMFADevice VirtualMFADevice }

func createVirtualMFADevice(ctx context.Context, c *service.Call, in *CreateVirtualMFADeviceInput) (*CreateVirtualMFADeviceResult, error) {
	if err := checkName("virtualMFADeviceName", in.VirtualMFADeviceName, 226); err != nil {
		return nil, err
	}
	if err := checkPath("path", in.Path); err != nil {
		return nil, err
	}
	d := &identity.MFADevice{SerialNumber: "arn:aws:iam::" + c.Account() + ":mfa" + deref(in.Path, "/") + in.VirtualMFADeviceName, Account: c.Account(), Seed: identity.NewMFASeed()}
	err := c.Deps.Store.Update(ctx, func(tx store.Tx) error {
		err := tx.Insert(identity.TableMFA, d.SerialNumber, identity.Encode(d))
		if errors.Is(err, store.ErrExists) {
			return awserr.EntityAlreadyExists.New("MFADevice entity at the same path and name already exists.")
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	return &CreateVirtualMFADeviceResult{VirtualMFADevice: VirtualMFADevice{SerialNumber: d.SerialNumber, Base32StringSeed: []byte(d.Seed)}}, nil
}

func loadMFA(tx store.Tx, account, serial string) (*identity.MFADevice, error) {
	b, err := tx.Get(identity.TableMFA, serial)
	if errors.Is(err, store.ErrNotFound) {
		return nil, awserr.NoSuchEntity.New("VirtualMFADevice with serial number %s doesn't exist.", serial)
	}
	if err != nil {
		return nil, err
	}
	var d identity.MFADevice
	if err := identity.Decode(identity.TableMFA, serial, b, &d); err != nil {
		return nil, err
	}
	if d.Account != account {
		return nil, awserr.NoSuchEntity.New("VirtualMFADevice with serial number %s doesn't exist.", serial)
	}
	return &d, nil
}

// EnableMFADeviceInput is IAM's EnableMFADevice request.
type EnableMFADeviceInput struct {
	UserName            string `aws:",required"`
	SerialNumber        string `aws:",required"`
	AuthenticationCode1 string `aws:",required,sensitive"`
	AuthenticationCode2 string `aws:",required,sensitive"`
}

// enableMFADevice needs two consecutive codes, as IAM does.
func enableMFADevice(ctx context.Context, c *service.Call, in *EnableMFADeviceInput) (*struct{}, error) {
	err := c.Deps.Store.Update(ctx, func(tx store.Tx) error {
		u, err := getUserTx(tx, c.Account(), in.UserName)
		if err != nil {
			return err
		}
		d, err := loadMFA(tx, c.Account(), in.SerialNumber)
		if err != nil {
			return err
		}
		if d.UserName != "" {
			return awserr.EntityAlreadyExists.New("MFA Device is already in use.")
		}
		s1, ok1 := identity.MatchTOTP(d.Seed, in.AuthenticationCode1, c.Now, 0)
		s2, ok2 := identity.MatchTOTP(d.Seed, in.AuthenticationCode2, c.Now.Add(30*time.Second), 0)
		if !ok1 || !ok2 || s2 != s1+1 {
			return awserr.InvalidAuthenticationCode.New("Authentication code for device is not valid.")
		}
		d.UserName, d.Enabled, d.LastStep = u.UserName, c.Now.UTC().Truncate(time.Second), s2
		return tx.Put(identity.TableMFA, d.SerialNumber, identity.Encode(d))
	})
	return nil, err
}

// resyncMFADevice takes two consecutive codes (the same request shape as
// EnableMFADevice) and remembers how far the device's clock is from moat's,
// so later codes are checked at the device's time.
func resyncMFADevice(ctx context.Context, c *service.Call, in *EnableMFADeviceInput) (*struct{}, error) {
	err := c.Deps.Store.Update(ctx, func(tx store.Tx) error {
		if _, err := getUserTx(tx, c.Account(), in.UserName); err != nil {
			return err
		}
		d, err := loadMFA(tx, c.Account(), in.SerialNumber)
		if err != nil {
			return err
		}
		if !strings.EqualFold(d.UserName, in.UserName) {
			return awserr.NoSuchEntity.New("MFA Device with serial number %s is not associated with user %s.", in.SerialNumber, in.UserName)
		}
		step, ok := identity.FindTOTPPair(d.Seed, in.AuthenticationCode1, in.AuthenticationCode2, c.Now)
		if !ok || step <= d.LastStep {
			return awserr.InvalidAuthenticationCode.New("Authentication code for device is not valid.")
		}
		d.Drift = step - 1 - c.Now.Unix()/30
		d.LastStep = step
		return tx.Put(identity.TableMFA, d.SerialNumber, identity.Encode(d))
	})
	return nil, err
}

// DeactivateMFADeviceInput is IAM's DeactivateMFADevice request.
type DeactivateMFADeviceInput struct {
	UserName     string `aws:",required"`
	SerialNumber string `aws:",required"`
}

func deactivateMFADevice(ctx context.Context, c *service.Call, in *DeactivateMFADeviceInput) (*struct{}, error) {
	err := c.Deps.Store.Update(ctx, func(tx store.Tx) error {
		d, err := loadMFA(tx, c.Account(), in.SerialNumber)
		if err != nil {
			return err
		}
		if !strings.EqualFold(d.UserName, in.UserName) {
			return awserr.NoSuchEntity.New("MFA Device with serial number %s is not associated with user %s.", in.SerialNumber, in.UserName)
		}
		d.UserName, d.Enabled = "", time.Time{}
		return tx.Put(identity.TableMFA, d.SerialNumber, identity.Encode(d))
	})
	return nil, err
}

// SerialInput names an MFA device.
type SerialInput struct {
	SerialNumber string `aws:",required"`
}

func deleteVirtualMFADevice(ctx context.Context, c *service.Call, in *SerialInput) (*struct{}, error) {
	err := c.Deps.Store.Update(ctx, func(tx store.Tx) error {
		d, err := loadMFA(tx, c.Account(), in.SerialNumber)
		if err != nil {
			return err
		}
		if d.UserName != "" {
			return awserr.DeleteConflict.New("MFA Device is still in use.")
		}
		return tx.Delete(identity.TableMFA, in.SerialNumber)
	})
	return nil, err
}

// MFADevice is IAM's MFADevice shape.
type MFADevice struct {
	UserName     string
	SerialNumber string
	EnableDate   time.Time
}

// ListMFADevicesResult is IAM's ListMFADevices response.
type ListMFADevicesResult struct {
	MFADevices  []MFADevice
	IsTruncated bool
}

// userMFADevices returns the MFA devices enabled for a user of acct (user
// names compare without case, as IAM's).
func userMFADevices(tx store.Tx, acct, user string) ([]identity.MFADevice, error) {
	var out []identity.MFADevice
	err := tx.Scan(identity.TableMFA, "arn:aws:iam::"+acct+":mfa/", "", 0, func(k string, b []byte) error {
		var d identity.MFADevice
		if err := identity.Decode(identity.TableMFA, k, b, &d); err != nil {
			return err
		}
		if d.UserName != "" && strings.EqualFold(d.UserName, user) {
			out = append(out, d)
		}
		return nil
	})
	return out, err
}

func listMFADevices(ctx context.Context, c *service.Call, in *ListAccessKeysInput) (*ListMFADevicesResult, error) {
	name := deref(in.UserName, c.Principal.UserName)
	out := &ListMFADevicesResult{MFADevices: []MFADevice{}}
	err := c.Deps.Store.View(ctx, func(tx store.Tx) error {
		devices, err := userMFADevices(tx, c.Account(), name)
		for _, d := range devices {
			out.MFADevices = append(out.MFADevices, MFADevice{UserName: d.UserName, SerialNumber: d.SerialNumber, EnableDate: d.Enabled})
		}
		return err
	})
	return out, err
}

// VerifyMFA checks a code of the caller's enabled device and consumes it
// (a code is accepted once). The server calls it for AssumeRole and
// GetSessionToken before authorization, so that aws:MultiFactorAuthPresent
// is true in that call's context.
func VerifyMFA(ctx context.Context, st store.Store, account, userName, serial, code string, now time.Time) error {
	failed := awserr.AccessDenied.New("MultiFactorAuthentication failed, unable to validate MFA code.")
	return st.Update(ctx, func(tx store.Tx) error {
		d, err := loadMFA(tx, account, serial)
		if err != nil || userName == "" || !strings.EqualFold(d.UserName, userName) {
			return failed
		}
		step, ok := d.Match(code, now)
		if !ok {
			return failed
		}
		d.LastStep = step
		return tx.Put(identity.TableMFA, d.SerialNumber, identity.Encode(d))
	})
}
