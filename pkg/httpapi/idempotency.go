package httpapi

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/tranche-dev/tranche/pkg/store"
)

// IdempotencyRecords keeps Idempotency-Key records (store.DB does, in the
// table): Idempotent claims a key before running the request, completes it
// with the answer, or releases it after a server error.
type IdempotencyRecords interface {
	ClaimIdempotency(ctx context.Context, ws, actor, key, fingerprint string, now time.Time) (have *store.IdempotencyRecord, claimed bool, err error)
	CompleteIdempotency(ctx context.Context, ws, actor, key string, status int, contentType string, body []byte) error
	ReleaseIdempotency(ctx context.Context, ws, actor, key string) error
}

// IdempotencyReplayHeader marks a response replayed from the first answer.
const IdempotencyReplayHeader = store.IdempotencyReplayHeader

// Idempotent wraps a POST handler: with an Idempotency-Key header, the
// first request's answer is stored (24 hours), and a retry with the same
// key from the same caller gets that answer again and runs nothing. A key
// reused with a different request is a 422; a retry while the first is
// still running is a 409. Server errors are not stored, so they may be
// retried. who returns the caller's workspace and identity (API key id or
// user); ok false serves the request without idempotency.
func Idempotent(records IdempotencyRecords, who func(*http.Request) (ws, actor string, ok bool), h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		key := strings.TrimSpace(r.Header.Get("Idempotency-Key"))
		ws, actor, ok := who(r)
		if key == "" || !ok {
			h.ServeHTTP(w, r)
			return
		}
		if len(key) > 255 {
			writeRaw(w, http.StatusBadRequest, "application/json", []byte(`{"detail":"Idempotency-Key may not exceed 255 characters."}`+"\n"))
			return
		}
		body, err := io.ReadAll(io.LimitReader(r.Body, 1<<20+1))
		if err != nil {
			writeRaw(w, http.StatusBadRequest, "application/json", []byte(`{"detail":"Could not read the request body."}`+"\n"))
			return
		}
		r.Body = io.NopCloser(bytes.NewReader(body))
		sum := sha256.Sum256(append([]byte(r.Method+" "+r.URL.Path+"?"+r.URL.RawQuery+"\n"), body...))
		fp := hex.EncodeToString(sum[:])
		have, claimed, err := records.ClaimIdempotency(r.Context(), ws, actor, key, fp, time.Now())
		if err != nil {
			writeRaw(w, http.StatusInternalServerError, "application/json", []byte(`{"detail":"A server error occurred."}`+"\n"))
			return
		}
		if !claimed {
			switch {
			case have.Fingerprint != fp:
				writeRaw(w, http.StatusUnprocessableEntity, "application/json", []byte(`{"detail":"Idempotency-Key was already used with a different request."}`+"\n"))
			case !have.Done:
				writeRaw(w, http.StatusConflict, "application/json", []byte(`{"detail":"A request with this Idempotency-Key is still in progress."}`+"\n"))
			default:
				w.Header().Set(IdempotencyReplayHeader, "true")
				writeRaw(w, have.Status, have.ContentType, have.Body)
			}
			return
		}
		rec := &idempotencyRecorder{ResponseWriter: w, status: http.StatusOK}
		h.ServeHTTP(rec, r)
		ctx := context.WithoutCancel(r.Context())
		if rec.status >= 500 {
			_ = records.ReleaseIdempotency(ctx, ws, actor, key)
			return
		}
		_ = records.CompleteIdempotency(ctx, ws, actor, key, rec.status, rec.Header().Get("Content-Type"), rec.buf.Bytes())
	})
}

func writeRaw(w http.ResponseWriter, status int, ctype string, body []byte) {
	if ctype != "" {
		w.Header().Set("Content-Type", ctype)
	}
	w.WriteHeader(status)
	_, _ = w.Write(body)
}

// recorder passes a response through while keeping a copy.
type idempotencyRecorder struct {
	http.ResponseWriter
	status int
	wrote  bool
	buf    bytes.Buffer
}

func (r *idempotencyRecorder) WriteHeader(status int) {
	if !r.wrote {
		r.status, r.wrote = status, true
	}
	r.ResponseWriter.WriteHeader(status)
}

func (r *idempotencyRecorder) Write(b []byte) (int, error) {
	r.wrote = true
	r.buf.Write(b)
	return r.ResponseWriter.Write(b)
}
