package main

import "github.com/spf13/cobra"

// subcommands lists every subcommand in the order help shows them.
func subcommands(g *globals) []*cobra.Command {
	return []*cobra.Command{
		newAccountsCmd(g),
		newLoginCmd(g),
		newUseCmd(g),
		newRenameCmd(g),
		newLogoutCmd(g),
		newImportCmd(g),
		newRestoreCmd(g),
		newTokenCmd(g),
		newEnvCmd(g),
		newExecCmd(g),
		newUsersCmd(g),
		newCheckCmd(g),
		newDoctorCmd(g),
		newDemoServerCmd(g),
	}
}
