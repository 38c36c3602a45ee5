// Batch issuance, pure parts (run on the main thread or in the issuance worker pool).
export { prepareBatch, findingsError, type BatchContext, type BatchJob, type PreparedItem, type PreparedTbs } from './prepare'
export { MINIMAL_PROFILE, MINIMAL_PROFILE_NAME } from './minimal-profile'
