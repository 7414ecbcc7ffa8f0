"""Memory: a run estimates its peak before allocating and stops (exit 2, nothing written) when it
cannot fit; the estimate is within 20% of the measured peak."""
import re
import resource

from common import ROOT, TempDirCase, run

BASE = ROOT / "scenarios" / "baseline_2025.toml"
SCALE = ROOT / "bench" / "scale_1m.toml"


class MemoryTest(TempDirCase):
    def test_validate_refuses_a_population_no_machine_here_holds(self):
        # It said "valid" for two billion workers; the run then grew until std::bad_alloc.
        r = run("validate", BASE, "--set", "population.workers=2000000000")
        self.assertEqual(r.returncode, 2, r.stderr)
        self.assertIn("needs about", r.stderr)
        self.assertIn("GiB is available", r.stderr)
        self.assertIn("2000000000 workers", r.stderr)

    def test_a_run_over_the_process_limit_stops_before_allocating(self):
        limit = 1536 << 20  # 1.5 GiB of address space; 20 M workers need about 1.8 GiB

        def cap():
            resource.setrlimit(resource.RLIMIT_AS, (limit, limit))

        out = self.tmp / "big.h5"
        r = run("run", BASE, "-o", out, "--quiet", "--set", "population.workers=20000000",
                preexec_fn=cap, timeout=60)
        self.assertEqual(r.returncode, 2, r.stderr)
        m = re.search(r"this run needs about ([0-9.]+) GiB", r.stderr)
        self.assertIsNotNone(m, r.stderr)
        self.assertGreater(float(m.group(1)), 1.5)
        self.assertNotIn("bad_alloc", r.stderr)
        self.assertEqual(list(self.tmp.iterdir()), [])  # no output, no partial file, no lock

    def test_the_estimate_is_within_20_percent_of_the_measured_peak(self):
        # One large replication, replications running two at a time, and many small ones whose
        # records and file buffers dominate.
        cases = [
            (SCALE, ["--months", "24", "--threads", "1"]),
            (SCALE, ["--months", "6", "--replications", "4", "--threads", "2"]),
            (BASE, ["--set", "population.workers=500000", "--months", "24", "--threads", "2"]),
            (SCALE, ["--set", "population.workers=300", "--months", "24", "--replications", "600",
                     "--threads", "2"]),
        ]
        for scenario, args in cases:
            with self.subTest(scenario=scenario.name, args=args):
                r = run("run", scenario, "-o", self.tmp / "m.h5", "--overwrite", "--quiet", *args)
                self.assertEqual(r.returncode, 0, r.stderr)
                m = re.search(r"peak memory (\d+) MiB = \d+ bytes/worker, estimated (\d+) MiB", r.stdout)
                self.assertIsNotNone(m, r.stdout)
                peak, estimate = int(m.group(1)), int(m.group(2))
                self.assertLess(abs(estimate - peak), 0.2 * peak, f"peak {peak}, estimate {estimate}")

    def test_verbose_reports_memory_by_component_that_adds_up_to_the_peak(self):
        r = run("run", SCALE, "-o", self.tmp / "v.h5", "--quiet", "--verbose", "--threads", "2",
                "--set", "population.workers=400000", "--months", "14")
        self.assertEqual(r.returncode, 0, r.stderr)

        def mib(text):
            value, unit = text.split()
            return float(value) * (1024 if unit == "GiB" else 1)

        rows = dict((m.group(1).strip(), mib(m.group(2))) for m in re.finditer(
            r"^  (.+?)\s+(-?[0-9.]+ [MG]iB)", r.stdout, re.M))
        for name in ("workers", "firms", "matching", "month lists", "per-thread firm sums",
                     "output buffers (months, events not yet written)", "peak resident (measured)"):
            self.assertIn(name, rows, r.stdout)
        # The worker table: 28 bytes a row, for the labour force, those outside it and a year's
        # entrants (its room grows by an eighth), never a doubled capacity.
        per_worker = rows["workers"] * 2**20 / 400000
        self.assertGreater(per_worker, 28)
        self.assertLess(per_worker, 28 * 1.3, r.stdout)
        # The components and the rest make the measured peak, which the summary line repeats.
        parts = sum(v for k, v in rows.items() if k != "peak resident (measured)")
        self.assertAlmostEqual(parts, rows["peak resident (measured)"], delta=2)
        m = re.search(r"peak memory (\d+) MiB = (\d+) bytes/worker", r.stdout)
        self.assertAlmostEqual(int(m.group(1)), rows["peak resident (measured)"], delta=1)
        self.assertAlmostEqual(int(m.group(2)), int(m.group(1)) * 2**20 / 400000, delta=1)


if __name__ == "__main__":
    import unittest
    unittest.main()
