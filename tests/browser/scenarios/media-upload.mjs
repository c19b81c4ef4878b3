/**
 * An editor drops a file on the media library's upload zone (it joins the upload list,
 * and is removed again), then uploads an image through the file input, with alt text and
 * a title. A progress bar shows while it is sent; it appears in the grid, first as its
 * ThumbHash placeholder (the thumbnail's request is held back), then with its thumbnail;
 * the API has it with those texts. Its details open with the focal-point picker, which
 * the keyboard moves, and a French alt text is added; the focal point and the
 * translation are saved. The library and the details dialog pass the accessibility
 * check; the library is screenshotted.
 */
import assert from 'node:assert/strict';

export default async function mediaUpload(t) {
  const page = t.page;
  await t.signIn(page, t.users.editor);
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Media library' }).click();
  await page.getByRole('heading', { level: 1, name: 'Media library' }).waitFor();
  const held = [];
  let holding = true;
  await page.route(/\/assets\/.*preset=thumbnail/, (route) => (holding ? held.push(route) : route.continue()));

  const dropped = await page.evaluateHandle(() => {
    const transfer = new DataTransfer();
    transfer.items.add(new File(['%PDF-1.4'], 'dropped.pdf', { type: 'application/pdf' }));
    return transfer;
  });
  await page.getByText('Drop images or PDFs here').dispatchEvent('drop', { dataTransfer: dropped });
  await page.getByRole('button', { name: 'Remove dropped.pdf' }).click();
  await page.getByRole('button', { name: /^Upload/ }).waitFor({ state: 'detached' });

  const title = t.unique('Harbour at dusk');
  const alt = `Boats moored in a harbour at dusk (${title})`;
  await page.getByLabel('Choose files').setInputFiles(t.fixture('cover.jpg'));
  await page.getByLabel('Alt text for cover.jpg').fill(alt);
  await page.getByLabel('Title for cover.jpg').fill(title);
  let release;
  const released = new Promise((resolve) => (release = resolve));
  await page.route('**/api/v1/admin/media', async (route) => {
    if (route.request().method() === 'POST') await released;
    await route.continue();
  });
  await page.getByRole('button', { name: 'Upload 1 file' }).click();
  await page.getByRole('progressbar', { name: 'Uploading cover.jpg' }).waitFor();
  release();

  const card = page.getByRole('list', { name: 'Files' }).getByRole('button', { name: title });
  await card.waitFor();
  const placeholder = card.locator('img.library-thumb-placeholder');
  assert.match(await placeholder.getAttribute('src'), /^data:image\/png;base64,/, 'the placeholder shows meanwhile');
  holding = false;
  await Promise.all(held.map((route) => route.continue()));
  await placeholder.waitFor({ state: 'detached' });
  await t.until(async () => {
    const loaded = await card.locator('img.library-thumb-image').evaluate((img) => img.complete && img.naturalWidth > 0);
    assert.ok(loaded, 'the thumbnail has not loaded');
  });

  const { status, body } = await t.api('GET', `/admin/media?q=${encodeURIComponent(title)}`);
  assert.equal(status, 200);
  assert.equal(body.data.length, 1, `one file titled ${title}`);
  assert.equal(body.data[0].alt, alt);
  assert.equal(body.data[0].created_by, `user:${t.users.editor.id}`);

  await t.checkA11y(page, 'media-library');
  await t.screenshot(page, 'media-library');

  await card.click();
  const dialog = page.getByRole('dialog', { name: title });
  await dialog.waitFor();
  assert.equal(await dialog.getByLabel('Alt text', { exact: true }).inputValue(), alt);
  await dialog.getByText('Other languages').click();
  const altFr = `Des bateaux au port au crépuscule (${title})`;
  await dialog.getByLabel('Alt text (fr)').fill(altFr);
  const picker = dialog.getByRole('slider', { name: 'Focal point' });
  await picker.focus();
  await page.keyboard.press('Shift+ArrowRight');
  await page.keyboard.press('ArrowUp');
  assert.equal(await picker.getAttribute('aria-valuetext'), '60 % from the left, 49 % from the top');
  await t.checkA11y(page, 'media-details');
  await dialog.getByRole('button', { name: 'Save changes' }).click();
  await t.until(async () => {
    const saved = await t.api('GET', `/admin/media/${body.data[0].id}`);
    assert.deepEqual(saved.body.data.focal, { x: 0.6, y: 0.49 });
    assert.deepEqual(saved.body.data.translations, { fr: { alt: altFr, title: null } });
  });
}
