// authorities:* — the CA hierarchy: create, import, unlock, CRL settings, extension URLs.
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
  importAuthorityInput,
  rekeyAuthorityInput,
  renewAuthorityInput
} from '../domain/authority'
import { extensionUrls } from '../domain/extension-urls'

const byId = z.object({ authorityId: z.string().min(1) })
/** Where a new CA key is generated on a token: main checks `module` is one it offers. */
const tokenKeyRequest = z
  .object({ module: z.string().min(1).max(4096), token: z.string().min(1).max(64), keyLabel: z.string().trim().min(1).max(200).optional(), pin: passphraseText.min(1) })
  .strict()
/** A custodian present at an unlock: the app has one field per custodian, so each is named. */
const custodianSecret = z.object({ name: z.string().min(1).max(200).optional(), passphrase: passphraseText.min(1) })

export const authoritiesChannels = {
  'authorities:list': channel(z.object({}).strict(), z.object({ items: z.array(authoritySummary) })),
  'authorities:get': channel(byId, authorityDetail),
  /** `token`: generate the key on a PKCS#11 token instead (a module from tokens:modules, the token's label, its user PIN). */
  'authorities:create': channel(createAuthorityInput.extend({ token: tokenKeyRequest.optional() }), authoritySummary),
  /** A CA whose parent is external: returns the CSR to send to the parent. */
  'authorities:createCsr': channel(createAuthorityCsrInput, z.object({ authority: authoritySummary, csrPem: z.string() })),
  /** The certificate an external parent returned for a pending CA (its chain may follow it). */
  'authorities:importCertificate': channel(byId.extend({ certificate: fileInput }), authoritySummary),
  'authorities:import': channel(importAuthorityInput, authoritySummary),
  /** A CA on a token: `passphrase` is its user PIN (none: the PIN remembered in the OS keychain, if any); `rememberPin` keeps the PIN given there. */
  'authorities:unlock': channel(byId.extend({ passphrase: passphraseText.optional(), custodians: z.array(custodianSecret).max(16).optional(), rememberPin: z.boolean().optional() }), authoritySummary),
  /** Adopts a key already on a token (a module from tokens:modules) for a CA certificate (PEM or DER) whose public key is the token key's. */
  'authorities:adopt': channel(
    z
      .object({
        name: z.string().trim().min(1).max(200),
        certificate: fileInput,
        token: z
          .object({ module: z.string().min(1).max(4096), token: z.string().min(1).max(64), keyLabel: z.string().max(200).optional(), keyId: z.string().regex(/^([0-9a-f]{2})+$/).optional(), pin: passphraseText.min(1) })
          .strict()
      })
      .strict(),
    authoritySummary
  ),
  /** Splits the CA key's KEK between custodians (or replaces them): opened with its passphrase, or M current custodians. */
  'authorities:setCustodians': channel(
    byId.extend({
      threshold: z.number().int().min(2).max(16),
      custodians: z.array(z.object({ name: z.string().trim().min(1).max(200), passphrase: passphraseText.min(1), keychain: z.boolean().optional() })).min(2).max(16),
      passphrase: passphraseText.optional(),
      present: z.array(custodianSecret).max(16).optional()
    }),
    authoritySummary
  ),
  'authorities:lock': channel(byId, authoritySummary),
  'authorities:updateCrlSettings': channel(byId.extend({ settings: crlSettings }), authoritySummary),
  /** The URLs placed in every certificate the CA issues (each kind unless the profile sets its own); coded refusals (EXTENSION_URL_*). */
  'authorities:setUrls': channel(byId.extend({ urls: extensionUrls }), authoritySummary),
  /** Same key, subject and extensions; a new certificate for a new validity. */
  'authorities:renew': channel(renewAuthorityInput, authoritySummary),
  /** A new key and certificate under the same name; the old CA is retired and keeps signing CRLs. */
  /** `token`: the new key is generated on a PKCS#11 token (a module from tokens:modules), as in authorities:create. */
  'authorities:rekey': channel(rekeyAuthorityInput.extend({ token: tokenKeyRequest.optional() }), z.object({ authority: authoritySummary, retired: authoritySummary }))
} as const
