import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { PageDto } from '../../common/pagination';
import { AccessLogEntryDto } from '../../records/dto/me.dto';
import { RULE_NAMES } from '../anomalies/anomaly-rules';
import { AUDIT_OUTCOMES } from '../audit.types';

/* The answers of the audit routes, as /docs documents them. */

const FREE_OBJECT = { type: 'object', additionalProperties: true } as const;

export class AuditActorDto {
  @ApiProperty({ nullable: true, type: 'integer' }) id: number | null;
  @ApiProperty({ nullable: true, type: String }) username: string | null;
  @ApiProperty({ nullable: true, type: String, description: 'The role when the event happened' }) role: string | null;
}

export class AuditEventDto {
  @ApiProperty({ type: 'integer', description: 'Sequence number in the hash chain' }) seq: number;
  @ApiProperty({ example: '2026-11-29T14:00:00.000Z' }) occurredAt: string;
  @ApiProperty({ type: AuditActorDto }) actor: AuditActorDto;
  @ApiProperty({ example: 'read' }) action: string;
  @ApiProperty({ nullable: true, type: String, example: 'record' }) resourceType: string | null;
  @ApiProperty({ nullable: true, type: String }) resourceId: string | null;
  @ApiProperty({ nullable: true, type: 'integer' }) patientId: number | null;
  @ApiProperty({ enum: AUDIT_OUTCOMES }) outcome: string;
  @ApiProperty({ nullable: true, type: String, description: 'Why it was refused' }) reason: string | null;
  @ApiProperty({ nullable: true, type: String, example: 'TREAT' }) purposeOfUse: string | null;
  @ApiProperty() breakGlass: boolean;
  @ApiProperty({ nullable: true, type: String }) requestId: string | null;
  @ApiProperty({ nullable: true, type: String }) clientIp: string | null;
  @ApiProperty({ nullable: true, type: String }) userAgent: string | null;
  @ApiProperty({ ...FREE_OBJECT, nullable: true, description: 'Small structured facts (counts, before/after); never PHI text' }) details: Record<string, unknown> | null;
  @ApiProperty({ description: 'HMAC-SHA256 of the row chained to the previous one (hex)' }) hash: string;
}

export class AuditEventPageDto extends PageDto(AuditEventDto) {
  @ApiProperty({ type: 'integer', description: 'The snapshot these pages cover: pass it back with the next pages' }) upToSeq: number;
}

export class VerifyResultDto {
  @ApiProperty() valid: boolean;
  @ApiProperty({ type: 'integer', description: 'Rows recomputed' }) checked: number;
  @ApiProperty({ type: 'integer', description: 'Last row checked' }) headSequence: number;
  @ApiProperty() headHash: string;
  @ApiProperty({ type: 'integer', description: 'The checkpoint the check started from (0: the start of the chain)' }) fromSequence: number;
  @ApiProperty({ type: 'integer' }) checkpointsChecked: number;
  @ApiPropertyOptional({ type: 'integer' }) firstBrokenSequence?: number;
  @ApiPropertyOptional({ enum: ['row-altered', 'link-broken', 'row-missing', 'tail-truncated', 'head-altered', 'checkpoint-mismatch'] }) problem?: string;
  @ApiPropertyOptional() message?: string;
}

export class CheckpointResultDto {
  @ApiPropertyOptional({ type: 'integer' }) seq?: number;
  @ApiPropertyOptional() hash?: string;
  @ApiPropertyOptional() createdAt?: string;
  @ApiPropertyOptional({ description: 'true when the head was already checkpointed' }) unchanged?: boolean;
}

export class PatientAccessLogDto extends PageDto(AccessLogEntryDto) {
  @ApiProperty({ type: 'integer' }) patientId: number;
}

export class FindingActorDto {
  @ApiProperty({ type: 'integer' }) id: number;
  @ApiProperty() username: string;
  @ApiProperty() displayName: string;
  @ApiProperty() role: string;
}

export class AnomalyFindingDto {
  @ApiProperty({ enum: RULE_NAMES }) rule: string;
  @ApiProperty() title: string;
  @ApiProperty({ enum: ['high', 'medium', 'low'] }) severity: string;
  @ApiProperty({ type: FindingActorDto, nullable: true }) actor: FindingActorDto | null;
  @ApiProperty({ nullable: true, type: 'integer' }) patientId: number | null;
  @ApiProperty() firstAt: string;
  @ApiProperty() lastAt: string;
  @ApiProperty() summary: string;
  @ApiProperty({ type: 'integer', isArray: true, description: 'Sequence numbers of the audit rows that show it' }) evidence: number[];
  @ApiProperty({ ...FREE_OBJECT, description: 'Rule-specific facts: counts, thresholds, patients, grant...' }) details: Record<string, unknown>;
}

export class AnomalyRuleDto {
  @ApiProperty({ enum: RULE_NAMES }) name: string;
  @ApiProperty() title: string;
  @ApiProperty({ ...FREE_OBJECT, description: 'Its configuration (AUDIT_* variables)' }) settings: Record<string, unknown>;
}

export class AnomalyReportDto extends PageDto(AnomalyFindingDto) {
  @ApiProperty() from: string;
  @ApiProperty() to: string;
  @ApiProperty({ example: 'America/New_York' }) timeZone: string;
  @ApiProperty({ type: 'integer' }) eventsScanned: number;
  @ApiProperty({ type: [AnomalyRuleDto] }) rules: AnomalyRuleDto[];
}

/** The media types of GET /audit/events/export (the FHIR Bundle documented down to its entries). */
export const EXPORT_CONTENT = {
  'text/csv': { schema: { type: 'string', description: 'Header, then one stored row per line (hashes included)' } },
  'application/x-ndjson': { schema: { type: 'string', description: 'One event per line, as in GET /audit/events' } },
  'application/fhir+ndjson': { schema: { type: 'string', description: 'One FHIR R4 AuditEvent per line' } },
  'application/fhir+json': {
    schema: {
      type: 'object',
      required: ['resourceType', 'type', 'timestamp', 'entry'],
      properties: {
        resourceType: { type: 'string', enum: ['Bundle'] },
        type: { type: 'string', enum: ['collection'] },
        timestamp: { type: 'string' },
        entry: {
          type: 'array',
          items: {
            type: 'object',
            required: ['fullUrl', 'resource'],
            properties: { fullUrl: { type: 'string' }, resource: { ...FREE_OBJECT, description: 'A FHIR R4 AuditEvent (IHE BALP)' } },
          },
        },
      },
    },
  },
};
