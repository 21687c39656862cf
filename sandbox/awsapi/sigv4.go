package awsapi

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/aws/smithy-go/logging"
)

const (
	sigV4Algorithm  = "AWS4-HMAC-SHA256"
	amzDateLayout   = "20060102T150405Z"
	scopeDateLayout = "20060102"
	// maxClockSkew is how far the X-Amz-Date of a request may be from the
	// endpoint's clock.
	// NOTE: AWS allows 5 minutes for JSON and query services but 15 for S3;
	// this endpoint applies 5 minutes to S3 too.
	maxClockSkew = 5 * time.Minute
)

// authorization is the parsed Authorization header of a SigV4 request:
// "AWS4-HMAC-SHA256 Credential=AKID/20240102/us-east-1/sts/aws4_request,
// SignedHeaders=host;x-amz-date, Signature=<64 hex digits>".
type authorization struct {
	AccessKeyID   string
	Date          string
	Region        string
	Service       string
	SignedHeaders []string
	Signature     string
}

var (
	signaturePattern = regexp.MustCompile(`^[0-9a-f]{64}$`)
	hashPattern      = regexp.MustCompile(`^[0-9a-fA-F]{64}$`)
	// scopeServicePattern finds the service in a credential scope, even in an
	// Authorization header that is otherwise malformed.
	scopeServicePattern = regexp.MustCompile(`Credential=[^/,\s]*/[^/,\s]*/[^/,\s]*/([^/,\s]+)/`)
)

// parseAuthorization parses a SigV4 Authorization header. The problem's
// message is meant for the client, in the words AWS uses.
func parseAuthorization(header string) (authorization, *authProblem) {
	rest, ok := strings.CutPrefix(header, sigV4Algorithm+" ")
	if !ok {
		return authorization{}, malformed("Authorization header requires the AWS4-HMAC-SHA256 algorithm.")
	}
	params := map[string]string{}
	for part := range strings.SplitSeq(rest, ",") {
		k, v, _ := strings.Cut(strings.TrimSpace(part), "=")
		params[k] = v
	}
	var missing []string
	for _, name := range []string{"Credential", "SignedHeaders", "Signature"} {
		if params[name] == "" {
			missing = append(missing, fmt.Sprintf("Authorization header requires '%s' parameter.", name))
		}
	}
	if len(missing) > 0 {
		return authorization{}, malformed(strings.Join(missing, " "))
	}
	return buildAuthorization(params)
}

func buildAuthorization(params map[string]string) (authorization, *authProblem) {
	scope := strings.Split(params["Credential"], "/")
	if len(scope) != 5 || scope[4] != "aws4_request" || slices.Contains(scope, "") {
		// The credential is not repeated: a learner who swapped key id and
		// secret would see the secret in the message.
		return authorization{}, malformed("Credential should be scoped to a valid region, service and date, in the form AKID/yyyymmdd/region/service/aws4_request.")
	}
	if _, err := time.Parse(scopeDateLayout, scope[1]); err != nil {
		return authorization{}, malformed(fmt.Sprintf("Credential should be scoped to a valid date, not %q.", scope[1]))
	}
	signature := params["Signature"]
	if !signaturePattern.MatchString(signature) {
		return authorization{}, malformed("Signature must be 64 lower-case hexadecimal digits.")
	}
	headers := strings.Split(params["SignedHeaders"], ";")
	if slices.Contains(headers, "") {
		return authorization{}, malformed("SignedHeaders must be a list of header names separated by semicolons.")
	}
	return authorization{
		AccessKeyID:   scope[0],
		Date:          scope[1],
		Region:        scope[2],
		Service:       scope[3],
		SignedHeaders: headers,
		Signature:     signature,
	}, nil
}

// scopeService returns the service named in an Authorization header's
// credential scope, or "" when there is none.
func scopeService(header string) string {
	m := scopeServicePattern.FindStringSubmatch(header)
	if m == nil {
		return ""
	}
	return m[1]
}

// authFailure is the kind of reason a request failed authentication. Each
// service reports each kind with its own error code and HTTP status.
type authFailure int

const (
	authMissing authFailure = iota + 1
	authMalformed
	authUnknownKey
	authBadSignature
	authSkewed
	authPayloadMismatch
)

// authProblem describes why a request failed authentication.
type authProblem struct {
	kind    authFailure
	message string
	// canonicalRequest and stringToSign are what the endpoint computed, for
	// signature mismatches.
	canonicalRequest  string
	stringToSign      string
	signatureProvided string
	requestTime       time.Time
}

func malformed(message string) *authProblem {
	return &authProblem{kind: authMalformed, message: message}
}

// signingTime parses X-Amz-Date and checks it against the credential scope
// and the endpoint's clock.
func signingTime(r *http.Request, a authorization, now time.Time) (time.Time, *authProblem) {
	raw := r.Header.Get("X-Amz-Date")
	t, err := time.Parse(amzDateLayout, raw)
	if err != nil {
		return time.Time{}, &authProblem{kind: authMalformed, message: "Authorization header requires existence of a valid 'X-Amz-Date' header in the form yyyyMMddTHHmmssZ."}
	}
	if t.Format(scopeDateLayout) != a.Date {
		return t, &authProblem{kind: authBadSignature, message: fmt.Sprintf(
			"Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '%s' != '%s', from '%s'.",
			a.Date, t.Format(scopeDateLayout), raw)}
	}
	now = now.UTC()
	switch {
	case t.Before(now.Add(-maxClockSkew)):
		return t, &authProblem{kind: authSkewed, requestTime: t, message: fmt.Sprintf(
			"Signature expired: %s is now earlier than %s (%s - 5 min.)",
			raw, now.Add(-maxClockSkew).Format(amzDateLayout), now.Format(amzDateLayout))}
	case t.After(now.Add(maxClockSkew)):
		return t, &authProblem{kind: authSkewed, requestTime: t, message: fmt.Sprintf(
			"Signature not yet current: %s is still later than %s (%s + 5 min.)",
			raw, now.Add(maxClockSkew).Format(amzDateLayout), now.Format(amzDateLayout))}
	}
	return t, nil
}

// payloadHash returns the payload hash the client signed: the
// X-Amz-Content-Sha256 header when present, else the SHA-256 of the body. A
// literal hash in the header must match the body.
func payloadHash(r *http.Request, body []byte) (string, *authProblem) {
	sum := sha256.Sum256(body)
	bodyHash := hex.EncodeToString(sum[:])
	header := r.Header.Get("X-Amz-Content-Sha256")
	switch {
	case header == "":
		return bodyHash, nil
	case header == "UNSIGNED-PAYLOAD" || strings.HasPrefix(header, "STREAMING-"):
		return header, nil
	case hashPattern.MatchString(header) && strings.EqualFold(header, bodyHash):
		return header, nil
	default:
		return "", &authProblem{kind: authPayloadMismatch, message: "The provided 'x-amz-content-sha256' header does not match what was computed."}
	}
}

// signatureResult is the signature of a re-signed request, with the
// canonical request and string to sign it was computed from.
type signatureResult struct {
	signature        string
	canonicalRequest string
	stringToSign     string
}

// resign recomputes the signature of r with the aws-sdk-go-v2 signer. It
// copies only the signed headers into a fresh request, so headers that a
// transport added after signing (User-Agent, Accept-Encoding) do not count.
// The signer never signs User-Agent, X-Amzn-Trace-Id, Expect or
// Transfer-Encoding, so a client that signed one of those cannot be verified.
// One signer serves every request: it caches the signing key derived for
// an access key id, region and service for the day. The cache does not look
// at the secret, which is safe because an access key id never gets another
// secret in a state file.
func resign(ctx context.Context, signer *v4.Signer, r *http.Request, a authorization, secret, payload string, t time.Time, s3 bool) (signatureResult, error) {
	clone := signedCopy(r, a)
	var res signatureResult
	capture := logging.LoggerFunc(func(_ logging.Classification, _ string, v ...any) {
		if len(v) >= 2 {
			res.canonicalRequest, _ = v[0].(string)
			res.stringToSign, _ = v[1].(string)
		}
	})
	creds := aws.Credentials{AccessKeyID: a.AccessKeyID, SecretAccessKey: secret}
	err := signer.SignHTTP(ctx, creds, clone, payload, a.Service, a.Region, t, func(o *v4.SignerOptions) {
		o.DisableURIPathEscaping = s3
		o.LogSigning = true
		o.Logger = capture
	})
	if err != nil {
		return signatureResult{}, fmt.Errorf("sign request copy: %w", err)
	}
	_, sig, ok := strings.Cut(clone.Header.Get("Authorization"), "Signature=")
	if !ok {
		return signatureResult{}, errors.New("sign request copy: no signature in the Authorization header")
	}
	res.signature = sig
	return res, nil
}

// signedCopy returns a new request with r's method, URL and host, and only
// the headers that the Authorization header lists as signed.
func signedCopy(r *http.Request, a authorization) *http.Request {
	clone := &http.Request{
		Method: r.Method,
		URL:    &url.URL{Scheme: "http", Host: r.Host, Path: r.URL.Path, RawPath: r.URL.RawPath, RawQuery: r.URL.RawQuery},
		Host:   r.Host,
		Header: http.Header{},
	}
	for _, name := range a.SignedHeaders {
		switch name {
		case "host":
			continue
		case "content-length":
			clone.ContentLength = r.ContentLength
			continue
		}
		key := http.CanonicalHeaderKey(name)
		if values, ok := r.Header[key]; ok {
			clone.Header[key] = slices.Clone(values)
		}
	}
	return clone
}

// signaturesEqual compares two hex signatures in constant time.
func signaturesEqual(a, b string) bool {
	return subtle.ConstantTimeCompare([]byte(a), []byte(b)) == 1
}
