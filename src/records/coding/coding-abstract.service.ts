import { Injectable } from '@nestjs/common';
import { UsersRepository } from '../../auth/users.repository';
import { Clock } from '../../common/clock';
import { Conflict, InvalidInput } from '../../common/errors';
import type { RequestContext } from '../../common/request-context';
import { Db, Queryable } from '../../database/db';
import { ChartAccess, EncounterAccess } from '../chart-access';
import { ClinicalReads } from '../clinical.repository';
import type { EncounterRow } from '../encounter-row';
import { abstractCategories, AbstractContent, codingAbstractProblems, EncounterClass } from './coding-abstract.rules';
import type { SaveCodingAbstractDto } from './dto/coding.dto';

interface VersionRow {
  encounter_id: number;
  patient_id: number;
  version: number;
  status: string;
  content: string;
  coded_by: number;
  coded_at: string;
}
const COLUMNS = 'encounter_id, patient_id, version, status, content, coded_by, coded_at';

/**
 * The coding abstract of an encounter (coding-abstract.rules.ts): the coder's final codes, separate from the
 * clinician's documentation, which the coder reads but never changes. Every save is a new version (append-only
 * table); a save names the version it was based on, and a stale one is 409. The abstract restates diagnoses, so the
 * item-visibility rule judges it like the diagnoses it restates: a caller who may not see Part 2 diagnoses does not
 * see an abstract that codes them (or of an encounter that has them).
 */
@Injectable()
export class CodingAbstractService {
  constructor(private readonly db: Db, private readonly clock: Clock, private readonly chart: ChartAccess, private readonly users: UsersRepository) {}

  async read(ctx: RequestContext, encounterId: number) {
    const access = await this.chart.readable(ctx, encounterId, 'coding-abstract');
    const rows = await this.versions(this.db, encounterId);
    await this.requireCategoriesVisible(ctx, access, rows.length ? [rows[rows.length - 1]] : []);
    const latest = rows.length ? rows[rows.length - 1] : null;
    await this.chart.auditRead(ctx, access.grant, access.patientId, 'coding-abstract', encounterId, { version: latest ? Number(latest.version) : 0 });
    return this.toDto(access.enc, latest, await this.namesOf(latest ? [latest] : []));
  }

  async history(ctx: RequestContext, encounterId: number) {
    const access = await this.chart.readable(ctx, encounterId, 'coding-abstract');
    const rows = await this.versions(this.db, encounterId);
    await this.requireCategoriesVisible(ctx, access, rows);
    await this.chart.auditRead(ctx, access.grant, access.patientId, 'coding-abstract', encounterId, { versions: rows.length });
    const names = await this.namesOf(rows);
    return { encounterId, items: rows.map((r) => this.toDto(access.enc, r, names)) };
  }

  async save(ctx: RequestContext, encounterId: number, dto: SaveCodingAbstractDto) {
    const access = await this.chart.writable(ctx, encounterId, 'coding:write', 'coding-abstract');
    const { enc, patientId } = access;
    const content: AbstractContent = {
      principalDiagnosis: pickDiagnosis(dto.principalDiagnosis),
      secondaryDiagnoses: dto.secondaryDiagnoses.map(pickDiagnosis),
      procedures: dto.procedures.map((p) => ({ codeSystem: p.codeSystem, code: p.code, description: p.description, performedAt: p.performedAt ?? null })),
    };
    const problems = codingAbstractProblems(content, enc.encounter_class as EncounterClass);
    if (problems.length) throw new InvalidInput(problems);
    // A coder codes what the view lets them read: no abstract that restates what is withheld from them.
    const shown = this.chart.categoriesVisible(access.caller, abstractCategories(content), enc.admitted_at);
    if (!shown.visible) throw InvalidInput.field('principalDiagnosis', `codes a category withheld from the caller: ${shown.reason}`);
    await this.requireCategoriesVisible(ctx, access, []);
    if (dto.status === 'final' && enc.discharged_at === null) throw new Conflict(`Encounter ${encounterId} is not discharged: the abstract cannot be final yet`);
    return this.db.transaction(async (tx) => {
      const current = await tx.one<{ v: unknown }>('SELECT MAX(version) AS v FROM coding_abstract_versions WHERE encounter_id = $1', [encounterId]);
      const version = Number(current?.v ?? 0);
      if (version !== dto.version) throw new Conflict(`The coding abstract of encounter ${encounterId} is at version ${version}, you sent ${dto.version}`);
      const now = this.clock.nowIso();
      const row = await this.insertVersion(tx, encounterId, patientId, version + 1, dto.status, content, ctx.user.id, now);
      await this.chart.auditWrite(tx, ctx, access.grant, patientId, version === 0 ? 'create' : 'update', 'coding-abstract', encounterId, {
        version: version + 1, status: dto.status, principal: content.principalDiagnosis.code,
        secondary: content.secondaryDiagnoses.map((d) => d.code), procedures: content.procedures.map((p) => p.code),
      });
      return this.toDto(enc, row, await this.namesOf([row], tx));
    });
  }

  /** The latest versions' codes, and the encounter's own restricted diagnoses, must be visible to the caller. */
  private async requireCategoriesVisible(ctx: RequestContext, access: EncounterAccess, rows: readonly VersionRow[]): Promise<void> {
    const own = (await ClinicalReads.reasonCategories(this.db, { encounterId: Number(access.enc.id) })).get(Number(access.enc.id)) ?? [];
    const coded = rows.flatMap((r) => abstractCategories(JSON.parse(r.content) as AbstractContent));
    const shown = this.chart.categoriesVisible(access.caller, [...new Set([...own, ...coded])], access.enc.admitted_at);
    if (!shown.visible) {
      await this.chart.refuse(ctx, `the coding abstract restates diagnoses withheld from the caller: ${shown.reason}`, {
        resourceType: 'coding-abstract', resourceId: Number(access.enc.id), patientId: access.patientId,
      });
    }
  }

  private async insertVersion(tx: Queryable, encounterId: number, patientId: number, version: number, status: string, content: AbstractContent, by: number, at: string): Promise<VersionRow> {
    try {
      return (await tx.one<VersionRow>(
        `INSERT INTO coding_abstract_versions (encounter_id, patient_id, version, status, content, coded_by, coded_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING ${COLUMNS}`,
        [encounterId, patientId, version, status, JSON.stringify(content), by, at],
      ))!;
    } catch (err) {
      // Two saves from the same version: the unique (encounter, version) lets one win; the other is stale.
      if (/unique|duplicate/i.test(String((err as Error).message))) throw new Conflict(`The coding abstract of encounter ${encounterId} was saved by someone else`);
      throw err;
    }
  }

  private versions(q: Queryable, encounterId: number): Promise<VersionRow[]> {
    return q.query<VersionRow>(`SELECT ${COLUMNS} FROM coding_abstract_versions WHERE encounter_id = $1 ORDER BY version`, [encounterId]);
  }

  private async namesOf(rows: readonly VersionRow[], q?: Queryable): Promise<Map<number, string>> {
    const names = await this.users.names(rows.map((r) => Number(r.coded_by)), q);
    return new Map([...names].map(([id, n]) => [id, n.displayName]));
  }

  private toDto(enc: EncounterRow, row: VersionRow | null, names: Map<number, string>) {
    const content = row ? (JSON.parse(row.content) as AbstractContent) : null;
    return {
      encounterId: Number(enc.id), patientId: Number(enc.patient_id), encounterClass: enc.encounter_class,
      version: row ? Number(row.version) : 0,
      status: row ? row.status : 'not-coded',
      principalDiagnosis: content?.principalDiagnosis ?? null,
      secondaryDiagnoses: content?.secondaryDiagnoses ?? [],
      procedures: content?.procedures ?? [],
      codedBy: row ? Number(row.coded_by) : null,
      codedByName: row ? (names.get(Number(row.coded_by)) ?? null) : null,
      codedAt: row?.coded_at ?? null,
    };
  }
}

function pickDiagnosis(d: { code: string; description: string; poa?: string }) {
  return { code: d.code, description: d.description, poa: d.poa ?? null };
}
