import type { FieldProblem } from '../common/errors';
import { namesSameParty } from './authorization';
import type { RecipientKind } from './disclosure-basis';

/**
 * A copy of the individual's own records sent to someone else at the individual's direction (45 CFR
 * 164.524(c)(3)(ii), issue 12, item 4): part of the right of access, so no authorization, but the request must be in
 * writing, signed by the individual, and clearly identify the designated person and where to send the copy. The
 * copy goes to that person and the disclosure is recorded as made to them.
 */
export interface Direction {
  /** The individual's signature on the written direction. */
  signedBy?: string;
  signedOn?: string;
  /** The designated person, as the direction names them (must be the request's recipient). */
  recipient?: string;
  /** Where to send the copy (an address, a fax number, a secure e-mail or portal). */
  sendTo?: string;
}

/** A self request names a third party when its recipient is not the patient (by kind or by name). */
export function isDirectedToThirdParty(recipientKind: RecipientKind | null, requesterName: string | null | undefined, patientName: string): boolean {
  if (recipientKind !== null && recipientKind !== 'individual') return true;
  return typeof requesterName === 'string' && requesterName.trim().length > 0 && !namesSameParty(requesterName, patientName);
}

const blank = (v: unknown): boolean => typeof v !== 'string' || v.trim().length === 0;

/** Every missing element of the written direction (empty: the copy may go to the designated person). */
export function directionProblems(d: Direction | null | undefined, ctx: { today: string; recipientName: string; patientName: string }): FieldProblem[] {
  const out: FieldProblem[] = [];
  const add = (field: string, problem: string) => out.push({ field: `direction${field ? `.${field}` : ''}`, problems: [problem] });
  if (!d) {
    add('', `is missing: a copy sent to ${ctx.recipientName} at the patient's direction needs the patient's written, signed direction clearly identifying the recipient and where to send the copy (45 CFR 164.524(c)(3)(ii))`);
    return out;
  }
  if (blank(d.signedBy)) add('signedBy', 'is missing: the direction must be signed by the individual (164.524(c)(3)(ii))');
  else if (!namesSameParty(d.signedBy as string, ctx.patientName)) add('signedBy', `does not name the patient (${ctx.patientName}): the individual signs the direction (164.524(c)(3)(ii)); a representative acts through the personal-representative rules`);
  if (blank(d.signedOn)) add('signedOn', 'is missing: the date the individual signed the direction');
  else if ((d.signedOn as string) > ctx.today) add('signedOn', `is in the future (${d.signedOn})`);
  if (blank(d.recipient)) add('recipient', 'is missing: the direction must clearly identify the designated person (164.524(c)(3)(ii))');
  else if (!namesSameParty(d.recipient as string, ctx.recipientName)) add('recipient', `does not name the request's recipient (${ctx.recipientName}) (164.524(c)(3)(ii))`);
  if (blank(d.sendTo)) add('sendTo', 'is missing: the direction must say where to send the copy (164.524(c)(3)(ii))');
  return out;
}
