import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import {
  ArrayMaxSize, ArrayMinSize, IsArray, IsBoolean, IsIn, IsInt, IsOptional, IsString, Length, Max, Min, ValidateNested,
} from 'class-validator';
import { PageQueryDto } from '../../common/pagination';
import { IsTimestamp } from '../../common/validators';
import { RULE_NAMES } from '../../audit';
import {
  ACQUISITION_FINDINGS, DECISIONS, EXCEPTION_CODES, INCIDENT_STATUSES, MITIGATION_EXTENTS, NOTIFICATION_TARGETS, REIDENTIFICATION,
} from '../breach-rules';

const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);
const SOURCES = ['break-glass-review', 'anomaly-finding'] as const;

export class OpenIncidentDto {
  @ApiProperty({ enum: SOURCES, description: 'A break-the-glass grant reviewed as a violation, or an anomaly finding judged inappropriate' })
  @IsIn(SOURCES, { message: `source must be one of ${SOURCES.join(', ')}` })
  source: (typeof SOURCES)[number];

  @ApiPropertyOptional({ description: 'break-glass-review: the grant' })
  @IsOptional() @IsInt() @Min(1) @Max(2147483647)
  grantId?: number;

  @ApiPropertyOptional({ enum: RULE_NAMES, description: 'anomaly-finding: the rule of GET /audit/anomalies that fired' })
  @IsOptional()
  @IsIn(RULE_NAMES, { message: `rule must be one of ${RULE_NAMES.join(', ')}` })
  rule?: (typeof RULE_NAMES)[number];

  @ApiPropertyOptional({ description: 'anomaly-finding: the patient of the finding' })
  @IsOptional() @IsInt() @Min(1) @Max(2147483647)
  patientId?: number;

  @ApiPropertyOptional({ description: 'anomaly-finding: the workforce member of the finding (its actor)' })
  @IsOptional() @IsInt() @Min(1) @Max(2147483647)
  subjectUserId?: number;

  @ApiPropertyOptional({ type: [Number], description: 'anomaly-finding: the audit sequence numbers of the finding (its evidence); break-glass-review: optional, the accesses under the grant by default' })
  @IsOptional() @IsArray() @ArrayMinSize(1) @ArrayMaxSize(500) @IsInt({ each: true }) @Min(1, { each: true }) @Max(2147483647, { each: true })
  evidence?: number[];

  @ApiProperty({ description: 'What happened, in the privacy officer\'s words', minLength: 10, maxLength: 2000 })
  @Transform(trim) @IsString() @Length(10, 2000)
  summary: string;

  @ApiPropertyOptional({ description: 'The discovery (164.404(a)(2)): first known, or when it should reasonably have been known. Default: the review (break-glass) or now (anomaly)' })
  @IsOptional() @IsTimestamp()
  discoveredAt?: string;
}

export class NatureAndExtentDto {
  @ApiProperty({ type: [String], example: ['name', 'medical-record-number', 'diagnoses', 'medications'], description: 'The types of identifiers and clinical information involved' })
  @IsArray() @ArrayMinSize(1) @ArrayMaxSize(30) @IsString({ each: true }) @Length(1, 60, { each: true })
  identifiers: string[];

  @ApiProperty({ enum: REIDENTIFICATION }) @IsIn(REIDENTIFICATION, { message: `reidentificationLikelihood must be one of ${REIDENTIFICATION.join(', ')}` })
  reidentificationLikelihood: (typeof REIDENTIFICATION)[number];

  @ApiProperty() @Transform(trim) @IsString() @Length(1, 2000) description: string;
}

export class UnauthorizedPersonDto {
  @ApiProperty({ example: 'nurse.patel, a nurse of this hospital, outside the care team' }) @Transform(trim) @IsString() @Length(1, 2000) description: string;
  @ApiProperty({ description: 'A member of the workforce' }) @IsBoolean() workforceMember: boolean;
  @ApiProperty({ description: 'Obligated to protect the privacy and security of the information (another covered entity, a workforce member)' }) @IsBoolean() obligatedToProtect: boolean;
}

export class AcquiredOrViewedDto {
  @ApiProperty({ enum: ACQUISITION_FINDINGS }) @IsIn(ACQUISITION_FINDINGS, { message: `finding must be one of ${ACQUISITION_FINDINGS.join(', ')}` })
  finding: (typeof ACQUISITION_FINDINGS)[number];
  @ApiProperty({ example: 'The audit rows show the full chart was opened (read of the record view).' }) @Transform(trim) @IsString() @Length(1, 2000) evidence: string;
}

export class MitigationDto {
  @ApiProperty({ enum: MITIGATION_EXTENTS }) @IsIn(MITIGATION_EXTENTS, { message: `extent must be one of ${MITIGATION_EXTENTS.join(', ')}` })
  extent: (typeof MITIGATION_EXTENTS)[number];
  @ApiProperty({ example: 'Access revoked; written attestation that nothing was copied or shared.' }) @Transform(trim) @IsString() @Length(1, 2000) description: string;
}

/** The four-factor risk assessment of 45 CFR 164.402(2), the exception if one applies, and the number of people. */
export class AssessmentDto {
  @ApiProperty({ type: NatureAndExtentDto, description: '164.402(2)(i)' }) @ValidateNested() @Type(() => NatureAndExtentDto) natureAndExtent: NatureAndExtentDto;
  @ApiProperty({ type: UnauthorizedPersonDto, description: '164.402(2)(ii)' }) @ValidateNested() @Type(() => UnauthorizedPersonDto) unauthorizedPerson: UnauthorizedPersonDto;
  @ApiProperty({ type: AcquiredOrViewedDto, description: '164.402(2)(iii)' }) @ValidateNested() @Type(() => AcquiredOrViewedDto) acquiredOrViewed: AcquiredOrViewedDto;
  @ApiProperty({ type: MitigationDto, description: '164.402(2)(iv)' }) @ValidateNested() @Type(() => MitigationDto) mitigation: MitigationDto;

  @ApiPropertyOptional({ enum: EXCEPTION_CODES, description: 'An exception of 164.402(1), if one applies' })
  @IsOptional() @IsIn(EXCEPTION_CODES, { message: `exception must be one of ${EXCEPTION_CODES.join(', ')}` })
  exception?: (typeof EXCEPTION_CODES)[number];

  @ApiPropertyOptional({ description: 'Why the exception applies (required with exception)' })
  @IsOptional() @Transform(trim) @IsString() @Length(1, 2000)
  exceptionRationale?: string;

  @ApiProperty({ description: 'Individuals whose PHI is involved' }) @IsInt() @Min(1) @Max(100000000) individualsAffected: number;

  @ApiPropertyOptional({ description: 'Of them, the most residents of any one State or jurisdiction (164.406); default individualsAffected' })
  @IsOptional() @IsInt() @Min(1) @Max(100000000)
  residentsOfOneState?: number;

  @ApiProperty({ description: 'The version you read' }) @IsInt() @Min(1) @Max(2147483647) version: number;
}

export class IncidentDecisionDto {
  @ApiProperty({ enum: DECISIONS }) @IsIn(DECISIONS, { message: `decision must be one of ${DECISIONS.join(', ')}` }) decision: (typeof DECISIONS)[number];
  @ApiProperty({ description: 'The documented reasons (164.414(b): the entity bears the burden of proof)', minLength: 10 }) @Transform(trim) @IsString() @Length(10, 4000) rationale: string;
  @ApiProperty() @IsInt() @Min(1) @Max(2147483647) version: number;
}

export class IncidentNotificationDto {
  @ApiProperty({ enum: NOTIFICATION_TARGETS }) @IsIn(NOTIFICATION_TARGETS, { message: `target must be one of ${NOTIFICATION_TARGETS.join(', ')}` }) target: (typeof NOTIFICATION_TARGETS)[number];
  @ApiProperty({ example: 'first-class mail' }) @Transform(trim) @IsString() @Length(1, 100) channel: string;
  @ApiProperty({ example: '2026-06-20T10:00:00.000Z' }) @IsTimestamp() sentAt: string;
}

export class IncidentQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ enum: INCIDENT_STATUSES }) @IsOptional() @IsIn(INCIDENT_STATUSES, { message: `status must be one of ${INCIDENT_STATUSES.join(', ')}` })
  status?: (typeof INCIDENT_STATUSES)[number];
}
