// Package checks verifies each step of the secrets workshop from state only:
// files, git objects, the secret store and the endpoint's records, never
// shell history.
//
// A check returns a [Result] with one [Item] per sub-check, each with its
// evidence and a hint. A learner's unfinished step is a failed Result, not an
// error. An error means the tool itself could not look: no git, a broken
// sandbox, or an endpoint that is down.
//
// Each step also carries its reference solution and plausible wrong
// solutions, which `instructor test` uses to prove that every check fails
// before its solution, fails on the wrong ones, and passes on the reference.
package checks
