"""Every identity docs/outputs.md lists, checked on a real output file read with h5py: stocks by
status and occupation against their flows, the JOLTS aggregates against their parts, the openings
stock, persons, firms and cash."""
import unittest

import h5py
import numpy as np

from common import ROOT, TempDirCase, run


class IdentitiesTest(TempDirCase):
    @classmethod
    def setUpClass(cls):
        import tempfile
        from pathlib import Path
        cls._dir = tempfile.TemporaryDirectory(prefix="labourshift_identities_")
        cls.out = Path(cls._dir.name) / "identities.h5"
        # A recession and the AI reallocation, so that every flow occurs; policies with windows
        # (from 2025-01, the hiring subsidy until 2025-12), so that every line of the fiscal ledger
        # is paid in some months and not in others.
        policies = ["policy.compute_tax=0.2", 'policy.compute_tax_start="2025-01"',
                    "policy.hiring_subsidy=1.0", 'policy.hiring_subsidy_start="2025-01"',
                    'policy.hiring_subsidy_end="2025-12"',
                    "policy.founder_support=1.0", "policy.founder_grant_months=6.0",
                    'policy.founder_support_start="2025-01"',
                    "policy.retraining_mandate=true", 'policy.retraining_mandate_start="2025-01"',
                    "policy.reskilling_subsidy=0.5", 'policy.reskilling_subsidy_start="2025-01"']
        r = run("run", ROOT / "scenarios" / "baseline_2025.toml", "-o", cls.out, "--quiet",
                "--months", 36, "--replications", 2, "--set", "population.workers=20000",
                "--set", "macro.path=recession", "--set", "macro.recession_month=12",
                *[a for p in policies for a in ("--set", p)])
        assert r.returncode == 0, r.stderr

    @classmethod
    def tearDownClass(cls):
        cls._dir.cleanup()

    def test_identities(self):
        with h5py.File(self.out) as f:
            s, o = f["series"], f["by_occupation"]
            S = lambda n: s[n][:]  # [replication x month]
            O = lambda n: o[n][:]  # [replication x month x occupation]

            def lagged(stock, initial=None):
                x = O(stock)
                first = f[f"initial/{initial}"][:][:, None, :] if initial else np.zeros_like(x[:, :1, :])
                return np.concatenate([first, x[:, :-1, :]], axis=1)

            checks = {
                "employment": (O("employment"), lagged("employment", "employment") + O("hires") - O("layoffs")
                               - O("quits_to_unemployment") - O("quits_to_out_of_labour_force")
                               - O("job_to_job_out") + O("redeployed_in") - O("redeployed_out")
                               - O("retirements_employed") + O("firms_created")),
                "unemployment": (O("unemployment"), lagged("unemployment", "unemployment") + O("layoffs")
                                 + O("quits_to_unemployment") - O("job_finds") - O("reskilling_starts")
                                 + O("reskilling_completions") + O("reskilling_dropouts") - O("founder_starts")
                                 + O("founder_failures") - O("exits") + O("reentries") + O("entrants")
                                 - O("retirements_unemployed")),
                "reskilling": (O("reskilling"), lagged("reskilling") + O("reskilling_starts")
                               - O("reskilling_completions_from") - O("reskilling_dropouts")
                               - O("retirements_reskilling")),
                "founders": (O("founders"), lagged("founders") + O("founder_starts") - O("founder_failures")
                             - O("retirements_founder") - O("firms_created")),
                "out_of_labour_force": (O("out_of_labour_force"),
                                        lagged("out_of_labour_force", "out_of_labour_force") + O("exits")
                                        - O("reentries") - O("retirements_out_of_labour_force")
                                        + O("quits_to_out_of_labour_force")),
            }
            for name, (lhs, rhs) in checks.items():
                with self.subTest(name):
                    np.testing.assert_array_equal(lhs, rhs)
            aggregates = {
                "hires": S("hires_from_unemployment") + S("hires_from_outside_labour_force") + S("job_to_job"),
                "quits": S("job_to_job") + S("quits_to_unemployment") + S("quits_to_out_of_labour_force"),
                "layoffs": S("layoffs_demand") + S("layoffs_automation") + S("layoffs_capex_funding")
                + S("layoffs_firm_exit"),
                "layoffs_ai": S("layoffs_automation") + S("layoffs_capex_funding"),
                "employment": O("employment").sum(axis=2),
                "unemployment": O("unemployment").sum(axis=2),
                "quits_to_unemployment": O("quits_to_unemployment").sum(axis=2),
                "hires_from_outside_labour_force": O("hires_from_outside_labour_force").sum(axis=2),
            }
            for name, rhs in aggregates.items():
                with self.subTest(name):
                    np.testing.assert_array_equal(S(name), rhs)
            for name, rhs in {
                "openings": S("openings")[:, :-1] - S("openings_expired")[:, 1:] - S("redeployments")[:, 1:]
                - S("hires")[:, 1:] + S("openings_new")[:, 1:],
                "population": S("population")[:, :-1] + S("entrants")[:, 1:] - S("retirements")[:, 1:],
                "active_firms": S("active_firms")[:, :-1] - S("firm_exits")[:, 1:] + S("firm_entries")[:, 1:]
                + S("firms_created")[:, 1:],
            }.items():
                with self.subTest(name):
                    np.testing.assert_array_equal(S(name)[:, 1:], rhs)
            with self.subTest("cash"):
                flows = (S("core_revenue") + S("ai_revenue") - S("incident_cost") - S("wage_bill") - S("capex")
                         - S("compute_opex") - S("other_costs") - S("layoff_costs") + S("new_firm_funding"))
                np.testing.assert_allclose(np.diff(S("cash"), axis=1), flows[:, 1:], rtol=1e-9,
                                           atol=1e-6 * float(np.max(np.abs(S("cash")))))
            with self.subTest("fiscal ledger"):
                net = (S("ui_benefits") + S("reskilling_public_cost") + S("hiring_subsidy_cost")
                       + S("founder_grants") - S("compute_tax"))
                np.testing.assert_allclose(S("fiscal_net_cost"), net, rtol=1e-12,
                                           atol=1e-9 * float(np.max(np.abs(net))))
                self.assertTrue(np.all(S("founder_grants") <= S("new_firm_funding")))
                self.assertTrue(np.all(S("mandate_payments") <= S("layoff_costs") * (1 + 1e-12)))
                # Before 2025-01 (months 1-12) no lever but UI is in force; the hiring subsidy
                # stops after 2025-12 (month 24).
                for name in ["compute_tax", "hiring_subsidy_cost", "founder_grants", "mandate_payments",
                             "reskilling_public_cost"]:
                    with self.subTest(f"{name} is paid only in its window"):
                        self.assertEqual(float(np.abs(S(name)[:, :12]).sum()), 0.0)
                        self.assertGreater(float(S(name)[:, 12:24].sum()), 0.0)
                self.assertEqual(float(S("hiring_subsidy_cost")[:, 24:].sum()), 0.0)
                self.assertTrue(np.all(S("ui_benefits") > 0))
            # The flows these identities are about all occur in this run.
            for name in ["quits_to_out_of_labour_force", "hires_from_outside_labour_force", "openings_expired",
                         "firm_exits", "layoffs_ai", "redeployments", "job_to_job", "reskilling_completions"]:
                with self.subTest(f"{name} occurs"):
                    self.assertGreater(float(S(name).sum()), 0)


if __name__ == "__main__":
    unittest.main()
