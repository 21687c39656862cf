// Package instructorcmd builds the `instructor` command: resetting a
// learner's sandbox and proving that every step of the workshop is checked.
package instructorcmd
