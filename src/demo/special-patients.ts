/**
 * The patients the seed plants for the classroom scenarios (seed/care-teams.ts builds their care teams): the demo
 * module names them, the seed follows.
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
