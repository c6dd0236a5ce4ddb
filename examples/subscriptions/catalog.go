package main

import "time"

// planID names a plan; the values match the PlanID enum of openapi.yaml.
type planID string

// The plans on offer, cheapest first.
const (
	planBasic planID = "basic"
	planPlus  planID = "plus"
	planPro   planID = "pro"
)

// plan is one entry of the price list.
type plan struct {
	ID                planID
	Name              string
	MonthlyPriceCents int64
	Description       string
}

// plans is the price list, cheapest first.
var plans = []plan{
	{planBasic, "Basic", 0, "The weekly digest."},
	{planPlus, "Plus", 500, "Daily news and the archive."},
	{planPro, "Pro", 1500, "Everything, plus the analyst notes."},
}

// findPlan returns the plan with the id.
func findPlan(id planID) (plan, bool) {
	for _, p := range plans {
		if p.ID == id {
			return p, true
		}
	}
	return plan{}, false
}

// feedItem is one entry of the news feed; MinPlan is the cheapest plan that sees it,
// and "" means everyone, signed in or not.
type feedItem struct {
	ID, Title, Body string
	MinPlan         planID
}

// feed is the whole news feed. Anonymous readers see the public items; a signed-in
// user sees everything their plan includes.
var feed = []feedItem{
	{"welcome", "Welcome to the Subscriptions example", "Sign in to see the news your plan includes.", ""},
	{"digest", "Weekly digest", "The five stories of the week, in two minutes.", planBasic},
	{"daily", "Daily briefing", "Today's news, every morning at seven.", planPlus},
	{"notes", "Analyst notes", "What the numbers of the quarter mean for you.", planPro},
}

// rank orders plans so that a plan includes every cheaper one.
func rank(id planID) int {
	for i, p := range plans {
		if p.ID == id {
			return i
		}
	}
	return -1
}

// feedFor returns the items a reader sees: the public ones when signedIn is false,
// else those included in the plan.
func feedFor(signedIn bool, p planID) []feedItem {
	var out []feedItem
	for _, it := range feed {
		switch {
		case it.MinPlan == "":
			if !signedIn {
				out = append(out, it)
			}
		case signedIn && rank(p) >= rank(it.MinPlan):
			out = append(out, it)
		}
	}
	return out
}

// renewalDay is the first day of the month after now: the day every plan renews.
func renewalDay(now time.Time) time.Time {
	y, m, _ := now.UTC().Date()
	return time.Date(y, m+1, 1, 0, 0, 0, 0, time.UTC)
}
