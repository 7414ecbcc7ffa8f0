"""`labourshift report` end to end: a short real run -> the report folder -> valid PNGs, a
self-contained index.html, refusals and exit codes for bad input."""
import os
import subprocess
import sys
import tempfile
import unittest
from pathlib import Path

from analysis_helpers import is_external, local_refs, parse_html, png_size
from common import ROOT, TempDirCase, run

# Figures that need only what every output file has: always drawn.
CORE = ["unemployment", "layoffs", "beveridge", "employment_by_occupation", "status", "hires_vacancies",
        "switches", "wages", "ensemble"]


class RealRunReportTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls._tmp = tempfile.TemporaryDirectory(prefix="labourshift_report_")
        cls.tmp = Path(cls._tmp.name)
        cls.h5 = cls.tmp / "short.h5"
        r = run("run", ROOT / "scenarios" / "baseline_2025.toml", "-o", cls.h5, "--months", 14, "--replications", 3,
                "--set", "population.workers=5000", "--quiet", "--threads", 2)
        assert r.returncode == 0, r.stderr
        # No -o: the default folder is report/<stem of the first input>, relative to the working directory.
        cls.report = run("report", cls.h5, cwd=cls.tmp)
        cls.dir = cls.tmp / "report" / "short"

    @classmethod
    def tearDownClass(cls):
        cls._tmp.cleanup()

    def test_report_succeeds_in_default_folder(self):
        self.assertEqual(self.report.returncode, 0, self.report.stderr + self.report.stdout)
        self.assertTrue((self.dir / "index.html").is_file())
        self.assertTrue((self.dir / ".labourshift-report").is_file())
        self.assertIn("index.html", self.report.stdout)

    def test_every_figure_is_a_real_png(self):
        pngs = sorted(self.dir.glob("*.png"))
        names = {p.stem for p in pngs}
        for key in CORE:
            self.assertIn(key, names)
        for p in pngs:
            self.assertGreater(p.stat().st_size, 5 * 1024, p.name)
            w, h = png_size(p)
            self.assertGreater(w, 300, p.name)
            self.assertGreater(h, 300, p.name)
        for key in ("unemployment", "layoffs"):
            self.assertIn("<svg", (self.dir / f"{key}.svg").read_text()[:3000], key)

    def test_index_is_self_contained(self):
        refs, text, tags = parse_html(self.dir / "index.html")
        self.assertNotIn("script", tags)
        self.assertNotIn("link", tags)
        for ref in refs:
            self.assertFalse(is_external(ref), ref)
        local = local_refs(refs)
        self.assertTrue(any(r.endswith(".png") for r in local))
        for ref in local:
            self.assertTrue((self.dir / ref).is_file(), ref)
        for p in self.dir.glob("*.png"):
            self.assertIn(p.name, local, f"{p.name} is not shown in index.html")
        body = " ".join(text)
        self.assertFalse(text[0].startswith("INCOMPLETE RUN"), text[0])
        self.assertIn("Headline numbers", body)
        for needle in ("unemployment rate", "layoffs over the run", "hires out of unemployment over the run",
                       "hires over the run, job-to-job moves included",
                       "baseline_2025"):
            self.assertIn(needle, body)

    def test_rerun_replaces_its_own_report_only(self):
        (self.dir / "notes.txt").write_text("mine")
        r = run("report", self.h5, "-o", self.dir)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual((self.dir / "notes.txt").read_text(), "mine")
        (self.dir / "notes.txt").unlink()


class ReportRefusalsTest(TempDirCase):
    def h5_stub(self):
        """Any HDF5 file passes the C++ input check; the folder check comes before Python runs."""
        import h5py
        p = self.tmp / "x.h5"
        with h5py.File(p, "w") as f:
            f["series/unemployment_rate"] = [[0.04]]
        return p

    def test_folder_written_by_a_user_is_not_touched(self):
        user = self.tmp / "mine"
        user.mkdir()
        (user / "index.html").write_text("my page")
        r = run("report", self.h5_stub(), "-o", user)
        self.assertEqual(r.returncode, 2, r.stderr)
        self.assertIn(str(user), r.stderr)
        self.assertIn("not made by 'labourshift report'", r.stderr)
        self.assertEqual((user / "index.html").read_text(), "my page")
        self.assertEqual(sorted(p.name for p in user.iterdir()), ["index.html"])

    def test_output_path_that_is_a_file(self):
        f = self.write("taken", "x")
        r = run("report", self.h5_stub(), "-o", f)
        self.assertEqual(r.returncode, 2, r.stderr)
        self.assertIn("taken", r.stderr)

    def test_missing_input(self):
        r = run("report", self.tmp / "nope.h5", "-o", self.tmp / "rep")
        self.assertEqual(r.returncode, 2)
        self.assertIn("nope.h5: no such file", r.stderr)
        self.assertFalse((self.tmp / "rep").exists())

    def test_text_input(self):
        t = self.write("notes.h5", "this is text, not HDF5\n")
        r = run("report", t, "-o", self.tmp / "rep")
        self.assertEqual(r.returncode, 2)
        self.assertIn("notes.h5: not an HDF5 file", r.stderr)
        self.assertFalse((self.tmp / "rep").exists())

    def test_second_input_bad(self):
        r = run("report", self.h5_stub(), self.tmp / "gone.h5", "-o", self.tmp / "rep")
        self.assertEqual(r.returncode, 2)
        self.assertIn("gone.h5: no such file", r.stderr)

    def test_python_module_checks_too(self):
        t = self.write("plain.txt", "hello\n")
        env = dict(os.environ, PYTHONPATH=str(Path(ROOT) / "analysis"))
        for path, needle in ((self.tmp / "nope.h5", "nope.h5: no such file"), (t, "plain.txt: not an HDF5 file")):
            r = subprocess.run([sys.executable, "-m", "labourshift_analysis.report", str(path), "-o",
                                str(self.tmp / "rep")], capture_output=True, text=True, env=env, timeout=120)
            self.assertEqual(r.returncode, 2, r.stderr)
            self.assertIn(needle, r.stderr)


if __name__ == "__main__":
    unittest.main()
