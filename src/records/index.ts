/**
 * What the records module offers the others (docs/architecture.md): the chart as a caller may see it, and the
 * reads of the clinical tables it owns. Anything not exported here is the module's own.
 */
export { ClinicalReads } from './clinical.repository';
export type { DateRange } from './clinical.repository';
export { DATE_COLUMN, ITEM_TYPES } from './clinical-items';
export type { ChartItemRow, ItemRow, ItemType } from './clinical-items';
export type { EncounterRow } from './encounter-row';
export { visibleChart } from './visible-record';
export type { ChartRows, Dto } from './visible-record';
export { RecordService } from './record.service';
export * from './dto/me.dto';
export * from './dto/patient.dto';
export * from './dto/record.dto';
export * from './patients.repository';
export { AmendmentReads } from './amendments.repository';
export type { AmendmentDispute } from './amendments.repository';
