"""Figures and an HTML report from labourshift output files (HDF5).

Uses h5py, numpy and matplotlib (Agg backend), and xarray, h5netcdf and pandas for `open_run` and
`to_dataframe`, as packaged by Debian.

    python3 -m labourshift_analysis.report OUT.h5 [MORE.h5 ...] -o DIR

`open_run(path, group)` gives a group of an output as a labelled xarray.Dataset at US scale and
`to_dataframe(...)` a tidy pandas DataFrame (module `dataset`).

Modules: `read` (an output file as a `Run`), `figures` (one function per figure), `report`
(DIR/index.html), `style` (colours, line styles, date axes), `firms` (the named firms' year
against their announcements, and the year's WARN notices).
"""

from .dataset import open_run, to_dataframe  # noqa: E402

__all__ = ["read", "figures", "report", "style", "dataset", "firms", "open_run", "to_dataframe"]
