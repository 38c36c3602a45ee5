export { openDatabase, schemaVersion, migrate, inTransaction, type Db } from './database'
export { databaseFile } from '../config/data-dir'
export { appendAudit, verifyAudit, iterateAudit, type AuditEntry, type AuditVerdict, type AuditInput } from './audit-log'
