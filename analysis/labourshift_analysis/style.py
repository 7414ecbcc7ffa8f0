"""Look of every figure: a colour-blind-safe palette (Okabe and Ito), with line styles, markers
and hatches as well so that figures survive greyscale printing; readable fonts; date axes."""
from __future__ import annotations

import warnings

import matplotlib

matplotlib.use("Agg")
import matplotlib.dates as mdates  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

# Okabe-Ito, ordered so that neighbours differ in lightness too.
PALETTE = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000", "#F0E442"]
LINESTYLES = ["-", "--", "-.", ":", (0, (5, 1, 1, 1, 1, 1)), (0, (1, 1))]
MARKERS = ["o", "s", "^", "D", "v", "P", "X", "*"]
HATCHES = ["", "//", "..", "xx", "\\\\", "oo", "++", "--"]
GREY = "#777777"
DPI = 150

RC = {
    "font.size": 11,
    "axes.titlesize": 12,
    "axes.labelsize": 11,
    "xtick.labelsize": 10,
    "ytick.labelsize": 10,
    "legend.fontsize": 10,
    "figure.titlesize": 13,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": True,
    "grid.color": "#dddddd",
    "grid.linewidth": 0.6,
    "lines.linewidth": 2.0,
    "hatch.linewidth": 0.8,
    "svg.fonttype": "none",
    "savefig.dpi": DPI,
    "figure.dpi": DPI,
}


def apply():
    matplotlib.rcParams.update(RC)


def style_of(i: int) -> dict:
    """Line style i: colour, dash pattern and marker (markers every few points)."""
    return {"color": PALETTE[i % len(PALETTE)], "linestyle": LINESTYLES[i % len(LINESTYLES)],
            "marker": MARKERS[i % len(MARKERS)]}


def markevery(n: int) -> int:
    return max(1, n // 8)


def date_axis(ax, dates):
    """Month ticks as YYYY (long runs) or YYYY-MM (short runs), as many as fit the axes' width, over
    the whole requested span so that an interrupted run shows where it stopped."""
    n = len(dates)
    width = ax.get_position().width * ax.figure.get_figwidth()
    for step in (1, 2, 3, 4, 6, 12, 24, 36, 60, 120, 240, 600):
        per_tick = 0.45 if step >= 12 else 0.8  # inches a label needs at 10 pt
        if n / step <= max(2.0, width / per_tick):
            break
    if step >= 12:
        ax.xaxis.set_major_locator(mdates.YearLocator(base=step // 12))
        ax.xaxis.set_major_formatter(mdates.DateFormatter("%Y"))
    else:
        ax.xaxis.set_major_locator(mdates.MonthLocator(bymonth=range(1, 13, step)))
        ax.xaxis.set_major_formatter(mdates.DateFormatter("%Y-%m"))
    if n > 1:
        x0, x1 = np.datetime64(dates[0], "D"), np.datetime64(dates[-1], "D")
        pad = (x1 - x0) * 0.02
        ax.set_xlim(x0 - pad, x1 + pad)
    for label in ax.get_xticklabels():
        label.set_rotation(0)


def band(values: np.ndarray):
    """Median, 5th and 95th percentile over replications (axis 0), ignoring NaN; NaN where no
    replication has a value."""
    v = np.asarray(values, float)
    if v.ndim == 1:
        v = v[None, :]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        med = np.nanmedian(v, axis=0)
        lo = np.nanpercentile(v, 5, axis=0)
        hi = np.nanpercentile(v, 95, axis=0)
    return med, lo, hi


def plot_ensemble(ax, dates, values, i=0, label=None, scale=1.0, shade=True, **overrides):
    """Median line of values [R x M] with a shaded 5-95% band when R > 1. Returns the line."""
    v = np.asarray(values, float) * scale
    med, lo, hi = band(v)
    st = style_of(i)
    st.update(overrides)
    x = np.asarray(dates, dtype="datetime64[D]")
    ok = np.isfinite(med)
    # NaN months (never reached) are left out: matplotlib draws no line through them.
    (line,) = ax.plot(x, med, label=label, markevery=markevery(int(ok.sum())), markersize=5, **st)
    if shade and v.shape[0] > 1 and ok.any():
        ax.fill_between(x, lo, hi, where=np.isfinite(lo) & np.isfinite(hi), color=st["color"], alpha=0.18,
                        linewidth=0)
    return line


def percent_axis(ax, decimals=None, axis="y"):
    """Values already in percent: ticks like 4.25%, with as many decimals as the range needs."""
    from matplotlib.ticker import PercentFormatter
    (ax.yaxis if axis == "y" else ax.xaxis).set_major_formatter(PercentFormatter(xmax=100, decimals=decimals))


def scaled_unit(values: np.ndarray, unit: str):
    """Pick a readable scale for money-like values: returns (factor, unit text)."""
    v = np.asarray(values, float)
    v = v[np.isfinite(v)]
    top = float(np.max(np.abs(v))) if v.size else 0.0
    base = unit.replace("USD", "").strip() if unit.startswith("USD") else None
    if base is None:
        return 1.0, unit
    for factor, word in ((1e9, "billion USD"), (1e6, "million USD"), (1e3, "thousand USD")):
        if top >= factor:
            return 1.0 / factor, word + base
    return 1.0, unit


def save(fig, outdir, name, svg=False):
    """Save name.png (and name.svg); close the figure; return the paths."""
    from pathlib import Path
    outdir = Path(outdir)
    outdir.mkdir(parents=True, exist_ok=True)
    paths = [outdir / f"{name}.png"]
    fig.savefig(paths[0], dpi=DPI, bbox_inches="tight", pad_inches=0.15, facecolor="white",
                metadata={"Software": "labourshift_analysis"})
    if svg:
        paths.append(outdir / f"{name}.svg")
        fig.savefig(paths[1], bbox_inches="tight", pad_inches=0.15, facecolor="white",
                    metadata={"Date": None})
    plt.close(fig)
    return paths
