// The dashboard: devices with their state, a live chart per reading of the chosen device (with its
// unit) over a chosen time range, CSV export, removal, and a command console listing the device's
// commands. The server pushes every change over the /live WebSocket; when it is unreachable a
// banner says so, the states turn "unknown", and the feed reconnects with a growing delay.
"use strict";
const state = { device: null, devices: [], charts: new Map(), chartKey: "", samples: [], csrf: null, live: null, retryMs: 1000, connected: false };
const $ = (id) => document.getElementById(id);
const ago = (t) => { const s = Math.max(0, Math.round((Date.now() - t) / 1000)); return s < 60 ? `${s} s ago` : `${Math.round(s / 60)} min ago`; };
const rangeMs = () => Number($("range").value);
/** A change's headers: the CSRF token, and the type of a JSON body when there is one (an empty JSON body is refused). */
const headers = (json = true) => ({ ...(json ? { "Content-Type": "application/json" } : {}), "X-CSRF-Token": state.csrf ?? "" });

async function begin() {
  const session = await (await fetch("/api/session")).json();
  if (session.development) $("mode").textContent = "development mode: no login (loopback only)";
  if (!session.authenticated) return showLogin();
  state.csrf = session.csrf;
  $("login").hidden = true;
  $("list").hidden = false;
  connect();
}

function showLogin() {
  $("login").hidden = false;
  $("login").onsubmit = async (event) => {
    event.preventDefault();
    const r = await fetch("/api/login", { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ token: $("token").value }) });
    if (!r.ok) { $("login-error").textContent = (await r.json()).error.message; return; }
    begin();
  };
}

function connect() {
  const ws = new WebSocket(`${location.protocol === "https:" ? "wss" : "ws"}://${location.host}/live`);
  state.live = ws;
  ws.onopen = () => {
    state.connected = true;
    state.retryMs = 1000;
    $("unreachable").hidden = true;
    if (state.device !== null) loadSamples();
  };
  ws.onmessage = (event) => received(JSON.parse(event.data));
  ws.onclose = () => {
    state.connected = false;
    renderDevices(); // every state becomes "unknown"
    $("unreachable").hidden = false;
    $("retry").textContent = `(next try in ${Math.round(state.retryMs / 1000)} s)`;
    setTimeout(async () => {
      // a session that ended (a server restart without development mode) needs a login again
      // a 503 (the cluster cannot tell, Redis away) is "still down", not a logout: try again later
      try {
        const r = await fetch("/api/session");
        if (r.ok) { const s = await r.json(); if (!s.authenticated) return showLogin(); state.csrf = s.csrf; }
      } catch { /* still down */ }
      connect();
    }, state.retryMs);
    state.retryMs = Math.min(state.retryMs * 2, 10_000);
  };
}

function received(message) {
  if (message.type === "devices") {
    state.devices = message.devices;
    if (state.device === null && state.devices.length > 0) choose(state.devices[0].id);
    if (state.device !== null && !state.devices.some((d) => d.id === state.device)) { state.device = null; $("detail").hidden = true; }
    renderDevices();
  } else if (message.type === "samples" && message.device === state.device) {
    state.samples.push(...message.samples);
    drawCharts();
  } else if (message.type === "reply" && message.device === state.device) {
    const line = document.createElement("pre");
    line.textContent = `${new Date().toLocaleTimeString()} ${message.cmd} → ${message.status} ${JSON.stringify(message.reply)}`;
    $("replies").prepend(line);
  }
}

function renderDevices() {
  $("devices").tBodies[0].replaceChildren(...state.devices.map((d) => {
    const row = document.createElement("tr");
    row.dataset.device = d.id;
    if (d.id === state.device) row.className = "selected";
    const status = !state.connected ? "unknown" : d.online ? "online" : "offline";
    const rtt = !state.connected || d.rtt === null ? "unknown" : `${d.rtt} ms`;
    const cells = [d.id, status, ago(d.lastSeen), rtt, d.samples, d.dropped, d.boots];
    row.append(...cells.map((text, i) => {
      const cell = document.createElement("td");
      cell.textContent = String(text);
      if (i === 1) cell.className = status;
      if (i === 2) cell.dataset.lastSeen = String(d.lastSeen);
      return cell;
    }));
    const remove = document.createElement("button");
    remove.className = "remove";
    remove.textContent = "remove";
    remove.title = "forget this device and its samples";
    remove.onclick = (event) => { event.stopPropagation(); removeDevice(d.id); };
    const cell = document.createElement("td");
    cell.append(remove);
    row.append(cell);
    row.onclick = () => choose(d.id);
    return row;
  }));
  const chosen = state.devices.find((d) => d.id === state.device);
  if (chosen) renderCommands(chosen.commands);
  $("updated").textContent = state.connected ? `live since ${new Date().toLocaleTimeString()}` : "";
}

async function removeDevice(id) {
  if (!confirm(`Remove ${id} and all its samples? A device still connected comes back.`)) return;
  const r = await fetch(`/api/devices/${encodeURIComponent(id)}`, { method: "DELETE", headers: headers(false) });
  if (!r.ok) alert(`not removed: ${(await r.json()).error.message}`);
}

function renderCommands(commands) {
  const key = JSON.stringify(commands);
  if ($("cmd").dataset.key === key) return;
  $("cmd").dataset.key = key;
  $("cmd").replaceChildren(...commands.map(([name, args]) => Object.assign(document.createElement("option"), { value: name, textContent: name, title: args })));
  showHint();
}

function showHint() {
  const chosen = state.devices.find((d) => d.id === state.device);
  const entry = chosen?.commands.find(([name]) => name === $("cmd").value);
  $("args-hint").textContent = entry ? (entry[1] ? `args: ${entry[1]}` : "no arguments") : "";
}

function choose(device) {
  state.device = device;
  $("detail").hidden = false;
  $("title").textContent = device;
  $("replies").replaceChildren();
  $("cmd").dataset.key = "";
  renderDevices();
  loadSamples();
}

async function loadSamples() {
  const device = state.device;
  const from = rangeMs() > 0 ? Date.now() - rangeMs() : undefined;
  const query = `limit=10000${from === undefined ? "" : `&from=${from}`}`;
  $("csv").href = `/api/devices/${encodeURIComponent(device)}/samples.csv?${query.replace("limit=10000", "limit=1000000")}`;
  const r = await fetch(`/api/devices/${encodeURIComponent(device)}/samples?${query}`);
  if (!r.ok || device !== state.device) return;
  const data = await r.json();
  state.samples = data.samples;
  buildCharts(data.channels, data.units);
  drawCharts();
}

function buildCharts(channels, units) {
  const key = JSON.stringify([channels, units]);
  if (key === state.chartKey) return;
  state.chartKey = key;
  state.charts.forEach((chart) => chart.destroy());
  state.charts.clear();
  $("charts").replaceChildren();
  channels.forEach((name, c) => {
    const box = document.createElement("div");
    box.className = "chart";
    box.dataset.channel = name;
    $("charts").append(box);
    const label = units[c] ? `${name} (${units[c]})` : name;
    state.charts.set(name, new uPlot({ title: label, width: 420, height: 180, axes: [{}, { size: 80, label: units[c] || "" }],
      series: [{}, { label, stroke: "#2563eb" }] }, [[], []], box));
  });
}

function drawCharts() {
  if (rangeMs() > 0) { const from = Date.now() - rangeMs(); state.samples = state.samples.filter((s) => s.t >= from); }
  if (state.samples.length > 20_000) state.samples = state.samples.slice(-20_000);
  const times = state.samples.map((s) => s.t / 1000);
  [...state.charts.values()].forEach((chart, c) => chart.setData([times, state.samples.map((s) => s.values[c])]));
  $("charts").dataset.points = String(times.length);
}

$("range").onchange = () => loadSamples();
$("cmd").onchange = showHint;
$("console").onsubmit = async (event) => {
  event.preventDefault();
  let args;
  try { args = JSON.parse($("args").value || "{}"); } catch { $("replies").prepend(Object.assign(document.createElement("pre"), { textContent: "arguments are not JSON" })); return; }
  // the reply comes back over the live feed; a failure to reach the server shows here
  try {
    const r = await fetch(`/api/devices/${encodeURIComponent(state.device)}/commands`, { method: "POST", headers: headers(), body: JSON.stringify({ cmd: $("cmd").value, args }) });
    // refused before reaching the device (bad arguments, session): not on the live feed, so shown here
    if ([400, 401, 403, 415].includes(r.status)) {
      $("replies").prepend(Object.assign(document.createElement("pre"), { textContent: `${$("cmd").value} → ${r.status} ${await r.text()}` }));
    }
  } catch (e) {
    $("replies").prepend(Object.assign(document.createElement("pre"), { textContent: `not sent: ${e.message}` }));
  }
};
setInterval(() => document.querySelectorAll("[data-last-seen]").forEach((cell) => { cell.textContent = ago(Number(cell.dataset.lastSeen)); }), 1000);
begin();
