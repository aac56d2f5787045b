package main

import (
	"context"
)

// runInterface opens the terminal interface.
func runInterface(ctx context.Context, g *globals) error {
	_ = ctx
	return exitError{code: exitUsage, msg: "the terminal interface is not built yet; see 'bloomy --help' for the subcommands"}
}
