"""labourshift moments: parameters in, the calibration's moments out, through the calibration's own
evaluation: the moments it gives for the points `calibrate` evaluated are the ones calibrate logged."""
import csv
import io
import re

import numpy as np

from common import BIN, ROOT, TempDirCase, run


class MomentsTest(TempDirCase):
    def calibration(self, budget=4):
        text = (ROOT / "calibration" / "baseline_2025.toml").read_text()
        text = text.replace('"../scenarios/', f'"{ROOT}/scenarios/').replace('"../data/', f'"{ROOT}/data/')
        text = re.sub(r"^workers = \d+", "workers = 10000", text, flags=re.M)
        text = re.sub(r"^max_evaluations = \d+", f"max_evaluations = {budget}", text, flags=re.M)
        text = re.sub(r'^output = ".*"', f'output = "{self.tmp / "cal"}"', text, flags=re.M)
        return self.write("cal.toml", text)

    def test_the_moments_of_calibrate_s_own_points(self):
        cal = self.calibration()
        r = run("calibrate", cal, "--quiet", timeout=600)
        self.assertEqual(r.returncode, 0, r.stderr)
        with open(self.tmp / "cal" / "evaluations.csv") as f:
            log = list(csv.DictReader(f))
        self.assertGreaterEqual(len(log), 2)
        header = list(log[0].keys())
        params = header[2:header.index(next(h for h in header[2:] if not ("." in h)))]
        rows = self.write("rows.csv", ",".join(params) + "\n" +
                          "".join(",".join(e[p] for p in params) + "\n" for e in log[:2]))
        r = run("moments", cal, rows)
        self.assertEqual(r.returncode, 0, r.stderr)
        out = list(csv.DictReader(io.StringIO(r.stdout)))
        self.assertEqual(len(out), 2)
        moments = [h for h in header if h not in params and h not in ("evaluation", "stage", "objective")]
        self.assertGreater(len(moments), 3)
        for got, want in zip(out, log[:2]):
            for m in moments:
                with self.subTest(m):
                    # evaluations.csv keeps 10 significant digits.
                    np.testing.assert_allclose(float(got[m]), float(want[m]), rtol=1e-9, atol=1e-12)
        # stdin works the same.
        r2 = run("moments", cal, "-", input=rows.read_text())
        self.assertEqual(r2.stdout, r.stdout)

    def test_the_docs_driver_snippet_runs(self):
        doc = (ROOT / "docs" / "sweeps.md").read_text()
        snippet = next(b for b in re.findall(r"```python\n(.*?)```", doc, re.S) if "moments" in b)
        cal = self.calibration()
        snippet = snippet.replace('"build/labourshift"', repr(BIN)).replace('"calibration/baseline_2025.toml"', repr(str(cal)))
        scope = {}
        exec(compile(snippet, "docs/sweeps.md", "exec"), scope)
        self.assertEqual(len(scope["moments"]), 4)
        self.assertTrue(all(np.isfinite(float(v)) for row in scope["moments"] for v in row.values()))

    def test_bad_rows_stop_before_any_run(self):
        cal = self.calibration()
        r = run("moments", cal, self.write("a.csv", "labour.quitrate\n0.1\n"))
        self.assertEqual(r.returncode, 2)
        self.assertIn("a.csv:1: column 'labour.quitrate' is not a parameter of", r.stderr)
        text = (self.tmp / "cal.toml").read_text()
        keys = re.findall(r'^\[parameters\."([^"]+)"\]', text, flags=re.M)
        good = ",".join(["0.004", "0.5", "2.0"] + ["0.001"] * (len(keys) - 3))
        r = run("moments", cal, self.write("b.csv", ",".join(keys) + "\n" + good + "\n" + good.replace("0.004", "x", 1) + "\n"))
        self.assertEqual(r.returncode, 2)
        self.assertIn(f"b.csv:3: {keys[0]} = 'x' is not a number", r.stderr)
        self.assertEqual(r.stdout, "")
        r = run("moments", cal, self.write("c.csv", ",".join(keys) + "\n" + good.replace("0.004", "7.0", 1) + "\n"))
        self.assertEqual(r.returncode, 2)
        self.assertIn("c.csv:2:", r.stderr)
        self.assertIn("out of range", r.stderr)
