package documents

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sqs"

	"github.com/tranche-dev/tranche/pkg/app"
)

// Notifier is told that a profile has a new document job (app.Notifier).
// The profiles code calls it after the transaction that enqueued the job;
// its error needs no more than a log line, since the sweep finds the job.
type Notifier = app.Notifier

// message is the body of a queue message: which job to look at. It names
// the job, never its content: the worker reads the job item itself.
type message struct {
	Workspace string `json:"workspace"`
	ProfileID int64  `json:"profile_id"`
}

// NotifierFor returns the notifier a function of deps should use: make
// run's in-process worker (deps.Documents), the SQS queue on AWS
// (DOCUMENTS_QUEUE_URL), or, with neither (tests of other packages), one
// that does nothing: the sweep then picks the job up. It also installs the
// link key of deps (SetLinkKey), so the caller can build embed links.
func NotifierFor(deps app.Deps) Notifier {
	SetLinkKey(deps.Config.DocumentLinkKey)
	switch {
	case deps.Documents != nil:
		return deps.Documents
	case deps.Config.DocumentsQueueURL != "":
		return &SQSNotifier{Client: sqs.NewFromConfig(deps.AWS), QueueURL: deps.Config.DocumentsQueueURL}
	}
	return sweepOnly{}
}

type sweepOnly struct{}

func (sweepOnly) Notify(context.Context, string, int64) error { return nil }

// SQSNotifier sends one message per job to the documents queue.
type SQSNotifier struct {
	Client   *sqs.Client
	QueueURL string
}

// Notify sends the job's message.
func (n *SQSNotifier) Notify(ctx context.Context, ws string, profileID int64) error {
	body, _ := json.Marshal(message{Workspace: ws, ProfileID: profileID})
	_, err := n.Client.SendMessage(ctx, &sqs.SendMessageInput{QueueUrl: aws.String(n.QueueURL), MessageBody: aws.String(string(body))})
	if err != nil {
		return fmt.Errorf("documents: notify: %w", err)
	}
	return nil
}

// Local is the worker of make run, in process: Notify queues the job on a
// channel (never blocking a request: when the channel is full the sweep
// catches up) and Run processes notices as they come and sweeps every
// interval, as the queue and the schedule do on AWS.
type Local struct {
	Worker   *Worker
	Interval time.Duration
	notices  chan message
}

// NewLocal returns the in-process worker.
func NewLocal(w *Worker, interval time.Duration) *Local {
	return &Local{Worker: w, Interval: interval, notices: make(chan message, 256)}
}

// Notify queues a job for Run.
func (l *Local) Notify(_ context.Context, ws string, profileID int64) error {
	select {
	case l.notices <- message{Workspace: ws, ProfileID: profileID}:
	default: // full: the next sweep finds it
	}
	return nil
}

// Run processes notices and sweeps until ctx ends.
func (l *Local) Run(ctx context.Context) {
	tick := time.NewTicker(l.Interval)
	defer tick.Stop()
	l.sweep(ctx)
	for {
		select {
		case <-ctx.Done():
			return
		case m := <-l.notices:
			if _, err := l.Worker.Process(ctx, m.Workspace, m.ProfileID); err != nil && ctx.Err() == nil {
				l.Worker.Log.WarnContext(ctx, "W-9 job left for the sweep", "error", err.Error())
			}
		case <-tick.C:
			l.sweep(ctx)
		}
	}
}

func (l *Local) sweep(ctx context.Context) {
	if _, err := l.Worker.Sweep(ctx); err != nil && ctx.Err() == nil {
		l.Worker.Log.WarnContext(ctx, "W-9 sweep", "error", err.Error())
	}
}

// LambdaHandler is the documents function's handler. It takes both of its
// triggers: an SQS batch (one message per job; a message whose job fails
// is reported in batchItemFailures, so only it is retried and, after the
// queue's receive limit, lands in the dead-letter queue) and the
// EventBridge schedule's event (a sweep).
func (w *Worker) LambdaHandler() func(ctx context.Context, raw json.RawMessage) (any, error) {
	return func(ctx context.Context, raw json.RawMessage) (any, error) {
		var probe struct {
			Records []json.RawMessage `json:"Records"`
		}
		if err := json.Unmarshal(raw, &probe); err == nil && len(probe.Records) > 0 {
			var ev events.SQSEvent
			if err := json.Unmarshal(raw, &ev); err != nil {
				return nil, fmt.Errorf("documents: SQS event: %w", err)
			}
			return w.HandleSQS(ctx, ev), nil
		}
		counts, err := w.Sweep(ctx)
		w.Log.InfoContext(ctx, "W-9 sweep", slog.Any("outcomes", counts))
		return nil, err
	}
}

// HandleSQS processes a batch of job messages.
func (w *Worker) HandleSQS(ctx context.Context, ev events.SQSEvent) events.SQSEventResponse {
	var resp events.SQSEventResponse
	for _, rec := range ev.Records {
		var m message
		err := json.Unmarshal([]byte(rec.Body), &m)
		if err != nil || m.Workspace == "" || m.ProfileID <= 0 {
			// Nothing to retry: a malformed message would fail forever.
			w.Log.ErrorContext(ctx, "documents: malformed queue message dropped", "message_id", rec.MessageId)
			continue
		}
		if _, err := w.Process(ctx, m.Workspace, m.ProfileID); err != nil {
			resp.BatchItemFailures = append(resp.BatchItemFailures, events.SQSBatchItemFailure{ItemIdentifier: rec.MessageId})
		}
	}
	return resp
}

// errNoBlobs is NewWorker's answer when deps have no object store.
var errNoBlobs = errors.New("documents: no object store configured")
