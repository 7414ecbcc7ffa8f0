"""Headline numbers of a run: means over replications, over the months each replication finished."""
from __future__ import annotations

import warnings

import numpy as np


def month_mean(run, name: str, m: int) -> float:
    """Mean over replications of /series/name at month index m (0-based), finite values only."""
    v = run.s(name)[:, m]
    v = v[np.isfinite(v)]
    return float(v.mean()) if v.size else float("nan")


def run_total(run, name: str) -> float:
    """Sum over the months of each replication (NaN months left out), then mean over replications."""
    v = run.s(name)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        return float(np.nanmean(np.nansum(v, axis=1))) if v.size else float("nan")


def last_index(run) -> int:
    """Index of the last month every replication finished (the last finite month if that is none)."""
    m = run.last_month
    if m <= 0:
        m = run.finite_months()
    return max(0, m - 1)


def _pct(x):
    return "n/a" if not np.isfinite(x) else f"{100 * x:.2f}%"


def _num(x, unit=""):
    if not np.isfinite(x):
        return "n/a"
    a = abs(x)
    if unit.startswith("USD"):
        for f, w in ((1e9, " bn"), (1e6, " m"), (1e3, " k")):
            if a >= f:
                return f"{x / f:,.2f}{w} USD"
        return f"{x:,.0f} USD"
    return f"{x:,.0f}" if a >= 100 else f"{x:,.2f}"


def headline(run) -> list:
    """Rows (label, text, value or (start, end)) for the report's table. Always the unemployment rate
    at start and end, long-term share, total layoffs, AI-attributed layoffs, hires; then whatever
    else the file has."""
    rows = []
    first, last = 0, last_index(run)
    d0, d1 = run.dates[first], run.dates[last]
    span = ", first → last month"
    rows.append(("months (first → last completed)", f"{d0:%Y-%m} → {d1:%Y-%m} ({last + 1} of {run.months})",
                 (first, last)))

    def start_end(name, label, fmt):
        if name in run.series:
            a, b = month_mean(run, name, first), month_mean(run, name, last)
            rows.append((label + span, f"{fmt(a)} → {fmt(b)}", (a, b)))

    def total(name, label):
        if name in run.series:
            t = run_total(run, name)
            rows.append((label, _num(t, run.series[name].unit), t))

    start_end("unemployment_rate", "unemployment rate", _pct)
    start_end("long_term_unemployment_share", "long-term share of the unemployed", _pct)
    total("layoffs", "layoffs over the run (persons)")
    if "layoffs_ai" in run.series:
        total("layoffs_ai", "AI-attributed layoffs over the run (persons)")
    elif "layoffs_automation" in run.series and "layoffs_capex_funding" in run.series:
        t = run_total(run, "layoffs_automation") + run_total(run, "layoffs_capex_funding")
        rows.append(("AI-attributed layoffs over the run (persons)", _num(t), t))
    else:
        rows.append(("AI-attributed layoffs over the run (persons)", "not in this file", float("nan")))
    if "layoffs" in run.series and rows[-1][2] == rows[-1][2] and run_total(run, "layoffs") > 0:
        share = rows[-1][2] / run_total(run, "layoffs")
        rows.append(("AI share of layoffs", _pct(share), share))
    total("hires_from_unemployment", "hires out of unemployment over the run (persons)")
    total("hires", "hires over the run, job-to-job moves included (persons)")
    start_end("employment", "employment (persons)", _num)
    start_end("vacancies", "vacancies (jobs)", _num)
    start_end("wage_index", "wage index", lambda x: f"{x:.3f}")
    for name, label in (("ai_revenue", "AI revenue (per month)"), ("core_revenue", "core revenue (per month)"),
                        ("compute_capacity", "compute capacity (GPU-eq)"),
                        ("compute_utilisation", "compute utilisation")):
        if name in run.series:
            unit = run.series[name].unit
            fmt = _pct if unit == "share" else (lambda x, u=unit: _num(x, u))
            start_end(name, label, fmt)
    total("capex", "capex on compute over the run")
    total("incidents", "AI incidents over the run")
    total("warn_notices", "WARN notices over the run")
    total("ui_benefits", "UI benefits paid over the run (run-start prices)")
    total("fiscal_net_cost", "net fiscal cost over the run (run-start prices)")
    start_end("mean_adoption", "automation adoption", _pct)
    total("reskilling_completions", "reskilling completions over the run (persons)")
    for name, label in (("reskilling", "reskilling (persons)"), ("founders", "founders (persons)"),
                        ("out_of_labour_force", "out of the labour force (persons)")):
        start_end(name, label, _num)
    start_end("participation_rate", "participation rate", _pct)
    start_end("mean_ai_literacy", "mean AI literacy", _pct)
    start_end("ai_wage_premium", "AI wage premium", _pct)
    if not run.missing(["by_occupation/employment", "occupations/exposure"]):
        from .figures import exposed_change
        exp, other, how, n = exposed_change(run)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            a, b = float(np.nanmean(exp[:, last])), float(np.nanmean(other[:, last]))
        rows.append(("employment change by the last month: AI-exposed / other occupations",
                     f"{a:+.2f}% / {b:+.2f}%", (a, b)))
    return rows
