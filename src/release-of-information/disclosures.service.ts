import { Injectable } from '@nestjs/common';
import { Clock } from '../common/clock';
import { Db } from '../database/db';

/** 45 CFR 164.528(a): the accounting covers disclosures in the six years before the request. */
export const ACCOUNTING_PERIOD_YEARS = 6;

export interface DisclosureEntry {
  id: number;
  date: string;
  recipient: { name: string; address: string | null };
  description: string;
  purpose: string;
  roiRequestId: number | null;
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
  ) {}

  async accounting(patientId: number, asOf = this.clock.now()): Promise<{ patientId: number; from: string; to: string; items: DisclosureEntry[] }> {
    const to = asOf.toISOString();
    const fromDate = new Date(asOf);
    fromDate.setUTCFullYear(fromDate.getUTCFullYear() - ACCOUNTING_PERIOD_YEARS);
    const from = fromDate.toISOString();
    const rows = await this.db.query<{
      id: number; disclosed_at: string; recipient_name: string; recipient_address: string | null; description: string; purpose: string; roi_request_id: number | null;
    }>(
      `SELECT id, disclosed_at, recipient_name, recipient_address, description, purpose, roi_request_id FROM disclosures
        WHERE patient_id = $1 AND exempt = FALSE AND disclosed_at >= $2 AND disclosed_at <= $3 ORDER BY disclosed_at DESC, id DESC`,
      [patientId, from, to],
    );
    return {
      patientId,
      from,
      to,
      items: rows.map((r) => ({
        id: Number(r.id),
        date: r.disclosed_at,
        recipient: { name: r.recipient_name, address: r.recipient_address },
        description: r.description,
        purpose: r.purpose,
        roiRequestId: r.roi_request_id === null ? null : Number(r.roi_request_id),
      })),
    };
  }
}
