package checks

import (
	"fmt"
)

// Item is the outcome of one sub-check.
type Item struct {
	Name   string `json:"name"`
	Passed bool   `json:"passed"`
	// Warning marks a passed item that still deserves attention, such as a
	// key that survives only in the reflog.
	Warning  bool   `json:"warning,omitempty"`
	Evidence string `json:"evidence"`
	// Hint explains how to fix a failed item, or how to clear a warning.
	Hint string `json:"hint"`
}

// Result is the outcome of one step's check.
type Result struct {
	Step   string `json:"step"`
	Passed bool   `json:"passed"`
	Items  []Item `json:"items"`
	// Facts are values the check learned that later checks need; the caller
	// stores them in the learner's progress when the step passes.
	Facts map[string]string `json:"-"`
}

// result collects items while a check runs.
type result struct {
	Result
}

func newResult(step string) *result {
	return &result{Result{Step: step, Facts: map[string]string{}}}
}

func (r *result) pass(name, evidence string, args ...any) {
	r.Items = append(r.Items, Item{Name: name, Passed: true, Evidence: fmt.Sprintf(evidence, args...)})
}

func (r *result) fail(name, hint, evidence string, args ...any) {
	r.Items = append(r.Items, Item{Name: name, Evidence: fmt.Sprintf(evidence, args...), Hint: hint})
}

func (r *result) warn(name, hint, evidence string, args ...any) {
	r.Items = append(r.Items, Item{Name: name, Passed: true, Warning: true, Evidence: fmt.Sprintf(evidence, args...), Hint: hint})
}

func (r *result) add(ok bool, name, hint, evidence string, args ...any) {
	if ok {
		r.pass(name, evidence, args...)
	} else {
		r.fail(name, hint, evidence, args...)
	}
}

func (r *result) done() *Result {
	r.Passed = len(r.Items) > 0
	for _, it := range r.Items {
		if !it.Passed {
			r.Passed = false
		}
	}
	return &r.Result
}
