/**
 * An admin creates an API token in the app: its secret is shown once, with a copy
 * button; the token works against the API with the scopes chosen; after leaving the
 * screen and coming back the secret is nowhere on the page; revoking it in the app makes
 * the API refuse it. The tokens screen passes the accessibility check and is
 * screenshotted with the secret showing.
 */
import assert from 'node:assert/strict';

export default async function adminToken(t) {
  const page = t.page;
  await t.signIn(page, t.users.admin);
  const nav = page.getByRole('navigation', { name: 'Main' });
  await nav.getByRole('link', { name: 'API tokens' }).click();
  await page.getByRole('heading', { level: 1, name: 'API tokens' }).waitFor();

  const name = t.unique('Site build');
  await page.getByLabel('Name').fill(name);
  await page.getByRole('checkbox', { name: 'preview: all types' }).check();
  await page.getByRole('checkbox', { name: 'write: Posts' }).check();
  await page.getByLabel('Expires').selectOption({ label: 'In 30 days' });
  await page.getByRole('button', { name: 'Create token' }).click();

  const secretField = page.getByRole('textbox', { name: 'Token secret' });
  await secretField.waitFor();
  const secret = await secretField.inputValue();
  assert.ok(secret.length >= 20, `a secret is shown (${secret.length} characters)`);
  await page.getByRole('button', { name: 'Copy', exact: true }).click();
  await page.getByText('Copied to the clipboard.').waitFor();
  await t.checkA11y(page, 'tokens');
  await page.getByRole('heading', { level: 1, name: 'API tokens' }).scrollIntoViewIfNeeded();
  await t.screenshot(page, 'tokens');

  const me = await t.api('GET', '/auth/me', undefined, secret);
  assert.equal(me.status, 200, `the new token works: ${JSON.stringify(me.body)}`);
  assert.equal(me.body.data.name, name);
  const capabilities = me.body.data.grants.map((g) => `${g.capability}:${g.types ? g.types.join('+') : '*'}`).sort();
  assert.deepEqual(capabilities, ['preview:*', 'write:post']);
  const listed = await t.api('GET', '/admin/tokens');
  const record = listed.body.data.find((token) => token.name === name);
  assert.ok(record && record.expires_at, 'the token is listed with an expiry');

  await nav.getByRole('link', { name: 'Media library' }).click();
  await page.getByRole('heading', { level: 1, name: 'Media library' }).waitFor();
  await nav.getByRole('link', { name: 'API tokens' }).click();
  const row = page.getByRole('row', { name: new RegExp(name) });
  await row.waitFor();
  assert.equal(await page.getByRole('textbox', { name: 'Token secret' }).count(), 0, 'no secret field any more');
  assert.ok(!(await page.content()).includes(secret), 'the secret is not on the page any more');

  await row.getByRole('button', { name: `Revoke ${name}` }).click();
  await page.getByRole('dialog').getByRole('button', { name: 'Revoke token' }).click();
  await row.getByText('Revoked').waitFor();
  const refused = await t.api('GET', '/auth/me', undefined, secret);
  assert.equal(refused.status, 401, 'the revoked token is refused');
}
