// Package sandbox owns the learner's environment on disk: its layout, its
// config, the learner's progress, and creating, archiving and rebuilding it.
//
// A sandbox is a folder holding the learner's clone of the sample app, a
// local git host, and the state of a local AWS endpoint. Every path a command
// needs comes from a [Sandbox] value, so no code builds sandbox paths by hand.
package sandbox
