/**
 * The editor is generated from each type's fields, plugin types included: a study (from
 * the `study` plugin) takes an enum, an integer, Markdown, a list of numbers, JSON (an
 * invalid one is caught at its field before anything is sent), references to several
 * partners and images from the media library; a partner takes a boolean, a date and a
 * URL. What the API stores is what was entered. The list's filters find the partner.
 */
import assert from 'node:assert/strict';

export default async function contentFieldKinds(t) {
  const { page } = t;
  const upload = new FormData();
  const image = new Blob([await (await import('node:fs/promises')).readFile(t.fixture('cover.jpg'))], { type: 'image/jpeg' });
  const mediaTitle = t.unique('Tram depot');
  upload.append('file', image, 'depot.jpg');
  upload.append('title', mediaTitle);
  assert.equal((await t.api('POST', '/admin/media', upload)).status, 201);

  await t.signIn(page, t.users.editor);
  await page.goto(t.url('/admin/content/study/new'));
  await page.getByRole('heading', { level: 1, name: 'New study' }).waitFor();
  const title = t.unique('Tram network');
  await page.getByRole('textbox', { name: /^Title/ }).fill(title);
  await page.getByLabel('Region').selectOption('europe');
  await page.getByRole('spinbutton', { name: 'Year' }).fill('2021');
  await page.getByRole('textbox', { name: /^Challenge/ }).fill('Too many *cars*.');
  await page.getByRole('button', { name: 'Add to Outcomes' }).click();
  await page.getByRole('textbox', { name: 'Outcomes, item 1' }).fill('Fewer cars');
  await page.getByRole('button', { name: 'Add to SDGs' }).click();
  await page.getByLabel('SDGs, item 1').fill('11');
  await page.getByRole('button', { name: 'Add to SDGs' }).click();
  await page.getByLabel('SDGs, item 2').fill('9');
  await page.getByRole('button', { name: 'Move SDGs item 2 up' }).click();

  const metrics = page.getByRole('textbox', { name: 'Metrics' });
  await metrics.fill('[{"name": "riders", "value": 12000');
  await page.getByRole('group', { name: 'Fields' }).getByText(/^Not valid JSON/).waitFor();
  await page.getByRole('button', { name: 'Save draft' }).click();
  await page.locator('#field-metrics-error').filter({ hasText: 'Not valid JSON' }).waitFor();
  assert.match(page.url(), /\/study\/new$/, 'nothing was created');
  await metrics.fill('[{"name": "riders", "value": 12000, "unit": "per day"}]');

  await page.getByRole('button', { name: 'Add to Partners' }).click();
  const partners = page.getByRole('dialog', { name: 'Choose from Partners' });
  await partners.getByRole('listitem').first().waitFor();
  await partners.getByRole('button').filter({ hasText: 'University' }).first().click();
  await page.getByRole('button', { name: 'Choose images from the library' }).click();
  const library = page.getByRole('dialog', { name: 'Choose images' });
  await library.getByLabel('Search the media library').fill(mediaTitle);
  await library.getByRole('button', { name: 'Search' }).click();
  await library.getByRole('button', { name: `Choose ${mediaTitle}` }).click();
  await page.getByRole('group', { name: /^Images/ }).getByText(mediaTitle).waitFor();

  await page.getByRole('button', { name: 'Save draft' }).click();
  await page.getByRole('heading', { level: 1, name: title }).waitFor();
  const id = page.url().split('/').pop();
  const { body: study } = await t.api('GET', `/admin/content/study/${id}`);
  assert.equal(study.data.region, 'europe');
  assert.equal(study.data.year, 2021);
  assert.equal(study.data.challenge.markdown, 'Too many *cars*.');
  assert.deepEqual(study.data.sdgs, [9, 11]);
  assert.deepEqual(study.data.outcomes, ['Fewer cars']);
  assert.deepEqual(study.data.metrics, [{ name: 'riders', value: 12000, unit: 'per day' }]);
  assert.equal(study.data.partners.length, 1);
  assert.equal(study.data.images[0].title, mediaTitle);
  await t.checkA11y(page, 'entry-editor-study');

  await page.goto(t.url('/admin/content/partner/new'));
  const name = t.unique('Harbour city');
  await page.getByRole('textbox', { name: /^Name/ }).fill(name);
  await page.getByLabel('Kind').selectOption('city');
  await page.getByLabel('Trusted partner').check();
  await page.getByLabel('Member since').fill('2020-05-17');
  await page.getByRole('textbox', { name: 'Website' }).fill('https://harbour.example.org');
  await page.getByRole('button', { name: 'Save draft' }).click();
  await page.getByRole('heading', { level: 1, name }).waitFor();
  const partnerId = page.url().split('/').pop();
  const { body: partner } = await t.api('GET', `/admin/content/partner/${partnerId}`);
  assert.equal(partner.data.kind, 'city');
  assert.equal(partner.data.trusted, true);
  assert.equal(partner.data.member_since, '2020-05-17');
  assert.equal(partner.data.website, 'https://harbour.example.org');

  await page.getByRole('link', { name: 'Partners', exact: true }).first().click();
  await page.getByText(/^Filters/).click();
  await page.getByLabel('Name contains').fill(name.split(' ').pop());
  await page.getByLabel('Trusted partner is').selectOption('true');
  await page.getByRole('button', { name: 'Apply filters' }).click();
  await t.until(async () => {
    assert.equal(await page.getByRole('table').getByRole('row').count(), 2, 'the header and the one partner');
  });
  await page.getByRole('table').getByRole('link', { name }).waitFor();
  await t.checkA11y(page, 'content-list-filtered');
}
