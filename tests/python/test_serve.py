"""`labourshift serve` end to end: the server on 127.0.0.1 and the page in Debian's Chromium
(playwright-core, web/tests/serve_check.mjs): a slider changes the chart within about a second,
a bad value is shown, Stop stops, two tabs work; the API validates like a scenario file."""
import json
import shutil
import time
import signal
import subprocess
import unittest
import urllib.error
import urllib.request

from common import BIN, ROOT, TempDirCase

NODE = shutil.which("node")
CHROMIUM = shutil.which("chromium")
PLAYWRIGHT = (ROOT / "web" / "node_modules" / "playwright-core").exists()


class ServeTest(TempDirCase):
    def setUp(self):
        super().setUp()
        self.server = subprocess.Popen([BIN, "serve", str(ROOT / "scenarios" / "classroom.toml"), "--port", "0"],
                                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        line = self.server.stdout.readline()
        self.assertIn("http://127.0.0.1:", line, self.server.stderr.read() if not line else line)
        self.url = line.split(" on ", 1)[1].split()[0]

    def tearDown(self):
        self.server.send_signal(signal.SIGINT)
        try:
            self.assertEqual(self.server.wait(timeout=20), 0)
        finally:
            if self.server.poll() is None:
                self.server.kill()
            self.server.stdout.close()
            self.server.stderr.close()
        super().tearDown()

    def post(self, query):
        req = urllib.request.Request(self.url + "api/runs?" + query, data=b"", method="POST")
        try:
            with urllib.request.urlopen(req, timeout=10) as r:
                return r.status, json.loads(r.read())
        except urllib.error.HTTPError as e:
            return e.code, json.loads(e.read())

    def test_the_api_validates_like_a_scenario_file(self):
        status, body = self.post("policy.ui_months=999")
        self.assertEqual(status, 400)
        self.assertIn("--set policy.ui_months=999: policy.ui_months = 999 is out of range: allowed [0, 120]",
                      body["error"])
        status, body = self.post("run.seed=3")
        self.assertEqual(status, 400)
        self.assertIn("unknown lever 'run.seed'", body["error"])
        status, body = self.post("policy.retraining_mandate=1")
        self.assertEqual(status, 200)
        with urllib.request.urlopen(self.url + "api/levers", timeout=10) as r:
            levers = json.loads(r.read())
        self.assertEqual(levers["scenario"], "classroom")
        self.assertIn("policy.ui_months", [l["key"] for l in levers["levers"]])
        self.assertTrue(self.url.startswith("http://127.0.0.1:"))

    def test_ctrl_c_right_at_start_up_stops_the_server(self):
        # A signal between "serving ..." and the start of listening used to be lost (httplib's
        # stop() does nothing before listen), and the server then never exited.
        for _ in range(10):
            server = subprocess.Popen([BIN, "serve", str(ROOT / "scenarios" / "classroom.toml"),
                                       "--port", "0"], stdout=subprocess.PIPE,
                                      stderr=subprocess.PIPE, text=True)
            try:
                self.assertIn("http://127.0.0.1:", server.stdout.readline())
                server.send_signal(signal.SIGINT)
                self.assertEqual(server.wait(timeout=10), 0)
            finally:
                if server.poll() is None:
                    server.kill()
                server.stdout.close()
                server.stderr.close()

    def test_a_run_in_progress_stops(self):
        # A long scenario on its own server: 300,000 agents x 2 replications x 120 months.
        self.tearDown()
        super().setUp()
        big = self.write("long.toml", f'extends = "{ROOT / "scenarios" / "classroom.toml"}"\n'
                         "[run]\nmonths = 120\nreplications = 2\n[population]\nworkers = 300000\n")
        self.server = subprocess.Popen([BIN, "serve", str(big), "--port", "0"], stdout=subprocess.PIPE,
                                       stderr=subprocess.PIPE, text=True)
        self.url = self.server.stdout.readline().split(" on ", 1)[1].split()[0]
        status, body = self.post("")
        self.assertEqual(status, 200)
        stop = urllib.request.Request(f"{self.url}api/runs/{body['id']}/stop", data=b"", method="POST")
        urllib.request.urlopen(stop, timeout=10).close()
        for _ in range(200):
            with urllib.request.urlopen(f"{self.url}api/runs/{body['id']}", timeout=10) as r:
                run = json.loads(r.read())
            if run["status"] != "running":
                break
            time.sleep(0.05)
        self.assertEqual(run["status"], "stopped")
        self.assertLess(run["ready"], 120)

    @unittest.skipUnless(NODE and CHROMIUM and PLAYWRIGHT, "needs node, Debian's chromium and web/node_modules")
    def test_a_slider_changes_the_chart_in_the_browser(self):
        r = subprocess.run([NODE, str(ROOT / "web" / "tests" / "serve_check.mjs"), self.url, str(self.tmp)],
                           capture_output=True, text=True, timeout=240, cwd=ROOT / "web")
        self.assertEqual(r.returncode, 0, r.stderr + r.stdout)
        res = json.loads(r.stdout.strip().splitlines()[-1])
        self.assertEqual(res["page_errors"], [])
        self.assertEqual(res["slider_value"], "24")
        # B reran with the new value; longer benefits, less search: a higher long-term share.
        self.assertTrue(res["b_changed"])
        self.assertGreater(res["long_term_share_after"], res["long_term_share_before"])
        self.assertLess(res["first_redraw_ms"], 1500, res)  # "within about a second"
        self.assertGreater(res["b_pixels"], 200)
        self.assertGreater((self.tmp / "serve.png").stat().st_size, 20000)
        self.assertIn("out of range", res["error_text"])
        self.assertEqual(res["tabs"], [res["months"], res["months"]])
        self.assertGreaterEqual(res["stop_requests"], 1)


if __name__ == "__main__":
    unittest.main()
