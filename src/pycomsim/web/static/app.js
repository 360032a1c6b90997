// The live board page: one WebSocket to the simulator; everything shown comes from its messages,
// and everything sent is one of a few fixed commands (see web/protocol.py).
import { BoardView } from "./board.js";
import { WaveView, formatNs } from "./wave.js";

const $ = (sel) => document.querySelector(sel);
const LEVEL_TEXT = ["0", "1", "z", "x"];
const LEVEL_CLASS = ["low", "high", "floating", "contention"];
const TRIGGERS = { 1: "rising", 2: "falling", 3: "both", 4: "low level", 5: "high level" };
const MAX_CONSOLE_NODES = 3000;

const page = {
  hello: null, state: null, selected: null, board: null, view: null,
  wave: new WaveView($("#wave")), watched: [], rows: new Map(),
};
window.pycomsim = page; // for tests and curious users: the last state the page drew

const ws = new WebSocket(`ws://${location.host}/ws`);
const send = (msg) => { if (ws.readyState === WebSocket.OPEN) ws.send(JSON.stringify(msg)); };

ws.addEventListener("message", (event) => {
  const msg = JSON.parse(event.data);
  if (msg.type === "hello") onHello(msg);
  else if (msg.type === "frame") onFrame(msg);
  else if (msg.type === "error") toast(msg.message);
});
ws.addEventListener("close", () => {
  $("#status").textContent = "disconnected";
  $("#status").className = "status stopped";
});

function onHello(hello) {
  page.hello = hello;
  // the VCD download needs the server's token, which only this page's own origin is told
  $("#vcd").href = `/run.vcd?token=${encodeURIComponent(hello.token)}`;
  const tabs = $("#board-tabs");
  tabs.replaceChildren();
  if (hello.boards.length > 1) {
    for (const b of hello.boards) {
      const tab = document.createElement("button");
      tab.type = "button";
      tab.className = "small tab";
      tab.dataset.board = b.name;
      tab.textContent = b.name;
      tab.addEventListener("click", () => selectBoard(b.name));
      tabs.appendChild(tab);
    }
  }
  selectBoard(hello.boards[0].name);
}

function selectBoard(name) {
  const info = page.hello.boards.find((b) => b.name === name);
  page.selected = name;
  page.board = info;
  document.title = `pycomsim · ${info.sysname}`;
  $("#board-title").textContent = `${info.sysname} “${info.name}”`;
  for (const tab of $("#board-tabs").children) tab.classList.toggle("active", tab.dataset.board === name);
  page.view = new BoardView($("#board-svg"), info, { onPinClick: toggleWatch, onButton: setButton });
  $("#user-button").hidden = !info.expansion;
  buildTable(info.pins);
  page.wave.setPins([]);
  setWatched(info.expansion ? ["P9", "P10"] : ["P9"]);
  if (page.state) drawState(page.state);
}

function onFrame(msg) {
  if (msg.state) {
    page.state = msg.state;
    drawState(msg.state);
  }
  if (msg.log) for (const entry of msg.log) appendLog(entry);
  if (msg.wave && msg.wave_board === page.selected) page.wave.apply(msg.wave, page.state ? page.state.t : 0);
  if (page.state) page.wave.draw(page.state.t);
}

function drawState(s) {
  $("#vtime").textContent = formatNs(s.t);
  $("#rtf").textContent = s.rtf === null ? "–" : `${s.rtf.toFixed(s.rtf < 10 ? 2 : 0)}×`;
  const status = s.paused && s.status === "running" ? "paused" : s.status;
  $("#status").textContent = status;
  $("#status").className = `status ${status.replace(/[^a-z]+/g, "-")}`;
  $("#pause").textContent = s.paused ? "Resume" : "Pause";
  const over = s.status === "reached --until" || s.status === "crashed";
  $("#pause").disabled = over;
  $("#step").disabled = over;
  const speed = $("#speed");
  if (![...speed.options].some((o) => o.value === String(s.speed))) {
    speed.add(new Option(`${s.speed}×`, String(s.speed)));
  }
  speed.value = String(s.speed);
  const b = s.boards[page.selected];
  page.current = b;
  page.view.update(b, new Set(page.watched));
  $("#irq-info").textContent = `callbacks run ${b.irq.runs} · dropped ${b.irq.dropped}` +
    (b.irq.alive ? "" : " · interrupt task dead") + (s.faults ? ` · ${s.faults} faults` : "");
  drawSignals(b.signals, b.parts);
  for (const p of b.pins) {
    const row = page.rows.get(p.name);
    if (!row) continue;
    set(row.mode, p.mode);
    set(row.pull, p.pull || "–");
    set(row.latch, String(p.value));
    set(row.level, LEVEL_TEXT[p.level]);
    row.level.className = `level ${LEVEL_CLASS[p.level]}`;
    set(row.hold, p.hold ? "held" : "–");
    set(row.cb, p.callback ? TRIGGERS[p.trigger] || `trigger ${p.trigger}` : "–");
    for (const [level, btn] of Object.entries(row.drive)) btn.classList.toggle("active", p.driven === level);
  }
}

const escapeHtml = (text) => String(text).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

// PWM outputs, each UART's last bytes, a slider per potentiometer (analog source), and a field per
// value of each part (a DHT's humidity, an HC-SR04's distance) that sets it from now on
function drawSignals(sig, partList) {
  const root = $("#signals");
  if (!sig) return;
  const key = JSON.stringify([sig, partList]);
  if (root.dataset.key === key) return;
  root.dataset.key = key;
  const parts = [];
  for (const [pin, p] of Object.entries(sig.pwm)) {
    parts.push(`<div class="sig">PWM ${pin}: ${p.frequency.toFixed(1)} Hz, duty ${(100 * p.duty).toFixed(1)} % (channel ${p.channel})</div>`);
  }
  for (const [id, u] of Object.entries(sig.uart)) {
    parts.push(`<div class="sig">UART${id}${u.baudrate ? ` ${u.baudrate} baud` : ""}<br>` +
      `<span class="muted">TX</span> <code>${u.tx || "–"}</code><br><span class="muted">RX</span> <code>${u.rx || "–"}</code></div>`);
  }
  for (const a of sig.analog) {
    const slider = a.settable
      ? `<input type="range" min="0" max="3.3" step="0.01" value="${a.volts}" data-pin="${a.pin}" class="pot">`
      : "";
    parts.push(`<div class="sig">${a.pin} ${a.name}: <span class="volts">${a.volts.toFixed(3)} V</span> ${slider}</div>`);
  }
  for (const part of partList || []) {
    const fields = part.values.map((v) =>
      `<label title="${escapeHtml(v.spec)}">${escapeHtml(v.name)} <input type="number" step="any" class="partval" ` +
      `value="${v.value}" data-part="${part.index}" data-quantity="${escapeHtml(v.name)}"> ${escapeHtml(v.unit)}</label>`);
    parts.push(`<div class="sig part">${escapeHtml(part.name)}: ${fields.join(" ")}</div>`);
  }
  const active = document.activeElement;
  if (active && (active.classList.contains("pot") || active.classList.contains("partval"))) return; // the user is editing
  root.innerHTML = parts.length ? parts.join("") : '<p class="muted">no PWM, UART, analog source or part yet</p>';
  for (const input of root.querySelectorAll("input.partval")) {
    input.addEventListener("change", () =>
      send({ type: "part", board: page.selected, part: Number(input.dataset.part),
             quantity: input.dataset.quantity, value: Number(input.value) }));
  }
  for (const input of root.querySelectorAll("input.pot")) {
    input.addEventListener("input", () =>
      send({ type: "analog", board: page.selected, pin: input.dataset.pin, volts: Number(input.value) }));
  }
}

function set(node, text) {
  if (node.textContent !== text) node.textContent = text;
}

function buildTable(pins) {
  const body = $("#pins tbody");
  body.replaceChildren();
  for (const p of pins) {
    const tr = document.createElement("tr");
    tr.dataset.pin = p.name;
    const td = (cls) => { const c = document.createElement("td"); if (cls) c.className = cls; tr.appendChild(c); return c; };
    const name = td("name");
    name.innerHTML = "";
    name.append(p.name, Object.assign(document.createElement("span"), { className: "g", textContent: p.exp_name }));
    if (p.input_only) name.title = "input only: no output driver, no internal pulls";
    const row = { tr, mode: td(), pull: td(), latch: td(), level: td("level"), hold: td(), cb: td(), drive: {} };
    const drive = td("drive");
    for (const [level, label, title] of [["high", "H", "drive high"], ["low", "L", "drive low"], ["release", "Z", "let go"]]) {
      const b = document.createElement("button");
      b.type = "button"; b.textContent = label; b.title = `${title} (like a probe on ${p.name})`;
      b.className = `small drive-${level}`;
      b.addEventListener("click", () => send({ type: "drive", board: page.selected, pin: p.name, level }));
      drive.appendChild(b);
      if (level !== "release") row.drive[level] = b;
    }
    const watch = document.createElement("input");
    watch.type = "checkbox";
    watch.title = `show ${p.name} in the waveform`;
    watch.addEventListener("change", () => toggleWatch(p.name));
    td().appendChild(watch);
    row.watch = watch;
    page.rows.set(p.name, row);
    body.appendChild(tr);
  }
}

function toggleWatch(name) {
  const pins = page.watched.includes(name) ? page.watched.filter((p) => p !== name) : [...page.watched, name];
  setWatched(pins);
}

function setWatched(pins) {
  page.watched = pins;
  page.wave.setPins(pins);
  for (const [name, row] of page.rows) {
    row.watch.checked = pins.includes(name);
    row.tr.classList.toggle("watched", pins.includes(name));
  }
  sendWatch();
  if (page.state && page.state.boards[page.selected]) {
    page.view.update(page.state.boards[page.selected], new Set(pins));
    page.wave.draw(page.state.t);
  }
}

function sendWatch() {
  const resolution = Math.max(1, Math.round(page.wave.windowNs / page.wave.width()));
  send({ type: "watch", board: page.selected, pins: page.watched, resolution_ns: resolution });
}

// ---- the user button: mouse or space bar, held as long as you hold it ----
let buttonDown = false;
function setButton(pressed) {
  if (pressed === buttonDown) return;
  buttonDown = pressed;
  $("#user-button").classList.toggle("active", pressed);
  send({ type: "button", board: page.selected, action: pressed ? "press" : "release" });
}
const ub = $("#user-button");
ub.addEventListener("pointerdown", (e) => { e.preventDefault(); setButton(true); });
ub.addEventListener("pointerup", () => setButton(false));
ub.addEventListener("pointerleave", () => setButton(false));
const typing = (e) => ["INPUT", "SELECT", "TEXTAREA"].includes(e.target.tagName);
document.addEventListener("keydown", (e) => {
  if (e.code !== "Space" || typing(e)) return;
  e.preventDefault();
  if (!e.repeat && page.board && page.board.expansion) setButton(true);
});
document.addEventListener("keyup", (e) => {
  if (e.code !== "Space" || typing(e)) return;
  e.preventDefault();
  setButton(false);
});
window.addEventListener("blur", () => setButton(false));

// ---- run controls ----
$("#pause").addEventListener("click", () => send({ type: page.state && page.state.paused ? "resume" : "pause" }));
$("#step").addEventListener("click", () => send({ type: "step", duration: $("#step-size").value }));
$("#speed").addEventListener("change", (e) => send({ type: "speed", value: Number(e.target.value) }));
$("#window").addEventListener("change", (e) => {
  page.wave.windowNs = Number(e.target.value);
  sendWatch();
  if (page.state) page.wave.draw(page.state.t);
});
$("#clear").addEventListener("click", () => $("#console").replaceChildren());
window.addEventListener("resize", () => { sendWatch(); if (page.state) page.wave.draw(page.state.t); });

// ---- output ----
function appendLog(entry) {
  const con = $("#console");
  const atBottom = con.scrollHeight - con.scrollTop - con.clientHeight < 30;
  const span = document.createElement("span");
  span.className = `log-${entry.kind}`;
  // several boards: each line says whose it is, as the CLI's `name| ` prefix does
  const prefix = page.hello && page.hello.boards.length > 1 && entry.board ? `${entry.board}| ` : "";
  span.textContent = prefix ? entry.text.replace(/^(?=.)/gm, prefix) : entry.text;
  con.appendChild(span);
  while (con.childNodes.length > MAX_CONSOLE_NODES) con.removeChild(con.firstChild);
  if (atBottom) con.scrollTop = con.scrollHeight;
}

let toastTimer = null;
function toast(text) {
  const t = $("#toast");
  t.textContent = text;
  t.classList.add("show");
  clearTimeout(toastTimer);
  toastTimer = setTimeout(() => t.classList.remove("show"), 4000);
}
