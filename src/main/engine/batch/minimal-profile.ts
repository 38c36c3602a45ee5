// The built-in minimal profile lives in shared/domain (the renderer derives its entered fields).
export { MINIMAL_PROFILE, MINIMAL_PROFILE_NAME } from '../../../shared/domain/minimal-profile'
