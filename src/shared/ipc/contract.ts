// The one IPC contract: every channel main answers and every event it pushes, split by
// domain (one file each). The preload, src/main/ipc and the test harness derive from this.
import type { ApiOf } from './define'
import { appChannels } from './app'
import { profilesChannels } from './profiles'
import { authoritiesChannels } from './authorities'
import { certificatesChannels, crlChannels } from './certificates'
import { csrChannels } from './csr'
import { events } from './events'
import { vaultChannels } from './vault'
import { auditChannels } from './audit'
import { filesChannels } from './files'
import { connectorsChannels, syncChannels } from './sync'
import { backupChannels } from './backup'
import { runsChannels } from './runs'
import { tokensChannels } from './pkcs11'
import { structureChannels } from './structure'

export const contract = {
  ...appChannels,
  ...profilesChannels,
  ...authoritiesChannels,
  ...certificatesChannels,
  ...crlChannels,
  ...csrChannels,
  ...connectorsChannels,
  ...syncChannels,
  ...vaultChannels,
  ...auditChannels,
  ...filesChannels,
  ...backupChannels,
  ...runsChannels,
  ...tokensChannels,
  ...structureChannels
} as const

export { events }
export type Contract = typeof contract
export type ChannelName = keyof Contract
export type PkiApi = ApiOf<Contract, typeof events>
export const channelNames = Object.keys(contract) as ChannelName[]
export const eventNames = Object.keys(events) as (keyof typeof events)[]
