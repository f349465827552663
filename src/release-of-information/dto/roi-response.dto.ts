import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ActingForDto, ApiActingFor } from '../../access/dto/representative.dto';
import { PageDto } from '../../common/pagination';
import { ALL_DENIAL_CODES } from '../denial-grounds';
import { LEGAL_BASIS_CODES, REQUESTER_TYPES } from '../disclosure-basis';
import { RECORD_TYPES } from '../roi-scope';
import { ROI_ACTIONS, ROI_STATUSES } from '../roi-state-machine';
import { DeliveryDto, DenialDto, DenialHistoryDetailsDto } from './denial.dto';
import { BasisCheckDto } from './release-basis.dto';
import { AuthorizationDto } from './roi.dto';

/* The answers of /roi/requests and /me/roi-requests (the request shapes are in roi.dto.ts). */

export class RoiActorDto {
  @ApiProperty() id: number;
  @ApiProperty({ nullable: true, type: String }) username: string | null;
  @ApiProperty({ nullable: true, type: String }) displayName: string | null;
}

/** What a step of the history records beside its states (each key only on the steps that set it). */
export class RoiHistoryDetailsDto extends DenialHistoryDetailsDto {
  @ApiPropertyOptional({ description: 'receive: days allowed for this requester type' }) dueDays?: number;
  @ApiPropertyOptional({ enum: LEGAL_BASIS_CODES, description: 'receive: the legal basis of the disclosure' }) legalBasis?: string;
  @ApiPropertyOptional({ description: 'validate-authorization: valid, or why none is required' }) authorization?: string;
  @ApiPropertyOptional({ example: 'established (45 CFR 164.512(f))', description: 'validate-authorization: the conditions of the legal basis, established (164.512(b), (e), (f), 164.524(c)(3)(ii))' }) basis?: string;
  @ApiPropertyOptional({ description: 'extend: the days added' }) extensionDays?: number;
  @ApiPropertyOptional({ description: 'extend: the new due date' }) dueAt?: string;
  @ApiPropertyOptional({ enum: ALL_DENIAL_CODES, description: 'deny: the ground' }) denialCode?: string;
  @ApiPropertyOptional({ nullable: true, type: Boolean, description: 'deny: whether the ground is reviewable (null for a third party)' }) reviewable?: boolean | null;
  @ApiPropertyOptional({ description: 'fulfil: SHA-256 of the JSON package' }) sha256?: string;
  @ApiPropertyOptional({ description: 'fulfil: SHA-256 of the FHIR Bundle' }) fhirSha256?: string;
  @ApiPropertyOptional({ description: 'fulfil: the entry written to the disclosures log' }) disclosureId?: number;
  @ApiPropertyOptional({ description: 'fulfil: the disclosure is exempt from the accounting (164.528(a)(1))' }) exempt?: boolean;
  @ApiPropertyOptional({ description: 'fulfil: the fee charged' }) feeCents?: number;
  @ApiPropertyOptional({ description: 'The step was taken after the due date' }) late?: boolean;
  @ApiPropertyOptional({ type: [String], description: 'replace-basis-facts: the facts replaced (legalProcess, lawEnforcement, publicHealth, operations, direction)' }) fields?: string[];
  @ApiPropertyOptional({ description: 'privacy-approval: the release is from a VIP chart' }) vip?: boolean;
  @ApiPropertyOptional({ description: 'privacy-approval: the release carries 42 CFR Part 2 records to a third party' }) part2?: boolean;
}

export class RoiHistoryEntryDto {
  @ApiProperty({ example: 'verify-identity', description: 'A state-machine action, receive (the intake) or replace-authorization' }) action: string;
  @ApiProperty({ nullable: true, type: String, description: 'null for the intake' }) from: string | null;
  @ApiProperty({ enum: ROI_STATUSES }) to: string;
  @ApiProperty({ nullable: true, type: String }) reason: string | null;
  @ApiProperty({ type: RoiActorDto, description: 'Who: id, username, display name' }) actor: RoiActorDto;
  @ApiProperty({ example: '2026-11-29T14:00:00.000Z' }) at: string;
  @ApiProperty({ nullable: true, type: RoiHistoryDetailsDto, description: 'denialCode, extensionDays, package hash...' }) details: RoiHistoryDetailsDto | null;
}

export class FeeLineDto {
  @ApiProperty() item: string;
  @ApiProperty() cents: number;
}

export class FeeDto {
  @ApiProperty() totalCents: number;
  @ApiProperty({ enum: ['flat', 'cost-based', 'schedule'] }) method: string;
  @ApiProperty() pages: number;
  @ApiProperty({ type: [FeeLineDto] }) lines: FeeLineDto[];
  @ApiProperty() basis: string;
}

export class AccountingExemptionDto {
  @ApiProperty() exempt: boolean;
  @ApiProperty({ nullable: true, type: String, description: 'The exemption of 164.528(a)(1) that applies, if any' }) exemption: string | null;
}

export class RoiRequestSummaryDto {
  @ApiProperty() id: number;
  @ApiProperty() patientId: number;
  @ApiProperty({ enum: REQUESTER_TYPES }) requesterType: string;
  @ApiProperty() requesterName: string;
  @ApiProperty({ nullable: true, type: String }) requesterAddress: string | null;
  @ApiProperty() purpose: string;
  @ApiProperty({ enum: LEGAL_BASIS_CODES }) legalBasis: string;
  @ApiProperty({ nullable: true, type: String, description: 'Who receives the release (the basis is established from it)' }) recipientKind: string | null;
  @ApiProperty({ type: AccountingExemptionDto, description: 'Exempt from the accounting of disclosures, and why (164.528(a)(1))' }) accounting: AccountingExemptionDto;
  @ApiProperty({ enum: RECORD_TYPES, isArray: true }) recordTypes: string[];
  @ApiProperty({ nullable: true, type: String }) dateFrom: string | null;
  @ApiProperty({ nullable: true, type: String }) dateTo: string | null;
  @ApiProperty({ enum: ['electronic', 'paper'] }) format: string;
  @ApiProperty({ enum: ROI_STATUSES }) status: string;
  @ApiProperty({ example: '2026-11-29T14:00:00.000Z' }) receivedAt: string;
  @ApiProperty({ description: 'receivedAt + 30 days (configurable per requester type), + the extension' }) dueAt: string;
  @ApiProperty() originalDueAt: string;
  @ApiProperty({ nullable: true, type: Number, description: 'Days until dueAt (negative when overdue); null once final' }) daysLeft: number | null;
  @ApiProperty() overdue: boolean;
  @ApiProperty() extended: boolean;
  @ApiProperty({ nullable: true, type: Number }) extensionDays: number | null;
  @ApiProperty({ nullable: true, type: String }) extensionReason: string | null;
  @ApiProperty({ nullable: true, type: DenialDto }) denial: DenialDto | null;
  @ApiProperty({ nullable: true, type: FeeDto }) fee: FeeDto | null;
  @ApiProperty({ nullable: true, type: String, description: 'SHA-256 of the JSON package, stored at fulfilment' }) packageSha256: string | null;
  @ApiProperty({ nullable: true, type: String, description: 'SHA-256 of the FHIR Bundle of the same package' }) packageFhirSha256: string | null;
  @ApiProperty({ nullable: true, type: String }) fulfilledAt: string | null;
  @ApiProperty({ nullable: true, type: String, description: 'When the request ended: closed, denied or cancelled' }) closedAt: string | null;
  @ApiProperty({ description: 'Who logged the request: that account never reviews, approves or releases it (separation of duties)' }) createdBy: number;
  @ApiProperty({ nullable: true, type: Object, description: 'The privacy officer\'s approval of a VIP or Part 2 release, if given: { by, at, note }' })
  privacyApproval: { by: number; at: string; note: string | null } | null;
  @ApiProperty() version: number;
}

export class FieldProblemDto {
  @ApiProperty({ example: 'authorization.signedOn' }) field: string;
  @ApiProperty({ type: [String] }) problems: string[];
}

export class AuthorizationCheckDto {
  @ApiProperty() valid: boolean;
  @ApiProperty({ type: [FieldProblemDto], description: 'Every missing or bad element of 164.508(c)' }) problems: FieldProblemDto[];
}

export class RoiRequestDto extends RoiRequestSummaryDto {
  @ApiProperty({ nullable: true, type: AuthorizationDto }) authorization: AuthorizationDto | null;
  @ApiProperty({ nullable: true, type: AuthorizationCheckDto, description: 'The 164.508(c) check of the authorization as of now (ROI staff, when the legal basis needs one); null otherwise' })
  authorizationCheck: AuthorizationCheckDto | null;
  @ApiProperty({ type: Object, description: 'legalProcess, lawEnforcement, publicHealth, operations, direction as logged' }) basisFacts: Record<string, unknown>;
  @ApiProperty({ nullable: true, type: BasisCheckDto, description: 'The basis\'s conditions as of now (164.512(b), (e), (f), 164.506(c)(4), 164.524(c)(3)(ii)); null when it has none' }) basisCheck: BasisCheckDto | null;
  @ApiProperty({ enum: ROI_ACTIONS, isArray: true, description: 'What the state machine accepts now' }) allowedActions: string[];
  @ApiProperty({ type: [RoiHistoryEntryDto] }) history: RoiHistoryEntryDto[];
  @ApiProperty({ type: DeliveryDto, description: 'Where the package and the notices of this request (denial, review) go: the individual\'s alternative means or location for their own request (164.522(b))' })
  delivery: DeliveryDto;
  @ApiActingFor() actingFor?: ActingForDto;
}

/** GET /me/roi-requests and /me/represented/:patientId/roi-requests: a page, with actingFor for a representative. */
export class MyRoiRequestsDto extends PageDto(RoiRequestSummaryDto) {
  @ApiActingFor() actingFor?: ActingForDto;
}
