package ui

import (
	"context"
	"fmt"
	"strings"

	"bloomy/accounts"
	"bloomy/bloomyclient"
	"bloomy/config"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/spinner"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"
)

// The login form's fields, in tab order.
const (
	fieldName = iota
	fieldEmail
	fieldPassword
	fieldHost
	fieldCount
)

var fieldLabels = [fieldCount]string{"Account name", "Login email", "Password", "Host (optional)"}

// loginScreen is the form for adding an account and for logging in again.
type loginScreen struct {
	c         *common
	width     int
	height    int
	inputs    [fieldCount]textinput.Model
	focus     int
	relogin   string // the account being logged in again, "" when adding
	errs      [fieldCount]string
	formErr   string
	verifying bool
	submitID  int
	cancel    context.CancelFunc // stops the login on its way, so esc really cancels
	spinner   spinner.Model
	demoNext  int
}

func newLoginScreen(c *common) *loginScreen {
	l := &loginScreen{c: c, spinner: spinner.New(spinner.WithSpinner(spinner.Dot))}
	for i := range l.inputs {
		in := c.newInput()
		in.SetVirtualCursor(false) // the terminal's own cursor, placed by Cursor
		in.Prompt = ""
		in.CharLimit = 256
		l.inputs[i] = in
	}
	l.inputs[fieldName].CharLimit = 64
	l.inputs[fieldName].Placeholder = "work"
	l.inputs[fieldEmail].Placeholder = "you@company.com"
	l.inputs[fieldPassword].EchoMode = textinput.EchoPassword
	l.inputs[fieldPassword].EchoCharacter = '•'
	l.inputs[fieldHost].Placeholder = config.DefaultBaseURL
	return l
}

// Open resets the form: empty for a new account, pre-filled (all but the
// password) for a re-login of an existing one.
func (l *loginScreen) Open(relogin string) tea.Cmd {
	l.relogin = relogin
	l.verifying = false
	l.formErr = ""
	l.errs = [fieldCount]string{}
	for i := range l.inputs {
		l.inputs[i].SetValue("")
	}
	l.focus = fieldName
	if st := l.c.state; st != nil && relogin != "" {
		if acc := st.Find(relogin); acc != nil {
			l.inputs[fieldName].SetValue(acc.Name)
			l.inputs[fieldEmail].SetValue(acc.Username)
			if acc.BaseURL != "" {
				l.inputs[fieldHost].SetValue(acc.BaseURL)
			}
			l.focus = fieldPassword
			if acc.Username == "" {
				l.focus = fieldEmail
			}
		}
	}
	if l.relogin == "" && l.c.svc.DefaultHost() != config.DefaultBaseURL {
		l.inputs[fieldHost].Placeholder = l.c.svc.DefaultHost()
	}
	return l.focusField(l.focus)
}

func (l *loginScreen) focusField(i int) tea.Cmd {
	old := l.focus
	l.focus = (i + fieldCount) % fieldCount
	if l.relogin != "" && l.focus == fieldName {
		// The name of an account being logged in again is fixed: skip it.
		if i < old {
			l.focus = fieldHost
		} else {
			l.focus = fieldEmail
		}
	}
	var cmd tea.Cmd
	for j := range l.inputs {
		if j == l.focus {
			cmd = l.inputs[j].Focus()
		} else {
			l.inputs[j].Blur()
		}
	}
	return cmd
}

// SetSize implements screen.
func (l *loginScreen) SetSize(w, h int) {
	l.width, l.height = w, h
	for i := range l.inputs {
		l.inputs[i].SetWidth(max(min(w-20, 50), 10))
	}
}

// Capturing implements screen: the form takes every key.
func (l *loginScreen) Capturing() bool { return true }

// Update implements screen.
func (l *loginScreen) Update(msg tea.Msg) (screen, tea.Cmd) {
	switch msg := msg.(type) {
	case loginFinishedMsg:
		if !l.verifying || msg.id != l.submitID {
			return l, nil // an answer to a submission the user already left
		}
		l.verifying = false
		if msg.err != nil {
			l.formErr = errorSentence(msg.err)
			l.inputs[fieldPassword].SetValue("")
			return l, l.focusField(fieldPassword)
		}
		return l, l.finished(msg.result)
	case spinner.TickMsg:
		if !l.verifying {
			return l, nil
		}
		var cmd tea.Cmd
		l.spinner, cmd = l.spinner.Update(msg)
		return l, cmd
	case tea.PasteMsg:
		if l.verifying {
			return l, nil
		}
		var cmd tea.Cmd
		l.inputs[l.focus], cmd = l.inputs[l.focus].Update(msg)
		return l, cmd
	case tea.KeyPressMsg:
		return l, l.handleKey(msg)
	}
	return l, nil
}

func (l *loginScreen) handleKey(msg tea.KeyPressMsg) tea.Cmd {
	k := l.c.keys
	if l.verifying {
		if key.Matches(msg, k.Back) {
			l.verifying = false // a late answer is dropped by submitID
			l.cancel()          // and the login stops before it saves anything
			l.formErr = "Cancelled: nothing was saved."
			return nil
		}
		return nil
	}
	switch {
	case key.Matches(msg, k.Back):
		l.clearPassword()
		return func() tea.Msg { return closeLoginMsg{} }
	case msg.String() == "tab" || msg.String() == "down":
		return l.focusField(l.focus + 1)
	case msg.String() == "shift+tab" || msg.String() == "up":
		return l.focusField(l.focus - 1)
	case key.Matches(msg, k.DemoFill) && len(l.c.demo) > 0:
		d, ok := l.nextDemo()
		if !ok {
			return nil
		}
		if l.relogin == "" {
			l.inputs[fieldName].SetValue(l.freeName(demoName(d)))
		}
		l.inputs[fieldEmail].SetValue(d.Username)
		l.inputs[fieldPassword].SetValue(d.Password)
		l.errs = [fieldCount]string{}
		return l.focusField(fieldPassword)
	case msg.String() == "enter":
		if l.focus < fieldPassword && l.inputs[fieldPassword].Value() == "" {
			return l.focusField(l.focus + 1)
		}
		return l.submit()
	}
	var cmd tea.Cmd
	l.inputs[l.focus], cmd = l.inputs[l.focus].Update(msg)
	l.errs[l.focus] = ""
	l.formErr = ""
	return cmd
}

// nextDemo picks the demo login to fill: for a re-login only the account's
// own, else the next one in turn.
func (l *loginScreen) nextDemo() (DemoLogin, bool) {
	if l.relogin != "" {
		for _, d := range l.c.demo {
			if strings.EqualFold(d.Username, l.inputs[fieldEmail].Value()) {
				return d, true
			}
		}
		return DemoLogin{}, false
	}
	d := l.c.demo[l.demoNext%len(l.c.demo)]
	l.demoNext++
	return d, true
}

// freeName returns name, or name-2, name-3… when an account has it already.
func (l *loginScreen) freeName(name string) string {
	st := l.c.state
	if st == nil {
		return name
	}
	for i, candidate := 2, name; ; i++ {
		if st.Find(candidate) == nil {
			return candidate
		}
		candidate = fmt.Sprintf("%s-%d", name, i)
	}
}

// demoName proposes an account name for a demo login: its organisation's first word.
func demoName(d DemoLogin) string {
	name := strings.ToLower(strings.Fields(d.Organization + " demo")[0])
	if local, _, ok := strings.Cut(d.Username, "@"); ok && strings.HasPrefix(d.Username, "linus") {
		name = local
	}
	return name
}

// validate checks the fields inline; it reports whether they are fit to send.
func (l *loginScreen) validate() bool {
	l.errs = [fieldCount]string{}
	name := strings.TrimSpace(l.inputs[fieldName].Value())
	if err := config.ValidName(name); err != nil {
		l.errs[fieldName] = err.Error()
	} else if st := l.c.state; l.relogin == "" && st != nil && st.Find(name) != nil {
		l.errs[fieldName] = fmt.Sprintf("%q exists already; press esc and l on it to log in again", name)
	}
	email := strings.TrimSpace(l.inputs[fieldEmail].Value())
	switch {
	case email == "":
		l.errs[fieldEmail] = "enter the email you log in to Bloom Growth with"
	case !strings.Contains(email, "@"):
		l.errs[fieldEmail] = "that does not look like an email address"
	}
	if l.inputs[fieldPassword].Value() == "" {
		l.errs[fieldPassword] = "enter your password"
	}
	if host := strings.TrimSpace(l.inputs[fieldHost].Value()); host != "" {
		if _, err := bloomyclient.ParseBaseURL(host); err != nil {
			l.errs[fieldHost] = err.Error()
		}
	}
	for i, e := range l.errs {
		if e != "" {
			l.focusField(i)
			return false
		}
	}
	return true
}

func (l *loginScreen) submit() tea.Cmd {
	if !l.validate() {
		return nil
	}
	if st := l.c.state; st != nil {
		if err := st.Writable(); err != nil {
			l.formErr = errorSentence(err)
			return nil
		}
	}
	req := accounts.LoginRequest{
		Name:     strings.TrimSpace(l.inputs[fieldName].Value()),
		Username: strings.TrimSpace(l.inputs[fieldEmail].Value()),
		Password: l.inputs[fieldPassword].Value(),
		Host:     strings.TrimSpace(l.inputs[fieldHost].Value()),
	}
	// The password leaves the form now: it lives only in this request.
	l.clearPassword()
	l.verifying = true
	l.formErr = ""
	l.submitID++
	id := l.submitID
	ctx, cancel := context.WithCancel(l.c.ctx)
	l.cancel = cancel
	svc := l.c.svc
	return tea.Batch(l.spinner.Tick, func() tea.Msg {
		defer cancel()
		res, err := svc.Login(ctx, req)
		return loginFinishedMsg{id: id, result: res, err: err}
	})
}

func (l *loginScreen) clearPassword() { l.inputs[fieldPassword].SetValue("") }

// finished goes home and says what happened.
func (l *loginScreen) finished(res *accounts.LoginResult) tea.Cmd {
	a := res.Account
	text := fmt.Sprintf("Added %s (%s).", a.Name, a.UserName)
	if res.Relogin {
		text = fmt.Sprintf("Logged in to %s again: new key %s.", a.Name, bloomyclient.MaskKey(a.APIKey))
	}
	switch {
	case res.Activated && !res.Relogin:
		text += " It is the active account."
	case res.KeptKey:
		text += " Not made active: import the unnamed key first (i)."
	}
	if len(res.Restored) > 0 {
		text += " Restored " + strings.Join(res.Restored, ", ") + " from the backup."
	}
	if len(res.SameLogin) > 0 {
		text += " Note: " + strings.Join(res.SameLogin, ", ") + " is the same login (l logs in again)."
	}
	name := a.Name
	return tea.Batch(
		func() tea.Msg { return closeLoginMsg{} },
		func() tea.Msg { return selectAccountMsg{name: name} },
		statusCmd(text, false),
	)
}

// labelWidth is the width of the labels in front of the fields.
const labelWidth = 15

// Cursor is where the terminal's cursor goes: in the focused field, relative
// to the top left of the screen's View. nil while verifying.
func (l *loginScreen) Cursor() *tea.Cursor {
	if l.verifying {
		return nil
	}
	c := l.inputs[l.focus].Cursor()
	if c == nil {
		return nil
	}
	row := 3 // title, the password note, a blank line
	for i := 0; i < l.focus; i++ {
		row++
		if l.errs[i] != "" {
			row += strings.Count(wrap(l.errs[i], max(l.width-min(labelWidth+3, l.width/3), 10)), "\n") + 1
		}
	}
	c.X += 2 + labelWidth + 1 // the focus mark, the label, a space
	c.Y = row
	return c
}

// ShortHelp implements help.KeyMap.
func (l *loginScreen) ShortHelp() []key.Binding {
	k := l.c.keys
	if l.verifying {
		return []key.Binding{key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "cancel"))}
	}
	out := []key.Binding{k.Next, k.Prev, k.Submit, k.Back}
	if len(l.c.demo) > 0 {
		out = append(out, k.DemoFill)
	}
	return out
}

// FullHelp implements help.KeyMap.
func (l *loginScreen) FullHelp() [][]key.Binding {
	return [][]key.Binding{l.ShortHelp()}
}

// View implements screen.
func (l *loginScreen) View() string {
	s := l.c.styles
	var b strings.Builder
	title := "Add an account"
	if l.relogin != "" {
		title = "Log in to " + l.relogin + " again"
	}
	b.WriteString(s.Title.Render(title) + "\n")
	host := l.c.svc.DefaultHost()
	if h := strings.TrimSpace(l.inputs[fieldHost].Value()); h != "" {
		host = h
	}
	b.WriteString(s.Muted.Render(truncate("Your password is sent once to "+host+"/Token and never stored.", l.width)) + "\n\n")
	labelW := labelWidth
	for i := range l.inputs {
		label := pad(fieldLabels[i], labelW)
		if i == l.focus && !l.verifying {
			label = s.Focused.Render("› " + label)
		} else {
			label = s.Label.Render("  " + label)
		}
		value := l.inputs[i].View()
		if l.relogin != "" && i == fieldName {
			value = l.inputs[i].Value() + s.Muted.Render("  (fixed)")
		}
		b.WriteString(label + " " + value + "\n")
		if l.errs[i] != "" {
			indent := strings.Repeat(" ", min(labelW+3, l.width/3))
			for _, line := range strings.Split(wrap(l.errs[i], max(l.width-len(indent), 10)), "\n") {
				b.WriteString(s.Error.Render(indent+line) + "\n")
			}
		}
	}
	b.WriteString("\n")
	switch {
	case l.verifying:
		b.WriteString(l.spinner.View() + " Logging in and checking the new key with users/mine…\n")
	case l.formErr != "":
		b.WriteString(s.Error.Render(wrap(l.formErr, l.width)) + "\n")
	}
	if len(l.c.demo) > 0 {
		used := strings.Count(b.String(), "\n")
		if used+2+len(l.c.demo) <= l.height {
			b.WriteString("\n" + s.Warn.Render("Demo logins") + s.Muted.Render(" (ctrl+o fills the next one)") + "\n")
			for _, d := range l.c.demo {
				b.WriteString(s.Muted.Render(truncate(fmt.Sprintf("  %-24s %-10s %s", d.Username, d.Password, d.Organization), l.width)) + "\n")
			}
		} else {
			d := l.c.demo[0]
			b.WriteString(s.Warn.Render(truncate(fmt.Sprintf("Demo: %s / %s — ctrl+o fills it", d.Username, d.Password), l.width)) + "\n")
		}
	}
	return b.String()
}
