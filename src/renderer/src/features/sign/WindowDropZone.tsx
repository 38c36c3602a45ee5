// Files dropped anywhere on the window are read as certificate signing requests and go to
// the Sign requests screen. An overlay says so while files are dragged over the window.
import { Overlay, Stack, Text, Title } from '@mantine/core'
import { useEffect, useState, type ReactNode } from 'react'
import { useSignStore } from '../../stores/sign-store'
import { useUiStore } from '../../stores/ui-store'

const hasFiles = (e: DragEvent): boolean => Array.from(e.dataTransfer?.types ?? []).includes('Files')

export function WindowDropZone(): ReactNode {
  const [dragging, setDragging] = useState(false)
  useEffect(() => {
    let depth = 0
    const enter = (e: DragEvent): void => {
      if (!hasFiles(e)) return
      depth++
      setDragging(true)
    }
    const leave = (e: DragEvent): void => {
      if (!hasFiles(e)) return
      depth = Math.max(0, depth - 1)
      if (depth === 0) setDragging(false)
    }
    const over = (e: DragEvent): void => {
      if (!hasFiles(e)) return
      e.preventDefault()
      if (e.dataTransfer) e.dataTransfer.dropEffect = 'copy'
    }
    const drop = (e: DragEvent): void => {
      depth = 0
      setDragging(false)
      const files = Array.from(e.dataTransfer?.files ?? [])
      if (files.length === 0) return
      // Never let the browser navigate to a dropped file.
      e.preventDefault()
      useUiStore.getState().goTo('sign')
      void useSignStore.getState().addFiles(files)
    }
    window.addEventListener('dragenter', enter)
    window.addEventListener('dragleave', leave)
    window.addEventListener('dragover', over)
    window.addEventListener('drop', drop)
    return () => {
      window.removeEventListener('dragenter', enter)
      window.removeEventListener('dragleave', leave)
      window.removeEventListener('dragover', over)
      window.removeEventListener('drop', drop)
    }
  }, [])
  if (!dragging) return null
  return (
    <Overlay fixed blur={2} backgroundOpacity={0.55} zIndex={1000} center>
      <Stack align="center" gap={4} style={{ pointerEvents: 'none' }}>
        <Title order={2} c="white">
          Drop to sign
        </Title>
        <Text c="white">Certificate signing requests: PEM or DER, one or many files.</Text>
      </Stack>
    </Overlay>
  )
}
