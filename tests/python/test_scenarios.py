"""Scenario composition (extends, --set), describe against docs/parameters.md, compare against h5py."""
import csv
import io
import json
import re
import unittest

import h5py
import numpy as np

from common import ROOT, TempDirCase, run

BASE = ROOT / "scenarios" / "baseline_2025.toml"


class ExtendsTest(TempDirCase):
    def test_child_overrides_parent_over_several_levels(self):
        self.write("parent.toml", f'extends = "{BASE}"\n[run]\nmonths = 12\n[policy]\nui_months = 9\n')
        child = self.write("child.toml", 'extends = "parent.toml"\n[policy]\nui_months = 12\n')
        out = self.tmp / "c.h5"
        r = run("run", child, "-o", out, "--quiet", "--set", "population.workers=5000", "--set", "run.months=3")
        self.assertEqual(r.returncode, 0, r.stderr)
        with h5py.File(out) as f:
            text = f["scenario"][()]
            text = text.decode() if isinstance(text, bytes) else text
        self.assertIn("ui_months = 12", text)  # the child wins
        self.assertIn("months = 3", text)  # --set wins over everything
        self.assertIn("core_growth_per_year = 0.02", text)  # inherited from baseline_2025
        self.assertIn('name = "child"', text)

    def test_cycle_missing_parent_and_child_typo_are_errors(self):
        self.write("a.toml", 'extends = "b.toml"\n')
        b = self.write("b.toml", 'extends = "a.toml"\n')
        r = run("validate", b)
        self.assertEqual(r.returncode, 2)
        self.assertIn("cycle", r.stderr)
        c = self.write("c.toml", 'extends = "nope.toml"\n')
        r = run("validate", c)
        self.assertEqual(r.returncode, 2)
        self.assertIn('extends = "nope.toml": no such scenario file', r.stderr)
        d = self.write("d.toml", f'extends = "{BASE}"\n[policy]\nui_mnths = 9\n')
        r = run("validate", d)
        self.assertEqual(r.returncode, 2)
        self.assertIn(f"{d}:3", r.stderr)
        self.assertIn("did you mean 'policy.ui_months'", r.stderr)
        r = run("validate", BASE, "--set", "policy.ui_months=lots")
        self.assertEqual(r.returncode, 2)
        self.assertIn("has the wrong type", r.stderr)


class DescribeTest(unittest.TestCase):
    def test_docs_parameters_is_the_describe_output(self):
        r = run("describe")
        self.assertEqual(r.returncode, 0, r.stderr)
        doc = (ROOT / "docs" / "parameters.md").read_text()
        self.assertEqual(r.stdout, doc, "docs/parameters.md is stale: build/labourshift describe > docs/parameters.md")

    def test_every_resolved_parameter_is_described(self):
        described = set(re.findall(r"^\| `([^`]+)` \|", run("describe").stdout, re.M))
        toml = run("describe", "--format", "toml").stdout
        table = ""
        for line in toml.splitlines():
            if line.startswith("["):
                table = line.strip("[]")
                if table.startswith("firms."):
                    table = "firms.<name>"
                continue
            m = re.match(r"^(\w+) = ", line)
            if m:
                self.assertIn(f"{table}.{m.group(1)}", described)


class CompareTest(TempDirCase):
    def test_compare_prints_the_numbers_h5py_reads(self):
        a, b = self.tmp / "a.h5", self.tmp / "b.h5"
        for out, extra in ((a, []), (b, ["--set", "policy.ui_months=18"])):
            r = run("run", BASE, "-o", out, "--quiet", "--months", 8, "--replications", 3,
                    "--set", "population.workers=5000", *extra)
            self.assertEqual(r.returncode, 0, r.stderr)
        r = run("compare", a, b, "--months", "3:8")
        self.assertEqual(r.returncode, 0, r.stderr)
        rows = {line.split("|")[0].strip(): [c.strip() for c in line.split("|")[1:]] for line in r.stdout.splitlines()
                if "|" in line}
        self.assertIn("a", rows["indicator"][0])
        self.assertIn("b", rows["indicator"][1])
        for label, dataset in (("unemployment rate", "unemployment_rate"),
                               ("AI-attributed layoffs (persons/month)", "layoffs_ai"),
                               ("long-term share of unemployed", "long_term_unemployment_share")):
            for col, path in enumerate((a, b)):
                with h5py.File(path) as f:
                    d = f["series/" + dataset]
                    # compare prints US magnitudes: counts x persons per agent.
                    per_rep = d[:, 2:8].mean(axis=1) * d.attrs.get("us_scale", 1.0)
                mean, lo, hi = (float(x.replace(",", "")) for x in re.findall(r"-?[0-9][0-9.,e+]*", rows[label][col]))
                # Shares print in % with two decimals, counts as whole persons.
                k, tol = (100.0, 0.006) if "rate" in label or "share" in label else (1.0, 0.51)
                np.testing.assert_allclose(mean, k * per_rep.mean(), atol=tol)
                np.testing.assert_allclose(lo, k * np.percentile(per_rep, 5), atol=tol)
                np.testing.assert_allclose(hi, k * np.percentile(per_rep, 95), atol=tol)

    def test_paired_differences_with_a_confidence_interval(self):
        a, b, c = self.tmp / "a.h5", self.tmp / "b.h5", self.tmp / "c.h5"
        for out, extra in ((a, ["--seed", 5]), (b, ["--seed", 5, "--set", "policy.ui_months=18"]),
                           (c, ["--seed", 99])):
            r = run("run", BASE, "-o", out, "--quiet", "--months", 12, "--replications", 3,
                    "--set", "population.workers=5000", *extra)
            self.assertEqual(r.returncode, 0, r.stderr)
        r = run("compare", "--baseline", a, b, "--months", "2:12", "--format", "json")
        self.assertEqual(r.returncode, 0, r.stderr)
        out = json.loads(r.stdout)
        self.assertEqual(out["months"], [2, 12])
        t975 = 4.302652729911275  # Student's t, 2 degrees of freedom
        with h5py.File(a) as fa, h5py.File(b) as fb:
            for ind in out["indicators"]:
                if ind["name"] not in ("unemployment_rate", "layoffs_ai", "ui_benefits"):
                    continue
                k = fa["series/" + ind["name"]].attrs.get("us_scale", 1.0)
                d = (fb["series/" + ind["name"]][:, 1:12].mean(axis=1) - fa["series/" + ind["name"]][:, 1:12].mean(axis=1)) * k
                diff = ind["runs"][1]["difference"]
                with self.subTest(ind["name"]):
                    self.assertEqual(diff["replications"], 3)
                    np.testing.assert_allclose(diff["mean"], d.mean(), rtol=1e-9)
                    half = t975 * d.std(ddof=1) / np.sqrt(3)
                    np.testing.assert_allclose([diff["lo95"], diff["hi95"]], [d.mean() - half, d.mean() + half],
                                               rtol=1e-8, atol=1e-12)
                    self.assertNotIn("difference", ind["runs"][0])
        # CSV for programs: one row per indicator and file.
        r = run("compare", "--baseline", a, b, "--format", "csv")
        self.assertEqual(r.returncode, 0, r.stderr)
        rows = list(csv.DictReader(io.StringIO(r.stdout)))
        self.assertEqual(len(rows), 2 * len(out["indicators"]))
        self.assertEqual(rows[0]["diff_mean"], "")
        self.assertNotEqual(rows[1]["diff_mean"], "")
        # Text: the difference in points beside the value.
        r = run("compare", "--baseline", a, b)
        self.assertRegex(r.stdout, r"unemployment rate\s+\| [0-9.]+%\s+\| [0-9.]+%  [-+][0-9.]+ pts \[")
        # Different draws cannot be paired; a window beyond the run is refused.
        r = run("compare", "--baseline", a, c)
        self.assertEqual(r.returncode, 2)
        self.assertIn("common random numbers", r.stderr)
        r = run("compare", a, b, "--months", "1:200")
        self.assertEqual(r.returncode, 2)
        self.assertIn("has months 1 to 12", r.stderr)
        r = run("compare", a, b, "--format", "xml")
        self.assertEqual(r.returncode, 2)

    def test_runs_of_different_size_or_length_need_normalise(self):
        a, b, c = self.tmp / "a.h5", self.tmp / "b.h5", self.tmp / "c.h5"
        for out, workers, months in ((a, 5000, 8), (b, 10000, 8), (c, 5000, 6)):
            r = run("run", BASE, "-o", out, "--quiet", "--months", months, "--replications", 2,
                    "--set", f"population.workers={workers}")
            self.assertEqual(r.returncode, 0, r.stderr)
        r = run("compare", a, b)
        self.assertEqual(r.returncode, 2)
        self.assertIn("5,000 agents (34,000 persons each)", r.stderr)
        self.assertIn("--normalise", r.stderr)
        r = run("compare", a, c)
        self.assertEqual(r.returncode, 2)
        self.assertIn("runs 8 months", r.stderr)
        # With --normalise: both at US scale, over the months both have.
        r = run("compare", a, b, c, "--normalise")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("months 1 to 6", r.stdout)
        row = next(line for line in r.stdout.splitlines() if line.startswith("AI-attributed layoffs"))
        cells = [float(re.findall(r"[-0-9.,e+]+", c)[0].replace(",", "")) for c in row.split("|")[1:]]
        for col, path in enumerate((a, b, c)):
            with h5py.File(path) as f:
                d = f["series/layoffs_ai"]
                # persons are printed whole: to half a person, or 6 significant digits
                np.testing.assert_allclose(cells[col], d[:, :6].mean() * d.attrs["us_scale"], rtol=1e-5,
                                           atol=0.5)
        # Runs that start in different months never compare.
        d = self.tmp / "d.h5"
        r = run("run", BASE, "-o", d, "--quiet", "--months", 8, "--replications", 2,
                "--set", "population.workers=5000", "--set", 'run.start="2024-02"')
        self.assertEqual(r.returncode, 0, r.stderr)
        r = run("compare", a, d, "--normalise")
        self.assertEqual(r.returncode, 2)
        self.assertIn("starts in 2024-01", r.stderr)

    def test_bad_inputs(self):
        r = run("compare", self.tmp / "missing.h5")
        self.assertEqual(r.returncode, 2)
        self.assertIn("missing.h5: no such output file", r.stderr)
        text = self.write("x.h5", "not hdf5")
        r = run("compare", text)
        self.assertEqual(r.returncode, 2)
        self.assertIn("not an HDF5 file", r.stderr)




class ShippedScenariosTest(TempDirCase):
    def test_every_shipped_scenario_validates_and_runs_shortened(self):
        scenarios = sorted((ROOT / "scenarios").glob("*.toml"))
        self.assertGreaterEqual(len(scenarios), 11)
        readme = (ROOT / "scenarios" / "README.md").read_text()
        for path in scenarios:
            with self.subTest(path.name):
                self.assertIn(path.name, readme, f"{path.name} has no paragraph in scenarios/README.md")
                r = run("validate", path)
                self.assertEqual(r.returncode, 0, r.stderr)
                out = self.tmp / (path.stem + ".h5")
                # Four months, or up to the month a policy window starts: a shortened run that ends
                # before a lever's start is rejected (policy.<lever>_start is outside the run).
                months = 4
                for y, m in re.findall(r'_start\s*=\s*"(\d{4})-(\d{2})"', path.read_text()):
                    months = max(months, (int(y) - 2024) * 12 + int(m))
                r = run("run", path, "-o", out, "--quiet", "--months", months, "--replications", 1,
                        "--set", "population.workers=3000")
                self.assertEqual(r.returncode, 0, r.stderr)
                with h5py.File(out) as f:
                    self.assertEqual(f.attrs["complete"], 1)
                    self.assertEqual(f.attrs["scenario"], path.stem)


if __name__ == "__main__":
    unittest.main()
