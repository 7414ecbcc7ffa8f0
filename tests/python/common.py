"""Shared helpers for the Python tests: locate the executable and run it."""
import os
import subprocess
import tempfile
import unittest
from pathlib import Path

BIN = os.environ.get("LABOURSHIFT_BIN", str(Path(__file__).resolve().parents[2] / "build" / "labourshift"))
ROOT = Path(os.environ.get("LABOURSHIFT_ROOT", Path(__file__).resolve().parents[2]))


def run(*args, timeout=300, **kwargs):
    """Run labourshift with args; return the CompletedProcess (text output)."""
    return subprocess.run([BIN, *map(str, args)], capture_output=True, text=True, timeout=timeout, **kwargs)


class TempDirCase(unittest.TestCase):
    def setUp(self):
        self._tmp = tempfile.TemporaryDirectory(prefix="labourshift_test_")
        self.tmp = Path(self._tmp.name)

    def tearDown(self):
        self._tmp.cleanup()

    def write(self, name, text):
        path = self.tmp / name
        path.write_text(text)
        return path
