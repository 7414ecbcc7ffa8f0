"""Nothing a user wrote is overwritten or destroyed, and nothing is written where it should not be
(issue "Nothing lost, nothing let in", items 1, 2, 3, 5, 7 and 9). Each test failed before the fix."""
import os
import resource
import signal
import subprocess
import time
import unittest

import h5py

from common import BIN, ROOT, TempDirCase, run

S = ROOT / "scenarios" / "baseline_2025.toml"
M = ROOT / "bench" / "scale_1m.toml"
SMALL = ["--months", "2", "--set", "population.workers=1000", "--quiet"]


class OutputSafety(TempDirCase):
    def test_a_full_disk_stops_the_run_when_it_happens_and_keeps_the_earlier_file(self):
        # It ended in "cannot close file ... errno = 28" after the whole run, then a segfault at
        # exit that left the lock behind. A file-size limit fails writes as a full disk does.
        out = self.write("r.h5", "precious")
        limit = 300_000

        def small_disk():
            signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # write() fails with EFBIG instead
            resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

        r = run("run", M, "-o", out, "--overwrite", "--quiet", preexec_fn=small_disk)
        self.assertEqual(r.returncode, 1, r.stderr)
        self.assertIn(f"{out}: writing the output failed after month ", r.stderr)
        self.assertIn("(File too large)", r.stderr)
        self.assertIn("the earlier file is kept", r.stderr)
        month = int(r.stderr.split("after month ")[1].split(" ")[0])
        self.assertLess(month, 120)  # stopped when the write failed, not after the run
        self.assertNotIn("internal error", r.stderr)
        self.assertEqual(out.read_text(), "precious")
        self.assertEqual(sorted(p.name for p in self.tmp.iterdir()), ["r.h5"])  # no partial, no lock

    def test_a_planted_symlink_at_the_old_partial_name_is_not_followed(self):
        (self.tmp / "d").mkdir()
        victim = self.write("victim.txt", "precious")
        (self.tmp / "d" / "r.h5.partial").symlink_to(victim)
        r = run("run", S, "-o", self.tmp / "d" / "r.h5", *SMALL)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(victim.read_text(), "precious")
        with h5py.File(self.tmp / "d" / "r.h5", "r") as f:
            self.assertEqual(f.attrs["complete"], 1)

    def test_only_regular_files_are_replaced(self):
        victim = self.write("victim.txt", "precious")
        link = self.tmp / "link.h5"
        link.symlink_to(victim)
        fifo = self.tmp / "fifo"
        os.mkfifo(fifo)
        for target in (link, fifo, self.tmp):
            r = run("run", S, "-o", target, "--overwrite", *SMALL)
            self.assertEqual(r.returncode, 2, r.stderr)
            self.assertIn("not a regular file", r.stderr)
        self.assertTrue(link.is_symlink())
        self.assertEqual(victim.read_text(), "precious")
        self.assertTrue(fifo.is_fifo())
        self.assertEqual(sorted(p.name for p in self.tmp.iterdir()), ["fifo", "link.h5", "victim.txt"])

    def test_a_second_writer_of_the_same_output_stops_with_exit_2(self):
        out = self.tmp / "same.h5"
        env = dict(os.environ, HDF5_USE_FILE_LOCKING="FALSE")  # as on NFS or Lustre
        first = subprocess.Popen([BIN, "run", str(M), "-o", str(out), "--quiet", "--months", "120"],
                                 stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
        deadline = time.time() + 60
        while not (self.tmp / ".same.h5.lock").exists() and time.time() < deadline:
            time.sleep(0.05)
        second = subprocess.run([BIN, "run", str(M), "-o", str(out), "--quiet", "--seed", "7", "--overwrite"],
                                capture_output=True, text=True, env=env, timeout=120)
        stdout, stderr = first.communicate(timeout=300)
        self.assertEqual(first.returncode, 0, stderr)
        self.assertEqual(second.returncode, 2, second.stderr)
        self.assertIn("another labourshift run is writing", second.stderr)
        with h5py.File(out, "r") as f:
            self.assertEqual(f.attrs["seed"], 1)  # the first run's, whole
            self.assertEqual(f.attrs["complete"], 1)
        self.assertEqual([p.name for p in self.tmp.iterdir()], ["same.h5"])

    def test_an_interrupted_overwrite_keeps_the_previous_result(self):
        out = self.tmp / "keep.h5"
        r = run("run", M, "-o", out, "--quiet", "--months", "2")
        self.assertEqual(r.returncode, 0, r.stderr)
        before = out.read_bytes()
        proc = subprocess.Popen([BIN, "run", str(M), "-o", str(out), "--overwrite", "--quiet", "--months", "600"],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        deadline = time.time() + 60
        while not list(self.tmp.glob(".keep.h5.*.partial")) and time.time() < deadline:
            time.sleep(0.05)
        time.sleep(1.5)
        proc.send_signal(signal.SIGINT)
        stdout, stderr = proc.communicate(timeout=120)
        self.assertEqual(proc.returncode, 130, stderr)
        self.assertEqual(out.read_bytes(), before)
        kept = self.tmp / "keep.h5.interrupted.h5"
        self.assertIn(str(kept), stderr)
        with h5py.File(kept, "r") as f:
            self.assertEqual(f.attrs["complete"], 0)
            self.assertGreater(int(f.attrs["months_completed"][0]), 0)

    def start_long_run(self, name):
        proc = subprocess.Popen([BIN, "run", str(M), "-o", str(self.tmp / name), "--quiet", "--months", "600"],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        deadline = time.time() + 60
        while not list(self.tmp.glob(f".{name}.*.partial")) and time.time() < deadline:
            time.sleep(0.05)
        time.sleep(1.0)  # some months in
        return proc

    def test_sigterm_and_sighup_stop_cleanly_with_128_plus_the_signal(self):
        # SIGTERM exited 130 like SIGINT; SIGHUP (a closed terminal) was not handled at all.
        for sig, code in [(signal.SIGTERM, 143), (signal.SIGHUP, 129)]:
            with self.subTest(signal=sig):
                name = f"sig{code}.h5"
                proc = self.start_long_run(name)
                proc.send_signal(sig)
                stdout, stderr = proc.communicate(timeout=120)
                self.assertEqual(proc.returncode, code, stderr)
                self.assertIn("interrupted", stderr)
                with h5py.File(self.tmp / name, "r") as f:
                    self.assertEqual(f.attrs["complete"], 0)
                    self.assertGreater(int(f.attrs["months_completed"][0]), 0)
        self.assertEqual(sorted(p.name for p in self.tmp.iterdir()), ["sig129.h5", "sig143.h5"])

    def test_a_second_signal_stops_at_once_and_leaves_nothing_behind(self):
        # The second SIGINT once killed the process with its partial file and lock left behind. Two
        # signals sent together can merge into one, and a second one that comes after the file is
        # closed finds a finished run: either way nothing half-written may remain.
        proc = self.start_long_run("twice.h5")
        proc.send_signal(signal.SIGINT)
        time.sleep(0.01)
        proc.send_signal(signal.SIGINT)
        proc.communicate(timeout=120)
        self.assertEqual(proc.returncode, 130)
        left = [p.name for p in self.tmp.iterdir()]
        self.assertIn(left, ([], ["twice.h5"]))  # no partial file, no lock
        if left:
            with h5py.File(self.tmp / "twice.h5", "r") as f:
                self.assertEqual(f.attrs["complete"], 0)

    def test_output_location_problems_are_input_errors_before_any_work(self):
        # These exited 1 "internal error", '-o newdir/' only after running the whole simulation.
        self.write("afile", "user data")
        for out, needle in [("newdir/", "names a folder, not a file"), ("afile/r.h5", "afile is not a folder"),
                            ("afile/sub/r.h5", "afile is not a folder")]:
            with self.subTest(out=out):
                r = subprocess.run([BIN, "run", str(S), "-o", out, *SMALL], capture_output=True, text=True,
                                   cwd=self.tmp, timeout=60)
                self.assertEqual(r.returncode, 2, r.stderr)
                self.assertIn(needle, r.stderr)
        self.assertEqual(sorted(p.name for p in self.tmp.iterdir()), ["afile"])
        self.assertEqual((self.tmp / "afile").read_text(), "user data")

    @unittest.skipIf(os.geteuid() == 0, "root writes to read-only folders")
    def test_a_read_only_folder_is_an_input_error(self):
        ro = self.tmp / "ro"
        ro.mkdir()
        ro.chmod(0o555)
        try:
            r = run("run", S, "-o", ro / "r.h5", *SMALL)
            self.assertEqual(r.returncode, 2, r.stderr)
            self.assertIn("not writable", r.stderr)
        finally:
            ro.chmod(0o755)

    def test_8192_or_more_replications_are_written(self):
        # The per-replication months_completed attribute outgrew the 64 KiB object header at
        # 8,192 replications ("object header message is too large"), within the allowed range.
        out = self.tmp / "many.h5"
        r = run("run", S, "-o", out, "--replications", "8200", "--months", "1", "--set", "population.workers=100",
                "--quiet", timeout=600)
        self.assertEqual(r.returncode, 0, r.stderr)
        with h5py.File(out, "r") as f:
            self.assertEqual(f.attrs["complete"], 1)
            self.assertEqual(f.attrs["months_completed"].shape, (8200,))
            self.assertTrue((f.attrs["months_completed"] == 1).all())
            self.assertEqual(f["series/unemployment_rate"].shape, (8200, 1))

    def test_run_name_cannot_steer_the_output_path(self):
        work = self.tmp / "work"
        work.mkdir()
        r = subprocess.run([BIN, "run", str(S), "--set", 'run.name="../../escaped"', *SMALL],
                           capture_output=True, text=True, cwd=work, timeout=60)
        self.assertEqual(r.returncode, 2, r.stderr)
        self.assertIn("run.name", r.stderr)
        self.assertIn("plain name", r.stderr)
        self.assertEqual(list(self.tmp.rglob("*escaped*")), [])
        self.assertEqual(list(work.iterdir()), [])  # not even out/


if __name__ == "__main__":
    unittest.main()
