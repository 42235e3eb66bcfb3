// Package sigv4 verifies AWS Signature Version 4 requests server side: the
// Authorization header form and the presigned (query string) form, as sent by
// the AWS CLI, the AWS SDKs and anything else that signs with SigV4.
//
// # Use
//
//	a, err := sigv4.Parse(r)         // nil, nil: anonymous request
//	if err != nil { ... }             // *sigv4.Error: malformed auth
//	v := &sigv4.Verifier{Lookup: keys} // one per server, shared
//	creds, err := v.Verify(ctx, r, a, body)
//
// Parse checks structure only. The caller decides what an anonymous request
// may do, and whether the credential scope's service (Auth.Service, the
// signing name) and region (Auth.Region) are ones it answers: AWS rejects a
// request signed for sts at IAM, and S3 answers a wrong region with
// AuthorizationHeaderMalformed naming the expected one; IAM, STS and
// Organizations accept any region in the scope.
//
// Verify recomputes the signature with aws-sdk-go-v2's own signer
// (aws/signer/v4) over a fresh request that carries only what the client
// signed: the method, the path exactly as received (S3 single-encoded, every
// other service encoded once more), the query (minus X-Amz-Signature for
// presigned URLs), the Host header as received and only the headers listed in
// SignedHeaders; Content-Length only when it is signed. Clients add unsigned
// headers after signing (Accept-Encoding, Content-Length, amz-sdk-*), which is
// why a request is never re-signed as received. The payload hash is the
// X-Amz-Content-Sha256 value when present (hex, UNSIGNED-PAYLOAD or a
// STREAMING-* literal), UNSIGNED-PAYLOAD for presigned S3 URLs without it, and
// the SHA-256 of the raw body otherwise. Signatures are compared in constant
// time. One SDK signer is kept per (access key, secret), so a signing key is
// derived once per (secret, date, region, service).
//
// The SDK signer decides on its own which headers to sign: it never signs
// user-agent, expect, transfer-encoding, x-amzn-trace-id or authorization,
// nor content-length when it is 0, and always signs x-amz-date. Some clients
// sign differently (the AWS SDK for Java v1 signs user-agent and
// content-length; old clients sign Date rather than X-Amz-Date). When the
// SDK's signed-headers list differs from the client's, Verify builds the
// canonical request from the client's list itself (fallback.go); a
// differential test checks that this builder and the SDK agree on every
// captured and generated request.
//
// AWS references:
//   - https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_sigv-create-signed-request.html
//   - https://docs.aws.amazon.com/AmazonS3/latest/API/sig-v4-header-based-auth.html
//   - https://docs.aws.amazon.com/AmazonS3/latest/API/sigv4-query-string-auth.html
//   - https://docs.aws.amazon.com/AmazonS3/latest/API/sigv4-streaming.html
//   - https://docs.aws.amazon.com/IAM/latest/APIReference/CommonErrors.html
//
// # Errors
//
// Every authentication failure is an *Error with a Kind and AWS's message for
// the situation. Turning a kind into the code of the protocol that answers is
// the server's job; AWS uses these codes (aws-wire.md §4.4, from AWS's Common
// Errors pages and moto; HTTP status in parentheses):
//
//	Kind                    query (IAM, STS, SNS)          EC2                 JSON / rest-json                        S3
//	MissingAuthentication   MissingAuthenticationToken 403 AuthFailure 401     MissingAuthenticationTokenException 403 anonymous: policy decides (AccessDenied 403)
//	IncompleteSignature     IncompleteSignature 400 [1]    AuthFailure         IncompleteSignatureException 400        AuthorizationHeaderMalformed 400 [2]
//	UnsupportedAlgorithm    IncompleteSignature 400        AuthFailure         IncompleteSignatureException            InvalidArgument 400 / AuthorizationHeaderMalformed
//	UnknownAccessKey        InvalidClientTokenId 403       AuthFailure 401     UnrecognizedClientException 400/403     InvalidAccessKeyId 403
//	InvalidSessionToken     InvalidClientTokenId 403       AuthFailure         UnrecognizedClientException             InvalidToken 400
//	ExpiredToken            ExpiredToken 403               RequestExpired      ExpiredTokenException 403               ExpiredToken 400
//	SignatureMismatch       SignatureDoesNotMatch 403      AuthFailure 401     InvalidSignatureException 403           SignatureDoesNotMatch 403 [3]
//	SignatureExpired        SignatureDoesNotMatch 403      RequestExpired 400  InvalidSignatureException 403           RequestTimeTooSkewed 403 [4]
//	SignatureNotYetCurrent  SignatureDoesNotMatch 403      RequestExpired 400  InvalidSignatureException 403           RequestTimeTooSkewed 403 [4]
//	PresignExpired          RequestExpired [6]             RequestExpired      —                                       AccessDenied 403 "Request has expired"
//	PresignExpiresTooLarge  —                              —                   —                                       AuthorizationQueryParametersError 400
//	ContentSHA256Mismatch   —                              —                   —                                       XAmzContentSHA256Mismatch 400 (InvalidArgument 400 for a value that is not a hash)
//	HeadersNotSigned        — (not enforced)               —                   —                                       AccessDenied 403 "There were headers present in the request which were not signed" [5]
//
//	[1] For a credential scope whose date, service or terminator is wrong
//	    the query services may answer SignatureDoesNotMatch; EC2 AuthFailure.
//	[2] Presigned-URL problems: AuthorizationQueryParametersError 400.
//	[3] S3's body adds StringToSign, CanonicalRequest, SignatureProvided and
//	    AWSAccessKeyId: Error.StringToSign and Error.CanonicalRequest, the
//	    Auth's Signature and AccessKeyID.
//	[4] With RequestTime, ServerTime and MaxAllowedSkewMilliseconds (900000).
//	[5] With a HeadersNotSigned element: Error.HeadersNotSigned. Parse
//	    reports it for the signing name s3 only; X-Amz-Content-Sha256 may
//	    be unsigned on a presigned URL.
//	[6] Or SignatureDoesNotMatch; aws-wire.md lists both.
//
// Verify evaluates in that order: key, session token, token expiry,
// signature, clock skew (or the presigned lifetime), then the body against a
// hex X-Amz-Content-Sha256. A Lookup error other than ErrUnknownAccessKey is
// returned wrapped, not as an *Error: it is the server's failure.
//
// # Where AWS is silent or moat decides
//
//   - Messages. Codes are reliable; message texts come from AWS docs,
//     moto and third-party reports of real responses and were not checked
//     against AWS (aws-wire.md §7). "Signature expired: X is now earlier than
//     Y (Z - 15 min.)" and "Signature not yet current: X is still later than
//     Y (Z + 15 min.)" print the configured skew in whole minutes. A few
//     messages are moat's own: a signed header missing from the request, an
//     empty name in SignedHeaders, a malformed query string; and the
//     UnsupportedAlgorithm messages for SigV2 and SigV4a add "(moat: ... is
//     out of scope.)" to AWS's text.
//   - S3 words some messages its own way; the server should use S3's text
//     when S3 answers: SignatureDoesNotMatch "The request signature we
//     calculated does not match the signature you provided. Check your key
//     and signing method.", InvalidAccessKeyId "The AWS Access Key Id you
//     provided does not exist in our records.". A presigned URL used too
//     early gets S3's "Request is not valid yet" (kind
//     SignatureNotYetCurrent).
//   - Skew. MaxSkew defaults to 15 minutes for every service (AWS reportedly
//     uses 5 minutes on some, e.g. KMS and Lambda). Presigned URLs may be in
//     the future by at most MaxSkew and are valid until X-Amz-Date +
//     X-Amz-Expires; a presigned URL without X-Amz-Expires (S3 requires it;
//     other services do not) or with 0 gets the header window instead. EKS tokens are accepted for 15 minutes
//     whatever X-Amz-Expires says (aws-iam-authenticator): that policy is the
//     caller's.
//   - Session tokens. A token is required for keys with a session token and
//     for every ASIA key, compared byte for byte in constant time; a token
//     sent with a long-term key is rejected like a wrong one
//     (InvalidSessionToken).
//   - X-Amz-Content-Sha256 values other than a 64-digit hex hash and the
//     known literals are rejected as ContentSHA256Mismatch (AWS S3:
//     InvalidArgument); the SigV4a streaming literals as UnsupportedAlgorithm.
//   - Signature hex must be lower case, as AWS computes it.
//   - Path escaping is disabled for the signing name "s3" only (not
//     s3-object-lambda, s3-outposts or s3express).
//
// # Gaps
//
//   - SigV4a (AWS4-ECDSA-P256-SHA256) and Signature Version 2 are rejected
//     as UnsupportedAlgorithm.
//   - For STREAMING-* payloads the header signature covers only the literal.
//     NewChunkedReader decodes aws-chunked bodies and checks chunk
//     signatures; see its documentation for what it covers.
//   - S3 POST-policy (browser form) uploads and event-stream payload
//     signatures (STREAMING-AWS4-HMAC-SHA256-EVENTS: only the header
//     signature is checked) are not handled.
package sigv4
