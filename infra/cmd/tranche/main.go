// Command tranche is the operators' tool: import an issuer's data, manage
// issuer API keys, mint local session tokens, list and re-drive scheduled
// e-mail that could not be sent, and run the whole API locally (make run).
//
//	tranche import --workspace NAME FILE
//	tranche generate --workspace NAME [--investments N]
//	tranche keys mint --workspace NAME [--issuer N | --offering N] [--write] [--name TEXT]
//	tranche keys list --workspace NAME
//	tranche keys revoke --workspace NAME KEY_ID
//	tranche token [--user ID] [--workspace NAME] [--role OWNER|ADMIN|MEMBER]
//	tranche dev [--addr localhost:8080]
//	tranche invoke [--at TIME] FN EVENT.json   (make invoke)
//	tranche mail failed
//	tranche mail retry KEY... | --all
//
// The table and endpoints come from the environment as for the functions
// (TABLE_NAME, AWS_ENDPOINT_URL, AWS_REGION); without them, the commands
// use make run's local stack.
package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Getenv); err != nil {
		fmt.Fprintln(os.Stderr, "tranche:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string, getenv func(string) string) error {
	if len(args) == 0 {
		return errors.New("usage: tranche import|generate|keys|token|mail|invoke|dev [flags]")
	}
	switch args[0] {
	case "import":
		return cmdImport(ctx, args[1:], getenv)
	case "generate":
		return cmdGenerate(ctx, args[1:], getenv)
	case "keys":
		return cmdKeys(ctx, args[1:], getenv)
	case "dev":
		return cmdDev(ctx, args[1:], getenv)
	case "token":
		return cmdToken(ctx, args[1:], getenv)
	case "mail":
		return cmdMail(ctx, args[1:], getenv)
	case "invoke":
		return cmdInvoke(ctx, args[1:], getenv)
	}
	return fmt.Errorf("unknown command %q (import, generate, keys, token, mail, invoke, dev)", args[0])
}
