// Package lessons holds workshops as data: a manifest plus one Markdown file
// per step, filled in with a learner's sandbox values and rendered for a
// terminal or as plain Markdown.
//
// A workshop folder contains workshop.json and the Markdown files it names.
// Every Markdown file and every hint is a text/template over [Values]. The
// secrets workshop is embedded in the binary ([Embedded]); authors can load a
// folder from disk with [LoadDir] to try changes without a rebuild.
package lessons
