/**
 * An admin manages webhooks: an address that cannot resolve is refused with the API's
 * reason shown in the form; a webhook to a public address is created stopped (so nothing is ever
 * sent), with event and content type filters, and its signing secret is shown once;
 * it is edited, its (empty) delivery log opens, and it is deleted. The webhooks screen,
 * its form and the deliveries screen pass the accessibility check.
 */
import assert from 'node:assert/strict';

const PUBLIC_URL = 'https://93.184.215.14/civitas-browser-test';

export default async function adminWebhooks(t) {
  const page = t.page;
  await t.signIn(page, t.users.admin);
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Webhooks' }).click();
  await page.getByRole('heading', { level: 1, name: 'Webhooks' }).waitFor();
  await t.checkA11y(page, 'webhooks');

  await page.getByRole('button', { name: 'New webhook' }).click();
  let dialog = page.getByRole('dialog', { name: 'New webhook' });
  await dialog.getByLabel('URL').fill('https://civitas-browser-test.invalid/hook');
  await dialog.getByRole('button', { name: 'Create webhook' }).click();
  await dialog.getByRole('alert').getByText(/cannot resolve civitas-browser-test.invalid/).waitFor();

  const description = t.unique('Rebuild the site');
  await dialog.getByLabel('URL').fill(PUBLIC_URL);
  await dialog.getByLabel('Description').fill(description);
  await dialog.getByRole('checkbox', { name: 'entry.published' }).check();
  await dialog.getByRole('checkbox', { name: 'Posts' }).check();
  await dialog.getByRole('checkbox', { name: /Deliver events/ }).uncheck();
  await t.checkA11y(page, 'webhook-form');
  await dialog.getByRole('button', { name: 'Create webhook' }).click();

  const secret = await page.getByRole('textbox', { name: 'Signing secret' }).inputValue();
  assert.match(secret, /^whsec_/, 'the signing secret is shown once');
  const listed = await t.api('GET', '/admin/webhooks');
  const webhook = listed.body.data.find((w) => w.description === description);
  assert.ok(webhook, 'the API has the webhook');
  assert.deepEqual([webhook.url, webhook.event_types, webhook.content_types, webhook.enabled], [PUBLIC_URL, ['entry.published'], ['post'], false]);

  const row = page.getByRole('row', { name: new RegExp(description) });
  await row.getByText('Stopped').waitFor();
  await row.getByRole('button', { name: `Edit ${PUBLIC_URL}` }).click();
  dialog = page.getByRole('dialog', { name: 'Edit webhook' });
  const renamed = `${description} (edited)`;
  await dialog.getByLabel('Description').fill(renamed);
  await dialog.getByRole('button', { name: 'Save webhook' }).click();
  await page.getByRole('row', { name: new RegExp(renamed.replace(/[()]/g, '\\$&')) }).waitFor();

  await page.getByRole('row', { name: new RegExp(description) }).getByRole('link', { name: `Deliveries to ${PUBLIC_URL}` }).click();
  await page.getByRole('heading', { level: 1, name: `Deliveries to ${PUBLIC_URL}` }).waitFor();
  await page.getByText('No delivery attempts yet.').waitFor();
  await t.checkA11y(page, 'webhook-deliveries');
  await page.getByRole('link', { name: '← All webhooks' }).click();

  await page.getByRole('row', { name: new RegExp(description) }).getByRole('button', { name: `Delete ${PUBLIC_URL}` }).click();
  await page.getByRole('dialog').getByRole('button', { name: 'Delete webhook' }).click();
  await t.until(async () => {
    const after = await t.api('GET', `/admin/webhooks/${webhook.id}`);
    assert.equal(after.status, 404, 'the webhook is gone');
  });
}
