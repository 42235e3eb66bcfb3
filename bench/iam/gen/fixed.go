package gen

// The two fixed speed cases of iam-evaluation.md §9. Both are Allowed, so
// every policy has to be consulted (no early explicit deny).

// Small: one identity policy with three statements.
func Small() Case {
	return Case{
		ID: "small",
		Request: Request{
			Principal:       "arn:aws:iam::" + AcctA + ":user/alice",
			Action:          "s3:GetObject",
			Resource:        "arn:aws:s3:::example-reports/2026/q1.csv",
			ResourceAccount: AcctA,
			Context:         map[string]any{"aws:SecureTransport": "true", "aws:SourceIp": "198.51.100.77"},
		},
		Policies: Policies{Identity: []any{Named{Name: "ReadReports", Policy: doc(
			Stmt{"Sid": "ReadReports", "Effect": "Allow", "Action": []any{"s3:GetObject", "s3:GetObjectVersion"}, "Resource": "arn:aws:s3:::example-reports/*"},
			Stmt{"Sid": "ListReports", "Effect": "Allow", "Action": "s3:ListBucket", "Resource": "arn:aws:s3:::example-reports",
				"Condition": map[string]any{"StringLike": map[string]any{"s3:prefix": []any{"", "2026/*"}}}},
			Stmt{"Sid": "TlsOnly", "Effect": "Deny", "Action": "s3:*", "Resource": "*",
				"Condition": map[string]any{"Bool": map[string]any{"aws:SecureTransport": "false"}}},
		)}}},
	}
}

// Heavy: ten policies: five identity policies incl. AWS's ReadOnlyAccess
// (from the managed-policies file), a permissions boundary, SCPs at two
// levels (three policies) and a bucket policy with conditions.
func Heavy() Case {
	session := "arn:aws:sts::" + AcctA + ":assumed-role/log-reader/dana-cli"
	role := "arn:aws:iam::" + AcctA + ":role/log-reader"
	allowAll := doc(Stmt{"Effect": "Allow", "Action": "*", "Resource": "*"})
	return Case{
		ID: "heavy",
		Request: Request{
			Principal:       session,
			Action:          "s3:GetObject",
			Resource:        "arn:aws:s3:::example-logs/app/2026/11/29/events.json.gz",
			ResourceAccount: AcctA,
			Context: map[string]any{
				"aws:SecureTransport": "true", "aws:SourceIp": "198.51.100.77", "aws:RequestedRegion": "eu-west-1",
				"aws:PrincipalArn": role, "aws:PrincipalAccount": AcctA, "aws:PrincipalOrgID": "o-a1b2c3d4e5",
				"aws:PrincipalTag/team": "yellow", "aws:MultiFactorAuthPresent": "true", "aws:CurrentTime": "2026-11-29T11:00:00Z",
			},
		},
		Policies: Policies{
			Identity: []any{
				Managed{ManagedPolicy: "ReadOnlyAccess"},
				Named{Name: "DenyIAMWrites", Policy: doc(
					Stmt{"Effect": "Deny", "Action": []any{"iam:Create*", "iam:Delete*", "iam:Put*", "iam:Attach*"}, "Resource": "*"})},
				Named{Name: "TeamBuckets", Policy: doc(
					Stmt{"Effect": "Allow", "Action": []any{"s3:GetObject*", "s3:PutObject*"}, "Resource": "arn:aws:s3:::team-${aws:PrincipalTag/team}/*"},
					Stmt{"Effect": "Deny", "Action": "s3:*", "Resource": []any{"arn:aws:s3:::example-secrets", "arn:aws:s3:::example-secrets/*"}})},
				Named{Name: "KmsForLogs", Policy: doc(
					Stmt{"Effect": "Allow", "Action": []any{"kms:Decrypt", "kms:GenerateDataKey"}, "Resource": "arn:aws:kms:eu-west-1:" + AcctA + ":key/*",
						"Condition": map[string]any{"StringLike": map[string]any{"kms:ViaService": "s3.*.amazonaws.com"}}})},
				Named{Name: "NetworkGuard", Policy: doc(
					Stmt{"Effect": "Deny", "Action": "*", "Resource": "*", "Condition": map[string]any{
						"NotIpAddress": map[string]any{"aws:SourceIp": []any{"198.51.100.0/24", "203.0.113.0/24"}},
						"Bool":         map[string]any{"aws:ViaAWSService": "false"}}})},
			},
			PermissionBoundary: Named{Name: "Boundary", Policy: doc(
				Stmt{"Effect": "Allow", "Action": []any{"s3:*", "cloudwatch:*", "ec2:Describe*", "kms:Decrypt", "logs:*"}, "Resource": "*"},
				Stmt{"Effect": "Deny", "Action": "s3:PutBucketPolicy", "Resource": "*"})},
			SCPs: []Level{
				{Target: "r-root", Policies: []any{Named{Name: "FullAWSAccess", Policy: allowAll}}},
				{Target: "ou-workloads", Policies: []any{
					Named{Name: "AllowAll", Policy: allowAll},
					Named{Name: "EuOnly", Policy: doc(Stmt{"Effect": "Deny", "NotAction": []any{"iam:*", "sts:*", "organizations:*", "support:*"}, "Resource": "*",
						"Condition": map[string]any{"StringNotEquals": map[string]any{"aws:RequestedRegion": []any{"eu-west-1", "eu-central-1"}}}})},
				}},
			},
			Resource: doc(
				Stmt{"Sid": "ReadLogs", "Effect": "Allow", "Principal": map[string]any{"AWS": role}, "Action": []any{"s3:GetObject", "s3:ListBucket"},
					"Resource":  []any{"arn:aws:s3:::example-logs", "arn:aws:s3:::example-logs/*"},
					"Condition": map[string]any{"StringEquals": map[string]any{"aws:PrincipalOrgID": "o-a1b2c3d4e5"}, "Bool": map[string]any{"aws:MultiFactorAuthPresent": "true"}}},
				Stmt{"Sid": "TlsOnly", "Effect": "Deny", "Principal": "*", "Action": "s3:*",
					"Resource":  []any{"arn:aws:s3:::example-logs", "arn:aws:s3:::example-logs/*"},
					"Condition": map[string]any{"Bool": map[string]any{"aws:SecureTransport": "false"}}},
				Stmt{"Sid": "OrgOnly", "Effect": "Deny", "Principal": "*", "Action": "s3:*", "Resource": "arn:aws:s3:::example-logs/*",
					"Condition": map[string]any{"StringNotEqualsIfExists": map[string]any{"aws:PrincipalOrgID": "o-a1b2c3d4e5"}}},
			),
		},
	}
}
