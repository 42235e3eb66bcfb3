package awserr

import "net/http"

// EC2's errors (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/errors-overview.html).
var (
	// UnauthorizedOperation is EC2's AccessDenied: "You are not authorized to
	// perform this operation."
	UnauthorizedOperation = Def{"UnauthorizedOperation", http.StatusForbidden}
)
