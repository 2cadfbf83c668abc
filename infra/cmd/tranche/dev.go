package main

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/tranche-dev/tranche/infra/devstack"
	"github.com/tranche-dev/tranche/infra/localgw"
	"github.com/tranche-dev/tranche/pkg/app"
	"github.com/tranche-dev/tranche/pkg/auth"
	"github.com/tranche-dev/tranche/pkg/documents"
	"github.com/tranche-dev/tranche/pkg/importer/sample"
	"github.com/tranche-dev/tranche/pkg/store"
)

// devCmd is make run: the emulators (data kept in .local/), the table, the
// demo issuer on first run, a demo API key, and every function on one port.
// It is the one command that creates a table.
func devCmd(getenv func(string) string) *cobra.Command {
	var addr, dir string
	var dynamoPort, sesPort, s3Port int
	c := &cobra.Command{
		Use:   "dev [--addr localhost:8080]",
		Short: "Run the whole API locally on the emulators (make run)",
		Long: `Start DynamoDB Local and the SES v2 emulator (data in --dir), create the
table, import the sample issuer into workspace "demo" on first run, mint a
demo API key and serve every function on one port until Ctrl-C.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return dev(cmd.Context(), getenv, addr, dir, dynamoPort, sesPort, s3Port)
		},
	}
	c.Flags().StringVar(&addr, "addr", "localhost:8080", "where to serve the API")
	c.Flags().IntVar(&dynamoPort, "dynamodb-port", 8000, "DynamoDB Local port")
	c.Flags().IntVar(&sesPort, "ses-port", 8005, "SES v2 emulator port")
	c.Flags().IntVar(&s3Port, "s3-port", 8006, "S3 server port (exports and documents; presigned links point here)")
	c.Flags().StringVar(&dir, "dir", ".local", "where data, logs and the demo key live")
	return c
}

func dev(ctx context.Context, getenv func(string) string, addr, dir string, dynamoPort, sesPort, s3Port int) error {

	stack, err := devstack.Start(ctx, devstack.Options{
		DataDir: filepath.Join(dir, "dynamodb"), LogDir: filepath.Join(dir, "logs"),
		DynamoPort: dynamoPort, SESPort: sesPort, S3Port: s3Port, CallerHandlesSignals: true,
	})
	if err != nil {
		return err
	}
	defer func() {
		fmt.Println("stopping the emulators (pids", stack.Dynamo.PID, stack.SES.PID, ")")
		_ = stack.Stop()
	}()

	li, err := localIssuer(dir, addr)
	if err != nil {
		return err
	}
	svix, err := localSvixSecret(filepath.Join(dir, "svix-secret"))
	if err != nil {
		return err
	}
	linkKey, err := localLinkKey(filepath.Join(dir, "document-link-key"))
	if err != nil {
		return err
	}
	env := map[string]string{
		app.EnvTableName:       "tranche",
		app.EnvEndpointURL:     stack.DynamoURL,
		app.EnvRegion:          "us-east-1",
		app.EnvLogLevel:        "info",
		app.EnvSESEndpointURL:  stack.SESURL,
		app.EnvBucketName:      "tranche",
		app.EnvS3EndpointURL:   stack.S3URL,
		app.EnvClerkJWKSURL:    "http://" + addr + "/.well-known/jwks.json",
		app.EnvClerkIssuer:     li.Issuer,
		app.EnvSvixSecret:      svix,
		app.EnvPublicURL:       "http://" + addr,              // unsubscribe links of the reminders
		app.EnvDocumentLinkKey: linkKey,                       // the W-9 signing page's links
		app.EnvTaxKeyFile:      filepath.Join(dir, "tax-kek"), // seals profiles' tax ids locally (KMS on AWS)
	}
	localEnv := func(k string) string {
		if _, local := env[k]; local && k != app.EnvLogLevel {
			return env[k] // make run always serves its own stack
		}
		if v := getenv(k); v != "" {
			return v
		}
		return env[k]
	}
	deps, err := app.FromEnv(ctx, localEnv)
	if err != nil {
		return err
	}
	// One JSON line per request (request id, route, status) in the logs
	// directory, at LOG_LEVEL (info unless set), leaving the terminal quiet.
	apiLog, err := os.OpenFile(filepath.Join(stack.LogDir, "api.log"), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return err
	}
	defer apiLog.Close()
	deps.Log = slog.New(slog.NewJSONHandler(apiLog, &slog.HandlerOptions{Level: deps.Config.LogLevel}))
	if err := store.EnsureTable(ctx, deps.DB.Client(), deps.DB.Name()); err != nil {
		return err
	}
	if err := deps.Blobs.EnsureBucket(ctx); err != nil {
		return err
	}
	ws, key, err := demoData(ctx, deps.DB, filepath.Join(dir, "demo-api-key"))
	if err != nil {
		return err
	}
	// The documents function in process: the profiles routes' notices go
	// straight to it (deps.Documents), and it sweeps pending jobs every
	// few seconds, as the queue and the schedule do on AWS.
	worker, err := documents.NewWorker(deps)
	if err != nil {
		return err
	}
	docs := documents.NewLocal(worker, 10*time.Second)
	deps.Documents = docs
	go docs.Run(ctx)
	gw, err := localgw.New(deps)
	if err != nil {
		return err
	}
	mux := http.NewServeMux()
	mux.Handle("GET /.well-known/jwks.json", li.JWKSHandler()) // Clerk's role, locally
	mux.Handle("/", gw)
	srv := &http.Server{Addr: addr, Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	errc := make(chan error, 1)
	go func() { errc <- srv.ListenAndServe() }()

	fmt.Printf(`
Tranche is running.
  API (every function)   http://%s
  DynamoDB Local         %s  table %q, data in %s (pid %d)
  SES v2 emulator        %s  sent mail: %s/ (pid %d)
  logs                   %s
  demo workspace         %q (id %s), the sample issuer's 6 offerings and 300 investments
  demo issuer API key    %s
  session tokens         go run ./infra/cmd/tranche token --workspace demo   (JWKS: /.well-known/jwks.json)
  Clerk webhook secret   %s (Svix)

  curl -H "Authorization: %s" http://%s/api/offerings/1/

Ctrl-C stops everything.
`, addr, stack.DynamoURL, deps.DB.Name(), filepath.Join(dir, "dynamodb"), stack.Dynamo.PID,
		stack.SESURL, stack.SESURL, stack.SES.PID, stack.LogDir, "demo", ws, key, filepath.Join(dir, "svix-secret"), key, addr)

	select {
	case <-ctx.Done():
	case err := <-errc:
		if !errors.Is(err, http.ErrServerClosed) {
			return fmt.Errorf("serve %s: %w", addr, err)
		}
	}
	shutdown, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	return srv.Shutdown(shutdown)
}

// demoData imports the sample issuer into workspace "demo" the first time,
// and returns a workspace API key, minted once and kept in keyFile (a
// local development convenience: the key only opens the local demo).
func demoData(ctx context.Context, db *store.DB, keyFile string) (ws, key string, err error) {
	w, err := db.WorkspaceNamed(ctx, "demo")
	if err != nil {
		return "", "", err
	}
	n, err := db.Counter(ctx, w.ID, store.KindInvestment)
	if err != nil {
		return "", "", err
	}
	if n == 0 {
		fmt.Println("importing the sample issuer into workspace \"demo\"…")
		if _, err := importFile(ctx, db, w, sample.JSON, progressBar(os.Stderr, "import")); err != nil {
			return "", "", err
		}
	}
	if b, err := os.ReadFile(keyFile); err == nil {
		key = strings.TrimSpace(string(b))
		if p, _, err := auth.Lookup(ctx, db, key); err == nil && p.Workspace == w.ID {
			return w.ID, key, nil
		}
	}
	k, err := auth.Mint(ctx, db, w.ID, auth.ScopeWorkspace, 0, true, "make run demo key", time.Now())
	if err != nil {
		return "", "", err
	}
	if err := os.WriteFile(keyFile, []byte(k.Secret+"\n"), 0o600); err != nil {
		return "", "", err
	}
	return w.ID, k.Secret, nil
}

// localLinkKey is the key that signs the local W-9 signing links, made once
// and kept in .local/ so links survive a restart.
func localLinkKey(path string) (string, error) {
	if b, err := os.ReadFile(path); err == nil {
		return strings.TrimSpace(string(b)), nil
	}
	k := rand.Text() + rand.Text() // 52 base32 characters, 260 bits
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return "", err
	}
	return k, os.WriteFile(path, []byte(k+"\n"), 0o600)
}

// localSvixSecret is the signing secret of the local Clerk webhook, made
// once and kept in .local/ so signed test requests keep working.
func localSvixSecret(path string) (string, error) {
	if b, err := os.ReadFile(path); err == nil {
		return strings.TrimSpace(string(b)), nil
	}
	var raw [24]byte
	if _, err := rand.Read(raw[:]); err != nil {
		return "", err
	}
	s := "whsec_" + base64.StdEncoding.EncodeToString(raw[:])
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return "", err
	}
	return s, os.WriteFile(path, []byte(s+"\n"), 0o600)
}
