// Certificates expiring per week over the coming weeks, as bars with their counts.
import { Box, Text, Tooltip, useMantineTheme } from '@mantine/core'
import type { ReactNode } from 'react'
import { formatDate } from '../../lib/format'
import type { WeekCount } from '../../stores/certificates-store'

export function ExpiryTimeline({ weeks }: { weeks: readonly WeekCount[] }): ReactNode {
  const theme = useMantineTheme()
  const max = Math.max(1, ...weeks.map((w) => w.count))
  const summary = weeks.map((w) => `week of ${formatDate(w.start.toISOString())}: ${w.count}`).join('; ')
  return (
    <Box role="img" aria-label={`Certificates expiring per week. ${summary}`} data-testid="expiry-timeline">
      <Box style={{ display: 'grid', gridTemplateColumns: `repeat(${weeks.length}, 1fr)`, alignItems: 'end', gap: 6, height: 160 }}>
        {weeks.map((w, i) => (
          <Tooltip key={i} label={`${w.count} expiring in the week of ${formatDate(w.start.toISOString())}`}>
            <Box style={{ display: 'flex', flexDirection: 'column', justifyContent: 'flex-end', height: '100%', alignItems: 'center' }}>
              <Text size="xs" fw={600} aria-hidden>
                {w.count}
              </Text>
              <Box
                aria-hidden
                style={{
                  width: '100%',
                  height: `${(w.count / max) * 120}px`,
                  minHeight: 2,
                  borderRadius: 3,
                  background: i < 4 && w.count ? theme.colors.orange[6] : theme.colors.indigo[5]
                }}
              />
            </Box>
          </Tooltip>
        ))}
      </Box>
      <Box style={{ display: 'grid', gridTemplateColumns: `repeat(${weeks.length}, 1fr)`, gap: 6, marginTop: 4 }} aria-hidden>
        {weeks.map((w, i) => (
          <Text key={i} size="10px" c="dimmed" ta="center">
            {formatDate(w.start.toISOString()).slice(5)}
          </Text>
        ))}
      </Box>
    </Box>
  )
}
