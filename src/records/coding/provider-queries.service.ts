import { Injectable } from '@nestjs/common';
import { UsersRepository } from '../../auth/users.repository';
import { Clock } from '../../common/clock';
import { Conflict, InvalidInput, NotFound } from '../../common/errors';
import { Page, pageOf } from '../../common/pagination';
import type { RequestContext } from '../../common/request-context';
import { AppConfig } from '../../config/app-config';
import { Db, Queryable, SqlParam } from '../../database/db';
import { ChartAccess } from '../chart-access';
import type { EncounterRow } from '../encounter-row';
import type { AnswerQueryDto, CreateQueryDto, QueryListQueryDto, QueryTransitionDto } from './dto/coding.dto';
import { answerOptions, QueryKind, queryAgeing, queryProblems } from './query-rules';

export interface QueryRow {
  id: number;
  encounter_id: number;
  patient_id: number;
  asked_by: number;
  addressee_user_id: number;
  kind: string;
  topic: string | null;
  question: string;
  clinical_indicators: string;
  options: string;
  status: string;
  created_at: string;
  closed_at: string | null;
  answer_option: string | null;
  answer_text: string | null;
  response_note_id: number | null;
  version: number;
}
export const QUERY_COLUMNS = `id, encounter_id, patient_id, asked_by, addressee_user_id, kind, topic, question, clinical_indicators, options, status,
  created_at, closed_at, answer_option, answer_text, response_note_id, version`;

/**
 * Provider queries (query-rules.ts): a coder asks the attending to clarify the documentation of an encounter; the
 * query is open until answered, withdrawn or expired (overdue after QUERY_OVERDUE_DAYS). The answer becomes part of
 * the record: a note of the encounter, written and signed by the answering physician, linked to the query. Only the
 * addressee or the encounter's attending answers, and the access policy must allow them to write in the chart.
 */
@Injectable()
export class ProviderQueriesService {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly config: AppConfig,
    private readonly chart: ChartAccess,
    private readonly users: UsersRepository,
  ) {}

  async create(ctx: RequestContext, encounterId: number, dto: CreateQueryDto) {
    const access = await this.chart.writable(ctx, encounterId, 'coding:write', 'provider-query');
    const problems = queryProblems({ ...dto, clinicalIndicators: dto.clinicalIndicators, options: dto.options ?? [] });
    if (problems.length) throw new InvalidInput(problems, `Not a compliant query: ${problems.map((p) => p.field).join(', ')}`);
    const addressee = dto.addresseeUserId ?? (access.enc.attending_user_id === null ? null : Number(access.enc.attending_user_id));
    if (addressee === null) throw InvalidInput.field('addresseeUserId', 'the encounter has no attending physician: name the physician to ask');
    const who = (await this.users.names([addressee])).get(addressee);
    if (!who || who.role !== 'physician') throw InvalidInput.field('addresseeUserId', 'must name a physician');
    const options = answerOptions(dto.kind as QueryKind, dto.options ?? []);
    return this.db.transaction(async (tx) => {
      const row = (await tx.one<QueryRow>(
        `INSERT INTO provider_queries (encounter_id, patient_id, asked_by, addressee_user_id, kind, topic, question, clinical_indicators, options, status, created_at, version)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 'open', $10, 1) RETURNING ${QUERY_COLUMNS}`,
        [encounterId, access.patientId, ctx.user.id, addressee, dto.kind, dto.topic ?? null, dto.question.trim(),
          JSON.stringify(dto.clinicalIndicators), JSON.stringify(options), this.clock.nowIso()],
      ))!;
      await this.chart.auditWrite(tx, ctx, access.grant, access.patientId, 'create', 'provider-query', Number(row.id), { encounterId, kind: dto.kind, addressee });
      return this.toDto(row);
    });
  }

  async forEncounter(ctx: RequestContext, encounterId: number) {
    const access = await this.chart.readable(ctx, encounterId, 'provider-query');
    const rows = await this.db.query<QueryRow>(`SELECT ${QUERY_COLUMNS} FROM provider_queries WHERE encounter_id = $1 ORDER BY id`, [encounterId]);
    await this.chart.auditRead(ctx, access.grant, access.patientId, 'provider-query', `encounter/${encounterId}`, { results: rows.length });
    return { items: rows.map((r) => this.toDto(r)) };
  }

  async read(ctx: RequestContext, id: number) {
    const row = await this.find(this.db, id);
    const access = await this.chart.readable(ctx, Number(row.encounter_id), 'provider-query');
    await this.chart.auditRead(ctx, access.grant, access.patientId, 'provider-query', id);
    return this.toDto(row);
  }

  /** A work list: the queries the caller sent (coder) or must answer (physician), oldest first. */
  async workList(ctx: RequestContext, whose: 'asked_by' | 'addressee_user_id', q: QueryListQueryDto): Promise<Page<ReturnType<ProviderQueriesService['toDto']>>> {
    const { page, pageSize, offset } = pageOf(q);
    const params: SqlParam[] = [ctx.user.id];
    let where = `${whose} = $1`;
    if (q.status) {
      params.push(q.status);
      where += ` AND status = $${params.length}`;
    }
    const total = Number((await this.db.one<{ n: unknown }>(`SELECT COUNT(*) AS n FROM provider_queries WHERE ${where}`, params))?.n ?? 0);
    const rows = await this.db.query<QueryRow>(
      `SELECT ${QUERY_COLUMNS} FROM provider_queries WHERE ${where} ORDER BY created_at, id LIMIT $${params.length + 1} OFFSET $${params.length + 2}`,
      [...params, pageSize, offset],
    );
    await this.chart.auditList(ctx, 'provider-query', rows.map((r) => ({ patientId: Number(r.patient_id), id: Number(r.id) })), {
      view: whose === 'asked_by' ? 'queries-sent' : 'queries-to-answer', status: q.status ?? null, page, pageSize,
    });
    return { items: rows.map((r) => this.toDto(r)), page, pageSize, total };
  }

  async answer(ctx: RequestContext, id: number, dto: AnswerQueryDto) {
    const row = await this.find(this.db, id);
    const access = await this.chart.writable(ctx, Number(row.encounter_id), 'clinical:write', 'provider-query');
    const attending = access.enc.attending_user_id === null ? null : Number(access.enc.attending_user_id);
    if (ctx.user.id !== Number(row.addressee_user_id) && ctx.user.id !== attending) {
      await this.chart.refuse(ctx, `query ${id} is addressed to another physician; only its addressee or the encounter's attending answers it`, {
        resourceType: 'provider-query', resourceId: id, patientId: access.patientId,
      });
    }
    const options = JSON.parse(row.options) as string[];
    if (options.length && (dto.option === undefined || !options.includes(dto.option))) {
      throw InvalidInput.field('option', `must be one of: ${options.join('; ')}`);
    }
    if (!options.length && dto.option !== undefined) throw InvalidInput.field('option', 'an open-ended query is answered in words only');
    return this.db.transaction(async (tx) => {
      const current = await this.find(tx, id);
      if (current.status !== 'open') throw new Conflict(`Query ${id} is ${current.status}, not open`);
      if (Number(current.version) !== dto.version) throw new Conflict(`Query ${id} is at version ${current.version}, you sent ${dto.version}`);
      const now = this.clock.nowIso();
      const noteId = await this.responseNote(tx, ctx, access.enc, current, dto, now);
      const changed = await tx.execute(
        `UPDATE provider_queries SET status = 'answered', closed_at = $1, closed_by = $2, answer_option = $3, answer_text = $4, response_note_id = $5, version = version + 1
          WHERE id = $6 AND version = $7`,
        [now, ctx.user.id, dto.option ?? null, dto.response, noteId, id, dto.version],
      );
      if (changed !== 1) throw new Conflict(`Query ${id} was changed by someone else`);
      await this.chart.auditWrite(tx, ctx, access.grant, access.patientId, 'create', 'notes', noteId, { queryId: id, noteType: 'progress', signed: true });
      await this.chart.auditWrite(tx, ctx, access.grant, access.patientId, 'update', 'provider-query', id, { before: { status: 'open' }, after: { status: 'answered', responseNoteId: noteId } });
      return this.toDto((await this.find(tx, id)));
    });
  }

  async transition(ctx: RequestContext, id: number, dto: QueryTransitionDto) {
    const row = await this.find(this.db, id);
    const access = await this.chart.writable(ctx, Number(row.encounter_id), 'coding:write', 'provider-query');
    return this.db.transaction(async (tx) => {
      const current = await this.find(tx, id);
      if (current.status !== 'open') throw new Conflict(`Query ${id} is ${current.status}: only an open query can be ${dto.action === 'withdraw' ? 'withdrawn' : 'expired'}`);
      if (Number(current.version) !== dto.version) throw new Conflict(`Query ${id} is at version ${current.version}, you sent ${dto.version}`);
      const now = this.clock.nowIso();
      if (dto.action === 'expire' && !queryAgeing(current.created_at, now, this.config.get('QUERY_OVERDUE_DAYS')).overdue) {
        throw new Conflict(`Query ${id} is not overdue yet: it can be withdrawn, not expired`);
      }
      const status = dto.action === 'withdraw' ? 'withdrawn' : 'expired';
      await tx.execute(
        'UPDATE provider_queries SET status = $1, closed_at = $2, closed_by = $3, close_reason = $4, version = version + 1 WHERE id = $5 AND version = $6',
        [status, now, ctx.user.id, dto.reason ?? null, id, dto.version],
      );
      await this.chart.auditWrite(tx, ctx, access.grant, access.patientId, 'update', 'provider-query', id, { before: { status: 'open' }, after: { status }, reason: dto.reason ?? null });
      return this.toDto(await this.find(tx, id));
    });
  }

  /** The answer as a signed note of the encounter (the query and its answer are part of the record). */
  private async responseNote(tx: Queryable, ctx: RequestContext, enc: EncounterRow, q: QueryRow, dto: AnswerQueryDto, now: string): Promise<number> {
    const indicators = (JSON.parse(q.clinical_indicators) as string[]).map((i) => `- ${i}`).join('\n');
    const text = [`Response to documentation query #${q.id} (${q.kind})`, `Query: ${q.question}`, indicators ? `Clinical indicators:\n${indicators}` : '',
      dto.option ? `Answer: ${dto.option}` : '', dto.response].filter((l) => l !== '').join('\n');
    const restricted = enc.sensitivity === 'restricted';
    const row = (await tx.one<{ id: number }>(
      `INSERT INTO clinical_notes (encounter_id, patient_id, sensitivity, sensitivity_category, version, created_at, created_by, updated_at, updated_by,
         note_type, author_user_id, text, authored_at, signed_at, signed_by, query_id)
       VALUES ($1, $2, $3, $4, 1, $5, $6, $5, $6, 'progress', $6, $7, $5, $5, $6, $8) RETURNING id`,
      [Number(enc.id), Number(enc.patient_id), restricted ? 'restricted' : 'normal', restricted ? enc.sensitivity_category : null, now, ctx.user.id, text, q.id],
    ))!;
    return Number(row.id);
  }

  private async find(q: Queryable, id: number): Promise<QueryRow> {
    const row = await q.one<QueryRow>(`SELECT ${QUERY_COLUMNS} FROM provider_queries WHERE id = $1`, [id]);
    if (!row) throw new NotFound(`Query ${id}`);
    return row;
  }

  private toDto(r: QueryRow) {
    const now = this.clock.nowIso();
    const ageing = queryAgeing(r.created_at, r.status === 'open' ? now : (r.closed_at ?? now), this.config.get('QUERY_OVERDUE_DAYS'));
    return {
      id: Number(r.id), encounterId: Number(r.encounter_id), patientId: Number(r.patient_id), askedBy: Number(r.asked_by),
      addresseeUserId: Number(r.addressee_user_id), kind: r.kind, topic: r.topic, question: r.question,
      clinicalIndicators: JSON.parse(r.clinical_indicators) as string[], options: JSON.parse(r.options) as string[], status: r.status,
      createdAt: r.created_at, dueAt: ageing.dueAt, daysOpen: ageing.daysOpen, overdue: r.status === 'open' && ageing.overdue,
      closedAt: r.closed_at, answerOption: r.answer_option, answerText: r.answer_text,
      responseNoteId: r.response_note_id === null ? null : Number(r.response_note_id), version: Number(r.version),
    };
  }
}
