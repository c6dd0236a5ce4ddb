// The page of the subscriptions example. It talks to the API with
// credentials: "include" and never touches a token: the server sets, refreshes and
// clears the HttpOnly session cookies.
"use strict";

const api = "/api/v1";
const $ = (id) => document.getElementById(id);

// call fetches an API path and returns {status, body}. Every request carries the
// cookies; JSON bodies are sent as application/json.
async function call(method, path, body) {
  const init = { method, credentials: "include", headers: { Accept: "application/json" } };
  if (body !== undefined) {
    init.headers["Content-Type"] = "application/json";
    init.body = JSON.stringify(body);
  }
  const res = await fetch(api + path, init);
  let data = null;
  if (res.status !== 204) {
    try { data = await res.json(); } catch { data = null; }
  }
  return { status: res.status, body: data };
}

let plans = [];

function text(el, value) { el.textContent = value; }

function price(cents) {
  return cents === 0 ? "free" : "$" + (cents / 100).toFixed(2) + " / month";
}

function showSignedOut(message) {
  document.body.dataset.state = "signed-out";
  $("signed-in").hidden = true;
  $("signed-out").hidden = false;
  text($("status"), message || "");
}

async function showSignedIn(user) {
  document.body.dataset.state = "signed-in";
  $("signed-out").hidden = true;
  $("signed-in").hidden = false;
  text($("user-name"), user.name);
  text($("user-email"), user.email);
  text($("user-roles"), user.roles.join(", "));
  $("admin").hidden = !user.roles.includes("admin");
  await loadSubscription();
  if (user.roles.includes("admin")) await loadAdmin();
}

// sessionEnded handles a 401 from a protected call: the server could not refresh
// the session, so the person signs in again.
function sessionEnded() {
  showSignedOut("Your session has ended. Please sign in again.");
  loadFeed();
}

function renderSubscription(sub) {
  text($("subscription"), sub.plan.name + " (" + price(sub.plan.monthlyPriceCents) + "), " +
    sub.status + ", renews on " + sub.renewsOn);
  $("subscription").dataset.plan = sub.plan.id;
  $("plan-select").value = sub.plan.id;
}

async function loadSubscription() {
  const res = await call("GET", "/subscription_info");
  if (res.status === 401) return sessionEnded();
  if (res.status !== 200) return text($("status"), "Could not load the subscription (" + res.status + ").");
  renderSubscription(res.body);
}

async function loadAdmin() {
  const res = await call("GET", "/admin/users");
  const tbody = $("admin-users");
  tbody.replaceChildren();
  if (res.status !== 200) return;
  for (const u of res.body) {
    const tr = document.createElement("tr");
    for (const v of [u.email, u.name, u.roles.join(", "), u.plan]) {
      const td = document.createElement("td");
      td.textContent = v;
      tr.append(td);
    }
    tbody.append(tr);
  }
}

async function loadFeed() {
  const res = await call("GET", "/feed");
  const list = $("feed");
  list.replaceChildren();
  if (res.status !== 200) return text($("status"), "Could not load the feed (" + res.status + ").");
  text($("feed-badge"), res.body.personalised ? "personalised" : "");
  text($("feed-greeting"), res.body.greeting || "");
  list.dataset.personalised = String(res.body.personalised);
  for (const item of res.body.items) {
    const li = document.createElement("li");
    const b = document.createElement("strong");
    b.textContent = item.title;
    li.append(b, " — " + item.body);
    li.dataset.id = item.id;
    list.append(li);
  }
}

async function loadPlans() {
  const res = await call("GET", "/plans");
  if (res.status !== 200) return;
  plans = res.body;
  const sel = $("plan-select");
  sel.replaceChildren();
  for (const p of plans) {
    const opt = document.createElement("option");
    opt.value = p.id;
    opt.textContent = p.name + " — " + price(p.monthlyPriceCents);
    sel.append(opt);
  }
}

$("login-form").addEventListener("submit", async (ev) => {
  ev.preventDefault();
  $("login-error").hidden = true;
  const res = await call("POST", "/auth/login", { email: $("email").value, password: $("password").value });
  if (res.status !== 200) {
    $("login-error").hidden = false;
    text($("login-error"), res.status === 401 ? "Wrong email or password." : "Sign-in failed (" + res.status + ").");
    return;
  }
  $("password").value = "";
  text($("status"), "");
  await showSignedIn(res.body);
  await loadFeed();
});

$("plan-form").addEventListener("submit", async (ev) => {
  ev.preventDefault();
  const res = await call("PUT", "/subscription", { plan: $("plan-select").value });
  if (res.status === 401) return sessionEnded();
  if (res.status !== 200) return text($("plan-message"), "Could not change the plan (" + res.status + ").");
  renderSubscription(res.body);
  text($("plan-message"), "Plan changed to " + res.body.plan.name + ".");
  await loadFeed();
});

$("sign-out").addEventListener("click", async () => {
  await call("POST", "/auth/logout");
  showSignedOut("You are signed out.");
  await loadFeed();
});

// start shows the signed-in view when the cookies still hold a session.
async function start() {
  await loadPlans();
  const me = await call("GET", "/me");
  if (me.status === 200) await showSignedIn(me.body);
  else showSignedOut();
  await loadFeed();
  document.body.dataset.ready = "true";
}

start();
