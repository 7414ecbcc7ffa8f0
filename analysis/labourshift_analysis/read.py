"""Read a labourshift output file into a `Run`: attributes, month dates, series as numpy arrays.

Every array is float64; months never reached by an interrupted run hold NaN. Counts and amounts are
read at US scale: the file stores them at the agents' scale with the factor `us_scale` (persons per
agent) and the unit after it `us_unit` beside them, and the reader applies both, so that a count in
"agents" reads in "persons" and dollars are the economy's, not the simulated agents'. Optional groups and
datasets (the firm model, worker responses, reskilling flows) are simply absent from the dicts when
the file does not have them: use `Run.has(path)` or `Run.missing(paths)`.
"""
from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

HDF5_SIGNATURE = b"\x89HDF\r\n\x1a\n"


class InputError(Exception):
    """A file that cannot be read as a labourshift output; the message names the file."""


def is_hdf5(path: Path) -> bool:
    """True when the file carries the HDF5 signature (at offset 0, 512, 1024, ... as HDF5 allows)."""
    size = path.stat().st_size
    with open(path, "rb") as f:
        offset = 0
        while offset + 8 <= size:
            f.seek(offset)
            if f.read(8) == HDF5_SIGNATURE:
                return True
            offset = 512 if offset == 0 else offset * 2
    return False


def check_input(path) -> Path:
    """Raise InputError unless path is an existing HDF5 file."""
    p = Path(path)
    if not p.exists():
        raise InputError(f"{p}: no such file")
    if not p.is_file():
        raise InputError(f"{p}: not a regular file")
    if not is_hdf5(p):
        raise InputError(f"{p}: not an HDF5 file (expected a labourshift output written by 'labourshift run')")
    return p


def _text(v) -> str:
    if isinstance(v, bytes):
        return v.decode("utf-8", "replace")
    if isinstance(v, np.ndarray) and v.shape == ():
        return _text(v[()])
    return str(v)


def _attr_value(v):
    if isinstance(v, (bytes, np.bytes_)):
        return v.decode("utf-8", "replace")
    if isinstance(v, np.ndarray):
        return v.tolist() if v.shape != () else v[()].item()
    if isinstance(v, np.generic):
        return v.item()
    return v


def add_months(start: str, m: int) -> _dt.date:
    """Calendar month start + m (start as YYYY-MM), as the first day of that month."""
    y, mo = int(start[:4]), int(start[5:7]) - 1 + m
    return _dt.date(y + mo // 12, mo % 12 + 1, 1)


@dataclass
class Dataset:
    """One dataset's values with its unit and description."""
    values: np.ndarray
    unit: str = ""
    description: str = ""


@dataclass
class Run:
    path: Path
    attrs: dict
    scenario: str
    label: str
    start_month: str
    dates: list                      # datetime.date per month index, length M
    replications: int
    months: int
    complete: bool
    months_completed: np.ndarray     # int [R]
    occupations: list                # ids
    occupation_names: list
    classes: list
    exposure: np.ndarray | None
    exposed: np.ndarray | None       # bool [O] when the file says which occupations are exposed
    series: dict = field(default_factory=dict)         # name -> Dataset [R x M]
    by_occupation: dict = field(default_factory=dict)  # name -> Dataset [R x M x O]
    by_class: dict = field(default_factory=dict)       # name -> Dataset [R x M x K]
    initial: dict = field(default_factory=dict)        # name -> Dataset [R x O]
    reemployment: dict = field(default_factory=dict)   # "ai", "other" -> Dataset [R x spell months]
    matrices: dict = field(default_factory=dict)       # "transitions", "reskilling_flows" -> [R x O x O]
    groups: set = field(default_factory=set)           # top-level groups and datasets present

    # --- access -----------------------------------------------------------------------------
    def has(self, path: str) -> bool:
        """path like 'series/capex', 'by_class/headcount', 'reskilling_flows', 'occupations/exposure'."""
        path = path.strip("/")
        kind, _, name = path.partition("/")
        table = {"series": self.series, "by_occupation": self.by_occupation, "by_class": self.by_class,
                 "initial": self.initial}.get(kind)
        if table is not None:
            return name in table
        if kind == "occupations" and name == "exposure":
            return self.exposure is not None
        if not name:
            return kind in self.matrices or kind in self.groups
        return False

    def missing(self, paths) -> list:
        return ["/" + p.strip("/") for p in paths if not self.has(p)]

    def s(self, name: str) -> np.ndarray:
        return self.series[name].values

    def unit(self, path: str) -> str:
        kind, _, name = path.strip("/").partition("/")
        table = {"series": self.series, "by_occupation": self.by_occupation, "by_class": self.by_class}[kind]
        return table[name].unit

    @property
    def persons_per_agent(self) -> float:
        """Persons one agent stands for (1 in files that do not say)."""
        return float(self.attrs.get("persons_per_agent", 1.0))

    @property
    def last_month(self) -> int:
        """Number of months every replication completed (0 if none)."""
        return int(self.months_completed.min()) if len(self.months_completed) else 0

    def finite_months(self) -> int:
        """Months with at least one finite value in /series/unemployment_rate (or any series)."""
        for name in ("unemployment_rate", "employment"):
            if name in self.series:
                ok = np.isfinite(self.series[name].values).any(axis=0)
                return int(np.nonzero(ok)[0].max() + 1) if ok.any() else 0
        return self.months


def _dataset(d) -> Dataset:
    """One dataset at US scale: x us_scale, in us_unit, where the file gives them."""
    values = np.asarray(d[...], dtype=float)
    unit = _text(d.attrs.get("unit", ""))
    if "us_scale" in d.attrs:
        values = values * float(d.attrs["us_scale"])
        unit = _text(d.attrs.get("us_unit", unit))
    return Dataset(values, unit, _text(d.attrs.get("description", "")))


def _read_group(f, name: str) -> dict:
    out = {}
    if name not in f or not hasattr(f[name], "keys"):
        return out
    for key, d in f[name].items():
        if not hasattr(d, "shape") or d.dtype.kind not in "fiu":
            continue
        if "CLASS" in d.attrs or key == "month_number":  # the axes' labels, not data
            continue
        out[key] = _dataset(d)
    return out


def read_run(path) -> Run:
    """Read one output file. Raises InputError for a missing, non-HDF5 or non-labourshift file."""
    import h5py

    p = check_input(path)
    try:
        f = h5py.File(p, "r")
    except OSError as e:
        raise InputError(f"{p}: cannot be opened as HDF5 ({e})") from None
    with f:
        if "series" not in f:
            raise InputError(f"{p}: not a labourshift output file (no /series group)")
        attrs = {k: _attr_value(v) for k, v in f.attrs.items()}
        series = _read_group(f, "series")
        if not series:
            raise InputError(f"{p}: /series holds no datasets")
        any_series = next(iter(series.values())).values
        if any_series.ndim != 2:
            raise InputError(f"{p}: /series datasets must be [replication x month]")
        reps, months = any_series.shape
        start = str(attrs.get("start_month", "2000-01"))
        if len(start) < 7 or not start[:4].isdigit() or not start[5:7].isdigit():
            start = "2000-01"
        mc = attrs.get("months_completed", [months] * reps)
        mc = np.atleast_1d(np.asarray(mc, dtype=int))
        complete = bool(int(attrs.get("complete", 1)))
        if mc.size == 0 or int(mc.max()) <= 0:
            raise InputError(f"{p}: no month was completed (the run was interrupted before the end of "
                             f"its first month, complete = 0), so there is nothing to show; run it again")

        def strings(name):
            return [_text(s) for s in f[name][...]] if name in f else []

        occ = strings("occupations/id")
        names = strings("occupations/name") or occ
        classes = strings("firm_classes/name")
        exposure = np.asarray(f["occupations/exposure"][...], float) if "occupations/exposure" in f else None
        exposed = (np.asarray(f["occupations/exposed"][...]) > 0) if "occupations/exposed" in f else None
        matrices = {}
        for name in ("transitions", "reskilling_flows"):
            if name in f and hasattr(f[name], "shape") and f[name].ndim == 3:
                matrices[name] = _dataset(f[name])
        run = Run(path=p, attrs=attrs, scenario=str(attrs.get("scenario", p.stem)), label=str(attrs.get("scenario", p.stem)),
                  start_month=start, dates=[add_months(start, m) for m in range(months)],
                  replications=reps, months=months, complete=complete, months_completed=mc,
                  occupations=occ, occupation_names=names, classes=classes, exposure=exposure, exposed=exposed,
                  series=series, by_occupation=_read_group(f, "by_occupation"), by_class=_read_group(f, "by_class"),
                  initial=_read_group(f, "initial"), reemployment=_read_group(f, "reemployment"),
                  matrices=matrices, groups=set(f.keys()))
    return run


def read_runs(paths) -> list:
    """Read several files and give them distinct labels: the scenario name, or the file stem when
    two files share a scenario name (and the stem plus a number if those clash too)."""
    runs = [read_run(p) for p in paths]
    counts = {}
    for r in runs:
        counts[r.scenario] = counts.get(r.scenario, 0) + 1
    for r in runs:
        r.label = r.scenario if counts[r.scenario] == 1 else r.path.stem
    seen = {}
    for r in runs:
        if r.label in seen:
            seen[r.label] += 1
            r.label = f"{r.label} ({seen[r.label]})"
        else:
            seen[r.label] = 1
    return runs
