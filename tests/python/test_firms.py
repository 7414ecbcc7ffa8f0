"""Named firms and WARN notices, read from a baseline output with h5py alone: the firms at their
headcount, their 2025 layoffs beside their announcements, and WARN notices in the range the
national counts show."""
import sys
import unittest

import h5py
import numpy as np

from common import ROOT, TempDirCase, run

sys.path.insert(0, str(ROOT / "analysis"))
from labourshift_analysis.firms import named_firms_year, warn_year  # noqa: E402


class FirmsTest(TempDirCase):
    @classmethod
    def setUpClass(cls):
        import tempfile
        from pathlib import Path
        cls._dir = tempfile.TemporaryDirectory(prefix="labourshift_firms_")
        cls.out = Path(cls._dir.name) / "baseline.h5"
        # The default scale (100,000 agents, 1,700 persons each), 2024-2025, two replications.
        r = run("run", ROOT / "scenarios" / "baseline_2025.toml", "-o", cls.out, "--quiet",
                "--months", 24, "--replications", 2)
        assert r.returncode == 0, r.stderr

    @classmethod
    def tearDownClass(cls):
        cls._dir.cleanup()

    def test_named_firms_at_their_headcount(self):
        with h5py.File(self.out) as f:
            ppa = f.attrs["persons_per_agent"]
            self.assertAlmostEqual(ppa * f.attrs["workers"], f.attrs["represented_persons"])
            names = [n.decode() for n in f["firms/name"][:]]
            for firm in ("Microsoft", "Amazon (corporate)", "Amazon (operations)", "Alphabet", "Meta",
                         "Apple", "Intel"):
                self.assertIn(firm, names)
            employees, agents = f["firms/employees"][:], f["firms/agents"][:]
            np.testing.assert_array_equal(agents, np.round(employees / ppa))
            self.assertEqual(f["firms/employees"].attrs["unit"], "persons")
            emp = f["by_firm/employment"]
            self.assertEqual(emp.attrs["us_unit"], "persons")
            # Month 1's employment is the start's to within the month's own flows (a few percent).
            np.testing.assert_allclose(emp[:, 0, :], np.broadcast_to(agents, emp.shape[::2]), rtol=0.15,
                                       atol=2)
            # Labelled by the firm axis: xarray-style dimension scales.
            self.assertEqual([n.decode() for n in f["by_firm/firm"][:]], names)

    def test_2025_layoffs_beside_announcements(self):
        rows = named_firms_year(self.out, 2025)
        self.assertIsNotNone(rows)
        by = {r["firm"]: r for r in rows}
        # The data: Microsoft 6,000 in May and 9,000 in July (and two small rounds); Amazon's
        # corporate 14,000 in October, the one citing AI.
        self.assertEqual(by["Microsoft"]["announced"], 6000 + 305 + 9000 + 42)
        self.assertEqual(by["Amazon (corporate)"]["announced_ai"], 14000)
        for r in rows:
            self.assertGreaterEqual(r["modelled"], 0)
            self.assertLessEqual(r["modelled_ai"], r["modelled"] + 1e-9)
            # No firm lays off in layoff events half its staff in a year (the model's hyperscalers
            # cut far more than they announced: docs/validation.md).
            self.assertLess(r["modelled"], 0.5 * r["headcount"])
        self.assertIsNone(named_firms_year(self.out, 2027))  # not in the file

    def test_warn_notices_in_the_national_range(self):
        w = warn_year(self.out, 2025)
        # National: about 40,000 persons a month in WARN notices in 2025 (Cleveland Fed); 429
        # notices of 73 persons on average in July 2017 (WARN Firehose).
        self.assertGreater(w["notices_per_month"], 150)
        self.assertLess(w["notices_per_month"], 1500)
        self.assertGreater(w["persons_per_month"], 15000)
        self.assertLess(w["persons_per_month"], 120000)
        self.assertGreater(w["median_persons"], 50)
        self.assertLess(w["median_persons"], 200)
        self.assertAlmostEqual(sum(w["class_share"].values()), 1.0)
        with h5py.File(self.out) as f:
            rows = f["events/warn"][:]
            for rep in range(2):
                mine = rows[rows["replication"] == rep]
                for month in (13, 18, 24):
                    self.assertEqual(mine["notices"][mine["month"] == month].sum(),
                                     f["series/warn_notices"][rep, month - 1])


if __name__ == "__main__":
    unittest.main()
