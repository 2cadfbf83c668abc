// Package documents renders, stores and signs the W-9 of a profile
// (issue 13).
//
// The profile write enqueues a document job (store doc: WS#<ws>#DOCJOB,
// in the profile's own transaction) and tells a Notifier; the worker
// (function "documents": an SQS message per job, and a sweep every few
// minutes of the jobs still pending, so a lost message only delays)
// renders Form W-9 from the job's model.W9Input with go-pdf/fpdf, puts the
// PDF in S3 under w9/<ws>/<profile>/<version>.pdf, writes the W-9 state
// item (only if its version is newer) and marks the job done (only if it
// is still the version rendered). Every step is idempotent: the PDF's
// bytes depend only on the job, so a retried or raced job writes the same
// object and the conditions leave one state.
//
// The signing page (function "documents-web", AuthNone) is reached by an
// expiring HMAC-signed link (EmbedLink), which the profiles route
// document-share-link hands out. GET shows the document and a form; POST
// records the signature (name, time, IP, the hash of the document shown)
// once, and only for the document still current.
package documents
