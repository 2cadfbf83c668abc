// Package blobtest opens a fresh, uniquely named bucket on the test S3
// server for one test. The endpoint comes from TRANCHE_TEST_S3 (set by
// devstack's test command, which embeds the server). Without one the test
// is skipped, except under CI=true, where it fails, as storetest does.
package blobtest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"os"
	"testing"
	"time"

	"github.com/tranche-dev/tranche/pkg/app"
	"github.com/tranche-dev/tranche/pkg/blob"
)

// EnvEndpoint names the test S3 server's URL.
const EnvEndpoint = "TRANCHE_TEST_S3"

// Endpoint returns the test S3 endpoint, or skips (fails in CI).
func Endpoint(tb testing.TB) string {
	tb.Helper()
	ep := os.Getenv(EnvEndpoint)
	if ep == "" {
		if os.Getenv("CI") == "true" {
			tb.Fatal("blobtest: no S3 endpoint (" + EnvEndpoint + ") under CI=true; run the tests with make test")
		}
		tb.Skip("blobtest: no S3 endpoint; run with make test")
	}
	return ep
}

// New creates a uniquely named bucket and returns the store over it.
func New(tb testing.TB) *blob.Store {
	tb.Helper()
	ep := Endpoint(tb)
	cfg, err := app.LoadAWS(context.Background(), app.Config{EndpointURL: ep, Region: "us-east-1"})
	if err != nil {
		tb.Fatal(err)
	}
	var b [6]byte
	_, _ = rand.Read(b[:])
	s := blob.New(cfg, ep, "tranche-test-"+hex.EncodeToString(b[:]))
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := s.EnsureBucket(ctx); err != nil {
		tb.Fatal(err)
	}
	return s
}
