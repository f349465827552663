/**
 * The API document's tags, in the order a reader meets the service: sign in, who may see what, the records, release
 * of information, the audit trail, reports, the classroom demo, operations. A controller tagged with a name not
 * listed here still gets a tag entry (at the end, see finishDocument); add it here with a sentence.
 */
export const API_TAGS: { name: string; description: string }[] = [
  { name: 'auth', description: 'Sign in and out, refresh tokens, who am I. Failed logins are throttled (429 with Retry-After) and audited.' },
  { name: 'users', description: 'User accounts and their roles (admin). A role change or a disable revokes the user\'s tokens.' },
  { name: 'access', description: 'The role-permission matrix, `GET /access/explain` (why the policy allows or refuses), and break-the-glass grants with their privacy review (45 CFR 164.312(a)(2)(ii)).' },
  { name: 'records', description: 'Patients, encounters and their clinical items: every read and write passes the access policy and leaves an audit row; withheld items are counted, never silently dropped.' },
  { name: 'me', description: 'The patient portal: my record, who looked at it (access log) and to whom it was disclosed (45 CFR 164.524, 164.528).' },
  { name: 'amendments', description: 'A patient\'s request to amend the record and its decision within 60 days (45 CFR 164.526).' },
  { name: 'release-of-information', description: 'Release-of-information requests through their state machine: identity, authorization (164.508), review, the minimum-necessary package (FHIR Bundle, JSON or PDF-free text), fees and deadlines (164.524).' },
  { name: 'accounting of disclosures', description: 'Accounting of disclosures: what was disclosed, to whom and why, for six years (45 CFR 164.528).' },
  { name: 'audit', description: 'The tamper-evident privacy audit trail: search, export (CSV, NDJSON, FHIR AuditEvent in the IHE BALP shape), chain verification, checkpoints, anomalies (45 CFR 164.312(b)).' },
  { name: 'reports', description: 'Outcome, audit-summary and release-of-information reports: small cells suppressed, de-identified on request; stored runs with their fingerprints.' },
  { name: 'demo', description: 'The instructor\'s controls: reset to the seed and plant scenarios (snooping, break-the-glass, tampering). Absent (404) in production or when DEMO_ENABLED=false.' },
  { name: 'operations', description: 'Health and readiness for the operator: database ping and whether the audit trail can take its next row.' },
];
