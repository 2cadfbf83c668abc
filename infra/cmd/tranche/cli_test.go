package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/guregu/dynamo/v2"
	"github.com/spf13/cobra"

	"github.com/tranche-dev/tranche/pkg/importer"
	"github.com/tranche-dev/tranche/pkg/importer/importtest"
	"github.com/tranche-dev/tranche/pkg/importer/sample"
	"github.com/tranche-dev/tranche/pkg/store/storetest"
)

// TestMain lets a test run the real main (its exit status, its stderr) by
// re-executing the test binary, without building the command separately.
func TestMain(m *testing.M) {
	if os.Getenv("TRANCHE_CLI_TEST_MAIN") == "1" {
		os.Args = append([]string{"tranche"}, os.Args[1:]...)
		main()
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// runMain runs the command as an operator would: only env in the
// environment (no AWS profile, no test stack of the parent process).
func runMain(t *testing.T, env map[string]string, args ...string) (code int, stderr string) {
	t.Helper()
	cmd := exec.Command(os.Args[0], args...)
	cmd.Env = []string{"TRANCHE_CLI_TEST_MAIN=1", "HOME=" + t.TempDir(), "PATH=" + os.Getenv("PATH")}
	for k, v := range env {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	var errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = io.Discard, &errb
	err := cmd.Run()
	var exit *exec.ExitError
	if errors.As(err, &exit) {
		return exit.ExitCode(), errb.String()
	}
	if err != nil {
		t.Fatal(err)
	}
	return 0, errb.String()
}

// TestHelp: every command answers --help, -h and help with its usage and
// exit status 0, the root included.
func TestHelp(t *testing.T) {
	var paths [][]string
	var walk func(c *cobra.Command, path []string)
	walk = func(c *cobra.Command, path []string) {
		paths = append(paths, path)
		for _, sub := range c.Commands() {
			if sub.Name() != "help" {
				walk(sub, append(append([]string(nil), path...), sub.Name()))
			}
		}
	}
	walk(newRoot(os.Getenv), nil)
	if len(paths) < 12 {
		t.Fatalf("found %d commands, want at least 12: %v", len(paths), paths)
	}
	for _, p := range paths {
		for _, args := range [][]string{append(p, "--help"), append(p, "-h"), append([]string{"help"}, p...)} {
			root := newRoot(func(string) string { return "" })
			var out bytes.Buffer
			root.SetOut(&out)
			root.SetErr(&out)
			root.SetArgs(args)
			if err := root.ExecuteContext(context.Background()); err != nil {
				t.Errorf("tranche %s: %v", strings.Join(args, " "), err)
			}
			if !strings.Contains(out.String(), "Usage:") {
				t.Errorf("tranche %s printed no usage:\n%s", strings.Join(args, " "), out.String())
			}
		}
	}
	if code, _ := runMain(t, nil, "--help"); code != 0 {
		t.Errorf("tranche --help exited %d", code)
	}
	if code, _ := runMain(t, nil, "keys", "mint", "-h"); code != 0 {
		t.Errorf("tranche keys mint -h exited %d", code)
	}
	if code, _ := runMain(t, nil, "keys", "mint", "-workspace", "x", "-help"); code != 0 {
		t.Errorf("the flag package's single-dash spelling: tranche keys mint -workspace x -help exited %d", code)
	}
	if code, stderr := runMain(t, nil, "import"); code != 1 || !strings.Contains(stderr, "usage: tranche import --workspace NAME") {
		t.Errorf("tranche import without FILE: exit %d, stderr %q", code, stderr)
	}
	if code, stderr := runMain(t, nil, "keys"); code != 1 || !strings.Contains(stderr, "mint, list or revoke") {
		t.Errorf("tranche keys: exit %d, stderr %q", code, stderr)
	}
	if code, stderr := runMain(t, nil, "nosuch"); code == 0 || !strings.Contains(stderr, `unknown command "nosuch"`) {
		t.Errorf("tranche nosuch: exit %d, stderr %q", code, stderr)
	}
}

// TestUnreachable: an endpoint where nothing listens is a clear error and
// a non-zero exit, and a named table is never looked for on make run's
// stack.
func TestUnreachable(t *testing.T) {
	env := map[string]string{"TABLE_NAME": "tranche-nowhere", "AWS_ENDPOINT_URL": "http://127.0.0.1:1"}
	for _, args := range [][]string{
		{"keys", "list", "--workspace", "acme"},
		{"mail", "failed"},
	} {
		code, stderr := runMain(t, env, args...)
		if code == 0 || !strings.Contains(stderr, "cannot reach table tranche-nowhere at http://127.0.0.1:1") {
			t.Errorf("tranche %s: exit %d, stderr %q", strings.Join(args, " "), code, stderr)
		}
	}
	// TABLE_NAME alone means AWS, with the region of the default chain;
	// make run's endpoint is never filled in.
	tg, err := resolveTarget(context.Background(), func(k string) string {
		return map[string]string{"TABLE_NAME": "prod-table", "AWS_REGION": "eu-west-1"}[k]
	}, io.Discard)
	if err != nil || tg.local || tg.getenv("AWS_ENDPOINT_URL") != "" || tg.where != "AWS eu-west-1" {
		t.Fatalf("TABLE_NAME set: %+v, endpoint %q, %v", tg, tg.getenv("AWS_ENDPOINT_URL"), err)
	}
	var stderr bytes.Buffer
	tg, err = resolveTarget(context.Background(), func(string) string { return "" }, &stderr)
	if err != nil || !tg.local || tg.getenv("AWS_ENDPOINT_URL") != localDynamoURL || !strings.Contains(stderr.String(), "make run's local stack") {
		t.Fatalf("nothing set: %+v, %q, %v", tg, stderr.String(), err)
	}
}

// TestAgainstTestStack: the commands find the table and the workspace and
// never create either unless told to; a key is minted only for an issuer
// or offering that exists.
func TestAgainstTestStack(t *testing.T) {
	l := importtest.Sample(t)
	ctx := context.Background()
	ep := storetest.Endpoint(t)
	env := map[string]string{"TABLE_NAME": l.DB.Name(), "AWS_ENDPOINT_URL": ep, "LOG_LEVEL": "error"}
	getenv := func(k string) string { return env[k] }
	cli := func(args ...string) error { return run(ctx, args, getenv) }
	wantErr := func(err error, want string) {
		t.Helper()
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Fatalf("got %v, want an error with %q", err, want)
		}
	}

	if err := cli("keys", "mint", "--workspace", "sample"); err != nil {
		t.Fatal(err)
	}
	if err := cli("keys", "mint", "--workspace", "sample", "--offering", fmt.Sprint(l.Data.Offerings[0].ID), "--write"); err != nil {
		t.Fatal(err)
	}
	if err := cli("keys", "mint", "--workspace", "sample", "--issuer", fmt.Sprint(l.Data.Issuers[0].ID)); err != nil {
		t.Fatal(err)
	}
	if err := cli("keys", "list", "--workspace", "sample"); err != nil {
		t.Fatal(err)
	}
	// keys mint says what it minted for; the real exit status of a refusal.
	off := l.Data.Offerings[0].ID
	code, stderr := runMain(t, env, "keys", "mint", "--workspace", "sample", "--offering", fmt.Sprint(off))
	if want := fmt.Sprintf(`for workspace "sample" (id %s), scope offering %d, write=false`, l.Workspace, off); code != 0 || !strings.Contains(stderr, want) {
		t.Fatalf("keys mint: exit %d, stderr %q, want %q", code, stderr, want)
	}
	code, stderr = runMain(t, env, "keys", "mint", "--workspace", "sample", "--offering", "999")
	if code != 1 || !strings.Contains(stderr, `offering 999 not found in workspace "sample"`) {
		t.Fatalf("keys mint --offering 999: exit %d, stderr %q", code, stderr)
	}
	// Named scopes (issue 13): stored with the key, unknown ones refused.
	code, stderr = runMain(t, env, "keys", "mint", "--workspace", "sample", "--scope", "accounts.write", "--scope", "accounts.read")
	if code != 0 || !strings.Contains(stderr, "scopes=[accounts.read accounts.write]") {
		t.Fatalf("keys mint --scope: exit %d, stderr %q", code, stderr)
	}
	wantErr(cli("keys", "mint", "--workspace", "sample", "--scope", "accounts.admin"), `unknown scope "accounts.admin"`)
	wantErr(cli("keys", "mint", "--workspace", "sample", "--offering", "999"), "offering 999 not found")
	wantErr(cli("keys", "mint", "--workspace", "sample", "--issuer", "999"), "issuer 999 not found")
	wantErr(cli("keys", "mint", "--workspace", "sampel"), `workspace "sampel" not found`)
	wantErr(cli("keys", "mint", "--workspace", "sampel", "--create-workspace"), "unknown flag")
	wantErr(cli("token", "--workspace", "sampel", "--dir", t.TempDir()), `workspace "sampel" not found`)

	// import creates a workspace only with --create-workspace, and only
	// once the file is valid.
	file := filepath.Join(t.TempDir(), "sample.json")
	if err := os.WriteFile(file, sample.JSON, 0o600); err != nil {
		t.Fatal(err)
	}
	wantErr(cli("import", "--workspace", "fresh", file), `workspace "fresh" not found`)
	bad := filepath.Join(t.TempDir(), "bad.json")
	if err := os.WriteFile(bad, []byte(`{"format":"tranche-import/1","offerings":[{"id":"x"}]}`), 0o600); err != nil {
		t.Fatal(err)
	}
	wantErr(cli("import", "--workspace", "fresh", "--create-workspace", bad), "nothing was imported")
	if _, err := l.DB.WorkspaceByName(ctx, "fresh"); !errors.Is(err, dynamo.ErrNotFound) {
		t.Fatalf("an invalid file created the workspace: %v", err)
	}
	if err := cli("import", "--workspace", "fresh", "--create-workspace", file); err != nil {
		t.Fatal(err)
	}
	if _, err := l.DB.WorkspaceByName(ctx, "fresh"); err != nil {
		t.Fatalf("import --create-workspace: %v", err)
	}
	for _, name := range []string{"sampel", "bench"} {
		if _, err := l.DB.WorkspaceByName(ctx, name); !errors.Is(err, dynamo.ErrNotFound) {
			t.Fatalf("workspace %q was created: %v", name, err)
		}
	}
	wantErr(cli("generate", "--workspace", "bench", "--investments", "50"), `workspace "bench" not found`)

	// A mistyped table is an error, not a new table.
	env["TABLE_NAME"] = l.DB.Name() + "-typo"
	wantErr(cli("keys", "list", "--workspace", "sample"), "table "+env["TABLE_NAME"]+" not found at "+ep)
	wantErr(cli("mail", "failed"), "not found at")
	_, err := storetest.Client(t).DescribeTable(ctx, &dynamodb.DescribeTableInput{TableName: aws.String(env["TABLE_NAME"])})
	if err == nil {
		t.Fatal("a command created the mistyped table")
	}
}

func TestGoFlags(t *testing.T) {
	got := strings.Join(goFlags([]string{"dev", "-dir", "/tmp/x", "-h", "--addr", "a", "-5", "--", "-keep"}), " ")
	if want := "dev --dir /tmp/x -h --addr a -5 -- -keep"; got != want {
		t.Fatalf("goFlags = %q, want %q", got, want)
	}
}

// TestProblemsAndProgress: an invalid file's problems stop at
// maxProblems with a count of the rest; away from a terminal, progress is
// a line per tenth of the work.
func TestProblemsAndProgress(t *testing.T) {
	var probs importer.Problems
	for i := range maxProblems + 5 {
		probs = append(probs, fmt.Sprintf("$.investments[%d].offering: no offering 9", i))
	}
	var b bytes.Buffer
	printProblems(&b, probs)
	lines := strings.Split(strings.TrimSpace(b.String()), "\n")
	if len(lines) != maxProblems+1 || !strings.Contains(lines[maxProblems], "5 more problems held back") {
		t.Fatalf("printed:\n%s", b.String())
	}

	b.Reset()
	p := progressLines(&b, "import")
	for i := 0; i <= 1234; i++ {
		p(i, 1234)
	}
	lines = strings.Split(strings.TrimSpace(b.String()), "\n")
	if len(lines) != 11 || lines[10] != "import: 1234/1234 items (100%)" {
		t.Fatalf("printed %d lines:\n%s", len(lines), b.String())
	}
	if progressBar(os.Stderr, "import") == nil {
		t.Fatal("no progress away from a terminal")
	}
}
