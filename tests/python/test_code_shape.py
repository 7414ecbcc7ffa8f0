"""The shape of the code that docs/architecture.md promises: no function in models/ or sim/ longer
than 150 lines (declarative tables excepted), and the engine never including the economics."""
import re
import subprocess
import sys
import tempfile
import unittest
from pathlib import Path

from common import ROOT

# Tables of declarations, one entry a line: the scenario schema and the metric table.
DECLARATIVE = ["build_schema", "metric_table", "firm_class_schema"]


class CodeShape(unittest.TestCase):
    def test_no_function_longer_than_150_lines(self):
        r = subprocess.run([sys.executable, str(ROOT / "scripts" / "function_lengths.py"), "--max", "150",
                            "--allow", *DECLARATIVE, "--", str(ROOT / "models"), str(ROOT / "sim")],
                           capture_output=True, text=True)
        self.assertEqual(r.returncode, 0, "functions over 150 lines:\n" + r.stdout + r.stderr)

    def test_the_checker_sees_long_functions(self):
        # The checker must fail on a long function, or the test above proves nothing.
        body = "\n".join(f"  x += {i};" for i in range(160))
        with tempfile.TemporaryDirectory() as tmp:
            src = Path(tmp) / "long_function_probe.cpp"
            src.write_text("namespace a {\nint f(int x) {\n" + body + "\n  return x;\n}\n}  // namespace a\n")
            r = subprocess.run([sys.executable, str(ROOT / "scripts" / "function_lengths.py"), "--max", "150", str(src)],
                               capture_output=True, text=True)
        self.assertEqual(r.returncode, 1)
        self.assertIn(" f", r.stdout)

    def test_engine_does_not_include_models(self):
        for path in (ROOT / "sim").rglob("*.[ch]pp"):
            for line in path.read_text().splitlines():
                self.assertIsNone(re.match(r'\s*#\s*include\s*"(models|analysis|cli)/', line), f"{path}: {line}")


if __name__ == "__main__":
    unittest.main()
