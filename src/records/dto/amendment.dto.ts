import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ActingForDto, ApiActingFor } from '../../access/dto/representative.dto';
import { Transform, Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsIn, IsInt, IsObject, IsOptional, IsString, Length, Max, Min, ValidateNested } from 'class-validator';
import { PageDto, PageQueryDto, queryInt } from '../../common/pagination';
import {
  AMENDMENT_STATUSES, DECISIONS, DENIAL_GROUNDS, MAX_EXTENSION_DAYS, MAX_TEXT,
} from '../amendment-rules';
import { ITEM_TYPES } from '../clinical-items';
import { CLINICAL_ITEM_SCHEMA, WithheldDto } from './record.dto';

const notBlank = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);

/** A person the individual names to be told of an accepted amendment (164.526(c)(2)(i), (c)(3)(i)). */
export class NotifyPersonDto {
  @ApiProperty({ example: 'Dr. Alice Moreno, Lakeside Cardiology' })
  @Transform(notBlank)
  @IsString()
  @Length(1, 200)
  name: string;

  @ApiProperty({ example: '12 Lake St, Springfield' })
  @Transform(notBlank)
  @IsString()
  @Length(1, 500)
  address: string;
}

export class CreateAmendmentDto {
  @ApiProperty({ enum: ITEM_TYPES, description: 'Which kind of item the amendment is about' })
  @IsIn(ITEM_TYPES, { message: `itemType must be one of ${ITEM_TYPES.join(', ')}` })
  itemType: (typeof ITEM_TYPES)[number];

  @ApiProperty({ description: 'The id of an item of this patient\'s record' })
  @IsInt()
  @Min(1)
  @Max(2147483647)
  itemId: number;

  @ApiProperty({ example: 'The allergy listed is to penicillin, not to amoxicillin-clavulanate alone.', minLength: 1, maxLength: MAX_TEXT })
  @Transform(notBlank)
  @IsString()
  @Length(1, MAX_TEXT)
  requestedChange: string;

  @ApiProperty({ example: 'My allergist\'s letter of 2025-03-02 documents the penicillin allergy.', minLength: 1, maxLength: MAX_TEXT })
  @Transform(notBlank)
  @IsString()
  @Length(1, MAX_TEXT)
  justification: string;

  @ApiPropertyOptional({ type: [NotifyPersonDto], description: 'Persons the individual identifies as needing the amendment, and agrees to have told if it is accepted (164.526(c)(2)(i))' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(10)
  @ValidateNested({ each: true })
  @Type(() => NotifyPersonDto)
  notifyPersons?: NotifyPersonDto[];
}

export class RouteAmendmentDto {
  @ApiProperty({ description: 'The clinician who decides: the author of the item or one responsible for it (GET /amendments/:id lists them in eligibleDeciders)' })
  @IsInt()
  @Min(1)
  @Max(2147483647)
  deciderUserId: number;

  @ApiProperty({ description: 'The version you read (optimistic locking)' })
  @IsInt()
  @Min(1)
  @Max(2147483647)
  version: number;
}

export class RebuttalDto {
  @ApiProperty({ description: 'The covered entity\'s written rebuttal of the statement of disagreement; a copy goes to the individual (164.526(d)(3))', minLength: 1, maxLength: MAX_TEXT })
  @Transform(notBlank)
  @IsString()
  @Length(1, MAX_TEXT)
  statement: string;
}

export class AmendmentDecisionDto {
  @ApiProperty({ enum: DECISIONS, description: 'accept (amend the item), deny (one of the four grounds) or extend (once, up to 30 days, before the due date)' })
  @IsIn(DECISIONS, { message: `decision must be one of ${DECISIONS.join(', ')}` })
  decision: (typeof DECISIONS)[number];

  @ApiPropertyOptional({ description: 'Required to deny (the basis) and to extend (the reasons for the delay)', minLength: 1, maxLength: 2000 })
  @IsOptional()
  @Transform(notBlank)
  @IsString()
  @Length(1, 2000)
  reason?: string;

  @ApiPropertyOptional({ enum: DENIAL_GROUNDS, description: 'Required to deny: 45 CFR 164.526(a)(2)' })
  @IsOptional()
  @IsIn(DENIAL_GROUNDS, { message: `denialGround must be one of ${DENIAL_GROUNDS.join(', ')}` })
  denialGround?: (typeof DENIAL_GROUNDS)[number];

  @ApiPropertyOptional({ minimum: 1, maximum: MAX_EXTENSION_DAYS, description: 'Required to extend: 45 CFR 164.526(b)(2)(ii)' })
  @IsOptional()
  @IsInt({ message: 'extensionDays must be an integer' })
  @Min(1, { message: `extensionDays must be from 1 to ${MAX_EXTENSION_DAYS}` })
  @Max(MAX_EXTENSION_DAYS, { message: `extensionDays must be from 1 to ${MAX_EXTENSION_DAYS}` })
  extensionDays?: number;

  @ApiPropertyOptional({
    // The keys correctionProblems (amendment-routing.ts) accepts, per item type; any other key is a 400.
    type: 'object', additionalProperties: false, minProperties: 1, maxProperties: 2,
    properties: {
      code: { type: 'string', maxLength: MAX_TEXT }, description: { type: 'string', maxLength: MAX_TEXT }, unit: { type: 'string', maxLength: MAX_TEXT },
      text: { type: 'string', maxLength: MAX_TEXT }, value: { oneOf: [{ type: 'number' }, { type: 'string', maxLength: MAX_TEXT }] },
    },
    example: { code: 'I48.19', description: 'Other persistent atrial fibrillation' },
    description: 'Required to accept: the corrected fields (diagnoses and procedures: code, description; observations: value, unit; notes: text). The item gets a new version; the old one is kept (164.526(c)(1))',
  })
  @IsOptional()
  @IsObject({ message: 'correction must be an object' })
  correction?: Record<string, string | number>;

  @ApiProperty({ description: 'The version you read (optimistic locking)' })
  @IsInt()
  @Min(1)
  @Max(2147483647)
  version: number;
}

export class DisagreementDto {
  @ApiProperty({ description: 'The individual\'s statement disagreeing with the denial and its basis (164.526(d)(1)(ii))', minLength: 1, maxLength: MAX_TEXT })
  @Transform(notBlank)
  @IsString()
  @Length(1, MAX_TEXT)
  statement: string;
}

export const AMENDMENT_STATUS_FILTERS = [...AMENDMENT_STATUSES, 'open'] as const;

export class AmendmentQueueQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ enum: AMENDMENT_STATUS_FILTERS, description: '`open` = received or extended' })
  @IsOptional()
  @IsIn(AMENDMENT_STATUS_FILTERS, { message: `status must be one of ${AMENDMENT_STATUS_FILTERS.join(', ')}` })
  status?: (typeof AMENDMENT_STATUS_FILTERS)[number];

  @ApiPropertyOptional({ enum: ['true', 'false'], description: 'true: open and past the due date; false: everything else' })
  @IsOptional()
  @IsIn(['true', 'false'], { message: 'overdue must be true or false' })
  overdue?: 'true' | 'false';
}

export class PatientAmendmentsQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ enum: ITEM_TYPES, description: 'Only amendments of this item type' })
  @IsOptional()
  @IsIn(ITEM_TYPES, { message: `itemType must be one of ${ITEM_TYPES.join(', ')}` })
  itemType?: (typeof ITEM_TYPES)[number];

  @ApiPropertyOptional({ description: 'Only amendments of this item (with itemType)' })
  @IsOptional()
  @Transform(queryInt)
  @IsInt({ message: 'itemId must be an integer' })
  @Min(1)
  @Max(2147483647)
  itemId?: number;
}

export class DenialNoticeDto {
  @ApiProperty() basis: string;
  @ApiProperty() disagreement: string;
  @ApiProperty() ifNoDisagreement: string;
  @ApiProperty() complaint: string;
}

export class DeciderDto {
  @ApiProperty() userId: number;
  @ApiProperty({ enum: ['author', 'recorded-by', 'encounter-attending', 'care-team-attending'] }) basis: string;
  @ApiProperty() routedAt: string;
}

export class RebuttalViewDto {
  @ApiProperty() statement: string;
  @ApiProperty() at: string;
  @ApiProperty({ description: 'When the copy went to the individual (164.526(d)(3))' }) copySentToIndividualAt: string;
}

export class AmendmentNotificationDto {
  @ApiProperty() id: number;
  @ApiProperty({ enum: ['individual', 'named-by-individual', 'prior-recipient'] }) recipientKind: string;
  @ApiProperty() recipient: NotifyPersonDto;
  @ApiProperty({ nullable: true, type: Number, description: 'The earlier disclosure that carried the item (prior recipients)' }) disclosureId: number | null;
  @ApiProperty({ example: 'mail' }) channel: string;
  @ApiProperty() notifiedAt: string;
}

export class AmendmentDto {
  @ApiProperty() id: number;
  @ApiProperty() patientId: number;
  @ApiProperty() requestedBy: number;
  @ApiProperty({ enum: ITEM_TYPES }) itemType: string;
  @ApiProperty() itemId: number;
  @ApiProperty() requestedChange: string;
  @ApiProperty() justification: string;
  @ApiProperty({ enum: AMENDMENT_STATUSES }) status: string;
  @ApiProperty({ example: '2026-11-29T14:00:00.000Z' }) receivedAt: string;
  @ApiProperty({ description: 'receivedAt + 60 days, + the extension if one was given' }) dueAt: string;
  @ApiProperty({ nullable: true, type: Number, description: 'Whole days until dueAt (negative when overdue); null once decided' }) daysLeft: number | null;
  @ApiProperty() overdue: boolean;
  @ApiProperty({ description: 'Days of the one extension (0 when none)' }) extensionDays: number;
  @ApiProperty({ nullable: true, type: String }) extensionReason: string | null;
  @ApiProperty({ nullable: true, type: String }) decidedAt: string | null;
  @ApiProperty({ nullable: true, type: Number }) decidedBy: number | null;
  @ApiProperty({ nullable: true, enum: DENIAL_GROUNDS }) denialGround: string | null;
  @ApiProperty({ nullable: true, type: String }) decisionReason: string | null;
  @ApiProperty({ nullable: true, type: DenialNoticeDto }) denialNotice: DenialNoticeDto | null;
  @ApiProperty({ nullable: true, type: String }) disagreementStatement: string | null;
  @ApiProperty({ nullable: true, type: Number, description: 'The corrected item: the new version, linked to this amendment; itemId is the old version, kept as history (164.526(c)(1))' }) appliedItemId: number | null;
  @ApiProperty({ nullable: true, type: DeciderDto, description: 'The clinician HIM routed the request to (author or responsible clinician), who decides' }) decider: DeciderDto | null;
  @ApiProperty({ type: [NotifyPersonDto] }) notifyPersons: NotifyPersonDto[];
  @ApiProperty({ nullable: true, type: 'object', additionalProperties: true, description: 'What the accepted amendment corrected' }) correction: Record<string, unknown> | null;
  @ApiProperty({ description: 'Without a disagreement statement: the individual asked that the request and denial accompany future disclosures (164.526(d)(1)(iii), (d)(5)(ii))' }) includeWithDisclosures: boolean;
  @ApiProperty({ nullable: true, type: RebuttalViewDto }) rebuttal: RebuttalViewDto | null;
  @ApiPropertyOptional({ type: [AmendmentNotificationDto], description: 'Who was told of the accepted amendment (164.526(c)(2), (c)(3)); on the detail and the decision' }) notifications?: AmendmentNotificationDto[];
  @ApiProperty() version: number;
  @ApiActingFor() actingFor?: ActingForDto;
}

/** The written notice of an extension (164.526(b)(2)(ii)): the reasons for the delay and the date action will be completed. */
export class ExtensionNoticeDto {
  @ApiProperty() reason: string;
  @ApiProperty({ description: 'The new due date' }) completeBy: string;
  @ApiProperty({ example: '45 CFR 164.526(b)(2)(ii)' }) citation: string;
}

/** POST /amendments/:id/decision: the request after the decision; an extension also carries its written notice. */
export class AmendmentDecisionResultDto extends AmendmentDto {
  @ApiPropertyOptional({ type: ExtensionNoticeDto, description: 'Present when the decision was extend' }) extensionNotice?: ExtensionNoticeDto;
}

export class EligibleDeciderDto {
  @ApiProperty() userId: number;
  @ApiProperty({ enum: ['author', 'recorded-by', 'encounter-attending', 'care-team-attending'] }) basis: string;
  @ApiProperty() username: string;
  @ApiProperty() displayName: string;
}

/** GET /amendments/:id: the request with the item it is about, as far as the caller's view shows it. */
export class AmendmentDetailDto extends AmendmentDto {
  @ApiProperty({ ...CLINICAL_ITEM_SCHEMA, nullable: true, description: 'The item (its type\'s shape); null when it is gone or withheld from the caller\'s view' })
  item: Record<string, unknown> | null;

  @ApiProperty({ nullable: true, type: String, description: 'Why the item is withheld from the caller, if it is' }) itemWithheld: string | null;
  @ApiPropertyOptional({ type: [EligibleDeciderDto], description: 'For HIM: the clinicians the request may be routed to (author, recorded-by, encounter attending, care-team attending)' }) eligibleDeciders?: EligibleDeciderDto[];
}

/** GET /patients/:id/amendments: the amendments whose item the caller's view shows; the others are only counted. */
export class PatientAmendmentsPageDto extends PageDto(AmendmentDto) {
  @ApiProperty({ type: [WithheldDto], description: 'The rules that may leave amendments out (their item is not in the caller\'s view); never a count' }) withheld: WithheldDto[];
}
