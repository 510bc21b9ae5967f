#!/usr/bin/env node
// Run the unit tests of src/lib: each tests/*.test.ts is bundled by esbuild (Vite's own dependency) into a
// temporary .mjs and run by node's built-in test runner. `npm run unit`.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
let build;
try {
  ({ build } = await import('esbuild'));
} catch {
  console.log('console unit tests skipped: esbuild not installed (run scripts/build-console, which runs npm ci)');
  process.exit(77);  // CTest SKIP_RETURN_CODE
}
const out = fs.mkdtempSync(path.join(os.tmpdir(), 'openaml-console-unit-'));
const entries = fs.readdirSync(here).filter((f) => f.endsWith('.test.ts')).map((f) => path.join(here, f));
await build({ entryPoints: entries, bundle: true, platform: 'node', format: 'esm', outdir: out, outExtension: { '.js': '.mjs' },
              logLevel: 'warning' });
const files = fs.readdirSync(out).map((f) => path.join(out, f));
const result = spawnSync(process.execPath, ['--test', ...files], { stdio: 'inherit' });
fs.rmSync(out, { recursive: true, force: true });
process.exit(result.status ?? 1);
