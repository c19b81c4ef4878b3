/**
 * An editor writes a post: leaving with unsaved text asks first; saving without a title shows the API's 422 at the Title
 * field; the Markdown body shows a live preview; an author is picked by searching the
 * experts; a cover image is uploaded from the editor. Saved, then published, the post is
 * served by the public API with its body's HTML, its author and its cover; unpublished,
 * it is not; archived, it is under the Archived tab. The editor passes the accessibility
 * check and is screenshotted.
 */
import assert from 'node:assert/strict';

export default async function contentCreatePost(t) {
  const { page } = t;
  await t.signIn(page, t.users.editor);
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Posts', exact: true }).click();
  await page.getByRole('link', { name: 'New post' }).click();
  await page.getByRole('heading', { level: 1, name: 'New post' }).waitFor();

  const body = page.getByRole('textbox', { name: /^Body/ });
  await body.fill('Cities **move** together.\n\n- buses\n- bikes');
  const preview = page.getByRole('region', { name: 'Preview of Body' });
  await preview.locator('strong', { hasText: 'move' }).waitFor();
  await preview.locator('li', { hasText: 'bikes' }).waitFor();

  const asked = new Promise((resolve) => {
    page.once('dialog', (dialog) => {
      resolve(dialog.message());
      dialog.dismiss();
    });
  });
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Experts', exact: true }).click();
  assert.match(await asked, /unsaved changes/);
  await page.getByRole('heading', { level: 1, name: 'New post' }).waitFor();
  assert.match(page.url(), /\/admin\/content\/post\/new$/, 'staying keeps the editor and its text');
  assert.match(await body.inputValue(), /\*\*move\*\*/);

  await page.getByRole('button', { name: 'Save draft' }).click();
  const title = page.getByRole('textbox', { name: /^Title/ });
  await page.locator('#field-title-error').filter({ hasText: 'required' }).waitFor();
  assert.equal(await title.getAttribute('aria-invalid'), 'true');
  assert.equal(await title.getAttribute('aria-describedby'), 'field-title-error field-title-hint');
  await t.checkA11y(page, 'entry-editor-errors');

  const headline = t.unique('Smart mobility');
  await title.fill(headline);

  await page.getByRole('button', { name: 'Add to Authors' }).click();
  const picker = page.getByRole('dialog', { name: 'Choose from Experts' });
  await picker.getByLabel('Search experts').fill('Marwel');
  await picker.getByRole('button', { name: 'Search' }).click();
  await picker.getByRole('button', { name: /John Marwel/ }).click();
  await picker.waitFor({ state: 'detached' });
  await page.getByRole('group', { name: /^Authors/ }).getByText('John Marwel').waitFor();

  await page.getByLabel('Upload cover image').setInputFiles(t.fixture('cover.jpg'));
  const cover = page.getByRole('group', { name: /^Cover image/ });
  await cover.getByRole('button', { name: 'Remove cover.jpg' }).waitFor();

  await page.getByRole('button', { name: 'Save draft' }).click();
  await page.getByRole('heading', { level: 1, name: headline }).waitFor();
  await page.getByText('Saved.').waitFor();
  assert.match(page.url(), /\/admin\/content\/post\/[0-9A-Z]{26}$/);
  await t.checkA11y(page, 'entry-editor');
  await t.screenshot(page, 'entry-editor');

  const id = page.url().split('/').pop();
  const before = await t.api('GET', `/content/post/${id}`);
  assert.equal(before.status, 404, 'a draft is not public');

  await page.getByRole('button', { name: 'Publish', exact: true }).click();
  await page.getByText('Published.').waitFor();
  await page.getByRole('complementary').getByText('Published', { exact: true }).waitFor();
  await page.getByRole('button', { name: 'Unpublish' }).waitFor();

  const { status, body: served } = await t.api('GET', `/content/post/${id}?include=authors`, undefined, null);
  assert.equal(status, 200);
  assert.equal(served.data.title, headline);
  assert.match(served.data.body.html, /<strong>move<\/strong>/);
  assert.deepEqual(served.data.authors.map((author) => author.slug), ['john-marwel']);
  assert.equal(served.data.cover.filename, 'cover.jpg');
  const list = await t.api('GET', `/content/post?q=${encodeURIComponent(headline)}`, undefined, null);
  assert.ok(list.body.data.some((post) => post.id === id), 'the public list finds the post');

  await page.getByRole('button', { name: 'Unpublish' }).click();
  await page.getByText('Unpublished.').waitFor();
  assert.equal((await t.api('GET', `/content/post/${id}`, undefined, null)).status, 404, 'unpublished, it is gone from the public API');
  await page.getByRole('button', { name: 'Archive' }).click();
  await page.getByText('Archived.').waitFor();
  await page.getByRole('link', { name: 'Posts', exact: true }).first().click();
  await page.getByRole('link', { name: 'Archived', exact: true }).click();
  await page.getByRole('table').getByRole('link', { name: headline }).waitFor();
}
