/**
 * An editor (no admin rights) sees no administration screens: the sidebar offers the
 * media library only, and the addresses of the admin screens show "Not found" instead
 * of them. The API refuses the editor those calls anyway.
 */
import assert from 'node:assert/strict';

const ADMIN_SCREENS = [
  ['Users', '/admin/users'],
  ['API tokens', '/admin/tokens'],
  ['Webhooks', '/admin/webhooks'],
  ['Plugins', '/admin/plugins'],
  ['Audit log', '/admin/audit'],
];

export default async function adminHiddenFromEditor(t) {
  const page = t.page;
  await t.signIn(page, t.users.editor);
  const nav = page.getByRole('navigation', { name: 'Main' });
  await nav.getByRole('link', { name: 'Media library' }).waitFor();
  for (const [label] of ADMIN_SCREENS) {
    assert.equal(await nav.getByRole('link', { name: label, exact: true }).count(), 0, `no "${label}" link`);
  }

  for (const [label, path] of ADMIN_SCREENS) {
    await page.goto(t.url(path));
    await page.getByRole('heading', { level: 1, name: 'Not found' }).waitFor();
    assert.equal(await page.getByRole('heading', { level: 1, name: label }).count(), 0, `no ${label} screen`);
  }

  const login = await t.api('POST', '/auth/login', { email: t.users.editor.email, password: t.users.editor.password }, null);
  assert.equal(login.status, 200);
  const refused = await t.api('GET', '/admin/users', undefined, login.body.data.token);
  assert.equal(refused.status, 403, 'the API refuses the editor the user list');
}
