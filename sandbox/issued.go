package sandbox

import (
	"fmt"

	"github.com/secretslab/workshop/internal/keys"
	"github.com/secretslab/workshop/internal/secretscan"
	"github.com/secretslab/workshop/sandbox/awsapi"
)

// FactCommittedKeyID names the progress fact holding the working key id that
// the learner committed: the key the workshop treats as leaked.
const FactCommittedKeyID = "committed_key_id"

// IssuedValues lists every value the sandbox handed out, for exact matching
// by push protection and the history checks: the fake pair, and every access
// key the local endpoint ever issued, deleted ones included.
//
// NOTE: in real-AWS mode the workshop cannot list the keys AWS issued. It
// has only the key id recorded in the progress file, which never stores a
// secret, so there the working secret is found by pattern rules alone.
func (s *Sandbox) IssuedValues() ([]secretscan.Value, error) {
	cfg := s.Config
	values := []secretscan.Value{
		{Label: "fake access key id " + keys.Redact(cfg.FakeAccessKeyID), Value: cfg.FakeAccessKeyID},
		{Label: "fake secret access key " + keys.Redact(cfg.FakeSecretAccessKey), Value: cfg.FakeSecretAccessKey},
	}
	if cfg.AWSMode != AWSLocal {
		p, err := s.LoadProgress()
		if err != nil {
			return nil, err
		}
		if id := p.Facts[FactCommittedKeyID]; id != "" {
			values = append(values, secretscan.Value{Label: "access key id " + keys.Redact(id), Value: id})
		}
		return values, nil
	}

	state, err := awsapi.LoadState(s.AWSStatePath())
	if err != nil {
		return nil, fmt.Errorf("read the endpoint's state: %w", err)
	}
	for _, k := range state.IssuedKeys() {
		values = append(values,
			secretscan.Value{Label: "access key id " + keys.Redact(k.ID), Value: k.ID},
			secretscan.Value{Label: "secret access key of " + keys.Redact(k.ID), Value: k.Secret})
	}
	return values, nil
}
