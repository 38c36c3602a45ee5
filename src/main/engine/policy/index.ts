// Policy: profile + CSR + operator input → certificate template, findings, preview; and the
// pre-issuance lint over the template or the exact TBS. Pure: plain data in, plain data out.
export { evaluate, dnText, templateAttributeType, MANAGED_EXTENSION_OIDS } from './evaluate'
export { lintTemplate, lintTbs, lintView, tbsLintView, type LintView, type LintOptions } from './lint'
export { sanRefusal, dnsMatches, emailDomainMatches, isDnsName } from './san-match'
export { hasErrors, warningsOf, type Evaluation, type EvaluationContext, type IssuerContext } from './types'
export { issuerContextFromCertificate, issuerContextFromChain } from './issuer'
export { checkNameConstraintsInput, chainNameConstraints, nameConstraintFindings, namesWithinChain, type AuthorityConstraints, type ConstrainedNames } from './name-constraints'
export { renewalInput, renewalNameChanges } from './renewal'
export { checkProfilePatterns, compilePattern, MAX_PATTERN_VALUE_LENGTH, type Pattern } from './patterns'
export { isEvaluated } from './sealed'
