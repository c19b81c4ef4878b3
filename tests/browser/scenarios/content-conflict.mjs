/**
 * Two people edit one post at once. The second to save is told that someone else saved
 * it meanwhile (the API's 412 on If-Match), nothing of theirs is written, and they can
 * compare the two versions field by field, then reload the saved one.
 */
import assert from 'node:assert/strict';

async function openPost(t, page, user, id) {
  await t.signIn(page, user);
  await page.goto(t.url(`/admin/content/post/${id}`));
  await page.getByRole('button', { name: 'Save draft' }).waitFor();
}

export default async function contentConflict(t) {
  const original = t.unique('Shared post');
  const created = await t.api('POST', '/admin/content/post', { title: original, body: 'First words.' });
  assert.equal(created.status, 201);
  const id = created.body.data.id;

  const mine = t.page;
  const theirs = await t.newPage();
  await openPost(t, mine, t.users.editor, id);
  await openPost(t, theirs, t.users.admin, id);

  const theirTitle = `${original} (their edit)`;
  await theirs.getByRole('textbox', { name: /^Title/ }).fill(theirTitle);
  await theirs.getByRole('button', { name: 'Save draft' }).click();
  await theirs.getByRole('heading', { level: 1, name: theirTitle }).waitFor();

  await mine.getByRole('textbox', { name: /^Excerpt/ }).fill('My excerpt');
  await mine.getByRole('button', { name: 'Save draft' }).click();
  const notice = mine.getByRole('status').filter({ hasText: 'Someone else changed this entry' });
  await notice.waitFor();
  await notice.getByText(/saved it at .* \(revision 2\), after you opened it/).waitFor();
  const stored = await t.api('GET', `/admin/content/post/${id}`);
  assert.equal(stored.body.data.title, theirTitle);
  assert.equal(stored.body.data.excerpt, null, 'the refused save wrote nothing');

  await notice.getByRole('button', { name: 'Compare' }).click();
  const compare = mine.getByRole('dialog', { name: 'Your changes and theirs' });
  const titleRow = compare.getByRole('row', { name: /^Title/ });
  await titleRow.getByText(theirTitle).waitFor();
  await titleRow.getByText(original, { exact: true }).waitFor();
  await compare.getByRole('row', { name: /^Excerpt/ }).getByText('My excerpt').waitFor();
  await t.checkA11y(mine, 'entry-conflict');
  await t.screenshot(mine, 'entry-conflict');
  await compare.getByRole('button', { name: 'Close' }).click();

  await notice.getByRole('button', { name: 'Reload their version' }).click();
  await mine.getByRole('heading', { level: 1, name: theirTitle }).waitFor();
  assert.equal(await mine.getByRole('textbox', { name: /^Excerpt/ }).inputValue(), '');
}
