package localgw

import (
	"net/http"

	"github.com/tranche-dev/tranche/pkg/account"
	"github.com/tranche-dev/tranche/pkg/app"
	"github.com/tranche-dev/tranche/pkg/documents"
	"github.com/tranche-dev/tranche/pkg/groups"
	"github.com/tranche-dev/tranche/pkg/investments"
	"github.com/tranche-dev/tranche/pkg/investors"
	"github.com/tranche-dev/tranche/pkg/offerings"
	"github.com/tranche-dev/tranche/pkg/profiles"
	"github.com/tranche-dev/tranche/pkg/schedule"
	"github.com/tranche-dev/tranche/pkg/schema"
	"github.com/tranche-dev/tranche/pkg/trades"
	"github.com/tranche-dev/tranche/pkg/users"
	"github.com/tranche-dev/tranche/pkg/webhooks"
	"github.com/tranche-dev/tranche/pkg/workspaces"
)

// Handlers are the functions' handlers by function name: what each
// functions/<name>/main.go gives lambda.Start. A test checks that every
// function of the route table is here.
// A function that needs configuration it lacks fails here, at start-up.
var Handlers = map[string]func(app.Deps) (http.Handler, error){
	"offerings":   plain(offerings.NewHandler),
	"investments": plain(investments.NewHandler),
	"investors":   plain(investors.NewHandler),
	"users":       plain(users.NewHandler),
	"schema":      plain(schema.NewHandler),
	"workspaces":  workspaces.NewHandler,
	"invitations": workspaces.NewInvitationsHandler,
	"webhooks":    func(d app.Deps) (http.Handler, error) { return webhooks.NewHandler(d) },
	"account":     account.NewHandler,
	"trades":      trades.NewHandler,
	"mail":        plain(schedule.NewUnsubscribeHandler),
	"groups":      groups.NewHandler,
	"profiles":    profiles.NewHandler, // seed 002 (issue 13)
	// documents — W-9 signing page (issue 13)
	"documents-web": documents.NewHandler,
}

func plain(f func(app.Deps) http.Handler) func(app.Deps) (http.Handler, error) {
	return func(d app.Deps) (http.Handler, error) { return f(d), nil }
}
