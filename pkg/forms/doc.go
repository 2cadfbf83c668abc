// Package forms serves seed 001's user data forms and investor preference
// forms (issue 12) behind Clerk sessions, in the caller's active
// workspace.
//
// A form is a definition: a name and a list of fields, each with a name
// (lower-case identifier, unique in the form), a label, a type (text,
// number, integer, boolean, date, email, choice, multiple_choice), whether
// it is required, and choices (exactly for the two choice types). A
// definition is validated when it is created; its fields never change
// afterwards (answers stay meaningful), only its settings do.
//
// An implementation is one user's copy of a form, holding that user's
// answers; "user" is the workspace's user record (model.User, its integer
// id, model.UserUUID). A caller's own user record is the one whose e-mail
// is the caller's Clerk e-mail. An implementation is created by assigning
// the form to a user (POST …/{id}/implementations/, optionally with
// answers) and answered or re-answered with PUT
// …/{id}/implementations/{user}/. Answers are a JSON object keyed by field
// name, checked against the definition: unknown keys, wrong types and
// choices outside the field's are 400s under "answers"; a required field
// must be answered (except on an optional preference form). A disabled
// form takes no new implementations or answers.
//
// Investor preference forms add:
//   - classifications: the investor classifications that gate the form
//     (Classifications: <investor type>_accredited or
//     <investor type>_non_accredited; see Classify). A user is shown the
//     form, and may be assigned it, only when one of the user's investors
//     has a classification in the set.
//   - editable: whether the user may change submitted answers (a manager
//     may still correct them).
//   - enforcement_type: optional, required or attested (EnforcementTypes:
//     what each enforces is documented on the constants).
//
// Permissions come from the caller's stored membership: view_user reads
// definitions, implementations and submitted data; change_user defines,
// configures, deletes and assigns forms and answers for any user; any
// member reads the forms enabled for themself and answers their own
// implementations. Another workspace's forms are 404.
//
// Deleting a form is refused with 409 while any user holds an
// implementation of it: submitted answers are records of what users said
// and are not deleted with a definition; disable the form instead.
package forms
