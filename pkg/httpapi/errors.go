package httpapi

import (
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"strconv"
	"strings"

	"github.com/guregu/dynamo/v2"

	"github.com/tranche-dev/tranche/pkg/apierr"
	"github.com/tranche-dev/tranche/pkg/model"
	"github.com/tranche-dev/tranche/pkg/store"
)

// HandlerFunc is a handler that returns its error for WriteError to render.
type HandlerFunc func(w http.ResponseWriter, r *http.Request) error

// ServeHTTP implements http.Handler.
func (f HandlerFunc) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if err := f(w, r); err != nil {
		WriteError(w, r, err)
	}
}

// WriteError renders err as the contract's error response. It is the only
// place that chooses an error status, and it knows every domain error, so
// that no handler translates one: a lost optimistic-concurrency race or a
// transaction that kept colliding (store.ErrStale, store.ErrBusy) is 409
// naming the route's object, an illegal lifecycle transition or an unmet
// precondition (*model.TransitionError, *model.PreconditionError) is 409
// with its own message, an item that already exists (store.ErrExists) or
// a running-total cap (*store.LimitError) that no service explained is
// 409 too. The domain services (investments, offerings, investors) return
// only these, *apierr.Error and dynamo.ErrNotFound. Internal errors are logged with the request id and
// the client sees nothing of them.
func WriteError(w http.ResponseWriter, r *http.Request, err error) {
	var ae *apierr.Error
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	var tooBig *http.MaxBytesError
	var trans *model.TransitionError
	var pre *model.PreconditionError
	var lim *store.LimitError
	switch {
	case errors.As(err, &ae):
	case errors.Is(err, store.ErrStale), errors.Is(err, store.ErrBusy):
		ae = &apierr.Error{Kind: apierr.Conflict, Detail: "The " + changedObject(r) + " was changed by another request; retry.", Err: err}
	case errors.Is(err, store.ErrEmailTaken):
		// The workspace's user e-mails are unique: DRF's unique error.
		ae = &apierr.Error{Kind: apierr.Invalid, Fields: map[string][]string{"email": {"user with this email already exists."}}, Err: err}
	case errors.Is(err, store.ErrExists):
		ae = &apierr.Error{Kind: apierr.Conflict, Detail: "The " + changedObject(r) + " already exists.", Err: err}
	case errors.As(err, &lim):
		// The investing service explains a running-total refusal as a
		// field error; one that reaches here is still the client's 409.
		ae = &apierr.Error{Kind: apierr.Conflict, Detail: "The " + changedObject(r) + " would exceed the offering's limit: " + lim.Limit + ".", Err: err}
	case errors.As(err, &trans):
		ae = &apierr.Error{Kind: apierr.Conflict, Detail: trans.Error(), Err: err}
	case errors.As(err, &pre):
		ae = &apierr.Error{Kind: apierr.Conflict, Detail: pre.Message, Err: err}
	case errors.As(err, &tooBig):
		ae = &apierr.Error{Kind: apierr.TooLarge, Detail: "Request body is too large.", Err: err}
	case errors.As(err, &syn):
		ae = &apierr.Error{Kind: apierr.Invalid, Detail: "JSON parse error - " + syn.Error(), Err: err}
	case errors.As(err, &typ):
		field := typ.Field
		if field == "" {
			ae = &apierr.Error{Kind: apierr.Invalid, Detail: "JSON parse error - " + typ.Error(), Err: err}
		} else {
			ae = &apierr.Error{Kind: apierr.Invalid, Fields: map[string][]string{field: {"Incorrect type. Expected " + jsonKind(typ.Type.Kind().String()) + "."}}, Err: err}
		}
	case errors.Is(err, dynamo.ErrNotFound):
		ae = apierr.NotFoundError()
	case dynamo.IsCondCheckFailed(err):
		ae = &apierr.Error{Kind: apierr.Conflict, Detail: "The object was changed by another request; retry.", Err: err}
	default:
		ae = apierr.Wrap(err)
	}
	if ae.Kind == apierr.Internal {
		LoggerFrom(r.Context()).ErrorContext(r.Context(), "internal error", slog.String("error", err.Error()))
		writeJSON(w, http.StatusInternalServerError, map[string]string{"detail": "A server error occurred."})
		return
	}
	if ae.Authenticate != "" {
		w.Header().Set("WWW-Authenticate", ae.Authenticate)
	}
	if ae.RetryAfter > 0 {
		w.Header().Set("Retry-After", strconv.Itoa(int((ae.RetryAfter.Seconds())+0.999)))
	}
	if len(ae.Allow) > 0 {
		w.Header().Set("Allow", strings.Join(ae.Allow, ", "))
	}
	var body any
	switch {
	case ae.Body != nil:
		body = ae.Body
	case len(ae.Fields) > 0:
		body = ae.Fields
	default:
		detail := ae.Detail
		if detail == "" {
			detail = http.StatusText(ae.Kind.Status())
		}
		body = map[string]string{"detail": detail}
	}
	b, err := encodeErrors(body)
	writeEncoded(w, ae.Kind.Status(), b, err)
}

// objectNames are the objects the resource collections hold, by the
// collection's path segment.
var objectNames = map[string]string{
	"offerings": "offering", "investments": "investment", "investors": "investor",
	"users": "user", "trades": "trade",
}

// changedObject names the object a request writes, for the 409 of a lost
// race: the first collection of the route's path ("offering" for POST
// /api/offerings/{id}/close/), or "object".
func changedObject(r *http.Request) string {
	path := r.URL.Path
	if _, p, ok := strings.Cut(r.Pattern, " "); ok {
		path = p
	}
	for _, seg := range strings.Split(path, "/") {
		if name, ok := objectNames[seg]; ok {
			return name
		}
	}
	return "object"
}

func jsonKind(goKind string) string {
	switch {
	case strings.HasPrefix(goKind, "int"), strings.HasPrefix(goKind, "uint"), strings.HasPrefix(goKind, "float"):
		return "a number"
	case goKind == "bool":
		return "a boolean"
	case goKind == "string":
		return "a string"
	case goKind == "slice":
		return "a list"
	}
	return "an object"
}
