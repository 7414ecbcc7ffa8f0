"""The figure functions and the HTML report on small synthetic files: scenario comparison legends,
an interrupted run, a file without the optional groups, labels, the README panel."""
import tempfile
import unittest
from pathlib import Path

import numpy as np

from analysis_helpers import parse_html, png_size, write_synthetic
from labourshift_analysis import figures
from labourshift_analysis.read import InputError, read_run, read_runs
from labourshift_analysis.report import build_report
from labourshift_analysis.summary import headline


class SyntheticFiguresTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls._tmp = tempfile.TemporaryDirectory(prefix="labourshift_figures_")
        cls.tmp = Path(cls._tmp.name)
        cls.a = write_synthetic(cls.tmp / "a.h5", scenario="alpha")
        cls.b = write_synthetic(cls.tmp / "b.h5", scenario="beta", ai_speed=2.0, seed=3)
        cls.inc = write_synthetic(cls.tmp / "inc.h5", scenario="cut", months_completed=[10, 12, 8])
        cls.bare = write_synthetic(cls.tmp / "bare.h5", scenario="bare", reps=1, firm=False, workers=False,
                                   flows=False)

    @classmethod
    def tearDownClass(cls):
        cls._tmp.cleanup()

    def test_read_run(self):
        r = read_run(self.inc)
        self.assertFalse(r.complete)
        self.assertEqual(r.last_month, 8)
        self.assertEqual(r.finite_months(), 12)
        self.assertEqual(str(r.dates[0]), "2025-01-01")
        self.assertEqual(str(r.dates[13]), "2026-02-01")
        self.assertEqual(r.s("unemployment_rate").shape, (3, 24))
        self.assertEqual(r.by_occupation["employment"].values.shape, (3, 24, 6))
        self.assertEqual(r.matrices["reskilling_flows"].values.shape, (3, 6, 6))
        self.assertTrue(r.has("series/capex") and r.has("by_class/layoffs_ai") and r.has("reskilling_flows"))
        bare = read_run(self.bare)
        self.assertTrue(bare.complete)
        self.assertEqual(bare.missing(["series/capex", "series/hires", "reskilling_flows"]),
                         ["/series/capex", "/reskilling_flows"])
        with self.assertRaises(InputError):
            read_run(self.tmp / "none.h5")

    def test_comparison_has_both_labels_in_every_legend(self):
        runs = read_runs([self.a, self.b])
        self.assertEqual([r.label for r in runs], ["alpha", "beta"])
        out = self.tmp / "compare"
        results = figures.make_all(runs, out)
        self.assertEqual(len(results), len(figures.ALL))
        for res in results:
            self.assertFalse(res.skipped, f"{res.key}: {res.note}")
            joined = " | ".join(res.legend_labels)
            for label in ("alpha", "beta"):
                self.assertIn(label, joined, f"{res.key} legend: {res.legend_labels}")
            w, h = png_size(res.png)
            self.assertGreater(min(w, h), 300, res.key)

    def test_same_scenario_names_use_file_stems(self):
        other = write_synthetic(self.tmp / "alpha_again.h5", scenario="alpha", months=6)
        runs = read_runs([self.a, other])
        self.assertEqual([r.label for r in runs], ["a", "alpha_again"])

    def test_incomplete_run(self):
        out = self.tmp / "incomplete"
        index, results = build_report([self.inc], out)
        refs, text, _ = parse_html(index)
        self.assertTrue(text[0].startswith("INCOMPLETE RUN:"), text[0])
        self.assertIn("inc.h5", text[0])
        for res in results:
            self.assertFalse(res.skipped, f"{res.key}: {res.note}")
            self.assertTrue(res.png.is_file())
        rows = {label: value for label, _, value in headline(read_run(self.inc))}
        start, end = rows["unemployment rate, first → last month"]
        self.assertEqual(rows["months (first → last completed)"], (0, 7))
        u = read_run(self.inc).s("unemployment_rate")
        self.assertAlmostEqual(start, u[:, 0].mean())
        self.assertAlmostEqual(end, u[:, 7].mean())  # the last month every replication finished

    def test_missing_optional_groups_are_skipped_with_a_note(self):
        out = self.tmp / "bare"
        index, results = build_report([self.bare], out)
        by_key = {r.key: r for r in results}
        for key in ("reallocation", "reskilling_flows", "ai_economy", "worker_responses", "ensemble"):
            self.assertTrue(by_key[key].skipped, key)
            self.assertTrue(by_key[key].note.startswith("skipped:"), by_key[key].note)
        self.assertIn("no /series/ai_revenue", by_key["reallocation"].note)
        self.assertIn("the firm model was not run", by_key["reallocation"].note)
        self.assertIn("no /reskilling_flows", by_key["reskilling_flows"].note)
        for key in ("unemployment", "layoffs", "beveridge", "employment_by_occupation", "status", "switches"):
            self.assertFalse(by_key[key].skipped, key)
        refs, text, _ = parse_html(index)
        body = " ".join(text)
        self.assertFalse(text[0].startswith("INCOMPLETE"))
        self.assertIn("skipped: this file has no /series/ai_revenue", body)
        self.assertIn("not in this file", body)  # AI-attributed layoffs in the headline table
        self.assertFalse((out / "reallocation.png").exists())

    def test_readme_panel(self):
        path = figures.readme_panel(read_runs([self.a]), self.tmp / "img" / "panel.png")
        w, h = png_size(path)
        self.assertGreater(w, 800)
        self.assertGreater(h, 600)
        bare = figures.readme_panel(read_runs([self.bare]), self.tmp / "img" / "bare.png")
        self.assertGreater(png_size(bare)[0], 800)


if __name__ == "__main__":
    unittest.main()
