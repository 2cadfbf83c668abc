// Command tranche is the operators' tool: import an issuer's data, manage
// issuer API keys, mint local session tokens, list and re-drive scheduled
// e-mail that could not be sent, and run the whole API locally (make run).
//
//	tranche import --workspace NAME [--create-workspace] FILE
//	tranche generate --workspace NAME [--create-workspace] [--investments N]
//	tranche keys mint --workspace NAME [--issuer N | --offering N] [--write] [--name TEXT]
//	tranche keys list --workspace NAME
//	tranche keys revoke --workspace NAME KEY_ID
//	tranche token [--user ID] [--workspace NAME] [--role OWNER|ADMIN|MEMBER]
//	tranche dev [--addr localhost:8080]
//	tranche invoke [--at TIME] FN EVENT.json   (make invoke)
//	tranche mail failed
//	tranche mail retry KEY... | --all
//
// The table and AWS endpoint resolve as for every AWS tool (see env.go):
// TABLE_NAME and the SDK's default credential and region chain; an
// endpoint only from AWS_ENDPOINT_URL, or make run's local stack when
// neither TABLE_NAME nor AWS_ENDPOINT_URL is set (said on stderr).
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"syscall"
	"unicode"

	"github.com/spf13/cobra"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Getenv)
	stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, "tranche:", err)
		os.Exit(1)
	}
}

// run executes one command line; tests call it in-process with their own
// environment. Help (--help, -h, help CMD) returns nil: exit 0.
func run(ctx context.Context, args []string, getenv func(string) string) error {
	root := newRoot(getenv)
	root.SetArgs(goFlags(args))
	return root.ExecuteContext(ctx)
}

// goFlags rewrites the single-dash long flags that the flag package
// accepted (tranche dev -dir /tmp/x, as BENCHMARKS.md and scripts wrote
// them) to the double dash pflag needs: no command has a one-letter flag
// but -h, so "-dir" can only mean --dir. Arguments after "--" are left
// alone, and so is anything not starting with "-" and a letter (-5).
func goFlags(args []string) []string {
	out := make([]string, len(args))
	copy(out, args)
	for i, a := range out {
		if a == "--" {
			break
		}
		if len(a) > 2 && a[0] == '-' && a[1] != '-' && unicode.IsLetter(rune(a[1])) {
			out[i] = "-" + a
		}
	}
	return out
}

func newRoot(getenv func(string) string) *cobra.Command {
	root := &cobra.Command{
		Use:   "tranche",
		Short: "Tranche's operators' tool",
		Long: `Tranche's operators' tool: import an issuer's data, manage issuer API keys,
mint local session tokens, re-drive failed e-mail and run the API locally.

The table comes from TABLE_NAME, credentials and region from the AWS SDK's
default chain (AWS_PROFILE, AWS_REGION, ~/.aws, ...). An endpoint other than
AWS's is used only when AWS_ENDPOINT_URL is set, or when neither TABLE_NAME
nor AWS_ENDPOINT_URL is set: then the commands talk to make run's local stack
(table "tranche" at ` + localDynamoURL + `) and say so on stderr.
Only "dev" creates the table; the other commands stop if it does not exist.`,
		// Errors are printed once, by main, without the usage text that
		// would bury them; usage stays one --help away.
		SilenceErrors: true,
		SilenceUsage:  true,
	}
	root.CompletionOptions.DisableDefaultCmd = true
	root.AddCommand(
		importCmd(getenv),
		generateCmd(getenv),
		keysCmd(getenv),
		tokenCmd(getenv),
		devCmd(getenv),
		invokeCmd(getenv),
		mailCmd(getenv),
	)
	return root
}

// exactArgs is cobra.ExactArgs with the command's usage line in the error,
// which says what the missing argument is ("accepts 1 arg(s)" does not).
func exactArgs(n int) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if len(args) != n {
			return fmt.Errorf("usage: %s (see %s --help)", cmd.UseLine(), cmd.CommandPath())
		}
		return nil
	}
}
