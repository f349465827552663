import { ICD10_CODES, Icd10Code, LOINC_CODES, LoincCode, PROCEDURE_CODES, ProcedureCode } from './icd10';
import type { NoteBodyKind, Pools } from './pools';

/**
 * The generator writes compact rows that refer to codes and note bodies by their index in these lists; the
 * writers expand them into table rows (in SQL on SQLite, in JavaScript on PostgreSQL). Binding a small number
 * instead of a code, its description, chapter and sensitivity is what makes a 100k-patient seed fast.
 */
export type NoteType = NoteBodyKind;

export interface NoteBody {
  noteType: NoteType;
  title: string;
  body: string;
}

export const NOTE_TITLE: Record<NoteType, string> = {
  'history-physical': 'HISTORY AND PHYSICAL',
  progress: 'PROGRESS NOTE',
  nursing: 'NURSING NOTE',
  'discharge-summary': 'DISCHARGE SUMMARY',
  psychotherapy: 'PSYCHOTHERAPY NOTE (kept apart from the medical record, 45 CFR 164.501)',
};

export interface Lookups {
  dx: readonly Icd10Code[];
  procedures: readonly ProcedureCode[];
  loinc: readonly LoincCode[];
  notes: readonly NoteBody[];
  dxIndex: ReadonlyMap<Icd10Code, number>;
  procedureIndex: ReadonlyMap<ProcedureCode, number>;
  loincIndex: ReadonlyMap<LoincCode, number>;
  /** Where each note type's bodies start in `notes`, and how many there are. */
  noteRange: Record<NoteType, { first: number; count: number }>;
}

export function buildLookups(pools: Pools): Lookups {
  const notes: NoteBody[] = [];
  const noteRange = {} as Lookups['noteRange'];
  for (const noteType of Object.keys(NOTE_TITLE) as NoteType[]) {
    noteRange[noteType] = { first: notes.length, count: pools.notes[noteType].length };
    for (const body of pools.notes[noteType]) notes.push({ noteType, title: NOTE_TITLE[noteType], body });
  }
  const indexOf = <T>(list: readonly T[]) => new Map(list.map((item, i) => [item, i]));
  return {
    dx: ICD10_CODES,
    procedures: PROCEDURE_CODES,
    loinc: LOINC_CODES,
    notes,
    dxIndex: indexOf(ICD10_CODES),
    procedureIndex: indexOf(PROCEDURE_CODES),
    loincIndex: indexOf(LOINC_CODES),
    noteRange,
  };
}

/** The note text, as both writers build it: title, the reason for the visit (not in psychotherapy notes), body. */
export function noteText(note: NoteBody, reason: Icd10Code): string {
  const why = note.noteType === 'psychotherapy' ? '' : `Reason for visit: ${reason.description}.\n`;
  return `${note.title}\n${why}${note.body}`;
}
