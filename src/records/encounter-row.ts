import { bool } from '../database/db';

export interface EncounterRow {
  id: number;
  patient_id: number;
  encounter_class: string;
  admitted_at: string;
  discharged_at: string | null;
  department: string;
  attending_user_id: number | null;
  disposition: string | null;
  planned_readmission: unknown;
  reason: string | null;
  status: string;
  version: number;
  sensitivity: string;
  sensitivity_category: string | null;
  self_pay: unknown;
  minor_consent: string | null;
}

export const ENCOUNTER_COLUMNS =
  'id, patient_id, encounter_class, admitted_at, discharged_at, department, attending_user_id, disposition, planned_readmission, reason, status, version, sensitivity, sensitivity_category, self_pay, minor_consent';

export function toEncounterDto(r: EncounterRow) {
  return {
    id: Number(r.id),
    patientId: Number(r.patient_id),
    class: r.encounter_class,
    admittedAt: r.admitted_at,
    dischargedAt: r.discharged_at,
    department: r.department,
    attendingUserId: r.attending_user_id === null ? null : Number(r.attending_user_id),
    disposition: r.disposition,
    plannedReadmission: bool(r.planned_readmission),
    reason: r.reason,
    status: r.status,
    version: Number(r.version),
    sensitivity: r.sensitivity,
    sensitivityCategory: r.sensitivity_category,
    // Paid out of pocket in full: the individual may require that a health plan not receive it (45 CFR 164.522(a)(1)(vi)).
    selfPay: bool(r.self_pay),
    // Why a minor's parent is not their representative for this care (164.502(g)(3)(i)); a parent never sees it.
    minorConsent: r.minor_consent,
  };
}
