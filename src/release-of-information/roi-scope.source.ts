import { Injectable } from '@nestjs/common';
import type { RoiScopeSource } from '../access/access-policy.service';
import type { RoiRequestFacts } from '../access/policy';
import { Db } from '../database/db';
import { authorizationInForce } from './authorization';
import { LEGAL_BASES } from './disclosure-basis';
import { requestFacts, ScopeColumns, scopedRequestOfColumns } from './roi-scope';
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
    const rows = await this.db.query<ScopeColumns & { id: number }>(
      `SELECT id, patient_id, requester_type, legal_basis, recipient_kind, record_types, date_from, date_to, authorization_json, basis_facts_json,
              created_by, privacy_approved_at FROM roi_requests
        WHERE patient_id = $1 AND status IN (${READING_STATUSES.map((s) => `'${s}'`).join(', ')}) ORDER BY due_at, id`,
      [patientId],
    );
    for (const r of rows) {
      // Separation of duties: the account that logged a request never reads records through it (a patient's own
      // request logged by the patient is worked by any ROI specialist; one logged by staff, by another one).
      if (Number(r.created_by) === userId) continue;
      const request = scopedRequestOfColumns(r);
      if (LEGAL_BASES[request.legalBasis].needsAuthorization && !authorizationInForce(request.authorization, at.slice(0, 10))) continue;
      return requestFacts(Number(r.id), request);
    }
    return null;
  }
}
