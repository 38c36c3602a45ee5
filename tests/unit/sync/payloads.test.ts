// Request bodies are checked against each seed's limits before anything is queued.
import { describe, expect, it } from 'vitest'
import { checkCertCentralBody, validityDays } from '../../../src/main/sync/connectors/digicert-certcentral'
import { buildIotAssignBody } from '../../../src/main/sync/connectors/digicert-iot'
import { buildPaloAltoBody } from '../../../src/main/sync/connectors/paloalto'
import { normSerial, toPem } from '../../../src/main/sync/connectors/digicert-tlm'
import { backoffMs } from '../../../src/main/sync/outbox-runner'
import { checkBaseUrl } from '../../../src/main/sync/http'

const cc = { name: 'n', productType: 'ssl_basic', organizationName: 'O', divisionId: 1, accountId: 'a' }

describe('CertCentral createProfile limits', () => {
  it('counts 1Y as 365 days and allows at most 397', () => {
    expect([validityDays('1D'), validityDays('1Y'), validityDays('397D'), validityDays('1M'), validityDays('0D'), validityDays('Y')]).toEqual([1, 365, 397, null, null, null])
    expect(checkCertCentralBody({ ...cc, validityPeriod: '397D' }).ok).toBe(true)
    expect(checkCertCentralBody({ ...cc, validityPeriod: '398D' })).toMatchObject({ ok: false, error: { code: 'CERTCENTRAL_VALIDITY_TOO_LONG', field: 'validityPeriod' } })
    expect(checkCertCentralBody({ ...cc, validityPeriod: '2Y' })).toMatchObject({ ok: false, error: { code: 'CERTCENTRAL_VALIDITY_TOO_LONG' } })
  })

  it('takes only the seed key algorithms and requires the account fields', () => {
    expect(checkCertCentralBody({ ...cc, validityPeriod: '1Y', keySizeAndAlgorithm: 'RSA 3072' })).toMatchObject({ ok: false, error: { field: 'keySizeAndAlgorithm' } })
    expect(checkCertCentralBody({ ...cc, validityPeriod: '1Y', keySizeAndAlgorithm: 'ECC P384' }).ok).toBe(true)
    const { accountId: _a, ...noAccount } = cc
    expect(checkCertCentralBody({ ...noAccount, validityPeriod: '1Y' })).toMatchObject({ ok: false, error: { field: 'accountId' } })
  })

  it('keeps auto-renew between 1 day and the validity', () => {
    expect(checkCertCentralBody({ ...cc, validityPeriod: '90D', autoRenewSettings: { daysBeforeExpiry: 0 } }).ok).toBe(false)
    expect(checkCertCentralBody({ ...cc, validityPeriod: '90D', autoRenewSettings: { daysBeforeExpiry: 89 } }).ok).toBe(true)
  })
})

describe('Palo Alto generate body', () => {
  const base = { certificateName: 'c', commonName: 'cn', digest: 'sha384' }
  it('sends exactly one scope and the vendor key sizes', () => {
    const r = buildPaloAltoBody({ ...base, key: { family: 'rsa', bits: 3072 }, isBlockPrivateKey: true }, { snippet: 'Edge_01.a b' })
    expect(r).toEqual({ ok: true, value: { certificate_name: 'c', common_name: 'cn', algorithm: { rsa_number_of_bits: 3072 }, digest: 'sha384', is_block_private_key: true, snippet: 'Edge_01.a b' } })
    expect(buildPaloAltoBody({ ...base, key: { family: 'ecdsa', bits: 245 } }, { device: 'fw1' })).toMatchObject({ ok: true, value: { algorithm: { ecdsa_number_of_bits: 256 } } })
    expect(buildPaloAltoBody({ ...base, key: { family: 'ecdsa', bits: 521 } }, { device: 'fw1' })).toMatchObject({ ok: false, error: { code: 'PALOALTO_UNSUPPORTED_KEY' } })
    expect(buildPaloAltoBody({ ...base, digest: 'sha3-256', key: { family: 'rsa', bits: 2048 } }, { device: 'fw1' })).toMatchObject({ ok: false, error: { field: 'digest' } })
    expect(buildPaloAltoBody({ ...base, key: { family: 'rsa', bits: 2048 }, state: 'x'.repeat(33) }, { device: 'fw1' })).toMatchObject({ ok: false, error: { field: 'state' } })
  })
})

describe('IoT assign body', () => {
  it('turns array fields into arrays and rejects impossible dates', () => {
    const r = buildIotAssignBody({ pem: 'P', registeredValues: [{ certificate_field: 'subject.organization_unit', value: 'Unit 1' }, { certificate_field: 'subject.country', value: 'US' }] })
    expect(r).toEqual({
      ok: true,
      value: {
        pem: 'P',
        registered_values: [
          { certificate_field: 'subject.organization_unit', matcher: 'equals', value: ['Unit 1'] },
          { certificate_field: 'subject.country', matcher: 'equals', value: 'US' }
        ]
      }
    })
    expect(buildIotAssignBody({ pem: 'P', startDate: '2026-02-30' })).toMatchObject({ ok: false, error: { code: 'IOT_INVALID_DATE', field: 'startDate' } })
    expect(buildIotAssignBody({ pem: 'P', registeredValues: [{ certificate_field: 'subject.country', value: ['US', 'CA'] }] })).toMatchObject({ ok: false })
  })
})

describe('helpers', () => {
  it('backs off exponentially up to the cap', () => {
    expect([1, 2, 3, 4, 5, 6, 7].map((n) => backoffMs(n, { backoffBaseMs: 1000, backoffMaxMs: 30_000 }))).toEqual([1000, 2000, 4000, 8000, 16000, 30000, 30000])
  })
  it('compares serials without case, separators or leading zeros, and wraps base64 DER as PEM', () => {
    expect(normSerial('00:0f:6F')).toBe(normSerial('F6F'))
    expect(toPem('QUJD')).toBe('-----BEGIN CERTIFICATE-----\nQUJD\n-----END CERTIFICATE-----\n')
  })
  it('accepts https anywhere and http on loopback only', () => {
    expect(checkBaseUrl('https://ca.example.com/base').ok).toBe(true)
    expect(checkBaseUrl('http://127.0.0.1:8080').ok).toBe(true)
    expect(checkBaseUrl('http://10.0.0.1')).toMatchObject({ ok: false, error: { code: 'CONNECTOR_URL_INSECURE' } })
    expect(checkBaseUrl('https://user:pw@ca.example.com')).toMatchObject({ ok: false, error: { code: 'CONNECTOR_URL_INVALID' } })
  })
})
