/**
 * Runs the browser scenarios (`scenarios/<name>.mjs`, each a default-exported
 * `async function (t)` that throws on failure) one after another in one Chromium, and
 * prints one line per scenario. Exits non-zero when any failed.
 *
 *   node tests/browser/run.mjs [scenario names...]   (all scenarios when none named)
 *
 * Environment: CIVITAS_URL (the server, e.g. http://127.0.0.1:8101), CIVITAS_ADMIN_TOKEN
 * (its auth.admin_token), CHROMIUM (default /usr/bin/chromium), SCREENSHOT_DIR (default
 * target/browser/screenshots), SCENARIO_TIMEOUT_SECS (default 300).
 */

import { readdir } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

import { chromium } from 'playwright-core';

import { Scenario, createUsers } from './lib.mjs';

const here = dirname(fileURLToPath(import.meta.url));

function configFromEnvironment() {
  const baseUrl = (process.env.CIVITAS_URL || '').replace(/\/+$/, '');
  const adminToken = process.env.CIVITAS_ADMIN_TOKEN || '';
  if (!baseUrl || !adminToken) {
    throw new Error('set CIVITAS_URL (the server) and CIVITAS_ADMIN_TOKEN (its auth.admin_token)');
  }
  return {
    baseUrl,
    adminToken,
    chromium: process.env.CHROMIUM || '/usr/bin/chromium',
    screenshotDir: resolve(process.env.SCREENSHOT_DIR || 'target/browser/screenshots'),
    scenarioTimeoutMs: Number(process.env.SCENARIO_TIMEOUT_SECS || 300) * 1000,
    runId: Date.now().toString(36),
  };
}

/** The scenarios to run: those named, else every file in scenarios/, by name. */
async function scenarioNames(requested) {
  const available = (await readdir(join(here, 'scenarios')))
    .filter((file) => file.endsWith('.mjs'))
    .map((file) => basename(file, '.mjs'))
    .sort();
  const unknown = requested.filter((name) => !available.includes(name));
  if (unknown.length > 0) {
    throw new Error(`no such scenario: ${unknown.join(', ')} (there are: ${available.join(', ')})`);
  }
  const names = requested.length > 0 ? requested : available;
  if (names.length === 0) throw new Error('no scenarios in tests/browser/scenarios');
  return names;
}

function withTimeout(promise, ms, what) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} took longer than ${ms / 1000} s`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** Runs one scenario; returns an error message when it failed, else null. */
async function runScenario(name, shared) {
  const t = new Scenario({ ...shared, name });
  let failure = null;
  try {
    const { default: scenario } = await import(pathToFileURL(join(here, 'scenarios', `${name}.mjs`)).href);
    if (typeof scenario !== 'function') throw new Error('the file has no default-exported function');
    await t.open();
    await withTimeout(scenario(t), shared.config.scenarioTimeoutMs, 'the scenario');
    if (t.problems.length > 0) {
      failure = `the page reported CSP violations or uncaught errors:\n    ${t.problems.join('\n    ')}`;
    }
  } catch (error) {
    failure = (error && error.stack) || String(error);
    if (t.problems.length > 0) failure += `\n  and the page reported:\n    ${t.problems.join('\n    ')}`;
  }
  if (failure) {
    const shots = await Promise.all(
      t.pages.map((page, i) =>
        t.screenshot(page, `failed-${name}${i ? `-${i + 1}` : ''}`).catch((e) => `(no screenshot: ${e.message})`),
      ),
    );
    const urls = t.pages.map((page) => page.url()).join(', ');
    failure += `\n  at ${urls}\n  screenshots: ${shots.join(', ')}`;
    const otherErrors = t.consoleErrors.filter((error) => !t.problems.includes(error));
    if (otherErrors.length > 0) failure += `\n  other console errors:\n    ${otherErrors.join('\n    ')}`;
  }
  await t.close();
  return failure;
}

async function main() {
  const config = configFromEnvironment();
  const names = await scenarioNames(process.argv.slice(2));
  const started = Date.now();
  const users = await createUsers(config, config.runId);
  const browser = await chromium.launch({
    executablePath: config.chromium,
    // Chromium's sandbox refuses to run as root (containers, CI); the tests load only
    // this server's pages.
    args: process.getuid?.() === 0 ? ['--no-sandbox'] : [],
    timeout: 120_000,
  });
  let failed = 0;
  try {
    for (const name of names) {
      const scenarioStarted = Date.now();
      const failure = await runScenario(name, { browser, config, users });
      const seconds = ((Date.now() - scenarioStarted) / 1000).toFixed(1);
      if (failure) {
        failed += 1;
        console.log(`FAIL ${name} (${seconds} s): ${failure}`);
      } else {
        console.log(`ok   ${name} (${seconds} s)`);
      }
    }
  } finally {
    await browser.close();
  }
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  console.log(`${names.length - failed} of ${names.length} scenarios passed in ${seconds} s`);
  process.exitCode = failed > 0 ? 1 : 0;
}

main().catch((error) => {
  console.log(`browser tests could not run: ${(error && error.stack) || error}`);
  process.exitCode = 2;
});
