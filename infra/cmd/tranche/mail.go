package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/tranche-dev/tranche/pkg/app"
	"github.com/tranche-dev/tranche/pkg/schedule"
	"github.com/tranche-dev/tranche/pkg/store"
)

// mailCmd lists and re-drives the scheduled e-mail that used up its
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
func mailCmd(getenv func(string) string) *cobra.Command {
	c := &cobra.Command{
		Use:   "mail",
		Short: "List and re-drive scheduled e-mail that could not be sent",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return errors.New("mail needs a command: failed or retry (tranche mail --help)")
		},
	}
	failed := &cobra.Command{
		Use:   "failed",
		Short: "List the dead sends: KEY RECIPIENT ATTEMPTS DEAD AT ERROR",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			r, err := mailRunner(ctx, getenv)
			if err != nil {
				return err
			}
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
		},
	}
	var all bool
	retry := &cobra.Command{
		Use:   "retry KEY... | --all",
		Short: "Send dead sends again, each at most once",
		Long: `Send the stored message of each dead send (KEY as "mail failed" prints it:
WORKSPACE/OFFERING/KIND#PERIOD#SUBJECT), or of every one with --all. A
record retried twice, or by two operators at once, goes once; one that
fails again goes back on the list with the new error.`,
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			switch {
			case all && len(args) > 0:
				return errors.New("give KEY... or --all, not both")
			case !all && len(args) == 0:
				return errors.New("give KEY... or --all")
			}
			r, err := mailRunner(ctx, getenv)
			if err != nil {
				return err
			}
			if all {
				n, err := r.RetryAll(ctx, time.Now().UTC())
				fmt.Printf("sent %d\n", n)
				return err
			}
			var errs []error
			for _, key := range args {
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
		},
	}
	retry.Flags().BoolVar(&all, "all", false, "retry every dead send")
	c.AddCommand(failed, retry)
	return c
}

// mailRunner is the scheduled functions' runner from the environment, as
// the functions build it; on make run's local stack (see resolveTarget)
// it sends through make run's SES emulator.
func mailRunner(ctx context.Context, getenv func(string) string) (*schedule.Runner, error) {
	deps, _, err := openTarget(ctx, getenv, os.Stderr, func(t target, k string) string {
		if k == app.EnvSESEndpointURL && t.local && getenv(k) == "" {
			return localSESURL // tranche dev --ses-port
		}
		return ""
	})
	if err != nil {
		return nil, err
	}
	r := schedule.New(deps)
	r.Metrics = nil // the alarm counts the functions' dead sends, not an operator's retries
	r.Log = slog.New(slog.NewTextHandler(io.Discard, nil))
	return r, nil
}
