import { ApiProperty, ApiPropertyOptional, getSchemaPath } from '@nestjs/swagger';
import { ActingForDto, ApiActingFor } from '../../access/dto/representative.dto';
import { ROLES } from '../../access/catalogue';
import { RECORD_TYPES } from '../../access/item-visibility';
import { CODE_SYSTEMS, DISPOSITIONS, ENCOUNTER_CLASSES, NOTE_TYPES, SENSITIVITY_CATEGORIES } from './clinical.dto';
import { DemographicsDto } from './patient.dto';

/* Response shapes of the record endpoints (for /docs and the OpenAPI fuzzing test). Field names follow API.md. */

export const ITEM_STATUSES = ['active', 'entered-in-error', 'amended'] as const;
/** Psychotherapy notes carry the category `psychotherapy` (set by the service, never sent by a client). */
export const STORED_SENSITIVITY_CATEGORIES = [...SENSITIVITY_CATEGORIES, 'psychotherapy'] as const;

/** A field the item-visibility rule blanked (null) in this answer, and why. */
export class RedactionDto {
  @ApiProperty({ example: 'reason' }) field: string;
  @ApiProperty({ enum: ['restricted-category', 'referenced-item-withheld'] }) code: string;
  @ApiProperty() reason: string;
}

export class EncounterDto {
  @ApiProperty() id: number;
  @ApiProperty() patientId: number;
  @ApiProperty({ enum: ENCOUNTER_CLASSES }) class: string;
  @ApiProperty({ example: '2026-11-20T08:00:00.000Z' }) admittedAt: string;
  @ApiProperty({ nullable: true, type: String, description: 'null while the patient is in' }) dischargedAt: string | null;
  @ApiProperty() department: string;
  @ApiProperty({ nullable: true, type: Number }) attendingUserId: number | null;
  @ApiProperty({ nullable: true, enum: DISPOSITIONS, type: String }) disposition: string | null;
  @ApiProperty() plannedReadmission: boolean;
  @ApiProperty({ nullable: true, type: String }) reason: string | null;
  @ApiProperty({ enum: ITEM_STATUSES }) status: string;
  @ApiProperty() version: number;
  @ApiProperty({ enum: ['normal', 'restricted'] }) sensitivity: string;
  @ApiProperty({ nullable: true, enum: STORED_SENSITIVITY_CATEGORIES, type: String }) sensitivityCategory: string | null;
  @ApiProperty({ description: 'Paid out of pocket in full (45 CFR 164.522(a)(1)(vi))' }) selfPay: boolean;
  @ApiProperty({ nullable: true, type: String, enum: ['minor-consented', 'court-directed', 'confidentiality-agreed'], description: 'Care a minor\'s parent is not the representative for (164.502(g)(3)(i))' })
  minorConsent: string | null;
  @ApiPropertyOptional({ type: [String], description: 'When the reason is shown: the restricted categories it restates (those of the encounter\'s restricted diagnoses)' })
  reasonCategories?: string[];
  @ApiPropertyOptional({ type: () => [RedactionDto], description: 'Fields set to null by the item-visibility rule, with the reason' })
  redactions?: RedactionDto[];
}

/** What every clinical item carries. */
export class ClinicalItemDto {
  @ApiProperty() id: number;
  @ApiProperty({ nullable: true, type: Number, description: 'null (and named in redactions) when the encounter is not visible to the caller' }) encounterId: number | null;
  @ApiProperty({ enum: ITEM_STATUSES, description: 'entered-in-error items are kept (never deleted); amended: changed by an accepted amendment' }) status: string;
  @ApiProperty({ enum: ['normal', 'restricted'] }) sensitivity: string;
  @ApiProperty({ nullable: true, enum: STORED_SENSITIVITY_CATEGORIES, type: String }) sensitivityCategory: string | null;
  @ApiProperty() version: number;
  @ApiProperty({ nullable: true, type: Number, description: 'The item this one corrects' }) replacesId: number | null;
  @ApiProperty({ nullable: true, type: Number, description: 'User id of whoever recorded it' }) recordedBy: number | null;
  @ApiProperty() updatedAt: string;
  @ApiPropertyOptional({ description: 'In a disclosure package only, on substance use disorder items: the notice of 42 CFR 2.32' })
  redisclosureNotice?: string;
  @ApiPropertyOptional({ type: () => [RedactionDto], description: 'Fields set to null by the item-visibility rule, with the reason' })
  redactions?: RedactionDto[];
}

export class DiagnosisDto extends ClinicalItemDto {
  @ApiProperty({ example: 'I50.9', description: 'ICD-10-CM' }) code: string;
  @ApiProperty() description: string;
  @ApiProperty({ description: 'ICD-10-CM chapter of the code' }) chapter: string;
  @ApiProperty() primary: boolean;
  @ApiProperty() recordedAt: string;
}

export class ProcedureDto extends ClinicalItemDto {
  @ApiProperty({ enum: CODE_SYSTEMS }) codeSystem: string;
  @ApiProperty() code: string;
  @ApiProperty() description: string;
  @ApiProperty() performedAt: string;
}

export class ObservationDto extends ClinicalItemDto {
  @ApiProperty({ example: '8867-4', description: 'LOINC' }) loincCode: string;
  @ApiProperty() display: string;
  @ApiProperty({
    oneOf: [{ type: 'number' }, { type: 'string' }],
    nullable: true,
    description: 'A number, or a text result (e.g. "positive"); null when neither was recorded',
  })
  value: number | string | null;
  @ApiProperty({ nullable: true, type: String }) unit: string | null;
  @ApiProperty() observedAt: string;
}

export class NoteDto extends ClinicalItemDto {
  @ApiProperty({ enum: NOTE_TYPES }) noteType: string;
  @ApiProperty({ nullable: true, type: Number }) authorUserId: number | null;
  @ApiProperty() authoredAt: string;
  @ApiProperty({ nullable: true, type: String, description: 'When its author signed it; null = unsigned (a chart deficiency once the encounter is discharged)' }) signedAt: string | null;
  @ApiProperty({ nullable: true, type: Number }) signedBy: number | null;
  @ApiProperty({ nullable: true, type: Number, description: 'The provider query this note answers (a query response is part of the record)' }) queryId: number | null;
  @ApiProperty({ description: 'The note text (only views that include notes list them)' }) text: string;
}

/** One of the four item shapes, told apart by their fields. */
export const CLINICAL_ITEM_SCHEMA = {
  oneOf: [DiagnosisDto, ProcedureDto, ObservationDto, NoteDto].map((c) => ({ $ref: getSchemaPath(c) })),
};
export const CLINICAL_ITEM_MODELS = [DiagnosisDto, ProcedureDto, ObservationDto, NoteDto];

export class WithheldDto {
  @ApiProperty({ enum: RECORD_TYPES }) section: string;
  @ApiProperty({ enum: ['not-in-view', 'psychotherapy-note', 'restricted-category', 'outside-request-scope', 'not-permitted'] }) code: string;
  @ApiProperty({ example: 'restricted items are not part of this view' }) reason: string;
}

/** GET /encounters/:id/<type>: the items the caller may see, and what was withheld and why (never the items). */
class ItemListBase {
  @ApiProperty({ type: [WithheldDto] }) withheld: WithheldDto[];
}
export class DiagnosisListDto extends ItemListBase {
  @ApiProperty({ type: [DiagnosisDto] }) items: DiagnosisDto[];
}
export class ProcedureListDto extends ItemListBase {
  @ApiProperty({ type: [ProcedureDto] }) items: ProcedureDto[];
}
export class ObservationListDto extends ItemListBase {
  @ApiProperty({ type: [ObservationDto] }) items: ObservationDto[];
}
export class NoteListDto extends ItemListBase {
  @ApiProperty({ type: [NoteDto] }) items: NoteDto[];
}

export class RecordAccessDto {
  @ApiProperty({ type: [String], description: 'Why the policy allowed the read' }) reasons: string[];
  @ApiProperty({ description: 'The read rode on a break-the-glass grant' }) breakGlass: boolean;
}

/**
 * GET /patients/:id/record and /me/record. The sections present depend on the caller's view (minimum necessary):
 * a section the view does not include is absent, not empty.
 */
export class RecordDto {
  @ApiProperty() patientId: number;
  @ApiProperty({ enum: ['own-record', 'represented-record', 'clinical', 'designated-record-set', 'release-of-information', 'coding', 'demographics'] }) view: string;
  @ApiPropertyOptional({ type: DemographicsDto }) demographics?: DemographicsDto;
  @ApiPropertyOptional({ type: [EncounterDto], description: 'Absent from the demographics view' }) encounters?: EncounterDto[];
  @ApiPropertyOptional({ type: [DiagnosisDto], description: 'Absent from the demographics view' }) diagnoses?: DiagnosisDto[];
  @ApiPropertyOptional({ type: [ProcedureDto], description: 'Absent from the demographics view' }) procedures?: ProcedureDto[];
  @ApiPropertyOptional({ type: [ObservationDto], description: 'Absent from the coding and demographics views' }) observations?: ObservationDto[];
  @ApiPropertyOptional({ type: [NoteDto], description: 'Absent from the coding and demographics views' }) notes?: NoteDto[];
  @ApiProperty({ type: [WithheldDto], description: 'The rules that may leave items out of each section for this caller: the same for every chart, never a count (withheld means absent, 42 CFR 2.13(c))' }) withheld: WithheldDto[];
  @ApiProperty({ type: RecordAccessDto }) access: RecordAccessDto;
  @ApiActingFor() actingFor?: ActingForDto;
}

export class CareTeamEntryDto {
  @ApiProperty() userId: number;
  @ApiProperty() username: string;
  @ApiProperty() displayName: string;
  @ApiProperty({ enum: ROLES, description: 'The member\'s current role (physician or nurse when added)' }) role: string;
  @ApiProperty({ example: 'attending' }) teamRole: string;
  @ApiProperty() addedAt: string;
}

export class CareTeamAddedDto {
  @ApiProperty() patientId: number;
  @ApiProperty() userId: number;
  @ApiProperty({ example: 'attending' }) teamRole: string;
  @ApiProperty() addedAt: string;
}

export class CareTeamRemovedDto {
  @ApiProperty({ type: Boolean, enum: [true] }) removed: true;
}
