// Package ui is bloomy's terminal interface: an accounts home, the login
// form, diagnostics and a users browser, on Bubble Tea v2.
package ui

import (
	"context"
	"os"
	"strings"
	"time"

	"bloomy/accounts"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
)

// screenID names a screen.
type screenID int

const (
	screenAccounts screenID = iota
	screenLogin
	screenDiagnostics
	screenUsers
)

func (s screenID) title() string {
	switch s {
	case screenLogin:
		return "Log in"
	case screenDiagnostics:
		return "Diagnostics"
	case screenUsers:
		return "Users"
	default:
		return "Accounts"
	}
}

// Options configures the interface.
type Options struct {
	Service *accounts.Service
	// Demo lists the demo logins (demo mode); nil otherwise.
	Demo []DemoLogin
	// StartOnDiagnostics opens the diagnostics screen first.
	StartOnDiagnostics bool
	// NoColor drops colour (NO_COLOR is also read).
	NoColor bool
	// SteadyCursor stops the cursor blinking in text fields.
	SteadyCursor bool
}

// Model is the root of the interface: it routes messages to the screen on
// show, draws the header, status and help, and any dialog on top.
type Model struct {
	c        *common
	current  screenID
	accounts *accountsScreen
	login    *loginScreen
	diag     *diagnosticsScreen
	users    *usersScreen

	help     help.Model
	showHelp bool
	dialog   *dialog

	status    string
	statusErr bool
	statusSeq int
	// loginFrom is the screen the login form returns to.
	loginFrom screenID
	// loads counts reads of the config file; shown is the newest one applied.
	loads, shown int
	// later schedules a message (the status line's clearing); tests turn it off.
	later func(time.Duration, tea.Msg) tea.Cmd
}

var _ tea.Model = (*Model)(nil)

// New builds the interface.
func New(ctx context.Context, opts Options) *Model {
	noColor := opts.NoColor || os.Getenv("NO_COLOR") != ""
	c := &common{
		ctx:     ctx,
		svc:     opts.Service,
		styles:  newStyles(true, noColor),
		keys:    newKeyMap(),
		noColor: noColor,
		demo:    opts.Demo,
		width:   80,
		height:  24,

		steadyCursor: opts.SteadyCursor,
	}
	m := &Model{c: c, help: help.New(), later: func(d time.Duration, msg tea.Msg) tea.Cmd {
		return tea.Tick(d, func(time.Time) tea.Msg { return msg })
	}}
	m.help.Styles = help.DefaultStyles(true)
	m.accounts = newAccountsScreen(c)
	m.login = newLoginScreen(c)
	m.diag = newDiagnosticsScreen(c)
	m.users = newUsersScreen(c)
	if opts.StartOnDiagnostics {
		m.current = screenDiagnostics
	}
	m.layout()
	return m
}

// Run opens the interface in the terminal until the user quits.
func Run(ctx context.Context, opts Options) error {
	p := tea.NewProgram(New(ctx, opts), tea.WithContext(ctx))
	_, err := p.Run()
	if ctx.Err() != nil {
		return nil // ended from outside (a closed terminal, SIGTERM): not a failure
	}
	return err
}

// Init implements tea.Model.
func (m *Model) Init() tea.Cmd {
	cmds := []tea.Cmd{tea.RequestBackgroundColor, m.loadState()}
	if m.current == screenDiagnostics {
		cmds = append(cmds, m.diag.Open())
	}
	return tea.Batch(cmds...)
}

func (m *Model) active() screen {
	switch m.current {
	case screenLogin:
		return m.login
	case screenDiagnostics:
		return m.diag
	case screenUsers:
		return m.users
	default:
		return m.accounts
	}
}

// layout hands each screen the room left by the header, status and help lines.
func (m *Model) layout() {
	w, h := m.c.width-2, max(m.c.height-3, 1)
	for _, s := range []screen{m.accounts, m.login, m.diag, m.users} {
		s.SetSize(w, h)
	}
	m.help.SetWidth(w)
}

// Update implements tea.Model.
func (m *Model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		m.c.width, m.c.height = max(msg.Width, 20), max(msg.Height, 5)
		m.layout()
		return m, nil
	case tea.BackgroundColorMsg:
		m.c.styles = newStyles(msg.IsDark(), m.c.noColor)
		m.help.Styles = help.DefaultStyles(msg.IsDark())
		return m, nil
	case stateLoadedMsg:
		if msg.seq < m.shown {
			return m, nil // an older read that finished after a newer one
		}
		m.shown = msg.seq
		m.c.state = msg.state
		return m, m.broadcast(msg)
	case statusMsg:
		return m, m.setStatus(msg.text, msg.isErr)
	case clearStatusMsg:
		if msg.seq == m.statusSeq {
			m.status = ""
		}
		return m, nil
	case actionDoneMsg:
		// Screens hear of it too (diagnostics re-runs its checks). A failure
		// may come from a file that changed under us: read it again too.
		if msg.err != nil {
			return m, tea.Batch(m.setStatus(errorSentence(msg.err), true), m.loadState(), m.broadcast(msg))
		}
		return m, tea.Batch(m.setStatus(msg.text, false), m.loadState(), m.broadcast(msg))
	case openDialogMsg:
		m.dialog = msg.dialog
		return m, m.dialog.focus()
	case closeLoginMsg:
		back := m.loginFrom
		if back == screenLogin {
			back = screenAccounts
		}
		return m, m.open(back, m.users.account)
	case reloadMsg:
		return m, m.loadState()
	case openLoginMsg:
		if m.current != screenLogin {
			m.loginFrom = m.current
		}
		m.current = screenLogin
		return m, m.login.Open(msg.relogin)
	case openScreenMsg:
		return m, m.open(msg.to, msg.account)
	case tea.KeyPressMsg:
		return m, m.handleKey(msg)
	case tea.MouseWheelMsg:
		if m.dialog != nil || m.showHelp {
			return m, nil
		}
		_, cmd := m.active().Update(msg)
		return m, cmd
	case tea.PasteMsg:
		// A paste goes where the typing goes: the dialog, else the screen on show.
		if m.dialog != nil {
			return m, m.dialog.update(msg)
		}
		_, cmd := m.active().Update(msg)
		return m, cmd
	}
	// Everything else (results, spinner ticks) goes to every screen that may
	// be waiting for it; results carry who they belong to.
	return m, m.broadcast(msg)
}

// broadcast gives a message to every screen: results arrive for screens not on show.
func (m *Model) broadcast(msg tea.Msg) tea.Cmd {
	var cmds []tea.Cmd
	for _, s := range []screen{m.accounts, m.login, m.diag, m.users} {
		_, cmd := s.Update(msg)
		cmds = append(cmds, cmd)
	}
	return tea.Batch(cmds...)
}

func (m *Model) handleKey(msg tea.KeyPressMsg) tea.Cmd {
	k := m.c.keys
	if msg.String() == "ctrl+c" {
		return tea.Quit
	}
	if m.dialog != nil {
		done, cmd := m.dialog.handleKey(msg, k)
		if done {
			m.dialog = nil
		}
		return cmd
	}
	if m.showHelp {
		if key.Matches(msg, k.Help, k.Back, k.Quit) {
			m.showHelp = false
		}
		return nil
	}
	scr := m.active()
	if !scr.Capturing() {
		switch {
		case key.Matches(msg, k.Quit):
			return tea.Quit
		case key.Matches(msg, k.Help):
			m.showHelp = true
			return nil
		case key.Matches(msg, k.Back) && m.current != screenAccounts && !handlesEsc(scr):
			m.current = screenAccounts
			return m.loadState()
		}
	}
	_, cmd := scr.Update(msg)
	return cmd
}

// cursorScreen is a screen with a text field that shows the terminal's own
// cursor; Cursor is relative to the screen's View.
type cursorScreen interface{ Cursor() *tea.Cursor }

// escHandler is a screen that sometimes uses esc itself (to close a pane).
type escHandler interface{ HandlesEsc() bool }

func handlesEsc(s screen) bool {
	h, ok := s.(escHandler)
	return ok && h.HandlesEsc()
}

// open switches to a screen, starting what it needs.
func (m *Model) open(to screenID, account string) tea.Cmd {
	m.current = to
	switch to {
	case screenDiagnostics:
		return m.diag.Open()
	case screenUsers:
		return m.users.Open(account)
	case screenAccounts:
		return m.loadState()
	}
	return nil
}

// loadState reads the config file again, in a command.
func (m *Model) loadState() tea.Cmd {
	m.loads++
	return loadStateCmd(m.c.svc, m.loads)
}

func (m *Model) setStatus(text string, isErr bool) tea.Cmd {
	m.statusSeq++
	m.status, m.statusErr = text, isErr
	seq := m.statusSeq
	wait := 5 * time.Second
	if isErr {
		wait = 10 * time.Second
	}
	return m.later(wait, clearStatusMsg{seq: seq})
}

// View implements tea.Model.
func (m *Model) View() tea.View {
	v := tea.NewView(m.render())
	if cs, ok := m.active().(cursorScreen); ok && m.dialog == nil && !m.showHelp {
		if c := cs.Cursor(); c != nil {
			c.X += 1 // the app's left padding
			c.Y += 1 // the header line
			v.Cursor = c
		}
	}
	v.AltScreen = true
	v.MouseMode = tea.MouseModeCellMotion
	v.WindowTitle = "bloomy — " + strings.ToLower(m.current.title())
	return v
}

// render draws the whole screen as text, exactly width × height.
func (m *Model) render() string {
	c := m.c
	s := c.styles
	w := c.width - 2
	bodyH := max(c.height-3, 1)

	title := s.Title.Render("bloomy") + s.Subtitle.Render(" · "+m.current.title())
	right := ""
	if c.demo != nil {
		right = s.Warn.Render("demo")
	}
	header := title
	if gap := w - lipgloss.Width(title) - lipgloss.Width(right); gap > 0 {
		header += strings.Repeat(" ", gap) + right
	}

	var body string
	switch {
	case m.showHelp:
		body = m.fullHelp()
	case m.dialog != nil:
		body = lipgloss.Place(w, bodyH, lipgloss.Center, lipgloss.Center, m.dialog.view(s, min(w, 64)))
	default:
		body = m.active().View()
	}

	status := ""
	if m.status != "" {
		st := s.OK
		if m.statusErr {
			st = s.Error
		}
		// Up to two lines, taken from the bottom of the body: a message cut
		// short loses its way out.
		lines := strings.Split(wrap(m.status, w), "\n")
		if len(lines) > 2 {
			lines = lines[:2]
			lines[1] = truncate(lines[1]+" …", w)
		}
		if len(lines) > 1 && bodyH > 4 {
			bodyH--
		} else {
			lines = []string{truncate(m.status, w)}
		}
		for i := range lines {
			lines[i] = st.Render(lines[i])
		}
		status = strings.Join(lines, "\n")
	}
	body = fitLines(body, w, bodyH)
	var helpLine string
	switch {
	case m.showHelp:
		helpLine = m.help.ShortHelpView([]key.Binding{c.keys.Back, c.keys.Quit})
	case m.dialog != nil:
		helpLine = m.help.ShortHelpView(m.dialog.keys(c.keys))
	default:
		bindings := m.active().ShortHelp()
		if !m.active().Capturing() {
			// First, so a narrow terminal never cuts it off (while typing, ? is a character).
			bindings = append([]key.Binding{c.keys.Help}, bindings...)
		}
		helpLine = m.help.ShortHelpView(bindings)
	}
	out := strings.Join([]string{truncate(header, w), body, status, truncate(helpLine, w)}, "\n")
	return s.App.Render(fitLines(out, w, c.height))
}

// fullHelp lists every key of the screen on show and the global ones, in as
// many columns as the width holds, so nothing is cut at 60 columns.
func (m *Model) fullHelp() string {
	k := m.c.keys
	s := m.c.styles
	groups := append(m.active().FullHelp(), []key.Binding{k.Help, k.Back, k.Quit})
	var keys, descs []string
	keyW, descW := 0, 0
	for _, g := range groups {
		for _, b := range g {
			if !b.Enabled() {
				continue
			}
			h := b.Help()
			keys, descs = append(keys, h.Key), append(descs, h.Desc)
			keyW, descW = max(keyW, lipgloss.Width(h.Key)), max(descW, lipgloss.Width(h.Desc))
		}
	}
	w := m.c.width - 2
	colW := keyW + 1 + descW + 3
	cols := max(1, min(len(keys), (w+3)/colW))
	rows := (len(keys) + cols - 1) / cols
	lines := make([]string, rows)
	for i := range keys {
		cell := s.Key.Render(pad(keys[i], keyW)) + " " + pad(descs[i], descW)
		r := i % rows
		if i >= rows {
			lines[r] += "   "
		}
		lines[r] += cell
	}
	if rows+2 > max(m.c.height-3, 1) {
		return strings.Join(lines, "\n") // no room for a title: the keys matter more
	}
	return s.Title.Render(m.current.title()+" — keys") + "\n\n" + strings.Join(lines, "\n")
}
