"""Bounded dynamics: in-range scenarios that once grew vacancies without bound run to the end under
a memory limit, with openings, labour demand and unemployment in plausible ranges."""
import resource
import unittest

import h5py
import numpy as np

from common import BIN, ROOT, TempDirCase, run

LIMIT_BYTES = 1 << 30  # 1 GiB of address space for a 20,000-agent run that needs about 30 MB
CLASSES = ["hyperscaler", "big_tech", "mid_tech", "ai_native", "enterprise"]


def limit_memory():
    resource.setrlimit(resource.RLIMIT_AS, (LIMIT_BYTES, LIMIT_BYTES))


def every_class(key, value):
    return [f"firms.{k}.{key}={value}" for k in CLASSES]


CASES = {
    # Compute so dear that nothing is automated, yet AI roles were hired for "knowledge" without
    # limit: 7.1 M vacancies for 20,000 workers by month 36 and std::bad_alloc before the fix.
    "compute_price_extreme": ["ai.compute_price_start=1000000.0", "ai.compute_per_fte=1000.0"],
    # AI demand exploding: the fastest growth the schema allows, and it never decays.
    "ai_demand_exploding": ["ai.growth_start_per_year=20.0", "ai.growth_long_run_per_year=5.0",
                            "ai.growth_halflife_months=600", "ai.market_share_of_revenue_start=10.0"],
    # Every firm parameter that drives demand, hiring and orders at the opposite end of its range.
    "firm_parameters_at_the_ends": (every_class("hiring_speed", 0.01) + every_class("layoff_speed", 1.0)
                                    + every_class("order_speed", 1.0) + every_class("capacity_headroom", 5.0)
                                    + every_class("adoption_speed", 1.0) + every_class("target_margin", 0.95)
                                    + every_class("max_budget_cut_share", 1.0)
                                    + every_class("expectation_weight", 0.0) + every_class("mean_size", 1.0)
                                    + ["firms.enterprise.group_agents=1.0"]),
    # Small firms hiring slowly: with vacancies re-posted as round(hiring_speed x gap) a
    # one-worker shortfall was never refilled and unemployment reached 40%; openings are now a
    # stock with random rounding.
    # (The enterprise class is sized by the US size bands: its smallest model firms are groups of
    # group_agents agents.)
    "small_firms_slow_hiring": (every_class("hiring_speed", 0.1) + every_class("mean_size", 2.0)
                                + ["firms.enterprise.group_agents=2.0"]),
}
# Cases whose labour market must also stay normal (the firm-parameter extremes include a 95%
# target margin with unlimited budget cuts, which empties firms by design: bounded, not normal).
NORMAL = {"compute_price_extreme", "ai_demand_exploding", "small_firms_slow_hiring"}


class BoundedDynamicsTest(TempDirCase):
    def test_extreme_in_range_scenarios_stay_bounded(self):
        for name, sets in CASES.items():
            with self.subTest(name):
                out = self.tmp / f"{name}.h5"
                args = ["run", ROOT / "scenarios" / "baseline_2025.toml", "-o", out, "--quiet",
                        "--threads", 2, "--set", "population.workers=20000"]
                for s in sets:
                    args += ["--set", s]
                self.assertEqual(run("validate", ROOT / "scenarios" / "baseline_2025.toml",
                                     *sum((["--set", s] for s in sets), [])).returncode, 0)
                r = run(*args, preexec_fn=limit_memory, timeout=600)
                self.assertEqual(r.returncode, 0, r.stderr)
                with h5py.File(out) as f:
                    s = f["series"]
                    labour_force = s["labour_force"][0]
                    openings = s["openings"][0]
                    self.assertTrue(np.all(np.isfinite(openings)))
                    self.assertLess(float(np.max(openings / labour_force)), 1.0,
                                    "openings exceed the labour force")
                    self.assertLess(float(np.max(s["labour_demand"][0] / labour_force)), 2.0)
                    if name in NORMAL:
                        self.assertLess(float(np.mean(s["unemployment_rate"][0])), 0.1)


if __name__ == "__main__":
    unittest.main()
