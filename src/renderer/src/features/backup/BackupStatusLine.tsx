// One line on the last backup, and the reminder when it is due (dashboard and settings).
import { Alert, Text } from '@mantine/core'
import type { ReactNode } from 'react'
import type { BackupStatusDto } from '../../../../shared/ipc/backup'
import { formatDateTime } from '../../lib/format'

export function BackupStatusLine({ status }: { status: BackupStatusDto }): ReactNode {
  const last = status.last ? `Last backup ${formatDateTime(status.last.at)} (${status.last.protection === 'shares' ? 'split into shares' : 'backup passphrase'}), ${status.daysSince} days and ${status.issuancesSince.toLocaleString('en-US')} certificates ago.` : 'No backup of this store has been made.'
  if (!status.due) return <Text size="sm">{last}</Text>
  return (
    <Alert color="orange" title="Backup due" role="status">
      <Text size="sm">{last}</Text>
      <Text size="sm">{status.reason}</Text>
    </Alert>
  )
}
