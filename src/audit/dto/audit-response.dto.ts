import { ApiProperty, ApiPropertyOptional, getSchemaPath } from '@nestjs/swagger';
import { PageDto } from '../../common/pagination';
import { AccessLogEntryDto } from '../../records/dto/me.dto';
import { RULE_NAMES } from '../anomalies/anomaly-rules';
import { AUDIT_OUTCOMES } from '../audit.types';
import { FhirAuditEventDto } from './fhir-audit-event.dto';

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
  @ApiPropertyOptional({ enum: ['row-altered', 'link-broken', 'row-missing', 'tail-truncated', 'head-altered', 'checkpoint-mismatch', 'foreign-row'] }) problem?: string;
  @ApiPropertyOptional() message?: string;
  @ApiPropertyOptional({ type: () => [EpochCheckDto], description: 'A full verify (from 0) also checks every closed epoch: the trails kept by each demo reset' })
  epochs?: EpochCheckDto[];
  @ApiPropertyOptional({ description: 'Every closed epoch is intact (`valid` is about the trail since the last reset)' }) historyValid?: boolean;
}

/** One closed epoch of the trail (kept by a demo reset), recomputed against its final head. */
export class EpochCheckDto {
  @ApiProperty({ type: 'integer' }) epoch: number;
  @ApiProperty() closedAt: string;
  @ApiProperty({ nullable: true, type: String }) closedBy: string | null;
  @ApiProperty({ type: 'integer' }) rows: number;
  @ApiProperty() valid: boolean;
  @ApiPropertyOptional({ type: 'integer' }) firstBrokenSequence?: number;
  @ApiPropertyOptional() problem?: string;
  @ApiPropertyOptional() message?: string;
}

export class CheckpointResultDto {
  @ApiPropertyOptional({ type: 'integer' }) seq?: number;
  @ApiPropertyOptional() hash?: string;
  @ApiPropertyOptional() createdAt?: string;
  @ApiPropertyOptional({ description: 'The checkpoint MAC: keep the receipt (seq, hash, createdAt, mac) outside the database' }) mac?: string;
  @ApiPropertyOptional({ description: 'true when the head was already checkpointed' }) unchanged?: boolean;
}

/** A checkpoint receipt: keep it outside the database; POST /audit/receipts/verify proves the trail still holds it. */
export class CheckpointReceiptDto {
  @ApiProperty({ type: 'integer', minimum: 1 }) seq: number;
  @ApiProperty({ pattern: '^[0-9a-f]{64}$' }) hash: string;
  @ApiProperty({ example: '2026-12-03T06:00:00.000Z' }) createdAt: string;
  @ApiProperty({ pattern: '^[0-9a-f]{64}$' }) mac: string;
}

export class CheckpointReceiptListDto {
  @ApiProperty({ type: [CheckpointReceiptDto] }) items: CheckpointReceiptDto[];
}

export class ReceiptCheckDto {
  @ApiProperty({ description: 'The receipt is genuine (its MAC was made with this service\'s key, as a checkpoint) and the trail still holds its row, unchanged' }) contained: boolean;
  @ApiProperty({ type: 'integer' }) seq: number;
  @ApiPropertyOptional({ enum: ['receipt-forged', 'row-missing', 'row-altered'] }) problem?: string;
  @ApiPropertyOptional() message?: string;
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

/** The facts a finding carries: `events` always, then its rule's own (each key only on the rules that set it). */
export class AnomalyDetailsDto {
  @ApiProperty({ type: 'integer', description: 'Audit rows behind the finding (evidence lists the first of them)' }) events: number;
  @ApiPropertyOptional({ description: 'same-surname: the shared surname' }) surname?: string;
  @ApiPropertyOptional({ type: 'integer', description: 'vip-without-care-relation: accesses made under break-the-glass' }) breakGlassAccesses?: number;
  @ApiPropertyOptional({ description: 'after-hours, unusual-volume: the hospital\'s time zone' }) timeZone?: string;
  @ApiPropertyOptional({ example: '22:00-06:00', description: 'after-hours: the after-hours span' }) span?: string;
  @ApiPropertyOptional({ type: 'integer', isArray: true, description: 'after-hours, repeated-denials: the patients concerned' }) patients?: number[];
  @ApiPropertyOptional({ type: 'integer', isArray: true, description: 'after-hours: those of them outside the user\'s care teams' }) outsideCareTeam?: number[];
  @ApiPropertyOptional({ type: 'integer', description: 'unusual-volume: distinct patients within the hour' }) distinctPatients?: number;
  @ApiPropertyOptional({ type: 'integer', description: 'unusual-volume, repeated-denials: the threshold that was passed' }) threshold?: number;
  @ApiPropertyOptional({ example: '2026-11-29T14:00', description: 'unusual-volume: the local clock hour' }) hour?: string;
  @ApiPropertyOptional({ description: 'unusual-volume: what the evidence lists' }) evidenceIs?: string;
  @ApiPropertyOptional({ enum: ['own', 'coworker'], description: 'own-or-coworker-record' }) kind?: string;
  @ApiPropertyOptional({ nullable: true, type: 'integer', description: 'own-or-coworker-record: the coworker whose record it is' }) coworkerUserId?: number | null;
  @ApiPropertyOptional({ type: 'integer', description: 'repeated-denials: refusals within the densest window' }) denialsInWindow?: number;
  @ApiPropertyOptional({ type: 'integer', description: 'repeated-denials: refusals over the whole range' }) denialsTotal?: number;
  @ApiPropertyOptional({ type: 'integer', description: 'repeated-denials: the window' }) windowMinutes?: number;
  @ApiPropertyOptional({ type: 'integer', description: 'break-glass-unreviewed: the grant' }) grantId?: number;
  @ApiPropertyOptional({ description: 'break-glass-unreviewed: the reason the user gave' }) reason?: string;
  @ApiPropertyOptional({ description: 'break-glass-unreviewed' }) grantedAt?: string;
  @ApiPropertyOptional({ description: 'break-glass-unreviewed' }) expiresAt?: string;
  @ApiPropertyOptional({ nullable: true, type: String, description: 'break-glass-unreviewed: null while not reviewed' }) reviewedAt?: string | null;
  @ApiPropertyOptional({ nullable: true, enum: ['justified', 'violation'], type: String, description: 'break-glass-unreviewed' }) reviewOutcome?: string | null;
  @ApiPropertyOptional({ type: 'integer', description: 'break-glass-unreviewed: hours allowed for the review' }) hoursAllowed?: number;
  @ApiPropertyOptional({ nullable: true, type: Number, description: 'break-glass-unreviewed: hours the review took (null while not reviewed)' }) hoursToReview?: number | null;
  @ApiPropertyOptional({ description: 'break-glass-unreviewed: the patient is a VIP' }) vip?: boolean;
}

/** A rule's configuration (AUDIT_* variables), each key only on the rule it configures. */
export class AnomalySettingsDto {
  @ApiPropertyOptional({ description: 'same-surname: what is compared' }) compares?: string;
  @ApiPropertyOptional({ description: 'vip-without-care-relation: break-the-glass accesses count too' }) includesBreakGlass?: boolean;
  @ApiPropertyOptional({ description: 'own-or-coworker-record: what a coworker\'s record is' }) coworker?: string;
  @ApiPropertyOptional({ example: '22:00-06:00' }) AUDIT_AFTER_HOURS?: string;
  @ApiPropertyOptional({ example: 'UTC' }) AUDIT_TIME_ZONE?: string;
  @ApiPropertyOptional({ type: 'integer' }) AUDIT_VOLUME_PER_HOUR?: number;
  @ApiPropertyOptional({
    type: 'object', additionalProperties: { type: 'integer' }, example: { physician: 30, nurse: 30 },
    description: 'Distinct patients per hour, per role (the other roles: AUDIT_VOLUME_PER_HOUR)',
  })
  AUDIT_VOLUME_PER_HOUR_BY_ROLE?: Record<string, number>;
  @ApiPropertyOptional({ type: 'integer' }) AUDIT_DENIALS_THRESHOLD?: number;
  @ApiPropertyOptional({ type: 'integer' }) AUDIT_DENIALS_WINDOW_MINUTES?: number;
  @ApiPropertyOptional({ type: 'number' }) AUDIT_BREAK_GLASS_REVIEW_HOURS?: number;
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
  @ApiProperty({ type: AnomalyDetailsDto, description: 'Rule-specific facts: counts, thresholds, patients, grant...' }) details: AnomalyDetailsDto;
}

export class AnomalyRuleDto {
  @ApiProperty({ enum: RULE_NAMES }) name: string;
  @ApiProperty() title: string;
  @ApiProperty({ type: AnomalySettingsDto, description: 'Its configuration (AUDIT_* variables)' }) settings: AnomalySettingsDto;
}

export class AnomalyReportDto extends PageDto(AnomalyFindingDto) {
  @ApiProperty() from: string;
  @ApiProperty() to: string;
  @ApiProperty({ example: 'America/New_York' }) timeZone: string;
  @ApiProperty({ type: 'integer' }) eventsScanned: number;
  @ApiProperty({ type: [AnomalyRuleDto] }) rules: AnomalyRuleDto[];
}

/** The media types of GET /audit/events/export (the FHIR Bundle documented down to its entries; register FhirAuditEventDto). */
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
            properties: { fullUrl: { type: 'string' }, resource: { $ref: getSchemaPath(FhirAuditEventDto) } },
          },
        },
      },
    },
  },
};
