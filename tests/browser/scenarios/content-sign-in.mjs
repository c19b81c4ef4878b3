/**
 * Signing in and out: a wrong password is refused in the form, the right one opens the
 * app with the content types in the sidebar (the `study` plugin's type among them),
 * the user's role in the header, and the posts list, searched among the published; signing out returns to the form and
 * the old session no longer works; a session ended elsewhere brings the form back. The content list passes the accessibility check and
 * is screenshotted, also on a narrow screen.
 */
import assert from 'node:assert/strict';

export default async function contentSignIn(t) {
  const { page } = t;
  const user = t.users.editor;

  await page.goto(t.url('/admin/'));
  await page.getByLabel('Email', { exact: true }).fill(user.email);
  await page.getByLabel('Password', { exact: true }).fill('not the password');
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await page.getByRole('alert').filter({ hasText: 'The email or password is wrong.' }).waitFor();

  await t.signIn(page, user);
  const nav = page.getByRole('navigation', { name: 'Main' });
  for (const label of ['Posts', 'Pages', 'Experts', 'Partners', 'Studies']) {
    await nav.getByRole('link', { name: label, exact: true }).waitFor();
  }
  await page.getByRole('banner').getByText('editor', { exact: true }).waitFor();
  const token = await page.evaluate(() => sessionStorage.getItem('civitas.session'));
  assert.match(token ?? '', /^cvs_/, 'the session token is kept for the tab');

  await nav.getByRole('link', { name: 'Posts', exact: true }).click();
  await page.getByRole('heading', { level: 1, name: 'Posts' }).waitFor();
  await page.getByRole('link', { name: 'Published', exact: true }).click();
  await page.getByLabel('Search posts').fill('WSCO');
  await page.getByRole('search').getByRole('button', { name: 'Search' }).click();
  const rows = page.getByRole('table').getByRole('row');
  await rows.filter({ hasText: 'This is WSCO' }).waitFor();
  await t.until(async () => assert.equal(await rows.count(), 2, 'the header and the one match'));
  assert.match(page.url(), /\/admin\/content\/post\?status=published&q=WSCO$/);
  await t.checkA11y(page, 'content-list');
  await t.screenshot(page, 'content-list');

  await page.setViewportSize({ width: 390, height: 800 });
  await page.getByRole('button', { name: 'Menu' }).click();
  await nav.getByRole('link', { name: 'Pages', exact: true }).click();
  await page.getByRole('heading', { level: 1, name: 'Pages' }).waitFor();
  await t.checkA11y(page, 'content-list-narrow');
  await t.screenshot(page, 'content-list-narrow');
  await page.setViewportSize({ width: 1280, height: 800 });

  // A session that ends elsewhere (here: logged out through the API) sends the app back
  // to the sign-in form at its next request, at the same address.
  assert.equal((await t.api('POST', '/auth/logout', undefined, token)).status, 204);
  await nav.getByRole('link', { name: 'Experts', exact: true }).click();
  await page.getByRole('button', { name: 'Sign in', exact: true }).waitFor();
  assert.match(page.url(), /\/admin\/content\/expert$/);

  await t.signIn(page, user);
  const second = await page.evaluate(() => sessionStorage.getItem('civitas.session'));
  await page.getByRole('button', { name: 'Sign out' }).click();
  await page.getByRole('button', { name: 'Sign in', exact: true }).waitFor();
  const after = await t.api('GET', '/auth/me', undefined, second);
  assert.equal(after.status, 401, 'the session ended with the sign-out');
}
