/**
 * Deleting a file that an entry uses: the API refuses (409 `media_in_use`) and the
 * library says why, naming the entry by its title with a link to it; the file stays.
 */
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';

export default async function mediaInUse(t) {
  const title = t.unique('Tram depot');
  const form = new FormData();
  form.append('title', title);
  form.append('alt', 'A tram depot at night');
  form.append('file', new Blob([await readFile(t.fixture('cover.jpg'))], { type: 'image/jpeg' }), 'depot.jpg');
  const upload = await t.api('POST', '/admin/media', form);
  assert.equal(upload.status, 201, JSON.stringify(upload.body));
  const mediaId = upload.body.data.id;

  const postTitle = t.unique('Depot reopens');
  const post = await t.api('POST', '/admin/content/post', {
    title: postTitle,
    body: 'The depot reopens.',
    cover: mediaId,
  });
  assert.equal(post.status, 201, JSON.stringify(post.body));

  const page = t.page;
  await t.signIn(page, t.users.editor);
  await page.goto(t.url('/admin/media'));
  await page.getByRole('searchbox', { name: 'Search by name, title or alt text' }).fill(title);
  await page.getByRole('button', { name: 'Search', exact: true }).click();
  await page.getByRole('list', { name: 'Files' }).getByRole('button', { name: title }).click();

  const dialog = page.getByRole('dialog', { name: title });
  await dialog.getByRole('button', { name: 'Delete', exact: true }).click();
  await dialog.getByRole('button', { name: 'Delete for good' }).click();

  const alert = dialog.getByRole('alert');
  await alert.getByText('This file is in use, so it was not deleted').waitFor();
  const link = alert.getByRole('link', { name: postTitle });
  await link.waitFor();
  assert.equal(await link.getAttribute('href'), `/admin/content/post/${post.body.data.id}`);
  await t.checkA11y(page, 'media-in-use');

  const still = await t.api('GET', `/admin/media/${mediaId}`);
  assert.equal(still.status, 200, 'the file is still there');
}
