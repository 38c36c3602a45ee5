// Readable profile ids in the editor: a new profile's id is read from its name as it is typed
// (shown before saving), made unique by main, kept when the profile is renamed; one typed by
// the operator is used as it is, and a malformed one is flagged beside the field.
import { test, expect } from './fixtures'
import { expectAccessible, goTo } from './helpers'

test('a new profile gets an id read from its name, unique and kept on rename; a typed id is used', async ({ app, harness }) => {
  await goTo(app, 'Profiles')
  const list = app.getByRole('navigation', { name: 'Profile list' })
  const create = async (name: string, id?: string): Promise<void> => {
    await app.getByRole('button', { name: 'New profile' }).click()
    await app.getByRole('textbox', { name: 'Name', exact: true }).fill(name)
    if (id !== undefined) await app.getByRole('textbox', { name: 'Id', exact: true }).fill(id)
    await app.getByRole('button', { name: 'Create profile' }).click()
    await expect(list.getByRole('button', { name: new RegExp(name.replace(/[()]/g, '\\$&')) })).toBeVisible()
  }

  await app.getByRole('button', { name: 'New profile' }).click()
  const id = app.getByRole('textbox', { name: 'Id', exact: true })
  await app.getByRole('textbox', { name: 'Name', exact: true }).fill('Internal Web (EU)')
  await expect(id).toHaveAttribute('placeholder', 'internal-web-eu')
  await expectAccessible(app, 'new profile with its id read from the name')
  await id.fill('-not an id')
  await expect(id).toHaveAttribute('aria-invalid', 'true')
  await id.fill('')
  await app.getByRole('button', { name: 'Create profile' }).click()
  await expect(app.getByTestId('profile-id')).toHaveText('Id internal-web-eu')

  // Another name that reads the same: main numbers it.
  await create('Internal-Web EU')
  await expect(app.getByTestId('profile-id')).toHaveText('Id internal-web-eu-2')
  await create('Typed id profile', 'eu.web_1')
  await expect(app.getByTestId('profile-id')).toHaveText('Id eu.web_1')

  // A rename keeps the id.
  await list.getByRole('button', { name: /Internal Web \(EU\)/ }).click()
  await app.getByRole('button', { name: 'Edit', exact: true }).click()
  await expect(app.getByTestId('profile-id')).toContainText('internal-web-eu')
  await app.getByRole('textbox', { name: 'Name', exact: true }).fill('Intranet servers')
  await app.getByRole('button', { name: 'Save changes' }).click()
  await expect(list.getByRole('button', { name: /Intranet servers/ })).toContainText('internal-web-eu')
  await expect(app.getByTestId('profile-id')).toHaveText('Id internal-web-eu')
  const stored = harness.services.profiles.get('internal-web-eu')
  expect(stored.ok && stored.value.name).toBe('Intranet servers')
})
