package documents

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strconv"
	"time"

	"github.com/google/uuid"
	"github.com/guregu/dynamo/v2"

	"github.com/tranche-dev/tranche/pkg/model"
	"github.com/tranche-dev/tranche/pkg/store"
)

// Blobs is the object store the PDFs live in (pkg/blob's Store).
type Blobs interface {
	Put(ctx context.Context, key, contentType string, body io.Reader) error
	Get(ctx context.Context, key string) (io.ReadCloser, error)
	PresignGet(ctx context.Context, key string, ttl time.Duration, downloadName string) (string, error)
}

// ObjectKey is where a profile version's W-9 PDF is stored.
func ObjectKey(ws string, profile, version int64) string {
	return "w9/" + ws + "/" + strconv.FormatInt(profile, 10) + "/" + strconv.FormatInt(version, 10) + ".pdf"
}

// Worker renders pending document jobs.
type Worker struct {
	DB    *store.DB
	Blobs Blobs
	Log   *slog.Logger
	Now   func() time.Time
}

// Outcome is what processing one job did.
type Outcome string

// The outcomes of Process.
const (
	Rendered Outcome = "rendered" // this call wrote the W-9 state
	Current  Outcome = "current"  // the state already had this version (or a newer one): only the job was settled
	Gone     Outcome = "gone"     // no job, or it was done already
	Failed   Outcome = "failed"   // the input cannot be rendered: the job is marked failed, not retried
)

// errUnrenderable marks an input Render refuses: no retry can help.
var errUnrenderable = errors.New("documents: the W-9 input cannot be rendered")

// sweepBatch bounds one sweep; the rest waits for the next run.
const sweepBatch = 100

// Sweep processes the pending jobs, oldest first (one GSI1 Query). A job
// that fails is logged and left pending for the next sweep or message; the
// error returned joins them all.
func (w *Worker) Sweep(ctx context.Context) (map[Outcome]int, error) {
	jobs, err := w.DB.PendingW9Jobs(ctx, sweepBatch)
	if err != nil {
		return nil, err
	}
	counts := map[Outcome]int{}
	var errs []error
	for _, j := range jobs {
		out, err := w.Process(ctx, j.Workspace, j.ProfileID)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		counts[out]++
	}
	return counts, errors.Join(errs...)
}

// Process renders a profile's pending job. It reads the job consistently
// (the index and a queue message may both be late or repeated), so it is
// safe to call for any profile, any number of times, concurrently.
func (w *Worker) Process(ctx context.Context, ws string, profile int64) (Outcome, error) {
	job, err := w.DB.GetW9Job(ctx, ws, profile)
	if errors.Is(err, dynamo.ErrNotFound) {
		return Gone, nil
	}
	if err != nil {
		return "", err
	}
	if job.Status != store.W9JobPending {
		return Gone, nil
	}
	out, err := w.render(ctx, job)
	if errors.Is(err, errUnrenderable) {
		// Logged at error level (the function's log alarms on it), then
		// settled: retrying every few minutes would change nothing.
		w.Log.ErrorContext(ctx, "W-9 job cannot be rendered", "workspace", ws, "profile", profile, "version", job.Version, "error", err.Error())
		if _, err := w.DB.MarkW9JobFailed(ctx, ws, profile, job.Version, err.Error(), w.Now()); err != nil {
			return "", err
		}
		return Failed, nil
	}
	if err != nil {
		w.Log.ErrorContext(ctx, "W-9 job failed", "workspace", ws, "profile", profile, "version", job.Version, "error", err.Error())
		return "", fmt.Errorf("documents: W-9 of %s/%d v%d: %w", ws, profile, job.Version, err)
	}
	if _, err := w.DB.MarkW9JobDone(ctx, ws, profile, job.Version, w.Now()); err != nil {
		return "", err
	}
	w.Log.InfoContext(ctx, "W-9 job done", "workspace", ws, "profile", profile, "version", job.Version, "outcome", string(out))
	return out, nil
}

func (w *Worker) render(ctx context.Context, job store.W9Job) (Outcome, error) {
	prev, err := w.state(ctx, job.Workspace, job.ProfileID)
	if err != nil {
		return "", err
	}
	if prev != nil && prev.Version >= job.Version {
		return Current, nil // a retry, a racing worker, or an older job
	}
	pdf, err := Render(job.Input, job.EnqueuedAt)
	if err != nil {
		return "", fmt.Errorf("%w: %w", errUnrenderable, err)
	}
	key := ObjectKey(job.Workspace, job.ProfileID, job.Version)
	// The same job renders the same bytes, so a repeated Put is harmless.
	if err := w.Blobs.Put(ctx, key, "application/pdf", bytes.NewReader(pdf)); err != nil {
		return "", fmt.Errorf("store the PDF: %w", err)
	}
	sum := sha256.Sum256(pdf)
	for attempt := 0; attempt < 5; attempt++ {
		st := model.W9State{
			ProfileID: job.ProfileID, Version: job.Version, ObjectKey: key,
			SHA256: hex.EncodeToString(sum[:]), GeneratedAt: model.NewTime(w.Now()),
		}
		if prev != nil {
			st.ShareUUID = prev.ShareUUID // stable per profile: links already handed out keep working
		} else {
			st.ShareUUID = uuid.NewString()
		}
		err := w.DB.PutW9State(ctx, job.Workspace, st, prev)
		if err == nil {
			return Rendered, nil
		}
		if !errors.Is(err, store.ErrW9Stale) {
			return "", err
		}
		if prev, err = w.state(ctx, job.Workspace, job.ProfileID); err != nil {
			return "", err
		}
		if prev != nil && prev.Version >= job.Version {
			return Current, nil // another worker stored it (or a newer one) first
		}
	}
	return "", errors.New("the W-9 state kept moving")
}

func (w *Worker) state(ctx context.Context, ws string, profile int64) (*model.W9State, error) {
	st, err := w.DB.W9State(ctx, ws, profile)
	if errors.Is(err, dynamo.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return &st, nil
}
