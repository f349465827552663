import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { SEXES } from '../../records/dto/patient.dto';
import {
  DiagnosisDto, EncounterDto, NoteDto, ObservationDto, ProcedureDto,
} from '../../records/dto/record.dto';
import { LEGAL_BASIS_CODES, REQUESTER_TYPES } from '../disclosure-basis';
import { DeliveryDto, DeniedItemDto } from './denial.dto';
import { RECORD_TYPES } from '../roi-scope';

/* Response shapes of GET /roi/requests/:id/records and of the disclosure package (GET /roi/requests/:id/package). */

/** A disclosed encounter carries the Part 2 notice when it applies. */
export class PackageEncounterDto extends EncounterDto {
  @ApiPropertyOptional({ description: 'On substance use disorder items: the notice of 42 CFR 2.32' }) redisclosureNotice?: string;
}

export class RoiScopeDto {
  @ApiProperty({ enum: RECORD_TYPES, isArray: true }) recordTypes: string[];
  @ApiProperty({ nullable: true, type: String, example: '2025-01-01' }) dateFrom: string | null;
  @ApiProperty({ nullable: true, type: String, example: '2026-10-31' }) dateTo: string | null;
  @ApiProperty({ type: [String], description: 'Restricted categories the authorization names (their items may be released)' }) restrictedCategories: string[];
}

/** Items per record type in the package (only the types the request names). */
export class RecordCountsDto {
  @ApiPropertyOptional() encounters?: number;
  @ApiPropertyOptional() diagnoses?: number;
  @ApiPropertyOptional() procedures?: number;
  @ApiPropertyOptional() observations?: number;
  @ApiPropertyOptional() notes?: number;
}

export class PackageWithheldDto {
  @ApiProperty({ enum: RECORD_TYPES }) section: string;
  @ApiProperty({ enum: ['not-in-view', 'psychotherapy-note', 'restricted-category', 'outside-request-scope', 'not-permitted'] }) code: string;
  @ApiProperty() reason: string;
}

export class PackageNoticeDto {
  @ApiProperty({ example: 'part2-redisclosure' }) code: string;
  @ApiProperty({ example: '42 CFR 2.32' }) citation: string;
  @ApiProperty() text: string;
  @ApiProperty({ description: 'How many items of the package it covers' }) items: number;
}

/** The records of the package, per record type (only the types the request names). */
export class PackageRecordsDto {
  @ApiPropertyOptional({ type: [PackageEncounterDto] }) encounters?: PackageEncounterDto[];
  @ApiPropertyOptional({ type: [DiagnosisDto] }) diagnoses?: DiagnosisDto[];
  @ApiPropertyOptional({ type: [ProcedureDto] }) procedures?: ProcedureDto[];
  @ApiPropertyOptional({ type: [ObservationDto] }) observations?: ObservationDto[];
  @ApiPropertyOptional({ type: [NoteDto] }) notes?: NoteDto[];
}

export class DisputeRequestDto {
  @ApiProperty({ format: 'date-time' }) receivedAt: string;
  @ApiProperty() requestedChange: string;
  @ApiProperty() justification: string;
}

export class DisputeDenialDto {
  @ApiProperty() decidedAt: string;
  @ApiProperty({ example: 'accurate-and-complete' }) ground: string;
  @ApiProperty({ example: '45 CFR 164.526(a)(2)(iv)' }) groundCitation: string;
  @ApiProperty({ description: 'The basis the deciding clinician wrote' }) basis: string;
}

/**
 * A denied amendment of an item the package carries, with the statements (45 CFR 164.526(d)(5)): the request, the
 * denial, the individual's statement of disagreement and any rebuttal travel with the disputed information.
 */
export class PackagedDisputeDto {
  @ApiProperty() amendmentId: number;
  @ApiProperty({ enum: RECORD_TYPES }) itemType: string;
  @ApiProperty() itemId: number;
  @ApiProperty({ example: '45 CFR 164.526(d)(5)' }) citation: string;
  @ApiProperty({ type: DisputeRequestDto }) request: DisputeRequestDto;
  @ApiProperty({ type: DisputeDenialDto }) denial: DisputeDenialDto;
  @ApiProperty({ type: String, nullable: true, description: 'The statement of disagreement (164.526(d)(2)); null when only the request and denial travel (164.526(d)(5)(ii))' }) disagreement: string | null;
  @ApiProperty({ type: String, nullable: true, description: 'The covered entity\'s rebuttal (164.526(d)(3))' }) rebuttal: string | null;
}

export class RoiRecordsAccessDto {
  @ApiProperty({ type: [String], description: 'Why the policy allowed the read' }) reasons: string[];
  @ApiProperty() roiRequestId: number;
}

/** GET /roi/requests/:id/records: the records in the request's scope, as the package would carry them. */
export class RoiRecordsDto extends PackageRecordsDto {
  @ApiProperty() requestId: number;
  @ApiProperty() patientId: number;
  @ApiProperty({ type: RoiScopeDto }) scope: RoiScopeDto;
  @ApiProperty({ type: RecordCountsDto }) counts: RecordCountsDto;
  @ApiProperty({ type: [PackageWithheldDto], description: 'The rules that may leave items out (out of scope, restricted without the authorization naming them); never a count' }) withheld: PackageWithheldDto[];
  @ApiProperty({ type: [PackageNoticeDto] }) notices: PackageNoticeDto[];
  @ApiProperty({ type: RoiRecordsAccessDto }) access: RoiRecordsAccessDto;
  @ApiProperty({ type: [PackagedDisputeDto], description: 'Denied amendments of items shown, with the statements that travel with them (164.526(d)(5)); empty when none' }) amendments: PackagedDisputeDto[];
}

export class PackageGeneratorDto {
  @ApiProperty() userId: number;
  @ApiProperty() username: string;
}

export class PackageNameDto {
  @ApiProperty() given: string;
  @ApiProperty() family: string;
}

export class PackagePatientDto {
  @ApiProperty() id: number;
  @ApiProperty() mrn: string;
  @ApiProperty({ type: PackageNameDto }) name: PackageNameDto;
  @ApiProperty() birthDate: string;
  @ApiProperty({ enum: SEXES }) sex: string;
}

export class PackageRecipientDto {
  @ApiProperty() name: string;
  @ApiProperty({ nullable: true, type: String }) address: string | null;
}

export class PackageDeniedDto {
  @ApiProperty({ enum: RECORD_TYPES, isArray: true }) sections: string[];
  @ApiProperty({ type: [DeniedItemDto] }) items: DeniedItemDto[];
  @ApiProperty() code: string;
  @ApiProperty() citation: string;
  @ApiProperty() ground: string;
  @ApiProperty() notice: string;
}

/** GET /roi/requests/:id/package?format=json: the package as stored at fulfilment (its SHA-256 in X-Package-SHA256). */
export class DisclosurePackageDto {
  @ApiProperty({ enum: ['hit-roi-package'] }) format: string;
  @ApiProperty({ type: Number, enum: [1] }) version: number;
  @ApiProperty() requestId: number;
  @ApiProperty() generatedAt: string;
  @ApiProperty({ type: PackageGeneratorDto }) generatedBy: PackageGeneratorDto;
  @ApiProperty({ type: PackagePatientDto }) patient: PackagePatientDto;
  @ApiProperty({ type: PackageRecipientDto }) recipient: PackageRecipientDto;
  @ApiProperty({ enum: REQUESTER_TYPES }) requesterType: string;
  @ApiProperty({ enum: LEGAL_BASIS_CODES }) legalBasis: string;
  @ApiProperty() purpose: string;
  @ApiProperty({ enum: ['electronic', 'paper'] }) deliveryFormat: string;
  @ApiProperty({ type: RoiScopeDto }) scope: RoiScopeDto;
  @ApiProperty({ type: RecordCountsDto }) counts: RecordCountsDto;
  @ApiProperty({ type: [PackageWithheldDto] }) withheld: PackageWithheldDto[];
  @ApiProperty({ type: [PackageNoticeDto] }) notices: PackageNoticeDto[];
  @ApiPropertyOptional({ type: PackageDeniedDto, description: 'Only when part of the request was denied: the part left out and its ground (45 CFR 164.524(d)(1))' })
  denied?: PackageDeniedDto;
  @ApiPropertyOptional({ type: DeliveryDto, description: 'Where the package is sent: the individual\'s alternative means or location for their own copy (164.522(b))' })
  delivery?: DeliveryDto;
  @ApiProperty({ type: PackageRecordsDto }) records: PackageRecordsDto;
  @ApiProperty({ type: [PackagedDisputeDto], description: 'Denied amendments of items in the package, with the statements (164.526(d)(5)); empty when none is disputed' }) amendments: PackagedDisputeDto[];
}
