"""One function per figure. Each takes a list of runs (one file, or several to compare scenarios)
and an output folder, and returns a FigureResult: the saved files (PNG, plus SVG for the main
figures), a title and caption, the legend labels, or no files and a note when the data the figure
needs is missing.

Conventions: time series show the median over replications with the 5-95% range shaded when a
file has more than one replication; months never reached (NaN) are not drawn; with several runs
every chart overlays them, each with its own colour, line style and marker, labelled by
`Run.label` (the `scenario` attribute, or the file stem when two files share a scenario name).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from . import style
from .style import plt

style.apply()

# Which part of the model writes an optional dataset: named in the note of a skipped chart.
FIRM_MODEL = "the firm model was not run"
WORKER_MODEL = "the worker-response model was not run"
_FIRM = {"layoffs_demand", "layoffs_automation", "layoffs_capex_funding", "layoffs_firm_exit", "layoffs_ai",
         "capex", "compute_capacity", "compute_utilisation", "ai_revenue", "core_revenue", "wage_bill",
         "incidents", "warn_notices", "mean_adoption"}
_WORKER = {"reskilling", "founders", "out_of_labour_force", "reskilling_starts", "reskilling_completions", "exits",
           "entrants", "retirements", "participation_rate", "mean_ai_literacy", "ai_wage_premium",
           "reskilling_flows"}

REASONS = [  # (series, legend text, AI-attributed)
    ("layoffs_demand", "demand (core business)", False),
    ("layoffs_firm_exit", "firm closed", False),
    ("layoffs_automation", "AI: automation", True),
    ("layoffs_capex_funding", "AI: funding compute (capex)", True),
]
STATUSES = [  # (series, legend text)
    ("employment", "employed"),
    ("unemployment", "unemployed"),
    ("reskilling", "reskilling"),
    ("founders", "founder"),
    ("out_of_labour_force", "out of the labour force"),
]


@dataclass
class FigureResult:
    key: str
    title: str
    caption: str = ""
    files: list = field(default_factory=list)
    note: str | None = None
    legend_labels: list = field(default_factory=list)

    @property
    def skipped(self) -> bool:
        return not self.files

    @property
    def png(self):
        return self.files[0] if self.files else None


# --- helpers ----------------------------------------------------------------------------------
def why(path: str) -> str:
    name = path.strip("/").split("/")[-1]
    if name in _WORKER:
        return f" ({WORKER_MODEL})"
    if name in _FIRM or path.strip("/").startswith("by_class/") and name != "headcount":
        return f" ({FIRM_MODEL})"
    return ""


def missing_note(runs, paths) -> str:
    """'skipped: this file has no /series/capex (the firm model was not run)'."""
    for r in runs:
        gone = r.missing(paths)
        if gone:
            names = ", ".join(gone[:3]) + (f" and {len(gone) - 3} more" if len(gone) > 3 else "")
            if len(runs) == 1:
                who = "this file has no"
            elif all(x.missing([gone[0][1:]]) for x in runs):
                who = "none of the files has"
            else:
                who = f"{r.path.name} has no"
            return f"skipped: {who} {names}{why(gone[0])}"
    return "skipped"


def _with(runs, paths):
    """The runs that have every path, and a note naming those left out."""
    keep = [r for r in runs if not r.missing(paths)]
    left = [r for r in runs if r.missing(paths)]
    note = ""
    if left and keep:
        gone = left[0].missing(paths)[0]
        note = " Not shown: " + ", ".join(r.label for r in left) + f" (no {gone}{why(gone)})."
    return keep, note


def legend_labels(fig) -> list:
    labels = []
    for leg in list(fig.legends) + [ax.get_legend() for ax in fig.axes]:
        if leg is not None:
            labels += [t.get_text() for t in leg.get_texts()]
    return labels


def _dates_of(runs):
    return max((r.dates for r in runs), key=len)


def _band_note(runs) -> str:
    reps = sorted({r.replications for r in runs})
    if max(reps) > 1:
        n = "/".join(str(x) for x in reps)
        few = (" With fewer than 8 replications the band is close to their range, not a confidence "
               "interval: run with --replications 8 or more to read it as one.") if min(reps) < 8 else ""
        return f" Lines: median of {n} replications; shaded: 5-95% range across replications." + few
    return " One replication: no ensemble band."


def _band_handle(runs):
    from matplotlib.patches import Patch
    if any(r.replications > 1 for r in runs):
        return [Patch(facecolor=style.GREY, alpha=0.3, label="5-95% of replications")]
    return []


def _legend(ax, runs, extra=(), loc="best", **kw):
    handles, labels = ax.get_legend_handles_labels()
    handles += list(extra) + _band_handle(runs)
    ax.legend(handles=handles, loc=loc, frameon=False, **kw)


def _figure_legend(fig, handles, runs, ncol=None, y=-0.02):
    handles = list(handles) + _band_handle(runs)
    fig.legend(handles=handles, loc="upper center", bbox_to_anchor=(0.5, y), frameon=False,
               ncol=ncol or min(len(handles), 4))


def _saved(fig, title, outdir, key, svg=False):
    """Title, layout and files of a finished figure: returns (files, legend labels)."""
    _title(fig, title)
    fig.tight_layout()
    labels = legend_labels(fig)
    return style.save(fig, outdir, key, svg=svg), labels


def _title(fig, text):
    fig.suptitle(text, fontweight="bold", x=0.01, ha="left")


def _unit(r, path, default=""):
    try:
        return r.unit(path) or default
    except KeyError:
        return default


def short_name(name: str, width: int = 40) -> str:
    """Occupation name for an axis label: without parentheses, cut at a word near `width`."""
    n = name.split(" (")[0].strip()
    if len(n) <= width:
        return n
    cut = n[:width].rsplit(" ", 1)[0].rstrip(",&/ ")
    return cut + "…"


def last_finite(values: np.ndarray):
    """Per replication, the last month index with finite values (-1 when none) of [R x M x ...]."""
    ok = np.isfinite(values).reshape(values.shape[0], values.shape[1], -1).all(axis=2)
    out = np.full(values.shape[0], -1)
    for r in range(values.shape[0]):
        idx = np.nonzero(ok[r])[0]
        if idx.size:
            out[r] = idx.max()
    return out


def employment_start_end(run):
    """Employment by occupation at the start (the initial state when the file has /initial) and at
    the last month each replication finished: two arrays [R x O] (rows with no finished month NaN)."""
    emp = run.by_occupation["employment"].values
    start = run.initial["employment"].values if "employment" in run.initial else emp[:, 0, :]
    last = last_finite(emp)
    end = np.full(start.shape, np.nan)
    for r, m in enumerate(last):
        if m >= 0:
            end[r] = emp[r, m]
    return start, end


def exposed_mask(run):
    """(bool [O], description). The file's /occupations/exposed when it has one, else the most
    exposed occupations that together hold the top third of initial employment."""
    if run.exposed is not None and run.exposed.any():
        return run.exposed, "occupations flagged in /occupations/exposed"
    start, _ = employment_start_end(run)
    w = np.nanmean(start, axis=0)
    order = np.argsort(-run.exposure, kind="stable")
    mask = np.zeros(len(w), bool)
    total, acc = w.sum(), 0.0
    for o in order:
        if acc >= total / 3:
            break
        mask[o] = True
        acc += w[o]
    return mask, "the most AI-exposed occupations (/occupations/exposure) holding the top third of initial employment"


def exposed_change(run):
    """% change of employment in exposed and other occupations from the start, [R x M] each."""
    mask, how = exposed_mask(run)
    emp = run.by_occupation["employment"].values
    start, _ = employment_start_end(run)
    out = []
    for m in (mask, ~mask):
        base = start[:, m].sum(axis=1)[:, None]
        out.append(100.0 * (emp[:, :, m].sum(axis=2) - base) / base)
    return out[0], out[1], how, int(mask.sum())


def mark_stop(ax, run):
    """A dotted vertical line where an interrupted run stopped."""
    if run.complete or run.finite_months() >= run.months:
        return
    m = run.finite_months()
    x = np.datetime64(run.dates[max(0, m - 1)], "D")
    ax.axvline(x, color=style.GREY, linestyle=":", linewidth=1.2)
    ax.annotate("run stopped", (x, 1.0), xycoords=("data", "axes fraction"), xytext=(4, -12),
                textcoords="offset points", fontsize=10, color="#555555")


# --- drawing into axes (shared by the report figures and the README panel) ---------------------
def draw_series(ax, runs, name, scale=1.0, ylabel=None, percent=False, style_offset=0, label_fmt="{label}",
                **kw):
    lines = []
    for i, r in enumerate(runs):
        if name not in r.series:
            continue
        lines.append(style.plot_ensemble(ax, r.dates, r.s(name), i + style_offset,
                                         label=label_fmt.format(label=r.label), scale=scale, **kw))
        mark_stop(ax, r)
    if ylabel:
        ax.set_ylabel(ylabel)
    if percent:
        style.percent_axis(ax)
    style.date_axis(ax, _dates_of(runs))
    return lines


def draw_layoffs_stack(ax, run):
    """Stacked areas of layoffs by reason (medians), AI-attributed reasons hatched, total as a line."""
    x = np.asarray(run.dates, dtype="datetime64[D]")
    present = [(n, t, ai) for n, t, ai in REASONS if n in run.series]
    colours = {"layoffs_demand": "#56B4E9", "layoffs_firm_exit": "#BBBBBB",
               "layoffs_automation": "#D55E00", "layoffs_capex_funding": "#E69F00"}
    hatches = {"layoffs_demand": "", "layoffs_firm_exit": "..", "layoffs_automation": "//",
               "layoffs_capex_funding": "xx"}
    meds = [style.band(run.s(n))[0] for n, _, _ in present]
    ax.stackplot(x, *[np.where(np.isfinite(m), m, np.nan) for m in meds],
                 labels=[t for _, t, _ in present], colors=[colours[n] for n, _, _ in present],
                 hatch=None, edgecolor="white", linewidth=0.5)
    for coll, (n, _, ai) in zip(ax.collections[-len(present):], present):
        coll.set_hatch(hatches[n])
        if ai:
            coll.set_edgecolor("#333333")
    if "layoffs" in run.series:
        style.plot_ensemble(ax, run.dates, run.s("layoffs"), 6, label="all layoffs (median)", shade=False,
                            linewidth=1.5, marker=None)
    ax.set_ylabel(f"layoffs ({_unit(run, 'series/layoffs', 'persons/month')})")
    ax.set_ylim(bottom=0)
    style.date_axis(ax, run.dates)


def draw_beveridge(ax, runs):
    handles = []
    for i, r in enumerate(runs):
        v = r.s("vacancies")
        e = r.s("employment")
        vr = 100.0 * v / (e + v)
        ur = 100.0 * r.s("unemployment_rate")
        u_med, v_med = style.band(ur)[0], style.band(vr)[0]
        ok = np.isfinite(u_med) & np.isfinite(v_med)
        u_med, v_med = u_med[ok], v_med[ok]
        if not len(u_med):
            continue
        st = style.style_of(i)
        (line,) = ax.plot(u_med, v_med, color=st["color"], linestyle=st["linestyle"], linewidth=1.3,
                          marker=st["marker"], markersize=3, alpha=0.9, label=r.label)
        handles.append(line)
        dates = [d for d, k in zip(r.dates, ok) if k]
        ax.plot(u_med[0], v_med[0], marker="o", markersize=11, markerfacecolor="white",
                markeredgecolor=st["color"], markeredgewidth=2.2, linestyle="none", zorder=5)
        ax.plot(u_med[-1], v_med[-1], marker="s", markersize=10, color=st["color"], linestyle="none", zorder=5)
        ax.annotate(f"start {dates[0]:%Y-%m}", (u_med[0], v_med[0]), xytext=(8, 8), textcoords="offset points",
                    fontsize=10, color=st["color"])
        ax.annotate(f"end {dates[-1]:%Y-%m}", (u_med[-1], v_med[-1]), xytext=(8, -14), textcoords="offset points",
                    fontsize=10, color=st["color"])
    ax.set_xlabel("unemployment rate (% of the labour force)")
    ax.set_ylabel("vacancy rate (% of jobs + vacancies)")
    from matplotlib.ticker import MaxNLocator
    ax.xaxis.set_major_locator(MaxNLocator(6))
    style.percent_axis(ax)
    style.percent_axis(ax, axis="x")
    return handles


def draw_reallocation(ax_money, ax_jobs, runs):
    """Top: AI revenue (solid) and capex (dashed); bottom: % change of employment in exposed
    occupations (solid) and the others (dotted)."""
    factor, unit = style.scaled_unit(np.concatenate([np.ravel(r.s(n)) for r in runs for n in ("ai_revenue", "capex")]),
                                     _unit(runs[0], "series/ai_revenue", "USD/month"))
    how = ""
    for i, r in enumerate(runs):
        c = style.PALETTE[i % len(style.PALETTE)]
        m = style.MARKERS[i % len(style.MARKERS)]
        tag = f" ({r.label})" if len(runs) > 1 else ""
        style.plot_ensemble(ax_money, r.dates, r.s("ai_revenue"), i, label="AI revenue" + tag, scale=factor,
                            color=c, linestyle="-", marker=m)
        style.plot_ensemble(ax_money, r.dates, r.s("capex"), i, label="capex on compute" + tag, scale=factor,
                            color=c if len(runs) > 1 else style.PALETTE[1], linestyle="--", marker=m)
        exp, other, how, n_exp = exposed_change(r)
        style.plot_ensemble(ax_jobs, r.dates, exp, i, label=f"{n_exp} exposed occupations" + tag, color=c,
                            linestyle="-", marker=m)
        style.plot_ensemble(ax_jobs, r.dates, other, i, label="all other occupations" + tag,
                            color=c if len(runs) > 1 else style.PALETTE[2], linestyle=":", marker=m, shade=False)
    ax_money.set_ylabel(unit)
    ax_money.set_ylim(bottom=0)
    ax_jobs.axhline(0, color=style.GREY, linewidth=0.8)
    ax_jobs.set_ylabel("employment, % change\nsince the start")
    style.percent_axis(ax_jobs)
    for ax in (ax_money, ax_jobs):
        style.date_axis(ax, _dates_of(runs))
    return how


# --- the figures ------------------------------------------------------------------------------
def unemployment(runs, outdir) -> FigureResult:
    key, title = "unemployment", "Unemployment rate and long-term share"
    if not any("unemployment_rate" in r.series for r in runs):
        return FigureResult(key, title, note=missing_note(runs, ["series/unemployment_rate"]))
    has_lt = any("long_term_unemployment_share" in r.series for r in runs)
    fig, axes = plt.subplots(1, 2 if has_lt else 1, figsize=(12 if has_lt else 7, 4.4), squeeze=False)
    axes = axes[0]
    draw_series(axes[0], runs, "unemployment_rate", scale=100, ylabel="unemployment rate (% of labour force)",
                percent=True)
    axes[0].set_title("Unemployment rate")
    if has_lt:
        draw_series(axes[1], runs, "long_term_unemployment_share", scale=100, percent=True,
                    ylabel="long-term unemployed (% of unemployed)")
        axes[1].set_title("Long-term share (unemployed 6+ months)")
    handles, _ = axes[0].get_legend_handles_labels()
    _figure_legend(fig, handles, runs)
    files, labels = _saved(fig, title, outdir, key, svg=True)
    cap = ("Left: unemployed as a share of the labour force at the end of each month. "
           + ("Right: share of the unemployed whose spell has lasted labour.long_term_months (default 6) or more. "
              if has_lt else "") + _band_note(runs))
    return FigureResult(key, title, cap, files, legend_labels=labels)


def layoffs(runs, outdir) -> FigureResult:
    key, title = "layoffs", "Layoffs by reason, AI-attributed highlighted"
    runs_l = [r for r in runs if "layoffs" in r.series]
    if not runs_l:
        return FigureResult(key, title, note=missing_note(runs, ["series/layoffs"]))
    reasons = [n for n, _, _ in REASONS if any(n in r.series for r in runs_l)]
    if len(runs_l) == 1 and reasons:
        r = runs_l[0]
        fig, ax = plt.subplots(figsize=(10, 4.8))
        draw_layoffs_stack(ax, r)
        ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False,
                  title=f"{r.label}\nmedian of {r.replications}" if r.replications > 1 else r.label)
        cap = ("Employer-initiated separations per month, stacked by reason (medians across replications). "
               "Hatched, outlined areas are AI-attributed: automation (AI and AI-fluent staff cut the "
               "labour requirement) and funding compute (staff cut to pay for GPUs). The line is all layoffs.")
    else:
        # First row: all layoffs and the other reasons; second row: the AI-attributed ones.
        panels = [("layoffs", "All layoffs", False)] + [(n, t, ai) for n, t, ai in REASONS if n in reasons and not ai]
        if any("layoffs_ai" in r.series for r in runs_l):
            panels.append(("layoffs_ai", "AI-attributed (automation + capex)", True))
        panels += [(n, t, ai) for n, t, ai in REASONS if n in reasons and ai]
        ncol = min(3, len(panels))
        nrow = (len(panels) + ncol - 1) // ncol
        size = (4.6 * ncol, 3.5 * nrow + 0.6) if len(panels) > 1 else (10, 4.6)
        fig, axes = plt.subplots(nrow, ncol, figsize=size, squeeze=False, sharex=True)
        for ax, (n, t, ai) in zip(axes.flat, panels):
            draw_series(ax, runs_l, n)
            ax.set_title(t, color="#A04000" if ai else "black", fontweight="bold" if ai else "normal")
            ax.set_ylabel(_unit(runs_l[0], f"series/{n}", "persons/month") if n in runs_l[0].series else "persons/month")
            ax.set_ylim(bottom=0)
            if ai:
                ax.set_facecolor("#FFF4E5")
        for ax in axes.flat[len(panels):]:
            ax.axis("off")
        handles, _ = axes.flat[0].get_legend_handles_labels()
        _figure_legend(fig, handles, runs_l)
        cap = ("Employer-initiated separations per month" + (", in all and by reason. Panels with an orange "
               "background and title are AI-attributed: automation and funding compute (capex)." if reasons else
               ". This file has no breakdown by reason (/series/layoffs_demand etc.: " + FIRM_MODEL + ")."))
    if not reasons:
        title = "Layoffs (this file has no breakdown by reason)"
    files, labels = _saved(fig, title, outdir, key, svg=True)
    _, extra = _with(runs, ["series/layoffs"])
    return FigureResult(key, title, cap + _band_note(runs_l) + extra, files, legend_labels=labels)


def reallocation(runs, outdir) -> FigureResult:
    key, title = "reallocation", "The reallocation: AI revenue and compute capex up, exposed headcount down"
    need = ["series/ai_revenue", "series/capex", "by_occupation/employment", "occupations/exposure"]
    keep, extra = _with(runs, need)
    if not keep:
        return FigureResult(key, title, note=missing_note(runs, need))
    fig, (ax1, ax2) = plt.subplots(2, 1, figsize=(10, 7.2), sharex=True, gridspec_kw={"height_ratios": [1, 1]})
    how = draw_reallocation(ax1, ax2, keep)
    ax1.set_title("Firms' AI revenue and capital spending on compute")
    ax2.set_title("Employment in AI-exposed occupations and in the rest")
    for ax in (ax1, ax2):
        ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False)
    files, labels = _saved(fig, title, outdir, key, svg=True)
    cap = ("Top: AI revenue served and capex paid on compute, USD per month at US scale (run-start prices). "
           f"Bottom: employment in the exposed occupations, defined as {how}, and in all other occupations, "
           "as % change from the initial state." + _band_note(keep) + extra)
    return FigureResult(key, title, cap, files, legend_labels=labels)


def beveridge(runs, outdir) -> FigureResult:
    key, title = "beveridge", "Beveridge curve: vacancies against unemployment"
    need = ["series/vacancies", "series/employment", "series/unemployment_rate"]
    keep, extra = _with(runs, need)
    if not keep:
        return FigureResult(key, title, note=missing_note(runs, need))
    fig, ax = plt.subplots(figsize=(7.5, 6))
    draw_beveridge(ax, keep)
    from matplotlib.lines import Line2D
    marks = [Line2D([], [], marker="o", markersize=9, markerfacecolor="white", markeredgecolor="black",
                    linestyle="none", label="first month"),
             Line2D([], [], marker="s", markersize=8, color="black", linestyle="none", label="last month")]
    ax.legend(handles=ax.get_legend_handles_labels()[0] + marks, frameon=False, loc="best")
    ax.set_title("Each point is one month, joined in time order", fontsize=11)
    files, labels = _saved(fig, title, outdir, key)
    cap = ("Vacancy rate (vacancies / (employment + vacancies), the JOLTS job-openings rate) against the "
           "unemployment rate, median across replications, one point per month. Moving down and right means "
           "a slacker market (fewer openings, more unemployed); a shift outwards means worse matching." + extra)
    return FigureResult(key, title, cap, files, legend_labels=labels)


def employment_by_occupation(runs, outdir) -> FigureResult:
    key, title = "employment_by_occupation", "Employment change by occupation"
    keep, extra = _with(runs, ["by_occupation/employment"])
    if not keep:
        return FigureResult(key, title, note=missing_note(runs, ["by_occupation/employment"]))
    changes = []
    for r in keep:
        start, end = employment_start_end(r)
        with np.errstate(invalid="ignore", divide="ignore"):
            pct = 100.0 * (end - start) / start
        changes.append(np.nanmean(np.where(np.isfinite(pct), pct, np.nan), axis=0) if np.isfinite(pct).any()
                       else np.full(start.shape[1], np.nan))
    base = keep[0]
    order = np.argsort(np.nan_to_num(changes[0], nan=0.0))
    n_occ = len(order)
    k = len(keep)
    mask, how = exposed_mask(base) if base.exposure is not None else (np.zeros(n_occ, bool), "")
    height = max(4.5, 0.28 * n_occ * max(1, 0.7 * k) + 1.2)
    fig, ax = plt.subplots(figsize=(10, height))
    bar_h = 0.8 / k
    y = np.arange(n_occ)
    for i, (r, ch) in enumerate(zip(keep, changes)):
        vals = ch[order]
        if k == 1:
            colours = [style.PALETTE[1] if mask[o] else style.PALETTE[0] for o in order]
            hatches = ["//" if mask[o] else "" for o in order]
        else:
            colours = [style.PALETTE[i % len(style.PALETTE)]] * n_occ
            hatches = [style.HATCHES[i % len(style.HATCHES)]] * n_occ
        bars = ax.barh(y + (i - (k - 1) / 2) * bar_h, np.nan_to_num(vals), height=bar_h, color=colours,
                       edgecolor="#333333", linewidth=0.4, label=r.label)
        for b, h in zip(bars, hatches):
            b.set_hatch(h)
    names = base.occupation_names or base.occupations
    ax.set_yticks(y)
    ax.set_yticklabels([short_name(names[o]) + (" *" if mask[o] else "") for o in order])
    ax.axvline(0, color="black", linewidth=0.8)
    ax.set_xlabel("employment change from the start to the last month (%)")
    from matplotlib.ticker import FuncFormatter
    ax.xaxis.set_major_formatter(FuncFormatter(lambda x, _: f"{x:+.0f}%" if abs(x) >= 1 or x == 0 else f"{x:+.1f}%"))
    ax.grid(axis="y", visible=False)
    ax.set_ylim(-0.7, n_occ - 0.3)
    if k == 1:
        from matplotlib.patches import Patch
        ax.legend(handles=[Patch(facecolor=style.PALETTE[1], hatch="//", edgecolor="#333333",
                                 label="AI-exposed occupation (*)"),
                           Patch(facecolor=style.PALETTE[0], edgecolor="#333333", label="other occupation")],
                  loc="upper left", frameon=False, title=base.label)
    else:
        ax.legend(loc="upper left", frameon=False)
    last = max(r.last_month for r in keep)
    ax.set_title(f"From the initial state to {_dates_of(keep)[max(0, last - 1)]:%Y-%m}, sorted", fontsize=11)
    files, labels = _saved(fig, title, outdir, key)
    cap = ("Percentage change in employment of each occupation between the initial state and the last month "
           "each replication finished (mean across replications), sorted"
           + (f" by the first scenario ({base.label})" if k > 1 else "") + ". "
           + (f"* marks the AI-exposed occupations: {how}." if how else "") + extra)
    return FigureResult(key, title, cap, files, legend_labels=labels)


def _flows_figure(runs, outdir, matrix, key, title, what, top=12, diagonal=False):
    keep, extra = _with(runs, [matrix])
    if not keep:
        return FigureResult(key, title, note=missing_note(runs, [matrix]))
    totals = []
    for r in keep:
        m = np.nanmean(r.matrices[matrix].values, axis=0)
        if not diagonal:
            m = m.copy()
            np.fill_diagonal(m, 0.0)
        totals.append(m)
    base = keep[0]
    ids = base.occupations or [str(i) for i in range(totals[0].shape[0])]
    names = base.occupation_names or ids
    flat = np.argsort(-totals[0], axis=None)[:top]
    pairs = [np.unravel_index(i, totals[0].shape) for i in flat if totals[0].flat[i] > 0]
    if not pairs:
        return FigureResult(key, title, note=f"skipped: {matrix} holds no flows in this run")
    unit = base.matrices[matrix].unit or "persons"
    single = len(keep) == 1
    if single:
        fig, (axh, axb) = plt.subplots(1, 2, figsize=(15, 8), gridspec_kw={"width_ratios": [1.0, 1.0]})
        img = axh.imshow(totals[0], cmap="Blues", aspect="auto", interpolation="nearest")
        axh.set_xticks(range(len(ids)))
        axh.set_xticklabels(ids, rotation=90, fontsize=10)
        axh.set_yticks(range(len(ids)))
        axh.set_yticklabels(ids, fontsize=10)
        axh.set_xlabel("destination occupation")
        axh.set_ylabel("origin occupation")
        axh.grid(False)
        axh.set_title("All pairs (darker = more)", fontsize=11)
        cb = fig.colorbar(img, ax=axh, shrink=0.8)
        cb.set_label(f"{unit} over the run")
        cb.ax.tick_params(labelsize=10)
    else:
        fig, axb = plt.subplots(figsize=(10, max(0.6 * len(pairs), 0.42 * len(pairs) * len(keep)) + 1.6))
    k = len(keep)
    bar_h = 0.8 / k
    y = np.arange(len(pairs))[::-1]
    for i, (r, t) in enumerate(zip(keep, totals)):
        vals = [t[o, d] for o, d in pairs]
        axb.barh(y + ((k - 1) / 2 - i) * bar_h, vals, height=bar_h, color=style.PALETTE[i % len(style.PALETTE)],
                 hatch=style.HATCHES[i % len(style.HATCHES)], edgecolor="#333333", linewidth=0.4, label=r.label)
    axb.set_yticks(y)
    axb.set_yticklabels([f"{short_name(names[o], 34)}\n   → {short_name(names[d], 34)}" for o, d in pairs], fontsize=10)
    axb.set_xlabel(f"{unit} over the run (mean across replications)")
    axb.grid(axis="y", visible=False)
    axb.set_title(f"Top {len(pairs)} origin → destination pairs", fontsize=11)
    axb.legend(loc="lower right", frameon=False)
    files, labels = _saved(fig, title, outdir, key)
    cap = what + (" Left: every origin (row) and destination (column) by occupation id; right: the largest pairs."
                  if single else f" The largest pairs in {keep[0].label}, with the other scenarios alongside.") + extra
    return FigureResult(key, title, cap, files, legend_labels=labels)


def reskilling_flows(runs, outdir) -> FigureResult:
    return _flows_figure(runs, outdir, "reskilling_flows", "reskilling_flows",
                         "Reskilling flows: from which occupation to which",
                         "Reskilling completions by origin and destination occupation, summed over the run.",
                         diagonal=True)


def switches(runs, outdir) -> FigureResult:
    return _flows_figure(runs, outdir, "transitions", "switches",
                         "Occupation switches of the unemployed who found a job",
                         "Hires out of unemployment into a different occupation (/transitions, the diagonal "
                         "of staying in one's occupation left out), summed over the run.")


def status(runs, outdir) -> FigureResult:
    key, title = "status", "Where people are: status composition over time"
    present = [(n, t) for n, t in STATUSES if any(n in r.series for r in runs)]
    if not any("employment" in r.series and "unemployment" in r.series for r in runs):
        return FigureResult(key, title, note=missing_note(runs, ["series/employment", "series/unemployment"]))
    absent = [t for n, t in STATUSES if not any(n in r.series for r in runs)]
    colours = ["#0072B2", "#D55E00", "#009E73", "#E69F00", "#999999"]
    hatch = ["", "//", "..", "xx", "\\\\"]
    if len(runs) == 1:
        r = runs[0]
        x = np.asarray(r.dates, dtype="datetime64[D]")
        meds = {n: style.band(r.s(n))[0] for n, _ in present}
        total = sum(meds.values())
        fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(13, 4.8))
        for ax, names in ((ax1, [n for n, _ in present]), (ax2, [n for n, _ in present if n != "employment"])):
            idx = [i for i, (n, _) in enumerate(STATUSES) if n in names]
            ax.stackplot(x, *[100.0 * meds[STATUSES[i][0]] / total for i in idx],
                         labels=[STATUSES[i][1] for i in idx], colors=[colours[i] for i in idx],
                         edgecolor="white", linewidth=0.5)
            for coll, i in zip(ax.collections, idx):
                coll.set_hatch(hatch[i])
            style.percent_axis(ax, 0 if ax is ax1 else 1)
            style.date_axis(ax, r.dates)
            ax.set_ylabel("% of everyone in the simulation")
            ax.set_ylim(bottom=0)
        ax1.set_ylim(0, 100)
        ax1.set_title("Everyone")
        ax2.set_title("Zoom: everyone not in a job")
        ax1.legend(loc="lower left", frameon=True, framealpha=0.9, title=r.label)
    else:
        n_panels = len(present)
        ncol = min(3, n_panels)
        nrow = (n_panels + ncol - 1) // ncol
        fig, axes = plt.subplots(nrow, ncol, figsize=(4.6 * ncol, 3.4 * nrow + 0.6), squeeze=False, sharex=True)
        for ax, (n, t) in zip(axes.flat, present):
            for i, r in enumerate(runs):
                if n not in r.series:
                    continue
                tot = sum(r.s(m) for m, _ in STATUSES if m in r.series)
                style.plot_ensemble(ax, r.dates, 100.0 * r.s(n) / tot, i, label=r.label)
            ax.set_title(t)
            ax.set_ylabel("% of everyone")
            style.percent_axis(ax)
            style.date_axis(ax, _dates_of(runs))
        for ax in axes.flat[n_panels:]:
            ax.axis("off")
        _figure_legend(fig, axes.flat[0].get_legend_handles_labels()[0], runs)
    _title(fig, title)
    fig.tight_layout()
    labels = legend_labels(fig)
    files = style.save(fig, outdir, key, svg=False)
    cap = ("Everyone in the simulation by status at the end of each month, as % of all persons "
           + ("(medians across replications). The right panel enlarges everyone who is not employed. "
              if len(runs) == 1 else "(one panel per status). ")
           + (f"Not in this file: {', '.join(absent)} ({WORKER_MODEL})." if absent else ""))
    return FigureResult(key, title, cap, files, legend_labels=labels)


def ensemble(runs, outdir) -> FigureResult:
    key, title = "ensemble", "Ensemble: every replication of the unemployment rate"
    multi = [r for r in runs if r.replications > 1 and "unemployment_rate" in r.series]
    if not multi:
        return FigureResult(key, title, note="skipped: one replication per file, so there is no ensemble to show "
                                             "(run with --replications 8 or more)")
    fig, axes = plt.subplots(1, len(multi), figsize=(6.5 * len(multi) if len(multi) > 1 else 9, 4.5),
                             squeeze=False, sharey=True)
    for i, (ax, r) in enumerate(zip(axes[0], multi)):
        x = np.asarray(r.dates, dtype="datetime64[D]")
        st = style.style_of(runs.index(r))
        for k in range(r.replications):
            ax.plot(x, 100 * r.s("unemployment_rate")[k], color=style.GREY, linewidth=0.6, alpha=0.5,
                    label="one replication" if k == 0 else None)
        style.plot_ensemble(ax, r.dates, r.s("unemployment_rate"), runs.index(r), label=f"{r.label}: median",
                            scale=100)
        med, lo, hi = style.band(100 * r.s("unemployment_rate"))
        ax.plot(x, lo, color=st["color"], linewidth=0.9, linestyle="--", label="5th and 95th percentiles")
        ax.plot(x, hi, color=st["color"], linewidth=0.9, linestyle="--")
        ax.set_title(f"{r.label} ({r.replications} replications)", fontsize=11)
        style.percent_axis(ax)
        style.date_axis(ax, r.dates)
        ax.legend(loc="best", frameon=False)
    axes[0][0].set_ylabel("unemployment rate (% of labour force)")
    files, labels = _saved(fig, title, outdir, key)
    cap = ("Each grey line is one replication (same scenario, different random draws). The coloured line is the "
           "median across replications, the dashed lines and shading the 5-95% range: differences between "
           "scenarios smaller than this band may be noise."
           + (" With fewer than 8 replications the 5-95% range is close to the range of the replications "
              "drawn: run with --replications 8 or more for a band to read."
              if min(r.replications for r in multi) < 8 else ""))
    return FigureResult(key, title, cap, files, legend_labels=labels)


def _panels(runs, outdir, key, title, specs, caption, ncol=2):
    """One panel per series present: specs = [(series, panel title, scale, percent)]."""
    present = [s for s in specs if any(s[0] in r.series for r in runs)]
    if not present:
        return FigureResult(key, title, note=missing_note(runs, ["series/" + specs[0][0]]))
    ncol = min(ncol, len(present))
    nrow = (len(present) + ncol - 1) // ncol
    fig, axes = plt.subplots(nrow, ncol, figsize=(6.2 * ncol, 3.5 * nrow + 0.7), squeeze=False, sharex=True)
    for ax, spec in zip(axes.flat, present):
        n, t, scale, pct = spec[:4]
        r0 = next(r for r in runs if n in r.series)
        unit = r0.series[n].unit
        if unit.startswith("USD") and scale == 1.0:
            scale, unit = style.scaled_unit(np.concatenate([np.ravel(r.s(n)) for r in runs if n in r.series]), unit)
        draw_series(ax, runs, n, scale=scale, percent=pct)
        ax.set_title(t)
        ax.set_ylabel(spec[4] if len(spec) > 4 else ("%" if pct else unit))
    for ax in axes.flat[len(present):]:
        ax.axis("off")
    handles = []
    for ax in axes.flat:
        h, labs = ax.get_legend_handles_labels()
        if len(h) > len(handles):
            handles = h
    _figure_legend(fig, handles, runs)
    files, labels = _saved(fig, title, outdir, key)
    absent = [s[0] for s in specs if s not in present]
    cap = caption + _band_note(runs) + (
        f" Not in this file: {', '.join('/series/' + a for a in absent)}." if absent else "")
    return FigureResult(key, title, cap, files, legend_labels=labels)


def hires_vacancies(runs, outdir) -> FigureResult:
    return _panels(runs, outdir, "hires_vacancies", "Hiring: hires, vacancies and job finding",
                   [("hires_from_unemployment", "Hires out of unemployment", 1.0, False),
                    ("vacancies", "Vacancies open for matching", 1.0, False),
                    ("job_finding_rate", "Job-finding rate (hires / unemployed)", 100.0, True, "% of the unemployed per month"),
                    ("separation_rate", "Separation rate ((layoffs + quits) / employed)", 100.0, True, "% of the employed per month")],
                   "Monthly hiring flows and the rates behind unemployment: unemployment rises when the "
                   "separation rate is high relative to the job-finding rate. Hires out of unemployment "
                   "leave out job-to-job moves and hires straight from outside the labour force.")


def ai_economy(runs, outdir) -> FigureResult:
    return _panels(runs, outdir, "ai_economy", "The AI side of firms: compute, adoption, incidents",
                   [("compute_capacity", "Installed compute capacity", 1.0, False),
                    ("compute_utilisation", "Compute utilisation", 100.0, True, "% of installed capacity used"),
                    ("mean_adoption", "Automation adoption (employment-weighted)", 100.0, True, "adoption share (%)"),
                    ("incidents", "AI reliability incidents", 1.0, False),
                    ("core_revenue", "Core (non-AI) revenue", 1.0, False),
                    ("warn_notices", "WARN notices (large layoff events)", 1.0, False)],
                   "What firms do with AI: the compute they install and use, how far automation has been "
                   "adopted, and what goes wrong.")


def worker_responses(runs, outdir) -> FigureResult:
    return _panels(runs, outdir, "worker_responses", "Workers' responses: reskilling, founding, leaving",
                   [("reskilling_starts", "Reskilling starts", 1.0, False),
                    ("reskilling_completions", "Reskilling completions", 1.0, False),
                    ("participation_rate", "Participation rate", 100.0, True, "% of the simulated population"),
                    ("mean_ai_literacy", "Mean AI literacy of the employed", 100.0, True, "AI literacy (% of full)"),
                    ("ai_wage_premium", "AI wage premium", 100.0, True, "premium over other wages (%)"),
                    ("exits", "Exits from the labour force", 1.0, False)],
                   "How workers respond: training for another occupation, leaving the labour force, learning "
                   "to work with AI, and what the labour market pays for it. Participation is the share of "
                   "the simulated population (the labour force and those out of it who may return, not the "
                   "whole working-age population, of whom about 62% participate in the US) that is employed, "
                   "unemployed or running a firm.")


def wages(runs, outdir) -> FigureResult:
    return _panels(runs, outdir, "wages", "Wages",
                   [("wage_index", "Wage index (start = 1)", 1.0, False),
                    ("mean_wage", "Mean wage of the employed", 1.0, False),
                    ("wage_bill", "Firms' wage bill", 1.0, False)],
                   "Nominal wages: the occupation wage index at current employment weights, the mean wage and "
                   "the total wage bill firms pay.")


def firm_classes(runs, outdir) -> FigureResult:
    """By firm class (/by_class): headcount, AI-role headcount, capex and AI-attributed layoffs, one
    line per class (medians over replications); with several files, the first file's classes in
    colour and the others dashed in the same colour."""
    key, title = "firm_classes", "Firm classes: headcount, AI roles, capex, AI-attributed layoffs"
    specs = [("headcount", "Headcount"), ("ai_role_headcount", "Headcount in AI roles"),
             ("capex", "Capex on compute"), ("layoffs_ai", "AI-attributed layoffs")]
    runs_c = [r for r in runs if "headcount" in r.by_class and r.classes]
    if not runs_c:
        return FigureResult(key, title, note=missing_note(runs, ["by_class/headcount"]))
    present = [s for s in specs if s[0] in runs_c[0].by_class]
    fig, axes = plt.subplots(2, 2, figsize=(12.4, 7.4), squeeze=False, sharex=True)
    for ax, (name, panel) in zip(axes.flat, present):
        d = runs_c[0].by_class[name]
        scale, unit = (style.scaled_unit(d.values, d.unit) if d.unit.startswith("USD") else (1.0, d.unit))
        for j, r in enumerate(runs_c):
            if name not in r.by_class:
                continue
            v = r.by_class[name].values
            for k, cls in enumerate(r.classes):
                style.plot_ensemble(ax, r.dates, v[:, :, k], k, scale=scale, shade=(j == 0),
                                    label=cls if j == 0 else None,
                                    linestyle="-" if j == 0 else "--", marker=None)
        ax.set_title(panel)
        ax.set_ylabel(unit)
        ax.set_yscale("symlog" if name != "capex" else "linear")
        style.date_axis(ax, _dates_of(runs_c))
    for ax in axes.flat[len(present):]:
        ax.axis("off")
    handles, _ = axes.flat[0].get_legend_handles_labels()
    if len(runs_c) > 1:  # which file is which line style
        from matplotlib.lines import Line2D
        handles += [Line2D([], [], color="black", linestyle="-" if j == 0 else "--", label=r.label)
                    for j, r in enumerate(runs_c)]
    _figure_legend(fig, handles, runs_c[:1], ncol=len(runs_c[0].classes))
    files, labels = _saved(fig, title, outdir, key)
    others = (f" Solid: {runs_c[0].label}; dashed: {', '.join(r.label for r in runs_c[1:])}, in the same "
              "colours." if len(runs_c) > 1 else "")
    cap = ("Each firm class on its own line (headcount and layoffs on a log scale: the hyperscalers are a "
           "few hundred thousand people, the rest of the economy a hundred and fifty million). AI-role "
           "headcount rising while headcount falls is the reallocation inside a class." + others
           + _band_note(runs_c[:1]))
    return FigureResult(key, title, cap, files, legend_labels=labels)


def displaced(runs, outdir) -> FigureResult:
    """What happens to people laid off: how long those re-employed had been looking (/reemployment,
    AI-attributed against other layoffs), and where the unemployed went over the run."""
    key, title = "displaced", "What happened to people who lost their jobs"
    runs_r = [r for r in runs if "ai" in r.reemployment and "other" in r.reemployment]
    if not runs_r:
        return FigureResult(key, title, note=missing_note(runs, ["reemployment"]))
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(12.4, 4.4))
    for i, r in enumerate(runs_r):
        for j, (kind, what) in enumerate((("ai", "AI-attributed layoff"), ("other", "other layoff"))):
            v = np.nanmean(r.reemployment[kind].values, axis=0)
            total = v.sum()
            if total <= 0:
                continue
            st = style.style_of(i)
            ax1.plot(np.arange(len(v)), 100 * np.cumsum(v) / total, color=st["color"],
                     linestyle="-" if j == 0 else ":", label=f"{r.label}: after an {what}")
    ax1.set_xlim(0, 24)
    ax1.set_xlabel("months unemployed before the new job")
    ax1.set_ylabel("% of those re-employed (cumulative)")
    ax1.set_title("Re-employed within ... months")
    ax1.legend(frameon=False, fontsize=8)
    outcomes = [("hires_from_unemployment", "found a job"), ("reskilling_starts", "started reskilling"),
                ("founder_starts", "started a business"), ("exits", "left the labour force")]
    present = [(n, t) for n, t in outcomes if all(n in r.series for r in runs_r)]
    width = 0.8 / len(runs_r)
    for i, r in enumerate(runs_r):
        totals = [float(np.nanmean(np.nansum(r.s(n), axis=1))) / 1e6 for n, _ in present]
        ax2.barh(np.arange(len(present)) + i * width, totals, height=width, color=style.style_of(i)["color"],
                 label=r.label)
    ax2.set_yticks(np.arange(len(present)) + width * (len(runs_r) - 1) / 2, [t for _, t in present])
    ax2.set_xlabel("million persons over the run (mean of replications)")
    ax2.set_title("Where the unemployed went")
    ax2.legend(frameon=False, fontsize=8)
    files, labels = _saved(fig, title, outdir, key)
    cap = ("Left: of the people hired out of unemployment over the run, the share who had been looking at "
           "most so many months, for those whose last separation was an AI-attributed layoff (solid) and "
           "another layoff (dotted); a curve further right means longer searches. Right: the flows out "
           "of unemployment over the whole run, in persons.")
    return FigureResult(key, title, cap, files, legend_labels=labels)


# The report's figures, in order.
ALL = [unemployment, layoffs, reallocation, beveridge, employment_by_occupation, status, hires_vacancies,
       switches, reskilling_flows, firm_classes, displaced, ai_economy, worker_responses, wages, ensemble]


def make_all(runs, outdir) -> list:
    out = []
    for f in ALL:
        out.append(f(runs, outdir))
    return out


def readme_panel(runs, path) -> Path:
    """Compact 2x2 figure for the README: unemployment and long-term share; layoffs by reason; the
    reallocation (or hires and vacancies when the file has no firm model); the Beveridge curve."""
    if not isinstance(runs, (list, tuple)):
        runs = [runs]
    r = runs[0]
    fig, axes = plt.subplots(2, 2, figsize=(12, 8.2))
    (a, b), (c, d) = axes
    draw_series(a, [r], "unemployment_rate", scale=100, percent=True, label_fmt="unemployment rate")
    a.set_ylabel("unemployment rate (%)", color=style.PALETTE[0])
    if "long_term_unemployment_share" in r.series:
        a2 = a.twinx()
        a2.grid(False)
        a2.spines["right"].set_visible(True)
        style.plot_ensemble(a2, r.dates, r.s("long_term_unemployment_share"), 1, label="long-term share (right)",
                            scale=100)
        a2.set_ylabel("long-term share of unemployed (%)", color=style.PALETTE[1])
        style.percent_axis(a2, 0)
        h1, l1 = a.get_legend_handles_labels()
        h2, l2 = a2.get_legend_handles_labels()
        a.legend(h1 + h2, l1 + l2, loc="upper left", frameon=False, fontsize=10)
    a.set_title("Unemployment and its long-term share")
    if any(n in r.series for n, _, _ in REASONS):
        draw_layoffs_stack(b, r)
        b.legend(loc="upper left", frameon=False, fontsize=9, ncol=2)
        b.set_title("Layoffs by reason (AI-attributed hatched)")
        b.set_ylim(top=b.get_ylim()[1] * 1.3)
    else:
        draw_series(b, [r], "layoffs", ylabel="layoffs (persons/month)", label_fmt="all layoffs")
        b.legend(loc="upper left", frameon=False)
        b.set_title("Layoffs")
    if not r.missing(["series/ai_revenue", "series/capex", "by_occupation/employment", "occupations/exposure"]):
        c2 = c.twinx()
        c2.grid(False)
        c2.spines["right"].set_visible(True)
        factor, unit = style.scaled_unit(np.concatenate([np.ravel(r.s("ai_revenue")), np.ravel(r.s("capex"))]),
                                         _unit(r, "series/ai_revenue", "USD/month"))
        style.plot_ensemble(c, r.dates, r.s("ai_revenue"), 0, label="AI revenue", scale=factor)
        style.plot_ensemble(c, r.dates, r.s("capex"), 1, label="capex on compute", scale=factor)
        exp, _, how, _ = exposed_change(r)
        style.plot_ensemble(c2, r.dates, exp, 2, label="exposed employment, % change (right)")
        c2.axhline(0, color=style.GREY, linewidth=0.8)
        lo = float(np.nanmin(style.band(exp)[1])) if np.isfinite(exp).any() else -1.0
        if lo < 0:  # keep the falling line below the legend in the top-left corner
            c2.set_ylim(lo * 1.05, -lo * 0.75)
        c.set_ylabel(unit)
        c.set_ylim(bottom=0)
        c2.set_ylabel("exposed-occupation employment (%)", color=style.PALETTE[2])
        style.percent_axis(c2)
        style.date_axis(c, r.dates)
        h1, l1 = c.get_legend_handles_labels()
        h2, l2 = c2.get_legend_handles_labels()
        c.legend(h1 + h2, l1 + l2, loc="upper left", frameon=False, fontsize=10)
        c.set_title("The reallocation: AI money up, exposed jobs down")
    else:
        draw_series(c, [r], "hires", label_fmt="hires (persons/month)")
        draw_series(c, [r], "vacancies", style_offset=1, label_fmt="vacancies (jobs)")
        c.set_ylabel("persons/month, jobs")
        c.legend(loc="best", frameon=False)
        c.set_title("Hires and vacancies")
    draw_beveridge(d, [r])
    d.set_title("Beveridge curve (one point per month)")
    d.xaxis.label.set_text("unemployment rate (%)")
    d.yaxis.label.set_text("vacancy rate (%)")
    reps = f", median of {r.replications} replications, 5-95% shaded" if r.replications > 1 else ""
    fig.suptitle(f"{r.label}: {r.dates[0]:%Y-%m} to {r.dates[-1]:%Y-%m}{reps}", fontweight="bold")
    fig.tight_layout()
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=110, bbox_inches="tight", pad_inches=0.15, facecolor="white",
                metadata={"Software": "labourshift_analysis"})
    plt.close(fig)
    return path


def main(argv=None):
    """python3 -m labourshift_analysis.figures OUT.h5 PNG: the README panel of one output file."""
    import argparse
    import sys
    from .read import InputError, read_runs
    p = argparse.ArgumentParser(prog="labourshift_analysis.figures", description=main.__doc__)
    p.add_argument("input")
    p.add_argument("png")
    a = p.parse_args(argv)
    try:
        runs = read_runs([a.input])
    except InputError as e:
        print(f"labourshift_analysis: error: {e}", file=sys.stderr)
        return 2
    print(readme_panel(runs, a.png))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
