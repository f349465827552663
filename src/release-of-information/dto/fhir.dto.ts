import { ApiProperty, ApiPropertyOptional, getSchemaPath } from '@nestjs/swagger';
import {
  FhirCodeableConceptDto, FhirCodingDto, FhirExtensionDto, FhirIdentifierDto, FhirReferenceDto,
} from '../../common/fhir-datatypes.dto';

/*
 * GET /roi/requests/:id/package?format=fhir: the package as a FHIR R4 Bundle (type collection), documented with the
 * elements fhir-bundle.ts writes (a subset of each FHIR R4 resource; https://hl7.org/fhir/R4/).
 */

export class FhirMetaDto {
  @ApiPropertyOptional({ type: [FhirCodingDto], description: 'Security labels: Confidentiality R, the sensitivity code, NORDSCLCD for Part 2' }) security?: FhirCodingDto[];
  @ApiPropertyOptional({ type: [FhirCodingDto] }) tag?: FhirCodingDto[];
}

export class FhirPeriodDto {
  @ApiProperty() start: string;
  @ApiPropertyOptional() end?: string;
}

export class FhirHumanNameDto {
  @ApiProperty() family: string;
  @ApiProperty({ type: [String] }) given: string[];
}

/** What the clinical resources share: an id, the patient, and security labels and notice when restricted. */
class FhirClinicalResource {
  @ApiProperty() id: string;
  @ApiProperty({ type: FhirReferenceDto }) subject: FhirReferenceDto;
  @ApiPropertyOptional({ type: FhirMetaDto }) meta?: FhirMetaDto;
  @ApiPropertyOptional({ type: [FhirExtensionDto] }) extension?: FhirExtensionDto[];
}

export class FhirPatientDto {
  @ApiProperty({ enum: ['Patient'] }) resourceType: string;
  @ApiProperty() id: string;
  @ApiProperty({ type: [FhirIdentifierDto], description: 'The MRN' }) identifier: FhirIdentifierDto[];
  @ApiProperty({ type: [FhirHumanNameDto] }) name: FhirHumanNameDto[];
  @ApiProperty({ enum: ['female', 'male', 'other', 'unknown'] }) gender: string;
  @ApiProperty() birthDate: string;
}

export class FhirHospitalizationDto {
  @ApiProperty({ type: FhirCodeableConceptDto }) dischargeDisposition: FhirCodeableConceptDto;
}

export class FhirEncounterDto extends FhirClinicalResource {
  @ApiProperty({ enum: ['Encounter'] }) resourceType: string;
  @ApiProperty({ enum: ['finished', 'in-progress'] }) status: string;
  @ApiProperty({ type: FhirCodingDto }) class: FhirCodingDto;
  @ApiProperty({ type: FhirPeriodDto }) period: FhirPeriodDto;
  @ApiPropertyOptional({ type: [FhirCodeableConceptDto] }) reasonCode?: FhirCodeableConceptDto[];
  @ApiPropertyOptional({ type: FhirCodeableConceptDto }) serviceType?: FhirCodeableConceptDto;
  @ApiPropertyOptional({ type: FhirHospitalizationDto }) hospitalization?: FhirHospitalizationDto;
}

export class FhirConditionDto extends FhirClinicalResource {
  @ApiProperty({ enum: ['Condition'] }) resourceType: string;
  @ApiProperty({ type: FhirCodeableConceptDto }) verificationStatus: FhirCodeableConceptDto;
  @ApiProperty({ type: [FhirCodeableConceptDto] }) category: FhirCodeableConceptDto[];
  @ApiProperty({ type: FhirCodeableConceptDto, description: 'ICD-10-CM' }) code: FhirCodeableConceptDto;
  @ApiPropertyOptional({ type: FhirReferenceDto, description: 'Absent when the encounter is not part of the package (withheld means absent)' }) encounter?: FhirReferenceDto;
  @ApiProperty() recordedDate: string;
}

export class FhirProcedureDto extends FhirClinicalResource {
  @ApiProperty({ enum: ['Procedure'] }) resourceType: string;
  @ApiProperty({ enum: ['completed'] }) status: string;
  @ApiProperty({ type: FhirCodeableConceptDto }) code: FhirCodeableConceptDto;
  @ApiPropertyOptional({ type: FhirReferenceDto, description: 'Absent when the encounter is not part of the package (withheld means absent)' }) encounter?: FhirReferenceDto;
  @ApiProperty() performedDateTime: string;
}

export class FhirQuantityDto {
  @ApiProperty() value: number;
  @ApiPropertyOptional() unit?: string;
  @ApiPropertyOptional({ example: 'http://unitsofmeasure.org' }) system?: string;
  @ApiPropertyOptional() code?: string;
}

export class FhirObservationDto extends FhirClinicalResource {
  @ApiProperty({ enum: ['Observation'] }) resourceType: string;
  @ApiProperty({ enum: ['final'] }) status: string;
  @ApiProperty({ type: FhirCodeableConceptDto, description: 'LOINC' }) code: FhirCodeableConceptDto;
  @ApiPropertyOptional({ type: FhirReferenceDto, description: 'Absent when the encounter is not part of the package (withheld means absent)' }) encounter?: FhirReferenceDto;
  @ApiProperty() effectiveDateTime: string;
  @ApiPropertyOptional({ type: FhirQuantityDto, description: 'A numeric result' }) valueQuantity?: FhirQuantityDto;
  @ApiPropertyOptional({ description: 'A text result' }) valueString?: string;
}

export class FhirAttachmentDto {
  @ApiProperty({ example: 'text/plain; charset=utf-8' }) contentType: string;
  @ApiProperty({ format: 'byte', description: 'The note text, base64' }) data: string;
  @ApiProperty() creation: string;
}

export class FhirContentDto {
  @ApiProperty({ type: FhirAttachmentDto }) attachment: FhirAttachmentDto;
}

export class FhirDocumentContextDto {
  @ApiProperty({ type: [FhirReferenceDto] }) encounter: FhirReferenceDto[];
}

export class FhirDocumentReferenceDto extends FhirClinicalResource {
  @ApiProperty({ enum: ['DocumentReference'] }) resourceType: string;
  @ApiProperty({ enum: ['current'] }) status: string;
  @ApiProperty({ type: FhirCodeableConceptDto, description: 'LOINC document type and the local note type' }) type: FhirCodeableConceptDto;
  @ApiProperty() date: string;
  @ApiProperty({ type: [FhirContentDto] }) content: FhirContentDto[];
  @ApiPropertyOptional({ type: FhirDocumentContextDto, description: 'Absent when the encounter is not part of the package' }) context?: FhirDocumentContextDto;
}

export const FHIR_RESOURCE_MODELS = [FhirPatientDto, FhirEncounterDto, FhirConditionDto, FhirProcedureDto, FhirObservationDto, FhirDocumentReferenceDto];

export class FhirBundleEntryDto {
  @ApiProperty() fullUrl: string;
  @ApiProperty({ oneOf: FHIR_RESOURCE_MODELS.map((m) => ({ $ref: getSchemaPath(m) })), description: 'One resource, told apart by resourceType' })
  resource: Record<string, unknown>;
}

export class FhirBundleMetaDto {
  @ApiProperty({ type: [FhirCodingDto], description: 'The ROI request id and the SHA-256 of the JSON package the Bundle derives from' }) tag: FhirCodingDto[];
}

export class FhirBundleDto {
  @ApiProperty({ enum: ['Bundle'] }) resourceType: string;
  @ApiProperty({ example: 'roi-request-12' }) id: string;
  @ApiProperty({ type: FhirBundleMetaDto }) meta: FhirBundleMetaDto;
  @ApiProperty({ type: FhirIdentifierDto }) identifier: FhirIdentifierDto;
  @ApiProperty({ enum: ['collection'] }) type: string;
  @ApiProperty() timestamp: string;
  @ApiProperty({ type: [FhirBundleEntryDto], description: 'The Patient first, then encounters, conditions, procedures, observations and notes' }) entry: FhirBundleEntryDto[];
}
