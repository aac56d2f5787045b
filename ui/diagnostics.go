package ui

import (
	"os"
	"path/filepath"
	"strings"
	"time"

	"bloomy/accounts"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/spinner"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
)

// diagnosticsScreen is the checklist of the accounts report: static lines at
// once, live ones (host, key) with spinners until they answer.
type diagnosticsScreen struct {
	c       *common
	width   int
	height  int
	report  *accounts.Report
	live    []accounts.Finding
	liveGen int
	running bool
	cursor  int
	offset  int
	spinner spinner.Model
}

func newDiagnosticsScreen(c *common) *diagnosticsScreen {
	return &diagnosticsScreen{c: c, spinner: spinner.New(spinner.WithSpinner(spinner.MiniDot))}
}

// Open (re-)runs every check.
func (d *diagnosticsScreen) Open() tea.Cmd {
	d.liveGen++
	gen := d.liveGen
	d.running = true
	d.live = nil
	svc, ctx := d.c.svc, d.c.ctx
	return tea.Batch(
		func() tea.Msg { return reportBuiltMsg{gen: gen, report: svc.Diagnose()} },
		func() tea.Msg { return liveFindingsMsg{gen: gen, findings: svc.LiveFindings(ctx)} },
		d.spinner.Tick,
	)
}

// SetSize implements screen.
func (d *diagnosticsScreen) SetSize(w, h int) { d.width, d.height = w, h }

// Capturing implements screen.
func (d *diagnosticsScreen) Capturing() bool { return false }

// findings is the static report plus the live lines (placeholders while running).
func (d *diagnosticsScreen) findings() []accounts.Finding {
	if d.report == nil {
		return nil
	}
	out := append([]accounts.Finding(nil), d.report.Findings...)
	if d.running {
		return append(out,
			accounts.Finding{ID: accounts.CheckIDHost, Title: "Host reachable", Summary: "checking…", Live: true},
			accounts.Finding{ID: accounts.CheckIDKeyAccepted, Title: "Key accepted", Summary: "checking…", Live: true})
	}
	return append(out, d.live...)
}

// fullReport is what copy and save write: static and live findings.
func (d *diagnosticsScreen) fullReport() *accounts.Report {
	r := *d.report
	r.Findings = d.findings()
	return &r
}

// Update implements screen.
func (d *diagnosticsScreen) Update(msg tea.Msg) (screen, tea.Cmd) {
	switch msg := msg.(type) {
	case reportBuiltMsg:
		if msg.gen == d.liveGen {
			d.report = msg.report
			d.clamp()
		}
	case liveFindingsMsg:
		if msg.gen == d.liveGen {
			d.live, d.running = msg.findings, false
			d.clamp()
		}
	case spinner.TickMsg:
		if d.running {
			var cmd tea.Cmd
			d.spinner, cmd = d.spinner.Update(msg)
			return d, cmd
		}
	case actionDoneMsg:
		// A fix or a login changed things: check again.
		if d.report != nil && msg.err == nil {
			return d, d.Open()
		}
	case tea.MouseWheelMsg:
		d.move(wheel(msg))
	case tea.KeyPressMsg:
		return d, d.handleKey(msg)
	}
	return d, nil
}

func (d *diagnosticsScreen) clamp() {
	d.cursor = min(max(d.cursor, 0), max(len(d.findings())-1, 0))
}

func (d *diagnosticsScreen) move(n int) {
	d.cursor += n
	d.clamp()
}

func (d *diagnosticsScreen) handleKey(msg tea.KeyPressMsg) tea.Cmd {
	k := d.c.keys
	if moveCursor(msg, k, &d.cursor, len(d.findings()), max(d.height-8, 1)) {
		return nil
	}
	switch {
	case key.Matches(msg, k.Rerun):
		return d.Open()
	case key.Matches(msg, k.Fix):
		return d.fix()
	case (key.Matches(msg, k.CopyRp) || key.Matches(msg, k.Save)) && (d.report == nil || d.running):
		return statusCmd("The checks are still running; copy or save the report when they finish.", true)
	case key.Matches(msg, k.CopyRp):
		return tea.Batch(tea.SetClipboard(d.fullReport().Text()), statusCmd("Copied the report (keys masked) to the clipboard.", false))
	case key.Matches(msg, k.Save):
		text := d.fullReport().Text()
		return func() tea.Msg {
			path, err := saveReport(text)
			if err != nil {
				return statusMsg{text: "Could not save the report: " + err.Error(), isErr: true}
			}
			return statusMsg{text: "Saved the report (keys masked) to " + path}
		}
	}
	return nil
}

// saveReport writes the report to the current directory (else the temp dir), 0600.
func saveReport(text string) (string, error) {
	name := "bloomy-report-" + time.Now().Format("20060102-150405") + ".txt"
	dir, err := os.Getwd()
	if err != nil {
		dir = os.TempDir()
	}
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
		path = filepath.Join(os.TempDir(), name)
		if err2 := os.WriteFile(path, []byte(text), 0o600); err2 != nil {
			return "", err
		}
	}
	return path, nil
}

// fix applies the selected line's fix: at once when it needs no input, else
// by opening what asks for it.
func (d *diagnosticsScreen) fix() tea.Cmd {
	fs := d.findings()
	if d.cursor >= len(fs) || fs[d.cursor].Fix == nil {
		return statusCmd("This line has no fix; select a line marked with a fix.", true)
	}
	fix := *fs[d.cursor].Fix
	svc := d.c.svc
	switch fix.Kind {
	case accounts.FixRelogin:
		return func() tea.Msg { return openLoginMsg{relogin: fix.Account} }
	case accounts.FixImport:
		return importDialog(d.c)
	default:
		return func() tea.Msg {
			text, err := svc.Repair(fix)
			if err != nil {
				return actionDoneMsg{err: err}
			}
			return actionDoneMsg{text: "Fixed: " + text + "."}
		}
	}
}

// ShortHelp implements help.KeyMap.
func (d *diagnosticsScreen) ShortHelp() []key.Binding {
	k := d.c.keys
	return []key.Binding{k.Fix, k.Rerun, k.CopyRp, k.Save, k.Back}
}

// FullHelp implements help.KeyMap.
func (d *diagnosticsScreen) FullHelp() [][]key.Binding {
	k := d.c.keys
	return [][]key.Binding{{k.Up, k.Down, k.PageUp, k.PageDown, k.Top, k.Bottom}, {k.Fix, k.Rerun, k.CopyRp, k.Save}}
}

// View implements screen.
func (d *diagnosticsScreen) View() string {
	s := d.c.styles
	if d.report == nil {
		return d.spinner.View() + " Running the checks…"
	}
	fs := d.findings()
	var lines []string
	worst := d.fullReport()
	summary := worst.Tally(" · ")
	if d.running {
		summary += " · checking the server…"
	}
	lines = append(lines, s.Muted.Render(truncate(summary, d.width)))

	detail := d.detail(fs)
	listH := max(d.height-1-len(detail)-1, 3)
	if d.cursor < d.offset {
		d.offset = d.cursor
	}
	if d.cursor >= d.offset+listH {
		d.offset = d.cursor - listH + 1
	}
	d.offset = min(d.offset, max(len(fs)-listH, 0))
	titleW := min(22, max(d.width/4, 10))
	for i := d.offset; i < len(fs) && i < d.offset+listH; i++ {
		f := fs[i]
		mark := d.mark(f)
		text := pad(f.Title, titleW) + " " + sanitize(f.Summary)
		if f.Fix != nil {
			text += "  [f]"
		}
		line := mark + " " + truncate(text, d.width-2)
		if i == d.cursor {
			line = s.Selected.Render(pad(ansi.Strip(mark)+" "+truncate(text, d.width-2), d.width))
		}
		lines = append(lines, line)
	}
	lines = append(lines, "")
	lines = append(lines, detail...)
	return strings.Join(lines, "\n")
}

func (d *diagnosticsScreen) mark(f accounts.Finding) string {
	s := d.c.styles
	if f.Live && d.running {
		return d.spinner.View()
	}
	switch f.Status {
	case accounts.StatusOK:
		return s.OK.Render(f.Status.Symbol())
	case accounts.StatusWarn:
		return s.Warn.Render(f.Status.Symbol())
	case accounts.StatusFail:
		return s.Error.Render(f.Status.Symbol())
	default:
		return s.Muted.Render(f.Status.Symbol())
	}
}

// detail is the selected line's details and fix, a few lines.
func (d *diagnosticsScreen) detail(fs []accounts.Finding) []string {
	s := d.c.styles
	if d.cursor >= len(fs) {
		return nil
	}
	f := fs[d.cursor]
	out := []string{s.Title.Render(truncate(f.Title, d.width))}
	out = append(out, strings.Split(wrap(sanitize(f.Summary), d.width), "\n")...)
	for _, dt := range f.Details {
		out = append(out, s.Muted.Render(truncate("· "+sanitize(dt), d.width)))
	}
	if f.Fix != nil {
		out = append(out, s.Key.Render("f")+" "+truncate(f.Fix.Label, d.width-2))
	}
	if max := 6; len(out) > max && d.height < 20 {
		out = out[:max]
	}
	return out
}
