/**
 * A user changes their own password on the account screen: a wrong current password is
 * said at its field, the right one changes it, after which the new password signs in
 * and the old one does not. Also: the start page lists the content types.
 */
import assert from 'node:assert/strict';

export default async function contentAccount(t) {
  const { page } = t;
  const user = { email: `${t.unique('viewer').replace(/\s+/g, '-')}@browser.test`, password: 'first password 123' };
  const created = await t.api('POST', '/admin/users', { ...user, role: 'viewer', display_name: 'Vera Viewer' });
  assert.equal(created.status, 201, JSON.stringify(created.body));

  await t.signIn(page, user);
  await page.getByRole('heading', { level: 1, name: 'Welcome, Vera Viewer' }).waitFor();
  await page.getByRole('main').getByRole('link', { name: 'Posts' }).waitFor();
  assert.equal(await page.getByRole('link', { name: 'New post' }).count(), 0);
  await t.checkA11y(page, 'home');

  await page.getByRole('banner').getByRole('link', { name: /Vera Viewer/ }).click();
  await page.getByRole('heading', { level: 1, name: 'Your account' }).waitFor();
  await page.getByLabel('Current password').fill('not my password');
  await page.getByLabel('New password', { exact: true }).fill('second password 456');
  await page.getByLabel('New password again').fill('second password 456');
  await page.getByRole('button', { name: 'Change password' }).click();
  await page.locator('#current-password-error').filter({ hasText: 'wrong' }).waitFor();
  assert.equal(await page.getByLabel('Current password').getAttribute('aria-invalid'), 'true');
  await t.checkA11y(page, 'account');
  await t.screenshot(page, 'account');

  await page.getByLabel('Current password').fill(user.password);
  await page.getByRole('button', { name: 'Change password' }).click();
  await page.getByText('Your password was changed.').waitFor();
  await t.until(async () => {
    const fresh = await t.api('POST', '/auth/login', { email: user.email, password: 'second password 456' }, null);
    assert.equal(fresh.status, 200);
  });
  const old = await t.api('POST', '/auth/login', { email: user.email, password: user.password }, null);
  assert.equal(old.status, 401);
}
