"""The pybind11 module: labourshift.run() in memory gives the numbers a file gives, at US scale;
bad input raises InputError with the command line's message; the GIL is free while it runs."""
import os
import sys
import threading
import time
import unittest
from pathlib import Path

import h5py
import numpy as np

from common import BIN, ROOT, TempDirCase, run

MODULE_DIR = Path(os.environ.get("LABOURSHIFT_MODULE_DIR", Path(BIN).resolve().parent / "python"))
sys.path.insert(0, str(MODULE_DIR))
if "LABOURSHIFT_MODULE_DIR" in os.environ:  # CMake built the module: it must import
    import labourshift
else:
    try:
        import labourshift
    except ImportError:  # run by hand without the module: reported as a skip, with the reason
        labourshift = None

BASE = ROOT / "scenarios" / "baseline_2025.toml"


@unittest.skipIf(labourshift is None, f"no labourshift module in {MODULE_DIR} (pybind11-dev missing)")
class ModuleTest(TempDirCase):
    def test_run_in_memory_equals_the_file(self):
        out = self.tmp / "a.h5"
        r = run("run", BASE, "-o", out, "--quiet", "--replications", 2, "--months", 12, "--seed", 11,
                "--set", "population.workers=5000", "--set", "policy.ui_months=12")
        self.assertEqual(r.returncode, 0, r.stderr)
        res = labourshift.run(str(BASE), overrides={"population.workers": 5000, "policy.ui_months": 12},
                              replications=2, months=12, seed=11, threads=2)
        self.assertEqual(set(res), {"series", "by_occupation", "by_class"})
        s, o = res["series"], res["by_occupation"]
        with h5py.File(out) as f:
            ppa = f.attrs["persons_per_agent"]
            self.assertEqual(s.attrs["persons_per_agent"], ppa)
            np.testing.assert_array_equal(s["unemployment_rate"].values, f["series/unemployment_rate"][...])
            np.testing.assert_array_equal(s["layoffs"].values, f["series/layoffs"][...] * ppa)
            np.testing.assert_array_equal(o["employment"].values, f["by_occupation/employment"][...] * ppa)
            self.assertEqual(list(o.occupation.values), [x.decode() for x in f["occupations/id"]])
        self.assertEqual(s["layoffs"].attrs["unit"], "persons/month")
        self.assertEqual(str(s.month.values[0])[:10], "2024-01-01")
        self.assertEqual(int(s.month_number[-1]), 12)

    def test_bad_input_raises_with_the_cli_message(self):
        with self.assertRaises(labourshift.InputError) as cm:
            labourshift.run(str(BASE), overrides={"policy.ui_months": 999}, months=2)
        self.assertIsInstance(cm.exception, ValueError)
        r = run("validate", BASE, "--set", "policy.ui_months=999")
        self.assertEqual(r.returncode, 2)
        self.assertIn(str(cm.exception), r.stderr)
        with self.assertRaises(labourshift.InputError) as cm:
            labourshift.run(str(self.tmp / "missing.toml"))
        self.assertIn("missing.toml", str(cm.exception))
        with self.assertRaises(labourshift.InputError):
            labourshift.run(str(BASE), overrides={"labour.quitrate": 0.1}, months=2)

    def test_describe_is_the_parameter_table(self):
        rows = labourshift.describe()
        keys = [r["key"] for r in rows]
        self.assertIn("policy.ui_months", keys)
        doc = (ROOT / "docs" / "parameters.md").read_text()
        for r in rows:
            self.assertIn(f"| `{r['key']}` |", doc)

    def test_the_gil_is_released_while_it_runs(self):
        ticks = []
        done = threading.Event()

        def tick():
            while not done.is_set():
                ticks.append(time.perf_counter())
                time.sleep(0.005)

        t = threading.Thread(target=tick)
        t.start()
        start = time.perf_counter()
        labourshift.run(str(BASE), overrides={"population.workers": 100000}, months=24, threads=1)
        end = time.perf_counter()
        done.set()
        t.join()
        during = [x for x in ticks if start < x < end]
        # A held GIL would let the ticker run at most once or twice while the simulation runs.
        self.assertGreater(len(during), 0.3 * (end - start) / 0.005, f"{len(during)} ticks in {end - start:.2f} s")


if __name__ == "__main__":
    unittest.main()
