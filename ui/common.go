package ui

import (
	"context"
	"strconv"
	"strings"
	"time"

	"bloomy/accounts"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
)

// DemoLogin is a login the demo server accepts, shown on the login form.
type DemoLogin struct {
	Username, Password, Organization string
}

// common is what every screen shares: the service, the size, the looks, the
// keys and the latest state of the config file.
type common struct {
	ctx     context.Context
	svc     *accounts.Service
	width   int
	height  int
	styles  Styles
	keys    keyMap
	noColor bool
	demo    []DemoLogin
	state   *accounts.State
	// steadyCursor turns off cursor blinking in text fields.
	steadyCursor bool
}

// newInput is a text field with the interface's cursor settings.
func (c *common) newInput() textinput.Model {
	in := textinput.New()
	if c.steadyCursor {
		st := in.Styles()
		st.Cursor.Blink = false
		in.SetStyles(st)
	}
	return in
}

// screen is one page of the interface. Only the root returns a tea.View.
type screen interface {
	help.KeyMap
	Update(tea.Msg) (screen, tea.Cmd)
	View() string
	SetSize(width, height int)
	// Capturing is true while a text field or filter has focus: the root then
	// leaves every key to the screen.
	Capturing() bool
}

// statusMsg shows a line of feedback under the screen.
type statusMsg struct {
	text  string
	isErr bool
}

func statusCmd(text string, isErr bool) tea.Cmd {
	return func() tea.Msg { return statusMsg{text: text, isErr: isErr} }
}

// loadStateCmd reads the config file in a command; seq orders the reads so
// an older one that finishes late is dropped.
func loadStateCmd(svc *accounts.Service, seq int) tea.Cmd {
	return func() tea.Msg { return stateLoadedMsg{state: svc.State(), seq: seq} }
}

// truncate cuts s (which may hold styles) to width cells, with an ellipsis.
func truncate(s string, width int) string {
	if width <= 0 {
		return ""
	}
	return ansi.Truncate(s, width, "…")
}

// pad cuts or pads plain text to exactly width cells.
func pad(s string, width int) string {
	s = truncate(s, width)
	if w := ansi.StringWidth(s); w < width {
		s += strings.Repeat(" ", width-w)
	}
	return s
}

// fitLines makes text exactly height lines, each no wider than width.
func fitLines(text string, width, height int) string {
	lines := strings.Split(text, "\n")
	if len(lines) > height {
		lines = lines[:height]
	}
	for i, l := range lines {
		lines[i] = truncate(l, width)
	}
	for len(lines) < height {
		lines = append(lines, "")
	}
	return strings.Join(lines, "\n")
}

// sanitize makes text from the server or the file safe to print.
func sanitize(s string) string { return accounts.Printable(s) }

// ago words a past time for a status line: "just now", "3m ago".
func ago(t, now time.Time) string {
	d := now.Sub(t)
	switch {
	case d < 10*time.Second:
		return "just now"
	case d < time.Minute:
		return "seconds ago"
	case d < time.Hour:
		return strconv.Itoa(int(d/time.Minute)) + "m ago"
	default:
		return t.Local().Format("15:04")
	}
}

// wheel is how far a mouse wheel message scrolls: -1 up, +1 down, 0 for
// anything else.
func wheel(msg tea.MouseWheelMsg) int {
	switch msg.Button {
	case tea.MouseWheelUp:
		return -1
	case tea.MouseWheelDown:
		return 1
	}
	return 0
}

// moveCursor applies the list keys (up, down, page up/down, top, bottom) to
// a cursor over n rows with page rows a page; it reports whether msg was one.
func moveCursor(msg tea.KeyPressMsg, k keyMap, cursor *int, n, page int) bool {
	switch {
	case key.Matches(msg, k.Up):
		*cursor--
	case key.Matches(msg, k.Down):
		*cursor++
	case key.Matches(msg, k.PageUp):
		*cursor -= page
	case key.Matches(msg, k.PageDown):
		*cursor += page
	case key.Matches(msg, k.Top):
		*cursor = 0
	case key.Matches(msg, k.Bottom):
		*cursor = n - 1
	default:
		return false
	}
	*cursor = min(max(*cursor, 0), max(n-1, 0))
	return true
}
