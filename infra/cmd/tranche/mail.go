package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"text/tabwriter"
	"time"

	"github.com/tranche-dev/tranche/pkg/app"
	"github.com/tranche-dev/tranche/pkg/schedule"
	"github.com/tranche-dev/tranche/pkg/store"
)

// cmdMail lists and re-drives the scheduled e-mail that used up its
// attempts (package schedule records it dead with the message it could
// not send, and alarms on it).
//
//	tranche mail failed
//	tranche mail retry KEY... | --all
//
// KEY is a record as `mail failed` and the dead-send log line print it:
// WORKSPACE/OFFERING/KIND#PERIOD#SUBJECT. A retry sends the stored message
// once (a record retried twice, or by two operators at once, goes once);
// one that fails again goes back on the list with the new error. Against
// AWS, MAIL_FROM must be the stack's SES identity, as for the functions:
// the stored message keeps the display name, not the address.
func cmdMail(ctx context.Context, args []string, getenv func(string) string) error {
	if len(args) == 0 {
		return errors.New("usage: tranche mail failed | tranche mail retry KEY...|--all")
	}
	fs := flag.NewFlagSet("mail "+args[0], flag.ContinueOnError)
	all := fs.Bool("all", false, "retry every dead send")
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	r, err := mailRunner(ctx, getenv)
	if err != nil {
		return err
	}
	switch args[0] {
	case "failed":
		dead, err := r.Dead(ctx)
		if err != nil {
			return err
		}
		tw := tabwriter.NewWriter(os.Stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "KEY\tRECIPIENT\tATTEMPTS\tDEAD AT\tERROR")
		for i := range dead {
			d := &dead[i]
			fmt.Fprintf(tw, "%s\t%s\t%d\t%s\t%s\n", d.Ref(), d.Recipient, d.Attempts, d.DeadAt, d.Error)
		}
		if err := tw.Flush(); err != nil {
			return err
		}
		fmt.Fprintf(os.Stderr, "%d dead sends\n", len(dead))
		return nil
	case "retry":
		switch {
		case *all && fs.NArg() > 0:
			return errors.New("give KEY... or --all, not both")
		case *all:
			n, err := r.RetryAll(ctx, time.Now().UTC())
			fmt.Printf("sent %d\n", n)
			return err
		case fs.NArg() == 0:
			return errors.New("usage: tranche mail retry KEY...|--all")
		}
		var errs []error
		for _, key := range fs.Args() {
			ref, err := store.ParseSendRef(key)
			if err != nil {
				errs = append(errs, err)
				continue
			}
			id, err := r.Retry(ctx, ref, time.Now().UTC())
			if err != nil {
				errs = append(errs, fmt.Errorf("%s: %w", key, err))
				continue
			}
			fmt.Printf("sent %s (message %s)\n", key, id)
		}
		return errors.Join(errs...)
	}
	return fmt.Errorf("unknown mail command %q (failed, retry)", args[0])
}

// mailRunner is the scheduled functions' runner from the environment, as
// the functions build it; without TABLE_NAME and AWS_ENDPOINT_URL it is
// make run's local stack, SES emulator included.
func mailRunner(ctx context.Context, getenv func(string) string) (*schedule.Runner, error) {
	local := getenv(app.EnvTableName) == "" && getenv(app.EnvEndpointURL) == ""
	env := localDefaults(getenv)
	deps, err := app.FromEnv(ctx, func(k string) string {
		if k == app.EnvSESEndpointURL && local && getenv(k) == "" {
			return "http://127.0.0.1:8005" // make run's SES emulator (tranche dev --ses-port)
		}
		return env(k)
	})
	if err != nil {
		return nil, err
	}
	r := schedule.New(deps)
	r.Metrics = nil // the alarm counts the functions' dead sends, not an operator's retries
	r.Log = slog.New(slog.NewTextHandler(io.Discard, nil))
	return r, nil
}
