/**
 * An editor schedules a draft to be published next year: the entry waits as scheduled
 * with the time shown, the API has the time; cancelling the schedule makes it a plain
 * draft again, which is then deleted.
 */
import assert from 'node:assert/strict';

export default async function contentSchedule(t) {
  const { page } = t;
  const title = t.unique('Scheduled post');
  const created = await t.api('POST', '/admin/content/post', { title, body: 'Later.' });
  assert.equal(created.status, 201);
  const id = created.body.data.id;

  await t.signIn(page, t.users.editor);
  await page.goto(t.url(`/admin/content/post/${id}`));
  await page.getByRole('button', { name: 'Schedule…' }).click();
  const dialog = page.getByRole('dialog', { name: 'Schedule' });
  const year = new Date().getFullYear() + 1;
  await dialog.getByLabel('Publish at', { exact: true }).fill(`${year}-01-31T09:00`);
  await t.checkA11y(page, 'schedule-dialog');
  await dialog.getByRole('button', { name: 'Set schedule' }).click();
  await dialog.waitFor({ state: 'detached' });

  const side = page.getByRole('complementary', { name: 'Entry actions and details' });
  await side.getByText('Scheduled', { exact: true }).waitFor();
  await side.getByText(new RegExp(`^Publishes .*${year}`)).waitFor();
  const scheduled = await t.api('GET', `/admin/content/post/${id}`);
  assert.equal(scheduled.body.data.status, 'scheduled');
  assert.equal(new Date(scheduled.body.data.scheduled_publish_at).getTime(), new Date(`${year}-01-31T09:00`).getTime());

  await side.getByRole('button', { name: 'Cancel schedule' }).click();
  await page.getByText('The schedule was cancelled.').waitFor();
  await side.getByText('Draft', { exact: true }).waitFor();
  assert.equal(await side.getByRole('button', { name: 'Cancel schedule' }).count(), 0);
  const cancelled = await t.api('GET', `/admin/content/post/${id}`);
  assert.equal(cancelled.body.data.status, 'draft');
  assert.equal(cancelled.body.data.scheduled_publish_at, null);

  await side.getByRole('button', { name: 'Delete' }).click();
  await page.getByRole('dialog', { name: 'Delete this entry?' }).getByRole('button', { name: 'Delete' }).click();
  await page.getByRole('heading', { level: 1, name: 'Posts' }).waitFor();
  assert.equal((await t.api('GET', `/admin/content/post/${id}`)).status, 404);
}
