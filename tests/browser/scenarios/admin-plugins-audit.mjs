/**
 * An admin reloads a plugin from the plugins screen (its state shows, and the reload
 * lands in the audit log), then finds that reload in the audit log by filtering on the
 * action and the plugin, and pages through the unfiltered log. Both screens pass the
 * accessibility check.
 */
import assert from 'node:assert/strict';

/** Makes sure the audit log has more than one page (25 records) to page through. */
async function fillAuditLog(t) {
  const { body } = await t.api('GET', '/admin/audit?page[size]=26');
  for (let records = body.data.length; records < 26; records += 2) {
    const created = await t.api('POST', '/admin/tokens', { name: t.unique('Audit filler'), scopes: ['read'] });
    assert.equal(created.status, 201);
    assert.equal((await t.api('DELETE', `/admin/tokens/${created.body.data.id}`)).status, 204);
  }
}

export default async function adminPluginsAudit(t) {
  await fillAuditLog(t);
  const page = t.page;
  await t.signIn(page, t.users.admin);
  const nav = page.getByRole('navigation', { name: 'Main' });
  await nav.getByRole('link', { name: 'Plugins' }).click();
  await page.getByRole('heading', { level: 1, name: 'Plugins' }).waitFor();
  const row = page.getByRole('row', { name: /studies/ });
  await row.getByText('active').waitFor();
  await t.checkA11y(page, 'plugins');

  const before = await t.api('GET', '/admin/plugins');
  const loadedBefore = before.body.data.find((p) => p.id === 'studies').loaded_at;
  await row.getByRole('button', { name: 'Reload studies' }).click();
  await page.getByText(/studies reloaded: version/).waitFor();
  const after = await t.api('GET', '/admin/plugins');
  assert.notEqual(after.body.data.find((p) => p.id === 'studies').loaded_at, loadedBefore, 'the plugin was loaded again');

  await nav.getByRole('link', { name: 'Audit log' }).click();
  await page.getByRole('heading', { level: 1, name: 'Audit log' }).waitFor();
  await page.getByRole('table').waitFor();
  await t.checkA11y(page, 'audit-log');

  await page.getByLabel('Action').fill('plugin.reload');
  await page.getByLabel('Target').fill('studies');
  await page.getByRole('button', { name: 'Apply filters' }).click();
  await t.until(async () => {
    assert.match(page.url(), /action=plugin.reload/);
    const actions = await page.locator('tbody th code').allInnerTexts();
    assert.ok(actions.length > 0 && actions.every((action) => action === 'plugin.reload'), `only reloads: ${actions}`);
  });
  const newest = page.getByRole('row').nth(1);
  await newest.getByText(t.users.admin.email).waitFor();

  await page.getByRole('button', { name: 'Clear' }).click();
  await t.until(async () => assert.ok(!page.url().includes('action='), 'the filters are cleared'));
  const older = page.getByRole('button', { name: 'Older' });
  await t.until(async () => assert.ok(await older.isEnabled(), 'the log has more than one page'));
  const firstPage = await page.locator('tbody tr').first().innerText();
  await older.click();
  await page.getByText('Page 2').waitFor();
  await t.until(async () => assert.notEqual(await page.locator('tbody tr').first().innerText(), firstPage));
  await page.getByRole('button', { name: 'Newer' }).click();
  await page.getByText('Page 1').waitFor();
}
