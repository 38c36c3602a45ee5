// The catalog as zod schemas, for DTOs that carry a code across IPC.
import { z } from 'zod'
import { isErrorCode, type ErrorCode } from './index'

/** A catalogued code; anything else is refused, so a response cannot carry an uncatalogued code. */
export const errorCodeSchema = z.custom<ErrorCode>((v) => typeof v === 'string' && isErrorCode(v), { message: 'not a catalogued error code' })

/** For codes read back from storage written by another version: an unknown one becomes UNKNOWN. */
export const storedErrorCodeSchema = z.string().transform((c): ErrorCode => (isErrorCode(c) ? c : 'UNKNOWN'))
