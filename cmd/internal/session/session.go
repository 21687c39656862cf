// Package session joins what the workshop and instructor commands share once
// a sandbox is open: the lessons, the learner's progress, the check
// environment, and recording a passed step.
package session

import (
	"context"
	"fmt"

	"github.com/secretslab/workshop/checks"
	"github.com/secretslab/workshop/cmd/internal/cmdutil"
	"github.com/secretslab/workshop/lessons"
	"github.com/secretslab/workshop/sandbox"
)

// Session is an open sandbox with its lessons and progress.
type Session struct {
	F        *cmdutil.Factory
	Sandbox  *sandbox.Sandbox
	Workshop *lessons.Workshop
	Progress *sandbox.Progress
}

// Open finds the sandbox from dir (see Factory.Sandbox) and loads its lessons
// and progress.
func Open(f *cmdutil.Factory, dir string) (*Session, error) {
	sb, err := f.Sandbox(dir)
	if err != nil {
		return nil, err
	}
	return ForSandbox(f, sb)
}

// ForSandbox loads the lessons and progress of an open sandbox.
func ForSandbox(f *cmdutil.Factory, sb *sandbox.Sandbox) (*Session, error) {
	w, err := f.Workshop()
	if err != nil {
		return nil, fmt.Errorf("load lessons: %w", err)
	}
	p, err := sb.LoadProgress()
	if err != nil {
		return nil, err
	}
	return &Session{F: f, Sandbox: sb, Workshop: w, Progress: p}, nil
}

// Current returns the first step not done yet, or false when every step is done.
func (s *Session) Current() (lessons.Step, bool) {
	for _, step := range s.Workshop.Steps {
		if !s.Progress.Done(step.ID) {
			return step, true
		}
	}
	return lessons.Step{}, false
}

// Values returns the sandbox's values that lesson templates use.
func (s *Session) Values() lessons.Values {
	sb := s.Sandbox
	forkURL := ""
	if sb.HasFork() {
		forkURL = sb.ForkURL()
	}
	return lessons.Values{
		SandboxDir:          sb.Dir,
		AppDir:              sb.AppDir(),
		UpstreamURL:         sb.UpstreamURL(),
		ForkURL:             forkURL,
		Learner:             sb.Config.Learner,
		AWSEndpointURL:      endpointURL(sb),
		AWSRegion:           sb.Config.AWSRegion,
		AWSProfile:          sb.Config.AWSProfile,
		FakeAccessKeyID:     sb.Config.FakeAccessKeyID,
		FakeSecretAccessKey: sb.Config.FakeSecretAccessKey,
		SuggestedSecretName: sb.Config.SuggestedSecretName,
		AppIAMUser:          sb.Config.AppUser,
		WorkshopBin:         "workshop",
	}
}

func endpointURL(sb *sandbox.Sandbox) string {
	if sb.Config.AWSMode != sandbox.AWSLocal {
		return ""
	}
	return sb.AWSEndpointURL()
}

// CheckEnv starts the endpoint if needed and returns the environment checks
// and solutions run in.
func (s *Session) CheckEnv(ctx context.Context) (*checks.Env, error) {
	if _, err := s.F.EnsureEndpoint(ctx, s.Sandbox); err != nil {
		return nil, err
	}
	hook, err := s.F.SelfCommand("hook", "pre-receive", "--dir", s.Sandbox.Dir)
	if err != nil {
		return nil, err
	}
	facts := map[string]string{}
	for k, v := range s.Progress.Facts {
		facts[k] = v
	}
	return &checks.Env{
		Sandbox:     s.Sandbox,
		Git:         s.F.Git,
		Environ:     s.F.Environ(),
		Facts:       facts,
		HookCommand: hook,
		Now:         s.F.Now,
	}, nil
}

// RecordCheck stores the outcome of a check: an attempt always, and on a
// pass the step as done with the facts the check learned.
func (s *Session) RecordCheck(ctx context.Context, res *checks.Result) error {
	now := s.F.Now().UTC()
	return s.Sandbox.UpdateProgress(ctx, func(p *sandbox.Progress) error {
		sp := p.Step(res.Step)
		sp.Attempts++
		if res.Passed {
			sp.Done = true
			sp.PassedAt = &now
			for k, v := range res.Facts {
				p.Facts[k] = v
			}
		}
		s.Progress = p
		return nil
	})
}
