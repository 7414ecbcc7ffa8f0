"""Figures and an HTML report from labourshift output files (HDF5).

Uses only h5py, numpy and matplotlib (Agg backend), as packaged by Debian.

    python3 -m labourshift_analysis.report OUT.h5 [MORE.h5 ...] -o DIR

Modules: `read` (an output file as a `Run`), `figures` (one function per figure), `report`
(DIR/index.html), `style` (colours, line styles, date axes).
"""

__all__ = ["read", "figures", "report", "style"]
