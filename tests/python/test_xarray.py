"""Self-describing output: xarray (h5netcdf) opens every group as labelled arrays with no project
code; open_run and to_dataframe give US-scale, tidy data; the docs' snippet and the example
notebook run."""
import os
import re
import shutil
import subprocess
import sys
import unittest

import h5py
import numpy as np

from common import ROOT, TempDirCase, run

sys.path.insert(0, str(ROOT / "analysis"))


class LabelledOutputTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        import tempfile
        from pathlib import Path
        cls._dir = tempfile.TemporaryDirectory(prefix="labourshift_xarray_")
        cls.tmp = Path(cls._dir.name)
        cls.a, cls.b = cls.tmp / "baseline_2025.h5", cls.tmp / "ui_extension.h5"
        for path, scenario in ((cls.a, "baseline_2025"), (cls.b, "ui_extension")):
            r = run("run", ROOT / "scenarios" / f"{scenario}.toml", "-o", path, "--quiet", "--replications", 2,
                    "--set", "population.workers=5000", "--set", 'run.start="2025-11"', "--months", 14)
            assert r.returncode == 0, r.stderr

    @classmethod
    def tearDownClass(cls):
        cls._dir.cleanup()

    def test_every_group_opens_with_labelled_axes(self):
        import xarray as xr
        with h5py.File(self.a) as f:
            ids = [s.decode() for s in f["occupations/id"]]
            classes = [s.decode() for s in f["firm_classes/name"]]
            emp = f["by_occupation/employment"][...]
            hires = f["series/hires"][...]
        s = xr.open_dataset(self.a, engine="h5netcdf", group="series")
        self.assertEqual(dict(s["hires"].sizes), {"replication": 2, "month": 14})
        # Dates, one per month from start_month, and 1-based month numbers beside them.
        self.assertEqual(str(s.month.values[0])[:10], "2025-11-01")
        self.assertEqual(str(s.month.values[2])[:10], "2026-01-01")
        self.assertEqual(list(s.month_number.values), list(range(1, 15)))
        np.testing.assert_array_equal(s["hires"].values, hires)
        o = xr.open_dataset(self.a, engine="h5netcdf", group="by_occupation")
        self.assertEqual(list(o.occupation.values), ids)
        self.assertEqual(o["employment"].dims, ("replication", "month", "occupation"))
        np.testing.assert_array_equal(o["employment"].sel(occupation=ids[3]).values, emp[:, :, 3])
        self.assertIn("occupation_name", o.coords)
        c = xr.open_dataset(self.a, engine="h5netcdf", group="by_class")
        self.assertEqual(list(c.firm_class.values), classes)
        root = xr.open_dataset(self.a, engine="h5netcdf")
        self.assertEqual(root["transitions"].dims, ("replication", "origin", "destination"))
        r = xr.open_dataset(self.a, engine="h5netcdf", group="reemployment")
        self.assertEqual(list(r.months_unemployed.values), list(range(49)))
        for g in ("initial", "occupations", "firm_classes"):
            with self.subTest(g):
                xr.open_dataset(self.a, engine="h5netcdf", group=g)

    def test_every_dataset_has_unit_and_description(self):
        with h5py.File(self.a) as f:
            bare = []
            f.visititems(lambda n, o: bare.append(n) if isinstance(o, h5py.Dataset)
                         and not {"unit", "description"} <= set(o.attrs) else None)
        self.assertEqual(bare, [])

    def test_open_run_is_at_us_scale_and_to_dataframe_is_tidy(self):
        from labourshift_analysis import open_run, to_dataframe
        with h5py.File(self.a) as f:
            ppa = f.attrs["persons_per_agent"]
            emp = f["by_occupation/employment"][...]
            u = f["series/unemployment_rate"][...]
        s = open_run(self.a)
        self.assertEqual(s.attrs["persons_per_agent"], ppa)
        self.assertEqual(s["employment"].attrs["unit"], "persons")
        np.testing.assert_allclose(s["unemployment_rate"].values, u)  # a rate is not scaled
        df = to_dataframe(self.a, ["employment", "unemployment"], group="by_occupation")
        self.assertEqual(len(df), 2 * 14 * emp.shape[2] * 2)
        self.assertEqual(list(df.columns[:6]), ["replication", "date", "month_number", "occupation",
                                                "occupation_name", "variable"])
        row = df[(df.variable == "employment") & (df.replication == 1) & (df.month_number == 5)]
        np.testing.assert_allclose(row.value.values, emp[1, 4, :] * ppa)
        self.assertEqual(set(df.unit), {"persons"})

    def test_the_docs_python_snippets_run(self):
        doc = (ROOT / "docs" / "outputs.md").read_text()
        snippets = [b for b in re.findall(r"```python\n(.*?)```", doc, re.S) if "out/baseline_2025.h5" in b]
        self.assertGreaterEqual(len(snippets), 3)  # h5py, xarray, pandas
        for snippet in snippets:
            with self.subTest(snippet.splitlines()[1]):
                exec(compile(snippet.replace('"out/baseline_2025.h5"', repr(str(self.a))), "docs/outputs.md",
                             "exec"), {})

    @unittest.skipUnless(shutil.which("Rscript"), "no Rscript (Debian r-base-core, r-cran-hdf5r)")
    def test_the_docs_r_snippet_runs(self):
        doc = (ROOT / "docs" / "outputs.md").read_text()
        snippet = re.findall(r"```r\n(.*?)```", doc, re.S)[0].replace('"out/baseline_2025.h5"', f'"{self.a}"')
        r = subprocess.run(["Rscript", "-e", snippet], capture_output=True, text=True, timeout=120)
        self.assertEqual(r.returncode, 0, r.stderr)
        with h5py.File(self.a) as f:
            u = f["series/unemployment_rate"][:, 0].mean()
        self.assertIn("2025-11-01", r.stdout)
        self.assertIn(f"{u:.5f}"[:6], r.stdout)

    def test_the_example_notebook_runs(self):
        import nbformat
        from nbclient import NotebookClient
        nb = nbformat.read(ROOT / "docs" / "notebooks" / "first_run.ipynb", as_version=4)
        env = {"LABOURSHIFT_ROOT": str(ROOT), "LABOURSHIFT_RUN_A": str(self.a), "PYDEVD_DISABLE_FILE_VALIDATION": "1",
               "LABOURSHIFT_RUN_B": str(self.b), "LABOURSHIFT_FIGURE": str(self.tmp / "u.png")}
        old = {k: os.environ.get(k) for k in env}
        os.environ.update(env)
        try:
            NotebookClient(nb, timeout=120, kernel_name="python3", resources={"metadata": {"path": str(self.tmp)}}).execute()
        finally:
            for k, v in old.items():
                if v is None:
                    os.environ.pop(k, None)
                else:
                    os.environ[k] = v
        printed = "".join(o.get("text", "") for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", []))
        self.assertRegex(printed, r"unemployment [+-]\d+\.\d\d points, net fiscal cost [+-]\d+\.\d\d bn USD a month")
        self.assertGreater((self.tmp / "u.png").stat().st_size, 5000)


if __name__ == "__main__":
    unittest.main()
