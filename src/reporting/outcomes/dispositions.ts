import { MeasureDefinition, SOURCES } from '../definitions';

/**
 * Discharge dispositions, in report order: the five that may leave an index stay (alive, not transferred, not AMA;
 * the readmission cohort then applies its other exclusions, cohort.ts), then the three that never do. 'unknown' is a
 * discharge with no disposition recorded.
 */
export const INDEX_DISPOSITIONS = ['home', 'home-health', 'skilled-nursing', 'other', 'unknown'] as const;
export const NON_INDEX_DISPOSITIONS = ['expired', 'transfer-acute', 'ama'] as const;
export const DISPOSITIONS = [...INDEX_DISPOSITIONS, ...NON_INDEX_DISPOSITIONS] as const;
export type Disposition = (typeof DISPOSITIONS)[number];

/** A SQL-safe column alias for a disposition ('home-health' -> d_home_health). */
export const dispositionColumn = (d: Disposition) => `d_${d.replace(/-/g, '_')}`;

export const DISPOSITION_DEFINITION: MeasureDefinition = {
  measure: 'discharge disposition mix',
  rule:
    'How many discharges went where: home, home with home health care, a skilled nursing facility, another destination ("other"), ' +
    'transferred to another acute-care hospital, left against medical advice ("ama"), died ("expired"), or no disposition recorded ' +
    '("unknown"). The counts add up to the discharges.',
  source: SOURCES.nubcDisposition,
};
