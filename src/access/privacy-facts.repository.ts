import { Injectable } from '@nestjs/common';
import { bool, Db, Queryable } from '../database/db';
import type { MinorConsentBasis, RepresentationFacts, RepresentationLink } from './representation';
import type { RestrictionFacts } from './restriction-rule';

export interface RepresentationRow {
  id: number;
  user_id: number;
  patient_id: number;
  relationship: RepresentationLink['relationship'];
  rights: string;
  document_type: string;
  document_reference: string;
  valid_from: string;
  valid_to: string | null;
  declined_at: string | null;
  declined_by: number | null;
  declined_reason: string | null;
  created_at: string;
  created_by: number;
  version: number;
}

export const REPRESENTATION_COLUMNS = `id, user_id, patient_id, relationship, rights, document_type, document_reference, valid_from, valid_to,
  declined_at, declined_by, declined_reason, created_at, created_by, version`;

export interface RestrictionRow {
  id: number;
  patient_id: number;
  requested_by: number;
  requested_at: string;
  purposes: string;
  recipient: RestrictionFacts['recipient'];
  encounter_id: number | null;
  description: string;
  required: unknown;
  status: RestrictionFacts['status'];
  decided_by: number | null;
  decided_at: string | null;
  decision_reason: string | null;
  terminated_by: number | null;
  terminated_at: string | null;
  terminated_by_individual: unknown;
  termination_reason: string | null;
  version: number;
}

export const RESTRICTION_COLUMNS = `id, patient_id, requested_by, requested_at, purposes, recipient, encounter_id, description, required, status,
  decided_by, decided_at, decision_reason, terminated_by, terminated_at, terminated_by_individual, termination_reason, version`;

export function toLink(r: RepresentationRow): RepresentationLink {
  return {
    id: Number(r.id), relationship: r.relationship, rights: JSON.parse(r.rights) as RepresentationLink['rights'], validFrom: r.valid_from,
    validTo: r.valid_to, declinedAt: r.declined_at, declinedReason: r.declined_reason,
  };
}

export function toRestrictionFacts(r: RestrictionRow): RestrictionFacts {
  return {
    id: Number(r.id), purposes: JSON.parse(r.purposes) as RestrictionFacts['purposes'], recipient: r.recipient,
    encounterId: r.encounter_id === null ? null : Number(r.encounter_id), required: bool(r.required), status: r.status,
    terminatedAt: r.terminated_at, terminatedByIndividual: r.terminated_by_individual === null ? null : bool(r.terminated_by_individual),
  };
}

/**
 * The access module's reads of personal_representatives and restrictions (its own tables) for the policy's facts.
 * Two reads outside them, like the fact query of access-policy.service.ts (docs/architecture.md, section 2, known
 * departures): the encounters a minor's parent does not represent them for (encounters.minor_consent), and an
 * encounter's patient and self-pay flag when a restriction names it. Both only read.
 */
@Injectable()
export class PrivacyFactsRepository {
  constructor(private readonly db: Db) {}

  async representation(userId: number, patient: { id: number; birthDate: string; deceasedAt: string | null }, at: string): Promise<RepresentationFacts> {
    const rows = await this.db.query<RepresentationRow>(
      `SELECT ${REPRESENTATION_COLUMNS} FROM personal_representatives WHERE user_id = $1 AND patient_id = $2 ORDER BY valid_from DESC, id DESC`,
      [userId, patient.id],
    );
    const encounters = rows.length
      ? await this.db.query<{ id: number; minor_consent: MinorConsentBasis }>(
          'SELECT id, minor_consent FROM encounters WHERE patient_id = $1 AND minor_consent IS NOT NULL ORDER BY id',
          [patient.id],
        )
      : [];
    return {
      links: rows.map(toLink), birthDate: patient.birthDate, deceasedAt: patient.deceasedAt, at,
      minorConsentEncounters: encounters.map((e) => ({ encounterId: Number(e.id), basis: e.minor_consent })),
    };
  }

  /** Agreed restrictions, and those a covered entity terminated (still binding for earlier PHI, 164.522(a)(2)(iii)). */
  async restrictions(patientId: number): Promise<RestrictionFacts[]> {
    const rows = await this.db.query<RestrictionRow>(
      `SELECT ${RESTRICTION_COLUMNS} FROM restrictions WHERE patient_id = $1 AND status IN ('agreed', 'terminated') ORDER BY id`,
      [patientId],
    );
    return rows.map(toRestrictionFacts);
  }

  async patientDates(patientId: number): Promise<{ id: number; birthDate: string; deceasedAt: string | null } | null> {
    const row = await this.db.one<{ birth_date: string; deceased_at: string | null }>('SELECT birth_date, deceased_at FROM patients WHERE id = $1', [patientId]);
    return row ? { id: patientId, birthDate: row.birth_date, deceasedAt: row.deceased_at } : null;
  }

  async encounter(q: Queryable, id: number): Promise<{ id: number; patient_id: number; self_pay: unknown } | undefined> {
    return q.one('SELECT id, patient_id, self_pay FROM encounters WHERE id = $1', [id]);
  }
}
