package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/guregu/dynamo/v2"

	"github.com/tranche-dev/tranche/pkg/model"
)

// Documents (issue 13): a profile's W-9 is rendered asynchronously. The
// profile write enqueues a document job in its own transaction; the
// documents worker renders the PDF, stores it in S3 and writes the W-9
// state item; the signing page records the signature on that item. Keys
// (doc.go):
//
//	document job  WS#<ws>#DOCJOB    W9#pad(profile)  GSI1 DOCJOBS#PENDING / <enqueued_at>#<ws>#pad(profile) (pending only: sparse)
//	W-9 state     WS#<ws>#DOCUMENT  W9#pad(profile)

// Job statuses.
const (
	W9JobPending = "pending"
	W9JobDone    = "done"
	W9JobFailed  = "failed" // the input cannot be rendered: retrying cannot help; a new profile version replaces it
)

// DocJobsPending is the GSI1 partition of every pending job, of every
// workspace: the one partition key that does not start with WS#. It lives
// only in the index, exists only while a job is pending, and holds ids
// (workspace, profile, version), never tenant data a request could reach:
// no route queries it, only the worker's sweep.
const DocJobsPending = "DOCJOBS#PENDING"

func docJobPK(ws string) string   { return kindPK(ws, "DOCJOB") }
func documentPK(ws string) string { return kindPK(ws, "DOCUMENT") }
func w9SK(profile int64) string   { return "W9#" + padID(profile) }

// w9JobItem is the stored document job. Input is the JSON of
// model.W9Input (TIN masked).
type w9JobItem struct {
	PK         string `dynamo:"PK"`
	SK         string `dynamo:"SK"`
	GSI1PK     string `dynamo:"GSI1PK,omitempty"`
	GSI1SK     string `dynamo:"GSI1SK,omitempty"`
	Input      string `dynamo:"input"`
	Version    int64  `dynamo:"version"`
	Status     string `dynamo:"status"`
	EnqueuedAt string `dynamo:"enqueued_at"` // RFC 3339, UTC, nanoseconds
	DoneAt     string `dynamo:"done_at,omitempty"`
}

// newW9JobItem is the job item of a profile version: what the profile
// write puts in its transaction (a Put: a newer version replaces the job,
// so there is one job per profile).
func newW9JobItem(ws string, in model.W9Input, now time.Time) (w9JobItem, error) {
	b, err := json.Marshal(in)
	if err != nil {
		return w9JobItem{}, err
	}
	at := now.UTC().Format(time.RFC3339Nano)
	return w9JobItem{
		PK: docJobPK(ws), SK: w9SK(in.ProfileID),
		GSI1PK: DocJobsPending, GSI1SK: at + "#" + ws + "#" + padID(in.ProfileID),
		Input: string(b), Version: in.Version, Status: W9JobPending, EnqueuedAt: at,
	}, nil
}

// W9Job is a document job as the worker sees it.
type W9Job struct {
	Workspace  string
	ProfileID  int64
	Version    int64
	Status     string
	EnqueuedAt time.Time
	Input      model.W9Input
}

func (it w9JobItem) job() (W9Job, error) {
	ws, ok := strings.CutPrefix(it.PK, "WS#")
	ws, ok2 := strings.CutSuffix(ws, "#DOCJOB")
	id, err := strconv.ParseInt(strings.TrimPrefix(it.SK, "W9#"), 10, 64)
	if !ok || !ok2 || err != nil {
		return W9Job{}, fmt.Errorf("store: malformed document job key %q/%q", it.PK, it.SK)
	}
	j := W9Job{Workspace: ws, ProfileID: id, Version: it.Version, Status: it.Status}
	if err := json.Unmarshal([]byte(it.Input), &j.Input); err != nil {
		return W9Job{}, fmt.Errorf("store: document job %s/%d: input: %w", ws, id, err)
	}
	if j.EnqueuedAt, err = time.Parse(time.RFC3339Nano, it.EnqueuedAt); err != nil {
		return W9Job{}, fmt.Errorf("store: document job %s/%d: enqueued_at: %w", ws, id, err)
	}
	return j, nil
}

// PutW9Job enqueues the rendering of a profile version's W-9 on its own.
// The profiles code writes the same item (newW9JobItem) inside the
// transaction that saves the profile; this is for tests and repairs.
func (db DocumentStore) PutW9Job(ctx context.Context, ws string, in model.W9Input, now time.Time) error {
	it, err := newW9JobItem(ws, in, now)
	if err != nil {
		return err
	}
	if err := db.table.Put(it).Run(ctx); err != nil {
		return fmt.Errorf("store: put document job: %w", err)
	}
	return nil
}

// PendingW9Jobs returns up to limit pending jobs, oldest first: one Query
// of the sparse GSI1 partition. The index is eventually consistent, so a
// job listed here may be done already; the worker re-reads it (W9Job).
func (db DocumentStore) PendingW9Jobs(ctx context.Context, limit int) ([]W9Job, error) {
	var items []w9JobItem
	err := db.table.Get("GSI1PK", DocJobsPending).Index("GSI1").Limit(limit).All(ctx, &items)
	if err != nil {
		return nil, fmt.Errorf("store: pending document jobs: %w", err)
	}
	out := make([]W9Job, 0, len(items))
	for _, it := range items {
		j, err := it.job()
		if err != nil {
			return nil, err
		}
		out = append(out, j)
	}
	return out, nil
}

// GetW9Job reads a profile's document job (consistent), or
// dynamo.ErrNotFound.
func (db DocumentStore) GetW9Job(ctx context.Context, ws string, profile int64) (W9Job, error) {
	var it w9JobItem
	err := db.table.Get(AttrPK, docJobPK(ws)).Range(AttrSK, dynamo.Equal, w9SK(profile)).Consistent(true).One(ctx, &it)
	if err != nil {
		if errors.Is(err, dynamo.ErrNotFound) {
			return W9Job{}, err
		}
		return W9Job{}, fmt.Errorf("store: document job: %w", err)
	}
	return it.job()
}

// MarkW9JobDone marks the job of a rendered version done: status done and
// the index keys removed, so the sweep stops seeing it. It is conditional
// on the job still being that version: a newer version enqueued meanwhile
// stays pending. Returns whether the job was marked.
func (db DocumentStore) MarkW9JobDone(ctx context.Context, ws string, profile, version int64, now time.Time) (bool, error) {
	err := db.table.Update(AttrPK, docJobPK(ws)).Range(AttrSK, w9SK(profile)).
		Set("status", W9JobDone).Set("done_at", now.UTC().Format(time.RFC3339Nano)).
		Remove("GSI1PK", "GSI1SK").
		If("attribute_exists(PK) AND version = ?", version).Run(ctx)
	if dynamo.IsCondCheckFailed(err) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("store: mark document job done: %w", err)
	}
	return true, nil
}

// MarkW9JobFailed settles a job whose input cannot be rendered: status
// failed, the reason kept, out of the index so the sweep stops retrying
// it; conditional on the version, like MarkW9JobDone.
func (db DocumentStore) MarkW9JobFailed(ctx context.Context, ws string, profile, version int64, reason string, now time.Time) (bool, error) {
	err := db.table.Update(AttrPK, docJobPK(ws)).Range(AttrSK, w9SK(profile)).
		Set("status", W9JobFailed).Set("done_at", now.UTC().Format(time.RFC3339Nano)).Set("failure", reason).
		Remove("GSI1PK", "GSI1SK").
		If("attribute_exists(PK) AND version = ?", version).Run(ctx)
	if dynamo.IsCondCheckFailed(err) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("store: mark document job failed: %w", err)
	}
	return true, nil
}

type w9StateItem struct {
	PK string `dynamo:"PK"`
	SK string `dynamo:"SK"`
	model.W9State
}

// W9State reads a profile's W-9 state (consistent), or dynamo.ErrNotFound
// when no version was generated yet.
func (db DocumentStore) W9State(ctx context.Context, ws string, profile int64) (model.W9State, error) {
	var it w9StateItem
	err := db.table.Get(AttrPK, documentPK(ws)).Range(AttrSK, dynamo.Equal, w9SK(profile)).Consistent(true).One(ctx, &it)
	if err != nil {
		if errors.Is(err, dynamo.ErrNotFound) {
			return model.W9State{}, err
		}
		return model.W9State{}, fmt.Errorf("store: W-9 state: %w", err)
	}
	return it.W9State, nil
}

// ErrW9Stale is PutW9State's answer when the stored state moved: a newer
// (or the same) version is stored, or another writer created it first.
var ErrW9Stale = errors.New("store: the W-9 state moved")

// PutW9State stores a newly generated version. prev is the state the
// caller read (nil: none): the write requires it unchanged (no state, or
// the same share_uuid and version), and st.Version newer, so two workers
// racing on one version leave one state, and an older version never
// replaces a newer one. Replacing the item drops the signature of the
// previous version: a changed form must be signed again.
func (db DocumentStore) PutW9State(ctx context.Context, ws string, st model.W9State, prev *model.W9State) error {
	put := db.table.Put(w9StateItem{PK: documentPK(ws), SK: w9SK(st.ProfileID), W9State: st})
	if prev == nil {
		put = put.If("attribute_not_exists(PK)")
	} else {
		put = put.If("version = ? AND share_uuid = ? AND version < ?", prev.Version, prev.ShareUUID, st.Version)
	}
	err := put.Run(ctx)
	if dynamo.IsCondCheckFailed(err) {
		return ErrW9Stale
	}
	if err != nil {
		return fmt.Errorf("store: put W-9 state: %w", err)
	}
	return nil
}

// ErrW9NotSignable is SignW9's answer when the state is not the document
// the signer saw (regenerated meanwhile) or is signed already.
var ErrW9NotSignable = errors.New("store: the W-9 is signed already or changed")

// SignW9 records a signature: who, when, from where and the hash of the
// document shown. Conditional: not signed yet and the stored document
// still has that hash; otherwise ErrW9NotSignable and nothing changes.
func (db DocumentStore) SignW9(ctx context.Context, ws string, profile int64, name, ip, sha string, at time.Time) error {
	err := db.table.Update(AttrPK, documentPK(ws)).Range(AttrSK, w9SK(profile)).
		Set("signed_at", model.NewTime(at)).Set("signer_name", name).Set("signer_ip", ip).Set("signed_sha256", sha).
		If("attribute_exists(PK) AND attribute_not_exists(signed_at) AND sha256 = ?", sha).Run(ctx)
	if dynamo.IsCondCheckFailed(err) {
		return ErrW9NotSignable
	}
	if err != nil {
		return fmt.Errorf("store: sign W-9: %w", err)
	}
	return nil
}
