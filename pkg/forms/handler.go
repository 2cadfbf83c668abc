package forms

import (
	"context"
	"net/http"
	"strconv"

	"github.com/tranche-dev/tranche/pkg/apierr"
	"github.com/tranche-dev/tranche/pkg/app"
	"github.com/tranche-dev/tranche/pkg/auth"
	"github.com/tranche-dev/tranche/pkg/filter"
	"github.com/tranche-dev/tranche/pkg/filter/py"
	"github.com/tranche-dev/tranche/pkg/httpapi"
	"github.com/tranche-dev/tranche/pkg/listing"
	"github.com/tranche-dev/tranche/pkg/page"
	"github.com/tranche-dev/tranche/pkg/store"
)

// Function is the Lambda function that serves this group.
const Function = "forms"

// The two route prefixes, one per form kind.
const (
	userDataPrefix   = "/api/user-data-forms/"
	preferencePrefix = "/api/investor-preference-forms/"
)

// NewHandler returns the group's handler (Clerk sessions only). It fails
// when Clerk sessions are not configured, so the function fails at
// start-up.
func NewHandler(deps app.Deps) (http.Handler, error) {
	a, err := auth.NewAuthenticator(deps)
	if err != nil {
		return nil, err
	}
	rt := httpapi.NewRouter(Function)
	rt.Use(a.For)
	addRoutes(rt, NewService(deps.DB))
	return rt.Handler(), nil
}

// addRoutes binds every forms route: the common life cycle once per kind,
// then each kind's own routes.
func addRoutes(rt *httpapi.Router, svc *Service) {
	for _, k := range []struct{ kind, prefix string }{{store.FormUserData, userDataPrefix}, {store.FormPreference, preferencePrefix}} {
		p := k.prefix
		rt.HandleFunc("GET "+p, listing.Handler(formsSpec(svc, k.kind, false)))
		rt.HandleFunc("POST "+p, handleCreate(svc, k.kind))
		rt.HandleFunc("GET "+p+"data/", scoped(listing.Handler(dataSpec(svc, k.kind))))
		rt.HandleFunc("GET "+p+"{id}/", handleGet(svc, k.kind))
		rt.HandleFunc("DELETE "+p+"{id}/", handleDelete(svc, k.kind))
		rt.HandleFunc("PATCH "+p+"{id}/state/", handleSetting(svc, k.kind, "enabled", setEnabled))
		rt.HandleFunc("POST "+p+"{id}/implementations/", handleAssign(svc, k.kind))
		rt.HandleFunc("GET "+p+"{id}/implementations/{user}/", handleImplementation(svc, k.kind))
		rt.HandleFunc("PUT "+p+"{id}/implementations/{user}/", handleSubmit(svc, k.kind))
	}
	rt.HandleFunc("GET "+userDataPrefix+"enabled/", listing.Handler(formsSpec(svc, store.FormUserData, true)))
	rt.HandleFunc("GET "+userDataPrefix+"enabled/me/", parseUserParam(listing.Handler(enabledSpec(svc, store.FormUserData))))
	rt.HandleFunc("GET "+preferencePrefix+"enabled/", parseUserParam(listing.Handler(enabledSpec(svc, store.FormPreference))))
	rt.HandleFunc("PATCH "+preferencePrefix+"{id}/classifications/", handleSetting(svc, store.FormPreference, "classifications", setClassifications))
	rt.HandleFunc("PATCH "+preferencePrefix+"{id}/editable/", handleSetting(svc, store.FormPreference, "editable", setEditable))
	rt.HandleFunc("PATCH "+preferencePrefix+"{id}/enforcement-type/", handleSetting(svc, store.FormPreference, "enforcement_type", setEnforcement))
}

// table wraps rows read per request as a listing source.
func table[R filter.Row](key string, rows []R) *listing.Source[R] {
	return &listing.Source[R]{Table: listing.Table[R]{Key: key, Memo: listing.NoMemo, Rows: func() []R { return rows }}}
}

// formsSpec lists the workspace's forms of a kind (enabled ones only for
// the tenant's enabled list).
func formsSpec(svc *Service, kind string, enabledOnly bool) listing.Spec[formRow, any] {
	return listing.Spec[formRow, any]{
		Set: FormFilters, Pages: page.Numbers,
		Open: func(ctx context.Context, p *auth.Principal) (*listing.Source[formRow], error) {
			fs, err := svc.List(ctx, p, kind, enabledOnly)
			if err != nil {
				return nil, err
			}
			rows := make([]formRow, len(fs))
			for i := range fs {
				rows[i] = formRow{&fs[i]}
			}
			return table("forms", rows), nil
		},
		Render: func(shown []formRow) []any {
			out := make([]any, len(shown))
			for i, r := range shown {
				out[i] = formView(r.f)
			}
			return out
		},
	}
}

// enabledSpec lists the forms enabled for a user (?user=, default the
// caller) with the user's implementations.
func enabledSpec(svc *Service, kind string) listing.Spec[enabledRow, any] {
	return listing.Spec[enabledRow, any]{
		Set: FormFilters, Pages: page.Numbers,
		Open: func(ctx context.Context, p *auth.Principal) (*listing.Source[enabledRow], error) {
			var user *int64
			if v, ok := userParam(ctx); ok {
				if kind == store.FormUserData {
					return nil, apierr.Field("user", "This list is the caller's own; use the preference forms' ?user= or the submitted data.")
				}
				user = &v
			}
			es, err := svc.EnabledFor(ctx, p, kind, user)
			if err != nil {
				return nil, err
			}
			rows := make([]enabledRow, len(es))
			for i := range es {
				rows[i] = enabledRow{es[i], p.Workspace}
			}
			return table("enabled", rows), nil
		},
		Render: func(shown []enabledRow) []any {
			out := make([]any, len(shown))
			for i, r := range shown {
				out[i] = enabledView(r.ws, r.e)
			}
			return out
		},
	}
}

// dataSpec lists every implementation of a kind's forms with answers.
func dataSpec(svc *Service, kind string) listing.Spec[implRow, *ImplementationView] {
	return listing.Spec[implRow, *ImplementationView]{
		Set: DataFilters, Pages: page.Numbers,
		Open: func(ctx context.Context, p *auth.Principal) (*listing.Source[implRow], error) {
			ims, err := svc.Data(ctx, p, kind, dataScope(ctx))
			if err != nil {
				return nil, err
			}
			rows := make([]implRow, len(ims))
			for i := range ims {
				rows[i] = implRow{&ims[i], p.Workspace}
			}
			return table("data", rows), nil
		},
		Render: func(shown []implRow) []*ImplementationView {
			out := make([]*ImplementationView, len(shown))
			for i, r := range shown {
				out[i] = ImplementationOf(r.ws, r.im)
			}
			return out
		},
	}
}

type userParamKey struct{}

// userParam reads ?user= (a positive integer) that withUserParam put in
// ctx.
func userParam(ctx context.Context) (int64, bool) {
	v, ok := ctx.Value(userParamKey{}).(int64)
	return v, ok
}

func handleCreate(svc *Service, kind string) httpapi.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		p, err := auth.Must(r)
		if err != nil {
			return err
		}
		var in DefinitionInput
		if err := httpapi.Decode(w, r, &in); err != nil {
			return err
		}
		f, err := svc.Create(r.Context(), p, kind, in)
		if err != nil {
			return err
		}
		return httpapi.JSON(w, http.StatusCreated, formView(f))
	}
}

func handleGet(svc *Service, kind string) httpapi.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		p, id, err := formTarget(r)
		if err != nil {
			return err
		}
		f, err := svc.Get(r.Context(), p, kind, id)
		if err != nil {
			return err
		}
		return httpapi.JSON(w, http.StatusOK, formView(f))
	}
}

func handleDelete(svc *Service, kind string) httpapi.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		p, id, err := formTarget(r)
		if err != nil {
			return err
		}
		if err := svc.Delete(r.Context(), p, kind, id); err != nil {
			return err
		}
		w.WriteHeader(http.StatusNoContent)
		return nil
	}
}

func handleAssign(svc *Service, kind string) httpapi.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		p, id, err := formTarget(r)
		if err != nil {
			return err
		}
		var in AssignInput
		if err := httpapi.Decode(w, r, &in); err != nil {
			return err
		}
		im, err := svc.Assign(r.Context(), p, kind, id, in)
		if err != nil {
			return err
		}
		return httpapi.JSON(w, http.StatusCreated, ImplementationOf(p.Workspace, im))
	}
}

func handleImplementation(svc *Service, kind string) httpapi.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		p, id, user, err := implementationTarget(r)
		if err != nil {
			return err
		}
		im, err := svc.Implementation(r.Context(), p, kind, id, user)
		if err != nil {
			return err
		}
		return httpapi.JSON(w, http.StatusOK, ImplementationOf(p.Workspace, im))
	}
}

func handleSubmit(svc *Service, kind string) httpapi.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		p, id, user, err := implementationTarget(r)
		if err != nil {
			return err
		}
		var in SubmitInput
		if err := httpapi.Decode(w, r, &in); err != nil {
			return err
		}
		im, err := svc.Submit(r.Context(), p, kind, id, user, in)
		if err != nil {
			return err
		}
		return httpapi.JSON(w, http.StatusOK, ImplementationOf(p.Workspace, im))
	}
}

// parseUserParam is middleware for the enabled lists: ?user= must be a
// positive integer (400 otherwise); it travels in the context to the
// list's Open.
func parseUserParam(h httpapi.HandlerFunc) httpapi.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		if vs, ok := r.URL.Query()["user"]; ok {
			v := vs[len(vs)-1]
			id, err := strconv.ParseInt(v, 10, 64)
			if err != nil || id <= 0 {
				return apierr.Field("user", "A valid integer is required.")
			}
			r = r.WithContext(context.WithValue(r.Context(), userParamKey{}, id))
		}
		return h(w, r)
	}
}

type dataScopeKey struct{}

func dataScope(ctx context.Context) DataScope {
	sc, _ := ctx.Value(dataScopeKey{}).(DataScope)
	return sc
}

// scoped reads a single ?form= or ?user= (a plain positive integer) into
// the context as the submitted data's DataScope, so the list reads only
// that form's or user's implementations. Anything else (several values,
// __in, a malformed value) leaves the scope whole and the FilterSet
// answers it as usual.
func scoped(h httpapi.HandlerFunc) httpapi.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		q := py.ParseQuery(r.URL.RawQuery) // as the FilterSet reads it
		var sc DataScope
		if vs := q["form"]; len(vs) == 1 {
			sc.Form, _ = httpapi.ParseID(vs[0])
		}
		if vs := q["user"]; len(vs) == 1 && sc.Form == 0 {
			sc.User, _ = httpapi.ParseID(vs[0])
		}
		return h(w, r.WithContext(context.WithValue(r.Context(), dataScopeKey{}, sc)))
	}
}

// formTarget is the caller and the form id of a route on one form.
func formTarget(r *http.Request) (*auth.Principal, int64, error) {
	p, err := auth.Must(r)
	if err != nil {
		return nil, 0, err
	}
	id, err := httpapi.PathID(r, "id")
	return p, id, err
}

// implementationTarget is formTarget plus the user of a route on one
// user's implementation of the form.
func implementationTarget(r *http.Request) (*auth.Principal, int64, int64, error) {
	p, id, err := formTarget(r)
	if err != nil {
		return nil, 0, 0, err
	}
	user, err := httpapi.PathID(r, "user")
	return p, id, user, err
}
