"""labourshift sweep: Sobol, Latin hypercube and grid designs on real runs; the design is checked
before any run; the file and CSV hold what the design asked for."""
import csv
import unittest

import h5py
import numpy as np

from common import ROOT, TempDirCase, run

PARAMS = {"ai.growth_start_per_year": (0.5, 3.0), "ai.capability_rate_per_year": (0.2, 1.2),
          "search.hiring_standard": (1.0, 2.2), "labour.quit_rate": (0.005, 0.02)}


class SweepTest(TempDirCase):
    def design(self, method, samples=None, params=PARAMS, extra=""):
        self.write("small.toml", f'extends = "{ROOT / "scenarios" / "classroom.toml"}"\n'
                   "[population]\nworkers = 4000\n")
        lines = [f'scenario = "small.toml"', f'method = "{method}"', "replications = 1", "seed = 3",
                 "months = 24", 'outputs = ["unemployment_rate:2025", "layoffs_ai"]']
        if samples:
            lines.append(f"samples = {samples}")
        lines.append(extra)
        lines.append("[parameters]")
        for k, v in params.items():
            lines.append(f'"{k}" = {list(v)}')
        return self.write("design.toml", "\n".join(lines) + "\n")

    def test_a_sobol_sweep_of_four_parameters(self):
        out = self.tmp / "sobol.h5"
        r = run("sweep", self.design("sobol", 32), "-o", out, timeout=600)
        self.assertEqual(r.returncode, 0, r.stderr)
        with h5py.File(out) as f:
            keys = [k.decode() for k in f["parameter"]]
            self.assertEqual(sorted(keys), sorted(PARAMS))
            pts = f["points"][...]
            self.assertEqual(pts.shape, (32 * 6, 4))
            for i, k in enumerate(keys):
                lo, hi = PARAMS[k]
                self.assertTrue(np.all((pts[:, i] >= lo) & (pts[:, i] <= hi)), k)
            # AB_i rows: A with column i from B (the Saltelli design).
            A, B = pts[:32], pts[32:64]
            for i in range(4):
                AB = pts[(2 + i) * 32:(3 + i) * 32]
                np.testing.assert_array_equal(AB[:, i], B[:, i])
                np.testing.assert_array_equal(np.delete(AB, i, axis=1), np.delete(A, i, axis=1))
            s1, st = f["sensitivity/first_order"][...], f["sensitivity/total"][...]
            lo, hi = f["sensitivity/total_lo"][...], f["sensitivity/total_hi"][...]
            self.assertEqual(s1.shape, (2, 4))
            # Each output's monthly series per point; the 2025 output is its mean over 2025.
            u = f["point_series/unemployment_rate"][...]
            self.assertEqual(u.shape, (32 * 6, 24))
            np.testing.assert_allclose(f["outputs"][:, 0], u[:, 12:24].mean(axis=1), rtol=1e-12)
            # The indices sum sensibly: totals non-negative, together at least most of the
            # variance, each first order below its total up to noise; the intervals bracket them.
            self.assertTrue(np.all(st > -0.05))
            self.assertTrue(np.all(st.sum(axis=1) > 0.6), st)
            self.assertTrue(np.all(s1 < st + 0.5), (s1, st))
            self.assertTrue(np.all((lo <= st + 1e-12) & (st <= hi + 1e-12)))
            # The hiring standard drives unemployment far more than AI demand growth over 2025.
            u = keys.index("search.hiring_standard"), keys.index("ai.growth_start_per_year")
            self.assertGreater(st[0, u[0]], st[0, u[1]])
        self.assertIn("Sobol indices", r.stdout)
        # The report draws the indices and the outputs against each parameter.
        r = run("report", out, "-o", self.tmp / "rep", timeout=300)
        self.assertEqual(r.returncode, 0, r.stderr)
        page = (self.tmp / "rep" / "index.html").read_text()
        self.assertIn("Sobol indices", page)
        for png in ("sobol.png", "scatter.png"):
            self.assertGreater((self.tmp / "rep" / png).stat().st_size, 10000)
        rows = list(csv.reader(open(out.with_suffix(".csv"))))
        self.assertEqual(len(rows), 1 + 32 * 6)
        self.assertEqual(rows[0][-2:], ["unemployment_rate:2025", "layoffs_ai"])

    def test_grid_and_latin_hypercube(self):
        out = self.tmp / "grid.h5"
        r = run("sweep", self.design("grid", params={"policy.ui_months": (3, 12), "labour.quit_rate": (0.01, 0.02)}),
                "-o", out)
        self.assertEqual(r.returncode, 0, r.stderr)
        with h5py.File(out) as f:
            self.assertEqual(f["points"].shape, (4, 2))
            o = f["outputs"][...]
            self.assertEqual(o.shape, (4, 2))
            self.assertTrue(np.all((o[:, 0] > 0) & (o[:, 0] < 0.5)))
        out = self.tmp / "lhs.h5"
        r = run("sweep", self.design("lhs", 10), "-o", out)
        self.assertEqual(r.returncode, 0, r.stderr)
        with h5py.File(out) as f:
            pts = f["points"][...]
            keys = [k.decode() for k in f["parameter"]]
            for i, k in enumerate(keys):
                lo, hi = PARAMS[k]
                strata = np.floor((pts[:, i] - lo) / (hi - lo) * 10).astype(int)
                self.assertEqual(sorted(strata), list(range(10)), k)

    def test_a_bad_design_stops_before_any_run(self):
        out = self.tmp / "bad.h5"
        bad = {**PARAMS, "labour.quitrate": (0.1, 0.2), "labour.quit_rate": (0.005, 7.0)}
        r = run("sweep", self.design("sobol", 4, params=bad), "-o", out)
        self.assertEqual(r.returncode, 2)
        self.assertIn("parameters.labour.quitrate: no such scenario parameter", r.stderr)
        self.assertRegex(r.stderr, r"design.toml:\d+: parameters.labour.quit_rate = 7.0 is out of range: allowed \[0.0, 1.0\]")
        self.assertFalse(out.exists())
        # A file of the user's where the CSV would go is never replaced without --overwrite.
        mine = self.write("bad.csv", "my notes\n")
        r = run("sweep", self.design("lhs", 3), "-o", out)
        self.assertEqual(r.returncode, 2)
        self.assertIn("bad.csv exists; pass --overwrite", r.stderr)
        self.assertEqual(mine.read_text(), "my notes\n")
        self.assertFalse(out.exists())
        r = run("sweep", self.design("simplex", 4), "-o", out)
        self.assertEqual(r.returncode, 2)
        self.assertIn('method = "simplex" is not allowed', r.stderr)


if __name__ == "__main__":
    unittest.main()
