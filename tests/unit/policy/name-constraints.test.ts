// The name-constraint policy on its own: the operator's subtrees for a new CA, and each name
// form matched against subtrees read from real DER (OpenSSL writes the constraints, the
// facts reader decodes them), including the places where PKI Desk is stricter than OpenSSL.
import { describe, expect, it } from 'vitest'
import { checkNameConstraintsInput, nameConstraintFindings, type AuthorityConstraints } from '../../../src/main/engine/policy'
import { cnAsDnsName, MAX_CHAIN_SUBTREES } from '../../../src/main/engine/policy/name-constraints'
import { certificateFacts } from '../../../src/main/engine'
import type { NameConstraintBase } from '../../../src/shared/domain/authority'
import type { DistinguishedName, GeneralName } from '../../../src/shared/domain/names'
import type { GeneralSubtreeFact } from '../../../src/main/engine/certificate-facts'
import { openssl, opensslBytes, tempDir } from '../engine/helpers'

const tmp = tempDir('pkidesk-nc-unit-')

/** A CA certificate made by OpenSSL with this nameConstraints value, read back as the chain entry of `authority`. */
function caWith(authority: string, constraints: string, extra: string[] = []): AuthorityConstraints {
  const cnf = tmp.write(`${authority}.cnf`, ['[req]', 'distinguished_name=dn', '[dn]', '[v3]', 'basicConstraints=critical,CA:TRUE', `nameConstraints=critical,${constraints}`, ...extra, ''].join('\n'))
  const out = tmp.path(`${authority}.pem`)
  const r = openssl(['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', tmp.path(`${authority}.key`), '-subj', `/CN=${authority}`, '-days', '30', '-config', cnf, '-extensions', 'v3', '-out', out])
  if (r.status !== 0) throw new Error(r.out)
  const der = new Uint8Array(opensslBytes(['x509', '-in', out, '-outform', 'DER']))
  return { authority, constraints: certificateFacts(der).nameConstraints! }
}

const dn = (...rdns: [string, string][]): DistinguishedName => rdns.map(([type, value]) => [{ type, value }])
const codes = (chain: AuthorityConstraints[], subject: DistinguishedName, sans: GeneralName[] = []): string[] => nameConstraintFindings(chain, { subject, sans }).map((f) => `${f.code} ${f.field}`)

describe('the subtrees an operator gives for a new CA', () => {
  const check = (base: NameConstraintBase, list: 'permitted' | 'excluded' = 'permitted') => {
    const r = checkNameConstraintsInput({ permitted: list === 'permitted' ? [base] : [], excluded: list === 'excluded' ? [base] : [] })
    return r.ok ? 'ok' : `${r.error.code} ${r.error.field}: ${r.error.message}`
  }

  it('takes each form as RFC 5280 writes it', () => {
    for (const base of [
      { type: 'dns', value: 'example.com' },
      { type: 'dns', value: '.example.com' },
      { type: 'ip', value: '10.0.0.0/8' },
      { type: 'ip', value: '192.0.2.7/32' },
      { type: 'ip', value: '2001:db8::/32' },
      { type: 'email', value: 'a@example.com' },
      { type: 'email', value: 'example.com' },
      { type: 'email', value: '.example.com' },
      { type: 'uri', value: 'example.com' },
      { type: 'uri', value: '.example.com' },
      { type: 'dn', value: 'O=Example,C=DE' },
      { type: 'dn', value: 'OU=Web + L=Berlin,O=Example\\, Inc,C=DE' }
    ] as const)
      expect(check(base), base.value).toBe('ok')
  })

  it('refuses a malformed entry with NAME_CONSTRAINT_INVALID, naming its list and place and saying how to write it', () => {
    expect(check({ type: 'dns', value: '*.example.com' })).toMatch(/^NAME_CONSTRAINT_INVALID nameConstraints.permitted\[0\]: .*wildcard.*example\.com/)
    expect(check({ type: 'dns', value: 'exa mple.com' }, 'excluded')).toMatch(/^NAME_CONSTRAINT_INVALID nameConstraints.excluded\[0\]: The excluded DNS constraint "exa mple.com" is not a host or domain name; write it as example.com or .example.com\.$/)
    expect(check({ type: 'dns', value: '-a.example.com' })).toMatch(/INVALID/)
    expect(check({ type: 'ip', value: '10.0.0.0' })).toMatch(/no prefix length.*\/32 or \/128/)
    expect(check({ type: 'ip', value: '10.0.0.1/8' })).toMatch(/bits set after its \/8 prefix.*10\.0\.0\.0\/8/)
    expect(check({ type: 'ip', value: '10.0.0.0/33' })).toMatch(/invalid prefix length; give 0 to 32/)
    expect(check({ type: 'ip', value: '10.0.0/8' })).toMatch(/not an IPv4 or IPv6 address/)
    expect(check({ type: 'email', value: '@example.com' })).toMatch(/not a mailbox/)
    expect(check({ type: 'email', value: 'a@' })).toMatch(/no valid host after @/)
    expect(check({ type: 'uri', value: 'https://example.com/' })).toMatch(/is a URI; a URI constraint is its host only/)
    expect(check({ type: 'dn', value: 'Example' })).toMatch(/is not TYPE=value/)
    expect(check({ type: 'dn', value: 'XX=1,C=DE' })).toMatch(/"XX" is not a known attribute type/)
    const empty = checkNameConstraintsInput({ permitted: [], excluded: [] })
    expect(empty.ok ? '' : [empty.error.code, empty.error.field]).toEqual(['NAME_CONSTRAINT_INVALID', 'nameConstraints'])
  })

  it('reports the first bad entry of the right list, after good ones', () => {
    const r = checkNameConstraintsInput({ permitted: [{ type: 'dns', value: 'example.com' }], excluded: [{ type: 'dns', value: 'ok.example.com' }, { type: 'ip', value: 'nope' }] })
    expect(r.ok ? '' : r.error.field).toBe('nameConstraints.excluded[1]')
  })
})

describe('a CN as a DNS name', () => {
  it('is a host name of two labels or more (OpenSSL reads such a CN as a DNS name), a wildcard over one too', () => {
    expect(cnAsDnsName('www.example.com')).toBe('www.example.com')
    expect(cnAsDnsName('*.example.com')).toBe('*.example.com')
    expect(cnAsDnsName('10.1.2.3')).toBe('10.1.2.3')
    for (const cn of ['Jane Doe', 'localhost', 'Example Root CA', 'a..b', '-a.b', 'a.b-', 'ä.example', '.example.com']) expect(cnAsDnsName(cn), cn).toBeNull()
  })
})

describe('names against the subtrees of a chain', () => {
  const root = caWith('DNS Root', 'permitted;DNS:example.com,permitted;DNS:.example.net,excluded;DNS:bad.example.com')

  it('DNS: a domain is itself and below it, a leading dot only below, compared without case; the finding names the CA and the subtrees', () => {
    expect(codes([root], [], [{ type: 'dns', value: 'EXAMPLE.com' }, { type: 'dns', value: 'a.b.example.com' }, { type: 'dns', value: 'x.example.net' }])).toEqual([])
    expect(codes([root], [], [{ type: 'dns', value: 'example.net' }, { type: 'dns', value: 'notexample.com' }, { type: 'dns', value: 'x.bad.example.com' }])).toEqual([
      'NAME_NOT_PERMITTED san[0]',
      'NAME_NOT_PERMITTED san[1]',
      'NAME_EXCLUDED san[2]'
    ])
    const [f] = nameConstraintFindings([root], { subject: [], sans: [{ type: 'dns', value: 'www.evil.org' }] })
    expect(f?.message).toBe(
      'DNS:www.evil.org (SAN) is outside the names "DNS Root" permits (DNS:example.com, DNS:.example.net), so no client would accept the certificate; ask for a name within them or issue from another CA.'
    )
  })

  it('the CN when it is a host name, checked once when it is also a DNS SAN; a CN of words is not a DNS name', () => {
    expect(codes([root], dn(['CN', 'www.evil.org']))).toEqual(['NAME_NOT_PERMITTED subject.CN'])
    expect(codes([root], dn(['CN', 'www.evil.org']), [{ type: 'dns', value: 'www.evil.org' }])).toEqual(['NAME_NOT_PERMITTED san[0]'])
    expect(codes([root], dn(['CN', 'Jane Doe']))).toEqual([])
    // Stricter than OpenSSL: the CN is checked beside a DNS SAN that passes.
    expect(codes([root], dn(['CN', 'www.evil.org']), [{ type: 'dns', value: 'www.example.com' }])).toEqual(['NAME_NOT_PERMITTED subject.CN'])
  })

  it('a wildcard that covers an excluded name is refused, one that does not is not', () => {
    expect(codes([root], [], [{ type: 'dns', value: '*.example.com' }])).toEqual(['NAME_EXCLUDED san[0]'])
    expect(codes([root], [], [{ type: 'dns', value: '*.www.example.com' }])).toEqual([])
  })

  it('IP: address within a range of its own family; an IPv6 name is outside IPv4-only ranges', () => {
    const ip = caWith('IP Root', 'permitted;IP:10.0.0.0/255.0.0.0,excluded;IP:10.66.0.0/255.255.0.0')
    expect(codes([ip], [], [{ type: 'ip', value: '10.1.2.3' }])).toEqual([])
    expect(codes([ip], [], [{ type: 'ip', value: '11.0.0.1' }, { type: 'ip', value: '10.66.3.4' }, { type: 'ip', value: '::ffff:10.1.2.3' }])).toEqual([
      'NAME_NOT_PERMITTED san[0]',
      'NAME_EXCLUDED san[1]',
      'NAME_NOT_PERMITTED san[2]'
    ])
    // No DNS constraint: DNS names are free under an IP-only CA.
    expect(codes([ip], dn(['CN', 'anything.org']))).toEqual([])
  })

  it('e-mail: a mailbox exactly (local part with case), a host, a domain below; subject emailAddress too', () => {
    const mail = caWith('Mail Root', 'permitted;email:Ops@example.com,permitted;email:example.org,permitted;email:.example.net')
    expect(codes([mail], dn(['emailAddress', 'a@example.org']), [{ type: 'email', value: 'Ops@example.com' }, { type: 'email', value: 'b@EXAMPLE.org' }, { type: 'email', value: 'c@mx.example.net' }])).toEqual([])
    expect(codes([mail], dn(['emailAddress', 'a@sub.example.org']), [{ type: 'email', value: 'ops@example.com' }, { type: 'email', value: 'c@example.net' }, { type: 'email', value: 'no-at-sign' }])).toEqual([
      'NAME_NOT_PERMITTED subject.emailAddress',
      'NAME_NOT_PERMITTED san[0]',
      'NAME_NOT_PERMITTED san[1]',
      'NAME_CONSTRAINT_UNCHECKABLE san[2]'
    ])
  })

  it('URI: its host as for an e-mail host; a URI without a readable host cannot be checked', () => {
    const uri = caWith('URI Root', 'permitted;URI:example.com,permitted;URI:.example.org')
    expect(codes([uri], [], [{ type: 'uri', value: 'https://example.com/a' }, { type: 'uri', value: 'https://x.example.org:8443/' }])).toEqual([])
    expect(codes([uri], [], [{ type: 'uri', value: 'https://www.example.com/' }, { type: 'uri', value: 'urn:uuid:1234' }, { type: 'uri', value: 'https://user@example.com/' }])).toEqual([
      'NAME_NOT_PERMITTED san[0]',
      'NAME_CONSTRAINT_UNCHECKABLE san[1]',
      'NAME_CONSTRAINT_UNCHECKABLE san[2]'
    ])
  })

  it('directory names: the subject begins with the base RDNs, values compared as OpenSSL canonicalises them', () => {
    const dir = caWith('Dir Root', 'permitted;dirName:ok,excluded;dirName:no', ['[ok]', 'C=DE', 'O=Example  Corp', '[no]', 'C=DE', 'O=Example Corp', 'OU=Blocked'])
    expect(codes([dir], dn(['C', 'DE'], ['O', ' example   corp '], ['CN', 'x']))).toEqual([])
    expect(codes([dir], dn(['C', 'DE'], ['O', 'Other'], ['CN', 'x']))).toEqual(['NAME_NOT_PERMITTED subject'])
    expect(codes([dir], dn(['C', 'DE'], ['O', 'Example Corp'], ['OU', 'blocked'], ['CN', 'x']))).toEqual(['NAME_EXCLUDED subject'])
    expect(codes([dir], dn(['C', 'DE']))).toEqual(['NAME_NOT_PERMITTED subject'])
    expect(codes([dir], [])).toEqual([])
  })

  it('applies every CA of the chain, each refusal naming its own CA', () => {
    const inter = caWith('Inter', 'excluded;DNS:dev.example.com')
    const found = nameConstraintFindings([inter, root], { subject: [], sans: [{ type: 'dns', value: 'a.dev.example.com' }, { type: 'dns', value: 'evil.org' }] })
    expect(found.map((f) => [f.code, f.field, /"([^"]+)"/.exec(f.message)?.[1]])).toEqual([
      ['NAME_EXCLUDED', 'san[0]', 'Inter'],
      ['NAME_NOT_PERMITTED', 'san[1]', 'DNS Root']
    ])
  })

  it('an other name under other-name constraints of its type, and a subtree with a minimum, cannot be checked', () => {
    const upn = caWith('UPN Root', 'permitted;otherName:1.3.6.1.4.1.311.20.2.3;UTF8:corp.example')
    expect(codes([upn], [], [{ type: 'upn', value: 'a@corp.example' }, { type: 'dns', value: 'free.example' }])).toEqual(['NAME_CONSTRAINT_UNCHECKABLE san[0]'])
    const base = root.constraints.permitted[0]!
    const withMinimum: AuthorityConstraints = { authority: 'Odd Root', constraints: { critical: true, permitted: [{ ...base, minimum: 1 } as GeneralSubtreeFact], excluded: [] } }
    expect(codes([withMinimum], [], [{ type: 'dns', value: 'example.com' }])).toEqual(['NAME_CONSTRAINT_UNCHECKABLE san[0]'])
  })

  it('refuses to check more subtrees than its limit, as one finding, before comparing anything', () => {
    const base = root.constraints.permitted[0]!
    const many: AuthorityConstraints = { authority: 'Huge Root', constraints: { critical: true, permitted: Array.from({ length: MAX_CHAIN_SUBTREES + 1 }, () => base), excluded: [] } }
    expect(codes([many], [], [{ type: 'dns', value: 'example.com' }])).toEqual(['NAME_CONSTRAINTS_TOO_MANY nameConstraints'])
  })

  it('has nothing to say without constraints', () => {
    expect(codes([], dn(['CN', 'anything.evil']), [{ type: 'dns', value: 'evil.org' }])).toEqual([])
  })
})
