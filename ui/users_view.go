package ui

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"

	"bloomy/bloomyclient"

	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"
)

// View implements screen.
func (u *usersScreen) View() string {
	s := u.c.styles
	if u.account == "" {
		return s.Muted.Render(wrap("No account to list users for. Press esc, then a to log in.", u.width))
	}
	e := u.entry()
	lines := []string{u.titleLine()}
	switch {
	case e == nil || (e.list == nil && e.err == nil):
		lines = append(lines, "", truncate(u.spinner.View()+" Fetching the users of "+u.account+"…", u.width))
	case e.list == nil && u.rejected():
		lines = append(lines, "",
			s.Error.Render(truncate("✗ The key of "+u.account+" was rejected — expired or revoked.", u.width)),
			"", truncate("Press "+s.Key.Render("l")+" to log in again, or "+s.Key.Render("]")+" for another account.", u.width))
	case e.list == nil:
		lines = append(lines, "", s.Error.Render(wrap("✗ "+sanitize(errorSentence(e.err)), u.width)),
			"", "Press "+s.Key.Render("ctrl+r")+" to try again.")
	default:
		lines = append(lines, u.listLines(e.list)...)
	}
	return strings.Join(lines, "\n")
}

// titleLine names the account, the count and when it was fetched.
func (u *usersScreen) titleLine() string {
	s := u.c.styles
	title := s.Title.Render(u.account)
	if st := u.c.state; st != nil && len(st.Accounts) > 1 {
		for i, a := range st.Accounts {
			if a.Name == u.account {
				title += s.Muted.Render(fmt.Sprintf(" (%d/%d)", i+1, len(st.Accounts)))
			}
		}
	}
	l := u.list()
	if l == nil {
		return truncate(title, u.width)
	}
	total := len(l.users)
	if !u.showPlaceholders {
		total -= l.placeholders
	}
	count := plural(total, "user")
	if u.query != "" {
		count = fmt.Sprintf("%s of %s match", thousands(len(u.visible)), thousands(total))
	}
	hidden := ""
	switch {
	case l.placeholders > 0 && u.showPlaceholders:
		count += " (" + plural(l.placeholders, "placeholder") + ")"
	case l.placeholders > 0:
		hidden = " · " + plural(l.placeholders, "placeholder") + " hidden"
	}
	when := ago(l.fetchedAt, u.now())
	if !strings.Contains(when, "ago") && when != "just now" {
		when = "at " + when
	}
	// On a narrow screen the hidden placeholders go first, then the time.
	for _, rest := range []string{" · " + count + hidden + " · fetched " + when, " · " + count + " · fetched " + when, " · " + count} {
		if ansi.StringWidth(title+rest) <= u.width {
			return title + s.Muted.Render(rest)
		}
	}
	return truncate(title+s.Muted.Render(" · "+count), u.width)
}

// listLines is the filter line, the column headings, the visible rows, the
// position line and the detail pane.
func (u *usersScreen) listLines(l *userList) []string {
	s := u.c.styles
	var lines []string
	switch {
	case u.filtering:
		lines = append(lines, s.Key.Render("/ ")+u.filter.View())
	case u.query != "":
		lines = append(lines, s.Key.Render("/ ")+truncate(sanitize(u.filter.Value()), u.width-20)+s.Muted.Render("  (/ to change)"))
	}
	cols := u.columns()
	heading := func(title string, by userSort, w int, last bool) string {
		if w == 0 {
			return ""
		}
		if by == u.sortBy {
			title += " ▾"
		}
		if last {
			return title
		}
		return pad(title, w-1) + " "
	}
	lines = append(lines, s.Header.Render(truncate("  "+heading("NAME", sortByName, cols.name, cols.email == 0)+
		heading("EMAIL", sortByEmail, cols.email, cols.position == 0)+heading("POSITION", sortByPosition, cols.position, true), u.width)))

	h := u.listHeight()
	switch {
	case len(u.visible) == 0 && u.query != "":
		lines = append(lines, s.Muted.Render(truncate("  No user matches “"+sanitize(u.filter.Value())+"”.", u.width)))
	case len(u.visible) == 0 && l.placeholders > 0:
		lines = append(lines, s.Muted.Render(truncate("  No users — "+plural(l.placeholders, "placeholder")+" hidden (p shows them).", u.width)))
	case len(u.visible) == 0:
		lines = append(lines, s.Muted.Render("  No users."))
	}
	end := min(u.offset+h, len(u.visible))
	for pos := u.offset; pos < end; pos++ {
		lines = append(lines, u.row(&l.users[u.visible[pos]], cols, pos == u.cursor))
	}
	for pos := max(end-u.offset, 1); pos < h; pos++ {
		lines = append(lines, "")
	}
	if len(u.visible) > h {
		lines = append(lines, s.Muted.Render(fmt.Sprintf("  %s–%s of %s", thousands(u.offset+1), thousands(end), thousands(len(u.visible)))))
	} else {
		lines = append(lines, "")
	}
	if u.pane != nil {
		lines = append(lines, u.paneLines()...)
	}
	return lines
}

// userColumns are the widths of the columns; 0 drops one.
type userColumns struct{ name, email, position int }

func (u *usersScreen) columns() userColumns {
	w := u.width - 2 // the marker
	switch {
	case w >= 54:
		name, email := min(w*3/10, 32), min(w*4/10, 40)
		return userColumns{name: name, email: email, position: w - name - email}
	case w >= 30:
		name := w * 45 / 100
		return userColumns{name: name, email: w - name}
	default:
		return userColumns{name: max(w, 1)}
	}
}

// row draws one user: placeholders marked and dimmed, filter matches
// highlighted, the selected row in full width.
func (u *usersScreen) row(usr *bloomyclient.DirectoryUser, cols userColumns, selected bool) string {
	s := u.c.styles
	var base *lipgloss.Style
	switch {
	case selected:
		base = &s.Selected
	case usr.Placeholder:
		base = &s.Muted
	}
	match := s.Match
	if base != nil {
		match = s.Match.Inherit(*base)
	}
	var b strings.Builder
	write := func(text string, isMatch bool) {
		switch {
		case text == "":
		case isMatch:
			b.WriteString(match.Render(text))
		case base == nil:
			b.WriteString(text)
		default:
			b.WriteString(base.Render(text))
		}
	}
	cell := func(text string, w int, last, matchable bool) {
		if w == 0 {
			return
		}
		avail := w
		if !last {
			avail-- // the gap
		}
		shown, keep := text, len(text)
		if ansi.StringWidth(text) > avail {
			shown = ansi.Truncate(text, avail, "…")
			keep = len(shown) - len("…")
		}
		if a, z, ok := matchRange(text, u.query); matchable && ok && a < keep {
			z = min(z, keep)
			write(shown[:a], false)
			write(shown[a:z], true)
			write(shown[z:], false)
		} else {
			write(shown, false)
		}
		if fill := w - ansi.StringWidth(shown); fill > 0 && (!last || selected) {
			write(strings.Repeat(" ", fill), false)
		}
	}
	mark := "  "
	email, realEmail := sanitize(usr.Email), true
	if usr.Placeholder {
		mark = "◌ "
		if email == "" {
			email, realEmail = "placeholder", false
		}
	}
	write(mark, false)
	cell(sanitize(usr.Name), cols.name, cols.email == 0, true)
	cell(email, cols.email, cols.position == 0, realEmail)
	cell(sanitize(usr.Position), cols.position, true, true)
	return b.String()
}

// matchRange finds the case-insensitive query in text, as byte offsets
// into text; ok is false when there is none or it cannot be placed.
func matchRange(text, query string) (int, int, bool) {
	if query == "" {
		return 0, 0, false
	}
	lower := strings.ToLower(text)
	i := strings.Index(lower, query)
	if len(lower) != len(text) {
		// Lower-casing changed the length: find the match rune by rune.
		for a := 0; a < len(text); {
			for z := a; z < len(text); {
				_, n := utf8.DecodeRuneInString(text[z:])
				z += n
				if low := strings.ToLower(text[a:z]); low == query {
					return a, z, true
				} else if !strings.HasPrefix(query, low) {
					break
				}
			}
			_, n := utf8.DecodeRuneInString(text[a:])
			a += n
		}
		return 0, 0, false
	}
	if i < 0 {
		return 0, 0, false
	}
	z := i + len(query)
	if !utf8.RuneStart(text[i]) || (z < len(text) && !utf8.RuneStart(text[z])) {
		return 0, 0, false
	}
	return i, z, true
}

// paneLines is the detail pane of the pinned user.
func (u *usersScreen) paneLines() []string {
	s := u.c.styles
	usr := u.pane
	lines := []string{s.Muted.Render(strings.Repeat("─", max(u.width, 1)))}
	title := s.Title.Render(sanitize(usr.Name)) + s.Muted.Render(fmt.Sprintf("  #%d", usr.ID))
	if usr.Placeholder {
		title += s.Muted.Render(" · placeholder (no email)")
	}
	lines = append(lines, truncate(title, u.width))
	var about []string
	if usr.Email != "" {
		about = append(about, sanitize(usr.Email))
	}
	if usr.Position != "" {
		about = append(about, sanitize(usr.Position))
	}
	if len(about) > 0 {
		lines = append(lines, s.Muted.Render(truncate(strings.Join(about, " · "), u.width)))
	}
	d := u.details[detailKey{u.account, usr.ID}]
	switch {
	case d == nil || d.loading:
		lines = append(lines, u.spinner.View()+" Fetching details, direct reports and seats…")
	case d.err != nil && errors.Is(d.err, bloomyclient.ErrUnauthorized):
		lines = append(lines, s.Error.Render(truncate("✗ The key of "+u.account+" was rejected — press l to log in again.", u.width)))
	case d.err != nil:
		lines = append(lines, s.Error.Render(truncate("✗ "+sanitize(errorSentence(d.err))+" (enter retries)", u.width)))
	default:
		var seats []string
		for _, p := range d.detail.positions {
			seats = append(seats, sanitize(p.Name))
		}
		lines = append(lines, truncate(s.Label.Render("Seats: ")+orNone(strings.Join(seats, ", ")), u.width))
		var reports []string
		for _, r := range d.detail.reports {
			reports = append(reports, sanitize(r.Name))
		}
		text := "Direct reports (" + strconv.Itoa(len(reports)) + "): " + orNone(strings.Join(reports, ", "))
		lines = append(lines, strings.Split(wrap(text, u.width), "\n")...)
	}
	if h := u.paneHeight(); len(lines) > h {
		lines = lines[:h]
		lines[h-1] = truncate(strings.TrimRight(lines[h-1], " ")+" …", u.width)
	}
	return lines
}

func orNone(s string) string {
	if s == "" {
		return "none"
	}
	return s
}

// plural words a count: "1 user", "1,234 users".
func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return thousands(n) + " " + noun + "s"
}

// thousands writes n with commas: 50000 → "50,000".
func thousands(n int) string {
	if n < 0 {
		return "-" + thousands(-n)
	}
	s := strconv.Itoa(n)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}
