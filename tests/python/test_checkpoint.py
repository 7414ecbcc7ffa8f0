"""Checkpoint and resume (issue "Nothing lost, nothing let in", deliverable 2): a run killed at
random months (SIGKILL, no chance to clean up) and resumed from its checkpoint ends bit-identical
to a run never stopped, at 1 and 2 threads; a checkpoint of another version or scenario, or a
damaged one, is refused with exit code 2 and nothing written."""
import random
import shutil
import signal
import subprocess
import time
import unittest

import h5py
import numpy as np

from common import BIN, ROOT, TempDirCase, run

S = ROOT / "scenarios" / "baseline_2025.toml"
# Long enough that a kill lands between checkpoints, short enough for the suite.
ARGS = ["--months", "48", "--replications", "3", "--set", "population.workers=60000", "--quiet"]
EVERY = ["--checkpoint-every", "5"]
GROUPS = ["series", "by_occupation", "by_class", "events", "initial", "reemployment", "transitions"]


def datasets(path):
    out = {}
    with h5py.File(path, "r") as f:
        for g in GROUPS:
            if isinstance(f.get(g), h5py.Dataset):
                out[g] = f[g][()]
            elif g in f:
                f[g].visititems(lambda name, obj: out.__setitem__(f"{g}/{name}", obj[()])
                                if isinstance(obj, h5py.Dataset) else None)
        out["months_completed"] = f.attrs["months_completed"][()]
        out["complete"] = f.attrs["complete"]
    return out


class CheckpointResume(TempDirCase):
    @classmethod
    def setUpClass(cls):
        cls._ref = TempDirCase()
        cls._ref.setUp()
        cls.reference = cls._ref.tmp / "reference.h5"
        r = run("run", S, "-o", cls.reference, *ARGS, "--threads", "2")
        assert r.returncode == 0, r.stderr
        cls.expected = datasets(cls.reference)

    @classmethod
    def tearDownClass(cls):
        cls._ref.tearDown()

    def start(self, out, threads, *extra):
        return subprocess.Popen([BIN, "run", str(S), "-o", str(out), *ARGS, "--threads", str(threads),
                                 *EVERY, *extra], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)

    def kill_after_checkpoint(self, proc, checkpoint, delay, sig=signal.SIGKILL, newer_than=None):
        """Sends `sig` `delay` seconds after a (new) checkpoint appears; True if the run was still
        going."""
        deadline = time.time() + 120
        while time.time() < deadline and proc.poll() is None:
            if checkpoint.exists() and (newer_than is None or checkpoint.stat().st_mtime_ns != newer_than):
                break
            time.sleep(0.005)
        time.sleep(delay)
        if proc.poll() is not None:
            return False
        proc.send_signal(sig)
        proc.communicate()
        return True

    def assert_same_as_reference(self, path):
        got = datasets(path)
        self.assertEqual(sorted(got), sorted(self.expected))
        for name, want in self.expected.items():
            self.assertTrue(np.array_equal(got[name], want, equal_nan=np.asarray(want).dtype.kind == "f"),
                            f"{path}: {name} differs from the uninterrupted run")
        if shutil.which("h5diff"):
            for g in GROUPS:
                r = subprocess.run(["h5diff", str(self.reference), str(path), f"/{g}", f"/{g}"],
                                   capture_output=True, text=True)
                self.assertEqual(r.returncode, 0, f"h5diff /{g}: {r.stdout}{r.stderr}")

    def test_killed_at_random_months_and_resumed_bit_identical_at_1_and_2_threads(self):
        rng = random.Random(20261202)  # the kill times; the model's seed is the scenario's
        for run_threads, resume_threads in ((2, 1), (1, 2)):
            with self.subTest(run_threads=run_threads, resume_threads=resume_threads):
                out = self.tmp / f"r{run_threads}.h5"
                checkpoint = self.tmp / f"r{run_threads}.h5.checkpoint"
                proc = self.start(out, run_threads)
                self.assertTrue(self.kill_after_checkpoint(proc, checkpoint, rng.uniform(0, 0.3)))
                self.assertFalse(out.exists())  # SIGKILL leaves nothing under the final name
                months = []
                # Resume, kill the resumed run too after its next checkpoint, resume again.
                for attempt in range(3):
                    stamp = checkpoint.stat().st_mtime_ns
                    proc = self.start(out, resume_threads if attempt % 2 == 0 else run_threads,
                                      "--resume", str(checkpoint))
                    if attempt < 2 and self.kill_after_checkpoint(proc, checkpoint, rng.uniform(0, 0.2),
                                                                  newer_than=stamp):
                        continue
                    stdout, stderr = proc.communicate()
                    self.assertEqual(proc.returncode, 0, stderr)
                    months.append(int(stderr.split("at month ")[1].split(" ")[0]) if "at month " in stderr
                                  else None)
                    break
                self.assert_same_as_reference(out)
                self.assertFalse(checkpoint.exists())  # a finished run's checkpoint is spent

    def test_an_interrupted_run_says_how_to_resume_and_resumes(self):
        out = self.tmp / "i.h5"
        checkpoint = self.tmp / "i.h5.checkpoint"
        proc = subprocess.Popen([BIN, "run", str(S), "-o", str(out), *ARGS, "--threads", "2", *EVERY],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        self.assertTrue(self.kill_after_checkpoint(proc, checkpoint, 0.05, sig=signal.SIGTERM))
        self.assertEqual(proc.returncode, 143)
        with h5py.File(out, "r") as f:
            self.assertEqual(f.attrs["complete"], 0)
        r = run("run", S, "-o", out, *ARGS, "--threads", "2", "--resume", checkpoint)
        self.assertEqual(r.returncode, 2, r.stderr)  # the interrupted file is not replaced silently
        self.assertIn("--overwrite", r.stderr)
        r = run("run", S, "-o", out, *ARGS, "--threads", "2", "--resume", checkpoint, "--overwrite")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assert_same_as_reference(out)

    def interrupted_checkpoint(self, name):
        out = self.tmp / f"{name}.h5"
        checkpoint = self.tmp / f"{name}.h5.checkpoint"
        proc = self.start(out, 2)
        self.assertTrue(self.kill_after_checkpoint(proc, checkpoint, 0.0, sig=signal.SIGTERM))
        out.unlink()
        return checkpoint

    def assert_refused(self, checkpoint, *extra, message):
        out = self.tmp / "resumed.h5"
        before = sorted(p.name for p in self.tmp.iterdir())
        r = run("run", S, "-o", out, *ARGS, *extra, "--resume", checkpoint)
        self.assertEqual(r.returncode, 2, r.stderr)
        self.assertIn(f"{checkpoint}: cannot resume from this checkpoint" if "not a labourshift" not in message
                      else str(checkpoint), r.stderr)
        self.assertIn(message, r.stderr)
        self.assertNotIn("internal error", r.stderr)
        self.assertEqual(sorted(p.name for p in self.tmp.iterdir()), before)  # nothing written

    def test_a_checkpoint_of_another_scenario_or_version_or_a_damaged_one_is_refused(self):
        checkpoint = self.interrupted_checkpoint("c")
        data = checkpoint.read_bytes()
        self.assert_refused(checkpoint, "--set", "labour.quit_rate=0.02",
                            message="belongs to another scenario (line ")
        self.assert_refused(checkpoint, "--seed", "7", message="belongs to another scenario")

        version = subprocess.run([BIN, "--version"], capture_output=True, text=True).stdout.strip()
        other = "9" * len(version) if version != "9" * len(version) else "8" * len(version)
        marker = b"software_version"
        at = data.index(marker) + len(marker) + 4 + 8  # element size, count
        self.assertEqual(data[at:at + len(version)].decode(), version)
        checkpoint.write_bytes(data[:at] + other.encode() + data[at + len(version):])
        self.assert_refused(checkpoint, message=f"written by labourshift {other} (build ")
        self.assert_refused(checkpoint, message=f"and this is labourshift {version} (build ")

        damaged = bytearray(data)
        damaged[len(data) // 2] ^= 0x40
        checkpoint.write_bytes(bytes(damaged))
        self.assert_refused(checkpoint, message="damaged")
        checkpoint.write_bytes(data[: len(data) // 3])
        self.assert_refused(checkpoint, message="truncated or damaged")
        checkpoint.write_text("precious")
        self.assert_refused(checkpoint, message="not a labourshift checkpoint")

    def test_the_checkpoint_path_never_replaces_what_is_not_a_checkpoint(self):
        precious = self.write("r.h5.checkpoint", "precious")
        r = run("run", S, "-o", self.tmp / "r.h5", "--months", "2", "--set", "population.workers=1000",
                "--quiet", "--checkpoint-every", "1", "--overwrite")
        self.assertEqual(r.returncode, 2, r.stderr)
        self.assertIn("is not a labourshift checkpoint; it is left alone", r.stderr)
        self.assertEqual(precious.read_text(), "precious")
        r = run("run", S, "-o", self.tmp / "r.h5", "--quiet", "--checkpoint-every", "0")
        self.assertEqual(r.returncode, 2, r.stderr)
        self.assertIn("--checkpoint-every 0: expected a whole number of months from 1 to 100000", r.stderr)


if __name__ == "__main__":
    unittest.main()
