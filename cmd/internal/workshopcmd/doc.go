// Package workshopcmd builds the learner's `workshop` command: one file per
// subcommand, each with an options struct, a constructor and a run function.
package workshopcmd
