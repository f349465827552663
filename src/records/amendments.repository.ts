import type { Granted } from '../access/access-policy.service';
import type { AuditEventInput } from '../audit/audit.types';
import { fromContext } from '../audit/audit.writer';
import { NotFound } from '../common/errors';
import type { RequestContext } from '../common/request-context';
import { bool, type Queryable } from '../database/db';
import {
  AmendmentStatus, daysLeft, DENIAL_GROUND_TEXT, travelsWithDisclosures, denialNotice, DenialGround, extensionDaysOf, isDenialGround, isOverdue,
} from './amendment-rules';
import type { ItemType } from './clinical-items';
import type { AmendmentDto } from './dto/amendment.dto';

/** The amendments table: its columns, row type, the read by id and the mapping to the API. */

export const AMENDMENT_COLUMNS = `id, patient_id, requested_by, item_type, item_id, requested_change, justification, status, received_at, due_at,
  extension_reason, decided_at, decided_by, denial_ground, decision_reason, disagreement_statement, applied_item_id, version,
  decider_user_id, decider_basis, routed_at, routed_by, notify_persons, correction, include_with_disclosures, inclusion_requested_at,
  rebuttal_statement, rebuttal_at, rebuttal_by, rebuttal_copy_sent_at`;

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
  decider_user_id: number | null;
  decider_basis: string | null;
  routed_at: string | null;
  routed_by: number | null;
  notify_persons: string | null;
  correction: string | null;
  include_with_disclosures: unknown;
  inclusion_requested_at: string | null;
  rebuttal_statement: string | null;
  rebuttal_at: string | null;
  rebuttal_by: number | null;
  rebuttal_copy_sent_at: string | null;
}

export interface NotificationRow {
  id: number;
  recipient_kind: string;
  recipient_name: string;
  recipient_address: string | null;
  disclosure_id: number | null;
  channel: string;
  notified_at: string;
}

/** Who was told of an accepted amendment, when and how (164.526(c)(2), (c)(3)), oldest first. */
export async function notificationsOf(q: Queryable, amendmentId: number) {
  const rows = await q.query<NotificationRow>(
    `SELECT id, recipient_kind, recipient_name, recipient_address, disclosure_id, channel, notified_at FROM amendment_notifications
      WHERE amendment_id = $1 ORDER BY id`,
    [amendmentId],
  );
  return rows.map((r) => ({
    id: Number(r.id), recipientKind: r.recipient_kind, recipient: { name: r.recipient_name, address: r.recipient_address },
    disclosureId: r.disclosure_id === null ? null : Number(r.disclosure_id), channel: r.channel, notifiedAt: r.notified_at,
  }));
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
    decider: r.decider_user_id === null ? null : { userId: Number(r.decider_user_id), basis: r.decider_basis ?? '', routedAt: r.routed_at ?? '' },
    notifyPersons: r.notify_persons ? (JSON.parse(r.notify_persons) as { name: string; address: string }[]) : [],
    correction: r.correction ? (JSON.parse(r.correction) as Record<string, unknown>) : null,
    includeWithDisclosures: bool(r.include_with_disclosures),
    rebuttal: r.rebuttal_statement === null ? null : { statement: r.rebuttal_statement, at: r.rebuttal_at ?? '', copySentToIndividualAt: r.rebuttal_copy_sent_at ?? '' },
    version: Number(r.version),
  };
}

/** A denied amendment that travels with later disclosures of its item (164.526(d)(5)), as a package carries it. */
export interface AmendmentDispute {
  amendmentId: number;
  itemType: ItemType;
  itemId: number;
  citation: string;
  request: { receivedAt: string; requestedChange: string; justification: string };
  denial: { decidedAt: string; ground: string; groundCitation: string; basis: string };
  disagreement: string | null;
  rebuttal: string | null;
}

/** The reads other modules make of amendments (release of information: what travels with a disclosure). */
export const AmendmentReads = {
  async disputesOf(q: Queryable, patientId: number): Promise<AmendmentDispute[]> {
    const rows = await q.query<AmendmentRow>(`SELECT ${AMENDMENT_COLUMNS} FROM amendments WHERE patient_id = $1 AND status = 'denied' ORDER BY id`, [patientId]);
    return rows.flatMap((r) => {
      const travels = travelsWithDisclosures({ status: r.status, disagreementStatement: r.disagreement_statement, includeWithDisclosures: bool(r.include_with_disclosures) });
      const ground = isDenialGround(r.denial_ground) ? r.denial_ground : null;
      if (!travels || !ground) return [];
      const withStatements = travels.parts.includes('disagreement');
      return [{
        amendmentId: Number(r.id), itemType: r.item_type, itemId: Number(r.item_id), citation: travels.citation,
        request: { receivedAt: r.received_at, requestedChange: r.requested_change, justification: r.justification },
        denial: { decidedAt: r.decided_at ?? '', ground, groundCitation: DENIAL_GROUND_TEXT[ground].citation, basis: r.decision_reason ?? '' },
        disagreement: withStatements ? r.disagreement_statement : null,
        rebuttal: withStatements ? r.rebuttal_statement : null,
      }];
    });
  },
};

/** The audit row of an amendment event: identity, status and dates only (the requested text and statements are PHI). */
export function amendmentEvent(
  ctx: RequestContext, grant: Granted, row: AmendmentRow, event: string, before: AmendmentRow | null, after: AmendmentRow,
  extra: Record<string, unknown>,
): AuditEventInput {
  return {
    ...fromContext(ctx), action: 'amendment', outcome: 'success', resourceType: 'amendment', resourceId: Number(row.id),
    patientId: Number(row.patient_id), breakGlass: grant.breakGlass,
    details: {
      event,
      before: before ? { status: before.status, version: Number(before.version), dueAt: before.due_at } : null,
      after: { status: after.status, version: Number(after.version), dueAt: after.due_at },
      ...Object.fromEntries(Object.entries(extra).filter(([, v]) => v !== undefined)),
    },
  };
}
