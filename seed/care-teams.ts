import { SPECIAL_PATIENTS } from '../src/demo/special-patients';
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
export { SPECIAL_PATIENTS };

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
