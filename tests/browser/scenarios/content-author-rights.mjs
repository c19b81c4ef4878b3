/**
 * What an author is offered follows their grants: they may write a draft, but no
 * publishing action is shown to them, and the API refuses their publish anyway (403).
 * An entry someone else created opens read-only for them.
 */
import assert from 'node:assert/strict';

const PUBLISHING = ['Publish', 'Publish changes', 'Unpublish', 'Schedule…', 'Archive'];

export default async function contentAuthorRights(t) {
  const { page } = t;
  await t.signIn(page, t.users.author);
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Posts', exact: true }).click();
  await page.getByRole('link', { name: 'New post' }).click();
  const title = t.unique('Author draft');
  await page.getByRole('textbox', { name: /^Title/ }).fill(title);
  await page.getByRole('textbox', { name: /^Body/ }).fill('Written by an author.');
  await page.getByRole('button', { name: 'Save draft' }).click();
  await page.getByRole('heading', { level: 1, name: title }).waitFor();

  const side = page.getByRole('complementary', { name: 'Entry actions and details' });
  await side.getByRole('button', { name: 'Save draft' }).waitFor();
  for (const name of PUBLISHING) {
    assert.equal(await side.getByRole('button', { name, exact: true }).count(), 0, `an author is not offered "${name}"`);
  }
  await t.checkA11y(page, 'entry-editor-author');

  const id = page.url().split('/').pop();
  const token = await page.evaluate(() => sessionStorage.getItem('civitas.session'));
  const refused = await t.api('POST', `/admin/content/post/${id}/publish`, undefined, token);
  assert.equal(refused.status, 403, 'the API refuses an author\'s publish');
  assert.equal((await t.api('GET', `/admin/content/post/${id}`)).body.data.status, 'draft');

  await page.goto(t.url('/admin/content/post/this-is-wsco'));
  await page.getByText('You can read this entry but not change it.').waitFor();
  assert.equal(await side.getByRole('button', { name: 'Save draft' }).count(), 0);
  assert.ok(await page.getByRole('textbox', { name: /^Title/ }).isDisabled());
  // Its long body makes the Markdown preview scroll: it must be reachable by keyboard.
  await t.checkA11y(page, 'entry-editor-read-only');
}
