// Package e2e holds the end-to-end tests: scripts in testdata/*.txtar drive
// the built workshop and instructor binaries with the real git, aws and
// python3, as a learner or an instructor would.
package e2e
