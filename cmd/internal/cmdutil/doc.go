// Package cmdutil holds what every command of both binaries shares: the
// Factory of lazy dependencies, the IO streams, error kinds, and the one map
// from errors to exit codes.
package cmdutil
