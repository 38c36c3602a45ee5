// One line on the last backup, and the reminder when it is due (dashboard and settings).
import { Alert, Text } from '@mantine/core'
import type { ReactNode } from 'react'
import type { BackupStatusDto } from '../../../../shared/ipc/backup'
import { formatDateTime } from '../../lib/format'

export function BackupStatusLine({ status }: { status: BackupStatusDto }): ReactNode {
  const plural = (n: number, word: string): string => `${n.toLocaleString('en-US')} ${word}${n === 1 ? '' : 's'}`
  const last = status.last
    ? `Last backup ${formatDateTime(status.last.at)} (${status.last.protection === 'shares' ? 'split into shares' : 'backup passphrase'}), ${plural(status.daysSince ?? 0, 'day')} and ${plural(status.issuancesSince, 'certificate')} ago.`
    : null
  if (!status.due) return <Text size="sm">{last}</Text>
  return (
    <Alert color="orange" title="Backup due" role="status">
      {last ? <Text size="sm">{last}</Text> : null}
      <Text size="sm">{status.reason}</Text>
    </Alert>
  )
}
