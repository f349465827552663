import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsIn, IsObject, IsOptional } from 'class-validator';
import { IsCalendarDate } from '../../common/validators';
import { OUTCOME_GROUPINGS, OutcomeGrouping } from '../outcomes/outcomes-query';
import { REPORT_FORMATS, REPORT_TYPES, ReportFormat, ReportType } from '../report-types';

const toBoolean = ({ value }: { value: unknown }) => (value === 'true' ? true : value === 'false' ? false : value);

/** The date range every report takes. */
export class ReportParamsDto {
  @ApiPropertyOptional({ example: '2026-01-01', description: 'First calendar day (UTC) of the range, included. Default: the first day of the month eleven months before `to`' })
  @IsOptional()
  @IsCalendarDate()
  from?: string;

  @ApiPropertyOptional({ example: '2026-10-31', description: 'Last calendar day (UTC) of the range, included. Default: today' })
  @IsOptional()
  @IsCalendarDate()
  to?: string;
}

/** Only the de-identification flag (GET /reports/outcomes/definition). */
export class DeidentifiableFlagDto {
  @ApiPropertyOptional({ type: Boolean, description: 'The definitions of de-identified output. Always on for quality analysts' })
  @IsOptional()
  @Transform(toBoolean)
  @IsBoolean({ message: 'deidentified must be true or false' })
  deidentified?: boolean;
}

/** Reports about patients can be asked for de-identified (quality analysts always get them so). */
export class DeidentifiableParamsDto extends ReportParamsDto {
  @ApiPropertyOptional({
    type: Boolean,
    description: 'Suppress counts from 1 to 10 and any value they could be derived from (CMS cell-size rule). Always on for quality analysts',
  })
  @IsOptional()
  @Transform(toBoolean)
  @IsBoolean({ message: 'deidentified must be true or false' })
  deidentified?: boolean;
}

export class OutcomesParamsDto extends DeidentifiableParamsDto {
  @ApiPropertyOptional({ enum: OUTCOME_GROUPINGS, default: 'month', description: 'Month of discharge, department of the stay, or ICD-10-CM chapter of its primary diagnosis' })
  @IsOptional()
  @IsIn(OUTCOME_GROUPINGS)
  groupBy?: OutcomeGrouping;
}

export const AUDIT_INTERVALS = ['day', 'month'] as const;
export type AuditInterval = (typeof AUDIT_INTERVALS)[number];

export class AuditSummaryParamsDto extends ReportParamsDto {
  @ApiPropertyOptional({ enum: AUDIT_INTERVALS, description: 'Time buckets of the series. Default: day for ranges up to 92 days, else month' })
  @IsOptional()
  @IsIn(AUDIT_INTERVALS)
  interval?: AuditInterval;
}

export class RoiParamsDto extends DeidentifiableParamsDto {}

export class RunDownloadQueryDto {
  @ApiPropertyOptional({ enum: REPORT_FORMATS, default: 'json', description: 'Which stored rendering to download: json, csv or svg' })
  @IsOptional()
  @IsIn(REPORT_FORMATS)
  format?: ReportFormat;
}

export class OutcomesQueryDto extends OutcomesParamsDto {
  @ApiPropertyOptional({ enum: REPORT_FORMATS, default: 'json', description: 'json, csv (one table) or svg (a chart for a slide)' })
  @IsOptional()
  @IsIn(REPORT_FORMATS)
  format?: ReportFormat;
}

export class AuditSummaryQueryDto extends AuditSummaryParamsDto {
  @ApiPropertyOptional({ enum: REPORT_FORMATS, default: 'json', description: 'json, csv (one table) or svg (a chart for a slide)' })
  @IsOptional()
  @IsIn(REPORT_FORMATS)
  format?: ReportFormat;
}

export class RoiQueryDto extends RoiParamsDto {
  @ApiPropertyOptional({ enum: REPORT_FORMATS, default: 'json', description: 'json, csv (one table) or svg (a chart for a slide)' })
  @IsOptional()
  @IsIn(REPORT_FORMATS)
  format?: ReportFormat;
}

/** The parameter class of each report type (validated the same way for a direct run and a stored one). */
export const PARAMS_DTO: Readonly<Record<ReportType, new () => ReportParamsDto>> = {
  outcomes: OutcomesParamsDto,
  'audit-summary': AuditSummaryParamsDto,
  roi: RoiParamsDto,
};

export class CreateRunDto {
  @ApiProperty({ enum: REPORT_TYPES, example: 'outcomes' })
  @IsIn(REPORT_TYPES)
  type: ReportType;

  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: true,
    example: { from: '2026-01-01', to: '2026-06-30', groupBy: 'department' },
    description: 'The report\'s parameters, as for its GET route (without format: a run stores JSON, CSV and SVG)',
  })
  @IsOptional()
  @IsObject()
  params?: Record<string, unknown>;
}
