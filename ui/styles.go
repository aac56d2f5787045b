package ui

import (
	"image/color"

	"charm.land/lipgloss/v2"
)

// Styles are the interface's looks by meaning, built for a light or a dark
// background. With NO_COLOR every colour is dropped and only weight remains.
type Styles struct {
	App      lipgloss.Style
	Title    lipgloss.Style
	Subtitle lipgloss.Style
	Header   lipgloss.Style // column headings
	Selected lipgloss.Style // the row under the cursor
	Active   lipgloss.Style // the active account's marker
	OK       lipgloss.Style
	Warn     lipgloss.Style
	Error    lipgloss.Style
	Muted    lipgloss.Style
	Key      lipgloss.Style // a key name in prose
	Banner   lipgloss.Style
	Dialog   lipgloss.Style
	Label    lipgloss.Style
	Focused  lipgloss.Style // a focused form label
	Match    lipgloss.Style // filter matches

	isDark bool
	accent color.Color
}

// newStyles builds the styles for a background; noColor drops colour.
func newStyles(isDark, noColor bool) Styles {
	ld := lipgloss.LightDark(isDark)
	c := func(light, dark string) color.Color {
		if noColor {
			return lipgloss.NoColor{}
		}
		return ld(lipgloss.Color(light), lipgloss.Color(dark))
	}
	accent := c("#5A3FD6", "#A78BFA")
	green := c("#1A7F37", "#3FB950")
	yellow := c("#9A6700", "#D29922")
	red := c("#CF222E", "#F85149")
	muted := c("#6E7781", "#8B949E")
	selBg := c("#E8E2FF", "#2D2550")

	s := Styles{isDark: isDark, accent: accent}
	s.App = lipgloss.NewStyle().Padding(0, 1)
	s.Title = lipgloss.NewStyle().Bold(true).Foreground(accent)
	s.Subtitle = lipgloss.NewStyle().Foreground(muted)
	s.Header = lipgloss.NewStyle().Bold(true).Foreground(muted)
	s.Selected = lipgloss.NewStyle().Bold(true).Background(selBg)
	if noColor {
		s.Selected = lipgloss.NewStyle().Reverse(true)
	}
	s.Active = lipgloss.NewStyle().Bold(true).Foreground(green)
	s.OK = lipgloss.NewStyle().Foreground(green)
	s.Warn = lipgloss.NewStyle().Foreground(yellow)
	s.Error = lipgloss.NewStyle().Foreground(red)
	s.Muted = lipgloss.NewStyle().Foreground(muted)
	s.Key = lipgloss.NewStyle().Bold(true).Foreground(accent)
	s.Banner = lipgloss.NewStyle().Foreground(yellow)
	s.Dialog = lipgloss.NewStyle().Border(lipgloss.RoundedBorder()).BorderForeground(accent).Padding(0, 1)
	s.Label = lipgloss.NewStyle().Foreground(muted)
	s.Focused = lipgloss.NewStyle().Bold(true).Foreground(accent)
	s.Match = lipgloss.NewStyle().Underline(true).Bold(true).Foreground(accent)
	return s
}
