// The page of the cross-origin browser test: a single-page app on another origin
// than the API, calling it with axios and withCredentials, as a Vite or React app
// would. It never sees a token; the API's HttpOnly cookies carry the session.
// window.spa is what the Go test calls; each call resolves to
// {status, data, code} with status 0 when the browser let the script read nothing.
"use strict";

const api = new URLSearchParams(location.search).get("api");
const client = axios.create({ baseURL: api + "/api/v1", withCredentials: true, timeout: 10000 });
const $ = (id) => document.getElementById(id);
let seq = 0;

function logRow(method, path, outcome, ok) {
  const tr = document.createElement("tr");
  for (const [v, cls] of [[String(++seq), ""], [method + " " + path, ""], [outcome, ok ? "ok" : "refused"]]) {
    const td = document.createElement("td");
    td.textContent = v;
    if (cls) td.className = cls;
    tr.append(td);
  }
  $("log").append(tr);
}

async function call(method, path, data) {
  try {
    const res = await client.request({ method, url: path, data });
    logRow(method, path, String(res.status), true);
    return { status: res.status, data: res.data };
  } catch (err) {
    if (err.response) { // the server answered and CORS let the page read it
      const code = err.response.data && err.response.data.code;
      logRow(method, path, err.response.status + " " + (code || ""), false);
      return { status: err.response.status, data: err.response.data, code };
    }
    logRow(method, path, "unreadable (" + err.code + ")", false);
    return { status: 0, code: err.code || String(err) };
  }
}

function show(user, plan) {
  $("signed-out").hidden = !!user;
  $("signed-in").hidden = !user;
  if (user) $("user-name").textContent = user.name;
  if (plan) {
    $("plan").textContent = plan.name;
    $("plan").dataset.plan = plan.id;
    $("plan-select").value = plan.id;
  }
}

window.spa = {
  async login(email, password) {
    const r = await call("POST", "/auth/login", { email, password });
    if (r.status === 200) {
      show(r.data);
      await window.spa.subscription();
    }
    return r;
  },
  me: () => call("GET", "/me"),
  async subscription() {
    const r = await call("GET", "/subscription_info");
    if (r.status === 200) show({ name: $("user-name").textContent }, r.data.plan);
    return r;
  },
  async setPlan(plan) {
    const r = await call("PUT", "/subscription", { plan });
    if (r.status === 200) show({ name: $("user-name").textContent }, r.data.plan);
    return r;
  },
  async logout() {
    const r = await call("POST", "/auth/logout");
    if (r.status === 204) show(null);
    return r;
  },
};

$("login-form").addEventListener("submit", (ev) => {
  ev.preventDefault();
  window.spa.login($("email").value, $("password").value);
});
$("plan-form").addEventListener("submit", (ev) => {
  ev.preventDefault();
  window.spa.setPlan($("plan-select").value);
});
$("sign-out").addEventListener("click", () => window.spa.logout());

$("page-origin").textContent = location.origin;
$("api-origin").textContent = api;
$("axios-version").textContent = axios.VERSION;
document.body.dataset.ready = "true";
