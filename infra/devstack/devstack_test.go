//go:build unix

package devstack_test

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/sesv2"
	sestypes "github.com/aws/aws-sdk-go-v2/service/sesv2/types"

	"github.com/tranche-dev/tranche/infra/devstack"
	"github.com/tranche-dev/tranche/pkg/app"
	"github.com/tranche-dev/tranche/pkg/blob"
	"github.com/tranche-dev/tranche/pkg/store"
)

// These tests start stacks of their own on free ports, beside whatever
// make test or make run started.

func start(tb testing.TB, opts devstack.Options) *devstack.Stack {
	tb.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	s, err := devstack.Start(ctx, opts)
	if errors.Is(err, devstack.ErrNotInstalled) && os.Getenv("CI") != "true" {
		tb.Skip(err)
	}
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { _ = s.Stop() })
	tb.Logf("DynamoDB Local %s (pid %d) answered after %s; SES %s (pid %d) after %s",
		s.DynamoURL, s.Dynamo.PID, s.Dynamo.Startup.Round(time.Millisecond),
		s.SESURL, s.SES.PID, s.SES.Startup.Round(time.Millisecond))
	return s
}

func dynamoClient(url string) *dynamodb.Client {
	return dynamodb.New(dynamodb.Options{
		BaseEndpoint: aws.String(url),
		Region:       "us-east-1",
		Credentials:  credentials(),
	})
}

func credentials() aws.CredentialsProvider {
	return aws.CredentialsProviderFunc(func(context.Context) (aws.Credentials, error) {
		return aws.Credentials{AccessKeyID: "test", SecretAccessKey: "test"}, nil
	})
}

func tables(tb testing.TB, client *dynamodb.Client) []string {
	tb.Helper()
	out, err := client.ListTables(context.Background(), &dynamodb.ListTablesInput{})
	if err != nil {
		tb.Fatal(err)
	}
	return out.TableNames
}

// assertGone checks the processes are reaped and the ports closed.
func assertGone(tb testing.TB, s *devstack.Stack) {
	tb.Helper()
	for _, svc := range []devstack.Service{s.Dynamo, s.SES} {
		if err := syscall.Kill(svc.PID, 0); !errors.Is(err, syscall.ESRCH) {
			tb.Errorf("pid %d: kill -0 = %v, want ESRCH (process gone)", svc.PID, err)
		}
		if c, err := net.DialTimeout("tcp", fmt.Sprintf("127.0.0.1:%d", svc.Port), time.Second); err == nil {
			_ = c.Close()
			tb.Errorf("port %d still accepts connections", svc.Port)
		}
	}
}

func TestStartInMemory(t *testing.T) {
	t.Parallel()
	s := start(t, devstack.Options{LogDir: t.TempDir()})
	if s.Dynamo.Port == 0 || s.SES.Port == 0 || s.Dynamo.Port == s.SES.Port {
		t.Fatalf("ports: dynamo %d, ses %d", s.Dynamo.Port, s.SES.Port)
	}
	if want := fmt.Sprintf("http://127.0.0.1:%d", s.Dynamo.Port); s.DynamoURL != want {
		t.Errorf("DynamoURL = %q, want %q", s.DynamoURL, want)
	}
	ctx := context.Background()

	// The table make run and the tests create, through the emulator.
	client := dynamoClient(s.DynamoURL)
	if err := store.EnsureTable(ctx, client, "devstack-test"); err != nil {
		t.Fatal(err)
	}
	if got := tables(t, client); !slices.Contains(got, "devstack-test") {
		t.Fatalf("tables = %v, want devstack-test among them", got)
	}

	// SES v2 through the SDK; the emulator keeps the message at GET /store.
	ses := sesv2.New(sesv2.Options{BaseEndpoint: aws.String(s.SESURL), Region: "us-east-1", Credentials: credentials()})
	subject := "devstack " + time.Now().Format(time.RFC3339Nano)
	_, err := ses.SendEmail(ctx, &sesv2.SendEmailInput{
		FromEmailAddress: aws.String("no-reply@tranche.local"),
		Destination:      &sestypes.Destination{ToAddresses: []string{"investor@example.com"}},
		Content: &sestypes.EmailContent{Simple: &sestypes.Message{
			Subject: &sestypes.Content{Data: aws.String(subject)},
			Body:    &sestypes.Body{Text: &sestypes.Content{Data: aws.String("hello")}},
		}},
	})
	if err != nil {
		t.Fatal(err)
	}
	resp, err := http.Get(s.SESURL + "/store")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var stored struct {
		Emails []struct {
			Subject string `json:"subject"`
		} `json:"emails"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&stored); err != nil {
		t.Fatal(err)
	}
	if len(stored.Emails) != 1 || stored.Emails[0].Subject != subject {
		t.Fatalf("GET /store emails = %+v, want one with subject %q", stored.Emails, subject)
	}

	if err := s.Stop(); err != nil {
		t.Fatal(err)
	}
	assertGone(t, s)
	if err := s.Stop(); err != nil {
		t.Errorf("second Stop = %v", err)
	}
}

func TestDataDirPersists(t *testing.T) {
	t.Parallel()
	opts := devstack.Options{DataDir: t.TempDir(), LogDir: t.TempDir()}
	s := start(t, opts)
	if err := store.EnsureTable(context.Background(), dynamoClient(s.DynamoURL), "devstack-persist"); err != nil {
		t.Fatal(err)
	}
	bucket := blobStore(t, s.S3URL)
	if err := bucket.Put(context.Background(), "kept.txt", "text/plain", strings.NewReader("kept")); err != nil {
		t.Fatal(err)
	}
	if err := s.Stop(); err != nil {
		t.Fatal(err)
	}
	assertGone(t, s)

	// Fixed ports, as make run uses: the ones just freed.
	opts.DynamoPort, opts.SESPort, opts.S3Port = s.Dynamo.Port, s.SES.Port, s.S3.Port
	s2 := start(t, opts)
	if s2.DynamoURL != s.DynamoURL {
		t.Errorf("DynamoURL = %s, want %s", s2.DynamoURL, s.DynamoURL)
	}
	if got := tables(t, dynamoClient(s2.DynamoURL)); !slices.Contains(got, "devstack-persist") {
		t.Fatalf("after restart tables = %v, want devstack-persist", got)
	}
	rc, err := blobStore(t, s2.S3URL).Get(context.Background(), "kept.txt")
	if err != nil {
		t.Fatalf("after restart the S3 object is gone: %v", err)
	}
	b, _ := io.ReadAll(rc)
	rc.Close()
	if string(b) != "kept" {
		t.Fatalf("after restart kept.txt = %q", b)
	}
}

// blobStore is the bucket "devstack" on the stack's S3 server.
func blobStore(t *testing.T, url string) *blob.Store {
	t.Helper()
	cfg, err := app.LoadAWS(context.Background(), app.Config{EndpointURL: url, Region: "us-east-1"})
	if err != nil {
		t.Fatal(err)
	}
	s := blob.New(cfg, url, "devstack")
	if err := s.EnsureBucket(context.Background()); err != nil {
		t.Fatal(err)
	}
	return s
}

func TestPortInUse(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	port := l.Addr().(*net.TCPAddr).Port
	for _, opts := range []devstack.Options{{DynamoPort: port}, {SESPort: port}} {
		opts.LogDir = t.TempDir()
		s, err := devstack.Start(context.Background(), opts)
		if errors.Is(err, devstack.ErrNotInstalled) && os.Getenv("CI") != "true" {
			t.Skip(err)
		}
		if err == nil {
			_ = s.Stop()
			t.Fatalf("Start(%+v) succeeded on a port in use", opts)
		}
		if !strings.Contains(err.Error(), fmt.Sprint(port)) {
			t.Errorf("error %q does not name port %d", err, port)
		}
	}
}

// TestSignalStops runs a child test binary that starts a stack and waits;
// SIGINT to the child must stop the emulators before the child dies of it.
func TestSignalStops(t *testing.T) {
	if os.Getenv("DEVSTACK_SIGNAL_CHILD") == "1" {
		signalChild()
		return
	}
	t.Parallel()
	cmd := exec.Command(os.Args[0], "-test.run=^TestSignalStops$", "-test.v")
	cmd.Env = append(os.Environ(), "DEVSTACK_SIGNAL_CHILD=1")
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { _ = cmd.Process.Kill() }()
	var dynamoPID, sesPID int
	sc := bufio.NewScanner(out)
	for sc.Scan() {
		line := sc.Text()
		if strings.HasPrefix(line, "SKIP ") {
			t.Skip(strings.TrimPrefix(line, "SKIP "))
		}
		if _, err := fmt.Sscanf(line, "PIDS %d %d", &dynamoPID, &sesPID); err == nil {
			break
		}
	}
	if dynamoPID == 0 {
		_ = cmd.Wait()
		t.Fatal("child printed no PIDS line")
	}
	if err := cmd.Process.Signal(os.Interrupt); err != nil {
		t.Fatal(err)
	}
	go func() { _, _ = bufio.NewReader(out).WriteTo(os.Stdout) }()
	err = cmd.Wait()
	var exit *exec.ExitError
	if !errors.As(err, &exit) {
		t.Fatalf("child: %v, want death by SIGINT", err)
	}
	if ws, ok := exit.Sys().(syscall.WaitStatus); !ok || !ws.Signaled() || ws.Signal() != syscall.SIGINT {
		t.Errorf("child ended with %v, want death by SIGINT (the signal raised again)", err)
	}
	// Checked at once: the emulators were stopped and reaped by the child,
	// not ended later by Pdeathsig.
	for _, pid := range []int{dynamoPID, sesPID} {
		if err := syscall.Kill(pid, 0); !errors.Is(err, syscall.ESRCH) {
			t.Errorf("pid %d: kill -0 = %v, want ESRCH (process gone)", pid, err)
		}
	}
}

func signalChild() {
	s, err := devstack.Start(context.Background(), devstack.Options{})
	if errors.Is(err, devstack.ErrNotInstalled) && os.Getenv("CI") != "true" {
		fmt.Println("SKIP", err)
		os.Exit(0)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(3)
	}
	fmt.Printf("PIDS %d %d\n", s.Dynamo.PID, s.SES.PID)
	time.Sleep(time.Minute)
	fmt.Fprintln(os.Stderr, "no signal came")
	os.Exit(4)
}
