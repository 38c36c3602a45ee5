// The harness's stand-in for the preload: builds the same window.pki from the contract with
// the same buildApi, but carries calls over a WebSocket to tests/harness/server.ts instead of
// ipcRenderer. Bundled (iife) by the server at start; never part of the app.
import { channelNames, eventNames } from '../../src/shared/ipc/contract'
import { buildApi } from '../../src/shared/ipc/define'
import type { Result } from '../../src/shared/errors'
import { decodeFrame, encodeFrame } from './wire'

// This file runs in the page but is type-checked in the node world (tests/**): declare the
// few browser globals it uses rather than pull DOM types into main's program.
declare const document: { readonly currentScript: { readonly src: string } | null }
declare const location: { readonly host: string }
declare const window: object

type ServerMessage =
  | { readonly kind: 'result'; readonly id: number; readonly result: Result<unknown> }
  | { readonly kind: 'event'; readonly name: string; readonly payload: unknown }

const script = document.currentScript
const token = script ? new URL(script.src).searchParams.get('token') ?? '' : ''
const socketUrl = `ws://${location.host}/__harness/ws?token=${encodeURIComponent(token)}`

const pending = new Map<number, (result: Result<unknown>) => void>()
const listeners = new Map<string, Set<(payload: unknown) => void>>()
const queue: string[] = []
let nextId = 1
let socket: WebSocket

function connect(): void {
  socket = new WebSocket(socketUrl)
  socket.addEventListener('open', () => {
    for (const frame of queue.splice(0)) socket.send(frame)
  })
  socket.addEventListener('message', (e: MessageEvent) => {
    const msg = decodeFrame(String(e.data)) as ServerMessage
    if (msg.kind === 'result') {
      pending.get(msg.id)?.(msg.result)
      pending.delete(msg.id)
    } else {
      for (const l of listeners.get(msg.name) ?? []) l(msg.payload)
    }
  })
  socket.addEventListener('close', () => {
    for (const [id, resolve] of pending) {
      resolve({ ok: false, error: { code: 'IPC_DISCONNECTED', message: 'the harness server closed the connection' } })
      pending.delete(id)
    }
  })
}
connect()

function send(frame: string): void {
  if (socket.readyState === WebSocket.OPEN) socket.send(frame)
  else queue.push(frame)
}

const api = buildApi(
  channelNames,
  eventNames,
  (name, request) =>
    new Promise<Result<unknown>>((resolve) => {
      const id = nextId++
      pending.set(id, resolve)
      send(encodeFrame({ id, channel: name, request }))
    }),
  (name, listener) => {
    let set = listeners.get(name)
    if (!set) listeners.set(name, (set = new Set()))
    set.add(listener)
    return () => set.delete(listener)
  }
)

Object.defineProperty(window, 'pki', { value: Object.freeze(api), writable: false, configurable: false })
