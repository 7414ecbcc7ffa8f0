"""Output files as xarray objects and tidy data frames, at US scale.

    from labourshift_analysis import open_run, to_dataframe
    ds = open_run("out/baseline_2025.h5")                      # /series, labelled by date
    occ = open_run("out/baseline_2025.h5", "by_occupation")
    df = to_dataframe(occ, ["employment", "unemployment"])     # replication, date, occupation, ...

A file stores counts in agents with `us_scale` (persons per agent) and `us_unit` beside them
(docs/outputs.md); `open_run` applies them, so counts read in persons and dollars are the
economy's, and each variable's `unit` attribute says so. `us_scale=False` keeps the stored agents.
"""
from __future__ import annotations

from pathlib import Path

from .read import InputError, check_input

GROUPS = ("series", "by_occupation", "by_class", "initial", "reemployment", "occupations",
          "firm_classes")


def open_run(path, group: str = "series", us_scale: bool = True):
    """One group of an output file as an xarray.Dataset, with its labelled axes (replication,
    month as dates with month_number beside it, occupation with occupation_name, firm_class).
    Root attributes (scenario, seed, persons_per_agent, complete, ...) become the Dataset's attrs."""
    import h5py
    import xarray as xr

    p = check_input(path)
    if group not in GROUPS:
        raise InputError(f"{p}: no group '{group}' in a labourshift output; groups: {', '.join(GROUPS)}")
    with h5py.File(p, "r") as f:
        if group not in f:
            raise InputError(f"{p}: no /{group} in this file (a file from an older labourshift?)")
        root = {k: (v.decode() if isinstance(v, bytes) else v) for k, v in f.attrs.items()}
    try:
        ds = xr.open_dataset(p, engine="h5netcdf", group=group).load()
    except (ValueError, OSError) as e:
        raise InputError(f"{p}: /{group} cannot be read as labelled arrays ({e}); files written "
                         "before dimension scales were added need h5py") from None
    ds.close()
    for name, var in ds.data_vars.items():
        if us_scale and "us_scale" in var.attrs:
            scaled = var * float(var.attrs["us_scale"])
            scaled.attrs = {**var.attrs, "unit": var.attrs.get("us_unit", var.attrs.get("unit", ""))}
            del scaled.attrs["us_scale"]
            ds[name] = scaled
    ds.attrs.update({k: v for k, v in root.items() if not hasattr(v, "__len__") or isinstance(v, str)})
    ds.attrs["months_completed"] = list(root.get("months_completed", []))
    ds.attrs["source_file"] = str(Path(p))
    return ds


def to_dataframe(data, names=None, group: str = "series"):
    """A tidy pandas DataFrame: one row per (replication, date[, occupation or firm_class],
    variable), with columns replication, date, month_number, [occupation, occupation_name |
    firm_class], variable, value, unit. `data` is an open_run Dataset or a file path (then
    `group` says which group); `names` picks variables (default: all)."""
    import pandas as pd

    ds = open_run(data, group) if isinstance(data, (str, Path)) else data
    names = list(ds.data_vars) if names is None else list(names)
    missing = [n for n in names if n not in ds.data_vars]
    if missing:
        raise KeyError(f"not in this dataset: {', '.join(missing)}")
    frames = []
    for name in names:
        var = ds[name]
        df = var.to_dataframe(name="value").reset_index()
        df = df.rename(columns={"month": "date"})
        df["variable"] = name
        df["unit"] = var.attrs.get("unit", "")
        frames.append(df)
    out = pd.concat(frames, ignore_index=True)
    first = [c for c in ("replication", "date", "month_number", "occupation", "occupation_name",
                         "firm_class", "months_unemployed", "variable", "value", "unit") if c in out]
    return out[first + [c for c in out.columns if c not in first]]
