import { Injectable } from '@nestjs/common';
import { UsersRepository } from '../../auth/users.repository';
import { Clock } from '../../common/clock';
import { InvalidInput } from '../../common/errors';
import { pageOf } from '../../common/pagination';
import type { RequestContext } from '../../common/request-context';
import { AppConfig } from '../../config/app-config';
import { Db } from '../../database/db';
import { ChartAccess } from '../chart-access';
import { Deficiency, encounterDeficiencies, NoteFacts, QueryFacts } from './deficiency-rules';
import type { DeficiencyQueryDto } from './deficiency.dto';

interface CandidateRow {
  id: number;
  patient_id: number;
  encounter_class: string;
  discharged_at: string;
  status: string;
  attending_user_id: number | null;
}

const CHUNK = 500;

/**
 * The chart-deficiency work lists (deficiency-rules.ts): HIM's list of every physician's incomplete records, and a
 * clinician's own. They are computed from the documentation itself, so completing a document (signing the note,
 * adding the discharge summary, answering the query) clears the deficiency: there is no flag to forget to reset.
 * The lists carry ids, types and dates, never note text; each patient's access log gets a row for them.
 */
@Injectable()
export class DeficienciesService {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly config: AppConfig,
    private readonly chart: ChartAccess,
    private readonly users: UsersRepository,
  ) {}

  /** HIM: every deficiency, or one physician's (by user id or username). */
  async list(ctx: RequestContext, q: DeficiencyQueryDto) {
    let physician: number | undefined;
    if (q.physician !== undefined) {
      physician = /^\d+$/.test(q.physician) ? Number(q.physician) : await this.users.idOf(q.physician);
      if (physician === undefined || !(await this.users.names([physician])).has(physician)) throw InvalidInput.field('physician', 'names no user (send a user id or a username)');
    }
    return this.page(ctx, q, physician, 'deficiency-list');
  }

  /** A clinician's own deficiencies: the documents they must complete. */
  mine(ctx: RequestContext, q: DeficiencyQueryDto) {
    if (q.physician !== undefined) throw InvalidInput.field('physician', 'is not a filter of one\'s own list');
    return this.page(ctx, q, ctx.user.id, 'my-deficiencies');
  }

  private async page(ctx: RequestContext, q: DeficiencyQueryDto, responsible: number | undefined, view: string) {
    const now = this.clock.nowIso();
    const all = (await this.compute(now)).filter((d) =>
      (responsible === undefined || d.responsibleUserId === responsible) && (!q.status || d.status === q.status) && (!q.type || d.type === q.type));
    all.sort((a, b) => a.dischargedAt.localeCompare(b.dischargedAt) || a.encounterId - b.encounterId || a.type.localeCompare(b.type) || (a.itemId ?? 0) - (b.itemId ?? 0));
    const { page, pageSize, offset } = pageOf(q);
    const items = all.slice(offset, offset + pageSize);
    const names = await this.users.names([...all, ...items].map((d) => d.responsibleUserId).filter((id): id is number => id !== null));
    const summary = new Map<string, { physicianId: number | null; physicianName: string | null; deficient: number; delinquent: number }>();
    for (const d of all) {
      const key = String(d.responsibleUserId);
      const s = summary.get(key) ?? { physicianId: d.responsibleUserId, physicianName: d.responsibleUserId === null ? null : (names.get(d.responsibleUserId)?.displayName ?? null), deficient: 0, delinquent: 0 };
      s[d.status]++;
      summary.set(key, s);
    }
    await this.chart.auditList(ctx, 'chart-deficiency', items.map((d) => ({ patientId: d.patientId, id: d.encounterId })), {
      view, physician: responsible ?? null, status: q.status ?? null, type: q.type ?? null, page, pageSize,
    });
    return {
      items: items.map((d) => ({ ...d, responsibleName: d.responsibleUserId === null ? null : (names.get(d.responsibleUserId)?.displayName ?? null) })),
      page, pageSize, total: all.length,
      byPhysician: [...summary.values()].sort((a, b) => b.delinquent - a.delinquent || b.deficient - a.deficient || (a.physicianId ?? 0) - (b.physicianId ?? 0)),
      delinquentAfterDays: this.config.get('DEFICIENCY_DELINQUENT_DAYS'),
    };
  }

  /** Every deficiency at `now`: the candidate encounters in one statement, then their notes and open queries. */
  private async compute(now: string): Promise<Deficiency[]> {
    const candidates = await this.db.query<CandidateRow>(
      `SELECT e.id, e.patient_id, e.encounter_class, e.discharged_at, e.status, e.attending_user_id FROM encounters e
        WHERE e.discharged_at IS NOT NULL AND e.status <> 'entered-in-error' AND (
          (e.encounter_class = 'inpatient' AND NOT EXISTS (SELECT 1 FROM clinical_notes n
             WHERE n.encounter_id = e.id AND n.note_type = 'discharge-summary' AND n.status <> 'entered-in-error'))
          OR EXISTS (SELECT 1 FROM clinical_notes n WHERE n.encounter_id = e.id AND n.signed_at IS NULL AND n.status = 'active' AND n.note_type <> 'psychotherapy')
          OR EXISTS (SELECT 1 FROM provider_queries q WHERE q.encounter_id = e.id AND q.status = 'open'))
        ORDER BY e.discharged_at, e.id`,
    );
    const notes = new Map<number, NoteFacts[]>();
    const queries = new Map<number, QueryFacts[]>();
    for (let i = 0; i < candidates.length; i += CHUNK) {
      const ids = candidates.slice(i, i + CHUNK).map((c) => Number(c.id));
      const list = ids.map((_, k) => `$${k + 1}`).join(', ');
      const noteRows = await this.db.query<{ id: number; encounter_id: number; note_type: string; status: string; author_user_id: number | null; signed_at: string | null }>(
        `SELECT id, encounter_id, note_type, status, author_user_id, signed_at FROM clinical_notes WHERE encounter_id IN (${list})`, ids);
      for (const n of noteRows) {
        const facts = { id: Number(n.id), noteType: n.note_type, status: n.status, authorUserId: n.author_user_id === null ? null : Number(n.author_user_id), signedAt: n.signed_at };
        notes.set(Number(n.encounter_id), [...(notes.get(Number(n.encounter_id)) ?? []), facts]);
      }
      const queryRows = await this.db.query<{ id: number; encounter_id: number; status: string; addressee_user_id: number }>(
        `SELECT id, encounter_id, status, addressee_user_id FROM provider_queries WHERE status = 'open' AND encounter_id IN (${list})`, ids);
      for (const r of queryRows) {
        queries.set(Number(r.encounter_id), [...(queries.get(Number(r.encounter_id)) ?? []), { id: Number(r.id), status: r.status, addresseeUserId: Number(r.addressee_user_id) }]);
      }
    }
    const days = this.config.get('DEFICIENCY_DELINQUENT_DAYS');
    return candidates.flatMap((c) => encounterDeficiencies(
      {
        encounterId: Number(c.id), patientId: Number(c.patient_id), encounterClass: c.encounter_class, dischargedAt: c.discharged_at,
        status: c.status, attendingUserId: c.attending_user_id === null ? null : Number(c.attending_user_id),
      },
      notes.get(Number(c.id)) ?? [], queries.get(Number(c.id)) ?? [], now, days,
    ));
  }
}
