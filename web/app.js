// The classroom page: sliders -> POST /api/runs; poll GET /api/runs/ID and redraw as months
// arrive. window.__labourshift exposes the state for the browser test.
"use strict";
const state = { levers: [], start: "2024-01", months: 0, runs: { A: null, B: null }, draws: 0,
                touched: new Set() };  // B = the scenario with the levers moved since load or reset
window.__labourshift = state;

const PEOPLE = [["unemployment", "unemployed", "#c0392b"], ["reskilling", "reskilling", "#2e86c1"],
                ["founders", "founders", "#27ae60"], ["out_of_labour_force", "left the labour force", "#7f8c8d"]];
const charts = {};

function monthSeconds(start, i) {
  const y = +start.slice(0, 4), m = +start.slice(5, 7) - 1 + i;
  return Date.UTC(y + Math.floor(m / 12), m % 12, 1) / 1000;
}

function makeChart(id, series) {
  const el = document.getElementById(id);
  const big = (u, vals) => vals.map((v) => v == null ? "" : Math.abs(v) >= 1e6 ? (v / 1e6).toFixed(1) + " M"
                                           : v.toLocaleString("en-US"));
  const opts = { width: Math.max(320, el.clientWidth || 420), height: 230, series: [{}, ...series],
                 axes: [{}, { size: 70, values: big }], scales: { x: { time: true } } };
  const data = [[], ...series.map(() => [])];
  charts[id] = { plot: new uPlot(opts, data, el), data };
}

function buildCharts() {
  const ab = (label) => [{ label: label + " A", stroke: "#555", dash: [6, 4], width: 2 },
                         { label: label + " B", stroke: "#c0392b", width: 2 }];
  makeChart("chart-unemployment", ab("unemployment"));
  makeChart("chart-layoffs", ab("AI layoffs"));
  makeChart("chart-longterm", ab("long-term"));
  const people = [];
  for (const [, label, colour] of PEOPLE) {
    people.push({ label: label + " B", stroke: colour, width: 2 });
    people.push({ label: label + " A", stroke: colour, dash: [5, 4], width: 1 });
  }
  makeChart("chart-people", people);
}

function redraw() {
  const A = state.runs.A, B = state.runs.B;
  const n = Math.max(A ? A.values.unemployment_rate.length : 0, B ? B.values.unemployment_rate.length : 0);
  const x = Array.from({ length: n }, (_, i) => monthSeconds(state.start, i));
  const col = (run, name, k = 1) => x.map((_, i) => (run && i < run.values[name].length && run.values[name][i] !== null)
                                                  ? k * run.values[name][i] : null);
  const set = (id, cols) => { charts[id].data = [x, ...cols]; charts[id].plot.setData(charts[id].data); };
  set("chart-unemployment", [col(A, "unemployment_rate", 100), col(B, "unemployment_rate", 100)]);
  set("chart-layoffs", [col(A, "layoffs_ai"), col(B, "layoffs_ai")]);
  set("chart-longterm", [col(A, "long_term_unemployment_share", 100), col(B, "long_term_unemployment_share", 100)]);
  set("chart-people", PEOPLE.flatMap(([name]) => [col(B, name), col(A, name)]));
  state.draws += 1;
}

function status() {
  const part = (k) => { const r = state.runs[k]; return r ? `${k}: ${r.values.unemployment_rate.length}/${state.months} months, ${r.status}` : `${k}: -`; };
  document.getElementById("status").textContent = part("A") + " | " + part("B");
}

async function poll(side) {
  const run = state.runs[side];
  if (!run) return;
  const r = await fetch(`/api/runs/${run.id}?from=${run.values.unemployment_rate.length + 1}`);
  const j = await r.json();
  if (state.runs[side] !== run) return;  // replaced meanwhile
  for (const [name, values] of Object.entries(j.data)) run.values[name].push(...values);
  run.status = j.status;
  if (j.error) document.getElementById("error").textContent = j.error;
  redraw();
  status();
  if (j.status === "running" || run.values.unemployment_rate.length < j.ready) setTimeout(() => poll(side), 120);
}

async function start(side, params) {
  const old = state.runs[side];
  if (old && old.status === "running") fetch(`/api/runs/${old.id}/stop`, { method: "POST" });
  const r = await fetch("/api/runs?" + new URLSearchParams(params).toString(), { method: "POST" });
  const j = await r.json();
  const errorBox = document.getElementById("error");
  if (!r.ok) { errorBox.textContent = j.error; return; }
  errorBox.textContent = "";
  const names = ["unemployment_rate", "long_term_unemployment_share", "layoffs_ai", "hires_rate", "unemployment",
                 "reskilling", "founders", "out_of_labour_force", "fiscal_net_cost"];
  state.runs[side] = { id: j.id, status: "running", values: Object.fromEntries(names.map((n) => [n, []])) };
  poll(side);
}

function settings() {
  const out = {};
  for (const l of state.levers.filter((l) => state.touched.has(l.key))) {
    const input = document.getElementById("lever-" + l.key);
    out[l.key] = l.boolean ? (input.checked ? "true" : "false") : input.value;
  }
  return out;
}

let timer = null;
function changed() {
  clearTimeout(timer);
  timer = setTimeout(() => start("B", settings()), 200);
}

async function main() {
  const j = await (await fetch("/api/levers")).json();
  Object.assign(state, { levers: j.levers, start: j.start, months: j.months });
  document.getElementById("title").textContent = `${j.scenario}: ${j.months} months from ${j.start}`;
  const form = document.getElementById("levers");
  for (const l of j.levers) {
    const label = document.createElement("label");
    label.htmlFor = "lever-" + l.key;
    label.textContent = l.label;
    form.appendChild(label);
    const input = document.createElement("input");
    input.id = "lever-" + l.key;
    input.name = l.key;
    if (l.boolean) {
      input.type = "checkbox";
      input.checked = l.value > 0;
      form.appendChild(input);
    } else {
      Object.assign(input, { type: "range", min: l.min, max: l.max, step: l.step, value: l.value });
      const out = document.createElement("output");
      out.id = "value-" + l.key;
      out.textContent = +l.value.toPrecision(3);
      input.addEventListener("input", () => { out.textContent = input.value; });
      form.appendChild(input);
      form.appendChild(out);
    }
    input.addEventListener("change", () => { state.touched.add(l.key); changed(); });
  }
  document.getElementById("stop").addEventListener("click", () => {
    for (const r of Object.values(state.runs)) if (r && r.status === "running") fetch(`/api/runs/${r.id}/stop`, { method: "POST" });
  });
  document.getElementById("reset").addEventListener("click", () => {
    for (const l of state.levers) {
      const input = document.getElementById("lever-" + l.key);
      if (l.boolean) input.checked = l.value > 0; else input.value = l.value;
      const out = document.getElementById("value-" + l.key);
      if (out) out.textContent = +l.value.toPrecision(3);
    }
    state.touched.clear();
    changed();
  });
  buildCharts();
  await start("A", {});
  await start("B", settings());
}
main();
