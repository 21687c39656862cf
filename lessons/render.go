package lessons

import (
	"fmt"
	"io"

	"github.com/charmbracelet/glamour"
	"github.com/charmbracelet/glamour/ansi"
	"github.com/charmbracelet/glamour/styles"
	"github.com/muesli/termenv"
)

// DefaultWidth is the terminal width assumed when RenderOptions.Width is
// zero.
const DefaultWidth = 80

// RenderOptions describe the output that Render writes to.
type RenderOptions struct {
	// TTY is true when the output is a terminal. Otherwise Render writes the
	// Markdown unchanged.
	TTY bool
	// NoColor is true when the user turned color off, for example with the
	// NO_COLOR environment variable. Render then writes the Markdown unchanged.
	NoColor bool
	// Width is the terminal width in columns. Zero means DefaultWidth.
	// Render does not wrap at it: see Render.
	Width int
	// Style is "dark" or "light"; empty means "dark". Render never asks the
	// terminal for its background color, because a terminal that does not
	// answer the query stalls the command for seconds.
	Style string
	// ColorProfile is the color depth of the terminal. The zero value is
	// termenv.TrueColor.
	ColorProfile termenv.Profile
}

// Render writes markdown to w. On a color terminal, glamour styles it.
// Otherwise Render writes it unchanged.
//
// Glamour wraps code blocks and inline code like prose and pads every line to
// the width, so a wrapped command breaks when a learner copies it. Render
// therefore turns glamour's wrapping off and leaves long lines to the
// terminal's own soft wrap, which copies back as one line.
func Render(w io.Writer, markdown string, opts RenderOptions) error {
	if !opts.TTY || opts.NoColor {
		if _, err := io.WriteString(w, markdown); err != nil {
			return fmt.Errorf("write markdown: %w", err)
		}
		return nil
	}

	style, err := styleConfig(opts.Style)
	if err != nil {
		return err
	}
	renderer, err := glamour.NewTermRenderer(
		glamour.WithStyles(style),
		glamour.WithWordWrap(0),
		glamour.WithColorProfile(opts.ColorProfile),
	)
	if err != nil {
		return fmt.Errorf("create markdown renderer: %w", err)
	}

	styled, err := renderer.Render(markdown)
	if err != nil {
		return fmt.Errorf("render markdown: %w", err)
	}
	if _, err := io.WriteString(w, styled); err != nil {
		return fmt.Errorf("write rendered markdown: %w", err)
	}
	return nil
}

func styleConfig(name string) (ansi.StyleConfig, error) {
	switch name {
	case styles.DarkStyle, "":
		return styles.DarkStyleConfig, nil
	case styles.LightStyle:
		return styles.LightStyleConfig, nil
	default:
		return ansi.StyleConfig{}, fmt.Errorf("invalid style %q; use %q, %q or an empty string", name, styles.DarkStyle, styles.LightStyle)
	}
}
