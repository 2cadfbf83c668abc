// Command devstack runs the local emulators, DynamoDB Local and the SES v2
// emulator, from the repository's node_modules.
//
//	devstack test [-logs DIR] -- CMD [ARG...]
//
// starts both in memory on free loopback ports, runs CMD with
// TRANCHE_TEST_DYNAMODB, TRANCHE_TEST_SES and TRANCHE_TEST_S3 set to their URLs, stops them
// and exits with CMD's status (128+N if a signal N ended it). make test runs
// `devstack test -- go test ./...`.
//
//	devstack up [-data DIR] [-dynamo-port N] [-ses-port N] [-logs DIR]
//
// starts both for manual use, prints their URLs and waits for Ctrl-C.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/tranche-dev/tranche/infra/devstack"
)

const usage = `usage:
  devstack test [-logs DIR] -- CMD [ARG...]
  devstack up [-data DIR] [-dynamo-port N] [-ses-port N] [-logs DIR]`

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, usage)
		os.Exit(2)
	}
	var code int
	switch os.Args[1] {
	case "test":
		code = runTest(os.Args[2:])
	case "up":
		code = runUp(os.Args[2:])
	default:
		fmt.Fprintln(os.Stderr, usage)
		code = 2
	}
	os.Exit(code)
}

func runTest(args []string) int {
	fs := flag.NewFlagSet("devstack test", flag.ContinueOnError)
	logDir := fs.String("logs", "", "directory for the emulators' logs (default: a temporary one, removed)")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	argv := fs.Args()
	if len(argv) == 0 {
		fmt.Fprintln(os.Stderr, usage)
		return 2
	}

	// A signal cancels a start under way and is passed on to the command;
	// the emulators are stopped once the command has ended.
	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var child atomic.Pointer[os.Process]
	go func() {
		for sig := range sigs {
			cancel()
			if p := child.Load(); p != nil {
				_ = p.Signal(sig)
			}
		}
	}()

	s, err := devstack.Start(ctx, devstack.Options{LogDir: *logDir, CallerHandlesSignals: true})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer func() {
		if err := s.Stop(); err != nil {
			fmt.Fprintln(os.Stderr, err)
		}
	}()
	fmt.Fprintf(os.Stderr, "devstack: DynamoDB Local %s (ready in %s), SES emulator %s (ready in %s), S3 %s\n",
		s.DynamoURL, s.Dynamo.Startup.Round(time.Millisecond), s.SESURL, s.SES.Startup.Round(time.Millisecond), s.S3URL)

	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
	cmd.Env = append(os.Environ(), "TRANCHE_TEST_DYNAMODB="+s.DynamoURL, "TRANCHE_TEST_SES="+s.SESURL, "TRANCHE_TEST_S3="+s.S3URL)
	if err := cmd.Start(); err != nil {
		fmt.Fprintln(os.Stderr, "devstack:", err)
		return 127
	}
	child.Store(cmd.Process)
	err = cmd.Wait()
	var exit *exec.ExitError
	switch {
	case err == nil:
		return 0
	case errors.As(err, &exit):
		if ws, ok := exit.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
			return 128 + int(ws.Signal())
		}
		return exit.ExitCode()
	default:
		fmt.Fprintln(os.Stderr, "devstack:", err)
		return 1
	}
}

func runUp(args []string) int {
	fs := flag.NewFlagSet("devstack up", flag.ContinueOnError)
	var opts devstack.Options
	fs.StringVar(&opts.DataDir, "data", "", "DynamoDB Local data directory (default: in memory)")
	fs.IntVar(&opts.DynamoPort, "dynamo-port", 0, "DynamoDB Local port (default: a free one)")
	fs.IntVar(&opts.SESPort, "ses-port", 0, "SES emulator port (default: a free one)")
	fs.IntVar(&opts.S3Port, "s3-port", 0, "S3 server port (default: a free one)")
	fs.StringVar(&opts.LogDir, "logs", "", "directory for the emulators' logs (default: a temporary one, removed)")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	opts.CallerHandlesSignals = true
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	s, err := devstack.Start(ctx, opts)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	storage := "in memory"
	if opts.DataDir != "" {
		storage = "data in " + opts.DataDir
	}
	fmt.Printf("DynamoDB Local  %s  (%s; pid %d; ready in %s; log %s)\n",
		s.DynamoURL, storage, s.Dynamo.PID, s.Dynamo.Startup.Round(time.Millisecond), s.Dynamo.LogFile)
	fmt.Printf("SES emulator    %s  (sent mail at %s/; pid %d; ready in %s; log %s)\n",
		s.SESURL, s.SESURL, s.SES.PID, s.SES.Startup.Round(time.Millisecond), s.SES.LogFile)
	fmt.Printf("S3 server       %s  (in this process)\n", s.S3URL)
	fmt.Printf("\nexport TRANCHE_TEST_DYNAMODB=%s TRANCHE_TEST_SES=%s TRANCHE_TEST_S3=%s\n\nCtrl-C stops them.\n", s.DynamoURL, s.SESURL, s.S3URL)

	<-ctx.Done()
	t0 := time.Now()
	if err := s.Stop(); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	fmt.Printf("stopped in %s\n", time.Since(t0).Round(time.Millisecond))
	return 0
}
