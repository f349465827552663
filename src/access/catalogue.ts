/**
 * The role matrix as data (docs/architecture.md, section 4). The seed copies it into the roles/permissions tables;
 * from then on the tables are the truth and an instructor may edit them (PUT /access/roles/:role/permissions).
 */
export const PERMISSIONS = {
  'patient:search': 'Search patients by name, MRN or birth date',
  'demographics:read': 'Read patient demographics',
  'demographics:write': 'Register patients and update demographics',
  'clinical:read': 'Read the clinical record (encounters, diagnoses, procedures, observations, notes)',
  'clinical:read:restricted': 'Read restricted items (behavioral health, substance use under 42 CFR Part 2, HIV, reproductive health)',
  'note:read': 'Read clinical note text',
  'note:read:psychotherapy': 'Read psychotherapy notes (45 CFR 164.501; the author only)',
  'clinical:write': 'Write diagnoses, procedures, notes, encounters',
  'observation:write': 'Record observations and nursing notes',
  'coding:read': 'Read an encounter\'s documentation for coding (notes included; never psychotherapy notes or 42 CFR Part 2 records) and its coding abstract',
  'coding:write': 'Assign the final codes on an encounter\'s coding abstract and send provider queries (never the clinical documentation itself)',
  'deficiency:read': 'Chart deficiency lists of every physician (HIM record completion)',
  'record:him': 'Full designated record set for HIM work (45 CFR 164.501)',
  'careteam:manage': 'Add and remove care-team members',
  'amendment:request': 'Request an amendment of a record (45 CFR 164.526)',
  'amendment:decide': 'Coordinate amendment requests (HIM): intake, routing to the deciding clinician, deadlines and the one extension, rebuttals',
  'amendment:respond': 'Decide an amendment routed to you as the author of the item or a clinician responsible for it (45 CFR 164.526)',
  'audit:read': 'Read the audit trail',
  'audit:verify': 'Verify the audit chain',
  'audit:export': 'Export the audit trail',
  'report:outcomes': 'Run patient-outcome reports',
  'report:audit': 'Run audit reports',
  'report:roi': 'Run release-of-information reports',
  'roi:create': 'Create release-of-information requests',
  'roi:process': 'Process release-of-information requests and build packages',
  'roi:approve': 'Approve a release from a VIP chart, or of Part 2 records to a third party (privacy officer)',
  'disclosure:read': 'Read a patient\'s accounting of disclosures',
  'break-glass:use': 'Open a chart outside the care team in an emergency (audited, reviewed)',
  'break-glass:review': 'Review break-the-glass accesses',
  'breach:manage': 'Open breach incidents, assess their risk and decide on notification (45 CFR 164.402-164.414)',
  'user:manage': 'Create, disable and change users',
  'role:manage': 'Edit the role-permission matrix',
  'demo:reset': 'Reset the demo database and plant classroom scenarios',
  'self:record': 'Read one\'s own record, access log and disclosures (45 CFR 164.524, 164.528)',
  'representative:manage': 'Link, list and decline personal representatives (45 CFR 164.502(g))',
  'restriction:request': 'Ask for a restriction of uses and disclosures, or end one (45 CFR 164.522(a))',
  'restriction:decide': 'Agree to or refuse a restriction request, or terminate an agreed one (45 CFR 164.522(a))',
} as const;

export type Permission = keyof typeof PERMISSIONS;
export const ALL_PERMISSIONS = Object.keys(PERMISSIONS) as Permission[];

export const ROLES = [
  'admin',
  'physician',
  'nurse',
  'registrar',
  'him_technician',
  'coder',
  'roi_specialist',
  'privacy_officer',
  'quality_analyst',
  'instructor',
  'patient',
  'representative',
] as const;
export type RoleName = (typeof ROLES)[number];

export interface RoleDefinition {
  description: string;
  permissions: Permission[];
}

const privacyOfficer: Permission[] = [
  'audit:read', 'audit:verify', 'audit:export', 'report:audit', 'report:roi', 'report:outcomes',
  'break-glass:review', 'disclosure:read',
];

export const DEFAULT_ROLE_MATRIX: Record<RoleName, RoleDefinition> = {
  admin: {
    description: 'System administrator: users, roles and configuration; no access to patient data',
    permissions: ['user:manage'],
  },
  physician: {
    description: 'Attending provider: full chart of care-team patients, including restricted items',
    permissions: [
      'patient:search', 'demographics:read', 'clinical:read', 'clinical:read:restricted', 'note:read',
      'note:read:psychotherapy', 'clinical:write', 'observation:write', 'break-glass:use', 'amendment:respond',
    ],
  },
  nurse: {
    description: 'Nurse: chart of care-team patients except psychotherapy notes; writes observations and nursing notes',
    permissions: [
      'patient:search', 'demographics:read', 'clinical:read', 'clinical:read:restricted', 'note:read',
      'observation:write', 'break-glass:use', 'amendment:respond',
    ],
  },
  registrar: {
    description: 'Front desk / registration: demographics only, for all patients',
    permissions: ['patient:search', 'demographics:read', 'demographics:write'],
  },
  him_technician: {
    description: 'Health information technician: the full designated record set for HIM work',
    permissions: [
      'patient:search', 'demographics:read', 'demographics:write', 'clinical:read', 'clinical:read:restricted',
      'note:read', 'coding:read', 'record:him', 'careteam:manage', 'amendment:request', 'amendment:decide',
      'disclosure:read', 'deficiency:read', 'representative:manage',
    ],
  },
  coder: {
    description: 'Medical coder: reads the whole documentation (no psychotherapy notes, no Part 2 records), writes the coding abstract and provider queries; never clinical documentation',
    permissions: ['patient:search', 'demographics:read', 'coding:read', 'clinical:read:restricted', 'coding:write'],
  },
  roi_specialist: {
    description: 'Release-of-information specialist: records only inside an open ROI request\'s scope',
    permissions: ['patient:search', 'demographics:read', 'roi:create', 'roi:process', 'report:roi', 'disclosure:read'],
  },
  privacy_officer: {
    description: 'Privacy / compliance officer: audit trail and reports; approves VIP and Part 2 releases; no clinical access',
    permissions: [...privacyOfficer, 'roi:approve', 'breach:manage', 'representative:manage', 'restriction:decide'],
  },
  quality_analyst: {
    description: 'Quality / outcomes analyst: de-identified aggregates only',
    permissions: ['report:outcomes'],
  },
  instructor: {
    description: 'Course instructor: what a privacy officer sees, plus the role matrix and the demo',
    permissions: [...privacyOfficer, 'role:manage', 'demo:reset'],
  },
  patient: {
    description: 'A patient: own record, own access log, own accounting of disclosures',
    permissions: ['self:record', 'amendment:request', 'roi:create', 'restriction:request'],
  },
  representative: {
    description: 'Personal representative (45 CFR 164.502(g)): acts for the patients they represent, in the individual\'s rights',
    // The individual's rights, exercised only for the patients a representation in force links to the account
    // (src/access/representation.ts); disclosure:read is the right to an accounting of disclosures (164.528).
    permissions: ['self:record', 'amendment:request', 'roi:create', 'disclosure:read', 'restriction:request'],
  },
};

/**
 * Permissions that open patient data (a chart, demographics, a search, a disclosure, one's own record) or change
 * it. Audit, report and administration permissions are not among them.
 */
export const PATIENT_DATA_PERMISSIONS: ReadonlySet<Permission> = new Set<Permission>([
  'patient:search', 'demographics:read', 'demographics:write', 'clinical:read', 'clinical:read:restricted', 'note:read',
  'note:read:psychotherapy', 'clinical:write', 'observation:write', 'coding:read', 'coding:write', 'deficiency:read', 'record:him', 'careteam:manage',
  'amendment:request', 'amendment:decide', 'amendment:respond', 'roi:create', 'roi:process', 'break-glass:use', 'self:record',
  'representative:manage', 'restriction:request', 'restriction:decide',
]);

/**
 * Roles that administer the system or the class and must never reach patient data, whoever edits the matrix:
 * otherwise whoever holds role:manage could give their own kind of account a way into charts.
 */
export const NO_PATIENT_DATA_ROLES: ReadonlySet<RoleName> = new Set<RoleName>(['admin', 'instructor']);

/**
 * What is wrong with an edit of the role matrix, or null. Separation of duties: no account changes the permissions
 * of the role it holds (HIPAA 164.308(a)(3)(ii)(A) authorization and supervision, 164.308(a)(4) access
 * management), and the administrative roles never get patient-data permissions.
 */
export function roleMatrixProblem(editorRole: RoleName, role: string, permissions: readonly Permission[]):
  { kind: 'forbidden'; reason: string } | { kind: 'invalid'; field: 'permissions'; problem: string } | null {
  if (role === editorRole) return { kind: 'forbidden', reason: `no account may change the permissions of the role it holds (${role})` };
  if (NO_PATIENT_DATA_ROLES.has(role as RoleName)) {
    const refused = permissions.filter((p) => PATIENT_DATA_PERMISSIONS.has(p));
    if (refused.length) return { kind: 'invalid', field: 'permissions', problem: `the ${role} role may never hold patient-data permissions: ${refused.join(', ')}` };
  }
  return null;
}
