/**
 * What a scenario gets as `t`: pages in fresh browser contexts, the server's URLs, the
 * test accounts, the HTTP API, sign-in through the app's form, the accessibility check,
 * screenshots and fixtures. Every page is watched: a Content-Security-Policy violation
 * or an uncaught error in it fails the scenario (see `problems`).
 */

import { mkdir, readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);

/** Generous on purpose: CI is a loaded two-core machine. */
export const ACTION_TIMEOUT_MS = 30_000;
export const NAVIGATION_TIMEOUT_MS = 60_000;
const VIEWPORT = { width: 1280, height: 800 };

/** The password every test account gets. */
export const PASSWORD = 'browser tests password 1';

let axeSource;

/** axe-core's script, read once. */
async function axeScript() {
  axeSource ??= await readFile(require.resolve('axe-core/axe.min.js'), 'utf8');
  return axeSource;
}

/** Calls the HTTP API; a path not under `/api/` is taken as under `/api/v1`. */
export async function callApi(config, method, path, body, token = config.adminToken, headers = {}) {
  const url = config.baseUrl + (path.startsWith('/api/') ? path : `/api/v1${path}`);
  const init = { method, headers: { accept: 'application/json', ...headers } };
  if (token) init.headers.authorization = `Bearer ${token}`;
  if (body instanceof FormData) {
    init.body = body;
  } else if (body !== undefined) {
    init.body = JSON.stringify(body);
    init.headers['content-type'] = 'application/json';
  }
  const response = await fetch(url, init);
  const text = await response.text();
  let parsed = text;
  try {
    parsed = text ? JSON.parse(text) : null;
  } catch {
    // Not JSON: the text as it came.
  }
  return { status: response.status, body: parsed, headers: response.headers };
}

/**
 * Creates the admin, editor and author accounts through the admin API. Their emails
 * carry this run's id, so a run against a server that has seen others still works.
 */
export async function createUsers(config, runId) {
  const users = {};
  for (const role of ['admin', 'editor', 'author']) {
    const user = { email: `${role}-${runId}@browser.test`, password: PASSWORD, role };
    const { status, body } = await callApi(config, 'POST', '/admin/users', {
      email: user.email,
      password: user.password,
      role,
      display_name: `Browser ${role[0].toUpperCase()}${role.slice(1)}`,
    });
    if (status !== 201) {
      throw new Error(`creating the ${role} account answered ${status}: ${JSON.stringify(body)}`);
    }
    user.id = body.data.id;
    users[role] = user;
  }
  return users;
}

/** A console message or page error that fails a scenario. */
function isProblem(message) {
  return /Content[- ]Security[- ]Policy/i.test(message);
}

/** The `t` of one scenario; `close()` ends its contexts, `problems` lists what failed it. */
export class Scenario {
  constructor({ browser, config, users, name }) {
    this.browser = browser;
    this.config = config;
    this.users = users;
    this.name = name;
    this.contexts = [];
    this.pages = [];
    /** Console errors and page errors of every page, in order. */
    this.consoleErrors = [];
    /** CSP violations and uncaught errors: any one fails the scenario. */
    this.problems = [];
    this.page = undefined;
  }

  /** Opens the scenario's first page. */
  async open() {
    this.page = await this.newPage();
  }

  /** A page in a fresh browser context: a session of its own. */
  async newPage() {
    const context = await this.browser.newContext({ viewport: VIEWPORT, locale: 'en-GB' });
    context.setDefaultTimeout(ACTION_TIMEOUT_MS);
    context.setDefaultNavigationTimeout(NAVIGATION_TIMEOUT_MS);
    this.contexts.push(context);
    const page = await context.newPage();
    const label = `page ${this.pages.length + 1}`;
    page.on('console', (message) => {
      if (message.type() !== 'error') return;
      const text = `${label}: console: ${message.text()}`;
      this.consoleErrors.push(text);
      if (isProblem(message.text())) this.problems.push(text);
    });
    page.on('pageerror', (error) => {
      const text = `${label}: uncaught: ${error.stack || error.message || error}`;
      this.consoleErrors.push(text);
      this.problems.push(text);
    });
    this.pages.push(page);
    return page;
  }

  /** Absolute URL of `path` on the server under test. */
  url(path) {
    return this.config.baseUrl + path;
  }

  /** A title or name no other scenario or run uses: `prefix` and a unique suffix. */
  unique(prefix) {
    return `${prefix} ${this.config.runId}${Math.random().toString(36).slice(2, 6)}`;
  }

  /** Calls the HTTP API (default: the admin token) and returns `{ status, body, headers }`. */
  api(method, path, body, token, headers) {
    return callApi(this.config, method, path, body, token === undefined ? this.config.adminToken : token, headers);
  }

  /** Signs `user` in through the app's sign-in form and waits until the form is gone. */
  async signIn(page, user) {
    await page.goto(this.url('/admin/'));
    await page.getByLabel('Email', { exact: true }).fill(user.email);
    await page.getByLabel('Password', { exact: true }).fill(user.password);
    const button = page.getByRole('button', { name: 'Sign in', exact: true });
    await button.click();
    try {
      await button.waitFor({ state: 'detached' });
    } catch (error) {
      const alerts = await page.getByRole('alert').allInnerTexts().catch(() => []);
      throw new Error(`signing in as ${user.email} did not leave the sign-in form${alerts.length ? ` (it says: ${alerts.join(' / ')})` : ''}: ${error.message}`);
    }
  }

  /** Retries `check` (which throws while its condition does not hold) until it passes. */
  async until(check, { timeout = ACTION_TIMEOUT_MS, interval = 250 } = {}) {
    const deadline = Date.now() + timeout;
    for (;;) {
      try {
        return await check();
      } catch (error) {
        if (Date.now() > deadline) throw error;
      }
      await new Promise((resolve) => setTimeout(resolve, interval));
    }
  }

  /**
   * Runs axe-core in `page`; throws listing every serious or critical violation.
   * `skipRules` names axe rules not to run: only for a third-party page's known issues,
   * each named and explained where it is passed.
   */
  async checkA11y(page, screenName, { skipRules = [] } = {}) {
    // Evaluated through DevTools rather than added as a <script>: the app's CSP would
    // (rightly) refuse an inline script.
    await page.evaluate(await axeScript());
    const violations = await page.evaluate(async (skipped) => {
      const rules = Object.fromEntries(skipped.map((id) => [id, { enabled: false }]));
      const results = await globalThis.axe.run(document, { resultTypes: ['violations'], rules });
      return results.violations.map((v) => ({
        id: v.id,
        impact: v.impact,
        help: v.help,
        targets: v.nodes.slice(0, 5).map((n) => n.target.join(' ')),
      }));
    }, skipRules);
    const severe = violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
    if (severe.length > 0) {
      await this.screenshot(page, `a11y-${screenName}`);
      const lines = severe.map((v) => `  ${v.impact} ${v.id}: ${v.help} at ${v.targets.join(', ')}`);
      throw new Error(`accessibility check of "${screenName}" found:\n${lines.join('\n')}`);
    }
  }

  /** Saves a screenshot of `page` as `<SCREENSHOT_DIR>/<name>.png`; returns its path. */
  async screenshot(page, name) {
    await mkdir(this.config.screenshotDir, { recursive: true });
    const path = join(this.config.screenshotDir, `${name}.png`);
    await page.screenshot({ path });
    return path;
  }

  /** Path of a file under tests/browser/fixtures. */
  fixture(name) {
    return join(here, 'fixtures', name);
  }

  async close() {
    await Promise.all(this.contexts.map((context) => context.close().catch(() => {})));
  }
}
