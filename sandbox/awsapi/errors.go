package awsapi

import (
	"fmt"
	"net/http"
	"regexp"
	"strings"
)

// apiError is an error response in a service's own shape. The writer of each
// protocol turns it into JSON or XML.
type apiError struct {
	// Status is the HTTP status code.
	Status int
	// Code is the error code that clients read, such as
	// ResourceNotFoundException or NoSuchEntity.
	Code string
	// Message is the human-readable text.
	Message string
	// Receiver marks a server-side fault in awsQuery error bodies; without it
	// the fault type is Sender.
	Receiver bool
	// LowerMessage spells the JSON member "message" instead of "Message", as
	// AWS's authentication layer does for JSON services.
	LowerMessage bool
	// Extra holds the additional elements of an S3 error body, in order.
	Extra []xmlField
}

// xmlField is one extra element of an S3 error body.
type xmlField struct {
	Name  string
	Value string
}

func (e *apiError) Error() string {
	return e.Code + ": " + e.Message
}

// newError returns an apiError with the given status, code and formatted
// message.
func newError(status int, code, format string, args ...any) *apiError {
	msg := format
	if len(args) > 0 {
		msg = fmt.Sprintf(format, args...)
	}
	return &apiError{Status: status, Code: code, Message: msg}
}

// smError returns a Secrets Manager error. Every modelled Secrets Manager
// error is sent with HTTP status 400, ResourceNotFoundException included.
func smError(code, format string, args ...any) *apiError {
	return newError(http.StatusBadRequest, code, format, args...)
}

// internalError is the error for a failure on the endpoint's side, such as a
// state file that cannot be written.
func internalError(svc *service) *apiError {
	switch svc.kind {
	case protocolJSON:
		return newError(http.StatusInternalServerError, "InternalServiceError", "An error occurred on the server side.")
	case protocolQuery:
		e := newError(http.StatusInternalServerError, "ServiceFailure", "An internal error occurred. Retry the request.")
		e.Receiver = true
		return e
	default:
		return newError(http.StatusInternalServerError, "InternalError", "We encountered an internal error. Please try again.")
	}
}

// violations collects request members that break the constraints of a
// service's model, and reports them the way AWS's request validation does:
// "2 validation errors detected: Value 'x' at 'name' failed to satisfy
// constraint: ...; ...".
type violations struct {
	list []string
}

func (v *violations) add(field, value string, sensitive bool, constraint string) {
	switch {
	case sensitive:
		v.list = append(v.list, fmt.Sprintf("Value at '%s' failed to satisfy constraint: %s", field, constraint))
	default:
		v.list = append(v.list, fmt.Sprintf("Value '%s' at '%s' failed to satisfy constraint: %s", value, field, constraint))
	}
}

// required records a missing required member.
func (v *violations) required(field string, present bool) {
	if !present {
		v.list = append(v.list, fmt.Sprintf("Value null at '%s' failed to satisfy constraint: Member must not be null", field))
	}
}

// length checks the length in bytes of an optional string member.
func (v *violations) length(field string, value *string, minLen, maxLen int, sensitive bool) {
	if value == nil {
		return
	}
	v.lengthOf(field, *value, len(*value), minLen, maxLen, sensitive)
}

func (v *violations) lengthOf(field, shown string, n, minLen, maxLen int, sensitive bool) {
	switch {
	case n < minLen:
		v.add(field, shown, sensitive, fmt.Sprintf("Member must have length greater than or equal to %d", minLen))
	case maxLen > 0 && n > maxLen:
		v.add(field, shown, sensitive, fmt.Sprintf("Member must have length less than or equal to %d", maxLen))
	}
}

// intRange checks an optional integer member.
func (v *violations) intRange(field string, value *int64, minValue, maxValue int64) {
	if value == nil {
		return
	}
	shown := fmt.Sprint(*value)
	switch {
	case *value < minValue:
		v.add(field, shown, false, fmt.Sprintf("Member must have value greater than or equal to %d", minValue))
	case *value > maxValue:
		v.add(field, shown, false, fmt.Sprintf("Member must have value less than or equal to %d", maxValue))
	}
}

// enum checks an optional member against its allowed values.
func (v *violations) enum(field string, value *string, allowed ...string) {
	if value == nil {
		return
	}
	for _, a := range allowed {
		if *value == a {
			return
		}
	}
	v.add(field, *value, false, "Member must satisfy enum value set: ["+strings.Join(allowed, ", ")+"]")
}

// pattern checks an optional member against a regular expression that must
// match the whole value; shown is the pattern as the model spells it.
func (v *violations) pattern(field string, value *string, re *regexp.Regexp, shown string) {
	if value == nil || re.MatchString(*value) {
		return
	}
	v.add(field, *value, false, "Member must satisfy regular expression pattern: "+shown)
}

// err returns the collected violations as one error with the given code, or
// nil when there are none.
func (v *violations) err(code string) *apiError {
	switch n := len(v.list); n {
	case 0:
		return nil
	case 1:
		return newError(http.StatusBadRequest, code, "1 validation error detected: %s", v.list[0])
	default:
		return newError(http.StatusBadRequest, code, "%d validation errors detected: %s", n, strings.Join(v.list, "; "))
	}
}
