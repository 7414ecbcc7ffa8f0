"""Same seed, any thread count: identical HDF5 datasets; another seed: different ones."""
import unittest

import h5py
import numpy as np

from common import ROOT, TempDirCase, run


def datasets(path):
    out = {}
    with h5py.File(path, "r") as f:
        def visit(name, obj):
            if isinstance(obj, h5py.Dataset) and obj.dtype.kind == "f":
                out[name] = obj[...]
        f.visititems(visit)
    return out


class DeterminismTest(TempDirCase):
    def run_with(self, threads, seed=11):
        out = self.tmp / f"t{threads}_s{seed}.h5"
        # 80,000 workers fill three blocks of the worker pass, and 18 months include the yearly
        # regrouping of the worker table (month 13): both must not depend on the thread count.
        r = run("run", ROOT / "scenarios" / "baseline_2025.toml", "-o", out, "--months", 18, "--replications", 2,
                "--seed", seed, "--threads", threads, "--set", "population.workers=80000", "--quiet")
        self.assertEqual(r.returncode, 0, r.stderr)
        return datasets(out)

    def test_thread_counts_give_identical_datasets(self):
        one = self.run_with(1)
        self.assertGreater(len(one), 20)
        for threads in (2, 4):
            other = self.run_with(threads)
            self.assertEqual(sorted(one), sorted(other))
            for name in one:
                np.testing.assert_array_equal(one[name], other[name], err_msg=f"{name} at {threads} threads")

    def test_seeds_differ(self):
        a = self.run_with(2, seed=11)
        b = self.run_with(2, seed=12)
        self.assertFalse(np.array_equal(a["series/hires"], b["series/hires"]))


if __name__ == "__main__":
    unittest.main()
