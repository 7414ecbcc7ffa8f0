// Drives `labourshift serve` in Debian's Chromium with playwright-core: the page loads and draws,
// moving a slider reruns B and redraws within about a second, a bad value is shown, Stop stops,
// two tabs work at once. Usage: node serve_check.mjs URL OUTDIR; prints a JSON summary.
import { chromium } from "playwright-core";

const [url, outdir] = process.argv.slice(2);
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-gpu"],
});
const result = {};
try {
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  const errors = [];
  page.on("pageerror", (e) => errors.push(String(e)));
  await page.goto(url);
  const done = (side) => `window.__labourshift.runs.${side} && window.__labourshift.runs.${side}.status === "done"`;
  await page.waitForFunction(`${done("A")} && ${done("B")}`, null, { timeout: 30000 });
  const before = await page.evaluate(() => {
    const s = window.__labourshift;
    return { id: s.runs.B.id, u: s.runs.B.values.unemployment_rate.slice(),
             lt: s.runs.B.values.long_term_unemployment_share.slice(12), months: s.months };
  });
  result.months = before.months;

  // Move the UI-duration slider to its end with the keyboard, as a student would.
  const slider = page.locator('[id="lever-policy.ui_months"]');
  await slider.focus();
  const t0 = Date.now();
  await slider.press("End");
  await page.waitForFunction((id) => {
    const b = window.__labourshift.runs.B;
    return b && b.id !== id && b.values.unemployment_rate.length >= 12;
  }, before.id, { timeout: 10000 });
  result.first_redraw_ms = Date.now() - t0;
  await page.waitForFunction(done("B"), null, { timeout: 30000 });
  result.full_run_ms = Date.now() - t0;
  const after = await page.evaluate(() => ({ u: window.__labourshift.runs.B.values.unemployment_rate.slice(),
                                             lt: window.__labourshift.runs.B.values.long_term_unemployment_share.slice(12) }));
  const mean = (v) => v.reduce((a, b) => a + b, 0) / v.length;
  result.b_changed = JSON.stringify(before.u) !== JSON.stringify(after.u);
  result.long_term_share_before = mean(before.lt);  // 2025-2030
  result.long_term_share_after = mean(after.lt);
  result.slider_value = await slider.inputValue();

  // The chart shows drawn lines: B's colour on the unemployment canvas, and a screenshot.
  result.b_pixels = await page.evaluate(() => {
    const c = document.querySelector("#chart-unemployment canvas");
    const d = c.getContext("2d").getImageData(0, 0, c.width, c.height).data;
    let n = 0;
    for (let i = 0; i < d.length; i += 4) {
      if (Math.abs(d[i] - 0xc0) < 40 && Math.abs(d[i + 1] - 0x39) < 40 && Math.abs(d[i + 2] - 0x2b) < 40) n++;
    }
    return n;
  });
  await page.screenshot({ path: `${outdir}/serve.png`, fullPage: true });

  // A bad value is shown in the page, not run.
  await page.evaluate(() => start("B", { "policy.ui_months": "999" }));
  await page.waitForFunction(() => document.getElementById("error").textContent.length > 0, null, { timeout: 5000 });
  result.error_text = await page.textContent("#error");

  // Stop asks the server to stop the runs in progress (the classroom runs finish in a fraction
  // of a second, so whether one is still running when it arrives is chance: test_serve.py checks
  // stopping on a long run through the same endpoint).
  const stops = [];
  page.on("request", (r) => { if (r.url().endsWith("/stop")) stops.push(r.url()); });
  await page.evaluate(() => start("B", { "policy.ui_months": "3" }));
  await page.click("#stop");
  await page.waitForFunction(() => window.__labourshift.runs.B.status !== "running", null, { timeout: 10000 });
  result.stop_requests = stops.length;

  // Two tabs at once.
  const [p1, p2] = [await browser.newPage(), await browser.newPage()];
  await Promise.all([p1.goto(url), p2.goto(url)]);
  await Promise.all([p1, p2].map((p) => p.waitForFunction(`${done("A")} && ${done("B")}`, null, { timeout: 30000 })));
  result.tabs = await Promise.all([p1, p2].map((p) => p.evaluate(() => window.__labourshift.runs.A.values.unemployment_rate.length)));
  result.page_errors = errors;
} finally {
  await browser.close();
}
console.log(JSON.stringify(result));
