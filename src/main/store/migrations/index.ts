// Numbered migrations, applied in order. Each file has a test in tests/unit/store.
import type { Db } from '../database'
import { m001Initial } from './001-initial'
import { m002Sync } from './002-sync'
import { m003CertificateSearch } from './003-certificate-search'
import { m004StarterProfiles } from './004-starter-profiles'
import { m005FleetIndexes } from './005-fleet-indexes'
import { m006CustodianKeys } from './006-custodian-keys'
import { m007SyncChains } from './007-sync-chains'
import { m008IssuanceRuns } from './008-issuance-runs'
import { m009AuthorityUrls } from './009-authority-urls'
import { m010CertificateRenewals } from './010-certificate-renewals'
import { m011TokenKeys } from './011-token-keys'
import { m012AuthoritySuccessors } from './012-authority-successors'
import { m013SearchIndexWrites } from './013-search-index-writes'
import { m014CertificateTallies } from './014-certificate-tallies'
import { m015SearchBacklog } from './015-search-backlog'

export interface Migration {
  readonly version: number
  readonly name: string
  /** Runs with foreign keys off (a table rebuild); their check must pass before it commits. */
  readonly foreignKeysOff?: boolean
  up(db: Db): void
}

export const migrations: readonly Migration[] = [m001Initial, m002Sync, m003CertificateSearch, m004StarterProfiles, m005FleetIndexes, m006CustodianKeys, m007SyncChains, m008IssuanceRuns, m009AuthorityUrls, m010CertificateRenewals, m011TokenKeys, m012AuthoritySuccessors, m013SearchIndexWrites, m014CertificateTallies, m015SearchBacklog]
