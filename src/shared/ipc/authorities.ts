// authorities:* — the CA hierarchy: create, import, unlock, CRL settings.
import { z } from 'zod'
import { channel } from './define'
import { passphraseText } from '../domain/keys'
import {
  authorityDetail,
  authoritySummary,
  createAuthorityCsrInput,
  createAuthorityInput,
  crlSettings,
  fileInput,
  importAuthorityInput
} from '../domain/authority'

const byId = z.object({ authorityId: z.string().min(1) })

export const authoritiesChannels = {
  'authorities:list': channel(z.object({}).strict(), z.object({ items: z.array(authoritySummary) })),
  'authorities:get': channel(byId, authorityDetail),
  'authorities:create': channel(createAuthorityInput, authoritySummary),
  /** A CA whose parent is external: returns the CSR to send to the parent. */
  'authorities:createCsr': channel(createAuthorityCsrInput, z.object({ authority: authoritySummary, csrPem: z.string() })),
  /** The certificate an external parent returned for a pending CA (its chain may follow it). */
  'authorities:importCertificate': channel(byId.extend({ certificate: fileInput }), authoritySummary),
  'authorities:import': channel(importAuthorityInput, authoritySummary),
  'authorities:unlock': channel(byId.extend({ passphrase: passphraseText.optional() }), authoritySummary),
  'authorities:lock': channel(byId, authoritySummary),
  'authorities:updateCrlSettings': channel(byId.extend({ settings: crlSettings }), authoritySummary)
} as const
