import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { FhirCodeableConceptDto, FhirCodingDto, FhirExtensionDto } from '../../common/fhir-datatypes.dto';
import { FHIR_ACTIONS, FHIR_OUTCOMES } from '../fhir-audit-event';

/* A FHIR R4 AuditEvent (IHE BALP) as fhir-audit-event.ts writes it, for the export's documentation. */

export class FhirAuditIdentifierDto {
  @ApiPropertyOptional() system?: string;
  @ApiProperty() value: string;
}

export class FhirAuditWhoDto {
  @ApiPropertyOptional({ type: FhirAuditIdentifierDto }) identifier?: FhirAuditIdentifierDto;
  @ApiProperty() display: string;
}

export class FhirAuditNetworkDto {
  @ApiProperty() address: string;
  @ApiProperty({ enum: ['1', '2', '3', '4', '5'], description: '1: a machine name (this service), 2: an IP address (the client)' }) type: string;
}

export class FhirAuditAgentDto {
  @ApiProperty({ type: FhirCodeableConceptDto }) type: FhirCodeableConceptDto;
  @ApiProperty({ type: FhirAuditWhoDto }) who: FhirAuditWhoDto;
  @ApiPropertyOptional({ type: [FhirCodeableConceptDto], description: 'The user\'s role when the event happened' }) role?: FhirCodeableConceptDto[];
  @ApiProperty() requestor: boolean;
  @ApiPropertyOptional({ type: FhirAuditNetworkDto }) network?: FhirAuditNetworkDto;
}

export class FhirAuditObserverDto {
  @ApiPropertyOptional({ type: FhirAuditIdentifierDto }) identifier?: FhirAuditIdentifierDto;
  @ApiProperty() display: string;
}

export class FhirMetaDto {
  @ApiProperty({ type: [String], description: 'The IHE BALP profile the event conforms to (successful events; src/audit/balp.ts)', example: ['https://profiles.ihe.net/ITI/BALP/StructureDefinition/IHE.BasicAudit.PatientRead'] })
  profile: string[];
}

export class FhirAuditSourceDto {
  @ApiProperty() site: string;
  @ApiProperty({ type: FhirAuditObserverDto }) observer: FhirAuditObserverDto;
  @ApiProperty({ type: [FhirCodingDto] }) type: FhirCodingDto[];
}

/** What an entity points at: a FHIR reference (Patient/1) or a local identifier. */
export class FhirAuditWhatDto {
  @ApiPropertyOptional({ example: 'Patient/1' }) reference?: string;
  @ApiPropertyOptional({ type: FhirAuditIdentifierDto }) identifier?: FhirAuditIdentifierDto;
}

export class FhirAuditEntityDto {
  @ApiPropertyOptional({ type: FhirAuditWhatDto, description: 'Absent on a search\'s query entity (BALP Query)' }) what?: FhirAuditWhatDto;
  @ApiPropertyOptional({ description: 'A search: the query as understood, readable' }) description?: string;
  @ApiPropertyOptional({ format: 'byte', description: 'A search: the query, base64 (BALP entity[query].query)' }) query?: string;
  @ApiPropertyOptional({ type: FhirCodingDto }) type?: FhirCodingDto;
  @ApiPropertyOptional({ type: FhirCodingDto }) role?: FhirCodingDto;
}

export class FhirAuditEventDto {
  @ApiProperty({ enum: ['AuditEvent'] }) resourceType: string;
  @ApiProperty({ description: 'The sequence number of the audit row' }) id: string;
  @ApiPropertyOptional({ type: FhirMetaDto }) meta?: FhirMetaDto;
  @ApiProperty({ type: [FhirExtensionDto], description: 'The row\'s place in the hash chain: seq, hash, and breakGlass when flagged' }) extension: FhirExtensionDto[];
  @ApiProperty({ type: FhirCodingDto }) type: FhirCodingDto;
  @ApiPropertyOptional({ type: [FhirCodingDto] }) subtype?: FhirCodingDto[];
  @ApiProperty({ enum: FHIR_ACTIONS }) action: string;
  @ApiProperty() recorded: string;
  @ApiProperty({ enum: FHIR_OUTCOMES, description: '0 success, 4 minor failure (refused), 8 serious failure' }) outcome: string;
  @ApiPropertyOptional({ description: 'Why it was refused' }) outcomeDesc?: string;
  @ApiProperty({ type: [FhirCodeableConceptDto], description: 'An HL7 v3 PurposeOfUse (v3-ActReason) code, then the local code it translates, if any' }) purposeOfEvent: FhirCodeableConceptDto[];
  @ApiProperty({ type: [FhirAuditAgentDto] }) agent: FhirAuditAgentDto[];
  @ApiProperty({ type: FhirAuditSourceDto }) source: FhirAuditSourceDto;
  @ApiPropertyOptional({ type: [FhirAuditEntityDto], description: 'The patient, the resource (or a search\'s query), and the request id' }) entity?: FhirAuditEntityDto[];
}
