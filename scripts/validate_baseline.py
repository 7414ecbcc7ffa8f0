#!/usr/bin/env python3
"""Validation of a run beyond its calibration targets (docs/calibration.md): the matching function's
elasticity (log hires on log U and log V across occupations and months), the Beveridge curve, the
distribution of months to re-employment, and the steady-state identity u = s / (s + f).

Usage: scripts/validate_baseline.py OUT.h5 [CYCLE.h5]   (CYCLE.h5: a run with macro.path = "cycle")
"""
import sys

import h5py
import numpy as np


def matching_elasticities(f):
    hires = f["by_occupation/job_finds"][...]      # hires out of unemployment, by origin occupation
    unemp = f["by_occupation/unemployment"][...]
    vac = f["by_occupation/vacancies"][...]
    # Hires in month t from the unemployed at the end of t-1 and the vacancies of t.
    y, u, v = hires[:, 12:, :], unemp[:, 11:-1, :], vac[:, 12:, :]
    keep = (y > 0) & (u > 0) & (v > 0)
    X = np.column_stack([np.ones(keep.sum()), np.log(u[keep]), np.log(v[keep])])
    beta, *_ = np.linalg.lstsq(X, np.log(y[keep]), rcond=None)
    return beta[1], beta[2], int(keep.sum())


def beveridge(f):
    u = f["series/unemployment_rate"][...].mean(axis=0)[12:]
    v = (f["series/vacancies"][...] / f["series/labour_force"][...]).mean(axis=0)[12:]
    slope = np.polyfit(u, v, 1)[0]
    return slope, np.corrcoef(u, v)[0, 1]


def durations(f):
    out = {}
    for kind in ("ai", "other"):
        h = f["reemployment/" + kind][...].sum(axis=0)
        months = np.arange(len(h))
        cdf = np.cumsum(h) / h.sum()
        out[kind] = (float((h * months).sum() / h.sum()), int(np.searchsorted(cdf, 0.5)), float(cdf[2]))
    return out


def main(path, cycle=None):
    with h5py.File(path) as f:
        eu, ev, n = matching_elasticities(f)
        print(f"matching elasticity: unemployment {eu:.2f}, vacancies {ev:.2f} ({n} occupation-months; "
              f"literature 0.5-0.7 on unemployment)")
        for kind, (mean, median, within3) in durations(f).items():
            print(f"re-employment, {kind} layoffs: mean {mean:.1f} months, median {median}, "
                  f"{100 * within3:.0f}% within 3 months (ZipRecruiter 2022: 79% of laid-off tech workers)")
        s = f["series/separation_rate"][...].mean()
        fr = f["series/job_finding_rate"][...].mean()
        print(f"mean s = {s:.4f}, f = {fr:.3f}, s/(s+f) = {s / (s + fr):.4f}, "
              f"mean u = {f['series/unemployment_rate'][...].mean():.4f} (differs: the run is not a steady state "
              f"and U has other inflows)")
    if cycle:
        with h5py.File(cycle) as f:
            slope, corr = beveridge(f)
            print(f"Beveridge curve under a demand cycle: slope dv/du = {slope:.2f}, corr(u, v) = {corr:.2f}")


if __name__ == "__main__":
    main(*sys.argv[1:])
