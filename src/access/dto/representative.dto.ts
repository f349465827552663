import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { ArrayMinSize, ArrayUnique, IsArray, IsIn, IsInt, IsOptional, IsString, Length, Matches, Max, Min } from 'class-validator';
import { IsCalendarDate } from '../../common/validators';
import { RELATIONSHIPS, Relationship, Right, RIGHTS } from '../representation';
import { RESTRICTION_PURPOSES, RESTRICTION_RECIPIENTS, RestrictionPurpose, RestrictionRecipient } from '../restriction-rule';

const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);

export class CreateRepresentativeDto {
  @ApiProperty({ example: 'parent.alvarez', description: 'An account with role representative (created by an administrator)' })
  @Transform(trim) @IsString() @Length(1, 100) @Matches(/^[A-Za-z0-9._-]+$/, { message: 'username must be a username (letters, digits, . _ -)' })
  username: string;

  @ApiProperty({ enum: RELATIONSHIPS, description: 'parent / guardian-of-minor (164.502(g)(3)), legal-guardian / healthcare-poa of an adult ((g)(2)), executor / administrator of a deceased individual\'s estate ((g)(4))' })
  @IsIn(RELATIONSHIPS, { message: `relationship must be one of ${RELATIONSHIPS.join(', ')}` })
  relationship: Relationship;

  @ApiPropertyOptional({ enum: RIGHTS, isArray: true, description: 'The individual\'s rights the document covers (default: all)' })
  @IsOptional() @IsArray() @ArrayMinSize(1) @ArrayUnique()
  @IsIn(RIGHTS, { each: true, message: `rights must each be one of ${RIGHTS.join(', ')}` })
  rights?: Right[];

  @ApiProperty({ example: 'birth certificate', description: 'The document on file: birth certificate, court order, power of attorney, letters testamentary...' })
  @Transform(trim) @IsString() @Length(3, 200)
  documentType: string;

  @ApiProperty({ example: 'HIM scan 2026-0142', description: 'Where the document is kept (scan id, file number)' })
  @Transform(trim) @IsString() @Length(1, 200)
  documentReference: string;

  @IsCalendarDate()
  validFrom: string;

  @ApiPropertyOptional({ format: 'date', nullable: true })
  @IsOptional() @IsCalendarDate()
  validTo?: string;
}

export class DeclineRepresentativeDto {
  @ApiProperty({ description: 'Why the covered entity declines (164.502(g)(5): a reasonable belief of abuse, neglect or endangerment, and professional judgment)', minLength: 10 })
  @Transform(trim) @IsString() @Length(10, 2000, { message: 'reason must be between 10 and 2000 characters' })
  reason: string;

  @ApiProperty({ description: 'The version you read (optimistic locking)' })
  @IsInt() @Min(1) @Max(2147483647)
  version: number;
}

export class RepresentativeDto {
  @ApiProperty() id: number;
  @ApiProperty() patientId: number;
  @ApiProperty() userId: number;
  @ApiProperty() username: string;
  @ApiProperty() displayName: string;
  @ApiProperty({ enum: RELATIONSHIPS }) relationship: Relationship;
  @ApiProperty() authority: string;
  @ApiProperty() citation: string;
  @ApiProperty({ enum: RIGHTS, isArray: true }) rights: Right[];
  @ApiProperty() documentType: string;
  @ApiProperty() documentReference: string;
  @ApiProperty({ format: 'date' }) validFrom: string;
  @ApiProperty({ format: 'date', nullable: true, type: String }) validTo: string | null;
  @ApiProperty({ nullable: true, type: Object, description: 'The 164.502(g)(5) decline: when, by whom, why' })
  declined: { at: string; by: number | null; reason: string | null } | null;
  @ApiProperty({ description: 'Whether the representation is in force now' }) inForce: boolean;
  @ApiProperty({ nullable: true, type: String, description: 'Why it is not in force now' }) problem: string | null;
  @ApiProperty() version: number;
}

export class RepresentativeListDto {
  @ApiProperty({ type: [RepresentativeDto], description: 'Latest validFrom first' }) items: RepresentativeDto[];
}

/** On whose behalf an answer was given (45 CFR 164.502(g)): every answer to a personal representative carries it. */
export class ActingForDto {
  @ApiProperty({ description: 'The represented patient' }) patientId: number;
  @ApiProperty() representationId: number;
  @ApiProperty({ enum: RELATIONSHIPS }) relationship: Relationship;
  @ApiProperty({ example: 'parent of an unemancipated minor' }) authority: string;
  @ApiProperty({ enum: RIGHTS, isArray: true }) rights: Right[];
  @ApiProperty({ example: '45 CFR 164.502(g)(3)' }) citation: string;
}

/** The optional `actingFor` of an answer that a personal representative may receive (one description for all). */
export const ApiActingFor = (): PropertyDecorator =>
  ApiPropertyOptional({ type: ActingForDto, description: 'Only in an answer to a personal representative: on whose behalf (45 CFR 164.502(g))' });

/** GET /me/represented: one patient this account represents. */
export class RepresentedPatientDto {
  @ApiProperty() patientId: number;
  @ApiProperty({ type: String, nullable: true }) patientName: string | null;
  @ApiProperty() representationId: number;
  @ApiProperty({ enum: RELATIONSHIPS }) relationship: Relationship;
  @ApiProperty() authority: string;
  @ApiProperty() citation: string;
  @ApiProperty({ enum: RIGHTS, isArray: true }) rights: Right[];
  @ApiProperty({ format: 'date' }) validFrom: string;
  @ApiProperty({ format: 'date', nullable: true, type: String }) validTo: string | null;
  @ApiProperty({ description: 'Whether the representation is in force now' }) inForce: boolean;
  @ApiProperty({ nullable: true, type: String, description: 'Why it is not in force now' }) problem: string | null;
}

export class RepresentedPatientListDto {
  @ApiProperty({ type: [RepresentedPatientDto] }) items: RepresentedPatientDto[];
}

export class CreateRestrictionDto {
  @ApiProperty({ enum: RESTRICTION_PURPOSES, isArray: true, description: 'The uses and disclosures to restrict' })
  @IsArray() @ArrayMinSize(1) @ArrayUnique()
  @IsIn(RESTRICTION_PURPOSES, { each: true, message: `purposes must each be one of ${RESTRICTION_PURPOSES.join(', ')}` })
  purposes: RestrictionPurpose[];

  @ApiProperty({ enum: RESTRICTION_RECIPIENTS, description: 'health-plan: disclosures to a health plan; any: every recipient' })
  @IsIn(RESTRICTION_RECIPIENTS, { message: `recipient must be one of ${RESTRICTION_RECIPIENTS.join(', ')}` })
  recipient: RestrictionRecipient;

  @ApiPropertyOptional({ description: 'The encounter whose items it covers (omit: the whole record)' })
  @IsOptional() @IsInt({ message: 'encounterId must be a positive integer' }) @Min(1, { message: 'encounterId must be a positive integer' }) @Max(2147483647)
  encounterId?: number;

  @ApiProperty({ example: 'Do not send my 2026 counselling visit to my insurer; I paid for it myself' })
  @Transform(trim) @IsString() @Length(5, 2000)
  description: string;
}

export class RestrictionDecisionDto {
  @ApiProperty({ enum: ['agree', 'refuse'] })
  @IsIn(['agree', 'refuse'], { message: 'decision must be agree or refuse' })
  decision: 'agree' | 'refuse';

  @ApiProperty({ minLength: 5 })
  @Transform(trim) @IsString() @Length(5, 2000)
  reason: string;

  @ApiProperty({ description: 'The version you read (optimistic locking)' })
  @IsInt() @Min(1) @Max(2147483647)
  version: number;
}

export class RestrictionTerminationDto {
  @ApiProperty({ minLength: 5, description: 'The individual\'s written request, or the notice the covered entity gave the individual' })
  @Transform(trim) @IsString() @Length(5, 2000)
  reason: string;

  @ApiProperty({ description: 'The version you read (optimistic locking)' })
  @IsInt() @Min(1) @Max(2147483647)
  version: number;
}

export class RestrictionQueueQueryDto {
  @ApiPropertyOptional({ enum: ['requested', 'agreed', 'refused', 'terminated'] })
  @IsOptional() @IsIn(['requested', 'agreed', 'refused', 'terminated'], { message: 'status must be one of requested, agreed, refused, terminated' })
  status?: 'requested' | 'agreed' | 'refused' | 'terminated';
}

export class RestrictionDto {
  @ApiProperty() id: number;
  @ApiProperty() patientId: number;
  @ApiProperty() requestedBy: number;
  @ApiProperty() requestedAt: string;
  @ApiProperty({ enum: RESTRICTION_PURPOSES, isArray: true }) purposes: RestrictionPurpose[];
  @ApiProperty({ enum: RESTRICTION_RECIPIENTS }) recipient: RestrictionRecipient;
  @ApiProperty({ nullable: true, type: Number }) encounterId: number | null;
  @ApiProperty() description: string;
  @ApiProperty({ description: 'The restriction of 164.522(a)(1)(vi) the covered entity must agree to' }) required: boolean;
  @ApiProperty({ enum: ['requested', 'agreed', 'refused', 'terminated'] }) status: string;
  @ApiProperty() rule: string;
  @ApiProperty({ nullable: true, type: Object }) decision: { by: number | null; at: string; reason: string | null } | null;
  @ApiProperty({ nullable: true, type: Object }) termination: { by: number; at: string; byIndividual: boolean; reason: string | null; effect: string } | null;
  @ApiProperty() version: number;
}

/** POST /patients/:id/restrictions: the restriction filed, and on whose behalf when a representative filed it. */
export class FiledRestrictionDto extends RestrictionDto {
  @ApiProperty({ type: ActingForDto, nullable: true, description: 'Set when a personal representative filed it (164.502(g))' }) actingFor: ActingForDto | null;
}

export class RestrictionQueueDto {
  @ApiProperty({ type: [RestrictionDto], description: 'Oldest first, at most 200' }) items: RestrictionDto[];
}

export class PatientRestrictionsDto {
  @ApiProperty({ type: [RestrictionDto], description: 'Latest request first' }) items: RestrictionDto[];
  @ApiProperty({ type: ActingForDto, nullable: true, description: 'Set when a personal representative asked' }) actingFor: ActingForDto | null;
}
