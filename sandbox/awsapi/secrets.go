package awsapi

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"regexp"
	"strconv"
	"strings"
	"time"
)

var secretsManagerOperations = map[string]handler{
	"CreateSecret":             jsonOp((*Server).createSecret),
	"GetSecretValue":           jsonOp((*Server).getSecretValue),
	"BatchGetSecretValue":      jsonOp((*Server).batchGetSecretValue),
	"PutSecretValue":           jsonOp((*Server).putSecretValue),
	"UpdateSecret":             jsonOp((*Server).updateSecret),
	"DescribeSecret":           jsonOp((*Server).describeSecret),
	"ListSecrets":              jsonOp((*Server).listSecrets),
	"ListSecretVersionIds":     jsonOp((*Server).listSecretVersionIDs),
	"UpdateSecretVersionStage": jsonOp((*Server).updateSecretVersionStage),
	"DeleteSecret":             jsonOp((*Server).deleteSecret),
	"RestoreSecret":            jsonOp((*Server).restoreSecret),
	"RotateSecret":             jsonOp((*Server).rotateSecret),
	"CancelRotateSecret":       jsonOp((*Server).cancelRotateSecret),
	"TagResource":              jsonOp((*Server).tagResource),
	"UntagResource":            jsonOp((*Server).untagResource),
	"GetRandomPassword":        jsonOp((*Server).getRandomPassword),
}

// jsonOp adapts a typed Secrets Manager handler: it decodes the JSON body
// into a new In and reports a body that does not decode as
// SerializationException.
func jsonOp[In any](fn func(*Server, *call, *In) (any, *apiError)) handler {
	return func(s *Server, c *call) (any, *apiError) {
		in := new(In)
		if e := decodeJSON(c.body, in); e != nil {
			return nil, e
		}
		return fn(s, c, in)
	}
}

func decodeJSON(body []byte, v any) *apiError {
	if len(bytes.TrimSpace(body)) == 0 {
		return nil
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	err := dec.Decode(v)
	if err == nil && dec.Decode(&struct{}{}) != io.EOF {
		err = errors.New("trailing data")
	}
	if err == nil {
		return nil
	}
	var typeErr *json.UnmarshalTypeError
	if errors.As(err, &typeErr) && typeErr.Field != "" {
		return smError("SerializationException", "The value of member %s has the wrong type: it is a JSON %s.", typeErr.Field, typeErr.Value)
	}
	return smError("SerializationException", "The request body is not a valid JSON object for this operation.")
}

// epochTime is a timestamp on the awsJson wire: a JSON number of seconds
// since the Unix epoch, with milliseconds as the fraction.
type epochTime time.Time

func (t epochTime) MarshalJSON() ([]byte, error) {
	ms := time.Time(t).UnixMilli()
	return []byte(strconv.FormatInt(ms/1000, 10) + "." + leftPad(strconv.FormatInt(ms%1000, 10), 3)), nil
}

func leftPad(s string, n int) string {
	return strings.Repeat("0", max(0, n-len(s))) + s
}

// epoch returns t as an epochTime pointer, or nil for nil.
func epoch(t *time.Time) *epochTime {
	if t == nil {
		return nil
	}
	e := epochTime(*t)
	return &e
}

func epochOf(t time.Time) *epochTime {
	e := epochTime(t)
	return &e
}

type tagJSON struct {
	Key   *string `json:"Key,omitempty"`
	Value *string `json:"Value,omitempty"`
}

type tagOut struct {
	Key   string `json:"Key"`
	Value string `json:"Value"`
}

// rotationJSON is a secret's rotation schedule, on the wire and in the state
// file.
type rotationJSON struct {
	AutomaticallyAfterDays *int64  `json:"AutomaticallyAfterDays,omitempty"`
	Duration               *string `json:"Duration,omitempty"`
	ScheduleExpression     *string `json:"ScheduleExpression,omitempty"`
}

// secretRef is the output of operations that only name the secret.
type secretRef struct {
	ARN       string `json:"ARN"`
	Name      string `json:"Name"`
	VersionID string `json:"VersionId,omitempty"`
}

func refOf(sec *secretRecord, versionID string) secretRef {
	return secretRef{ARN: sec.ARN, Name: sec.Name, VersionID: versionID}
}

const (
	invalidNameMessage   = "Invalid name. Must be a valid name containing alphanumeric characters, or any of the following: -/_+=.@!"
	notFoundMessage      = "Secrets Manager can't find the specified secret."
	markedDeletedMessage = "You can't perform this operation on the secret because it was marked for deletion."
	missingTokenMessage  = "You must provide a ClientRequestToken value. We recommend a UUID-type value."
	bothValuesMessage    = "You can't specify both a binary secret value and a string secret value in the same secret."
	maxSecretValueBytes  = 65536
)

var (
	secretNamePattern = regexp.MustCompile(`^[A-Za-z0-9/_+=.@-]+$`)
	// arnSuffixPattern matches the hyphen and six random characters that end
	// a secret's full ARN.
	arnSuffixPattern = regexp.MustCompile(`-[A-Za-z0-9]{6}$`)
)

// validateSecretID checks the required SecretId member.
func validateSecretID(v *violations, id *string) {
	v.required("secretId", id != nil)
	v.length("secretId", id, 1, 2048, false)
}

// validateToken checks the length of an optional ClientRequestToken.
func validateToken(v *violations, token *string) {
	v.length("clientRequestToken", token, 32, 64, false)
}

// validateValue checks the lengths of SecretString and SecretBinary. Both
// are sensitive, so messages leave the value out.
func validateValue(v *violations, str *string, bin *[]byte) {
	v.length("secretString", str, 1, maxSecretValueBytes, true)
	if bin != nil {
		v.lengthOf("secretBinary", "", len(*bin), 1, maxSecretValueBytes, true)
	}
}

// secretValue is the value of a new version: exactly one of str and bin.
type secretValue struct {
	str *string
	bin []byte
}

// valueOf returns the value given in a request, whether one was given, and
// an error when both members were.
func valueOf(str *string, bin *[]byte) (secretValue, bool, *apiError) {
	switch {
	case str != nil && bin != nil:
		return secretValue{}, false, smError("InvalidParameterException", bothValuesMessage)
	case str != nil:
		return secretValue{str: str}, true, nil
	case bin != nil:
		return secretValue{bin: *bin}, true, nil
	}
	return secretValue{}, false, nil
}

// resolveSecret finds the secret a SecretId names. A SecretId that is not an
// ARN must be a valid secret name.
func (s *Server) resolveSecret(id string) (*secretRecord, *apiError) {
	if !strings.HasPrefix(id, "arn:") && !secretNamePattern.MatchString(id) {
		return nil, smError("ValidationException", invalidNameMessage)
	}
	sec := s.st.findSecret(id)
	if sec == nil {
		return nil, smError("ResourceNotFoundException", notFoundMessage)
	}
	return sec, nil
}

// findSecret resolves a SecretId as Secrets Manager does: a full ARN, then a
// name, then a partial ARN (the ARN without "-" and the six random
// characters). An ARN that ends in "-" and six alphanumeric characters is
// taken as a full ARN only, so a partial ARN of a secret whose name itself
// ends that way finds nothing, as AWS documents.
func (st *stateData) findSecret(id string) *secretRecord {
	if !strings.HasPrefix(id, "arn:") {
		for _, sec := range st.Secrets {
			if sec.Name == id {
				return sec
			}
		}
		return nil
	}
	for _, sec := range st.Secrets {
		if sec.ARN == id {
			return sec
		}
	}
	if arnSuffixPattern.MatchString(id) {
		return nil
	}
	for _, sec := range st.Secrets {
		if sec.ARN[:len(sec.ARN)-7] == id {
			return sec
		}
	}
	return nil
}

// secretResource names the secret of a Secrets Manager call in an
// access-denied message: the SecretId or Name member, or "*".
func secretResource(c *call) string {
	var ids struct {
		SecretID string `json:"SecretId"`
		Name     string `json:"Name"`
	}
	json.Unmarshal(c.body, &ids) //nolint:errcheck // a body that does not decode names no resource
	switch {
	case ids.SecretID != "":
		return truncate(ids.SecretID, 2048)
	case ids.Name != "":
		return truncate(ids.Name, 512)
	}
	return "*"
}

// purgeDeletedSecrets removes the secrets whose recovery window has ended.
func (s *Server) purgeDeletedSecrets(c *call) {
	kept := s.st.Secrets[:0]
	for _, sec := range s.st.Secrets {
		if sec.DeletionDate != nil && !c.now.Before(*sec.DeletionDate) {
			c.changed = true
			continue
		}
		kept = append(kept, sec)
	}
	clear(s.st.Secrets[len(kept):])
	s.st.Secrets = kept
}

// checkNotDeleted rejects operations on a secret scheduled for deletion.
func checkNotDeleted(sec *secretRecord) *apiError {
	if sec.DeletedDate != nil {
		return smError("InvalidRequestException", markedDeletedMessage)
	}
	return nil
}

// requireToken rejects a missing ClientRequestToken. The SDKs and the CLI
// always fill one in, so only raw HTTP requests lack it.
func requireToken(token *string) *apiError {
	if token == nil {
		return smError("InvalidRequestException", missingTokenMessage)
	}
	return nil
}
