package posture

import (
	"fmt"
	"os"
)

// Inputs names the exported files of one account; empty names are not supplied.
type Inputs struct {
	AuthDetails      string   // aws iam get-account-authorization-details
	CredentialReport string   // aws iam get-credential-report (CSV, or the CLI's JSON)
	PasswordPolicy   string   // aws iam get-account-password-policy
	EC2Dir           string   // directory of aws ec2 describe-* outputs
	Trails           []string // aws cloudtrail describe-trails / get-trail-status / get-event-selectors
	S3Dir            string   // directory of aws s3api outputs (S3State)
}

// MaxInputSize bounds each input file (a 10,000-user authorization-details
// export is tens of MB).
const MaxInputSize = 1 << 30

// Load reads the inputs into an Account. Errors are *InputError naming the
// file and, where known, line, column and field.
func Load(in Inputs) (*Account, error) {
	a := &Account{}
	if in.AuthDetails != "" {
		data, err := readInput(in.AuthDetails)
		if err != nil {
			return nil, err
		}
		if a.Auth, err = ParseAuthDetails(in.AuthDetails, data); err != nil {
			return nil, err
		}
	}
	if in.CredentialReport != "" {
		data, err := readInput(in.CredentialReport)
		if err != nil {
			return nil, err
		}
		if a.Credentials, err = ParseCredentialReport(in.CredentialReport, data); err != nil {
			return nil, err
		}
		if a.Credentials == nil {
			a.Credentials = []Credential{}
		}
	}
	if in.PasswordPolicy != "" {
		data, err := readInput(in.PasswordPolicy)
		if err != nil {
			return nil, err
		}
		if a.PasswordPolicy, err = ParsePasswordPolicy(in.PasswordPolicy, data); err != nil {
			return nil, err
		}
	}
	if in.EC2Dir != "" {
		st, err := LoadEC2Dir(in.EC2Dir)
		if err != nil {
			return nil, err
		}
		a.EC2 = st
	}
	if in.S3Dir != "" {
		st, err := LoadS3Dir(in.S3Dir)
		if err != nil {
			return nil, err
		}
		a.S3 = st
	}
	if len(in.Trails) > 0 {
		a.Trails = &Trails{}
		for _, f := range in.Trails {
			data, err := readInput(f)
			if err != nil {
				return nil, err
			}
			if err := a.Trails.ParseTrails(f, data); err != nil {
				return nil, err
			}
		}
	}
	return a, nil
}

func readInput(name string) ([]byte, error) {
	st, err := os.Stat(name)
	if err != nil {
		return nil, &InputError{File: name, Message: err.Error(), Err: err}
	}
	if st.IsDir() {
		return nil, &InputError{File: name, Message: "is a directory, expected a file"}
	}
	if st.Size() > MaxInputSize {
		return nil, &InputError{File: name, Message: fmt.Sprintf("%d bytes, over the %d-byte limit", st.Size(), MaxInputSize)}
	}
	data, err := os.ReadFile(name)
	if err != nil {
		return nil, &InputError{File: name, Message: err.Error(), Err: err}
	}
	return data, nil
}
