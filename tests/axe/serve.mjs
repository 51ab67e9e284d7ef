// Drive 'vplan serve' in headless Chromium as a nurse would, and audit every page with axe-core.
// Usage: node tests/axe/serve.mjs CHROMIUM ADDRESS DAY_LIST ORDERS
// Prints one JSON object: each page's axe violations, the files saved (base64), the answer's
// lines and the refused rows.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import puppeteer from "puppeteer-core";

const require = createRequire(import.meta.url);
const axeSource = readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");
const [executablePath, address, dayList, orders] = process.argv.slice(2);

const browser = await puppeteer.launch({
  executablePath,
  headless: true,
  args: ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync"],
});
const report = { audits: {}, blocked: [] };

async function audit(page, name) {
  await page.evaluate(() => document.fonts.ready.then(() => undefined));
  await page.evaluate(axeSource);
  const result = await page.evaluate(() =>
    globalThis.axe.run(document, {
      iframes: false,
      runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"] },
    }),
  );
  report.audits[name] = result.violations.map((v) => ({
    id: v.id, help: v.help, nodes: v.nodes.map((n) => n.target.join(" ")).slice(0, 5),
  }));
}

// The page's policy lets it fetch nothing, so the link is followed as the browser would save
// it: with the page's cookie.
async function fetched(page, selector) {
  const href = await page.$eval(selector, (link) => link.href);
  const cookie = (await page.cookies()).map((c) => `${c.name}=${c.value}`).join("; ");
  const answer = await fetch(href, { headers: { cookie } });
  return Buffer.from(await answer.arrayBuffer()).toString("base64");
}

async function submit(page, selector) {
  await Promise.all([page.waitForNavigation({ waitUntil: "load" }), page.click(selector)]);
}

try {
  const page = await browser.newPage();
  page.on("requestfailed", (r) => report.blocked.push(r.url()));
  // What the policy refuses is said on the console ("Refused to load ...").
  page.on("console", (m) => { if (/Refused|Content Security Policy/.test(m.text())) report.blocked.push(m.text()); });
  await page.goto(address, { waitUntil: "load" });
  report.landed = page.url();
  await audit(page, "handout form");

  await page.type("#patient", "Ann Lee");
  await page.$eval("#procedure_date", (e) => { e.value = "2025-03-01"; });
  await page.type("#phone", "555-0100");
  await submit(page, 'button[value="preview"]');
  const frame = await (await page.waitForSelector("#preview")).contentFrame();
  await frame.waitForSelector("h1");
  report.preview_title = await frame.$eval("h1", (h) => h.textContent);
  report.preview_fonts = await frame.evaluate(() =>
    document.fonts.ready.then(() =>
      [...document.fonts].filter((f) => f.status === "loaded").map((f) => `${f.family} ${f.weight}`)));
  await audit(page, "handout preview");

  await submit(page, 'button[value="pdf"]');
  report.pdf = await fetched(page, "#download");
  report.chart_note = await page.$eval("#chart-note", (p) => p.textContent);
  await audit(page, "handout saved");

  await page.type("#mrn", "0012345");
  await submit(page, 'button[value="fhir"]');
  report.fhir = await fetched(page, "#download");

  await submit(page, 'button[value="teach"]');
  report.questions = await page.$$eval("#questions .question", (all) => all.map((p) => p.textContent));
  await audit(page, "teach-back");
  await page.click("#answered_1");
  await page.click("#answered_2");
  await submit(page, 'button[value="taught"]');
  report.teach_note = await page.$eval("#teach-note", (p) => p.textContent);
  await audit(page, "teach-back recorded");

  await (await page.$("#orders")).uploadFile(orders);
  await submit(page, 'button[value="preview"]');
  report.orders_kept = await page.$eval("#orders-kept", (p) => p.textContent);
  await audit(page, "orders kept");

  await page.$eval("#procedure_date", (e) => { e.value = ""; });
  await page.$eval("#levels", (e) => { e.value = "X9"; });
  await submit(page, 'button[value="pdf"]');
  report.errors = await page.$$eval(".error", (all) => all.map((e) => [e.id, e.textContent.trim()]));
  await audit(page, "handout with problems");

  await page.goto(new URL("/list", page.url()).href, { waitUntil: "load" });
  await audit(page, "day's list form");
  await (await page.$("#list")).uploadFile(dayList);
  await submit(page, 'form[action^="/list"] button[type="submit"]');
  report.refused = await page.$$eval("#refused tbody tr", (rows) =>
    rows.map((r) => [...r.querySelectorAll("td")].map((d) => d.textContent)));
  report.combined = await fetched(page, "#download");
  await audit(page, "day's list made");

  await page.goto(new URL("/check", page.url()).href, { waitUntil: "load" });
  await audit(page, "question box");
  await page.type("#question", "lifting 15lb");
  await page.$eval("#procedure_date", (e) => { e.value = "2025-03-01"; });
  await page.$eval("#on", (e) => { e.value = "2025-03-11"; });
  await submit(page, 'form[action^="/check"] button[type="submit"]');
  report.answer = await page.$$eval(".lines p", (all) => all.map((p) => p.textContent));
  await audit(page, "question answered");

  await page.goto(new URL("/signs", page.url()).href, { waitUntil: "load" });
  await audit(page, "warning signs");
  report.page_fonts = await page.evaluate(() =>
    [...document.fonts].filter((f) => f.status === "loaded").map((f) => `${f.family} ${f.weight}`));
} finally {
  await browser.close();
}
process.stdout.write(JSON.stringify(report) + "\n");
