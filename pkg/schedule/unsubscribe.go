package schedule

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	htmltemplate "html/template"
	"net/http"
	"strconv"
	"strings"
	"sync"

	"github.com/guregu/dynamo/v2"

	"github.com/tranche-dev/tranche/pkg/apierr"
	"github.com/tranche-dev/tranche/pkg/app"
	"github.com/tranche-dev/tranche/pkg/httpapi"
	"github.com/tranche-dev/tranche/pkg/store"
)

// Unsubscribing. Investor-facing mail links to
// <PUBLIC_API_URL>/api/mail/unsubscribe/<token>/ and names the same URL in
// List-Unsubscribe with List-Unsubscribe-Post (RFC 8058 one-click). The
// token is <base64url workspace>.<investor id>.<base64url HMAC-SHA256>,
// keyed by the workspace's mail key (store.MailKey): nothing to look up
// but the key, and no way to opt someone else out. GET shows a page with a
// button, so a link scanner that follows links unsubscribes no one; POST
// (the button, or the mail client's one-click) records the opt-out:
// receive_emails false on the investor, which every reminder respects.

// unsubscribePath is the route of package routes (function "mail").
const unsubscribePath = "/api/mail/unsubscribe/"

func unsubscribeMAC(key []byte, ws string, investor int64) []byte {
	m := hmac.New(sha256.New, key)
	fmt.Fprintf(m, "unsubscribe\x00%s\x00%d", ws, investor)
	return m.Sum(nil)[:16]
}

// UnsubscribeToken is the token of an investor's unsubscribe link.
func UnsubscribeToken(key []byte, ws string, investor int64) string {
	b64 := base64.RawURLEncoding
	return b64.EncodeToString([]byte(ws)) + "." + strconv.FormatInt(investor, 10) + "." + b64.EncodeToString(unsubscribeMAC(key, ws, investor))
}

// maxWorkspaceID bounds the workspace a token names before any read:
// workspace ids are short, and a partition key has at most 2,048 bytes.
const maxWorkspaceID = 128

// errBadToken is any token that does not verify: the route answers 404.
var errBadToken = errors.New("schedule: invalid unsubscribe token")

// verifyUnsubscribe returns the workspace and investor a token names, once
// its MAC verifies under the workspace's key.
func verifyUnsubscribe(ctx context.Context, db *store.DB, token string) (string, int64, error) {
	parts := strings.Split(token, ".")
	if len(parts) != 3 {
		return "", 0, errBadToken
	}
	wsb, err1 := base64.RawURLEncoding.DecodeString(parts[0])
	investor, err2 := strconv.ParseInt(parts[1], 10, 64)
	mac, err3 := base64.RawURLEncoding.DecodeString(parts[2])
	if err1 != nil || err2 != nil || err3 != nil || len(wsb) == 0 || investor <= 0 {
		return "", 0, errBadToken
	}
	ws := string(wsb)
	if len(ws) > maxWorkspaceID {
		return "", 0, errBadToken // longer than any key DynamoDB takes
	}
	key, err := db.ExistingMailKey(ctx, ws)
	if errors.Is(err, dynamo.ErrNotFound) {
		return "", 0, errBadToken // no link was ever made for it
	}
	if err != nil {
		return "", 0, err
	}
	if !hmac.Equal(mac, unsubscribeMAC(key, ws, investor)) {
		return "", 0, errBadToken
	}
	return ws, investor, nil
}

// unsubscribeLinks returns the runner's Unsubscribe: links under base, the
// workspace's key read once per run and workspace.
func unsubscribeLinks(db *store.DB, base string) func(ctx context.Context, ws string, investor int64) (string, error) {
	var mu sync.Mutex
	keys := map[string][]byte{}
	return func(ctx context.Context, ws string, investor int64) (string, error) {
		mu.Lock()
		key, ok := keys[ws]
		mu.Unlock()
		if !ok {
			var err error
			if key, err = db.MailKey(ctx, ws); err != nil {
				return "", err
			}
			mu.Lock()
			keys[ws] = key
			mu.Unlock()
		}
		return base + unsubscribePath + UnsubscribeToken(key, ws, investor) + "/", nil
	}
}

var unsubscribePage = htmltemplate.Must(htmltemplate.New("page").Parse(`<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{.Title}}</title></head>
<body style="font-family:Helvetica,Arial,sans-serif;max-width:480px;margin:48px auto;padding:0 16px;color:#1f2933;">
<h1 style="font-size:20px;">{{.Title}}</h1>
<p>{{.Text}}</p>
{{if .Form}}<form method="post"><input type="hidden" name="List-Unsubscribe" value="One-Click"><button type="submit" style="padding:8px 16px;">Unsubscribe</button></form>{{end}}
</body></html>
`))

// NewUnsubscribeHandler serves the unsubscribe route (function "mail").
func NewUnsubscribeHandler(deps app.Deps) http.Handler {
	rt := httpapi.NewRouter("mail")
	page := func(w http.ResponseWriter, title, text string, form bool) error {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Header().Set("Cache-Control", "no-store")
		return unsubscribePage.Execute(w, struct {
			Title, Text string
			Form        bool
		}{title, text, form})
	}
	verify := func(r *http.Request) (string, int64, error) {
		ws, investor, err := verifyUnsubscribe(r.Context(), deps.DB, r.PathValue("token"))
		if errors.Is(err, errBadToken) {
			return "", 0, apierr.NotFoundError()
		}
		return ws, investor, err
	}
	rt.HandleFunc("GET "+unsubscribePath+"{token}/", func(w http.ResponseWriter, r *http.Request) error {
		if _, _, err := verify(r); err != nil {
			return err
		}
		return page(w, "Unsubscribe from these e-mails?", "You will no longer receive reminders about your investments.", true)
	})
	rt.HandleFunc("POST "+unsubscribePath+"{token}/", func(w http.ResponseWriter, r *http.Request) error {
		ws, investor, err := verify(r)
		if err != nil {
			return err
		}
		if err := deps.DB.OptOutOfEmail(r.Context(), ws, investor); err != nil {
			if errors.Is(err, dynamo.ErrNotFound) {
				return apierr.NotFoundError()
			}
			return err
		}
		deps.Log.InfoContext(r.Context(), "investor unsubscribed from e-mail", "workspace", ws, "investor", investor)
		return page(w, "You are unsubscribed", "You will no longer receive these e-mails.", false)
	})
	return rt.Handler()
}
