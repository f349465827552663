import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { MINOR_CONSENT_BASES, MinorConsentBasis } from '../../access/representation';
import { IsBoolean, IsIn, IsInt, IsNumber, IsOptional, IsString, Length, Matches, Max, MaxLength, Min, ValidateIf } from 'class-validator';
import { IsTimestamp } from '../../common/validators';
import { ENCOUNTER_CLASSES } from '../encounter-class';

export { ENCOUNTER_CLASSES };

export const DISPOSITIONS = ['home', 'home-health', 'transfer-acute', 'skilled-nursing', 'ama', 'expired', 'other'] as const;
export const SENSITIVITY_CATEGORIES = ['substance-use', 'behavioral-health', 'hiv', 'reproductive', 'genetic'] as const;
export const NOTE_TYPES = ['progress', 'history-physical', 'discharge-summary', 'nursing', 'consult', 'psychotherapy'] as const;
export const CODE_SYSTEMS = ['CPT', 'ICD-10-PCS', 'HCPCS', 'SNOMED-CT'] as const;
const ICD10_CM = /^[A-TV-Z][0-9][0-9AB](\.[0-9A-TV-Z]{1,4})?$/;
const PROCEDURE_CODE = /^[A-Z0-9.]{3,10}$/;
const LOINC = /^\d{1,7}-\d$/;

/** Sensitivity of a new item: restricted items must say which category (42 CFR Part 2, HIV...). */
export class SensitivityFields {
  @ApiPropertyOptional({ enum: ['normal', 'restricted'], default: 'normal' })
  @IsOptional()
  @IsIn(['normal', 'restricted'])
  sensitivity?: 'normal' | 'restricted';

  @ApiPropertyOptional({ enum: SENSITIVITY_CATEGORIES, description: 'Required when sensitivity is restricted' })
  @ValidateIf((o: SensitivityFields) => o.sensitivity === 'restricted' || o.sensitivityCategory !== undefined)
  @IsIn(SENSITIVITY_CATEGORIES, { message: `sensitivityCategory must be one of ${SENSITIVITY_CATEGORIES.join(', ')} when sensitivity is restricted` })
  sensitivityCategory?: (typeof SENSITIVITY_CATEGORIES)[number];

  @ApiPropertyOptional({ description: 'Correct an earlier item: it is marked entered-in-error and linked to this one' })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(2147483647)
  replacesId?: number;
}

export class CreateEncounterDto {
  @ApiProperty({ enum: ENCOUNTER_CLASSES }) @IsIn(ENCOUNTER_CLASSES) class: (typeof ENCOUNTER_CLASSES)[number];
  @ApiProperty({ example: '2026-11-20T08:00:00Z' }) @IsTimestamp() admittedAt: string;
  @ApiProperty({ example: 'Internal Medicine' }) @IsString() @Length(1, 100) department: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @Length(1, 500) reason?: string;
  @ApiPropertyOptional({ description: 'Paid out of pocket in full (45 CFR 164.522(a)(1)(vi))' }) @IsOptional() @IsBoolean() selfPay?: boolean;
  @ApiPropertyOptional({ enum: MINOR_CONSENT_BASES, nullable: true, description: 'Care a minor\'s parent or guardian is not the representative for (164.502(g)(3)(i))' })
  @IsOptional() @IsIn(MINOR_CONSENT_BASES, { message: `minorConsent must be one of ${MINOR_CONSENT_BASES.join(', ')}` }) minorConsent?: MinorConsentBasis;
}

export class UpdateEncounterDto {
  @ApiPropertyOptional({ example: '2026-11-24T11:00:00Z' }) @IsOptional() @IsTimestamp() dischargedAt?: string;
  @ApiPropertyOptional({ enum: DISPOSITIONS }) @IsOptional() @IsIn(DISPOSITIONS) disposition?: (typeof DISPOSITIONS)[number];
  @ApiPropertyOptional() @IsOptional() @IsBoolean() plannedReadmission?: boolean;
  @ApiPropertyOptional() @IsOptional() @IsString() @Length(1, 100) department?: string;
  @ApiPropertyOptional({ enum: ['entered-in-error'] }) @IsOptional() @IsIn(['entered-in-error']) status?: 'entered-in-error';
  @ApiPropertyOptional({ description: 'Paid out of pocket in full (45 CFR 164.522(a)(1)(vi))' }) @IsOptional() @IsBoolean() selfPay?: boolean;
  @ApiPropertyOptional({ enum: [...MINOR_CONSENT_BASES, 'none'], description: 'Care a minor\'s parent or guardian is not the representative for (164.502(g)(3)(i)); none clears it' })
  @IsOptional() @IsIn([...MINOR_CONSENT_BASES, 'none'], { message: `minorConsent must be one of ${MINOR_CONSENT_BASES.join(', ')}, none` }) minorConsent?: MinorConsentBasis | 'none';
  @ApiProperty({ description: 'The version you read (optimistic locking)' }) @IsInt() @Min(1) @Max(2147483647) version: number;
}

export class CreateDiagnosisDto extends SensitivityFields {
  @ApiProperty({ example: 'I50.9', description: 'ICD-10-CM code', pattern: ICD10_CM.source })
  @Matches(ICD10_CM, { message: 'code must be an ICD-10-CM code such as I50.9' })
  code: string;
  @ApiProperty({ example: 'Heart failure, unspecified' }) @IsString() @Length(1, 300) description: string;
  @ApiPropertyOptional({ default: false }) @IsOptional() @IsBoolean() primary?: boolean;
}

export class CreateProcedureDto extends SensitivityFields {
  @ApiProperty({ enum: CODE_SYSTEMS }) @IsIn(CODE_SYSTEMS) codeSystem: (typeof CODE_SYSTEMS)[number];
  @ApiProperty({ example: '93306', pattern: PROCEDURE_CODE.source }) @Matches(PROCEDURE_CODE, { message: 'code must be 3-10 upper-case letters or digits' }) code: string;
  @ApiProperty() @IsString() @Length(1, 300) description: string;
  @ApiProperty({ example: '2026-11-21T09:30:00Z' }) @IsTimestamp() performedAt: string;
}

export class CreateObservationDto extends SensitivityFields {
  @ApiProperty({ example: '8867-4', description: 'LOINC code', pattern: LOINC.source }) @Matches(LOINC, { message: 'loincCode must be a LOINC code such as 8867-4' }) loincCode: string;
  @ApiProperty({ example: 'Heart rate' }) @IsString() @Length(1, 200) display: string;
  @ApiPropertyOptional({ example: 72 }) @ValidateIf((o: CreateObservationDto) => o.valueText === undefined) @Type(() => Number) @IsNumber({ allowNaN: false, allowInfinity: false }) @Min(-1e9) @Max(1e9) value?: number;
  @ApiPropertyOptional({ example: 'positive' }) @IsOptional() @IsString() @Length(1, 500) valueText?: string;
  @ApiPropertyOptional({ example: '/min' }) @IsOptional() @IsString() @Length(1, 40) unit?: string;
  @ApiProperty({ example: '2026-11-21T09:30:00Z' }) @IsTimestamp() observedAt: string;
}

export class CreateNoteDto extends SensitivityFields {
  @ApiProperty({ enum: NOTE_TYPES }) @IsIn(NOTE_TYPES) noteType: (typeof NOTE_TYPES)[number];
  @ApiProperty() @IsString() @Length(1, 50_000) @MaxLength(50_000) text: string;
  @ApiPropertyOptional({ default: false, description: 'Sign the note as its author now; otherwise it stays unsigned (sign it later: POST /notes/:id/sign)' })
  @IsOptional() @IsBoolean() sign?: boolean;
}

export class SignNoteDto {
  @ApiProperty({ description: 'The version you read' }) @IsInt() @Min(1) @Max(2147483647) version: number;
}

export class EnteredInErrorDto {
  @ApiProperty({ description: 'The version you read' }) @IsInt() @Min(1) @Max(2147483647) version: number;
  @ApiProperty({ example: 'Charted on the wrong patient' }) @IsString() @Length(5, 500) reason: string;
}

export class CareTeamMemberDto {
  @ApiProperty() @IsInt() @Min(1) @Max(2147483647) userId: number;
  @ApiPropertyOptional({ example: 'attending' }) @IsOptional() @IsString() @Length(1, 40) teamRole?: string;
}
