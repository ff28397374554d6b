// The dashboard: devices with their state, a live chart per reading of the chosen device, and a
// command console. It polls the companion server's HTTP API once a second.
"use strict";
const state = { device: null, charts: new Map(), channels: "" };
const $ = (id) => document.getElementById(id);
const ago = (t) => { const s = Math.max(0, Math.round((Date.now() - t) / 1000)); return s < 60 ? `${s} s ago` : `${Math.round(s / 60)} min ago`; };

async function refreshDevices() {
  const devices = await (await fetch("/api/devices")).json();
  const body = $("devices").tBodies[0];
  body.replaceChildren(...devices.map((d) => {
    const row = document.createElement("tr");
    row.dataset.device = d.id;
    if (d.id === state.device) row.className = "selected";
    const cells = [d.id, d.online ? "online" : "offline", ago(d.lastSeen), d.rtt === null ? "–" : `${d.rtt} ms`, d.samples, d.dropped];
    row.append(...cells.map((text, i) => {
      const cell = document.createElement("td");
      cell.textContent = String(text);
      if (i === 1) cell.className = d.online ? "online" : "offline";
      return cell;
    }));
    row.onclick = () => choose(d.id);
    return row;
  }));
  if (state.device === null && devices.length > 0) choose(devices[0].id);
  $("updated").textContent = `updated ${new Date().toLocaleTimeString()}`;
}

function choose(device) {
  state.device = device;
  state.channels = "";
  $("detail").hidden = false;
  $("title").textContent = device;
  refreshSamples();
}

async function refreshSamples() {
  if (state.device === null) return;
  const data = await (await fetch(`/api/devices/${encodeURIComponent(state.device)}/samples?limit=300`)).json();
  if (!data.samples) return;
  const key = data.channels.join(",");
  if (key !== state.channels) { // a new device or new channels: one chart per reading
    state.channels = key;
    state.charts.forEach((chart) => chart.destroy());
    state.charts.clear();
    $("charts").replaceChildren();
    data.channels.forEach((name) => {
      const box = document.createElement("div");
      box.className = "chart";
      box.dataset.channel = name;
      $("charts").append(box);
      state.charts.set(name, new uPlot({ title: name, width: 420, height: 180, axes: [{}, { size: 80 }],
        series: [{}, { label: name, stroke: "#2563eb" }] }, [[], []], box));
    });
  }
  const times = data.samples.map((s) => s.t / 1000);
  data.channels.forEach((name, c) => state.charts.get(name).setData([times, data.samples.map((s) => s.values[c])]));
  $("charts").dataset.points = String(times.length);
}

$("console").onsubmit = async (event) => {
  event.preventDefault();
  let args;
  try { args = JSON.parse($("args").value || "{}"); } catch { $("replies").textContent = "arguments are not JSON\n" + $("replies").textContent; return; }
  const response = await fetch(`/api/devices/${encodeURIComponent(state.device)}/commands`, {
    method: "POST", body: JSON.stringify({ cmd: $("cmd").value, args }),
  });
  const line = `${new Date().toLocaleTimeString()} ${$("cmd").value} → ${response.status} ${await response.text()}`;
  $("replies").textContent = line + "\n" + $("replies").textContent;
};

refreshDevices();
setInterval(() => { refreshDevices().catch(() => undefined); refreshSamples().catch(() => undefined); }, 1000);
