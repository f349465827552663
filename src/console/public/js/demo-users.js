// The demo users of README.md ("Demo users"): one card each on the sign-in screen. The API has no public list of
// users (GET /users needs user:manage), so the classroom roster is written here, as the README gives it.

export const DEMO_PASSWORD = 'hit-demo-2026';

export const DEMO_USERS = [
  { username: 'dr.chen', role: 'physician', shows: 'Full chart of care-team patients (ids ending 1, 5, 7), restricted items included' },
  { username: 'dr.okafor', role: 'physician', shows: 'A second physician, with other care-team patients (ids ending 3, 6, 8)' },
  { username: 'nurse.patel', role: 'nurse', shows: "Chart of dr.chen's patients, no psychotherapy notes; patient 2 is her own record" },
  { username: 'reg.lopez', role: 'registrar', shows: 'Demographics only, every patient' },
  { username: 'him.jones', role: 'him_technician', shows: 'The full designated record set; amendments; care teams' },
  { username: 'coder.kim', role: 'coder', shows: 'Encounters, diagnoses, procedures; no note text, no restricted items' },
  { username: 'roi.garcia', role: 'roi_specialist', shows: 'Records only inside an open release-of-information request' },
  { username: 'privacy.smith', role: 'privacy_officer', shows: 'The audit trail, chain verification, break-the-glass review' },
  { username: 'analyst.wong', role: 'quality_analyst', shows: 'De-identified outcome reports only' },
  { username: 'instructor', role: 'instructor', shows: 'What the privacy officer sees, plus the role matrix and the classroom scenarios' },
  { username: 'patient.demo', role: 'patient', shows: 'Their own record (patient 1), access log and accounting of disclosures' },
  { username: 'parent.alvarez', role: 'representative', shows: "A minor's parent (164.502(g)(3)): the child's record without the care the minor consented to; GET /me/represented" },
  { username: 'poa.brooks', role: 'representative', shows: "An adult's health care power of attorney (164.502(g)(2)); that patient's self-pay visit is restricted from the health plan" },
  { username: 'executor.hale', role: 'representative', shows: "A deceased patient's executor (164.502(g)(4)): acts only from the date of death" },
  { username: 'admin', role: 'admin', shows: 'Manages users; sees no patient data' },
];
