// Developer check of the S3 pages against any S3 endpoint (e.g. moto), before a full openaml server exists:
// node e2e/dev_moto_check.mjs http://127.0.0.1:5055 /tmp/shots
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { startProxy } from './serve_proxy.mjs';

const [backend, shots] = process.argv.slice(2);
fs.mkdirSync(shots, { recursive: true });
const proxy = await startProxy(backend, path.resolve('../build/console-dist'));
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'chr-'));
const browser = await chromium.launchPersistentContext(dir, { executablePath: '/usr/bin/chromium', headless: true,
  args: ['--no-sandbox', '--disable-gpu'], viewport: { width: 1280, height: 800 } });
const page = await browser.newPage();
page.on('pageerror', (e) => console.log('pageerror', String(e)));
page.on('dialog', (d) => d.accept());
await page.goto(`${proxy.url}/console/`);
await page.evaluate(([ak, sk]) => sessionStorage.setItem('openaml.console.credentials',
  JSON.stringify({ accessKeyId: ak, secretAccessKey: sk, region: 'us-east-1' })), [process.env.AK ?? 'AKID', process.env.SK ?? 'secret']);
await page.goto(`${proxy.url}/console/#/objects`);
await page.getByLabel('New bucket').fill('devbucket');
await page.getByRole('button', { name: 'Create bucket' }).click();
await page.getByRole('link', { name: 'devbucket' }).click();
await page.setInputFiles('#upload-input', ['/work/shared/data/banking.csv']);
await page.locator('tr[data-key="banking.csv"]').waitFor({ timeout: 60000 });
const big = path.join(os.tmpdir(), 'big-dev.bin');
fs.writeFileSync(big, Buffer.alloc(17 * 1024 * 1024, 7));
await page.setInputFiles('#upload-input', big);
await page.locator('tr[data-key="big-dev.bin"]').waitFor({ timeout: 60000 });
console.log('big size', await page.locator('tr[data-key="big-dev.bin"] td.num').textContent());
await page.screenshot({ path: `${shots}/objects.png`, fullPage: true });
await page.getByRole('button', { name: 'Delete big-dev.bin' }).click();
await page.locator('tr[data-key="big-dev.bin"]').waitFor({ state: 'detached' });
await page.goto(`${proxy.url}/console/#/datasources/new?location=${encodeURIComponent('s3://devbucket/banking.csv')}`);
await page.getByRole('button', { name: 'Verify and infer schema' }).click();
await page.locator('tr[data-attribute="y"]').waitFor();
await page.getByLabel('Target: y').check();
await page.getByRole('button', { name: 'Review' }).click();
await page.screenshot({ path: `${shots}/wizard.png`, fullPage: true });
await page.setViewportSize({ width: 375, height: 740 });
await page.goto(`${proxy.url}/console/#/objects/devbucket`);
await page.locator('tr[data-key="banking.csv"]').waitFor();
await page.screenshot({ path: `${shots}/objects-narrow.png`, fullPage: true });
console.log('overflow', await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth));
await browser.close();
await proxy.close();
