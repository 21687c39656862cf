package lessons

import (
	"fmt"
	"io"

	"github.com/charmbracelet/glamour"
	"github.com/charmbracelet/glamour/ansi"
	"github.com/charmbracelet/glamour/styles"
	"github.com/muesli/termenv"
)

// DefaultWidth is the column at which Render wraps words when
// RenderOptions.Width is zero.
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
	Width int
	// Style is "dark", "light", or empty to pick one from the terminal's
	// background color, which termenv queries through standard output.
	Style string
	// ColorProfile is the color depth of the terminal. The zero value is
	// termenv.TrueColor.
	ColorProfile termenv.Profile
}

// Render writes markdown to w. On a color terminal, glamour styles it and
// wraps it at the width. Otherwise Render writes it unchanged.
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
	width := opts.Width
	if width <= 0 {
		width = DefaultWidth
	}
	renderer, err := glamour.NewTermRenderer(
		glamour.WithStyles(style),
		glamour.WithWordWrap(width),
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
	case styles.DarkStyle:
		return styles.DarkStyleConfig, nil
	case styles.LightStyle:
		return styles.LightStyleConfig, nil
	case "":
		if termenv.HasDarkBackground() {
			return styles.DarkStyleConfig, nil
		}
		return styles.LightStyleConfig, nil
	default:
		return ansi.StyleConfig{}, fmt.Errorf("invalid style %q; use %q, %q or an empty string", name, styles.DarkStyle, styles.LightStyle)
	}
}
