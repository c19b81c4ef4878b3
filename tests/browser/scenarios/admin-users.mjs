/**
 * An admin invites someone by creating their account with a generated password (shown
 * once, and it works), changes their role, disables them (they can no longer sign in)
 * and resets their password (the new one works, once enabled again). The users screen
 * passes the accessibility check.
 */
import assert from 'node:assert/strict';

async function login(t, email, password) {
  return (await t.api('POST', '/auth/login', { email, password }, null)).status;
}

export default async function adminUsers(t) {
  const page = t.page;
  await t.signIn(page, t.users.admin);
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Users' }).click();
  await page.getByRole('heading', { level: 1, name: 'Users' }).waitFor();

  const email = `invited-${t.unique('x').split(' ')[1]}@browser.test`;
  const form = page.getByRole('form', { name: 'Invite someone' });
  await form.getByLabel('Email').fill(email);
  await form.getByLabel('Display name').fill('Invited Person');
  await form.getByLabel('Role').selectOption('author');
  await form.getByRole('button', { name: 'Generate' }).click();
  const typed = await form.getByLabel('Password').inputValue();
  assert.ok(typed.length >= 10, 'a generated password fills the field');
  await form.getByRole('button', { name: 'Create account' }).click();

  const shown = page.getByRole('textbox', { name: `Password of ${email}` });
  await shown.waitFor();
  assert.equal(await shown.inputValue(), typed, 'the password is shown once to hand over');
  assert.equal(await login(t, email, typed), 200, 'the new account signs in with it');
  await t.checkA11y(page, 'users');
  await page.getByRole('button', { name: 'I have copied it' }).click();

  const row = page.getByRole('row', { name: new RegExp(email) });
  await row.getByRole('combobox', { name: `Role of ${email}` }).selectOption('editor');
  await page.getByText(`${email} is now editor.`).waitFor();
  await t.until(async () => {
    const users = await t.api('GET', '/admin/users');
    assert.equal(users.body.data.find((u) => u.email === email).role, 'editor');
  });

  await row.getByRole('button', { name: `Disable ${email}` }).click();
  await row.getByText('Disabled').waitFor();
  assert.equal(await login(t, email, typed), 401, 'a disabled account cannot sign in');

  await row.getByRole('button', { name: `Reset password of ${email}` }).click();
  const dialog = page.getByRole('dialog', { name: `Reset the password of ${email}` });
  const fresh = await dialog.getByLabel('Password').inputValue();
  assert.ok(fresh.length >= 10 && fresh !== typed, 'a new password is proposed');
  await dialog.getByRole('button', { name: 'Set password' }).click();
  assert.equal(await page.getByRole('textbox', { name: `Password of ${email}` }).inputValue(), fresh);
  await row.getByRole('button', { name: `Enable ${email}` }).click();
  await row.getByText('Active').waitFor();
  assert.equal(await login(t, email, fresh), 200, 'the reset password works');
  assert.equal(await login(t, email, typed), 401, 'the old one does not');
}
