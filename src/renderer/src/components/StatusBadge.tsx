import { Badge } from '@mantine/core'
import type { ReactNode } from 'react'
import type { CertificateStatus, RevocationReason } from '../../../shared/domain/certificate'

const COLOR: Record<CertificateStatus, string> = { issued: 'teal', revoked: 'red', expired: 'gray' }

/** A certificate's status; one revoked with certificateHold reads "on hold" (it can be released). */
export function StatusBadge({ status, reason }: { status: CertificateStatus; reason?: RevocationReason | null }): ReactNode {
  const held = status === 'revoked' && reason === 'certificateHold'
  return (
    <Badge size="sm" variant="light" color={held ? 'orange' : COLOR[status]}>
      {held ? 'on hold' : status}
    </Badge>
  )
}
