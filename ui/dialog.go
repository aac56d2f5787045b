package ui

import (
	"errors"
	"fmt"
	"strings"

	"bloomy/accounts"
	"bloomy/bloomyclient"
	"bloomy/config"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"
)

// dialog is a small box the root draws over the screen: a yes/no question,
// or a question with one text field (a new name).
type dialog struct {
	title   string
	body    string
	input   *textinput.Model // nil for a yes/no question
	err     string
	confirm func(value string) (tea.Cmd, error) // an error keeps the dialog open
}

// openDialogMsg asks the root to show a dialog.
type openDialogMsg struct{ dialog *dialog }

func openDialog(d *dialog) tea.Cmd { return func() tea.Msg { return openDialogMsg{dialog: d} } }

// confirmDialog asks yes or no.
func confirmDialog(title, body string, yes func() tea.Cmd) *dialog {
	return &dialog{title: title, body: body, confirm: func(string) (tea.Cmd, error) { return yes(), nil }}
}

// promptDialog asks for one value; check validates it before confirm runs.
func promptDialog(c *common, title, body, value string, check func(string) error, done func(string) tea.Cmd) *dialog {
	in := c.newInput()
	in.SetValue(value)
	in.CursorEnd()
	in.CharLimit = 64
	in.Prompt = "› "
	return &dialog{title: title, body: body, input: &in, confirm: func(v string) (tea.Cmd, error) {
		v = strings.TrimSpace(v)
		if err := check(v); err != nil {
			return nil, err
		}
		return done(v), nil
	}}
}

func (d *dialog) focus() tea.Cmd {
	if d.input != nil {
		return d.input.Focus()
	}
	return nil
}

// update passes a non-key message (a paste) to the text field.
func (d *dialog) update(msg tea.Msg) tea.Cmd {
	if d.input == nil {
		return nil
	}
	var cmd tea.Cmd
	*d.input, cmd = d.input.Update(msg)
	return cmd
}

// handleKey reports whether the dialog is finished, and what to run.
func (d *dialog) handleKey(msg tea.KeyPressMsg, k keyMap) (bool, tea.Cmd) {
	switch {
	case msg.String() == "esc" || (d.input == nil && key.Matches(msg, k.No)):
		return true, nil
	case msg.String() == "enter" || (d.input == nil && key.Matches(msg, k.Yes)):
		value := ""
		if d.input != nil {
			value = d.input.Value()
		}
		cmd, err := d.confirm(value)
		if err != nil {
			d.err = errorSentence(err)
			return false, nil
		}
		return true, cmd
	}
	if d.input != nil {
		d.err = ""
		return false, d.update(msg)
	}
	return false, nil
}

func (d *dialog) keys(k keyMap) []key.Binding {
	if d.input != nil {
		return []key.Binding{key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "ok")), key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "cancel"))}
	}
	return []key.Binding{k.Yes, k.No}
}

func (d *dialog) view(s Styles, width int) string {
	inner := max(width-4, 10)
	var b strings.Builder
	b.WriteString(s.Title.Render(truncate(d.title, inner)))
	if d.body != "" {
		b.WriteString("\n\n" + wrap(d.body, inner))
	}
	if d.input != nil {
		d.input.SetWidth(inner - 3)
		b.WriteString("\n\n" + d.input.View())
	}
	if d.err != "" {
		b.WriteString("\n" + s.Error.Render(wrap(d.err, inner)))
	}
	return s.Dialog.Width(width).Render(b.String())
}

// wrap breaks plain text into lines of at most width cells, at spaces.
func wrap(text string, width int) string {
	var out []string
	for _, para := range strings.Split(text, "\n") {
		line := ""
		for _, word := range strings.Fields(para) {
			switch {
			case line == "":
				line = word
			case len([]rune(line))+1+len([]rune(word)) <= width:
				line += " " + word
			default:
				out = append(out, line)
				line = word
			}
		}
		out = append(out, truncate(line, width))
	}
	return strings.Join(out, "\n")
}

// errorSentence turns an error into a sentence a person can act on.
func errorSentence(err error) string {
	var perr *config.ParseError
	var netErr *bloomyclient.NetworkError
	var grant *bloomyclient.GrantError
	switch {
	case errors.Is(err, bloomyclient.ErrUnauthorized):
		return "Key rejected — expired or revoked; log in again (l)."
	case errors.As(err, &grant):
		return grant.Error()
	case errors.As(err, &perr):
		return fmt.Sprintf("The config file does not parse (line %d: %s).", perr.Line, perr.Msg)
	case errors.Is(err, config.ErrReadOnly):
		return "The config file is read-only: " + err.Error() + ". Make it writable to save changes."
	case errors.As(err, new(*accounts.NotFoundError)):
		return err.Error() + " — the config file changed; it has been read again."
	case errors.Is(err, accounts.ErrUnnamedKey):
		return "The file's api_key belongs to no account; import it first (i)."
	case errors.As(err, &netErr):
		return "Cannot reach the server: " + netErr.Err.Error() + ". Check the host and your connection."
	}
	s := err.Error()
	if s == "" {
		return "Something went wrong."
	}
	return strings.ToUpper(s[:1]) + s[1:]
}
