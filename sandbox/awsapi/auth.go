package awsapi

import (
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/secretslab/workshop/internal/keys"
)

const (
	statusActive   = "Active"
	statusInactive = "Inactive"
)

// authenticate checks the request's SigV4 signature and returns the
// parsed Authorization header and the secret of the key that signed it. An
// inactive key is rejected like an unknown one, as AWS does. It holds the
// state lock only to look the key up, so requests verify their signatures
// in parallel. bindCaller then checks, under the lock, that the key did not
// change in the meantime.
func (s *Server) authenticate(c *call) (authorization, string, *authProblem) {
	header := c.r.Header.Get("Authorization")
	if header == "" {
		return authorization{}, "", &authProblem{kind: authMissing}
	}
	a, prob := parseAuthorization(header)
	if prob != nil {
		return authorization{}, "", prob
	}
	c.accessKeyID = loggableKeyID(a.AccessKeyID)

	t, prob := signingTime(c.r, a, c.now)
	if prob != nil {
		return authorization{}, "", prob
	}
	secret, ok := s.activeKeySecret(a.AccessKeyID)
	if !ok || c.r.Header.Get("X-Amz-Security-Token") != "" {
		return authorization{}, "", &authProblem{kind: authUnknownKey}
	}
	if prob := s.verifySignature(c, a, secret, t); prob != nil {
		return authorization{}, "", prob
	}
	return a, secret, nil
}

// activeKeySecret returns the secret of an active access key whose user
// exists.
func (s *Server) activeKeySecret(id string) (string, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	key := s.st.key(id)
	if key == nil || key.Status != statusActive || s.st.user(key.User) == nil {
		return "", false
	}
	return key.Secret, true
}

// bindCaller sets the caller's key and user once the signature was verified
// with secret. The caller must hold the state lock. A key that was deleted,
// deactivated or given another secret since authenticate looked it up is
// rejected like an unknown one.
func (s *Server) bindCaller(c *call, a authorization, secret string) *authProblem {
	key := s.st.key(a.AccessKeyID)
	if key == nil || key.Status != statusActive || key.Secret != secret {
		return &authProblem{kind: authUnknownKey}
	}
	user := s.st.user(key.User)
	if user == nil {
		return &authProblem{kind: authUnknownKey}
	}
	c.key, c.user = key, user
	s.recordKeyUse(c, a)
	return nil
}

func (s *Server) verifySignature(c *call, a authorization, secret string, t time.Time) *authProblem {
	payload, prob := payloadHash(c.r, c.body)
	if prob != nil {
		return prob
	}
	res, err := resign(c.ctx, s.signer, c.r, a, secret, payload, t, c.svc == s3Service)
	if err != nil {
		return &authProblem{kind: authBadSignature}
	}
	if !signaturesEqual(res.signature, a.Signature) {
		return &authProblem{kind: authBadSignature, canonicalRequest: res.canonicalRequest, stringToSign: res.stringToSign, signatureProvided: a.Signature}
	}
	return nil
}

// keyIDPattern matches access key ids, which are upper-case letters and
// digits. Secret access keys also contain lower-case letters, / and +.
var keyIDPattern = regexp.MustCompile(`^[A-Z0-9]{16,128}$`)

// loggableKeyID returns the access key id for the request log and error
// bodies. A value that is not shaped like a key id, such as a secret access
// key given in its place, is redacted.
func loggableKeyID(id string) string {
	if keyIDPattern.MatchString(id) {
		return id
	}
	return keys.Redact(id)
}

// recordKeyUse stores when, for which service and in which region the key
// was last used, at minute resolution, so that reads do not rewrite the
// state file more than once a minute.
func (s *Server) recordKeyUse(c *call, a authorization) {
	use := lastUseInfo{Date: c.now.Truncate(time.Minute), Service: c.svc.name, Region: a.Region}
	if c.key.LastUsed != nil && *c.key.LastUsed == use {
		return
	}
	c.key.LastUsed = &use
	c.changed = true
}

// authorize checks that the caller's user may call the operation, and
// returns the service's access-denied error when not.
func (s *Server) authorize(c *call) *apiError {
	action := c.svc.actionPrefix + ":" + iamActionName(c.svc, c.op)
	if allows(c.user.Actions, action) {
		return nil
	}
	who := c.user.arn(s.st.AccountID)
	switch c.svc.kind {
	case protocolJSON:
		return smError("AccessDeniedException", "User: %s is not authorized to perform: %s on resource: %s because no identity-based policy allows the %s action",
			who, action, secretResource(c), action)
	case protocolQuery:
		return newError(http.StatusForbidden, "AccessDenied", "User: %s is not authorized to perform: %s on resource: %s because no identity-based policy allows the %s action",
			who, action, s.queryResource(c), action)
	default:
		return newError(http.StatusForbidden, "AccessDenied", "Access Denied")
	}
}

// iamActionName maps an operation to the IAM action that permits it; they
// differ only for S3 ListBuckets.
func iamActionName(svc *service, op string) string {
	if svc == s3Service && op == "ListBuckets" {
		return "ListAllMyBuckets"
	}
	return op
}

// allows reports whether a list of allowed actions, which may contain "*"
// and "service:*", contains action. Actions compare without regard to case,
// as in IAM policies.
func allows(allowed []string, action string) bool {
	prefix, _, _ := strings.Cut(action, ":")
	return slices.ContainsFunc(allowed, func(a string) bool {
		return a == "*" || strings.EqualFold(a, action) || strings.EqualFold(a, prefix+":*")
	})
}

// queryResource names the resource of an IAM or STS call in an access-denied
// message.
func (s *Server) queryResource(c *call) string {
	if c.svc != iamService {
		return c.user.arn(s.st.AccountID)
	}
	name := c.form.Get("UserName")
	if name == "" {
		name = c.user.Name
	}
	return fmt.Sprintf("user %s", truncate(name, 64))
}
