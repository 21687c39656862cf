package checks

import (
	"fmt"
	"strings"

	"github.com/secretslab/workshop/sandbox/awsapi"
)

// checkAppID is added to the user agent of the checks' own AWS requests, so
// the request log can separate them from the learner's.
const checkAppID = "workshop-check"

// learnerRequests reads the local endpoint's request log, leaving out the
// requests the checks sent themselves.
func (e *Env) learnerRequests() ([]awsapi.LogEntry, error) {
	entries, err := awsapi.ReadRequestLog(e.Sandbox.AWSRequestLogPath())
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrToolFailed, err)
	}
	var out []awsapi.LogEntry
	for _, entry := range entries {
		if !strings.Contains(entry.UserAgent, "app/"+checkAppID) {
			out = append(out, entry)
		}
	}
	return out, nil
}
