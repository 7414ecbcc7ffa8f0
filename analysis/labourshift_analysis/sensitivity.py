"""The report of a sweep file (`labourshift sweep`): Sobol indices with their intervals, one panel
per output, and the outputs against each parameter (docs/sweeps.md)."""
from __future__ import annotations

import html
from pathlib import Path

import numpy as np

from . import style
from .read import InputError, check_input


def is_sweep(path) -> bool:
    import h5py
    with h5py.File(check_input(path), "r") as f:
        return "points" in f and "parameter" in f and "series" not in f


def _strings(d):
    return [s.decode() if isinstance(s, bytes) else str(s) for s in d[...]]


def report(path, outdir: Path) -> Path:
    import h5py
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    outdir = Path(outdir)
    outdir.mkdir(parents=True, exist_ok=True)
    with h5py.File(check_input(path), "r") as f:
        params, outputs = _strings(f["parameter"]), _strings(f["output"])
        points, values = f["points"][...], f["outputs"][...]
        method = f.attrs.get("method", b"?")
        method = method.decode() if isinstance(method, bytes) else str(method)
        sens = {k: f[f"sensitivity/{k}"][...] for k in ("first_order", "first_order_lo", "first_order_hi",
                                                         "total", "total_lo", "total_hi")} if "sensitivity" in f else None
    parts = [f"<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'><title>labourshift sweep: "
             f"{html.escape(Path(path).name)}</title></head><body><h1>Sweep {html.escape(Path(path).name)}</h1>"
             f"<p>{method} design: {len(points)} points over {len(params)} parameters.</p>"]
    if sens is not None:
        fig, axes = plt.subplots(1, len(outputs), figsize=(6.0 * len(outputs), 0.55 * len(params) + 1.8),
                                 squeeze=False)
        y = np.arange(len(params))
        for q, (ax, name) in enumerate(zip(axes[0], outputs)):
            for j, (kind, label, off) in enumerate((("first_order", "first order", -0.18), ("total", "total", 0.18))):
                v, lo, hi = sens[kind][q], sens[kind + "_lo"][q], sens[kind + "_hi"][q]
                ax.barh(y + off, v, height=0.34, color=style.style_of(j)["color"], label=label,
                        xerr=[np.maximum(v - lo, 0), np.maximum(hi - v, 0)], capsize=2)
            ax.set_yticks(y, params)
            ax.axvline(0, color="black", linewidth=0.6)
            ax.set_xlabel("share of the output's variance")
            ax.set_title(name)
            ax.legend(frameon=False, loc="lower right")
        fig.suptitle("Sobol indices (bars: 95% bootstrap intervals)", fontweight="bold")
        fig.tight_layout()
        style.save(fig, outdir, "sobol")
        parts.append("<h2>Sobol indices</h2><img src='sobol.png' alt='Sobol indices' style='max-width:100%'>"
                     "<p>First order: the share of the output's variance due to the parameter alone; total: "
                     "alone and in interaction. A parameter whose total index is near zero can be fixed "
                     "anywhere in its range without changing the output.</p>")
        rows = "".join(
            f"<tr><td>{html.escape(p)}</td>" + "".join(
                f"<td>{sens['first_order'][q][i]:.2f} [{sens['first_order_lo'][q][i]:.2f}, {sens['first_order_hi'][q][i]:.2f}]"
                f"</td><td>{sens['total'][q][i]:.2f} [{sens['total_lo'][q][i]:.2f}, {sens['total_hi'][q][i]:.2f}]</td>"
                for q in range(len(outputs))) + "</tr>" for i, p in enumerate(params))
        head = "<tr><th>parameter</th>" + "".join(f"<th>{html.escape(o)}: first order</th><th>total</th>"
                                                  for o in outputs) + "</tr>"
        parts.append(f"<table border='1' cellpadding='4'><thead>{head}</thead><tbody>{rows}</tbody></table>")
    # Outputs against each parameter.
    fig, axes = plt.subplots(len(outputs), len(params), figsize=(3.0 * len(params), 2.6 * len(outputs)),
                             squeeze=False, sharey="row")
    for q, name in enumerate(outputs):
        for i, p in enumerate(params):
            ax = axes[q][i]
            ax.scatter(points[:, i], values[:, q], s=6, alpha=0.5, color=style.style_of(0)["color"])
            if q == len(outputs) - 1:
                ax.set_xlabel(p, fontsize=8)
            if i == 0:
                ax.set_ylabel(name, fontsize=8)
    fig.tight_layout()
    style.save(fig, outdir, "scatter")
    parts.append("<h2>Outputs against each parameter</h2><img src='scatter.png' alt='outputs against parameters' "
                 "style='max-width:100%'></body></html>")
    index = outdir / "index.html"
    index.write_text("".join(parts))
    return index
