// tcpverify explorer: one state at a time, named by its path of action indices in the URL
// (#/path/i,j,k). Everything comes from the JSON API of the same server; nothing is
// fetched from anywhere else.
"use strict";

const $ = (id) => document.getElementById(id);
let current = null; // the View shown
let ahead = [];     // steps undone by "back", redone by "forward"

function pathOf(hash) {
  const m = /^#\/path\/([0-9,]*)$/.exec(hash || "");
  if (!m || m[1] === "") return [];
  return m[1].split(",").map(Number);
}

function go(path) {
  location.hash = "#/path/" + path.join(",");
}

async function api(url, body) {
  const opts = body === undefined ? {} :
    { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) };
  const r = await fetch(url, opts);
  const data = await r.json();
  if (!r.ok) throw new Error(data.error || r.statusText);
  return data;
}

function text(el, s) { el.textContent = s; return el; }
function make(tag, cls, s) {
  const el = document.createElement(tag);
  if (cls) el.className = cls;
  if (s !== undefined) el.textContent = s;
  return el;
}

async function show() {
  $("error").textContent = "";
  let v;
  try {
    v = await api("/api/state?path=" + pathOf(location.hash).join(","));
  } catch (e) {
    $("error").textContent = "cannot show this state: " + e.message;
    return;
  }
  const prev = current;
  current = v;
  if (prev && !(v.path.length === prev.path.length + 1 && v.path.slice(0, -1).join() === prev.path.join())) {
    if (!(ahead.length && v.path.length === prev.path.length - 1)) ahead = [];
  }
  text($("where"), v.path.length ? `step ${v.path.length}: ${v.steps[v.steps.length - 1].label}` : "initial state");
  renderTCB(v);
  renderNetwork(v);
  renderActions(v);
  renderProperties(v);
  renderDiagram(v);
  renderChart(v);
  $("back").disabled = v.path.length === 0;
  $("forward").disabled = ahead.length === 0;
}

const fields = [["state", "state"], ["iss", "ISS"], ["irs", "IRS"], ["snd_una", "SND.UNA"], ["snd_nxt", "SND.NXT"],
  ["rcv_nxt", "RCV.NXT"], ["retries", "retries"], ["passive", "passive"], ["throttled", "throttled"], ["fin_pending", "FIN pending"]];

function renderTCB(v) {
  const body = $("tcb").tBodies[0];
  body.replaceChildren();
  for (const [key, name] of fields) {
    const tr = make("tr");
    tr.append(make("th", "", name));
    for (const side of ["A", "B"]) {
      const val = v.state[side][key];
      const td = make("td", v.changed.includes(side + "." + key) ? "changed" : "", val === undefined ? "–" : String(val));
      td.dataset.field = side + "." + key;
      tr.append(td);
    }
    body.append(tr);
  }
}

function renderNetwork(v) {
  const ul = $("network");
  ul.replaceChildren();
  if (!v.state.network.length) ul.append(make("li", "", "nothing"));
  for (const p of v.state.network) ul.append(make("li", "", p));
  text($("left"), "budgets left: " + v.state.left);
}

function renderActions(v) {
  const ol = $("actions");
  ol.replaceChildren();
  if (!v.actions.length) ol.append(make("li", "", "none: the run ends here"));
  for (const a of v.actions) {
    const li = make("li");
    const b = make("button", "action", a.label);
    b.dataset.index = a.index;
    b.title = a.story;
    b.addEventListener("click", () => { ahead = []; go(v.path.concat(a.index)); });
    li.append(b);
    for (const r of a.rules) li.append(make("span", "rule", `${r.name}: ${r.cite}`));
    li.append(make("span", "rule", "→ " + a.to));
    ol.append(li);
  }
}

function renderProperties(v) {
  const ul = $("properties");
  ul.replaceChildren();
  for (const p of v.properties) {
    const li = make("li", p.violated ? "violated" : "holds",
      `${p.violated ? "✗" : p.holds ? "✓" : "·"} ${p.name} (${p.kind})`);
    li.dataset.property = p.name;
    ul.append(li);
  }
}

// The RFC 9293 states laid out as Figure 5 draws them, roughly.
const layout = {
  "CLOSED": [180, 20], "LISTEN": [180, 60], "SYN-RECEIVED": [70, 100], "SYN-SENT": [290, 100],
  "ESTABLISHED": [180, 140], "FIN-WAIT-1": [70, 180], "CLOSE-WAIT": [290, 180], "FIN-WAIT-2": [70, 220],
  "CLOSING": [180, 220], "LAST-ACK": [290, 220], "TIME-WAIT": [180, 270],
};

function svg(tag, attrs, content) {
  const el = document.createElementNS("http://www.w3.org/2000/svg", tag);
  for (const k in attrs) el.setAttribute(k, attrs[k]);
  if (content !== undefined) el.textContent = content;
  return el;
}

function renderDiagram(v) {
  const d = $("diagram");
  d.replaceChildren();
  for (const [name, [x, y]] of Object.entries(layout)) {
    d.append(svg("rect", { x: x - 50, y: y - 12, width: 100, height: 22, rx: 6, fill: "#f4f4f4", stroke: "#999" }));
    d.append(svg("text", { x, y: y + 4, "text-anchor": "middle", "font-size": 10 }, name));
  }
  for (const [side, dx] of [["A", -58], ["B", 58]]) {
    const at = layout[v.state[side].state];
    if (!at) continue;
    const g = svg("g", { "data-side": side });
    g.append(svg("circle", { cx: at[0] + dx, cy: at[1] - 1, r: 8, class: "marker-" + side }));
    g.append(svg("text", { x: at[0] + dx, y: at[1] + 3, "text-anchor": "middle", "font-size": 10, fill: "white" }, side));
    d.append(g);
  }
}

// The chart: A's and B's lifelines, a row per step; a segment sent is an arrow to the
// row where it is delivered (or to the next row while it is in flight), a call or timer a
// note on its side, a loss a cross.
function renderChart(v) {
  const c = $("msc");
  c.replaceChildren();
  const xa = 140, xb = 620, row = 26, top = 30;
  c.setAttribute("height", top + row * (v.steps.length + 1));
  const defs = svg("defs");
  const m = svg("marker", { id: "arrow", viewBox: "0 0 10 10", refX: 10, refY: 5, markerWidth: 7, markerHeight: 7, orient: "auto-start-reverse" });
  m.append(svg("path", { d: "M 0 0 L 10 5 L 0 10 z" }));
  defs.append(m);
  c.append(defs);
  c.append(svg("text", { x: xa, y: 16, "text-anchor": "middle", "font-weight": "bold" }, "A"));
  c.append(svg("text", { x: xb, y: 16, "text-anchor": "middle", "font-weight": "bold" }, "B"));
  const bottom = top + row * (v.steps.length + 1);
  c.append(svg("line", { x1: xa, y1: top, x2: xa, y2: bottom, class: "lifeline" }));
  c.append(svg("line", { x1: xb, y1: top, x2: xb, y2: bottom, class: "lifeline" }));
  const pending = {}; // segment text -> [x, y] of its sending
  v.steps.forEach((s, i) => {
    const y = top + row * (i + 1);
    const x = s.actor === "B" ? xb : xa;
    if (s.kind === "deliver") {
      const from = pending[s.segment];
      const x1 = x === xa ? xb : xa;
      const y1 = from ? from : y - row / 2;
      c.append(svg("line", { x1, y1, x2: x, y2: y, class: "msg" }));
      c.append(svg("text", { x: (x1 + x) / 2, y: (y1 + y) / 2 - 3, "text-anchor": "middle", "font-size": 10 }, `${i + 1}. ${s.segment}`));
      delete pending[s.segment];
    } else if (s.kind === "lose") {
      c.append(svg("text", { x: (xa + xb) / 2, y, "text-anchor": "middle", "font-size": 10, fill: "#c62828" }, `${i + 1}. ✗ lost ${s.segment}`));
    } else {
      c.append(svg("text", { x: x === xa ? x - 8 : x + 8, y, "text-anchor": x === xa ? "end" : "start", "font-size": 10 }, `${i + 1}. ${s.label}`));
    }
    for (const sent of s.sent || []) {
      pending[sent.replace(/^[AB]->[AB] /, "")] = y;
    }
  });
}

$("back").addEventListener("click", () => {
  if (!current || !current.path.length) return;
  ahead.push(current.path[current.path.length - 1]);
  go(current.path.slice(0, -1));
});
$("forward").addEventListener("click", () => {
  if (!current || !ahead.length) return;
  go(current.path.concat(ahead.pop()));
});
$("restart").addEventListener("click", () => { ahead = []; go([]); });
document.addEventListener("keydown", (e) => {
  if (e.altKey && e.key === "ArrowLeft") $("back").click();
  if (e.altKey && e.key === "ArrowRight") $("forward").click();
});

// ticking shows how long a search or check has run, every second, until done() is called.
function ticking(el, what) {
  const t0 = Date.now();
  text(el, what + "…");
  const id = setInterval(() => text(el, `${what}… ${Math.round((Date.now() - t0) / 1000)} s`), 1000);
  return () => clearInterval(id);
}

$("search").addEventListener("submit", async (e) => {
  e.preventDefault();
  const out = $("searchout");
  const done = ticking(out, "searching");
  try {
    const r = await api("/api/search", { path: current.path, pattern: $("pattern").value.trim(), property: $("property").value });
    if (r.found) {
      text(out, `found ${r.path.length - current.path.length} steps on (${r.states} states, ${r.seconds.toFixed(2)} s)`);
      ahead = [];
      go(r.path);
    } else {
      text(out, r.complete ? `no such state is reachable from here (${r.states} states)` : `not found: ${r.stop} (${r.states} states)`);
    }
  } catch (err) {
    text(out, "search refused: " + err.message);
  } finally {
    done();
  }
});

$("check").addEventListener("click", async () => {
  const ul = $("checkout");
  const status = make("li");
  ul.replaceChildren(status);
  const done = ticking(status, "checking");
  try {
    const r = await api("/api/check", { path: current.path });
    ul.replaceChildren(make("li", "", `${r.states} states${r.complete ? "" : " (incomplete: " + r.stop + ")"}`));
    for (const v of r.verdicts) {
      const li = make("li", v.status === "violated" ? "violated" : "holds", `${v.name}: ${v.status}`);
      if (v.path) {
        const a = make("a", "", " show");
        a.href = "#/path/" + v.path.join(",");
        li.append(a);
      }
      ul.append(li);
    }
  } catch (err) {
    ul.replaceChildren(make("li", "violated", "check refused: " + err.message));
  } finally {
    done();
  }
});

(async function start() {
  try {
    const m = await api("/api/model");
    text($("model"), `variant ${m.variant}`);
    for (const p of m.properties) {
      if (p.kind === "eventually") continue;
      const o = make("option", "", p.name);
      o.value = p.name;
      $("property").append(o);
    }
  } catch (e) {
    $("error").textContent = e.message;
  }
  window.addEventListener("hashchange", show);
  if (!location.hash) go([]); else show();
})();
