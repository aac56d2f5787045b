package ui

import (
	"fmt"
	"strings"

	"bloomy/accounts"
	"bloomy/bloomyclient"
	"bloomy/config"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/spinner"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"
)

// rowCheck is the live check of one row: running, or its last result.
type rowCheck struct {
	key     string // the key checked: a new key (a re-login) makes the result stale
	gen     int
	running bool
	result  *accounts.CheckResult
}

// accountsScreen is the home: every account and any unnamed key.
type accountsScreen struct {
	c        *common
	width    int
	height   int
	cursor   int
	offset   int
	checks   map[string]*rowCheck
	checkGen int
	spinner  spinner.Model
	spinning bool
	placed   bool   // the cursor was put on the active account once
	want     string // an account to put the cursor on when it shows up
}

const unnamedRow = "(unnamed)"

func newAccountsScreen(c *common) *accountsScreen {
	return &accountsScreen{c: c, checks: map[string]*rowCheck{}, spinner: spinner.New(spinner.WithSpinner(spinner.MiniDot))}
}

// SetSize implements screen.
func (a *accountsScreen) SetSize(w, h int) { a.width, a.height = w, h }

// Capturing implements screen: the home has no text field.
func (a *accountsScreen) Capturing() bool { return false }

// rows are the names on show: the accounts, then the unnamed key.
func (a *accountsScreen) rows() []string {
	st := a.c.state
	if st == nil {
		return nil
	}
	names := make([]string, 0, len(st.Accounts)+1)
	for _, acc := range st.Accounts {
		names = append(names, acc.Name)
	}
	if st.UnnamedKey != "" {
		names = append(names, unnamedRow)
	}
	return names
}

// selected is the account under the cursor (nil on the unnamed row or none).
func (a *accountsScreen) selected() *accounts.Account {
	rows := a.rows()
	if a.cursor < 0 || a.cursor >= len(rows) || a.c.state == nil {
		return nil
	}
	return a.c.state.Find(rows[a.cursor])
}

func (a *accountsScreen) onUnnamed() bool {
	rows := a.rows()
	return a.cursor >= 0 && a.cursor < len(rows) && rows[a.cursor] == unnamedRow
}

// Update implements screen.
func (a *accountsScreen) Update(msg tea.Msg) (screen, tea.Cmd) {
	switch msg := msg.(type) {
	case selectAccountMsg:
		a.want = msg.name
		a.selectWanted()
		return a, nil
	case stateLoadedMsg:
		a.selectWanted()
		if !a.placed {
			// Start on the active account.
			a.placed = true
			for i, name := range a.rows() {
				if name == msg.state.Active {
					a.cursor = i
				}
			}
		}
		a.clamp()
		// Forget checks of accounts that are gone or have a new key.
		for name, rc := range a.checks {
			if acc := msg.state.Find(name); acc == nil || acc.APIKey != rc.key {
				delete(a.checks, name)
			}
		}
		return a, nil
	case checkFinishedMsg:
		rc, ok := a.checks[msg.account]
		if !ok || rc.gen != msg.gen {
			return a, nil // a late answer for a check that was replaced or an account that is gone
		}
		res := msg.result
		rc.running, rc.result = false, &res
		return a, nil
	case spinner.TickMsg:
		if !a.anyRunning() {
			a.spinning = false
			return a, nil
		}
		var cmd tea.Cmd
		a.spinner, cmd = a.spinner.Update(msg)
		return a, cmd
	case tea.MouseWheelMsg:
		a.move(wheel(msg))
		return a, nil
	case tea.KeyPressMsg:
		return a, a.handleKey(msg)
	}
	return a, nil
}

// selectWanted moves the cursor to the wanted account once it is listed.
func (a *accountsScreen) selectWanted() {
	if a.want == "" {
		return
	}
	for i, name := range a.rows() {
		if name == a.want {
			a.cursor, a.want, a.placed = i, "", true
			return
		}
	}
}

func (a *accountsScreen) anyRunning() bool {
	for _, rc := range a.checks {
		if rc.running {
			return true
		}
	}
	return false
}

func (a *accountsScreen) clamp() {
	n := len(a.rows())
	a.cursor = min(max(a.cursor, 0), max(n-1, 0))
}

func (a *accountsScreen) move(d int) {
	a.cursor += d
	a.clamp()
}

func (a *accountsScreen) handleKey(msg tea.KeyPressMsg) tea.Cmd {
	k := a.c.keys
	st := a.c.state
	if moveCursor(msg, k, &a.cursor, len(a.rows()), a.listHeight()) {
		return nil
	}
	switch {
	case key.Matches(msg, k.Refresh):
		return func() tea.Msg { return reloadMsg{} }
	case key.Matches(msg, k.Add):
		if err := a.writable(); err != nil {
			return err
		}
		return func() tea.Msg { return openLoginMsg{} }
	case key.Matches(msg, k.Diagnostics):
		return func() tea.Msg { return openScreenMsg{to: screenDiagnostics} }
	case st == nil:
		return nil
	case key.Matches(msg, k.Use):
		if a.onUnnamed() {
			return a.importKey()
		}
		if len(st.Accounts) == 0 {
			return func() tea.Msg { return openLoginMsg{} }
		}
		return a.use(a.selected())
	case key.Matches(msg, k.Previous):
		if st.Previous == "" || st.Find(st.Previous) == nil {
			return statusCmd("There is no previous account to go back to.", true)
		}
		return a.use(st.Find(st.Previous))
	case key.Matches(msg, k.Relogin):
		if acc := a.selected(); acc != nil {
			if err := a.writable(); err != nil {
				return err
			}
			name := acc.Name
			return func() tea.Msg { return openLoginMsg{relogin: name} }
		}
	case key.Matches(msg, k.Rename):
		return a.rename()
	case key.Matches(msg, k.Remove):
		return a.remove()
	case key.Matches(msg, k.Check):
		if acc := a.selected(); acc != nil {
			return a.check(acc.Name)
		}
		return statusCmd("Select an account to check.", true)
	case key.Matches(msg, k.CheckAll):
		var cmds []tea.Cmd
		for _, acc := range st.Accounts {
			cmds = append(cmds, a.check(acc.Name))
		}
		return tea.Batch(cmds...)
	case key.Matches(msg, k.Import):
		return a.importKey()
	case key.Matches(msg, k.Copy):
		return a.copyKey()
	case key.Matches(msg, k.Restore):
		return a.restore()
	case len(st.Accounts) == 0 && !key.Matches(msg, k.Import, k.Restore, k.Copy, k.Use):
		return statusCmd("No accounts yet — press a to log in.", true)
	case key.Matches(msg, k.Users):
		acc := a.selected()
		if acc == nil {
			return statusCmd("Select an account to see its users.", true)
		}
		name := acc.Name
		return func() tea.Msg { return openScreenMsg{to: screenUsers, account: name} }
	}
	return nil
}

// reloadBinding is ctrl+r as the home screen names it.
func reloadBinding(k keyMap) key.Binding {
	b := k.Refresh
	b.SetHelp("ctrl+r", "read the file again")
	return b
}

// writable returns a status command when the file cannot be saved, else nil.
func (a *accountsScreen) writable() tea.Cmd {
	if a.c.state == nil {
		return nil
	}
	if err := a.c.state.Writable(); err != nil {
		return statusCmd(errorSentence(err), true)
	}
	return nil
}

func (a *accountsScreen) use(acc *accounts.Account) tea.Cmd {
	if acc == nil {
		return nil
	}
	if err := a.writable(); err != nil {
		return err
	}
	svc, name := a.c.svc, acc.Name
	run := func(discard bool) tea.Cmd {
		return func() tea.Msg {
			used, err := svc.Use(name, accounts.UseOptions{DiscardUnnamed: discard})
			if err != nil {
				return actionDoneMsg{err: err}
			}
			text := "Now using " + used.Name + " — the SDKs' Client() uses its key."
			if exp := accounts.ExpiryOf(used.ExpiresAt, svc.Now()); exp.State == accounts.ExpiryExpired {
				text = "Now using " + used.Name + ", but its key has expired: press l to log in again."
			}
			return actionDoneMsg{text: text}
		}
	}
	if a.c.state.UnnamedKey != "" {
		return openDialog(confirmDialog("Replace the unnamed key?",
			fmt.Sprintf("The file's api_key %s belongs to no account (an SDK wrote it). Switching replaces it. Press n and then i to import it first, or y to replace it.", bloomyclient.MaskKey(a.c.state.UnnamedKey)),
			func() tea.Cmd { return run(true) }))
	}
	return run(false)
}

func (a *accountsScreen) rename() tea.Cmd {
	acc := a.selected()
	if acc == nil {
		return statusCmd("Select an account to rename.", true)
	}
	if err := a.writable(); err != nil {
		return err
	}
	svc, old, st := a.c.svc, acc.Name, a.c.state
	check := func(v string) error {
		if err := config.ValidName(v); err != nil {
			return err
		}
		if v != old && st.Find(v) != nil {
			return fmt.Errorf("an account named %q already exists", v)
		}
		return nil
	}
	return openDialog(promptDialog(a.c, "Rename "+old, "New name (letters, digits, . _ -):", old, check, func(v string) tea.Cmd {
		return func() tea.Msg {
			if err := svc.Rename(old, v); err != nil {
				return actionDoneMsg{err: err}
			}
			return actionDoneMsg{text: "Renamed " + old + " to " + v + "."}
		}
	}))
}

func (a *accountsScreen) remove() tea.Cmd {
	acc := a.selected()
	if acc == nil {
		return statusCmd("Select an account to remove.", true)
	}
	if err := a.writable(); err != nil {
		return err
	}
	svc, name := a.c.svc, acc.Name
	body := fmt.Sprintf("Remove %s (%s) from the config file? Its key %s is forgotten; you can log in again later.", name, orDash(acc.Username), bloomyclient.MaskKey(acc.APIKey))
	if acc.Active {
		body += " It is the active account: another one becomes active."
	}
	return openDialog(confirmDialog("Remove "+name+"?", body, func() tea.Cmd {
		return func() tea.Msg {
			res, err := svc.Remove(name)
			if err != nil {
				return actionDoneMsg{err: err}
			}
			text := "Removed " + name + "."
			switch {
			case res.WasActive && res.NewActive != "":
				text += " Now using " + res.NewActive + "."
			case res.WasActive:
				text += " No account is active now."
			}
			return actionDoneMsg{text: text}
		}
	}))
}

func (a *accountsScreen) importKey() tea.Cmd {
	if err := a.writable(); err != nil {
		return err
	}
	return importDialog(a.c)
}

// importDialog asks for a name for the unnamed key and imports it; the home
// screen and the diagnostics fix both use it.
func importDialog(c *common) tea.Cmd {
	st := c.state
	if st == nil || st.UnnamedKey == "" {
		return statusCmd("There is no unnamed key to import.", true)
	}
	svc, ctx := c.svc, c.ctx
	check := func(v string) error {
		if err := config.ValidName(v); err != nil {
			return err
		}
		if st.Find(v) != nil {
			return fmt.Errorf("an account named %q already exists", v)
		}
		for _, l := range st.Lost {
			if l.Name == v {
				return fmt.Errorf("%q is in the backup, waiting to be restored (R); choose another name", v)
			}
		}
		return nil
	}
	return openDialog(promptDialog(c, "Import the unnamed key",
		"Name for the key "+bloomyclient.MaskKey(st.UnnamedKey)+" (it is checked with users/mine first):", "imported", check,
		func(v string) tea.Cmd {
			return func() tea.Msg {
				res, err := svc.Import(ctx, v)
				if err != nil {
					return actionDoneMsg{err: err}
				}
				return actionDoneMsg{text: res.Sentence()}
			}
		}))
}

func (a *accountsScreen) copyKey() tea.Cmd {
	key := ""
	label := ""
	switch {
	case a.onUnnamed():
		key, label = a.c.state.UnnamedKey, "the unnamed key"
	case a.selected() != nil:
		key, label = a.selected().APIKey, "the key of "+a.selected().Name
	default:
		return statusCmd("Select an account to copy its key.", true)
	}
	return tea.Batch(tea.SetClipboard(key), statusCmd("Copied "+label+" ("+bloomyclient.MaskKey(key)+") to the clipboard.", false))
}

func (a *accountsScreen) restore() tea.Cmd {
	st := a.c.state
	if len(st.Lost) == 0 {
		return statusCmd("No accounts to restore.", true)
	}
	if err := a.writable(); err != nil {
		return err
	}
	svc := a.c.svc
	return func() tea.Msg {
		names, err := svc.Restore()
		if err != nil {
			return actionDoneMsg{err: err}
		}
		return actionDoneMsg{text: "Restored " + strings.Join(names, ", ") + " from the backup."}
	}
}

// check starts one live check; a newer check of the same account replaces it.
func (a *accountsScreen) check(name string) tea.Cmd {
	a.checkGen++
	gen := a.checkGen
	rc := &rowCheck{gen: gen, running: true}
	if acc := a.c.state.Find(name); acc != nil {
		rc.key = acc.APIKey
	}
	a.checks[name] = rc
	svc, ctx := a.c.svc, a.c.ctx
	cmd := func() tea.Msg {
		return checkFinishedMsg{account: name, gen: gen, result: svc.Check(ctx, name)}
	}
	if !a.spinning {
		a.spinning = true
		return tea.Batch(cmd, a.spinner.Tick)
	}
	return cmd
}

func (a *accountsScreen) listHeight() int { return max(a.height-6, 1) }

// ShortHelp implements help.KeyMap.
func (a *accountsScreen) ShortHelp() []key.Binding {
	k := a.c.keys
	st := a.c.state
	switch {
	case st != nil && st.LoadErr != nil:
		return []key.Binding{k.Diagnostics, reloadBinding(k), k.Quit}
	case st != nil && len(st.Accounts) == 0 && st.UnnamedKey == "":
		return []key.Binding{k.Add, k.Diagnostics, k.Quit}
	}
	return []key.Binding{k.Use, k.Add, k.Relogin, k.Remove, k.Check, k.Users, k.Quit}
}

// FullHelp implements help.KeyMap.
func (a *accountsScreen) FullHelp() [][]key.Binding {
	k := a.c.keys
	return [][]key.Binding{
		{k.Up, k.Down, k.Top, k.Bottom, k.PageUp, k.PageDown},
		{k.Use, k.Previous, k.Add, k.Relogin, k.Rename, k.Remove},
		{k.Check, k.CheckAll, k.Copy, k.Import, k.Restore},
		{k.Users, k.Diagnostics, k.Refresh},
	}
}

// View implements screen.
func (a *accountsScreen) View() string {
	st := a.c.state
	s := a.c.styles
	if st == nil {
		return s.Muted.Render("Reading the config file…")
	}
	var b strings.Builder
	for _, line := range a.banners() {
		b.WriteString(line + "\n")
	}

	if len(st.Accounts) == 0 && st.UnnamedKey == "" && st.LoadErr == nil {
		b.WriteString(a.firstRun())
		return b.String()
	}
	if st.LoadErr != nil {
		b.WriteString(a.brokenFile())
		return b.String()
	}
	b.WriteString(a.table())
	if d := a.detail(); d != "" {
		b.WriteString("\n" + d)
	}
	return b.String()
}

// banners are the warnings above the list, wrapped to the width.
func (a *accountsScreen) banners() []string {
	var out []string
	for _, b := range a.bannerTexts() {
		for _, line := range strings.Split(wrap(b.text, a.width), "\n") {
			out = append(out, b.style.Render(line))
		}
	}
	return out
}

type banner struct {
	text  string
	style lipgloss.Style
}

// bannerTexts are the warnings above the list.
func (a *accountsScreen) bannerTexts() []banner {
	st := a.c.state
	s := a.c.styles
	var out []banner
	if st.LoadErr == nil && st.ReadOnly != nil {
		out = append(out, banner{"✗ Read-only: " + st.ReadOnly.Error() + " — changes are disabled.", s.Error})
	}
	if st.Key.Shadowing {
		who := "the active account"
		if st.Active != "" {
			who = st.Active
		}
		match := ""
		if st.Key.EnvAccount != "" {
			match = " (= " + st.Key.EnvAccount + ")"
		}
		out = append(out, banner{fmt.Sprintf("! BG_API_KEY %s%s shadows %s: scripts use the env var.", bloomyclient.MaskKey(st.Key.EnvKey), match, who), s.Banner})
	}
	if len(st.Lost) > 0 {
		var names []string
		for _, l := range st.Lost {
			names = append(names, l.Name)
		}
		out = append(out, banner{fmt.Sprintf("! The file was rewritten and lost %s — press R to restore.", strings.Join(names, ", ")), s.Banner})
	}
	if st.UnnamedKey != "" && len(st.Lost) == 0 {
		out = append(out, banner{"! The file's api_key belongs to no account — press i to import it.", s.Banner})
	}
	return out
}

// brokenFile explains a config file that cannot be read, in place of the list.
func (a *accountsScreen) brokenFile() string {
	s := a.c.styles
	lines := []string{
		"",
		s.Error.Render("The config file cannot be read:"),
		s.Muted.Render(a.c.state.Path),
		"",
		wrap(errorSentence(a.c.state.LoadErr), a.width),
		"",
		wrap("bloomy changes nothing while it is like this. Fix it in an editor, then press ctrl+r; d shows the diagnostics.", a.width),
	}
	return strings.Join(lines, "\n")
}

func (a *accountsScreen) firstRun() string {
	s := a.c.styles
	k := s.Key
	lines := []string{
		"",
		s.Title.Render("Welcome to bloomy"),
		"",
		wrap("bloomy keeps your Bloom Growth logins as named accounts in "+a.c.state.Path+" — the file the Bloomy SDKs read — so Client() always uses the account you make active. It warns days before a key expires and explains which key your scripts really use.", a.width),
		"",
		"Press " + k.Render("a") + " to log in with your email and password.",
		"Press " + k.Render("d") + " to see the diagnostics.",
	}
	if a.c.demo != nil {
		lines = append(lines, "", s.Warn.Render("Demo mode: a fake server with demo logins; nothing real is touched."))
	}
	return strings.Join(lines, "\n")
}

// column widths for the table, narrowing with the terminal.
type columns struct{ name, login, user, expiry, check int }

func (a *accountsScreen) columns() columns {
	w := a.width - 2 // the marker
	c := columns{name: 12, login: 22, user: 15, expiry: 15, check: 0}
	switch {
	case w >= 100:
		c = columns{name: 16, login: 28, user: 20, expiry: 15}
	case w >= 76:
	case w >= 60:
		c = columns{name: 12, login: 20, user: 0, expiry: 15}
	default:
		c = columns{name: 11, login: 0, user: 0, expiry: 15}
	}
	// Long names get room when the terminal has it to spare.
	if st := a.c.state; st != nil && w >= 100 {
		longest := 0
		for _, acc := range st.Accounts {
			longest = max(longest, ansi.StringWidth(acc.Name)+2)
		}
		c.name = min(max(c.name, longest), w-c.login-c.user-c.expiry-16)
	}
	used := c.name + c.login + c.user + c.expiry
	c.check = max(w-used, 8)
	return c
}

func (a *accountsScreen) table() string {
	st := a.c.state
	s := a.c.styles
	col := a.columns()
	cell := func(text string, w int) string {
		if w == 0 {
			return ""
		}
		return pad(text, w-1) + " "
	}
	header := "  " + cell("NAME", col.name) + cell("LOGIN", col.login) + cell("USER", col.user) + cell("EXPIRES", col.expiry) + "CHECK"
	lines := []string{s.Header.Render(truncate(header, a.width))}

	rows := a.rows()
	h := a.listHeight() - len(a.banners())
	h = max(h, 1)
	if a.cursor < a.offset {
		a.offset = a.cursor
	}
	if a.cursor >= a.offset+h {
		a.offset = a.cursor - h + 1
	}
	a.offset = min(a.offset, max(len(rows)-h, 0))
	for i := a.offset; i < len(rows) && i < a.offset+h; i++ {
		var line string
		if rows[i] == unnamedRow {
			key := "key " + bloomyclient.MaskKey(st.UnnamedKey)
			if col.login == 0 {
				line = "  " + cell(unnamedRow, col.name) + cell(key, col.expiry) + s.Warn.Render("i: import")
			} else {
				line = "  " + cell(unnamedRow, col.name) + cell(key, col.login) + cell("-", col.user) + cell("-", col.expiry) + s.Warn.Render("i: import")
			}
		} else {
			line = a.accountRow(st.Find(rows[i]), col, cell)
		}
		if i == a.cursor {
			line = s.Selected.Render(pad(ansi.Strip(line), a.width)) // one style for the whole row
		}
		lines = append(lines, truncate(line, a.width))
	}
	if len(rows) > h {
		lines = append(lines, s.Muted.Render(fmt.Sprintf("  %d–%d of %d", a.offset+1, min(a.offset+h, len(rows)), len(rows))))
	}
	return strings.Join(lines, "\n")
}

func (a *accountsScreen) accountRow(acc *accounts.Account, col columns, cell func(string, int) string) string {
	s := a.c.styles
	mark := "  "
	if acc.Active {
		mark = s.Active.Render("●") + " "
	}
	exp := acc.Expiry.Label()
	var expStyled string
	switch acc.Expiry.State {
	case accounts.ExpiryExpired:
		expStyled = s.Error.Render(cell(exp, col.expiry))
	case accounts.ExpirySoon:
		expStyled = s.Warn.Render(cell(exp, col.expiry))
	case accounts.ExpiryOK:
		expStyled = s.OK.Render(cell(exp, col.expiry))
	default:
		expStyled = s.Muted.Render(cell(exp, col.expiry))
	}
	return mark + cell(acc.Name, col.name) + cell(sanitize(orDash(acc.Username)), col.login) + cell(sanitize(orDash(acc.UserName)), col.user) + expStyled + a.checkCell(acc.Name, col.check)
}

func (a *accountsScreen) checkCell(name string, width int) string {
	s := a.c.styles
	rc := a.checks[name]
	switch {
	case rc == nil:
		return s.Muted.Render(truncate("not checked", width))
	case rc.running:
		return a.spinner.View() + " checking"
	}
	r := rc.result
	switch r.Status {
	case accounts.CheckValid:
		return s.OK.Render(truncate("✓ valid", width))
	case accounts.CheckRejected:
		return s.Error.Render(truncate("✗ rejected", width))
	case accounts.CheckUnreachable:
		return s.Warn.Render(truncate("! unreachable", width))
	default:
		return s.Error.Render(truncate("✗ failed", width))
	}
}

// detail describes the selected row under the table.
func (a *accountsScreen) detail() string {
	s := a.c.styles
	if a.onUnnamed() {
		return s.Muted.Render(wrap("An API key in the file that belongs to no account — probably written by an SDK. Import it (i) to keep it when you switch accounts.", a.width))
	}
	acc := a.selected()
	if acc == nil {
		return ""
	}
	parts := []string{"key " + bloomyclient.MaskKey(acc.APIKey), "host " + strings.TrimPrefix(strings.TrimPrefix(acc.URL(), "https://"), "http://")}
	if acc.UserID != 0 {
		parts = append(parts, fmt.Sprintf("user #%d", acc.UserID))
	}
	lines := []string{s.Muted.Render(truncate(strings.Join(parts, " · "), a.width))}
	lines = append(lines, s.Muted.Render(truncate(acc.Expiry.Sentence(a.c.svc.Now()), a.width)))
	if rc := a.checks[acc.Name]; rc != nil && rc.result != nil {
		st := s.Muted
		if rc.result.Status != accounts.CheckValid {
			st = s.Error
		}
		lines = append(lines, st.Render(truncate("last check: "+rc.result.Summary()+" ("+ago(rc.result.CheckedAt, a.c.svc.Now())+")", a.width)))
	}
	return strings.Join(lines, "\n")
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
