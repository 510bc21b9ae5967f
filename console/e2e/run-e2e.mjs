#!/usr/bin/env node
// End-to-end run of the Amazon ML banking tutorial through the web console in headless Chromium
// (playwright-core driving Debian's /usr/bin/chromium) against a running `openaml serve`.
//
//   node e2e/run-e2e.mjs --url http://127.0.0.1:8600 --access-key AK --secret SK \
//        [--data-dir examples/banking] [--shots build/console-screenshots] [--dist build/console-dist]
//        [--steps signin,objects,...] [--timeout-min 10]
//
// Each step prints PASS/FAIL/SKIP with its time; a screenshot of each page lands in --shots, plus
// results.json. Exit 0 only when every step that ran passed. If the server does not serve /console/ yet, the
// run goes through a same-origin front (serve_proxy.mjs) that serves --dist and forwards the APIs.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { startProxy } from './serve_proxy.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, '../..');

function parseArgs(argv) {
  const args = {
    url: process.env.OPENAML_URL, accessKey: process.env.OPENAML_ACCESS_KEY_ID, secret: process.env.OPENAML_SECRET_ACCESS_KEY,
    dataDir: path.join(repo, 'examples/banking'), shots: path.join(repo, 'build/console-screenshots'), dist: path.join(repo, 'build/console-dist'),
    steps: null, timeoutMin: 10, chromium: process.env.CHROMIUM ?? '/usr/bin/chromium',
  };
  for (let i = 2; i < argv.length; i += 2) {
    const key = argv[i].replace(/^--/, '').replace(/-([a-z])/g, (_, c) => c.toUpperCase());
    args[key] = argv[i + 1];
  }
  if (typeof args.steps === 'string') args.steps = args.steps.split(',');
  args.timeoutMin = Number(args.timeoutMin);
  if (!args.url || !args.accessKey || !args.secret) {
    console.error('usage: run-e2e.mjs --url URL --access-key AK --secret SK (or OPENAML_URL, OPENAML_ACCESS_KEY_ID, OPENAML_SECRET_ACCESS_KEY)');
    process.exit(2);
  }
  return args;
}

const args = parseArgs(process.argv);
const jobTimeout = args.timeoutMin * 60_000;
fs.mkdirSync(args.shots, { recursive: true });
const results = [];
// A fixed bucket name by default: the console seeds its random 70/30 split with the data's location, so a fixed
// location makes the trained model, and the AUC the test checks, the same on every run (a fresh server each time).
const state = { bucket: process.env.OPENAML_E2E_BUCKET || 'console-e2e' };

/** Does the server itself serve the built console? */
async function serverServesConsole(url) {
  try {
    const res = await fetch(`${url}/console/`);
    const text = await res.text();
    return res.ok && text.includes('/console/assets/');
  } catch {
    return false;
  }
}

let shotIndex = 0;
async function shot(page, name) {
  shotIndex++;
  const file = path.join(args.shots, `${String(shotIndex).padStart(2, '0')}-${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}

/** Wait until `locator` shows text matching `re`, reloading nothing (pages refresh themselves). */
async function waitForText(locator, re, timeout = jobTimeout) {
  const deadline = Date.now() + timeout;
  for (;;) {
    const text = (await locator.textContent({ timeout: 5000 }).catch(() => '')) ?? '';
    if (re.test(text)) return text;
    if (/FAILED/.test(text) && !re.test('FAILED')) throw new Error(`entity FAILED: ${text.slice(0, 300)}`);
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${re} (last: ${text.slice(0, 200)})`);
    await new Promise((r) => setTimeout(r, 1000));
  }
}

async function statusOf(page) {
  return page.locator('dl.summary dd .badge').first();
}

const steps = [
  ['signin', 'Sign in with the access key and secret', async (page) => {
    await page.goto(`${state.base}/console/`);
    await page.getByLabel('Access key ID').fill(args.accessKey);
    await page.getByLabel('Secret access key').fill(args.secret);
    await shot(page, 'signin');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Dashboard' }).waitFor({ timeout: 15000 });
    const stored = await page.evaluate(() => ({ local: JSON.stringify(localStorage), session: Object.keys(sessionStorage) }));
    if (stored.local.includes(args.secret)) throw new Error('the secret was written to localStorage');
    await shot(page, 'dashboard-empty');
  }],
  ['objects', 'Object store: create a bucket, upload banking.csv and banking-batch.csv (progress), multipart upload, delete', async (page) => {
    page.on('dialog', (d) => d.accept());
    await page.goto(`${state.base}/console/#/objects`);
    await page.getByLabel('New bucket').fill(state.bucket);
    await page.getByRole('button', { name: 'Create bucket' }).click();
    await page.getByRole('link', { name: state.bucket }).click();
    await page.getByText('This folder is empty.').waitFor();
    await page.setInputFiles('#upload-input', [path.join(args.dataDir, 'banking.csv'), path.join(args.dataDir, 'banking-batch.csv')]);
    await page.locator('tr[data-key="banking-batch.csv"]').waitFor({ timeout: 120000 });
    await page.locator('tr[data-key="banking.csv"]').waitFor();
    // A file above the multipart threshold (8 MiB): 3 parts of 8 MiB + a tail.
    const big = path.join(os.tmpdir(), `openaml-e2e-multipart-${process.pid}.bin`);
    const buffer = Buffer.alloc(25 * 1024 * 1024 + 12345);
    for (let i = 0; i < buffer.length; i += 4096) buffer.writeUInt32LE(i, i);
    fs.writeFileSync(big, buffer);
    await page.setInputFiles('#upload-input', big);
    const name = path.basename(big);
    await page.locator(`tr[data-key="${name}"]`).waitFor({ timeout: 180000 });
    const sizeText = await page.locator(`tr[data-key="${name}"] td.num`).textContent();
    if (!/25\.0 MiB/.test(sizeText)) throw new Error(`multipart object size shown as ${sizeText}`);
    await shot(page, 'objects-uploaded');
    await page.getByRole('button', { name: `Delete ${name}` }).click();
    await page.locator(`tr[data-key="${name}"]`).waitFor({ state: 'detached' });
    fs.unlinkSync(big);
  }],
  ['datasource', 'Create-datasource wizard: infer the schema from the first lines, y as target', async (page) => {
    const location = `s3://${state.bucket}/banking.csv`;
    await page.goto(`${state.base}/console/#/datasources/new?location=${encodeURIComponent(location)}`);
    await page.getByLabel('Datasource name').fill('Banking Data 1');
    await page.getByRole('button', { name: 'Verify and infer schema' }).click();
    await page.locator('tr[data-attribute="y"]').waitFor();
    const yType = await page.locator('select[name^="attr-type-"]').nth(20).inputValue();
    const ageType = await page.locator('select[name^="attr-type-"]').nth(0).inputValue();
    const jobType = await page.locator('select[name^="attr-type-"]').nth(1).inputValue();
    if (yType !== 'BINARY' || ageType !== 'NUMERIC' || jobType !== 'CATEGORICAL') {
      throw new Error(`inferred y=${yType} age=${ageType} job=${jobType}`);
    }
    await page.getByLabel('Target: y').check();
    await shot(page, 'datasource-schema');
    await page.getByRole('button', { name: 'Review' }).click();
    await page.getByRole('button', { name: 'Create datasource' }).waitFor();
    await shot(page, 'datasource-review');
    await page.getByRole('button', { name: 'Create datasource' }).click();
    await page.waitForURL(/#\/datasources\/ds-/);
    state.dataSourceId = decodeURIComponent(page.url().split('#/datasources/')[1]);
    await waitForText(await statusOf(page), /COMPLETED/);
  }],
  ['insights', 'Data insights: statistics, distributions, correlation to the target', async (page) => {
    await page.goto(`${state.base}/console/#/datasources/${state.dataSourceId}`);
    await page.getByRole('heading', { name: 'Data insights' }).waitFor();
    await page.getByRole('heading', { name: 'Correlation to target' }).waitFor({ timeout: 30000 });
    await page.locator('article[data-attribute="duration"]').waitFor();
    await page.waitForTimeout(800);  // chart animation
    await shot(page, 'datasource-insights');
  }],
  ['model', 'Create-model wizard, default: 70/30 split, suggested recipe, automatic evaluation', async (page) => {
    await page.goto(`${state.base}/console/#/models/new?datasource=${encodeURIComponent(state.dataSourceId)}`);
    await page.getByText(/a BINARY model/).waitFor();
    await shot(page, 'model-wizard');
    await page.getByRole('button', { name: 'Create model' }).click();
    await page.waitForURL(/#\/models\/ml-/);
    state.modelId = decodeURIComponent(page.url().split('#/models/')[1]);
    await waitForText(await statusOf(page), /COMPLETED/);
    await shot(page, 'model');
  }],
  ['evaluation', 'Evaluation page: AUC >= 0.94, threshold moved to 0.75 and saved', async (page) => {
    await page.goto(`${state.base}/console/#/models/${state.modelId}`);
    const link = page.locator('a[href^="#/evaluations/"]').first();
    await link.waitFor({ timeout: 60000 });
    await link.click();
    await waitForText(await statusOf(page), /COMPLETED/);
    const metric = Number(await page.getByTestId('metric-value').textContent({ timeout: 30000 }));
    state.auc = metric;
    await page.getByTestId('score-chart').waitFor();
    // Drag the threshold on the chart, then set it exactly with the keyboard-usable slider.
    const box = await page.getByTestId('score-chart').boundingBox();
    await page.mouse.move(box.x + box.width * 0.5, box.y + box.height * 0.5);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width * 0.7, box.y + box.height * 0.5, { steps: 5 });
    await page.mouse.up();
    const dragged = await page.getByTestId('threshold-value').textContent();
    await page.getByLabel('Score threshold', { exact: true }).fill('0.75');
    await waitForText(page.getByTestId('threshold-value'), /^0\.75$/, 5000);
    state.metricsAt075 = Object.fromEntries(await Promise.all(['accuracy', 'precision', 'recall', 'fpr', 'tp', 'fp', 'tn', 'fn']
      .map(async (k) => [k, await page.getByTestId(k).textContent()])));
    state.draggedTo = dragged;
    await shot(page, 'evaluation');
    await page.getByRole('button', { name: 'Save score threshold' }).click();
    await page.getByText('Score threshold saved: 0.75').waitFor({ timeout: 15000 });
    if (!(metric >= 0.94)) throw new Error(`AUC ${metric} < 0.94`);
  }],
  ['batch', 'Batch prediction on banking-batch.csv with the model\'s schema', async (page) => {
    await page.goto(`${state.base}/console/#/batch/new?model=${encodeURIComponent(state.modelId)}`);
    await page.getByLabel('S3 location', { exact: true }).fill(`s3://${state.bucket}/banking-batch.csv`);
    await page.getByLabel('Output S3 location').fill(`s3://${state.bucket}/output/`);
    await shot(page, 'batch-wizard');
    await page.getByRole('button', { name: 'Create batch prediction' }).click();
    await page.waitForURL(/#\/batch\/bp-/);
    await waitForText(page.getByTestId('batch-status'), /COMPLETED/);
    state.batchRecords = await page.getByTestId('total-records').textContent();
    await page.getByRole('heading', { name: 'Results' }).waitFor({ timeout: 30000 });
    await shot(page, 'batch');
    if (state.batchRecords.trim() !== '4119') throw new Error(`records seen ${state.batchRecords}`);
  }],
  ['realtime', 'Real-time: create the endpoint, predict a pasted record, delete the endpoint', async (page) => {
    const record = fs.readFileSync(path.join(args.dataDir, 'banking-batch.csv'), 'utf8').split('\n')[1];
    await page.goto(`${state.base}/console/#/predict/${state.modelId}`);
    await page.getByRole('button', { name: 'Create endpoint' }).click();
    await waitForText(page.locator('.endpoint'), /READY/, 120000);
    await page.getByLabel(/Paste a record/).fill(record);
    await page.getByRole('button', { name: 'Fill the form from this record' }).click();
    await page.getByText('Filled 20 attributes.').waitFor();
    await page.getByRole('button', { name: 'Predict', exact: true }).click();
    const label = await waitForText(page.getByTestId('prediction'), /Predicted label/, 30000);
    state.prediction = (await page.getByTestId('predicted-label').textContent()) + ' / ' +
      (await page.getByTestId('predicted-scores').textContent());
    await shot(page, 'realtime');
    if (!/[01]/.test(label)) throw new Error('no label');
    await page.getByRole('button', { name: 'Delete endpoint' }).click();
    await waitForText(page.locator('.endpoint'), /NONE/, 30000);
  }],
  ['dashboard', 'Dashboard lists every entity; works narrow (375 px) and by keyboard', async (page) => {
    await page.goto(`${state.base}/console/#/dashboard`);
    await page.locator('table[data-kind="BatchPredictions"] tbody tr').first().waitFor({ timeout: 30000 });
    await page.getByLabel('Search').fill('Banking');
    await shot(page, 'dashboard');
    await page.setViewportSize({ width: 375, height: 740 });
    await page.getByLabel('Search').fill('');
    await shot(page, 'dashboard-narrow');
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    if (overflow > 2) throw new Error(`page is ${overflow}px wider than a 375px screen`);
    await page.setViewportSize({ width: 1280, height: 800 });
    await page.goto(`${state.base}/console/#/objects`);
    await page.reload();  // a fresh document: focus starts at the top
    await page.getByRole('heading', { name: 'Object store' }).waitFor();
    await page.keyboard.press('Tab');
    const first = await page.evaluate(() => document.activeElement?.textContent);
    if (first !== 'Skip to content') throw new Error(`first Tab stop is "${first}"`);
  }],
];

async function main() {
  let proxy = null;
  if (await serverServesConsole(args.url)) {
    state.base = args.url;
    state.mode = 'served by openaml';
  } else {
    if (!fs.existsSync(path.join(args.dist, 'index.html'))) throw new Error(`no built console in ${args.dist}`);
    proxy = await startProxy(args.url, args.dist);
    state.base = proxy.url;
    state.mode = 'through the e2e front (server does not serve /console/)';
  }
  console.log(`console e2e: ${state.mode}; base ${state.base}`);
  const userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'openaml-chromium-'));
  // A fresh user-data dir (Playwright passes it to Chromium as --user-data-dir).
  const browser = await chromium.launchPersistentContext(userDataDir, {
    executablePath: args.chromium, headless: true, viewport: { width: 1280, height: 800 },
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
           '--disable-component-update', '--disable-sync'],
  });
  const page = browser.pages()[0] ?? await browser.newPage();
  const consoleErrors = [];
  page.on('pageerror', (e) => consoleErrors.push(String(e)));
  let failed = false;
  for (const [name, title, run] of steps) {
    if (args.steps && !args.steps.includes(name)) continue;
    if (failed) {
      results.push({ step: name, title, status: 'SKIP', reason: 'an earlier step failed' });
      console.log(`SKIP ${name}: ${title}`);
      continue;
    }
    const start = Date.now();
    try {
      page.setDefaultTimeout(30000);
      await run(page);
      results.push({ step: name, title, status: 'PASS', seconds: (Date.now() - start) / 1000 });
      console.log(`PASS ${name} (${((Date.now() - start) / 1000).toFixed(1)} s): ${title}`);
    } catch (e) {
      failed = true;
      results.push({ step: name, title, status: 'FAIL', seconds: (Date.now() - start) / 1000, error: String(e.message ?? e) });
      console.log(`FAIL ${name} (${((Date.now() - start) / 1000).toFixed(1)} s): ${title}\n     ${String(e.message ?? e).split('\n')[0]}`);
      await shot(page, `FAILED-${name}`).catch(() => undefined);
    }
  }
  const summary = { mode: state.mode, results, state: { ...state }, pageErrors: consoleErrors };
  fs.writeFileSync(path.join(args.shots, 'results.json'), JSON.stringify(summary, null, 2));
  console.log(JSON.stringify({ auc: state.auc, metricsAt075: state.metricsAt075, batchRecords: state.batchRecords,
                               prediction: state.prediction, pageErrors: consoleErrors }));
  await browser.close();
  fs.rmSync(userDataDir, { recursive: true, force: true });
  if (proxy) await proxy.close();
  process.exit(failed ? 1 : 0);
}

main().catch((e) => {
  console.error(`console e2e: ${e.stack ?? e}`);
  process.exit(2);
});
