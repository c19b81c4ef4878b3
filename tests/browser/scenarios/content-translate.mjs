/**
 * Translating: in French the editor shows the post's localized fields beside their
 * English text; a French title saved there is what the public API serves with
 * `locale=fr` (saved with Ctrl+S), while the English title stays as it was. The preview shows the French
 * version as the public will see it.
 */
import assert from 'node:assert/strict';

export default async function contentTranslate(t) {
  const { page } = t;
  const english = t.unique('Cities of tomorrow');
  const created = await t.api('POST', '/admin/content/post', { title: english, body: 'Tomorrow.' });
  assert.equal(created.status, 201);
  const id = created.body.data.id;
  assert.equal((await t.api('POST', `/admin/content/post/${id}/publish`)).status, 200);

  await t.signIn(page, t.users.editor);
  await page.goto(t.url(`/admin/content/post/${id}`));
  await page.getByLabel('Language').selectOption('fr');
  const french = `Les villes de demain ${english.split(' ').pop()}`;
  await page.getByRole('group', { name: 'Title (en)' }).getByText(english, { exact: true }).waitFor();
  const title = page.getByRole('textbox', { name: 'Title fr' });
  await title.fill(french);
  await t.checkA11y(page, 'entry-translation');
  await t.screenshot(page, 'entry-translation');
  await title.press('Control+s');
  await page.getByText('Saved.').waitFor();

  await page.getByRole('button', { name: 'Publish changes' }).click();
  await page.getByText('Published.').waitFor();
  const fr = await t.api('GET', `/content/post/${id}?locale=fr`, undefined, null);
  assert.equal(fr.body.data.title, french);
  assert.equal(fr.body.data.locale, 'fr');
  const en = await t.api('GET', `/content/post/${id}`, undefined, null);
  assert.equal(en.body.data.title, english);

  await page.getByRole('link', { name: 'Preview' }).click();
  await page.getByLabel('Language').selectOption('fr');
  await page.getByRole('article').getByRole('heading', { name: french }).waitFor();
  await t.checkA11y(page, 'entry-preview');
}
