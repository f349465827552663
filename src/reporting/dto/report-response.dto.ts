import type { Type } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional, getSchemaPath } from '@nestjs/swagger';
import { ROI_STATUSES } from '../../release-of-information/roi-state-machine';
import { DISPOSITIONS } from '../outcomes/dispositions';
import { LOS_CONVENTIONS } from '../outcomes/length-of-stay';
import { OUTCOME_GROUPINGS } from '../outcomes/outcomes-query';
import { REPORT_TYPES } from '../report-types';
import { AUDIT_INTERVALS } from './report-query.dto';

/* The JSON of each report (GET /reports/<type>, and the json rendering of a stored run), for /docs. */

/** A value withheld under the cell-size rule (de-identified output). */
export class SuppressedDto {
  @ApiProperty({ type: Boolean, enum: [true] }) suppressed: true;
}

const suppressed = () => ({ $ref: getSchemaPath(SuppressedDto) });
/** A count, or `{ suppressed: true }` in de-identified output. */
const PUBLISHED_COUNT = { oneOf: [{ type: 'integer', minimum: 0 }, suppressed()] };
/** A rate, average or median: null when its denominator is 0, or `{ suppressed: true }`. */
const PUBLISHED_VALUE = { oneOf: [{ type: 'number' }, suppressed()], nullable: true };

/** A class whose properties are the given keys, each with the same schema (a table row keyed by a fixed list). */
function keyedClass(name: string, keys: readonly string[], schema: Record<string, unknown>, description: string): Type<unknown> {
  const Keyed = class {};
  Object.defineProperty(Keyed, 'name', { value: name });
  for (const key of keys) {
    Reflect.defineMetadata('design:type', Object, Keyed.prototype, key);
    ApiProperty({ ...schema, description })(Keyed.prototype, key);
  }
  return Keyed;
}

export class MeasureDefinitionDto {
  @ApiProperty() measure: string;
  @ApiProperty() rule: string;
  @ApiPropertyOptional() numerator?: string;
  @ApiPropertyOptional() denominator?: string;
  @ApiProperty({ description: 'Where the rule comes from' }) source: string;
}

export class SuppressionDto {
  @ApiProperty() rule: string;
  @ApiProperty({ description: 'How many values were withheld' }) suppressedCells: number;
  @ApiPropertyOptional({
    type: 'object', additionalProperties: { type: 'string' }, example: { '2026-10': '2026-12-03T09:00:00.000Z' },
    description: 'Outcomes: when each month of the range was first released (de-identified months are kept as first released)',
  })
  monthsReleasedAt?: Record<string, string>;
}

/** The header every report's JSON starts with. */
class ReportHeaderDto {
  @ApiProperty() title: string;
  @ApiProperty({ example: '2026-11-29T14:00:00.000Z' }) generatedAt: string;
  @ApiProperty({ description: 'Small cells suppressed (always for quality analysts)' }) deidentified: boolean;
  @ApiProperty({ type: [MeasureDefinitionDto], description: 'Every rule the report used' }) definitions: MeasureDefinitionDto[];
}

class RangeDto {
  @ApiProperty({ example: '2026-01-01' }) from: string;
  @ApiProperty({ example: '2026-10-31' }) to: string;
}

/* ---- outcomes ---- */

export class OutcomesParametersDto extends RangeDto {
  @ApiProperty({ enum: OUTCOME_GROUPINGS }) groupBy: string;
  @ApiProperty() deidentified: boolean;
}

export const DispositionCountsDto = keyedClass('DispositionCountsDto', DISPOSITIONS, PUBLISHED_COUNT, 'Discharges with this disposition');

export class OutcomeGroupDto {
  @ApiProperty({ description: 'Month (YYYY-MM), department, ICD-10-CM chapter, or Total' }) group: string;
  @ApiProperty(PUBLISHED_COUNT) discharges: unknown;
  @ApiProperty(PUBLISHED_COUNT) indexStays: unknown;
  @ApiProperty(PUBLISHED_COUNT) readmissions: unknown;
  @ApiProperty({ ...PUBLISHED_VALUE, description: 'A fraction (0.125 = 12.5%)' }) readmissionRate: unknown;
  @ApiProperty({ ...PUBLISHED_VALUE, description: 'Days' }) averageLengthOfStay: unknown;
  @ApiProperty({ ...PUBLISHED_VALUE, description: 'Days' }) medianLengthOfStay: unknown;
  @ApiProperty(PUBLISHED_COUNT) deaths: unknown;
  @ApiProperty(PUBLISHED_COUNT) mortalityEligibleDischarges: unknown;
  @ApiProperty({ ...PUBLISHED_VALUE, description: 'A fraction' }) mortalityRate: unknown;
  @ApiProperty({ type: DispositionCountsDto }) dispositions: Record<string, unknown>;
  @ApiPropertyOptional({ description: 'De-identified: months of the row whose discharges were withheld (the row then adds up the others)' }) cellsWithheld?: number;
}

export class CohortExclusionDto {
  @ApiProperty({ example: 'primary psychiatric diagnosis' }) exclusion: string;
  @ApiProperty() rule: string;
  @ApiProperty() source: string;
}

export class ReadmissionCohortDto {
  @ApiProperty() population: string;
  @ApiProperty({ type: [CohortExclusionDto], description: 'Every exclusion from the index stays, with its source' }) exclusions: CohortExclusionDto[];
  @ApiProperty({ type: [CohortExclusionDto], description: 'Parts of the CMS specification that do not apply, and why' }) notApplicable: CohortExclusionDto[];
}

export class ReleaseGridDto {
  @ApiProperty({ example: 'calendar month' }) unit: string;
  @ApiProperty() rule: string;
  @ApiProperty({ example: '2026-10', description: 'The latest month whose readmission windows have closed' }) latestClosedMonth: string;
}

export class OutcomesDefinitionDto {
  @ApiProperty({ enum: ['outcomes'] }) report: string;
  @ApiProperty() deidentified: boolean;
  @ApiProperty({ enum: LOS_CONVENTIONS }) lengthOfStayConvention: string;
  @ApiProperty({ type: ReadmissionCohortDto }) readmissionCohort: ReadmissionCohortDto;
  @ApiProperty({ type: ReleaseGridDto, nullable: true, description: 'null unless de-identified' }) releaseGrid: ReleaseGridDto | null;
  @ApiProperty({ type: [MeasureDefinitionDto] }) definitions: MeasureDefinitionDto[];
}

export class OutcomesReportDto extends ReportHeaderDto {
  @ApiProperty({ enum: ['outcomes'] }) report: string;
  @ApiProperty({ type: OutcomesParametersDto }) parameters: OutcomesParametersDto;
  @ApiProperty({ enum: LOS_CONVENTIONS }) lengthOfStayConvention: string;
  @ApiProperty({ type: ReadmissionCohortDto }) readmissionCohort: ReadmissionCohortDto;
  @ApiProperty({ type: [OutcomeGroupDto] }) groups: OutcomeGroupDto[];
  @ApiProperty({ type: OutcomeGroupDto }) total: OutcomeGroupDto;
  @ApiProperty({ type: SuppressionDto, nullable: true, description: 'null unless de-identified' }) suppression: SuppressionDto | null;
}

/* ---- audit summary ---- */

export class AuditSummaryParametersDto extends RangeDto {
  @ApiProperty({ enum: AUDIT_INTERVALS }) interval: string;
}

class OutcomeCountsDto {
  @ApiProperty() success: number;
  @ApiProperty() denied: number;
  @ApiProperty() error: number;
  @ApiProperty() total: number;
}

export class AuditTotalsDto extends OutcomeCountsDto {}
export class PeriodCountsDto extends OutcomeCountsDto {
  @ApiProperty({ description: 'YYYY-MM-DD or YYYY-MM' }) period: string;
}
export class RoleCountsDto extends OutcomeCountsDto {
  @ApiProperty() role: string;
}
export class ActionCountsDto extends OutcomeCountsDto {
  @ApiProperty() action: string;
}

export class AccessCountDto {
  @ApiProperty() period: string;
  @ApiProperty({ description: 'The role at the time, or "(no role)"' }) role: string;
  @ApiProperty() action: string;
  @ApiProperty({ enum: ['success', 'denied', 'error'] }) outcome: string;
  @ApiProperty() count: number;
}

export class ReasonCountDto {
  @ApiProperty() reason: string;
  @ApiProperty() count: number;
}

export class RoleCountDto {
  @ApiProperty() role: string;
  @ApiProperty() count: number;
}

export class DenialSummaryDto {
  @ApiProperty() total: number;
  @ApiProperty({ type: [ReasonCountDto], description: 'The 20 most frequent reasons' }) byReason: ReasonCountDto[];
  @ApiProperty({ type: [RoleCountDto] }) byRole: RoleCountDto[];
}

export class BreakGlassSummaryDto {
  @ApiProperty() uses: number;
  @ApiProperty() reviewed: number;
  @ApiProperty() justified: number;
  @ApiProperty() violations: number;
  @ApiProperty() awaitingReview: number;
  @ApiProperty() accessesUnderBreakGlass: number;
}

export class RuleCountDto {
  @ApiProperty() rule: string;
  @ApiProperty() count: number;
}

export class AnomalySummaryDto {
  @ApiProperty() source: string;
  @ApiProperty({ type: [RuleCountDto] }) byRule: RuleCountDto[];
  @ApiProperty() total: number;
}

export class AuditSummaryReportDto extends ReportHeaderDto {
  @ApiProperty({ enum: ['audit-summary'] }) report: string;
  @ApiProperty({ type: AuditSummaryParametersDto }) parameters: AuditSummaryParametersDto;
  @ApiProperty({ type: AuditTotalsDto }) totals: AuditTotalsDto;
  @ApiProperty({ type: [AccessCountDto], description: 'Every (period, role, action, outcome) with at least one event' }) accesses: AccessCountDto[];
  @ApiProperty({ type: [PeriodCountsDto] }) overTime: PeriodCountsDto[];
  @ApiProperty({ type: [RoleCountsDto] }) byRole: RoleCountsDto[];
  @ApiProperty({ type: [ActionCountsDto] }) byAction: ActionCountsDto[];
  @ApiProperty({ type: DenialSummaryDto }) denials: DenialSummaryDto;
  @ApiProperty({ type: BreakGlassSummaryDto }) breakGlass: BreakGlassSummaryDto;
  @ApiProperty({ type: AnomalySummaryDto }) anomalies: AnomalySummaryDto;
}

/* ---- release of information ---- */

export class RoiReportParametersDto extends RangeDto {
  @ApiProperty() deidentified: boolean;
}

export const RoiStatusCountsDto = keyedClass('RoiStatusCountsDto', ROI_STATUSES, PUBLISHED_COUNT, 'Requests received in the range that have this status now');

export class RoiReportRowDto {
  @ApiProperty({ description: 'A requester type, or Total' }) requesterType: string;
  @ApiProperty(PUBLISHED_COUNT) received: unknown;
  @ApiProperty({ type: RoiStatusCountsDto }) byStatus: Record<string, unknown>;
  @ApiProperty(PUBLISHED_COUNT) fulfilled: unknown;
  @ApiProperty({ ...PUBLISHED_VALUE, description: 'Days' }) medianTurnaroundDays: unknown;
  @ApiProperty({ ...PUBLISHED_VALUE, description: 'Days' }) p90TurnaroundDays: unknown;
  @ApiProperty(PUBLISHED_COUNT) fulfilledWithin30Days: unknown;
  @ApiProperty({ ...PUBLISHED_VALUE, description: 'A fraction' }) shareFulfilledWithin30Days: unknown;
  @ApiProperty(PUBLISHED_COUNT) overdueNow: unknown;
}

export class RoiReportDto extends ReportHeaderDto {
  @ApiProperty({ enum: ['roi'] }) report: string;
  @ApiProperty({ type: RoiReportParametersDto }) parameters: RoiReportParametersDto;
  @ApiProperty({ example: '2026-11-29T14:00:00.000Z', description: '"Overdue now" is as of this time' }) asOf: string;
  @ApiProperty({ enum: ROI_STATUSES, isArray: true }) statuses: string[];
  @ApiProperty({ type: [RoiReportRowDto] }) byRequesterType: RoiReportRowDto[];
  @ApiProperty({ type: RoiReportRowDto }) total: RoiReportRowDto;
  @ApiProperty({ type: SuppressionDto, nullable: true, description: 'null unless de-identified' }) suppression: SuppressionDto | null;
}

export const REPORT_MODELS = [SuppressedDto, OutcomesReportDto, AuditSummaryReportDto, RoiReportDto];

/** Any of the three reports, told apart by `report`. */
export const ANY_REPORT_SCHEMA = { oneOf: [OutcomesReportDto, AuditSummaryReportDto, RoiReportDto].map((m) => ({ $ref: getSchemaPath(m) })) };

/* ---- stored runs ---- */

export class RunUserDto {
  @ApiProperty() id: number;
  @ApiProperty({ nullable: true, type: String }) username: string | null;
}

export class OutputHashDto {
  @ApiProperty({ description: 'SHA-256 of the exact bytes GET /reports/runs/:id?format= returns' }) sha256: string;
}

export class RunOutputsDto {
  @ApiProperty({ type: OutputHashDto }) json: OutputHashDto;
  @ApiProperty({ type: OutputHashDto }) csv: OutputHashDto;
  @ApiProperty({ type: OutputHashDto }) svg: OutputHashDto;
}

export class ReportRunDto {
  @ApiProperty() id: number;
  @ApiProperty({ enum: REPORT_TYPES }) type: string;
  @ApiProperty({
    // anyOf, not oneOf: the parameter sets share fields (from, to, deidentified), so one run may match several.
    anyOf: [OutcomesParametersDto, AuditSummaryParametersDto, RoiReportParametersDto].map((m) => ({ $ref: getSchemaPath(m) })),
    description: 'The parameters the report ran with (defaults filled in): those of its type',
  })
  params: Record<string, unknown>;
  @ApiProperty() deidentified: boolean;
  @ApiProperty({ type: RunUserDto }) runBy: RunUserDto;
  @ApiProperty() runAt: string;
  @ApiProperty({ description: 'Rows of the CSV rendering' }) rowCount: number;
  @ApiProperty({ description: 'SHA-256 of the JSON rendering (the run\'s own fingerprint)' }) sha256: string;
  @ApiProperty({ type: RunOutputsDto }) outputs: RunOutputsDto;
}
