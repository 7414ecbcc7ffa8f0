"""The named firms' layoffs of a calendar year against their announcements, and the WARN notices
of a year, read from a labourshift output with h5py alone.

Both tables are at US scale: the model's counts (agents) times the persons one agent stands for;
announcements and notices are persons already. Means are over replications; a year the run does
not cover whole gives None.
"""
from __future__ import annotations

import h5py
import numpy as np

from .read import _text



def year_months(f, year: int):
    """0-based month indices of calendar `year` in the file, or None unless all twelve are there."""
    start = _text(f.attrs["start_month"])
    y0, m0 = int(start[:4]), int(start[5:7])
    first = (year - y0) * 12 + (1 - m0)
    months = int(f.attrs["months"])
    if first < 0 or first + 12 > months:
        return None
    return np.arange(first, first + 12)


def named_firms_year(path, year: int = 2025):
    """Rows per named firm: name, class, headcount (persons), modelled layoff events, modelled
    AI-attributed layoffs, announced, announced citing AI (persons, over the year); None when the
    file has no named firms or does not cover the year."""
    with h5py.File(path, "r") as f:
        if "firms" not in f or "by_firm" not in f:
            return None
        idx = year_months(f, year)
        if idx is None:
            return None
        ppa = float(f.attrs["persons_per_agent"])
        names = [_text(x) for x in f["firms/name"][:]]
        classes = [_text(x) for x in f["firms/class"][:]]
        employees = f["firms/employees"][:]
        events = np.nanmean(f["by_firm/layoff_events"][:, idx, :].sum(axis=1), axis=0) * ppa
        ai = np.nanmean(f["by_firm/layoffs_ai"][:, idx, :].sum(axis=1), axis=0) * ppa
        announced = np.zeros(len(names))
        announced_ai = np.zeros(len(names))
        a = f["firms/announced"]
        for firm, month, persons, cited in zip(a["firm"][:], a["month"][:], a["persons"][:],
                                               a["ai_cited"][:]):
            if int(_text(month)[:4]) != year:
                continue
            j = names.index(_text(firm))
            announced[j] += persons
            if _text(cited) == "yes":
                announced_ai[j] += persons
    return [dict(firm=n, firm_class=c, headcount=float(e), modelled=float(m), modelled_ai=float(x),
                 announced=float(an), announced_ai=float(aa))
            for n, c, e, m, x, an, aa in zip(names, classes, employees, events, ai, announced,
                                             announced_ai)]


def warn_year(path, year: int = 2025):
    """WARN notices of `year`: notices a month, persons a month, the median notice (the mean of the
    months' medians) and each class's share of the notices; None when the year is not covered."""
    with h5py.File(path, "r") as f:
        idx = year_months(f, year)
        needed = ("series/warn_notices", "series/warn_persons", "series/warn_median_persons",
                  "events/warn", "firm_classes/name")
        if idx is None or any(n not in f for n in needed):
            return None
        if "notices" not in (f["events/warn"].dtype.names or ()):
            return None
        notices = float(np.nanmean(f["series/warn_notices"][:, idx].sum(axis=1)) / 12)
        persons = float(np.nanmean(f["series/warn_persons"][:, idx].sum(axis=1)) / 12)
        median = float(np.nanmean(f["series/warn_median_persons"][:, idx]))
        classes = [_text(x) for x in f["firm_classes/name"][:]]
        rows = f["events/warn"][:]
        first, last = idx[0] + 1, idx[-1] + 1  # the table's months are 1-based
        inside = rows[(rows["month"] >= first) & (rows["month"] <= last)]
        total = inside["notices"].sum()
        share = {c: (float(inside["notices"][inside["class"] == k].sum() / total) if total else 0.0)
                 for k, c in enumerate(classes)}
    return dict(notices_per_month=notices, persons_per_month=persons, median_persons=median,
                class_share=share)
