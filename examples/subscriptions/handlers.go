package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"mime"
	"net/http"
	"time"

	"github.com/specgate/specgate/examples/subscriptions/api"
	"github.com/specgate/specgate/runtime/auth"
)

// server implements the generated api.ServerInterface. Authentication and roles are
// already enforced by the runtime's guard when a method runs, so the methods only
// read the user from the context.
type server struct {
	users    *userStore
	auth     *auth.Authenticator[user]
	throttle *auth.Throttle
	now      func() time.Time
	log      *slog.Logger
}

var _ api.ServerInterface = (*server)(nil)

// problemBadRequest answers malformed bodies; the shape matches the runtime's
// problems so a client parses every error the same way.
var problemBadRequest = auth.Problem{Status: http.StatusBadRequest, Code: "bad_request", Title: "Bad Request"}

// problemUnsupportedMediaType answers bodies that are not JSON.
var problemUnsupportedMediaType = auth.Problem{Status: http.StatusUnsupportedMediaType, Code: "unsupported_media_type", Title: "Unsupported Media Type"}

// maxBodyBytes caps request bodies; every body of this API is tiny.
const maxBodyBytes = 8 << 10

// Login checks the credentials and starts a session. Wrong email and wrong password
// get the same 401 as any other unauthenticated request.
func (s *server) Login(w http.ResponseWriter, r *http.Request) {
	var req api.LoginRequest
	if !decodeJSON(w, r, &req) {
		return
	}
	if req.Email == "" || req.Password == "" {
		auth.WriteProblem(w, r, problemBadRequest)
		return
	}
	// Throttled per account (known or not, alike) and per client, before bcrypt.
	account, err := normalizeEmail(req.Email)
	if err != nil { // not an email: still counted, under what was sent
		account = req.Email
	}
	if err := s.throttle.Check(r, account); err != nil {
		var te *auth.ThrottledError
		if errors.As(err, &te) {
			s.log.InfoContext(r.Context(), "login throttled", "retry_after", te.RetryAfter)
			auth.WriteThrottled(w, r, te)
			return
		}
		s.sessionError(w, r, "login", err)
		return
	}
	u, err := s.users.authenticate(req.Email, req.Password)
	if err != nil {
		s.log.InfoContext(r.Context(), "login refused", "reason", err)
		if err := s.throttle.Failed(r, account); err != nil {
			s.sessionError(w, r, "login", err)
			return
		}
		auth.WriteProblem(w, r, auth.ProblemUnauthorized)
		return
	}
	if err := s.throttle.Succeeded(r, account); err != nil {
		s.sessionError(w, r, "login", err)
		return
	}
	if err := s.auth.Login(w, r, u.ID); err != nil {
		s.sessionError(w, r, "login", err)
		return
	}
	writeJSON(w, http.StatusOK, apiUser(u))
}

// RefreshSession rotates the refresh token. Pages rarely need it: the guard refreshes
// an expired access token by itself on the next protected call.
func (s *server) RefreshSession(w http.ResponseWriter, r *http.Request) {
	if err := s.auth.Refresh(w, r); err != nil {
		s.sessionError(w, r, "refresh", err)
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(http.StatusNoContent)
}

// Logout revokes the session's refresh-token family and clears the cookies.
func (s *server) Logout(w http.ResponseWriter, r *http.Request) {
	if err := s.auth.Logout(w, r); err != nil {
		s.sessionError(w, r, "logout", err)
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(http.StatusNoContent)
}

// GetMe returns the signed-in user.
func (s *server) GetMe(w http.ResponseWriter, r *http.Request) {
	u, ok := signedIn(w, r)
	if !ok {
		return
	}
	writeJSON(w, http.StatusOK, apiUser(u))
}

// GetSubscriptionInfo returns the signed-in user's subscription.
func (s *server) GetSubscriptionInfo(w http.ResponseWriter, r *http.Request) {
	u, ok := signedIn(w, r)
	if !ok {
		return
	}
	writeJSON(w, http.StatusOK, s.subscription(u))
}

// UpdateSubscription changes the signed-in user's plan.
func (s *server) UpdateSubscription(w http.ResponseWriter, r *http.Request) {
	u, ok := signedIn(w, r)
	if !ok {
		return
	}
	var req api.UpdateSubscriptionRequest
	if !decodeJSON(w, r, &req) {
		return
	}
	if !req.Plan.Valid() {
		auth.WriteProblem(w, r, problemBadRequest)
		return
	}
	u, err := s.users.setPlan(u.ID, planID(req.Plan))
	if err != nil {
		// The guard looked the user up a moment ago; gone now means deleted meanwhile.
		s.log.WarnContext(r.Context(), "set plan", "err", err)
		auth.WriteProblem(w, r, auth.ProblemUnauthorized)
		return
	}
	s.log.InfoContext(r.Context(), "plan changed", "user", u.ID, "plan", u.Plan)
	writeJSON(w, http.StatusOK, s.subscription(u))
}

// ListPlans returns the price list; it is public.
func (s *server) ListPlans(w http.ResponseWriter, r *http.Request) {
	out := make([]api.Plan, 0, len(plans))
	for _, p := range plans {
		out = append(out, apiPlan(p))
	}
	writeJSON(w, http.StatusOK, out)
}

// GetFeed returns the public feed, or the feed of the signed-in user's plan. The route
// is optional: the guard attaches the user when the cookies are valid.
func (s *server) GetFeed(w http.ResponseWriter, r *http.Request) {
	u, ok := auth.UserFrom[user](r.Context())
	f := api.Feed{Personalised: ok, Items: []api.FeedItem{}}
	for _, it := range feedFor(ok, u.Plan) {
		f.Items = append(f.Items, api.FeedItem{Id: it.ID, Title: it.Title, Body: it.Body})
	}
	if ok {
		p, _ := findPlan(u.Plan)
		greeting := fmt.Sprintf("Hello %s, here is what %s includes.", u.Name, p.Name)
		f.Greeting = &greeting
	}
	writeJSON(w, http.StatusOK, f)
}

// ListUsers lists every user; the route needs the admin role.
func (s *server) ListUsers(w http.ResponseWriter, r *http.Request) {
	all := s.users.all()
	out := make([]api.UserSummary, 0, len(all))
	for _, u := range all {
		out = append(out, api.UserSummary{Email: u.Email, Name: u.Name, Roles: u.Roles, Plan: api.PlanID(u.Plan)})
	}
	writeJSON(w, http.StatusOK, out)
}

// GetReport counts the users of each plan, in catalog order. Its route lets in an
// administrator's session or the operator's API key (reportKey, reports:read).
func (s *server) GetReport(w http.ResponseWriter, r *http.Request) {
	var rep api.Report
	rep.Plans = make([]struct {
		Plan  api.PlanID `json:"plan"`
		Users int        `json:"users"`
	}, len(plans))
	for i, p := range plans {
		rep.Plans[i].Plan = api.PlanID(p.ID)
		for _, u := range s.users.all() {
			if u.Plan == p.ID {
				rep.Plans[i].Users++
			}
		}
	}
	writeJSON(w, http.StatusOK, rep)
}

// subscription describes u's subscription.
func (s *server) subscription(u user) api.Subscription {
	p, _ := findPlan(u.Plan)
	return api.Subscription{
		Plan:     apiPlan(p),
		Status:   api.Active,
		RenewsOn: renewalDay(s.now()).Format(time.DateOnly),
	}
}

// sessionError answers a failed session helper with the runtime's problem for it.
func (s *server) sessionError(w http.ResponseWriter, r *http.Request, op string, err error) {
	p, ok := auth.ProblemFor(err)
	if !ok {
		p = auth.ProblemInternal
	}
	s.log.InfoContext(r.Context(), op+" failed", "err", err, "status", p.Status)
	auth.WriteProblem(w, r, p)
}

// signedIn returns the user the guard put into the context. A required route without
// one is a wiring bug; it fails closed with 401.
func signedIn(w http.ResponseWriter, r *http.Request) (user, bool) {
	u, ok := auth.UserFrom[user](r.Context())
	if !ok {
		auth.WriteProblem(w, r, auth.ProblemUnauthorized)
	}
	return u, ok
}

// decodeJSON reads one JSON object of at most maxBodyBytes into dst. It answers 415
// or 400 itself and returns false when the body is not acceptable.
func decodeJSON(w http.ResponseWriter, r *http.Request, dst any) bool {
	mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || mt != "application/json" {
		auth.WriteProblem(w, r, problemUnsupportedMediaType)
		return false
	}
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, maxBodyBytes))
	dec.DisallowUnknownFields()
	if err := dec.Decode(dst); err != nil {
		auth.WriteProblem(w, r, problemBadRequest)
		return false
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		auth.WriteProblem(w, r, problemBadRequest) // trailing data after the object
		return false
	}
	return true
}

// writeJSON writes v as the JSON body. API answers are personal, so never cached.
func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v) // the client went away; nothing left to do
}

// apiUser converts a user to its API shape.
func apiUser(u user) api.User {
	return api.User{Email: u.Email, Name: u.Name, Roles: u.Roles}
}

// apiPlan converts a plan to its API shape.
func apiPlan(p plan) api.Plan {
	return api.Plan{Id: api.PlanID(p.ID), Name: p.Name, MonthlyPriceCents: p.MonthlyPriceCents, Description: p.Description}
}
