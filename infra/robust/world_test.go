package robust

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	svix "github.com/svix/svix-webhooks/go"

	"github.com/tranche-dev/tranche/infra/localgw"
	"github.com/tranche-dev/tranche/pkg/app"
	"github.com/tranche-dev/tranche/pkg/auth"
	"github.com/tranche-dev/tranche/pkg/auth/sessiontest"
	"github.com/tranche-dev/tranche/pkg/blob/blobtest"
	"github.com/tranche-dev/tranche/pkg/documents"
	"github.com/tranche-dev/tranche/pkg/importer"
	"github.com/tranche-dev/tranche/pkg/importer/sample"
	"github.com/tranche-dev/tranche/pkg/mail/mailtest"
	"github.com/tranche-dev/tranche/pkg/model"
	"github.com/tranche-dev/tranche/pkg/schedule"
	"github.com/tranche-dev/tranche/pkg/store"
	"github.com/tranche-dev/tranche/pkg/store/storetest"
)

// world is one workspace on a fresh table behind the local gateway, with
// the credentials a real client holds: a write-scoped workspace API key,
// a Clerk session of the workspace's owner (a developer, so the devtest
// routes answer), and the Svix secret the webhook route verifies.
type world struct {
	t      *testing.T
	db     *store.DB
	gw     http.Handler
	ws     string
	key    string // Authorization value for key routes
	bearer string // Authorization value for jwt routes
	issuer *sessiontest.Env
	signer *svix.Webhook
	logs   *logCapture
	// ids are the objects the good path names: {id} of each function's
	// routes, and the ids base bodies refer to.
	ids map[string]string
	seq int // makes base bodies' unique values (e-mails, trade ids) unique
}

// sampleInvestments bounds the imported sample: the suite needs a few of
// each object, and a small table keeps the before/after scans cheap.
const sampleInvestments = 12

func newWorld(t *testing.T) *world {
	t.Helper()
	storetest.Endpoint(t)
	db := storetest.New(t)
	ctx := context.Background()

	d, err := importer.Parse(sample.JSON)
	if err != nil {
		t.Fatal(err)
	}
	trimData(d, sampleInvestments)
	ws, err := db.WorkspaceNamed(ctx, "robust")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := importer.Write(ctx, db, ws.ID, d, nil); err != nil {
		t.Fatal(err)
	}

	issuer := sessiontest.New(t)
	deps := issuer.Deps(db)
	logs := &logCapture{}
	deps.Log = slog.New(logs)
	var secret [24]byte
	_, _ = rand.Read(secret[:])
	deps.Config.SvixSecret = "whsec_" + base64.StdEncoding.EncodeToString(secret[:])
	ses := mailtest.Endpoint(t)
	deps.Config.SESEndpointURL, deps.Config.Region = ses, "us-east-1"
	if deps.AWS, err = app.LoadAWS(ctx, app.Config{EndpointURL: ses, Region: "us-east-1"}); err != nil {
		t.Fatal(err)
	}
	// The documents bucket and link key (issue 13): the signing page's
	// routes open a real W-9 (below).
	deps.Blobs = blobtest.New(t)
	deps.Config.DocumentLinkKey = []byte(rand.Text() + rand.Text())
	signer, err := svix.NewWebhook(deps.Config.SvixSecret)
	if err != nil {
		t.Fatal(err)
	}

	// The profiles routes (seed 002) need the accounts scopes; the key's
	// bucket is large enough that the corpus is served, not throttled
	// (pkg/profiles tests the 429).
	deps.Config.TaxKeyFile = filepath.Join(t.TempDir(), "tax-kek")
	deps.Config.ProfilesRate = app.RateLimit{Burst: 1_000_000, Per: time.Minute}
	k, err := auth.MintScoped(ctx, db, ws.ID, auth.ScopeWorkspace, 0, true, "robust", []string{auth.ScopeAccountsWrite}, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	gw, err := localgw.New(deps)
	if err != nil {
		t.Fatal(err)
	}
	const owner = "user_robust_owner"
	if _, err := db.SyncClerkUser(ctx, store.ClerkUser{ClerkID: owner, Email: "owner@robust.test", FirstName: "Robust", EmailVerified: true, IsDeveloper: true}); err != nil {
		t.Fatal(err)
	}
	if _, err := db.PutMembership(ctx, ws.ID, owner, store.RoleOwner, ""); err != nil {
		t.Fatal(err)
	}
	tok, err := issuer.Mint(owner, 24*time.Hour, auth.TokenOptions{SessionID: "sess_robust"})
	if err != nil {
		t.Fatal(err)
	}

	w := &world{
		t: t, db: db, gw: gw, ws: ws.ID, key: k.Secret, bearer: "Bearer " + tok,
		issuer: issuer, signer: signer, logs: logs, ids: map[string]string{},
	}
	w.ids["offering"] = fmt.Sprint(d.Offerings[0].ID)
	w.ids["investment"] = fmt.Sprint(d.Investments[0].ID)
	w.ids["investor"] = fmt.Sprint(d.Investors[0].ID)
	w.ids["user"] = fmt.Sprint(d.Users[0].ID)
	w.ids["company"] = fmt.Sprint(ws.Number)
	w.ids["issuer"] = fmt.Sprint(d.Issuers[0].ID)
	// An invitation of the workspace, so that the invitation route's good
	// path names a real one.
	res := w.send(request{method: "POST", path: "/api/accounts/invitations/", authz: w.bearer,
		body: []byte(`{"email": "invitee@robust.test", "auth_group": 3}`)})
	if res.status != 201 {
		t.Fatalf("setup: invite: %d %s", res.status, res.body)
	}
	var inv struct{ ID string }
	if err := json.Unmarshal(res.body, &inv); err != nil || inv.ID == "" {
		t.Fatalf("setup: invite: %s", res.body)
	}
	w.ids["invitation"] = inv.ID
	// A user group led by the last user, with {user} as a member, for
	// the groups routes' good paths.
	lead := d.Users[len(d.Users)-1].ID
	res = w.send(request{method: "POST", path: "/api/user-groups/", authz: w.bearer,
		body: fmt.Appendf(nil, `{"name": "Robust group", "lead_user": %d, "members": [{"user": %s}]}`, lead, w.ids["user"])})
	if res.status != 201 {
		t.Fatalf("setup: user group: %d %s", res.status, res.body)
	}
	var grp struct{ ID int64 }
	if err := json.Unmarshal(res.body, &grp); err != nil || grp.ID == 0 {
		t.Fatalf("setup: user group: %s", res.body)
	}
	w.ids["usergroup"] = fmt.Sprint(grp.ID)
	// A real unsubscribe link of an investor of the workspace.
	mk, err := db.MailKey(ctx, ws.ID)
	if err != nil {
		t.Fatal(err)
	}
	w.ids["unsubscribe"] = schedule.UnsubscribeToken(mk, ws.ID, d.Investors[0].ID)
	// A US profile (seed 002), so the profile routes' good paths name one.
	res = w.send(request{method: "POST", path: "/api/profiles", authz: w.key, body: []byte(w.fill(baseBodies["POST /api/profiles"]))})
	var prof struct{ ID int64 }
	if res.status != 200 || json.Unmarshal(res.body, &prof) != nil || prof.ID == 0 {
		t.Fatalf("setup: profile: %d %s", res.status, res.body)
	}
	w.ids["profile"] = fmt.Sprint(prof.ID)

	// A generated W-9 and its signing link (the {token} of documents-web;
	// {w9sha} in its base body is the document's hash).
	in := model.W9Input{ProfileID: 1, Version: 1, Name: "Robust Signer", Classification: model.W9Individual,
		Address: "1 Main St", CityStateZIP: "Springfield, NY 10001", TINKind: "ssn", TINLast4: "1234"}
	if err := db.PutW9Job(ctx, ws.ID, in, time.Now()); err != nil {
		t.Fatal(err)
	}
	worker, err := documents.NewWorker(deps)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := worker.Process(ctx, ws.ID, 1); err != nil {
		t.Fatal(err)
	}
	w9, err := db.W9State(ctx, ws.ID, 1)
	if err != nil {
		t.Fatal(err)
	}
	link := documents.EmbedLink("https://robust.test", ws.ID, 1, w9.ShareUUID, time.Now())
	w.ids["w9link"] = strings.TrimSuffix(link[strings.LastIndex(strings.TrimSuffix(link, "/"), "/")+1:], "/")
	w.ids["w9sha"] = w9.SHA256
	return w
}

// request is one HTTP request as the suite sends it: the path and query
// are raw (already escaped, possibly invalid), headers as given.
type request struct {
	method, path, query string
	authz               string // Authorization header; "" sends none
	header              map[string]string
	body                []byte
}

// result is what came back, with what the functions logged at error level
// while serving it (a 500's cause, a recovered panic's stack).
type result struct {
	status   int
	header   http.Header
	body     []byte
	errors   []string
	duration time.Duration
}

// send serves req through the local gateway in-process: the request
// becomes an API Gateway v2 event and reaches the owning function's
// handler through the same adapter as on Lambda.
func (w *world) send(req request) result {
	u := &url.URL{Path: req.path, RawQuery: req.query}
	if p, err := url.PathUnescape(req.path); err == nil {
		u.Path, u.RawPath = p, req.path
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	r := (&http.Request{
		Method: req.method, URL: u, Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1,
		Header: http.Header{}, Host: "api.robust.test", RemoteAddr: "192.0.2.1:1234",
		RequestURI: req.path + "?" + req.query,
	}).WithContext(ctx)
	if req.body != nil {
		r.Body, r.ContentLength = io.NopCloser(bytes.NewReader(req.body)), int64(len(req.body))
		r.Header.Set("Content-Type", "application/json")
	} else {
		r.Body = http.NoBody
	}
	if req.authz != "" {
		r.Header.Set("Authorization", req.authz)
	}
	for k, v := range req.header {
		r.Header.Set(k, v)
	}
	rec := httptest.NewRecorder()
	w.logs.reset()
	start := time.Now()
	func() {
		defer func() {
			// The functions recover their own panics; one that escapes
			// them would kill a Lambda, so it is a failure like a 500.
			if p := recover(); p != nil {
				rec.Code = 599
				w.logs.add(fmt.Sprintf("panic escaped the handler: %v", p))
			}
		}()
		w.gw.ServeHTTP(rec, r)
	}()
	return result{status: rec.Code, header: rec.Header(), body: rec.Body.Bytes(), errors: w.logs.take(), duration: time.Since(start)}
}

// svixHeaders signs body as Clerk's Svix delivery would.
func (w *world) svixHeaders(body []byte) map[string]string {
	w.seq++
	id := fmt.Sprintf("msg_robust_%d", w.seq)
	now := time.Now()
	sig, err := w.signer.Sign(id, now, body)
	if err != nil {
		w.t.Fatal(err)
	}
	return map[string]string{"svix-id": id, "svix-timestamp": fmt.Sprint(now.Unix()), "svix-signature": sig}
}

// logCapture is the functions' slog handler: it keeps the error-level
// records of the request being served, so a 500 is reported with its
// cause.
type logCapture struct {
	mu   sync.Mutex
	recs []string
}

func (l *logCapture) Enabled(_ context.Context, lv slog.Level) bool { return lv >= slog.LevelError }

func (l *logCapture) Handle(_ context.Context, r slog.Record) error {
	var b strings.Builder
	b.WriteString(r.Message)
	r.Attrs(func(a slog.Attr) bool {
		if a.Key != "stack" {
			fmt.Fprintf(&b, " %s=%v", a.Key, a.Value)
		} else {
			b.WriteString(" stack=" + firstFrames(a.Value.String()))
		}
		return true
	})
	l.add(b.String())
	return nil
}

func (l *logCapture) WithAttrs([]slog.Attr) slog.Handler { return l }
func (l *logCapture) WithGroup(string) slog.Handler      { return l }

func (l *logCapture) add(s string) {
	l.mu.Lock()
	l.recs = append(l.recs, s)
	l.mu.Unlock()
}

func (l *logCapture) reset() {
	l.mu.Lock()
	l.recs = nil
	l.mu.Unlock()
}

func (l *logCapture) take() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	out := l.recs
	l.recs = nil
	return out
}

// firstFrames keeps the frames of a panic's stack that are Tranche's own.
func firstFrames(stack string) string {
	var out []string
	for _, line := range strings.Split(stack, "\n") {
		if strings.Contains(line, "tranche/pkg/") && len(out) < 6 {
			out = append(out, strings.TrimSpace(line))
		}
	}
	return strings.Join(out, " | ")
}

// trimData keeps the first n investments of d and the investors, entities and
// users they name.
func trimData(d *importer.Data, n int) {
	if len(d.Investments) > n {
		d.Investments = d.Investments[:n]
	}
	investors, entities, users := map[int64]bool{}, map[int64]bool{}, map[int64]bool{}
	for _, inv := range d.Investments {
		investors[inv.Investor] = true
	}
	var keep []model.Investor
	for _, iv := range d.Investors {
		if investors[iv.ID] {
			keep = append(keep, iv)
			users[iv.User] = true
			for _, e := range []*int64{iv.Entity, iv.IndividualEntity} {
				if e != nil {
					entities[*e] = true
				}
			}
		}
	}
	d.Investors = keep
	var es []model.Entity
	for _, e := range d.Entities {
		if entities[e.ID] {
			es = append(es, e)
		}
	}
	d.Entities = es
	var us []model.User
	for _, u := range d.Users {
		if users[u.ID] {
			us = append(us, u)
		}
	}
	d.Users = us
}
