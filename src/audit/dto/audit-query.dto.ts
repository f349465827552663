import { ApiProperty, ApiPropertyOptional, IntersectionType } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsIn, IsInt, IsISO8601, IsOptional, IsString, Length, Matches, Max, Min } from 'class-validator';
import { PageQueryDto, queryInt } from '../../common/pagination';
import { IsTimestamp } from '../../common/validators';
import { AUDIT_ACTIONS, AUDIT_OUTCOMES } from '../audit.types';

/** The filters of the trail, shared by the search, the export and their audit rows. Every one maps to a column. */
export class AuditFilterFields {
  @ApiPropertyOptional({ description: 'Events about this patient' })
  @IsOptional() @Transform(queryInt) @IsInt() @Min(1) @Max(2147483647) patientId?: number;

  @ApiPropertyOptional({ description: 'Events by this user (users.id)' })
  @IsOptional() @Transform(queryInt) @IsInt() @Min(1) @Max(2147483647) actorId?: number;

  @ApiPropertyOptional({ enum: AUDIT_ACTIONS })
  @IsOptional() @IsIn(AUDIT_ACTIONS) action?: string;

  @ApiPropertyOptional({ enum: AUDIT_OUTCOMES })
  @IsOptional() @IsIn(AUDIT_OUTCOMES) outcome?: string;

  @ApiPropertyOptional({ description: 'The actor\'s role when the event happened (e.g. nurse)' })
  @IsOptional() @IsString() @Length(1, 40) role?: string;

  @ApiPropertyOptional({ description: 'e.g. record, patient, encounter, break-glass-grant, route' })
  @IsOptional() @IsString() @Length(1, 40) resourceType?: string;

  @ApiPropertyOptional({ description: 'The X-Request-Id of one request: every row it wrote' })
  @IsOptional() @IsString() @Length(1, 100) requestId?: string;

  @ApiPropertyOptional({ enum: ['true', 'false'], description: 'Only events that rode (or did not ride) on a break-the-glass grant' })
  @IsOptional() @IsIn(['true', 'false']) breakGlass?: 'true' | 'false';

  @ApiPropertyOptional({ description: 'ISO-8601 time, inclusive' })
  @IsOptional() @IsISO8601({ strict: true }) from?: string;

  @ApiPropertyOptional({ description: 'ISO-8601 time, exclusive' })
  @IsOptional() @IsISO8601({ strict: true }) to?: string;
}

export class AuditFilterDto extends IntersectionType(PageQueryDto, AuditFilterFields) {
  @ApiPropertyOptional({
    description: 'Page through a fixed snapshot: only rows up to this sequence number. Pass the `upToSeq` of the first page ' +
      'with the next pages, so rows appended meanwhile (your own searches included) do not shift them.',
  })
  @IsOptional() @Transform(queryInt) @IsInt() @Min(0) @Max(Number.MAX_SAFE_INTEGER) upToSeq?: number;
}

export const EXPORT_FORMATS = ['csv', 'ndjson', 'fhir'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

export class AuditExportQueryDto extends AuditFilterFields {
  @ApiProperty({ enum: EXPORT_FORMATS, description: 'csv (one row per event), ndjson (one event per line), fhir (FHIR R4 AuditEvent, IHE BALP)' })
  @IsIn(EXPORT_FORMATS)
  format: ExportFormat;

  @ApiPropertyOptional({ enum: ['true', 'false'], default: 'false', description: 'format=fhir only: one Bundle (application/fhir+json) instead of NDJSON' })
  @IsOptional()
  @IsIn(['true', 'false'])
  fhirBundle?: 'true' | 'false';

  @ApiPropertyOptional({
    enum: ['true', 'false'], default: 'false',
    description: 'format=csv only: true keeps the exact stored bytes (for re-verifying the hashes); by default text cells beginning with = + - @ tab or CR get a leading apostrophe so a spreadsheet does not run them (OWASP CSV injection). The X-Csv-Cells response header says which',
  })
  @IsOptional()
  @IsIn(['true', 'false'])
  raw?: 'true' | 'false';
}

export class VerifyQueryDto {
  @ApiPropertyOptional({ description: 'Start from the checkpoint at or before this sequence number' })
  @IsOptional()
  @Transform(queryInt)
  @IsInt()
  @Min(0)
  @Max(Number.MAX_SAFE_INTEGER)
  from?: number;
}

export class AnomalyQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ description: 'Start of the window (default: `to` minus 7 days)', example: '2026-11-22T00:00:00Z' })
  @IsOptional() @IsTimestamp() from?: string;

  @ApiPropertyOptional({ description: 'End of the window, exclusive (default: now)', example: '2026-11-29T00:00:00Z' })
  @IsOptional() @IsTimestamp() to?: string;
}

/** POST /audit/receipts/verify: a checkpoint receipt as handed out by POST /audit/checkpoints or GET /audit/checkpoints. */
export class CheckpointReceiptBodyDto {
  @ApiProperty({ type: 'integer', minimum: 1 }) @IsInt() @Min(1) @Max(Number.MAX_SAFE_INTEGER) seq: number;
  @ApiProperty({ pattern: '^[0-9a-f]{64}$' }) @Matches(/^[0-9a-f]{64}$/, { message: 'hash must be 64 lowercase hex characters' }) hash: string;
  @ApiProperty({ example: '2026-12-03T06:00:00.000Z' }) @IsISO8601({ strict: true }) createdAt: string;
  @ApiProperty({ pattern: '^[0-9a-f]{64}$' }) @Matches(/^[0-9a-f]{64}$/, { message: 'mac must be 64 lowercase hex characters' }) mac: string;
}
