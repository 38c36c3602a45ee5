// Batch issuance, pure parts (run on the main thread or in the issuance worker pool).
export { prepareBatch, findingsError, type BatchContext, type BatchJob, type PreparedItem, type PreparedTbs } from './prepare'
export { minimalProfile, type TemplateProducer } from './minimal-profile'
