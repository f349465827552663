import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import {
  ArrayMaxSize, ArrayMinSize, ArrayUnique, IsArray, IsBoolean, IsIn, IsInt, IsOptional, IsString, Length, Max, Min, ValidateNested,
} from 'class-validator';
import { PageQueryDto, queryInt } from '../../common/pagination';
import { IsCalendarDate } from '../../common/validators';
import { NAMEABLE_CATEGORIES } from '../authorization';
import { ALL_DENIAL_CODES } from '../denial-grounds';
import { DeniedItemDto } from './denial.dto';
import { LEGAL_BASIS_CODES, REQUESTER_TYPES } from '../disclosure-basis';
import { MAX_EXTENSION_DAYS } from '../roi-deadlines';
import { RECORD_TYPES } from '../roi-scope';
import { ROI_ACTIONS, ROI_STATUSES } from '../roi-state-machine';
import { ReleaseBasisFieldsDto } from './release-basis.dto';

const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);
const MAX_ID = 2147483647;

export class AuthorizationStatementsDto {
  @ApiPropertyOptional({ description: '164.508(c)(2)(i): the right to revoke in writing, and how' })
  @IsOptional() @IsBoolean() rightToRevoke?: boolean;

  @ApiPropertyOptional({ description: '164.508(c)(2)(ii): whether treatment, payment, enrollment or eligibility may be conditioned on signing' })
  @IsOptional() @IsBoolean() conditioning?: boolean;

  @ApiPropertyOptional({ description: '164.508(c)(2)(iii): the information may be redisclosed by the recipient and no longer protected' })
  @IsOptional() @IsBoolean() redisclosure?: boolean;
}

export class Part2ConsentDto {
  @ApiPropertyOptional({ description: '42 CFR 2.31(a)(1): the patient\'s name' }) @IsOptional() @IsString() @Length(0, 200) patientName?: string;
  @ApiPropertyOptional({ description: '2.31(a)(2): who may disclose' }) @IsOptional() @IsString() @Length(0, 300) discloser?: string;
  @ApiPropertyOptional({ description: '2.31(a)(3): how much and what kind of substance use disorder information' }) @IsOptional() @IsString() @Length(0, 1000) information?: string;
  @ApiPropertyOptional({ description: '2.31(a)(4): the recipient' }) @IsOptional() @IsString() @Length(0, 300) recipient?: string;
  @ApiPropertyOptional({ description: '2.31(a)(5): the purpose' }) @IsOptional() @IsString() @Length(0, 500) purpose?: string;
  @ApiPropertyOptional({ description: '2.31(a)(6): the statement of the right to revoke' }) @IsOptional() @IsBoolean() rightToRevoke?: boolean;
  @ApiPropertyOptional({ example: '2027-06-30', description: '2.31(a)(7): expiration date (or expirationEvent)' }) @IsOptional() @IsCalendarDate() expiresOn?: string;
  @ApiPropertyOptional({ description: '2.31(a)(7): expiration event or condition' }) @IsOptional() @IsString() @Length(0, 300) expirationEvent?: string;
  @ApiPropertyOptional({ description: '2.31(a)(8): signature' }) @IsOptional() @IsString() @Length(0, 200) signedBy?: string;
  @ApiPropertyOptional({ example: '2026-11-20', description: '2.31(a)(9): date signed' }) @IsOptional() @IsCalendarDate() signedOn?: string;
  @ApiPropertyOptional({ description: 'The date the patient revoked the consent' }) @IsOptional() @IsCalendarDate() revokedOn?: string;
}

/**
 * The authorization as the requester sent it. Every element is optional here on purpose: the request is logged
 * as received whatever its state (the deadline runs from receipt), and validate-authorization then lists every
 * missing or bad element of 164.508(c) in one answer.
 */
export class AuthorizationDto {
  @ApiPropertyOptional({ example: 'Discharge summaries and diagnoses, 2025-2026', description: '164.508(c)(1)(i): what information, specifically' })
  @IsOptional() @IsString() @Length(0, 1000) description?: string;

  @ApiPropertyOptional({ example: 'HIT Teaching Hospital', description: '164.508(c)(1)(ii): who may disclose' })
  @IsOptional() @IsString() @Length(0, 300) discloser?: string;

  @ApiPropertyOptional({ example: 'Smith & Jones LLP', description: '164.508(c)(1)(iii): to whom (must name the requester)' })
  @IsOptional() @IsString() @Length(0, 300) recipient?: string;

  @ApiPropertyOptional({ example: 'Personal injury claim', description: '164.508(c)(1)(iv): the purpose' })
  @IsOptional() @IsString() @Length(0, 500) purpose?: string;

  @ApiPropertyOptional({ example: '2027-06-30', description: '164.508(c)(1)(v): expiration date (or expirationEvent)' })
  @IsOptional() @IsCalendarDate() expiresOn?: string;

  @ApiPropertyOptional({ example: 'End of the litigation', description: '164.508(c)(1)(v): expiration event' })
  @IsOptional() @IsString() @Length(0, 300) expirationEvent?: string;

  @ApiPropertyOptional({ description: 'The expiration event is known to have occurred (164.508(b)(2)(i))' })
  @IsOptional() @IsBoolean() expirationEventOccurred?: boolean;

  @ApiPropertyOptional({ example: 'Jane Doe', description: '164.508(c)(1)(vi): signature' })
  @IsOptional() @IsString() @Length(0, 200) signedBy?: string;

  @ApiPropertyOptional({ example: '2026-11-20', description: '164.508(c)(1)(vi): date signed' })
  @IsOptional() @IsCalendarDate() signedOn?: string;

  @ApiPropertyOptional({ description: 'Signed by a personal representative (then representativeAuthority is required)' })
  @IsOptional() @IsBoolean() signedByRepresentative?: boolean;

  @ApiPropertyOptional({ description: '164.508(c)(1)(vi): the representative\'s authority to act for the individual' })
  @IsOptional() @IsString() @Length(0, 500) representativeAuthority?: string;

  @ApiPropertyOptional({ type: AuthorizationStatementsDto, description: 'The required statements of 164.508(c)(2)' })
  @IsOptional() @ValidateNested() @Type(() => AuthorizationStatementsDto) statements?: AuthorizationStatementsDto;

  @ApiPropertyOptional({
    enum: NAMEABLE_CATEGORIES, isArray: true,
    description: 'Restricted categories the authorization names explicitly; items of other restricted categories are left out. psychotherapy needs an authorization of its own (164.508(a)(2), (b)(3)(ii)); substance-use needs part2Consent (42 CFR 2.31).',
  })
  @IsOptional() @IsArray() @ArrayMaxSize(10) @IsString({ each: true }) categories?: string[];

  @ApiPropertyOptional({ enum: RECORD_TYPES, isArray: true, description: 'Record types the authorization is limited to, if it says so' })
  @IsOptional() @IsArray() @ArrayMaxSize(10) @IsIn(RECORD_TYPES, { each: true, message: `recordTypes must be among ${RECORD_TYPES.join(', ')}` }) recordTypes?: string[];

  @ApiPropertyOptional({ description: 'The date the individual revoked the authorization in writing (164.508(b)(5))' })
  @IsOptional() @IsCalendarDate() revokedOn?: string;

  @ApiPropertyOptional({ type: Part2ConsentDto, description: 'Required when categories names substance-use (42 CFR 2.31)' })
  @IsOptional() @ValidateNested() @Type(() => Part2ConsentDto) part2Consent?: Part2ConsentDto;
}

export class CreateRoiRequestDto extends ReleaseBasisFieldsDto {
  @ApiProperty({ example: 1, description: 'The patient whose records are requested (a patient: their own id)' })
  @IsInt({ message: 'patientId must be a positive integer' }) @Min(1, { message: 'patientId must be a positive integer' }) @Max(MAX_ID)
  patientId: number;

  @ApiProperty({ enum: REQUESTER_TYPES, description: 'self: the patient\'s own request (right of access, 45 CFR 164.524)' })
  @IsIn(REQUESTER_TYPES, { message: `requesterType must be one of ${REQUESTER_TYPES.join(', ')}` })
  requesterType: (typeof REQUESTER_TYPES)[number];

  @ApiPropertyOptional({ example: 'Smith & Jones LLP', description: 'Required except for self (then the patient\'s name)' })
  @IsOptional() @Transform(trim) @IsString() @Length(1, 200)
  requesterName?: string;

  @ApiPropertyOptional({ example: '100 Main St, Springfield', description: 'Where the copy goes; listed in the accounting of disclosures' })
  @IsOptional() @Transform(trim) @IsString() @Length(1, 500)
  requesterAddress?: string;

  @ApiProperty({ example: 'Personal injury claim', description: 'Purpose of the request (164.528(b)(2)(iv))' })
  @Transform(trim) @IsString() @Length(1, 500)
  purpose: string;

  @ApiPropertyOptional({
    enum: LEGAL_BASIS_CODES,
    description: 'Why the disclosure is permitted; decides whether it appears in the accounting of disclosures (164.528(a)(1)). Default, from recipientKind: individual for self, authorization when one is given, treatment for a provider, payment for a health plan or the provider\'s billing, judicial for a court (or a party with legalProcess), law-enforcement, public-health; anyone else needs an authorization. Releases rest only on individual, treatment, payment, operations, authorization, judicial, law-enforcement or public-health.',
  })
  @IsOptional() @IsIn(LEGAL_BASIS_CODES, { message: `legalBasis must be one of ${LEGAL_BASIS_CODES.join(', ')}` })
  legalBasis?: (typeof LEGAL_BASIS_CODES)[number];

  @ApiProperty({ enum: RECORD_TYPES, isArray: true, example: ['encounters', 'diagnoses', 'notes'] })
  @IsArray() @ArrayMinSize(1, { message: 'recordTypes must name at least one record type' }) @ArrayUnique()
  @IsIn(RECORD_TYPES, { each: true, message: `recordTypes must be among ${RECORD_TYPES.join(', ')}` })
  recordTypes: (typeof RECORD_TYPES)[number][];

  @ApiPropertyOptional({ example: '2025-01-01', description: 'First day of the records requested (inclusive)' })
  @IsOptional() @IsCalendarDate()
  dateFrom?: string;

  @ApiPropertyOptional({ example: '2026-10-31', description: 'Last day of the records requested (inclusive)' })
  @IsOptional() @IsCalendarDate()
  dateTo?: string;

  @ApiProperty({ enum: ['electronic', 'paper'] })
  @IsIn(['electronic', 'paper'], { message: 'format must be electronic or paper' })
  format: 'electronic' | 'paper';

  @ApiPropertyOptional({ type: AuthorizationDto, description: 'The signed authorization (45 CFR 164.508), for legalBasis authorization' })
  @IsOptional() @ValidateNested() @Type(() => AuthorizationDto)
  authorization?: AuthorizationDto;
}

export class RoiTransitionDto {
  @ApiProperty({ enum: ROI_ACTIONS })
  @IsIn(ROI_ACTIONS, { message: `action must be one of ${ROI_ACTIONS.join(', ')}` })
  action: (typeof ROI_ACTIONS)[number];

  @ApiPropertyOptional({ description: 'Required to deny, cancel and extend (the written reasons)', minLength: 1, maxLength: 2000 })
  @IsOptional() @Transform(trim) @IsString() @Length(1, 2000)
  reason?: string;

  @ApiPropertyOptional({ enum: ALL_DENIAL_CODES, description: 'Required to deny: the 164.524(a) grounds for a patient\'s own request, the third-party codes otherwise' })
  @IsOptional() @IsIn(ALL_DENIAL_CODES, { message: `denialCode must be one of ${ALL_DENIAL_CODES.join(', ')}` })
  denialCode?: (typeof ALL_DENIAL_CODES)[number];

  @ApiPropertyOptional({ minimum: 1, maximum: MAX_EXTENSION_DAYS, description: 'Required to extend (once, before the original due date)' })
  @IsOptional() @IsInt({ message: 'extensionDays must be an integer' })
  @Min(1, { message: `extensionDays must be from 1 to ${MAX_EXTENSION_DAYS}` }) @Max(MAX_EXTENSION_DAYS, { message: `extensionDays must be from 1 to ${MAX_EXTENSION_DAYS}` })
  extensionDays?: number;

  @ApiPropertyOptional({
    description: 'deny and deny-in-part on a reviewable ground (164.524(a)(3)): the user id of the licensed health care professional (physician or nurse) who determined it. Required for those grounds, refused for the others.',
  })
  @IsOptional() @IsInt({ message: 'determinedBy must be a user id' }) @Min(1, { message: 'determinedBy must be a user id' }) @Max(MAX_ID)
  determinedBy?: number;

  @ApiPropertyOptional({ enum: RECORD_TYPES, isArray: true, description: 'deny-in-part: whole sections of the request denied; the rest is released (164.524(d)(1))' })
  @IsOptional() @IsArray() @ArrayMaxSize(RECORD_TYPES.length) @ArrayUnique()
  @IsIn(RECORD_TYPES, { each: true, message: `deniedSections must be among ${RECORD_TYPES.join(', ')}` })
  deniedSections?: (typeof RECORD_TYPES)[number][];

  @ApiPropertyOptional({ type: [DeniedItemDto], description: 'deny-in-part: single items denied; the rest is released (164.524(d)(1))' })
  @IsOptional() @IsArray() @ArrayMaxSize(500) @ValidateNested({ each: true }) @Type(() => DeniedItemDto)
  deniedItems?: DeniedItemDto[];

  @ApiProperty({ description: 'The version you read (optimistic locking): a stale one is a 409' })
  @IsInt() @Min(1) @Max(MAX_ID)
  version: number;
}

export class ReplaceAuthorizationDto {
  @ApiProperty({ type: AuthorizationDto, description: 'The corrected authorization the requester sent' })
  @ValidateNested() @Type(() => AuthorizationDto)
  authorization: AuthorizationDto;

  @ApiProperty({ description: 'The version you read' })
  @IsInt() @Min(1) @Max(MAX_ID)
  version: number;
}

/** POST /roi/requests/:id/privacy-approval: the privacy officer approves a VIP or Part 2 release. */
export class PrivacyApprovalDto {
  @ApiProperty({ description: 'Why the release may go ahead (kept on the request and in its history)', minLength: 1, maxLength: 2000 })
  @Transform(trim) @IsString() @Length(1, 2000)
  note: string;

  @ApiProperty({ description: 'The version you read' })
  @IsInt() @Min(1) @Max(MAX_ID)
  version: number;
}

export const ROI_STATUS_FILTERS = [...ROI_STATUSES, 'open'] as const;

export class RoiQueueQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ enum: ROI_STATUS_FILTERS, description: '`open`: not yet fulfilled, denied or cancelled' })
  @IsOptional() @IsIn(ROI_STATUS_FILTERS, { message: `status must be one of ${ROI_STATUS_FILTERS.join(', ')}` })
  status?: (typeof ROI_STATUS_FILTERS)[number];

  @ApiPropertyOptional({ enum: ['true', 'false'], description: 'true: open and past the due date; false: everything else' })
  @IsOptional() @IsIn(['true', 'false'], { message: 'overdue must be true or false' })
  overdue?: 'true' | 'false';

  @ApiPropertyOptional({ description: 'Only this patient\'s requests' })
  @IsOptional() @Transform(queryInt) @IsInt({ message: 'patientId must be an integer' }) @Min(1) @Max(MAX_ID)
  patientId?: number;

  @ApiPropertyOptional({ enum: REQUESTER_TYPES })
  @IsOptional() @IsIn(REQUESTER_TYPES, { message: `requesterType must be one of ${REQUESTER_TYPES.join(', ')}` })
  requesterType?: (typeof REQUESTER_TYPES)[number];
  @ApiPropertyOptional({ enum: LEGAL_BASIS_CODES, description: 'Only requests under this basis (judicial: the legal process desk)' })
  @IsOptional() @IsIn(LEGAL_BASIS_CODES, { message: `legalBasis must be one of ${LEGAL_BASIS_CODES.join(', ')}` }) legalBasis?: (typeof LEGAL_BASIS_CODES)[number];
}

export class PackageQueryDto {
  @ApiPropertyOptional({ enum: ['json', 'fhir'], default: 'json', description: 'json: the package as stored and hashed; fhir: a FHIR R4 Bundle' })
  @IsOptional() @IsIn(['json', 'fhir'], { message: 'format must be json or fhir' })
  format?: 'json' | 'fhir';
}

export { DenialReviewDecisionDto, RequestDenialReviewDto } from './denial.dto';

/* ---- responses (for /docs) ---- */
