// Reading files the operator drops or picks, and turning text into bytes to save. The
// renderer sends bytes (as PEM text or base64), never paths.
import type { FileInput } from '../../../shared/domain/authority'
import type { FileToSave } from '../../../shared/ipc/files'

export function bytesToBase64(bytes: Uint8Array): string {
  let s = ''
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000))
  return btoa(s)
}

export function textToBase64(text: string): string {
  return bytesToBase64(new TextEncoder().encode(text))
}

export function base64ToText(b64: string): string {
  const s = atob(b64)
  const bytes = new Uint8Array(s.length)
  for (let i = 0; i < s.length; i++) bytes[i] = s.charCodeAt(i)
  return new TextDecoder().decode(bytes)
}

/** PEM text when the file is PEM, else base64 of its bytes (DER, PFX). */
export async function readFileInput(file: Blob): Promise<FileInput> {
  const bytes = new Uint8Array(await file.arrayBuffer())
  const head = new TextDecoder('utf-8', { fatal: false }).decode(bytes.subarray(0, Math.min(bytes.length, 64 * 1024)))
  if (head.includes('-----BEGIN ')) return { encoding: 'pem', data: new TextDecoder().decode(bytes) }
  return { encoding: 'base64', data: bytesToBase64(bytes) }
}

export function textFile(name: string, text: string): FileToSave {
  return { name, base64: textToBase64(text) }
}

/** A name safe for files:save from a subject or CN. */
export function fileStem(text: string, fallback = 'certificate'): string {
  const s = text.replace(/[^A-Za-z0-9._-]+/g, '_').replace(/^[._]+/, '').slice(0, 80)
  return s || fallback
}
