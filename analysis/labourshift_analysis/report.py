"""A self-contained HTML report of one or more output files.

    python3 -m labourshift_analysis.report OUT.h5 [MORE.h5 ...] -o DIR

writes DIR/index.html, one PNG per figure (SVG too for the main ones) and DIR/.labourshift-report, a
marker listing what it wrote. DIR is only written into when it is new, empty, or made by an
earlier report (it has the marker); the files the earlier report listed are replaced, nothing else.
Exit codes: 0 done, 2 bad input (missing or non-HDF5 file, DIR not made by a report).
"""
from __future__ import annotations

import argparse
import datetime as _dt
import html
import sys
from pathlib import Path

from .read import InputError, read_runs

MARKER = ".labourshift-report"
MARKER_HEAD = "labourshift report: this folder was written by 'labourshift report' and is replaced by it\n"

CSS = """
body { font-family: system-ui, -apple-system, 'Segoe UI', Roboto, 'DejaVu Sans', sans-serif; margin: 0 auto;
       max-width: 1100px; padding: 1.5em; color: #222; line-height: 1.45; }
h1 { font-size: 1.7em; margin-bottom: 0.2em; }
h2 { font-size: 1.3em; margin-top: 2em; border-bottom: 1px solid #ccc; padding-bottom: 0.2em; }
.incomplete { background: #fff0e0; border: 2px solid #d55e00; padding: 0.6em 1em; font-weight: bold;
              margin: 0 0 1em 0; }
table { border-collapse: collapse; margin: 0.8em 0; font-size: 0.95em; }
th, td { border: 1px solid #ccc; padding: 0.3em 0.7em; text-align: right; vertical-align: top; }
th:first-child, td:first-child { text-align: left; }
thead th { background: #f0f0f0; }
figure { margin: 1.2em 0 2.2em 0; }
figure img { max-width: 100%; height: auto; border: 1px solid #eee; }
figcaption { font-size: 0.95em; color: #333; margin-top: 0.4em; }
.skipped { color: #666; font-style: italic; border-left: 4px solid #bbb; padding-left: 0.8em; }
.meta { color: #555; font-size: 0.9em; }
nav a { margin-right: 0.8em; }
"""


class ReportError(Exception):
    """Refused: the output folder was not made by a report, or cannot be written."""


def prepare_dir(out: Path) -> None:
    """Make out ready: new, empty, or an earlier report's folder (whose listed files are removed)."""
    if out.exists() and not out.is_dir():
        raise ReportError(f"{out}: exists and is not a folder; choose another -o")
    if out.is_dir():
        marker = out / MARKER
        entries = [p for p in out.iterdir()]
        if entries and not marker.is_file():
            raise ReportError(f"{out}: the folder exists and was not made by 'labourshift report' (no {MARKER} "
                              f"marker); choose another -o or remove it, so nothing you wrote is overwritten")
        if marker.is_file():
            for line in marker.read_text(errors="replace").splitlines()[1:]:
                name = line.strip()
                p = out / name
                if name and "/" not in name and name != MARKER and p.is_file() and not p.is_symlink():
                    p.unlink()
    out.mkdir(parents=True, exist_ok=True)


def _e(s) -> str:
    return html.escape(str(s), quote=True)


def incomplete_line(runs) -> str | None:
    bad = [r for r in runs if not r.complete]
    if not bad:
        return None
    parts = []
    for r in bad:
        done = ", ".join(str(int(m)) for m in r.months_completed)
        parts.append(f"{r.path.name} ({r.label}) was interrupted: months completed per replication {done} of "
                     f"{r.months}; months never reached are left out of every chart and total")
    return "INCOMPLETE RUN: " + "; ".join(parts) + "."


def _headline_table(runs) -> str:
    from .summary import headline
    tables = [dict((label, text) for label, text, _ in headline(r)) for r in runs]
    order = []
    for t in tables:
        for k in t:
            if k not in order:
                order.append(k)
    head = "<tr><th>headline (mean over replications)</th>" + "".join(
        f"<th>{_e(r.label)}</th>" for r in runs) + "</tr>"
    body = "".join("<tr><td>" + _e(k) + "</td>" + "".join(f"<td>{_e(t.get(k, '–'))}</td>" for t in tables)
                   + "</tr>" for k in order)
    return f"<table><thead>{head}</thead><tbody>{body}</tbody></table>"


def _meta_table(runs) -> str:
    rows = [("file", lambda r: r.path.name), ("scenario", lambda r: r.scenario),
            ("months", lambda r: f"{r.months} from {r.start_month}"),
            ("replications", lambda r: r.replications), ("agents (workers)", lambda r: r.attrs.get("workers", "?")),
            ("persons per agent", lambda r: f"{r.persons_per_agent:,.6g}"),
            ("seed", lambda r: r.attrs.get("seed", "?")), ("complete", lambda r: "yes" if r.complete else "NO"),
            ("created", lambda r: r.attrs.get("created", "?")),
            ("software", lambda r: f"{r.attrs.get('software', 'labourshift')} {r.attrs.get('software_version', '')}")]
    head = "<tr><th>run</th>" + "".join(f"<th>{_e(r.label)}</th>" for r in runs) + "</tr>"
    body = "".join("<tr><td>" + _e(name) + "</td>" + "".join(f"<td>{_e(f(r))}</td>" for r in runs) + "</tr>"
                   for name, f in rows)
    return f"<table class='meta'><thead>{head}</thead><tbody>{body}</tbody></table>"


def _firms_tables(runs, year: int = 2025) -> list:
    """The named firms' layoffs of `year` against their announcements, and the year's WARN
    notices, for each run that has them (HTML parts)."""
    from .firms import named_firms_year, warn_year
    parts = []
    for r in runs:
        rows = named_firms_year(r.path, year)
        if rows:
            head = ("<tr><th>firm</th><th>class</th><th>headcount (persons)</th>"
                    f"<th>modelled layoff events {year}</th><th>of them AI-attributed</th>"
                    f"<th>announced {year}</th><th>announced citing AI</th></tr>")
            body = "".join(
                f"<tr><td>{_e(x['firm'])}</td><td>{_e(x['firm_class'])}</td>"
                f"<td>{x['headcount']:,.0f}</td><td>{x['modelled']:,.0f}</td>"
                f"<td>{x['modelled_ai']:,.0f}</td><td>{x['announced']:,.0f}</td>"
                f"<td>{x['announced_ai']:,.0f}</td></tr>" for x in rows)
            parts.append(f"<h3>{_e(r.label)}: named firms, {year}</h3>")
            parts.append(f"<table class='firms'><thead>{head}</thead><tbody>{body}</tbody></table>")
            parts.append("<p class='meta'>Persons over the year, mean over replications. Modelled: "
                         "layoff events (layoffs less idiosyncratic discharges) x persons per agent. "
                         "Announced: Layoffs.fyi, global counts (data/firms/named_firm_events_2025.csv)."
                         "</p>")
        warn = warn_year(r.path, year)
        if warn:
            split = ", ".join(f"{k} {v:.0%}" for k, v in warn["class_share"].items() if v > 0)
            parts.append(f"<h3>{_e(r.label)}: WARN notices, {year}</h3>")
            parts.append(
                "<table class='warn'><tbody>"
                f"<tr><td>notices a month</td><td>{warn['notices_per_month']:,.0f}</td></tr>"
                f"<tr><td>persons in notices a month</td><td>{warn['persons_per_month']:,.0f}</td></tr>"
                f"<tr><td>median notice (persons)</td><td>{warn['median_persons']:,.0f}</td></tr>"
                f"<tr><td>notices by class</td><td>{_e(split)}</td></tr></tbody></table>")
            parts.append("<p class='meta'>National counts: about 40,000 persons a month in WARN notices "
                         "in May and October 2025 (Federal Reserve Bank of Cleveland, via Bloomberg Law); "
                         "429 notices of 73 persons on average in July 2017 (WARN Firehose). See "
                         "docs/validation.md.</p>")
    return parts


def write_html(runs, results, out: Path) -> Path:
    labels = ", ".join(r.label for r in runs)
    title = f"labourshift report: {labels}"
    parts = ["<!DOCTYPE html>", "<html lang='en'><head><meta charset='utf-8'>",
             "<meta name='viewport' content='width=device-width, initial-scale=1'>",
             f"<title>{_e(title)}</title><style>{CSS}</style></head><body>"]
    warn = incomplete_line(runs)
    if warn:
        parts.append(f"<p class='incomplete' id='incomplete'>{_e(warn)}</p>")
    parts.append(f"<h1>{_e(title)}</h1>")
    now = _dt.datetime.now(_dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    parts.append(f"<p class='meta'>Made {now} from {_e(', '.join(str(r.path) for r in runs))}. Counts and amounts "
                 "are at US scale: the file stores agents and the agents' dollars, and each is multiplied "
                 "by the persons one agent stands for (represented persons / agents, in the table below); "
                 "rates and shares need no scaling. Dates are calendar months.</p>")
    parts.append("<nav>" + "".join(f"<a href='#{_e(res.key)}'>{_e(res.key.replace('_', ' '))}</a>"
                                   for res in results) + "</nav>")
    parts.append("<h2 id='headline'>Headline numbers</h2>")
    parts.append(_headline_table(runs))
    parts.append(_meta_table(runs))
    firms = _firms_tables(runs)
    if firms:
        parts.append("<h2 id='firms'>Named firms and WARN notices</h2>")
        parts.extend(firms)
    for res in results:
        parts.append(f"<h2 id='{_e(res.key)}'>{_e(res.title)}</h2>")
        if res.skipped:
            parts.append(f"<p class='skipped'>{_e(res.note or 'skipped')}</p>")
            continue
        png = res.files[0].name
        other = "".join(f" <a href='{_e(p.name)}'>{_e(p.suffix[1:].upper())}</a>" for p in res.files[1:])
        parts.append(f"<figure><a href='{_e(png)}'><img src='{_e(png)}' alt='{_e(res.title)}'></a>"
                     f"<figcaption>{_e(res.caption)}{' Download:' + other if other else ''}</figcaption></figure>")
    parts.append("<p class='meta'>How to read each figure: docs/report.md in the labourshift sources.</p>")
    parts.append("</body></html>")
    path = out / "index.html"
    path.write_text("\n".join(parts) + "\n", encoding="utf-8")
    return path


def build_report(paths, out) -> tuple:
    """Read the files, make every figure and index.html in out. Returns (index path, results)."""
    from . import figures
    runs = read_runs(paths)
    out = Path(out)
    prepare_dir(out)
    marker = out / MARKER
    marker.write_text(MARKER_HEAD)  # claim the folder first: a crash leaves a folder a rerun may replace
    results = figures.make_all(runs, out)
    index = write_html(runs, results, out)
    written = [p.name for res in results for p in res.files] + [index.name]
    marker.write_text(MARKER_HEAD + "".join(n + "\n" for n in written))
    return index, results


def main(argv=None) -> int:
    p = argparse.ArgumentParser(prog="labourshift report", description="Figures and an HTML report of "
                                "labourshift output files; several files are compared scenario by scenario.")
    p.add_argument("inputs", nargs="+", metavar="OUT.h5")
    p.add_argument("-o", "--output", metavar="DIR", help="output folder (default: report/<stem of the first input>)")
    a = p.parse_args(argv)
    out = Path(a.output) if a.output else Path("report") / Path(a.inputs[0]).stem
    try:
        from .sensitivity import is_sweep, report as sweep_report
        if len(a.inputs) == 1 and is_sweep(a.inputs[0]):
            print(f"wrote {sweep_report(a.inputs[0], out)}")
            return 0
    except InputError as e:
        print(f"labourshift report: error: {e}", file=sys.stderr)
        return 2
    try:
        index, results = build_report(a.inputs, out)
    except (InputError, ReportError) as e:
        print(f"labourshift report: error: {e}", file=sys.stderr)
        return 2
    shown = sum(not r.skipped for r in results)
    print(f"labourshift report: {shown} figures, {len(results) - shown} skipped")
    for r in results:
        if r.skipped:
            print(f"  {r.key}: {r.note}")
    print(f"wrote {index}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
