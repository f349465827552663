import type { RequesterType } from './disclosure-basis';

/**
 * What a copy of the records costs the requester. Pure: the schedule comes from configuration (roi-settings.ts).
 *
 * The individual's own copy (45 CFR 164.524(c)(4)): a reasonable, cost-based fee covering only labor for copying,
 * supplies (paper, or electronic media) and postage; never a fee for searching or retrieving. For an electronic
 * copy of electronic records HHS also allows a flat fee of at most $6.50, all-inclusive, instead of calculating
 * costs. Other requesters pay the organization's schedule (a base fee and a per-page fee, as state law allows).
 */

/** HHS guidance on 164.524(c)(4): the flat-fee option for electronic copies may not exceed $6.50. */
export const MAX_SELF_FLAT_FEE_CENTS = 650;

export interface SelfFeeSchedule {
  /** 'flat': the flat fee for electronic copies (paper copies are always cost-based); 'cost': calculate. */
  method: 'flat' | 'cost';
  flatCents: number;
  /** Labor for copying, per page (the time to make the copy, paper or electronic). */
  laborCentsPerPage: number;
  /** Supplies: paper, per page. */
  paperCentsPerPage: number;
  /** Supplies: the electronic medium (CD, USB drive) when the individual asks for one; 0 for a download. */
  electronicMediaCents: number;
  /** Postage, when the paper copy is mailed. */
  postageCents: number;
}

export interface ThirdPartyFeeSchedule {
  baseCents: number;
  perPageCents: number;
  postageCents: number;
}

export type FeeSchedule = { self: SelfFeeSchedule } & Record<Exclude<RequesterType, 'self'>, ThirdPartyFeeSchedule>;

export const DEFAULT_FEE_SCHEDULE: FeeSchedule = {
  self: { method: 'flat', flatCents: MAX_SELF_FLAT_FEE_CENTS, laborCentsPerPage: 5, paperCentsPerPage: 10, electronicMediaCents: 0, postageCents: 150 },
  // Continuity of care: providers are not charged.
  provider: { baseCents: 0, perPageCents: 0, postageCents: 0 },
  insurer: { baseCents: 1500, perPageCents: 25, postageCents: 150 },
  attorney: { baseCents: 2500, perPageCents: 50, postageCents: 150 },
  law_enforcement: { baseCents: 0, perPageCents: 0, postageCents: 0 },
  other: { baseCents: 1500, perPageCents: 25, postageCents: 150 },
};

export interface FeeLine {
  item: string;
  cents: number;
}

export interface Fee {
  totalCents: number;
  method: 'flat' | 'cost-based' | 'schedule';
  pages: number;
  lines: FeeLine[];
  basis: string;
}

/** Items listed per page of a paper copy, and characters of note text per page: a stable, explainable estimate. */
const ITEMS_PER_PAGE = 40;
const NOTE_CHARS_PER_PAGE = 3000;

/** Pages of the copy: a cover page, the structured items, and each note's text. */
export function estimatePages(structuredItems: number, noteLengths: readonly number[]): number {
  return 1 + Math.ceil(structuredItems / ITEMS_PER_PAGE) + noteLengths.reduce((n, len) => n + Math.max(1, Math.ceil(len / NOTE_CHARS_PER_PAGE)), 0);
}

export function computeFee(
  schedule: FeeSchedule,
  requesterType: RequesterType,
  format: 'electronic' | 'paper',
  pages: number,
): Fee {
  if (requesterType === 'self') {
    const s = schedule.self;
    if (format === 'electronic' && s.method === 'flat') {
      return {
        totalCents: s.flatCents, method: 'flat', pages,
        lines: [{ item: 'flat fee for an electronic copy of electronic records, all-inclusive', cents: s.flatCents }],
        basis: '45 CFR 164.524(c)(4): flat fee of at most $6.50 for an electronic copy; no search or retrieval fee',
      };
    }
    const lines: FeeLine[] = [{ item: `labor for copying, ${pages} page(s)`, cents: pages * s.laborCentsPerPage }];
    if (format === 'paper') {
      lines.push({ item: `supplies: paper, ${pages} page(s)`, cents: pages * s.paperCentsPerPage });
      lines.push({ item: 'postage', cents: s.postageCents });
    } else if (s.electronicMediaCents > 0) {
      lines.push({ item: 'supplies: electronic media', cents: s.electronicMediaCents });
    }
    return {
      totalCents: sum(lines), method: 'cost-based', pages, lines,
      basis: '45 CFR 164.524(c)(4): cost-based fee (labor for copying, supplies, postage); no search or retrieval fee',
    };
  }
  const s = schedule[requesterType];
  const lines: FeeLine[] = [];
  if (s.baseCents > 0) lines.push({ item: 'base fee (search, retrieval and handling)', cents: s.baseCents });
  if (s.perPageCents > 0) lines.push({ item: `copies, ${pages} page(s)`, cents: pages * s.perPageCents });
  if (format === 'paper' && s.postageCents > 0) lines.push({ item: 'postage', cents: s.postageCents });
  return { totalCents: sum(lines), method: 'schedule', pages, lines, basis: `the organization's fee schedule for requester type ${requesterType}` };
}

const sum = (lines: FeeLine[]): number => lines.reduce((n, l) => n + l.cents, 0);
