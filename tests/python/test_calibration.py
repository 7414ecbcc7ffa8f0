"""labourshift calibrate: bad calibration files are clear errors (exit 2); a tiny run writes its outputs."""
import csv
import re

from common import ROOT, TempDirCase, run

PRIOR = ROOT / "scenarios" / "baseline_2025_prior.toml"
TARGETS = ROOT / "data" / "targets_2025.csv"


class CalibrationFilesTest(TempDirCase):
    def spec(self, parameters, targets=TARGETS, extra=""):
        return self.write("cal.toml", f'scenario = "{PRIOR}"\ntargets = "{targets}"\nmonths = 24\nworkers = 3000\n'
                                      f'replications = 1\nmax_evaluations = 6\n{extra}{parameters}')

    def check_fails(self, path, *needles):
        r = run("calibrate", path, "-o", self.tmp / "out", "--quiet")
        self.assertEqual(r.returncode, 2, r.stderr)
        for n in needles:
            self.assertIn(n, r.stderr)
        self.assertFalse((self.tmp / "out").exists())

    def test_unknown_parameter(self):
        p = self.spec('[parameters."labour.quitrate"]\nlower = 0.0\nupper = 0.01\n')
        self.check_fails(p, "unknown key 'labour.quitrate'", "did you mean 'labour.quit_rate'")

    def test_inverted_bounds(self):
        p = self.spec('[parameters."labour.quit_rate"]\nlower = 0.01\nupper = 0.001\n')
        self.check_fails(p, f"{p}:7", "lower = 0.01 is not below upper = 0.001")

    def test_bound_outside_the_declared_range(self):
        p = self.spec('[parameters."labour.quit_rate"]\nlower = 0.0\nupper = 2.0\n')
        self.check_fails(p, "labour.quit_rate = 2.0 is out of range: allowed [0.0, 1.0]")

    def test_unknown_target_indicator(self):
        bad = self.write("targets.csv", "id,indicator,statistic,denominator,from_month,to_month,value,se,source\n"
                                        "x,series/unemployment_rat,mean,,13,24,0.04,0.01,test\n")
        p = self.spec('[parameters."labour.quit_rate"]\nlower = 0.0\nupper = 0.01\n', targets=bad)
        self.check_fails(p, "indicator 'series/unemployment_rat' does not exist")

    def bad_targets(self, row):
        bad = self.write("targets.csv", "id,indicator,statistic,denominator,from_month,to_month,value,se,source\n"
                                        "u,series/unemployment_rate,mean,,13,24,0.04,0.01,test\n" + row)
        return bad, self.spec('[parameters."labour.quit_rate"]\nlower = 0.0\nupper = 0.01\n', targets=bad)

    def test_non_finite_or_malformed_target_numbers(self):
        # A NaN target once made every objective NaN and calibrate read an empty best point.
        for row, field, value in [("x,series/layoffs,mean,,13,24,nan,nan,test\n", "value", "nan"),
                                  ("x,series/layoffs,mean,,13,24,0.01,inf,test\n", "se", "inf"),
                                  ("x,series/layoffs,mean,,13abc,24,0.01,0.001,test\n", "from_month", "13abc"),
                                  ("x,series/layoffs,mean,,13, 24,0.01,0.001,test\n", "to_month", " 24")]:
            with self.subTest(field=field):
                bad, p = self.bad_targets(row)
                self.check_fails(p, f"{bad}:3", f"{field} = '{value}' is not allowed")

    def test_empty_targets_file(self):
        bad = self.write("targets.csv", "")
        p = self.spec('[parameters."labour.quit_rate"]\nlower = 0.0\nupper = 0.01\n', targets=bad)
        self.check_fails(p, f"{bad}: no targets")

    def test_unknown_top_level_key(self):
        p = self.spec('[parameters."labour.quit_rate"]\nlower = 0.0\nupper = 0.01\n', extra="max_evaluatons = 3\n")
        self.check_fails(p, "unknown key 'max_evaluatons'", "did you mean 'max_evaluations'")

    def test_no_progress_redraws_when_stderr_is_not_a_terminal(self):
        # Without --quiet, calibrate wrote \\r progress lines into logs.
        p = self.spec('[parameters."labour.quit_rate"]\nlower = 0.0\nupper = 0.006\n')
        r = run("calibrate", p, "-o", self.tmp / "out")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertNotIn("\r", r.stderr)
        self.assertIn("objective J", r.stdout)

    def test_several_starts_each_report_an_optimum(self):
        p = self.spec('[parameters."labour.quit_rate"]\nlower = 0.0\nupper = 0.006\n', extra="starts = 3\nglobal_share = 0.0\n")
        out = self.tmp / "out"
        r = run("calibrate", p, "-o", out, "--quiet")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("3 local searches", r.stdout)
        starts = list(csv.DictReader(open(out / "starts.csv")))
        self.assertEqual([s["start"] for s in starts], ["1", "2", "3"])
        fit_j = float(re.search(r"objective J = ([0-9.e+-]+)", r.stdout).group(1))
        self.assertAlmostEqual(min(float(s["objective"]) for s in starts), fit_j, delta=1e-3 * max(1, fit_j))
        stages = {row["stage"] for row in csv.DictReader(open(out / "evaluations.csv"))}
        self.assertTrue({"local1", "local2", "local3", "jacobian"} <= stages, stages)

    def test_small_calibration_writes_its_outputs(self):
        p = self.spec('[parameters."labour.quit_rate"]\nlower = 0.0\nupper = 0.006\n')
        out = self.tmp / "out"
        r = run("calibrate", p, "-o", out, "--quiet")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("objective J", r.stdout)
        rows = list(csv.DictReader(open(out / "evaluations.csv")))
        # The budget's 6, then 2 per parameter for the Jacobian at the estimate.
        self.assertEqual(len(rows), 8)
        self.assertEqual([r["stage"] for r in rows[-2:]], ["jacobian", "jacobian"])
        inference = list(csv.DictReader(line for line in open(out / "inference.csv") if not line.startswith("#")))
        self.assertEqual([r["parameter"] for r in inference], ["labour.quit_rate"])
        self.assertIn("J test", r.stdout)
        ident = list(csv.DictReader(open(out / "identification.csv")))
        self.assertEqual(len(ident), 6)  # 6 moments x 1 parameter
        fit = list(csv.DictReader(open(out / "fit.csv")))
        self.assertEqual(len(fit), 6)
        text = (out / "calibrated.toml").read_text()
        self.assertIn("extends = ", text)
        self.assertIn("quit_rate = ", text)
        r = run("validate", out / "calibrated.toml")
        self.assertEqual(r.returncode, 0, r.stderr)
        # An existing result is not replaced without --overwrite.
        r = run("calibrate", p, "-o", out, "--quiet")
        self.assertEqual(r.returncode, 2)
        self.assertIn("exists", r.stderr)
