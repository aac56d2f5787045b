package ui

import "charm.land/bubbles/v2/key"

// keyMap is every key the interface knows, grouped by where it works.
type keyMap struct {
	// Everywhere.
	Help key.Binding
	Quit key.Binding
	Back key.Binding

	// Lists.
	Up       key.Binding
	Down     key.Binding
	PageUp   key.Binding
	PageDown key.Binding
	Top      key.Binding
	Bottom   key.Binding

	// Accounts.
	Use         key.Binding
	Add         key.Binding
	Relogin     key.Binding
	Rename      key.Binding
	Remove      key.Binding
	Check       key.Binding
	CheckAll    key.Binding
	Import      key.Binding
	Copy        key.Binding
	Previous    key.Binding
	Restore     key.Binding
	Users       key.Binding
	Diagnostics key.Binding

	// Forms and dialogs.
	Next     key.Binding
	Prev     key.Binding
	Submit   key.Binding
	DemoFill key.Binding
	Yes      key.Binding
	No       key.Binding

	// Diagnostics.
	Fix    key.Binding
	Rerun  key.Binding
	Save   key.Binding
	CopyRp key.Binding

	// Users.
	Filter       key.Binding
	Placeholders key.Binding
	Sort         key.Binding
	Details      key.Binding
	Refresh      key.Binding
	NextAccount  key.Binding
	PrevAccount  key.Binding
}

func newKeyMap() keyMap {
	b := func(keys []string, k, help string) key.Binding {
		return key.NewBinding(key.WithKeys(keys...), key.WithHelp(k, help))
	}
	return keyMap{
		Help: b([]string{"?"}, "?", "help"),
		Quit: b([]string{"q", "ctrl+c"}, "q", "quit"),
		Back: b([]string{"esc"}, "esc", "back"),

		Up:       b([]string{"up", "k"}, "↑/k", "up"),
		Down:     b([]string{"down", "j"}, "↓/j", "down"),
		PageUp:   b([]string{"pgup", "ctrl+u"}, "pgup", "page up"),
		PageDown: b([]string{"pgdown", "ctrl+d", "space"}, "pgdn", "page down"),
		Top:      b([]string{"home", "g"}, "g", "top"),
		Bottom:   b([]string{"end", "G"}, "G", "bottom"),

		Use:         b([]string{"enter"}, "enter", "use"),
		Add:         b([]string{"a"}, "a", "add"),
		Relogin:     b([]string{"l"}, "l", "log in again"),
		Rename:      b([]string{"r"}, "r", "rename"),
		Remove:      b([]string{"x", "delete"}, "x", "remove"),
		Check:       b([]string{"c"}, "c", "check"),
		CheckAll:    b([]string{"C"}, "C", "check all"),
		Import:      b([]string{"i"}, "i", "import key"),
		Copy:        b([]string{"y"}, "y", "copy key"),
		Previous:    b([]string{"-"}, "-", "previous account"),
		Restore:     b([]string{"R"}, "R", "restore lost"),
		Users:       b([]string{"u"}, "u", "users"),
		Diagnostics: b([]string{"d"}, "d", "diagnostics"),

		Next:     b([]string{"tab", "down"}, "tab", "next field"),
		Prev:     b([]string{"shift+tab", "up"}, "shift+tab", "previous field"),
		Submit:   b([]string{"enter"}, "enter", "submit"),
		DemoFill: b([]string{"ctrl+o"}, "ctrl+o", "fill a demo login"),
		Yes:      b([]string{"y", "enter"}, "y", "yes"),
		No:       b([]string{"n", "esc"}, "n", "no"),

		Fix:    b([]string{"f"}, "f", "fix"),
		Rerun:  b([]string{"ctrl+r", "f5"}, "ctrl+r", "re-run"),
		Save:   b([]string{"s"}, "s", "save report"),
		CopyRp: b([]string{"y"}, "y", "copy report"),

		Filter:       b([]string{"/"}, "/", "filter"),
		Placeholders: b([]string{"p"}, "p", "placeholders"),
		Sort:         b([]string{"s"}, "s", "sort"),
		Details:      b([]string{"enter"}, "enter", "details"),
		Refresh:      b([]string{"ctrl+r", "f5"}, "ctrl+r", "refresh"),
		NextAccount:  b([]string{"]", "tab"}, "]", "next account"),
		PrevAccount:  b([]string{"[", "shift+tab"}, "[", "previous account"),
	}
}
