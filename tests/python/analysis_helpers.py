"""Helpers for the report and figure tests: the analysis package on sys.path, small synthetic output
files written with h5py (with the datasets the firm and worker-response models add), PNG and HTML
checks."""
import html.parser
import re
import struct
import sys
from pathlib import Path

import h5py
import numpy as np

from common import ROOT

sys.path.insert(0, str(Path(ROOT) / "analysis"))

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"

# Optional datasets, as other issues add them (docs/outputs.md names the rest).
FIRM_SERIES = {
    "layoffs_demand": "persons/month", "layoffs_automation": "persons/month",
    "layoffs_capex_funding": "persons/month", "layoffs_firm_exit": "persons/month", "layoffs_ai": "persons/month",
    "capex": "USD/month (run-start prices)", "compute_capacity": "GPU-eq", "compute_utilisation": "share", "ai_revenue": "USD/month (run-start prices)",
    "core_revenue": "USD/month (run-start prices)", "wage_bill": "USD/month (run-start prices)", "incidents": "incidents/month",
    "warn_notices": "notices/month", "mean_adoption": "share",
}
WORKER_SERIES = {
    "reskilling": "persons", "founders": "persons", "out_of_labour_force": "persons",
    "reskilling_starts": "persons/month", "reskilling_completions": "persons/month", "exits": "persons/month",
    "entrants": "persons/month", "retirements": "persons/month", "participation_rate": "share",
    "mean_ai_literacy": "share", "ai_wage_premium": "share",
}
BY_CLASS = {"headcount": "persons", "layoffs": "persons/month", "layoffs_ai": "persons/month", "capex": "USD/month (run-start prices)",
            "compute_capacity": "GPU-eq", "ai_revenue": "USD/month (run-start prices)", "wage_bill": "USD/month (run-start prices)",
            "incidents": "incidents/month"}


def write_synthetic(path, scenario="synthetic", reps=3, months=24, start="2025-01", n_occ=6, n_class=3,
                    months_completed=None, firm=True, workers=True, flows=True, seed=0, ai_speed=1.0):
    """A small output file with the layout of docs/outputs.md. months_completed (list, one per
    replication) makes it an interrupted run: complete = 0 and later months NaN. firm / workers /
    flows = False leave out the datasets of the firm model, the worker-response model and
    /reskilling_flows."""
    rng = np.random.default_rng(seed)
    R, M, O, K = reps, months, n_occ, n_class
    t = np.arange(M)
    exposure = np.linspace(0.9, 0.1, O)
    e0 = rng.integers(800, 2000, O).astype(float)
    growth = (0.3 - exposure) * 0.01 * ai_speed
    emp_occ = np.stack([np.stack([e0 * (1 + growth * (m + 1)) + rng.normal(0, 5, O) for m in t]) for _ in range(R)])
    emp_occ = np.round(emp_occ)
    N = e0.sum() / 0.96
    emp = emp_occ.sum(axis=2)
    series = {}
    unemp = N - emp
    series["employment"] = (emp, "persons")
    series["unemployment"] = (unemp, "persons")
    series["labour_force"] = (emp + unemp, "persons")
    series["unemployment_rate"] = (unemp / N, "share")
    series["long_term_unemployed"] = (np.round(unemp * 0.2), "persons")
    series["long_term_unemployment_share"] = (0.2 + 0.002 * t + rng.normal(0, 0.005, (R, M)), "share")
    vac = np.round(0.045 * N * (1 - 4 * (unemp / N - 0.04)) + rng.normal(0, 10, (R, M)))
    series["vacancies"] = (vac, "jobs")
    series["hires"] = (np.round(0.25 * unemp + rng.normal(0, 5, (R, M))), "persons/month")
    series["layoffs"] = (np.round(0.01 * emp + rng.normal(0, 5, (R, M))), "persons/month")
    series["quits"] = (np.round(0.002 * emp), "persons/month")
    series["job_finding_rate"] = (0.25 + rng.normal(0, 0.01, (R, M)), "1/month")
    series["separation_rate"] = (0.012 + rng.normal(0, 0.001, (R, M)), "1/month")
    series["wage_index"] = (1 + 0.0025 * t + 0 * emp, "index, start = 1")
    series["mean_wage"] = (5000 * (1 + 0.0025 * t) + 0 * emp, "USD/month (run-start prices)")
    if firm:
        ai = 0.08 * ai_speed * (1 + t / 6)
        series["layoffs_demand"] = (np.round(0.008 * emp), "persons/month")
        series["layoffs_automation"] = (np.round(0.001 * emp * ai), "persons/month")
        series["layoffs_capex_funding"] = (np.round(0.0008 * emp * ai), "persons/month")
        series["layoffs_firm_exit"] = (np.round(rng.uniform(0, 3, (R, M))), "persons/month")
        series["layoffs_ai"] = (series["layoffs_automation"][0] + series["layoffs_capex_funding"][0], "persons/month")
        series["capex"] = (2e6 * ai_speed * (1 + 0.1 * t) + rng.normal(0, 1e5, (R, M)), "USD/month (run-start prices)")
        series["compute_capacity"] = (100 * (1 + 0.08 * t) + 0 * emp, "GPU-eq")
        series["compute_utilisation"] = (0.8 + 0.005 * t + rng.normal(0, 0.01, (R, M)), "share")
        series["ai_revenue"] = (1e6 * ai_speed * (1 + 0.2 * t) + rng.normal(0, 5e4, (R, M)), "USD/month (run-start prices)")
        series["core_revenue"] = (5e8 + 1e6 * t + 0 * emp, "USD/month (run-start prices)")
        series["wage_bill"] = (emp * 5000, "USD/month (run-start prices)")
        series["incidents"] = (np.round(10 + t + rng.normal(0, 1, (R, M))), "incidents/month")
        series["warn_notices"] = (np.round(rng.uniform(0, 5, (R, M))), "notices/month")
        series["mean_adoption"] = (0.02 + 0.004 * t + 0 * emp, "share")
    if workers:
        series["reskilling"] = (np.round(0.004 * N + 2 * t + 0 * emp), "persons")
        series["founders"] = (np.round(0.002 * N + t + 0 * emp), "persons")
        series["out_of_labour_force"] = (np.round(0.01 * N + 3 * t + 0 * emp), "persons")
        series["reskilling_starts"] = (np.round(5 + rng.uniform(0, 3, (R, M))), "persons/month")
        series["reskilling_completions"] = (np.round(3 + rng.uniform(0, 3, (R, M))), "persons/month")
        series["exits"] = (np.round(rng.uniform(5, 10, (R, M))), "persons/month")
        series["entrants"] = (np.round(rng.uniform(5, 10, (R, M))), "persons/month")
        series["retirements"] = (np.round(rng.uniform(2, 4, (R, M))), "persons/month")
        series["participation_rate"] = (0.63 - 0.0005 * t + 0 * emp, "share")
        series["mean_ai_literacy"] = (0.1 + 0.01 * t + 0 * emp, "share")
        series["ai_wage_premium"] = (0.05 + 0.002 * t + 0 * emp, "share")

    def cut(a):
        a = np.array(a, dtype=float)
        if months_completed is not None:
            for r, m in enumerate(months_completed):
                a[r, m:] = np.nan
        return a

    with h5py.File(path, "w") as f:
        f.attrs["format_version"] = 1
        f.attrs["software"] = "labourshift"
        f.attrs["software_version"] = "test"
        f.attrs["scenario"] = scenario
        f.attrs["seed"] = seed
        f.attrs["replications"] = R
        f.attrs["start_month"] = start
        f.attrs["months"] = M
        f.attrs["threads"] = 1
        f.attrs["workers"] = int(N)
        f.attrs["created"] = "2025-01-01T00:00:00Z"
        f.attrs["complete"] = 0 if months_completed is not None else 1
        f.attrs["months_completed"] = np.array(months_completed if months_completed is not None else [M] * R,
                                               dtype=np.int64)
        f.attrs["wall_seconds"] = 0.1
        f["scenario"] = f"[run]\nname = \"{scenario}\"\n"
        ids = [f"occ{i}" for i in range(O)]
        f["occupations/id"] = np.array(ids, dtype=h5py.string_dtype())
        f["occupations/name"] = np.array([f"Occupation number {i} with a rather long descriptive name (detail)"
                                          for i in range(O)], dtype=h5py.string_dtype())
        f["occupations/exposure"] = exposure
        f["firm_classes/name"] = np.array([f"class{k}" for k in range(K)], dtype=h5py.string_dtype())
        f["firm_classes/employment_share"] = np.full(K, 1.0 / K)

        def put(name, values, unit):
            d = f.create_dataset(name, data=values)
            d.attrs["unit"] = unit
            d.attrs["description"] = f"synthetic {name}"

        for name, (values, unit) in series.items():
            put("series/" + name, cut(values), unit)
        occ = {"employment": (emp_occ, "persons"), "layoffs": (np.round(emp_occ * 0.01), "persons/month"),
               "hires": (np.round(emp_occ * 0.01), "persons/month"), "wage": (5000 + 0 * emp_occ, "USD/month (run-start prices)")}
        for name, (values, unit) in occ.items():
            v = np.array(values, float)
            if months_completed is not None:
                for r, m in enumerate(months_completed):
                    v[r, m:, :] = np.nan
            put("by_occupation/" + name, v, unit)
        put("initial/employment", np.tile(e0, (R, 1)), "persons")
        put("initial/unemployment", np.tile(e0 * 0.04, (R, 1)), "persons")
        if workers:  # hires by months unemployed, falling with the spell
            spell = np.exp(-np.arange(49) / 3.0)
            put("reemployment/ai", np.round(np.tile(40 * spell, (R, 1))), "persons")
            put("reemployment/other", np.round(np.tile(90 * spell, (R, 1))), "persons")
        for name, unit in BY_CLASS.items():
            if not firm and name != "headcount":
                continue
            base = series.get(name, series["employment"])[0]
            v = np.repeat(base[:, :, None] / K, K, axis=2)
            if months_completed is not None:
                for r, m in enumerate(months_completed):
                    v[r, m:, :] = np.nan
            put("by_class/" + name, v, unit)
        trans = rng.integers(0, 50, (R, O, O)).astype(float)
        put("transitions", trans, "persons")
        if flows:
            put("reskilling_flows", rng.integers(0, 20, (R, O, O)).astype(float), "persons")
    return Path(path)


def png_size(path):
    """(width, height) from a PNG's IHDR chunk; raises AssertionError for a non-PNG."""
    data = Path(path).read_bytes()[:24]
    assert data[:8] == PNG_SIGNATURE, f"{path}: not a PNG"
    assert data[12:16] == b"IHDR", f"{path}: no IHDR chunk"
    return struct.unpack(">II", data[16:24])


class _Html(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.refs, self.text, self._skip, self._in_body, self.tags = [], [], 0, False, []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        if tag == "body":
            self._in_body = True
        if tag in ("style", "script", "title", "head"):
            self._skip += 1
        for k, v in attrs:
            if k in ("src", "href") and v:
                self.refs.append(v)

    def handle_endtag(self, tag):
        if tag in ("style", "script", "title", "head"):
            self._skip -= 1

    def handle_data(self, data):
        if self._in_body and not self._skip and data.strip():
            self.text.append(data.strip())


def parse_html(path):
    """(references in src/href, visible text chunks of the body in order, tags seen)."""
    p = _Html()
    p.feed(Path(path).read_text(encoding="utf-8"))
    return p.refs, p.text, p.tags


def local_refs(refs):
    return [r for r in refs if not r.startswith("#")]


def is_external(ref):
    return bool(re.match(r"^[a-z][a-z0-9+.-]*:", ref, re.I)) or ref.startswith("//")
