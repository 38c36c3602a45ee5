import { Badge } from '@mantine/core'
import type { ReactNode } from 'react'
import type { CertificateStatus } from '../../../shared/domain/certificate'

const COLOR: Record<CertificateStatus, string> = { issued: 'teal', revoked: 'red', expired: 'gray' }

export function StatusBadge({ status }: { status: CertificateStatus }): ReactNode {
  return (
    <Badge size="sm" variant="light" color={COLOR[status]}>
      {status}
    </Badge>
  )
}
