import type { RoleName } from '../src/access/catalogue';

/**
 * The demo users named by the course material (the course material; README "Demo users"). One password for all of them; the service
 * refuses it when NODE_ENV=production.
 */
export const DEMO_PASSWORD = 'hit-demo-2026';

export interface DemoUser {
  username: string;
  role: RoleName;
  displayName: string;
  /** The surname, for the audit's "same surname" anomaly rule (users.family_name). */
  familyName: string;
  department: string | null;
}

/** Inserted in this order, so on a fresh database user ids are 1..N as listed (look users up by username). */
export const DEMO_USERS: readonly DemoUser[] = [
  { username: 'admin', role: 'admin', displayName: 'Alex Morgan (System Administrator)', familyName: 'Morgan', department: 'Information Technology' },
  { username: 'dr.chen', role: 'physician', displayName: 'Dr. Mei Chen', familyName: 'Chen', department: 'Internal Medicine' },
  { username: 'dr.okafor', role: 'physician', displayName: 'Dr. Chidi Okafor', familyName: 'Okafor', department: 'Cardiology' },
  { username: 'nurse.patel', role: 'nurse', displayName: 'Priya Patel, RN', familyName: 'Patel', department: 'Internal Medicine' },
  { username: 'reg.lopez', role: 'registrar', displayName: 'Luis Lopez', familyName: 'Lopez', department: 'Patient Access' },
  { username: 'him.jones', role: 'him_technician', displayName: 'Hannah Jones, RHIT', familyName: 'Jones', department: 'Health Information Management' },
  { username: 'coder.kim', role: 'coder', displayName: 'Min-ji Kim, CCS', familyName: 'Kim', department: 'Health Information Management' },
  { username: 'roi.garcia', role: 'roi_specialist', displayName: 'Rosa Garcia', familyName: 'Garcia', department: 'Health Information Management' },
  { username: 'privacy.smith', role: 'privacy_officer', displayName: 'Daniel Smith', familyName: 'Smith', department: 'Compliance' },
  { username: 'analyst.wong', role: 'quality_analyst', displayName: 'Grace Wong', familyName: 'Wong', department: 'Quality and Patient Safety' },
  { username: 'instructor', role: 'instructor', displayName: 'Course Instructor', familyName: 'Instructor', department: null },
  { username: 'patient.demo', role: 'patient', displayName: 'Jordan Rivera', familyName: 'Rivera', department: null },
  // A second ROI specialist: the one who logs a third party's request never reviews or releases it (separation of duties).
  { username: 'roi.nguyen', role: 'roi_specialist', displayName: 'Tuan Nguyen', familyName: 'Nguyen', department: 'Health Information Management' },
  // Personal representatives (45 CFR 164.502(g)), linked by seed/representatives.ts: a minor's parent, an adult's health
  // care power of attorney, a deceased patient's executor.
  { username: 'parent.alvarez', role: 'representative', displayName: 'Maria Alvarez', familyName: 'Alvarez', department: null },
  { username: 'poa.brooks', role: 'representative', displayName: 'Evelyn Brooks', familyName: 'Brooks', department: null },
  { username: 'executor.hale', role: 'representative', displayName: 'Thomas Hale', familyName: 'Hale', department: null },
];

export type DemoUsername = 'admin' | 'dr.chen' | 'dr.okafor' | 'nurse.patel' | 'reg.lopez' | 'him.jones' | 'coder.kim'
  | 'roi.garcia' | 'privacy.smith' | 'analyst.wong' | 'instructor' | 'patient.demo' | 'roi.nguyen' | 'parent.alvarez' | 'poa.brooks' | 'executor.hale';

/** Roles whose members may be given access to patient records (roles.has_record_access). */
export const RECORD_ACCESS_ROLES: readonly RoleName[] = ['physician', 'nurse', 'registrar', 'him_technician', 'coder', 'patient', 'representative'];
