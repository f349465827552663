import { Injectable } from '@nestjs/common';
import { Clock } from '../common/clock';
import { Db, Queryable } from '../database/db';
import { isSuspended } from './accounting-suspension';
import { AccountingSuspensionsRepository } from './accounting-suspensions.repository';

/** 45 CFR 164.528(a): the accounting covers disclosures in the six years before the request. */
export const ACCOUNTING_PERIOD_YEARS = 6;

/** One disclosure as the release-of-information workflow records it (164.528(b)(2)). */
export interface NewDisclosure {
  patientId: number;
  roiRequestId: number | null;
  disclosedAt: string;
  recipientName: string;
  recipientAddress: string | null;
  description: string;
  purpose: string;
  /** Left out of the accounting, under the named exemption of 164.528(a)(1). */
  exempt: boolean;
  exemption: string | null;
  recordedBy: number;
  /** The legal basis (disclosure-basis.ts); lets a suspension of 164.528(a)(2) find the disclosures it covers. */
  legalBasis?: string | null;
  /** roi: made by the release-of-information workflow; manual: made elsewhere and entered by staff (164.528(b)). */
  source?: 'roi' | 'manual';
  recordedAt?: string | null;
}

export interface DisclosureEntry {
  id: number;
  date: string;
  recipient: { name: string; address: string | null };
  description: string;
  purpose: string;
  roiRequestId: number | null;
  /** roi: released through a request; manual: a disclosure made elsewhere (a public-health report...), entered by staff. */
  source: 'roi' | 'manual';
  legalBasis: string | null;
}

export interface AccountingPeriod {
  from: string;
  to: string;
}

/**
 * The accounting of disclosures, read from the append-only disclosures table. Exempt disclosures (treatment,
 * payment, operations, to the individual, under an authorization, ... 164.528(a)(1)) are stored but not listed.
 */
@Injectable()
export class DisclosuresService {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly suspensions: AccountingSuspensionsRepository,
  ) {}

  /**
   * Writes one disclosure inside the caller's transaction. The table is append-only (triggers refuse UPDATE and
   * DELETE): an entry of the accounting is never edited or removed, unlike the after-the-fact disclosure logs of
   * the open-source EHRs.
   */
  async record(tx: Queryable, d: NewDisclosure): Promise<number> {
    const row = await tx.one<{ id: number }>(
      `INSERT INTO disclosures (patient_id, roi_request_id, disclosed_at, recipient_name, recipient_address, description, purpose, exempt, exemption, recorded_by,
         legal_basis, source, recorded_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) RETURNING id`,
      [
        d.patientId, d.roiRequestId, d.disclosedAt, d.recipientName, d.recipientAddress, d.description, d.purpose, d.exempt, d.exemption, d.recordedBy,
        d.legalBasis ?? null, d.source ?? 'roi', d.recordedAt ?? d.disclosedAt,
      ],
    );
    return Number(row!.id);
  }

  /**
   * Earlier disclosures to others whose package carried one item (the stored package lists every item it released):
   * the persons known to hold the information, told of an accepted amendment (45 CFR 164.526(c)(3)(ii)).
   * Disclosures to the individual are left out: the individual is told in any case.
   */
  async recipientsOfItem(q: Queryable, patientId: number, itemType: string, itemId: number): Promise<{ disclosureId: number; name: string; address: string | null; disclosedAt: string }[]> {
    const rows = await q.query<{ id: number; recipient_name: string; recipient_address: string | null; disclosed_at: string; package_json: string | null }>(
      `SELECT d.id, d.recipient_name, d.recipient_address, d.disclosed_at, r.package_json
         FROM disclosures d JOIN roi_requests r ON r.id = d.roi_request_id
        WHERE d.patient_id = $1 AND r.requester_type <> 'self' AND r.package_json IS NOT NULL ORDER BY d.disclosed_at, d.id`,
      [patientId],
    );
    return rows
      .filter((r) => {
        const records = (JSON.parse(r.package_json!) as { records?: Record<string, { id?: unknown }[]> }).records ?? {};
        return (records[itemType] ?? []).some((i) => Number(i.id) === itemId);
      })
      .map((r) => ({ disclosureId: Number(r.id), name: r.recipient_name, address: r.recipient_address, disclosedAt: r.disclosed_at }));
  }

  /**
   * The accounting: the non-exempt disclosures of the period (six years back from `asOf` unless narrowed, 164.528(a)(1),
   * (c)(2)), without those a suspension of 164.528(a)(2) in force at `at` (when the accounting is provided) covers.
   * The individual's answer does not say that anything is suspended: that would tell them what the agency asked to keep
   * from them for now.
   */
  async accounting(patientId: number, asOf = this.clock.now(), opts: { period?: AccountingPeriod; at?: string } = {}): Promise<{ patientId: number; from: string; to: string; items: DisclosureEntry[] }> {
    const fromDate = new Date(asOf);
    fromDate.setUTCFullYear(fromDate.getUTCFullYear() - ACCOUNTING_PERIOD_YEARS);
    const from = opts.period?.from ?? fromDate.toISOString();
    const to = opts.period?.to ?? asOf.toISOString();
    const rows = await this.db.query<{
      id: number; disclosed_at: string; recipient_name: string; recipient_address: string | null; description: string; purpose: string; roi_request_id: number | null;
      source: string | null; legal_basis: string | null;
    }>(
      `SELECT id, disclosed_at, recipient_name, recipient_address, description, purpose, roi_request_id, source, legal_basis FROM disclosures
        WHERE patient_id = $1 AND exempt = FALSE AND disclosed_at >= $2 AND disclosed_at <= $3 ORDER BY disclosed_at DESC, id DESC`,
      [patientId, from, to],
    );
    const at = opts.at ?? this.clock.nowIso();
    const suspensions = await this.suspensions.inForce(this.db, patientId, at);
    return {
      patientId,
      from,
      to,
      items: rows
        .filter((r) => !isSuspended({ recipientName: r.recipient_name, legalBasis: r.legal_basis }, suspensions, at))
        .map((r) => ({
          id: Number(r.id),
          date: r.disclosed_at,
          recipient: { name: r.recipient_name, address: r.recipient_address },
          description: r.description,
          purpose: r.purpose,
          roiRequestId: r.roi_request_id === null ? null : Number(r.roi_request_id),
          source: r.source === 'manual' ? 'manual' : 'roi',
          legalBasis: r.legal_basis,
        })),
    };
  }
}
