import type { DemoUsername } from './demo-users';

/**
 * Which seeded patients the demo clinicians care for, and the few patients planted for classroom scenarios.
 * Other modules (tests, demo scenarios) may rely on these rules; they hold on a freshly seeded database, where
 * patient ids start at 1.
 *
 *   patient id % 10 in {1, 5, 7}  -> care team: dr.chen (team_role 'attending') and nurse.patel ('nurse')
 *   patient id % 10 in {3, 6, 8}  -> care team: dr.okafor ('attending')
 *   otherwise (0, 2, 4, 9)        -> no care team
 *
 * Each encounter's attending_user_id is the patient's care-team physician (NULL for patients without one).
 * The planted patients fit the rule, so it has no exceptions.
 */
export const SPECIAL_PATIENTS = {
  /** Linked to the `patient.demo` user: inpatient stays, notes, restricted items and psychotherapy notes (dr.chen's patient). */
  demoPatient: 1,
  /** nurse.patel's own patient record (linked to her user): a coworker record, on no care team. */
  nurseOwnRecord: 2,
  /** A patient sharing nurse.patel's surname ("Patel"), on dr.okafor's care team, not on hers. */
  sameSurnameAsNurse: 3,
  /** A VIP on no care team (about 2% of the other patients are VIPs too). */
  vipOffCareTeam: 4,
} as const;

export interface CareTeamMember {
  username: DemoUsername;
  teamRole: 'attending' | 'nurse';
}

const CHEN_TEAM: CareTeamMember[] = [
  { username: 'dr.chen', teamRole: 'attending' },
  { username: 'nurse.patel', teamRole: 'nurse' },
];
const OKAFOR_TEAM: CareTeamMember[] = [{ username: 'dr.okafor', teamRole: 'attending' }];

export function careTeamOf(patientId: number): CareTeamMember[] {
  const r = patientId % 10;
  if (r === 1 || r === 5 || r === 7) return CHEN_TEAM;
  if (r === 3 || r === 6 || r === 8) return OKAFOR_TEAM;
  return [];
}
