package main

import (
	"io"
)

// globals is what every command shares: the streams and the global flags.
type globals struct {
	stdin          io.Reader
	stdout, stderr io.Writer

	configFlag      string
	apiKeyFlag      string
	demo            bool
	openDiagnostics bool

	closers []func()
}

// close releases what the commands opened (the debug log, a demo server).
func (g *globals) close() {
	for i := len(g.closers) - 1; i >= 0; i-- {
		g.closers[i]()
	}
}
