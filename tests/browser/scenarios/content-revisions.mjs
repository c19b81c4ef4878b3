/**
 * An entry's history: the revisions list says who changed which fields; the newest is
 * compared field by field with the one before; an older one is restored, which writes
 * it back as a new revision (the API agrees).
 */
import assert from 'node:assert/strict';

export default async function contentRevisions(t) {
  const { page } = t;
  const first = t.unique('First title');
  const created = await t.api('POST', '/admin/content/post', { title: first, body: 'Original body.' });
  assert.equal(created.status, 201);
  const id = created.body.data.id;
  const second = `${first} revised`;
  const patched = await t.api('PATCH', `/admin/content/post/${id}`, { title: second, body: 'Revised body.' });
  assert.equal(patched.status, 200);

  await t.signIn(page, t.users.editor);
  await page.goto(t.url(`/admin/content/post/${id}`));
  await page.getByRole('link', { name: 'Revisions' }).click();
  await page.getByRole('heading', { level: 1, name: 'Revisions' }).waitFor();

  const list = page.getByRole('list', { name: 'Revisions, newest first' });
  assert.equal(await list.getByRole('listitem').count(), 2);
  await list.getByRole('listitem').first().getByText('Changed: Title, Body').waitFor();
  await page.getByRole('heading', { name: 'Revision 2 compared with revision 1' }).waitFor();
  const titleRow = page.getByRole('row', { name: /^Title/ });
  await titleRow.getByRole('cell').nth(0).getByText(first, { exact: true }).waitFor();
  await titleRow.getByRole('cell').nth(1).getByText(second, { exact: true }).waitFor();
  await page.getByRole('row', { name: /^Body/ }).getByText('Revised body.').waitFor();
  assert.equal(await page.getByRole('button', { name: /^Restore/ }).count(), 0, 'the current revision is not offered for restoring');
  await t.checkA11y(page, 'revision-diff');
  await t.screenshot(page, 'revision-diff');

  await list.getByRole('button', { name: 'Revision 1' }).click();
  await page.getByRole('button', { name: 'Restore revision 1' }).click();
  await page.getByRole('dialog', { name: 'Restore revision 1?' }).getByRole('button', { name: 'Restore' }).click();
  await page.getByText('Revision 1 was restored as a new revision.').waitFor();
  await list.getByRole('button', { name: 'Revision 3' }).waitFor();

  const stored = await t.api('GET', `/admin/content/post/${id}`);
  assert.equal(stored.body.data.title, first);
  assert.equal(stored.body.data.revision, 3);
}
