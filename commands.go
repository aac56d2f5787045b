package main

import "github.com/spf13/cobra"

// subcommands lists every subcommand in the order help shows them.
func subcommands(g *globals) []*cobra.Command {
	return []*cobra.Command{
		newDemoServerCmd(g),
	}
}
