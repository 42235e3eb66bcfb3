package posture

// PasswordPolicy is `aws iam get-account-password-policy` output (its
// PasswordPolicy member).
type PasswordPolicy struct {
	MinimumPasswordLength      int   `json:"MinimumPasswordLength"`
	RequireSymbols             bool  `json:"RequireSymbols"`
	RequireNumbers             bool  `json:"RequireNumbers"`
	RequireUppercaseCharacters bool  `json:"RequireUppercaseCharacters"`
	RequireLowercaseCharacters bool  `json:"RequireLowercaseCharacters"`
	AllowUsersToChangePassword bool  `json:"AllowUsersToChangePassword"`
	ExpirePasswords            bool  `json:"ExpirePasswords"`
	MaxPasswordAge             *int  `json:"MaxPasswordAge"`
	PasswordReusePrevention    *int  `json:"PasswordReusePrevention"`
	HardExpiry                 *bool `json:"HardExpiry"`
}

// ParsePasswordPolicy reads get-account-password-policy output
// ({"PasswordPolicy": {...}}). An empty object ({}) stands for "no password
// policy set" (the CLI prints an error instead; save {} to say so).
func ParsePasswordPolicy(file string, data []byte) (*PasswordPolicy, error) {
	var env struct {
		PasswordPolicy *PasswordPolicy `json:"PasswordPolicy"`
	}
	if err := decodeJSON(file, data, &env); err != nil {
		return nil, err
	}
	if env.PasswordPolicy == nil {
		return &PasswordPolicy{}, nil
	}
	return env.PasswordPolicy, nil
}
