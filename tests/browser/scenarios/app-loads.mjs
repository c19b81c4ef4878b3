/**
 * The app as the server hands it out: /admin answers with the app under its strict
 * Content-Security-Policy and with no console errors; a deep link to a client-side
 * route gets the app too, and so does a reload (revalidated with a 304); the hashed
 * bundles may be cached for good; the first load stays under the 300 KB budget
 * (compressed, as the browser receives it; the figure is printed).
 */

import assert from 'node:assert/strict';

const BUDGET_BYTES = 300 * 1024;

/** Requests the browser made for the app's own code: the page, scripts, stylesheets. */
function isAppCode(request) {
  return ['document', 'script', 'stylesheet'].includes(request.resourceType())
    && new URL(request.url()).pathname.startsWith('/admin');
}

/** Collects the responses for the app's own code that `page` receives from now on. */
function watchAppCode(page) {
  const responses = [];
  page.on('response', (response) => {
    if (isAppCode(response.request())) responses.push(response);
  });
  return responses;
}

async function firstLoad(t, page) {
  const responses = watchAppCode(page);
  const document = await page.goto(t.url('/admin'), { waitUntil: 'networkidle' });
  await page.getByRole('button', { name: 'Sign in', exact: true }).waitFor();
  return { document, responses };
}

/** Body bytes as they came over the wire (compressed; nothing for a cache hit). */
async function transferred(responses) {
  let bytes = 0;
  for (const response of responses) {
    const sizes = await response.request().sizes();
    bytes += sizes.responseBodySize;
  }
  return bytes;
}

/** A first visit that goes on to sign in: the sign-in page plus the code of the first screen. */
async function signedInLoad(t) {
  const page = await t.newPage();
  const responses = watchAppCode(page);
  await t.signIn(page, t.users.editor);
  await page.waitForLoadState('networkidle');
  return transferred(responses);
}

function kilobytes(bytes) {
  return `${(bytes / 1024).toFixed(1)} KB`;
}

export default async function (t) {
  const { page } = t;
  const { document, responses } = await firstLoad(t, page);
  assert.equal(document.status(), 200);
  const policy = document.headers()['content-security-policy'] ?? '';
  assert.match(policy, /^default-src 'self'; script-src 'self'; style-src 'self';/);
  assert.doesNotMatch(policy, /unsafe/);
  assert.equal(document.headers()['cache-control'], 'no-cache');

  const bundles = responses.filter((r) => new URL(r.url()).pathname.startsWith('/admin/assets/'));
  assert.ok(bundles.some((r) => r.request().resourceType() === 'script'), 'the page loads its script from /admin/assets/');
  for (const bundle of bundles) {
    assert.equal(bundle.status(), 200, bundle.url());
    assert.equal(bundle.headers()['cache-control'], 'public, max-age=31536000, immutable', bundle.url());
  }
  const bytes = await transferred(responses);
  const encodings = [...new Set(bundles.map((r) => r.headers()['content-encoding'] ?? 'identity'))];
  const withSignIn = await signedInLoad(t);
  console.log(`app-loads: the first load transferred ${kilobytes(bytes)} in ${responses.length} files (${encodings.join(', ')}); ${kilobytes(withSignIn)} with signing in and the first screen`);
  assert.ok(bytes < BUDGET_BYTES, `the first load transferred ${bytes} bytes, over the budget of ${BUDGET_BYTES}`);
  assert.ok(withSignIn < BUDGET_BYTES, `the first load with signing in transferred ${withSignIn} bytes, over the budget of ${BUDGET_BYTES}`);
  await t.checkA11y(page, 'sign-in');
  await t.screenshot(page, 'sign-in');

  const deepLink = await page.goto(t.url('/admin/content/post/whatever'));
  assert.equal(deepLink.status(), 200);
  assert.match(deepLink.headers()['content-type'], /^text\/html/);
  await page.getByRole('button', { name: 'Sign in', exact: true }).waitFor();

  // A reload revalidates index.html (304): the app must keep its own policy.
  await page.reload();
  await page.getByRole('button', { name: 'Sign in', exact: true }).waitFor();

  // Asking who is signed in answers 401 before sign-in; Chromium logs that as an error.
  const unexpected = t.consoleErrors.filter((e) => !/status of 401/.test(e));
  assert.deepEqual(unexpected, [], 'console errors while loading the app');
}
