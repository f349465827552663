import { Injectable } from '@nestjs/common';
import type { RoiScopeSource } from '../access/access-policy.service';
import type { RoiRequestFacts } from '../access/policy';
import { Db } from '../database/db';
import { Authorization, authorizationInForce } from './authorization';
import { defaultLegalBasis, LEGAL_BASES, LegalBasis, RequesterType } from './disclosure-basis';
import { requestFacts } from './roi-scope';
import { READING_STATUSES } from './roi-state-machine';

/**
 * Tells the access policy which open release-of-information request, if any, lets an ROI specialist read a
 * patient's records, and with what scope. A request covers its patient from the start of its review until it is
 * closed, and only while its authorization (when it needs one) is in force: the day it expires or is revoked, the
 * specialist is refused. Requests belong to the ROI department's queue, so any ROI specialist working it is covered,
 * except the one who logged it (separation of duties: no single account both takes in a request and releases
 * through it); the soonest due request answers when several are open.
 */
@Injectable()
export class RoiScopeRegistry implements RoiScopeSource {
  constructor(private readonly db: Db) {}

  async openRequestCovering(userId: number, patientId: number, at: string): Promise<RoiRequestFacts | null> {
    const rows = await this.db.query<{
      id: number; requester_type: RequesterType; legal_basis: LegalBasis | null; record_types: string; date_from: string | null; date_to: string | null;
      authorization_json: string | null; created_by: number; privacy_approved_at: string | null;
    }>(
      `SELECT id, requester_type, legal_basis, record_types, date_from, date_to, authorization_json, created_by, privacy_approved_at FROM roi_requests
        WHERE patient_id = $1 AND status IN (${READING_STATUSES.map((s) => `'${s}'`).join(', ')}) ORDER BY due_at, id`,
      [patientId],
    );
    for (const r of rows) {
      // Separation of duties: the account that logged a request never reads records through it (a patient's own
      // request logged by the patient is worked by any ROI specialist; one logged by staff, by another one).
      if (Number(r.created_by) === userId) continue;
      const authorization = r.authorization_json ? (JSON.parse(r.authorization_json) as Authorization) : null;
      const legalBasis = r.legal_basis ?? defaultLegalBasis(r.requester_type, authorization !== null);
      if (LEGAL_BASES[legalBasis].needsAuthorization && !authorizationInForce(authorization, at.slice(0, 10))) continue;
      return requestFacts(Number(r.id), {
        requesterType: r.requester_type, legalBasis, recordTypes: JSON.parse(r.record_types) as string[], dateFrom: r.date_from, dateTo: r.date_to,
        authorization, privacyApproved: r.privacy_approved_at !== null, createdBy: Number(r.created_by), patientId,
      });
    }
    return null;
  }
}
