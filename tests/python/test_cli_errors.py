"""Bad input: exit code 2, a message naming the problem, and no output file."""
import unittest

from common import ROOT, TempDirCase, run

BASE = ROOT / "scenarios" / "baseline_2025.toml"


class BadInputTest(TempDirCase):
    def check_fails(self, args, *needles):
        out = self.tmp / "out.h5"
        r = run(*args, "-o", out, "--quiet") if args[0] == "run" else run(*args)
        self.assertEqual(r.returncode, 2, r.stderr)
        for n in needles:
            self.assertIn(n, r.stderr)
        self.assertFalse(out.exists())
        self.assertEqual(list(self.tmp.glob(".out.h5*")), [])  # no partial file, no lock
        return r.stderr

    def scenario(self, text):
        return self.write("bad.toml", text)

    def test_command_line_numbers_are_checked_like_scenario_values(self):
        # --seed 99999999999999999999 was clamped silently to 2^63 - 1, --months 5000 was reported as
        # "--set run.months=5000", and CLI11 called "--threads abc" not in range of a 309-digit bound.
        S = ROOT / "scenarios" / "baseline_2025.toml"
        for args, needles in [(["--seed", "99999999999999999999"], ["--seed 99999999999999999999", "[0, 9223372036854775807]"]),
                              (["--months", "5000"], ["--months 5000", "allowed [1, 1200]"]),
                              (["--replications", "0"], ["--replications 0", "allowed [1, 100000]"]),
                              (["--threads", "abc"], ["--threads abc", "whole number of threads from 1 to 1024"])]:
            with self.subTest(args=args):
                err = self.check_fails(["run", S, *args], *needles)
                self.assertNotIn("--set", err)

    def test_a_deep_extends_chain_is_an_error_not_a_stack_overflow(self):
        # A 30,000-file chain overflowed the stack (3,000 under ASan).
        for k in range(70):
            parent = f'extends = "s{k + 1}.toml"\n' if k < 69 else f'extends = "{BASE}"\n'
            self.write(f"s{k}.toml", parent)
        self.check_fails(["validate", self.tmp / "s0.toml"], "`extends` chains more than 64 files")

    def test_year_zero_is_not_a_start(self):
        p = self.write("y.toml", f'extends = "{BASE}"\n[run]\nstart = "0000-01"\n')
        self.check_fails(["validate", p], f"{p}:3", "the year must be 1900 to 2200")

    def test_unknown_command_is_named(self):
        # It said "A subcommand is required".
        r = run("frobnicate", "x.toml")
        self.assertEqual(r.returncode, 2, r.stderr)
        self.assertIn("unknown command 'frobnicate'", r.stderr)
        self.assertIn("run | validate", r.stderr)

    def test_unknown_key_with_suggestion(self):
        p = self.scenario("[run]\nmonths = 12\n\n[labour]\nquitrate = 0.01\n")
        self.check_fails(["run", p], f"{p}:5", "unknown key 'labour.quitrate'", "did you mean 'labour.quit_rate'")

    def test_typo_in_table_name(self):
        p = self.scenario("[popluation]\nworkers = 1000\n")
        self.check_fails(["run", p], f"{p}:2", "did you mean 'population.workers'")

    def test_typo_in_choice(self):
        p = self.scenario("[macro]\npath = \"cyclic\"\n")
        self.check_fails(["run", p], f"{p}:2", "macro.path = \"cyclic\"", "steady | cycle | recession")

    def test_wrong_type(self):
        p = self.scenario("[population]\nworkers = \"many\"\n")
        self.check_fails(["run", p], f"{p}:2", "population.workers = \"many\" has the wrong type",
                         "expected an integer in [10, 2000000000]")

    def test_out_of_range(self):
        p = self.scenario("[labour]\nquit_rate = 1.5\n")
        self.check_fails(["run", p], f"{p}:2", "labour.quit_rate = 1.5 is out of range: allowed [0.0, 1.0]",
                         "1/month")

    def test_missing_scenario_file(self):
        self.check_fails(["run", self.tmp / "nope.toml"], "nope.toml: no such scenario file")

    def test_toml_syntax_error(self):
        p = self.scenario("[run]\nmonths = = 3\n")
        self.check_fails(["run", p], f"{p}:2", "TOML syntax error")

    def test_missing_data_file(self):
        p = self.scenario("[data]\noccupations = \"no_such_table.csv\"\n")
        self.check_fails(["run", p], "no_such_table.csv: no such occupation table file")

    def test_bad_matrix_shape(self):
        p = self.scenario(f"[data]\nmobility = \"{ROOT / 'tests/data/mobility_wrong_shape.csv'}\"\n")
        self.check_fails(["run", p], "mobility_wrong_shape.csv", "expected 24 x 24")

    def test_bad_matrix_entry(self):
        p = self.scenario(f"[data]\nmobility = \"{ROOT / 'tests/data/mobility_out_of_range.csv'}\"\n")
        self.check_fails(["run", p], "mobility_out_of_range.csv:5", "'1.5' is out of range: allowed [0")

    def test_set_unknown_key_and_bad_value(self):
        self.check_fails(["run", BASE, "--set", "labour.quit=0.1"], "--set labour.quit=0.1",
                         "did you mean 'labour.quit_rate'")
        self.check_fails(["run", BASE, "--set", "run.months=-3"], "run.months = -3 is out of range")

    def test_validate_reports_the_same_errors(self):
        p = self.scenario("[labour]\nquit_rate = 2\n")
        self.check_fails(["validate", str(p)], "labour.quit_rate = 2 is out of range")
        r = run("validate", BASE)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("valid", r.stdout)

    def test_every_problem_of_a_file_is_reported_in_its_order(self):
        # validate (and run) stopped at one error per pass, and not in file order: keys were
        # applied alphabetically within a table.
        p = self.scenario(f'extends = "{BASE}"\n[labour]\nquit_rate = 5.0\nbogus = 1\n'
                          '[search]\napplications = "many"\n')
        for args in (["validate", str(p)], ["run", str(p)]):
            err = self.check_fails(args, "bad.toml:3: labour.quit_rate = 5.0 is out of range",
                                   "bad.toml:4: unknown key 'labour.bogus'",
                                   "bad.toml:6: search.applications = \"many\" has the wrong type")
            lines = [l for l in err.splitlines() if l.startswith("labourshift: error:")]
            self.assertEqual([l.split("bad.toml:")[1].split(":")[0] for l in lines], ["3", "4", "6"], err)

    def test_unknown_option(self):
        r = run("run", BASE, "--frobnicate")
        self.assertEqual(r.returncode, 2)


if __name__ == "__main__":
    unittest.main()
