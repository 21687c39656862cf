package cmdutil

import (
	"bytes"
	"io"
	"os"

	"golang.org/x/term"
)

// IOStreams are the standard streams of a command, with what is known about
// the terminal behind them.
type IOStreams struct {
	In     io.Reader
	Out    io.Writer
	ErrOut io.Writer

	stdinTTY  bool
	stdoutTTY bool
	// NoColor is set when NO_COLOR is set or the output is not a terminal.
	NoColor bool
	// Width is the terminal width in columns, 80 when unknown.
	Width int
}

// System returns the process's own streams.
func System(getenv func(string) string) *IOStreams {
	ios := &IOStreams{In: os.Stdin, Out: os.Stdout, ErrOut: os.Stderr, Width: 80}
	ios.stdinTTY = term.IsTerminal(int(os.Stdin.Fd()))
	ios.stdoutTTY = term.IsTerminal(int(os.Stdout.Fd()))
	if ios.stdoutTTY {
		if w, _, err := term.GetSize(int(os.Stdout.Fd())); err == nil && w > 0 {
			ios.Width = w
		}
	}
	_, noColor := lookup(getenv, "NO_COLOR")
	ios.NoColor = noColor || !ios.stdoutTTY
	return ios
}

func lookup(getenv func(string) string, name string) (string, bool) {
	v := getenv(name)
	return v, v != ""
}

// Test returns streams backed by buffers, as if no terminal were attached.
func Test() (ios *IOStreams, in, out, errOut *bytes.Buffer) {
	in, out, errOut = &bytes.Buffer{}, &bytes.Buffer{}, &bytes.Buffer{}
	return &IOStreams{In: in, Out: out, ErrOut: errOut, NoColor: true, Width: 80}, in, out, errOut
}

// IsStdoutTTY reports whether standard output is a terminal.
func (s *IOStreams) IsStdoutTTY() bool { return s.stdoutTTY }

// IsStdinTTY reports whether standard input is a terminal.
func (s *IOStreams) IsStdinTTY() bool { return s.stdinTTY }

// SetStdoutTTY sets whether standard output counts as a terminal (for tests).
func (s *IOStreams) SetStdoutTTY(tty bool) { s.stdoutTTY = tty }

// SetStdinTTY sets whether standard input counts as a terminal (for tests).
func (s *IOStreams) SetStdinTTY(tty bool) { s.stdinTTY = tty }
