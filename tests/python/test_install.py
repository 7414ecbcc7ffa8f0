"""A relocatable install: `cmake --install` puts the binary, data, scenarios and the Python package
under a prefix; the prefix moved elsewhere still runs from any folder, reading its own data."""
import os
import shutil
import subprocess
import tempfile
import unittest
from pathlib import Path

import h5py

from common import BIN, TempDirCase


class InstallTest(TempDirCase):
    def test_an_installed_copy_moved_elsewhere_runs_with_its_own_data(self):
        build = Path(BIN).resolve().parent
        if not (build / "cmake_install.cmake").exists():
            self.skipTest(f"{BIN} is not in a CMake build folder")
        prefix = self.tmp / "prefix"
        r = subprocess.run(["cmake", "--install", str(build), "--prefix", str(prefix)],
                           capture_output=True, text=True, timeout=120)
        self.assertEqual(r.returncode, 0, r.stderr)
        moved = self.tmp / "moved"
        shutil.move(str(prefix), str(moved))
        share = moved / "share" / "labourshift"
        for part in ("bin/labourshift", "share/labourshift/data/occupations.csv",
                     "share/labourshift/scenarios/baseline_2025.toml"):
            self.assertTrue((moved / part).exists(), part)
        packages = list(moved.glob("lib/python3*/dist-packages/labourshift_analysis/report.py"))
        self.assertEqual(len(packages), 1, "the Python package is installed once")
        # Mark the installed data: the run must read this copy, not the source tree's.
        table = share / "data" / "occupations.csv"
        text = table.read_text()
        first_name = "Chief executives, general & operations managers"
        self.assertIn(first_name, text)
        table.write_text(text.replace(first_name, "Installed-copy executives"))
        elsewhere = self.tmp / "elsewhere"
        elsewhere.mkdir()
        env = {k: v for k, v in os.environ.items() if k not in ("LABOURSHIFT_DATA", "LABOURSHIFT_ANALYSIS")}
        exe = str(moved / "bin" / "labourshift")
        out = elsewhere / "run.h5"
        r = subprocess.run([exe, "run", str(share / "scenarios" / "classroom.toml"), "-o", str(out), "--quiet",
                            "--months", "3", "--replications", "1"], capture_output=True, text=True, cwd=elsewhere,
                           env=env, timeout=120)
        self.assertEqual(r.returncode, 0, r.stderr)
        with h5py.File(out) as f:
            self.assertEqual(f["occupations/name"][0].decode(), "Installed-copy executives")
        # The report runs from the installed package.
        r = subprocess.run([exe, "report", str(out), "-o", str(elsewhere / "report")], capture_output=True,
                           text=True, cwd=elsewhere, env=env, timeout=300)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertTrue((elsewhere / "report" / "index.html").exists())
        # LABOURSHIFT_DATA points an installed binary at other data.
        r = subprocess.run([exe, "validate", str(share / "scenarios" / "baseline_2025.toml")], capture_output=True,
                           text=True, env={**env, "LABOURSHIFT_DATA": str(self.tmp / "nowhere")}, timeout=60)
        self.assertEqual(r.returncode, 2)
        self.assertIn("nowhere/occupations.csv", r.stderr)


if __name__ == "__main__":
    unittest.main()
