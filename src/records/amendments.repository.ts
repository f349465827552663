import { NotFound } from '../common/errors';
import type { Queryable } from '../database/db';
import {
  AmendmentStatus, daysLeft, denialNotice, DenialGround, extensionDaysOf, isDenialGround, isOverdue,
} from './amendment-rules';
import type { ItemType } from './clinical-items';
import type { AmendmentDto } from './dto/amendment.dto';

/** The amendments table: its columns, row type, the read by id and the mapping to the API. */

export const AMENDMENT_COLUMNS = `id, patient_id, requested_by, item_type, item_id, requested_change, justification, status, received_at, due_at,
  extension_reason, decided_at, decided_by, denial_ground, decision_reason, disagreement_statement, applied_item_id, version`;

export interface AmendmentRow {
  id: number;
  patient_id: number;
  requested_by: number;
  item_type: ItemType;
  item_id: number;
  requested_change: string;
  justification: string;
  status: AmendmentStatus;
  received_at: string;
  due_at: string;
  extension_reason: string | null;
  decided_at: string | null;
  decided_by: number | null;
  denial_ground: string | null;
  decision_reason: string | null;
  disagreement_statement: string | null;
  applied_item_id: number | null;
  version: number;
}

export async function findAmendment(q: Queryable, id: number): Promise<AmendmentRow> {
  const row = await q.one<AmendmentRow>(`SELECT ${AMENDMENT_COLUMNS} FROM amendments WHERE id = $1`, [id]);
  if (!row) throw new NotFound(`Amendment ${id}`);
  return row;
}

export function toAmendmentDto(r: AmendmentRow, now: string): AmendmentDto {
  const state = { status: r.status, dueAt: r.due_at };
  const ground = isDenialGround(r.denial_ground) ? (r.denial_ground as DenialGround) : null;
  return {
    id: Number(r.id),
    patientId: Number(r.patient_id),
    requestedBy: Number(r.requested_by),
    itemType: r.item_type,
    itemId: Number(r.item_id),
    requestedChange: r.requested_change,
    justification: r.justification,
    status: r.status,
    receivedAt: r.received_at,
    dueAt: r.due_at,
    daysLeft: daysLeft(state, now),
    overdue: isOverdue(state, now),
    extensionDays: extensionDaysOf(r.received_at, r.due_at),
    extensionReason: r.extension_reason,
    decidedAt: r.decided_at,
    decidedBy: r.decided_by === null ? null : Number(r.decided_by),
    denialGround: r.denial_ground,
    decisionReason: r.decision_reason,
    denialNotice: r.status === 'denied' && ground ? denialNotice(ground, r.decision_reason ?? '', r.disagreement_statement !== null) : null,
    disagreementStatement: r.disagreement_statement,
    appliedItemId: r.applied_item_id === null ? null : Number(r.applied_item_id),
    version: Number(r.version),
  };
}
