export { openDatabase, openStore, storeOf, schemaVersion, migrate, inTransaction, type Db, type ReadTx, type WriteTx, type Store } from './database'
export { databaseFile } from '../config/data-dir'
export { appendAudit, appendAuditEntries, verifyAudit, iterateAudit, type AuditEntry, type AuditVerdict, type AuditInput } from './audit-log'
