"""Under `mpirun -np 2 --oversubscribe` a run's replications, a sweep's points and the moments of a
calibration spread over two ranks and give output bit-identical to the run without MPI."""
import os
import re
import shutil
import subprocess
import unittest

import h5py
import numpy as np

from common import BIN, ROOT, TempDirCase, run

MPIRUN = shutil.which("mpirun")
ENV = {**os.environ, "OMPI_ALLOW_RUN_AS_ROOT": "1", "OMPI_ALLOW_RUN_AS_ROOT_CONFIRM": "1",
       "OMPI_MCA_rmaps_base_oversubscribe": "1"}


def mpirun(*args, timeout=300):
    return subprocess.run([MPIRUN, "-np", "2", "--oversubscribe", BIN, *map(str, args)], capture_output=True,
                          text=True, timeout=timeout, env=ENV)


@unittest.skipUnless(MPIRUN, "no mpirun (Debian openmpi-bin)")
class MpiTest(TempDirCase):
    def test_a_sobol_sweep_is_bit_identical_on_two_ranks(self):
        self.write("small.toml", f'extends = "{ROOT / "scenarios" / "classroom.toml"}"\n'
                   "[run]\nreplications = 2\n[population]\nworkers = 3000\n")
        design = self.write("d.toml", 'scenario = "small.toml"\nmethod = "sobol"\nsamples = 6\nseed = 4\n'
                            'months = 18\noutputs = ["unemployment_rate:2025", "layoffs_ai"]\n[parameters]\n'
                            '"ai.growth_start_per_year" = [0.5, 3.0]\n"labour.quit_rate" = [0.005, 0.02]\n'
                            '"search.hiring_standard" = [1.0, 2.2]\n')
        r = run("sweep", design, "-o", self.tmp / "serial.h5")
        self.assertEqual(r.returncode, 0, r.stderr)
        r = mpirun("sweep", design, "-o", self.tmp / "mpi.h5")
        self.assertEqual(r.returncode, 0, r.stderr + r.stdout)
        with h5py.File(self.tmp / "serial.h5") as a, h5py.File(self.tmp / "mpi.h5") as b:
            names = []
            a.visititems(lambda n, o: names.append(n) if isinstance(o, h5py.Dataset) else None)
            self.assertIn("sensitivity/total", names)
            for n in names:
                with self.subTest(n):
                    x, y = a[n][...], b[n][...]
                    if x.dtype.kind == "f":
                        self.assertEqual(x.tobytes(), y.tobytes())
                    else:
                        np.testing.assert_array_equal(x, y)
        self.assertEqual((self.tmp / "serial.csv").read_text(), (self.tmp / "mpi.csv").read_text())

    def test_a_run_with_replications_is_bit_identical_on_two_ranks(self):
        # Three replications on two ranks: rank 0 runs 0 and 2, rank 1 runs 1, and rank 0 writes
        # them all in replication order (the WARN table included).
        args = [ROOT / "scenarios" / "classroom.toml", "--replications", 3, "--months", 24, "--quiet",
                "--set", "population.workers=6000"]
        r = run("run", *args, "-o", self.tmp / "serial.h5")
        self.assertEqual(r.returncode, 0, r.stderr)
        r = mpirun("run", *args, "-o", self.tmp / "mpi.h5")
        self.assertEqual(r.returncode, 0, r.stderr + r.stdout)
        self.assertEqual(len(r.stdout.strip().splitlines()), 1, r.stdout)  # rank 0 reports, once
        with h5py.File(self.tmp / "serial.h5") as a, h5py.File(self.tmp / "mpi.h5") as b:
            self.assertEqual(b.attrs["complete"], 1)
            names = []
            a.visititems(lambda n, o: names.append(n) if isinstance(o, h5py.Dataset) else None)
            self.assertIn("events/warn", names)
            self.assertGreater(len(a["events/warn"]), 0)
            for n in names:
                with self.subTest(n):
                    x, y = a[n][...], b[n][...]
                    if x.dtype.kind == "O":  # strings: compare the texts, not the pointers
                        self.assertEqual(x.tolist(), y.tolist())
                    else:
                        self.assertEqual(x.tobytes(), y.tobytes())
        # Checkpoints belong to one process.
        r = mpirun("run", *args, "-o", self.tmp / "ck.h5", "--checkpoint-every", 6)
        self.assertEqual(r.returncode, 2, r.stderr)
        self.assertIn("work on one process", r.stderr)
        self.assertFalse((self.tmp / "ck.h5").exists())

    def test_a_short_calibration_is_bit_identical_on_two_ranks(self):
        # Three replications per evaluation spread over two ranks; the optimiser's path, the
        # evaluations and the fit must be the serial run's.
        text = (ROOT / "calibration" / "baseline_2025.toml").read_text()
        text = text.replace('"../scenarios/', f'"{ROOT}/scenarios/').replace('"../data/', f'"{ROOT}/data/')
        text = re.sub(r"^workers = \d+", "workers = 4000", text, flags=re.M)
        text = re.sub(r"^replications = \d+", "replications = 3", text, flags=re.M)
        text = re.sub(r"^months = \d+", "months = 24", text, flags=re.M)
        text = re.sub(r"^max_evaluations = \d+", "max_evaluations = 12", text, flags=re.M)
        cal = self.write("cal.toml", text)
        serial = run("calibrate", cal, "-o", self.tmp / "serial", "--quiet")
        self.assertEqual(serial.returncode, 0, serial.stderr)
        parallel = mpirun("calibrate", cal, "-o", self.tmp / "mpi", "--quiet")
        self.assertEqual(parallel.returncode, 0, parallel.stderr + parallel.stdout)
        for name in ("evaluations.csv", "fit.csv", "inference.csv", "identification.csv"):
            self.assertEqual((self.tmp / "serial" / name).read_text(), (self.tmp / "mpi" / name).read_text())
        strip = lambda out: [l for l in out.splitlines() if not l.startswith("objective J")]  # noqa: E731
        self.assertEqual(strip(parallel.stdout), strip(serial.stdout))  # rank 0 reports, once
        # header, the 12 of the budget, 2 per parameter for the Jacobian at the estimate
        n = len(re.findall(r'^\[parameters\.', text, flags=re.M))
        self.assertEqual(len((self.tmp / "serial" / "evaluations.csv").read_text().splitlines()), 13 + 2 * n)

    def test_moments_are_bit_identical_on_two_ranks(self):
        text = (ROOT / "calibration" / "baseline_2025.toml").read_text()
        text = text.replace('"../scenarios/', f'"{ROOT}/scenarios/').replace('"../data/', f'"{ROOT}/data/')
        text = re.sub(r"^workers = \d+", "workers = 8000", text, flags=re.M)
        cal = self.write("cal.toml", text)
        keys = re.findall(r'^\[parameters\."([^"]+)"\]', text, flags=re.M)
        rows = ",".join(keys) + "\n" + "".join(
            ",".join(f"{v:.4g}" for v in [0.003 + 0.001 * i, 0.5, 2.0] + [0.001] * (len(keys) - 3)) + "\n"
            for i in range(3))
        path = self.write("rows.csv", rows)
        serial = run("moments", cal, path)
        self.assertEqual(serial.returncode, 0, serial.stderr)
        parallel = mpirun("moments", cal, path)
        self.assertEqual(parallel.returncode, 0, parallel.stderr)
        self.assertEqual(parallel.stdout, serial.stdout)
        self.assertEqual(len(serial.stdout.splitlines()), 4)


if __name__ == "__main__":
    unittest.main()
