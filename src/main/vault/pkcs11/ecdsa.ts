// ECDSA signatures as tokens return them (CKM_ECDSA: r‖s, each as long as the curve order)
// and as X.509 carries them (DER SEQUENCE of two INTEGERs, RFC 3279 Ecdsa-Sig-Value).

function derInteger(bytes: Uint8Array): Buffer {
  let i = 0
  while (i < bytes.length - 1 && bytes[i] === 0) i++
  let v = Buffer.from(bytes.subarray(i))
  // A leading 1 bit would make the INTEGER negative.
  if (v[0]! & 0x80) v = Buffer.concat([Buffer.from([0]), v])
  return Buffer.concat([Buffer.from([0x02]), derLength(v.length), v])
}

function derLength(n: number): Buffer {
  if (n < 0x80) return Buffer.from([n])
  if (n < 0x100) return Buffer.from([0x81, n])
  return Buffer.from([0x82, n >> 8, n & 0xff])
}

/** r‖s (even length) → DER Ecdsa-Sig-Value. */
export function ecdsaRawToDer(raw: Uint8Array): Uint8Array {
  if (raw.length === 0 || raw.length % 2 !== 0) throw new Error(`an ECDSA signature of ${raw.length} bytes is not r‖s`)
  const half = raw.length / 2
  const body = Buffer.concat([derInteger(raw.subarray(0, half)), derInteger(raw.subarray(half))])
  return new Uint8Array(Buffer.concat([Buffer.from([0x30]), derLength(body.length), body]))
}
