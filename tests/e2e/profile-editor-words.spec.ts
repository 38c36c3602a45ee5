// The profile editor in words: a subject rule's pattern is said in words under it (the same
// words as the Sign screen's fields), the allowed DNS names are said as the policy matches
// them, and the sample-CSR preview gives its dates in the app's format (UTC, to the minute).
import { test, expect } from './fixtures'
import { expectAccessible, fixture, goTo } from './helpers'

test('the editor says patterns and allowed DNS names in words; the preview dates are in the app format', async ({ app, harness }) => {
  const stored = harness.services.profiles.get('tls-server')
  if (!stored.ok) throw new Error(stored.error.message)
  const c = stored.value.subjectAttributes.findIndex((r) => r.type === 'C') + 1
  expect(stored.value.subjectAttributes[c - 1]?.pattern).toBe('[A-Z]{2}')

  await goTo(app, 'Profiles')
  await app.getByRole('navigation', { name: 'Profile list' }).getByRole('button', { name: /TLS server/ }).click()
  await app.getByRole('button', { name: 'Edit', exact: true }).click()
  const rules = app.getByRole('table', { name: 'Subject attribute rules' })
  const pattern = rules.getByRole('textbox', { name: `Pattern of rule ${c}` })
  await expect(pattern).toHaveAccessibleDescription('The whole value: 2 capital letters')
  await pattern.fill('Ops|Dev')
  await expect(pattern).toHaveAccessibleDescription('The whole value: one of "Ops", "Dev"')
  // A pattern that is not a regular expression: the error, not words.
  await pattern.fill('([A-Z')
  await expect(pattern).toHaveAttribute('aria-invalid', 'true')
  await expect(pattern).not.toHaveAccessibleDescription(/The whole value/)
  await pattern.fill('[A-Z]{2}')

  const words = app.getByTestId('dns-patterns-words')
  await expect(words).toHaveText('Any DNS name is allowed (no list).')
  const dns = app.getByRole('combobox', { name: 'Allowed DNS names' })
  await dns.fill('*.example.com')
  await dns.press('Enter')
  await dns.fill('.example.org')
  await dns.press('Enter')
  await expect(words).toHaveText(
    'Allowed: one label under example.com (such as www.example.com, not a.b.example.com) or the wildcard *.example.com; any name under example.org at any depth (such as a.b.example.org), not example.org itself.'
  )
  await expectAccessible(app, 'profile editor with patterns in words')

  await app.getByLabel('Sample CSR (PEM)').fill(fixture('web1.csr'))
  await app.getByRole('button', { name: 'Preview' }).click()
  const validity = app.getByRole('table', { name: 'Profile preview' }).getByRole('row').filter({ hasText: /^Validity/ })
  await expect(validity).toContainText(/\d{4}-\d\d-\d\d \d\d:\d\d UTC – \d{4}-\d\d-\d\d \d\d:\d\d UTC/)
  await expect(validity).not.toContainText(/\d{4}-\d\d-\d\dT\d\d/)
})
