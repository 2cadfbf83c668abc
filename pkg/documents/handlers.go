package documents

import (
	"net/http"
	"time"

	"github.com/tranche-dev/tranche/pkg/app"
)

// NewWorker returns the worker of deps (function documents, and make
// run's in-process worker). It needs the bucket.
func NewWorker(deps app.Deps) (*Worker, error) {
	if deps.Blobs == nil {
		return nil, errNoBlobs
	}
	return &Worker{DB: deps.DB, Blobs: deps.Blobs, Log: deps.Log, Now: time.Now}, nil
}

// NewHandler serves the signing page (function documents-web). Without
// the link key every link answers 404 and without the bucket the page
// shows no copy of the document; both are logged at start (the stack sets
// both; tests of other groups build the gateway without them).
func NewHandler(deps app.Deps) (http.Handler, error) {
	var blobs Blobs
	if deps.Blobs != nil {
		blobs = deps.Blobs
	} else {
		deps.Log.Warn("documents-web: no bucket (" + app.EnvBucketName + "): the page shows no copy of the document")
	}
	if len(deps.Config.DocumentLinkKey) == 0 {
		deps.Log.Warn("documents-web: no " + app.EnvDocumentLinkKey + ": no signing link verifies")
	}
	return NewPage(deps.DB, blobs, deps.Log, deps.Config.DocumentLinkKey).Handler(), nil
}
