import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

/* FHIR R4 data types (https://hl7.org/fhir/R4/datatypes.html), as the service writes them: shared by the ROI package
 * Bundle and the audit trail's AuditEvent export. */

export class FhirCodingDto {
  @ApiProperty({ example: 'http://loinc.org' }) system: string;
  @ApiProperty() code: string;
  @ApiPropertyOptional() display?: string;
}

export class FhirCodeableConceptDto {
  @ApiPropertyOptional({ type: [FhirCodingDto] }) coding?: FhirCodingDto[];
  @ApiPropertyOptional() text?: string;
}

export class FhirReferenceDto {
  @ApiProperty({ example: 'Patient/1' }) reference: string;
}

export class FhirIdentifierDto {
  @ApiProperty() system: string;
  @ApiProperty() value: string;
}

/** An extension: a value, or nested extensions. */
export class FhirExtensionDto {
  @ApiProperty() url: string;
  @ApiPropertyOptional() valueString?: string;
  @ApiPropertyOptional({ type: 'integer' }) valueInteger?: number;
  @ApiPropertyOptional() valueBoolean?: boolean;
  @ApiPropertyOptional({ type: () => [FhirExtensionDto] }) extension?: FhirExtensionDto[];
}
