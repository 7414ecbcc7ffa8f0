"""`labourshift inspect`: metadata, every dataset with shape and unit, headline numbers equal to
those computed with h5py, and exit code 2 for bad input."""
import re
import tempfile
import unittest
from pathlib import Path

import h5py
import numpy as np

from analysis_helpers import write_synthetic
from common import ROOT, TempDirCase, run


def datasets(f):
    out = {}

    def visit(name, obj):
        if isinstance(obj, h5py.Dataset):
            out["/" + name] = obj
    f.visititems(visit)
    return out


def headline_values(stdout):
    """{label: float} from the 'headline' block."""
    block = stdout.split("\nheadline", 1)[1]
    values = {}
    for line in block.splitlines()[1:]:
        m = re.match(r"^  (\S.*?)\s{2,}(-?[\d,]+(?:\.\d+)?)(%?)$", line)
        if m:
            values[m.group(1)] = float(m.group(2).replace(",", "")) / (100 if m.group(3) else 1)
    return values


class InspectRealOutputTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls._tmp = tempfile.TemporaryDirectory(prefix="labourshift_inspect_")
        cls.h5 = Path(cls._tmp.name) / "short.h5"
        r = run("run", ROOT / "scenarios" / "baseline_2025.toml", "-o", cls.h5, "--months", 14, "--replications", 3,
                "--set", "population.workers=5000", "--quiet", "--threads", 2)
        assert r.returncode == 0, r.stderr
        cls.out = run("inspect", cls.h5)

    @classmethod
    def tearDownClass(cls):
        cls._tmp.cleanup()

    def test_metadata_and_datasets(self):
        self.assertEqual(self.out.returncode, 0, self.out.stderr)
        text = self.out.stdout
        self.assertIn("scenario baseline_2025", text)
        self.assertIn("complete: yes, 14 months in each of 3 replication(s)", text)
        self.assertRegex(text, r"\n  months_completed\s+\[14, 14, 14\]\n")
        self.assertRegex(text, r"\n  seed\s+2025\n")
        with h5py.File(self.h5, "r") as f:
            ds = datasets(f)
            self.assertIn(f"datasets ({len(ds)})", text)
            for path, d in ds.items():
                shape = "scalar" if d.shape == () else "[" + " x ".join(map(str, d.shape)) + "]"
                unit = d.attrs.get("unit", "-")
                unit = (unit.decode() if isinstance(unit, bytes) else unit) or "-"
                if "us_scale" in d.attrs:  # a count or amount: inspect names its US unit
                    us = d.attrs["us_unit"]
                    unit += " (x us_scale)" if us == unit else f" (x us_scale = {us})"
                self.assertRegex(text, rf"\n  {re.escape(path)}\s+{re.escape(shape)}\s+{re.escape(unit)}\n", path)
        self.assertRegex(text, r"/series/unemployment_rate\s+\[3 x 14\]\s+share")

    def test_headline_numbers_equal_h5py(self):
        values = headline_values(self.out.stdout)
        with h5py.File(self.h5, "r") as f:
            u = f["series/unemployment_rate"][...]
            lt = f["series/long_term_unemployment_share"][...]
            expected = {
                "unemployment rate, month 1 (2024-01)": u[:, 0].mean(),
                "unemployment rate, month 14 (2025-02)": u[:, 13].mean(),
                "long-term share, month 1 (2024-01)": lt[:, 0].mean(),
                "long-term share, month 14 (2025-02)": lt[:, 13].mean(),
            }
            # Totals in persons: agents x persons per agent, rounded to whole persons.
            ppa = f.attrs["persons_per_agent"]
            for name, label in (("layoffs", "layoffs"), ("hires", "hires"), ("layoffs_ai", "AI-attributed layoffs")):
                expected[f"{label}, total over the run (persons)"] = f["series/" + name][...].sum(axis=1).mean() * ppa
        for label, want in expected.items():
            self.assertIn(label, values, self.out.stdout)
            tol = 5e-7 if "rate" in label or "share" in label else 0.5
            self.assertAlmostEqual(values[label], want, delta=tol, msg=label)


class InspectOtherFilesTest(TempDirCase):
    def test_incomplete_file(self):
        p = write_synthetic(self.tmp / "cut.h5", scenario="cut", months_completed=[10, 12, 8])
        r = run("inspect", p)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("complete: NO (interrupted run): months completed per replication 10, 12, 8 of 24", r.stdout)
        values = headline_values(r.stdout)
        with h5py.File(p, "r") as f:
            u = f["series/unemployment_rate"][...]
            self.assertAlmostEqual(values["unemployment rate, month 8 (2025-08)"], u[:, 7].mean(), delta=5e-7)
            self.assertAlmostEqual(values["hires, total over the run (persons)"],
                                   np.nansum(f["series/hires"][...], axis=1).mean(), delta=0.5)
        self.assertIn("/reskilling_flows", r.stdout)

    def test_missing_file(self):
        r = run("inspect", self.tmp / "nope.h5")
        self.assertEqual(r.returncode, 2)
        self.assertIn("nope.h5: no such file", r.stderr)
        self.assertEqual(r.stdout, "")

    def test_text_file(self):
        t = self.write("table.h5", "a,b\n1,2\n")
        r = run("inspect", t)
        self.assertEqual(r.returncode, 2)
        self.assertIn("table.h5: not an HDF5 file", r.stderr)

    def test_hdf5_that_is_not_an_output(self):
        p = self.tmp / "other.h5"
        with h5py.File(p, "w") as f:
            f["x"] = [1, 2, 3]
        r = run("inspect", p)
        self.assertEqual(r.returncode, 2)
        self.assertIn("other.h5: not a labourshift output file", r.stderr)


if __name__ == "__main__":
    unittest.main()
