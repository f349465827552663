import type { Permission, RoleName } from './catalogue';

/**
 * Minimum necessary (45 CFR 164.502(b), 164.514(d)): which parts of the designated record set a caller receives.
 * This is the one place that decides the shape; it is derived from the caller's permissions, so an instructor's
 * edit of the role matrix changes the view too. A section a caller may not see is absent from the response.
 *
 *  - registrar (demographics:read only): demographics
 *  - coder (coding:read): the whole documentation of an encounter, note text included (the coder assigns the final
 *    codes from it: AHIMA Standards of Ethical Coding), except psychotherapy notes (164.501, 164.508(a)(2)) and
 *    substance use disorder records (42 CFR Part 2: not needed to code, and their presence is not acknowledged);
 *    other restricted categories only with clinical:read:restricted (the role matrix decides)
 *  - nurse (clinical:read, note:read): everything except psychotherapy notes
 *  - physician: everything; psychotherapy notes only those they wrote
 *  - HIM technician (record:him): the designated record set, less psychotherapy notes (this view's choice: they are
 *    excluded from the right of access, 164.524(a)(1)(i), and most uses need an authorization, 164.508(a)(2))
 *  - patient (self:record): their own record, without psychotherapy notes (164.524(a)(1)(i))
 *  - representative: the represented patient's record as the patient sees it, less a minor's own care (164.502(g))
 */
export interface RecordView {
  name: string;
  /** The permission the access policy checks before anything is read. */
  gate: Permission;
  sections: {
    demographics: boolean;
    encounters: boolean;
    diagnoses: boolean;
    procedures: boolean;
    observations: boolean;
    notes: boolean;
  };
  /** Restricted items may be shown (each still goes through the policy). */
  restricted: boolean;
  /** Psychotherapy notes may be shown (each still goes through the policy: author only). */
  psychotherapy: boolean;
  /** Restricted categories this view never shows, whatever the permissions (the coding view: Part 2). */
  excludedCategories?: readonly string[];
}

const ALL = { demographics: true, encounters: true, diagnoses: true, procedures: true, observations: true, notes: true };

export function recordViewFor(role: RoleName, permissions: ReadonlySet<Permission>): RecordView {
  const has = (p: Permission) => permissions.has(p);
  if (role === 'patient') {
    return { name: 'own-record', gate: 'self:record', sections: ALL, restricted: true, psychotherapy: false };
  }
  if (role === 'representative') {
    // Treated as the individual (164.502(g)): the individual's view; the policy decides whose record and which care.
    return { name: 'represented-record', gate: 'self:record', sections: ALL, restricted: true, psychotherapy: false };
  }
  if (has('clinical:read')) {
    return {
      name: has('record:him') ? 'designated-record-set' : 'clinical',
      gate: 'clinical:read',
      sections: { ...ALL, notes: has('note:read') || has('record:him') },
      restricted: has('clinical:read:restricted') || has('record:him'),
      psychotherapy: has('note:read:psychotherapy'),
    };
  }
  if (has('roi:process')) {
    // Release of information: no standing access; an open request's scope decides (the policy says which).
    return {
      name: 'release-of-information',
      gate: 'clinical:read',
      sections: { ...ALL },
      // Not limited by the view: each item goes to the policy, which applies the request's scope and categories.
      restricted: true,
      psychotherapy: true,
    };
  }
  if (has('coding:read')) {
    return {
      name: 'coding',
      gate: 'coding:read',
      sections: { ...ALL },
      restricted: has('clinical:read:restricted'),
      psychotherapy: false,
      excludedCategories: ['substance-use'],
    };
  }
  if (has('demographics:read')) {
    return {
      name: 'demographics',
      gate: 'demographics:read',
      sections: { demographics: true, encounters: false, diagnoses: false, procedures: false, observations: false, notes: false },
      restricted: false,
      psychotherapy: false,
    };
  }
  // No view: the policy refuses with the role's own reason (admin, analyst, privacy officer, ROI specialist...).
  return {
    name: 'none',
    gate: 'clinical:read',
    sections: { demographics: false, encounters: false, diagnoses: false, procedures: false, observations: false, notes: false },
    restricted: false,
    psychotherapy: false,
  };
}

/** What each view contains, for the API docs (`/docs`). */
export const VIEW_DOC = [
  '| role | view | demographics | encounters, diagnoses, procedures | observations | note text | restricted items | psychotherapy notes |',
  '|---|---|---|---|---|---|---|---|',
  '| registrar | demographics | yes | - | - | - | - | - |',
  '| coder | coding | yes | yes | yes | yes | yes, except Part 2 (substance use) | - |',
  '| nurse | clinical | yes | yes | yes | yes | care team | - |',
  '| physician | clinical | yes | yes | yes | yes | care team | own notes only |',
  '| him_technician | designated-record-set | yes | yes | yes | yes | yes | - |',
  '| patient | own-record | yes | yes | yes | yes | yes | - |',
  '| representative | represented-record (the patients they represent) | yes | yes | yes | yes | yes, except a minor\'s own care | - |',
  '| roi_specialist | scope of an open ROI request | | | | | | |',
  '| admin, quality_analyst, privacy_officer, instructor | none (403 with the reason) | | | | | | |',
].join('\n');
