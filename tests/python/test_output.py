"""The HDF5 output read with h5py: every documented dataset, shape, unit; interrupted runs."""
import signal
import subprocess
import time
import tomllib
import unittest

import h5py
import numpy as np

from common import BIN, ROOT, TempDirCase, run

SERIES = ["employment", "unemployment", "unemployment_rate", "long_term_unemployment_share", "vacancies",
          "hires", "layoffs", "quits", "job_finding_rate", "separation_rate", "wage_index"]
BY_OCCUPATION = ["employment", "unemployment", "vacancies", "hires", "layoffs", "wage"]
ROOT_ATTRS = ["format_version", "software_version", "scenario", "seed", "replications", "months", "threads",
              "complete", "wall_seconds"]


class OutputTest(TempDirCase):
    def test_datasets_shapes_units(self):
        out = self.tmp / "run.h5"
        r = run("run", ROOT / "scenarios" / "baseline_2025.toml", "-o", out, "--months", 14, "--replications", 2,
                "--set", "population.workers=20000", "--quiet", "--threads", 2)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertFalse((self.tmp / "run.h5.partial").exists())
        with h5py.File(out, "r") as f:
            for a in ROOT_ATTRS:
                self.assertIn(a, f.attrs, a)
            self.assertEqual(f.attrs["complete"], 1)
            self.assertEqual(f.attrs["replications"], 2)
            self.assertEqual(f.attrs["months"], 14)
            self.assertEqual(f.attrs["threads"], 2)
            self.assertEqual(list(f.attrs["months_completed"]), [14, 14])
            n_occ = len(f["occupations/id"])
            self.assertEqual(n_occ, 24)
            for name in SERIES:
                d = f["series/" + name]
                self.assertEqual(d.shape, (2, 14), name)
                self.assertTrue(d.attrs["unit"], name)
                self.assertTrue(np.all(np.isfinite(d[...])), name)
            for name in BY_OCCUPATION:
                d = f["by_occupation/" + name]
                self.assertEqual(d.shape, (2, 14, n_occ), name)
                self.assertTrue(d.attrs["unit"], name)
            self.assertEqual(f["transitions"].shape, (2, n_occ, n_occ))
            # Units where they are fixed by definition.
            self.assertEqual(f["series/unemployment_rate"].attrs["unit"], "share")
            self.assertEqual(f["by_occupation/wage"].attrs["unit"], "USD/person-month (run-start prices)")
            # Counts are agents, with the factor to persons beside them (docs/outputs.md: one rule).
            ppa = f.attrs["persons_per_agent"]
            self.assertEqual(ppa, f.attrs["represented_persons"] / f.attrs["workers"])
            for path, unit, us_unit in (("series/employment", "agents", "persons"),
                                        ("series/layoffs", "agents/month", "persons/month"),
                                        ("by_class/headcount", "agents", "persons"),
                                        ("transitions", "agents", "persons"),
                                        ("series/openings", "jobs", "jobs"),
                                        ("series/wage_bill", "USD/month (run-start prices)",
                                         "USD/month (run-start prices)")):
                with self.subTest(path):
                    self.assertEqual(f[path].attrs["unit"], unit)
                    self.assertEqual(f[path].attrs["us_scale"], ppa)
                    self.assertEqual(f[path].attrs["us_unit"], us_unit)
            for path in ("series/unemployment_rate", "series/mean_wage", "series/active_firms",
                         "series/warn_notices", "series/compute_price"):
                with self.subTest(path):
                    self.assertNotIn("us_scale", f[path].attrs)
            # Economics visible from outside: rates in range, identity between series.
            u = f["series/unemployment"][...]
            e = f["series/employment"][...]
            np.testing.assert_allclose(f["series/unemployment_rate"][...], u / (u + e))
            self.assertTrue(np.all((u / (u + e) > 0.01) & (u / (u + e) < 0.2)))
            np.testing.assert_array_equal(f["by_occupation/employment"][...].sum(axis=2), e)
            # /scenario is the resolved TOML: it parses and names the overrides.
            text = f["scenario"][()].decode() if isinstance(f["scenario"][()], bytes) else f["scenario"][()]
            resolved = tomllib.loads(text)
            self.assertEqual(resolved["population"]["workers"], 20000)
            self.assertEqual(resolved["run"]["months"], 14)
            self.assertIn("hyperscaler", resolved["firms"])

    def test_every_dataset_is_documented(self):
        out = self.tmp / "doc.h5"
        r = run("run", ROOT / "scenarios" / "baseline_2025.toml", "-o", out, "--months", 3,
                "--set", "population.workers=5000", "--quiet")
        self.assertEqual(r.returncode, 0, r.stderr)
        doc = (ROOT / "docs" / "outputs.md").read_text()
        with h5py.File(out, "r") as f:
            names = []
            f.visititems(lambda name, obj: names.append(name) if isinstance(obj, h5py.Dataset) else None)
            for attr in f.attrs:
                self.assertIn(f"`{attr}`", doc, f"root attribute {attr} is not in docs/outputs.md")
        for name in names:
            leaf = name.split("/")[-1]
            self.assertTrue(f"`{leaf}`" in doc or f"/{name}" in doc or f"{name}`" in doc,
                            f"dataset /{name} is not documented in docs/outputs.md")
            if name.startswith(("series/", "by_occupation/", "by_class/")):
                self.assertIn(f"| `{leaf}` |", doc, f"/{name} has no row in docs/outputs.md")

    def test_resolved_scenario_reruns_identically(self):
        out = self.tmp / "a.h5"
        r = run("run", ROOT / "scenarios" / "baseline_2025.toml", "-o", out, "--months", 6,
                "--set", "population.workers=5000", "--quiet")
        self.assertEqual(r.returncode, 0, r.stderr)
        with h5py.File(out, "r") as f:
            text = f["scenario"][()]
            text = text.decode() if isinstance(text, bytes) else text
            first = f["series/hires"][...]
        again = self.write("resolved.toml", text)
        r = run("run", again, "-o", self.tmp / "b.h5", "--quiet")
        self.assertEqual(r.returncode, 0, r.stderr)
        with h5py.File(self.tmp / "b.h5", "r") as f:
            np.testing.assert_array_equal(f["series/hires"][...], first)

    def test_existing_output_is_not_overwritten(self):
        out = self.write("keep.h5", "user data")
        r = run("run", ROOT / "scenarios" / "baseline_2025.toml", "-o", out, "--months", 2, "--quiet")
        self.assertEqual(r.returncode, 2)
        self.assertIn("exists", r.stderr)
        self.assertEqual(out.read_text(), "user data")

    def interrupt_run(self, name, months, workers, after_s):
        """Start baseline_2025 into NAME, send SIGINT `after_s` seconds after its partial file
        appears, and return the output path, the exit code and stderr."""
        out = self.tmp / name
        proc = subprocess.Popen([BIN, "run", str(ROOT / "scenarios" / "baseline_2025.toml"), "-o", str(out),
                                 "--months", str(months), "--set", f"population.workers={workers}", "--quiet"],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        deadline = time.time() + 60
        while not list(self.tmp.glob(f".{name}.*.partial")) and time.time() < deadline:
            time.sleep(0.01)
        time.sleep(after_s)
        proc.send_signal(signal.SIGINT)
        _, stderr = proc.communicate(timeout=60)
        return out, proc.returncode, stderr

    def test_sigint_leaves_readable_incomplete_file(self):
        out, code, stderr = self.interrupt_run("big.h5", 1200, 200000, after_s=1.0)  # some months
        self.assertEqual(code, 130, stderr)
        self.assertIn("interrupted", stderr)
        self.assertTrue(out.exists())
        self.assertEqual(list(self.tmp.glob(".big.h5.*")), [])  # no partial file, no lock left
        with h5py.File(out, "r") as f:
            self.assertEqual(f.attrs["complete"], 0)
            done = int(f.attrs["months_completed"][0])
            self.assertGreater(done, 0)
            self.assertLess(done, 1200)
            rate = f["series/unemployment_rate"][0]
            self.assertTrue(np.all(np.isfinite(rate[:done])))
            self.assertTrue(np.all(np.isnan(rate[done:])))

    def test_report_on_a_run_interrupted_before_its_first_month(self):
        # An interrupted run with no completed month once gave a report of ten empty figures, and
        # before that a Python traceback. It must say why there is nothing to show, exit 2.
        # The signal comes during set-up: 3 M agents take about a second.
        out, code, stderr = self.interrupt_run("early.h5", 12, 3000000, after_s=0.0)
        self.assertEqual(code, 130, stderr)
        with h5py.File(out, "r") as f:
            self.assertEqual(int(f.attrs["months_completed"][0]), 0)
        r = run("report", out, "-o", self.tmp / "early_report")
        self.assertEqual(r.returncode, 2, r.stderr)
        self.assertIn("no month was completed", r.stderr)
        self.assertNotIn("Traceback", r.stderr)
        self.assertFalse((self.tmp / "early_report" / "index.html").exists())


if __name__ == "__main__":
    unittest.main()
