// Adopt a token key: a CA whose private key is already on a PKCS#11 token (made by another tool,
// or by an earlier installation). The operator picks the token (of a module main offers), logs
// in with the user PIN to see its private keys (label, id, type), picks one, and gives the CA
// certificate (PEM or DER); main checks that the certificate's public key is the token key's
// (PKCS11_KEY_MISMATCH otherwise) and proves it with a signature — the service `ca adopt` uses.
import { Button, Group, Modal, PasswordInput, Radio, Select, Stack, Text, TextInput } from '@mantine/core'
import { useState, type ReactNode } from 'react'
import type { AppError } from '../../../../shared/errors'
import type { AuthoritySummary } from '../../../../shared/domain/authority'
import type { TokenPrivateKeyDto } from '../../../../shared/domain/pkcs11'
import { pki } from '../../api/pki'
import { ErrorNote, fieldError, unplacedError } from '../../components/ErrorNote'
import { tokenChoice, tokenOptions, usePkcs11Modules } from '../../lib/use-pkcs11-modules'
import { Pick, type Picked } from './ImportAuthorityModal'

const PLACED = ['name', 'token', 'module', 'pin', 'keyLabel', 'certificate']

/** How a key reads in the list: its label, its id, its type. */
function keyLine(k: TokenPrivateKeyDto): string {
  return `${k.label || '(no label)'} · id ${k.id || '(none)'} · ${k.type}`
}

export function AdoptTokenKeyModal({ onClose }: { onClose(adopted?: AuthoritySummary): void }): ReactNode {
  const { modules } = usePkcs11Modules()
  const options = tokenOptions(modules)
  const [choice, setChoice] = useState<string | null>(null)
  const [pin, setPin] = useState('')
  const [keys, setKeys] = useState<TokenPrivateKeyDto[] | null>(null)
  const [picked, setPicked] = useState<string | null>(null)
  const [cert, setCert] = useState<Picked | null>(null)
  const [name, setName] = useState('')
  const [error, setError] = useState<AppError | null>(null)
  const [busy, setBusy] = useState(false)
  const chosenKey = keys?.find((k) => `${k.id}\0${k.label}` === picked) ?? null

  const listKeys = async (): Promise<void> => {
    if (!choice) return
    setBusy(true)
    const r = await pki.tokens.keys({ ...tokenChoice(choice), pin })
    setBusy(false)
    setPicked(null)
    if (!r.ok) {
      setKeys(null)
      return setError(r.error)
    }
    setError(null)
    setKeys(r.value.keys)
    const first = r.value.keys.find((k) => k.usable && !k.adoptedBy)
    if (first) setPicked(`${first.id}\0${first.label}`)
  }
  const adopt = async (): Promise<void> => {
    if (!choice || !chosenKey || !cert) return
    setBusy(true)
    const r = await pki.authorities.adopt({
      name: name.trim(),
      certificate: cert.input,
      // By its id when it has one (labels need not be unique), else by its label.
      token: { ...tokenChoice(choice), pin, ...(chosenKey.id ? { keyId: chosenKey.id } : { keyLabel: chosenKey.label }) }
    })
    setBusy(false)
    if (r.ok) onClose(r.value)
    else setError(r.error)
  }

  return (
    <Modal opened onClose={() => onClose()} title="Adopt a token key" size="lg">
      <Stack gap="sm">
        <Text size="sm" c="dimmed">
          A CA whose key is already on a PKCS#11 token: PKI Desk signs with it there and it never leaves the token. Its certificate's public key must be the token key's.
        </Text>
        <TextInput label="Name in PKI Desk" required value={name} onChange={(e) => setName(e.currentTarget.value)} error={fieldError(error, 'name')} data-autofocus />
        <Select
          label="Token"
          placeholder={options.length ? 'Choose the token' : 'No token: add its module in Settings → PKCS#11 modules'}
          data={options}
          value={choice}
          onChange={(v) => {
            setChoice(v)
            setKeys(null)
            setPicked(null)
          }}
          error={fieldError(error, 'token') ?? fieldError(error, 'module')}
        />
        <Group align="flex-end" gap="xs">
          <PasswordInput
            label="Token user PIN"
            required
            style={{ flex: 1 }}
            value={pin}
            onChange={(e) => setPin(e.currentTarget.value)}
            onKeyDown={(e) => {
              if (e.key === 'Enter' && choice && pin) void listKeys()
            }}
            error={fieldError(error, 'pin')}
            autoComplete="off"
          />
          <Button variant="default" onClick={() => void listKeys()} disabled={!choice || !pin} loading={busy && keys === null}>
            Show its keys
          </Button>
        </Group>
        {keys ? (
          keys.length === 0 ? (
            <Text size="sm" data-testid="token-keys-none">
              The token holds no private key.
            </Text>
          ) : (
            <Radio.Group label="Key on the token" value={picked} onChange={setPicked} error={fieldError(error, 'keyLabel')}>
              <Stack gap={6} mt={6}>
                {keys.map((k) => (
                  <Radio
                    key={`${k.id}\0${k.label}`}
                    value={`${k.id}\0${k.label}`}
                    label={keyLine(k)}
                    disabled={!k.usable || k.adoptedBy !== null}
                    description={k.adoptedBy ? `Already the key of “${k.adoptedBy}”.` : k.usable ? undefined : 'PKI Desk signs with RSA 2048–4096, P-256 or P-384 keys on a token.'}
                  />
                ))}
              </Stack>
            </Radio.Group>
          )
        ) : null}
        <Pick label="CA certificate (PEM or DER)…" value={cert} accept=".pem,.crt,.cer,.der" onPick={setCert} {...(fieldError(error, 'certificate') ? { error: fieldError(error, 'certificate')! } : {})} />
        <ErrorNote error={unplacedError(error, PLACED)} />
        <Group justify="flex-end">
          <Button variant="default" onClick={() => onClose()}>
            Cancel
          </Button>
          <Button onClick={() => void adopt()} disabled={!name.trim() || !chosenKey || !cert || !pin} loading={busy && keys !== null}>
            Adopt
          </Button>
        </Group>
      </Stack>
    </Modal>
  )
}
