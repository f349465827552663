import { Inject, Injectable } from '@nestjs/common';
import { AuditWriter, fromContext } from '../audit/audit.writer';
import { Clock } from '../common/clock';
import { AccessDenied, NotFound } from '../common/errors';
import type { AuthUser, RequestContext } from '../common/request-context';
import { bool, Db } from '../database/db';
import type { Permission } from './catalogue';
import type { Caller } from './item-visibility';
import { Decision, decide, ItemFacts, PatientFacts, RoiRequestFacts } from './policy';
import { PrivacyFactsRepository } from './privacy-facts.repository';
import { representationInForce } from './representation';
import { recordViewFor } from './record-views';

/**
 * Where an open ROI request can vouch for an ROI specialist (filled in by the release-of-information module).
 * The answer may carry the request's scope (record types, dates, restricted categories) for item-level checks.
 */
export interface RoiScopeSource {
  openRequestCovering(userId: number, patientId: number, at: string): Promise<RoiRequestFacts | null>;
}

/** The injection token of the RoiScopeSource (provided by RoiScopeModule): no source, no app (Nest refuses to start). */
export const ROI_SCOPE_SOURCE = Symbol('ROI_SCOPE_SOURCE');

export interface AuditTarget {
  resourceType: string;
  resourceId?: string | number | null;
}

/**
 * Every access to patient data asks here first (docs/architecture.md, section 3). It gathers the facts in one query and
 * hands them to the pure `decide`; `require` also audits refusals, so a denied attempt always leaves a row.
 */
@Injectable()
export class AccessPolicyService {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly audit: AuditWriter,
    @Inject(ROI_SCOPE_SOURCE) private readonly roiScope: RoiScopeSource,
    private readonly privacy: PrivacyFactsRepository,
  ) {}

  async patientFacts(user: AuthUser, patientId: number): Promise<PatientFacts> {
    const now = this.clock.nowIso();
    const row = await this.db.one<{
      id: number; vip: unknown; user_id: number | null; birth_date: string; deceased_at: string | null; care_team: unknown; grant_id: number | null; grant_expires: string | null;
    }>(
      `SELECT p.id, p.vip, p.user_id, p.birth_date, p.deceased_at,
         EXISTS (SELECT 1 FROM care_team_members c WHERE c.patient_id = p.id AND c.user_id = $2) AS care_team,
         g.id AS grant_id, g.expires_at AS grant_expires
       FROM patients p
       LEFT JOIN break_glass_grants g ON g.id = (
         SELECT g2.id FROM break_glass_grants g2
          WHERE g2.user_id = $2 AND g2.patient_id = p.id AND g2.expires_at > $3
          ORDER BY g2.expires_at DESC LIMIT 1)
       WHERE p.id = $1`,
      [patientId, user.id, now],
    );
    if (!row) {
      return { patientId, exists: false, vip: false, careTeam: false, ownRecord: false, breakGlass: null, roiRequest: null };
    }
    const patient = { id: patientId, birthDate: row.birth_date, deceasedAt: row.deceased_at };
    const roiRequest = user.role === 'roi_specialist' ? await this.withRepresentative(await this.roiScope.openRequestCovering(user.id, patientId, now), now) : null;
    // A representative's links to this patient (164.502(g)); the restrictions a disclosure must honour (164.522(a)).
    const representation = user.role === 'representative'
      ? await this.privacy.representation(user.id, patient, now)
      : null;
    const restrictions = roiRequest ? await this.privacy.restrictions(patientId) : [];
    return {
      patientId,
      exists: true,
      vip: bool(row.vip),
      careTeam: bool(row.care_team),
      ownRecord: row.user_id !== null && Number(row.user_id) === user.id,
      breakGlass: row.grant_id ? { id: Number(row.grant_id), expiresAt: row.grant_expires as string } : null,
      roiRequest,
      representation,
      restrictions,
    };
  }

  /**
   * The individual's own request filed by their personal representative: the copy goes to the representative, so
   * the representation in force (a minor's parent: not for the minor's own care, 164.502(g)(3)) travels with it.
   */
  async withRepresentative<T extends RoiRequestFacts | null>(request: T, now: string): Promise<T> {
    const d = request?.disclosure;
    if (!request || !d || d.requesterType !== 'self' || d.createdBy === undefined || request.patientId === undefined) return request;
    const patient = await this.privacy.patientDates(request.patientId);
    if (!patient) return request;
    const facts = await this.privacy.representation(d.createdBy, patient, now);
    const inForce = representationInForce(patient.id, facts, undefined);
    if (!('actingFor' in inForce)) return request;
    return { ...request, disclosure: { ...d, representative: { relationship: inForce.actingFor.relationship, minorConsentEncounters: facts.minorConsentEncounters } } };
  }

  /** The decision without side effects: what /access/explain shows. */
  async explain(user: AuthUser, permission: Permission, patientId?: number, item?: ItemFacts): Promise<Decision> {
    return (await this.decideFor(user, permission, patientId, item)).decision;
  }

  private async decideFor(user: AuthUser, permission: Permission, patientId?: number, item?: ItemFacts): Promise<{ facts: PatientFacts | null; decision: Decision }> {
    const facts = patientId === undefined ? null : await this.patientFacts(user, patientId);
    return { facts, decision: decide(subjectOf(user), permission, facts, item) };
  }

  /**
   * /access/explain for a caller. Naming a patient reveals whether the patient exists and is a VIP, so that question
   * is audited (action explain, with the decision); a question about no patient reads nothing and is not.
   */
  async explainFor(ctx: RequestContext, permission: Permission, patientId?: number): Promise<Decision> {
    const { facts, decision } = await this.decideFor(ctx.user, permission, patientId);
    if (patientId !== undefined) {
      await this.audit.append({
        ...fromContext(ctx), action: 'explain', outcome: 'success', resourceType: 'access-decision', resourceId: patientId,
        patientId: facts?.exists ? patientId : null, details: { permission, decision: decision.decision },
      });
    }
    return decision;
  }

  /**
   * Whether a VIP search hit is shown in full: to a caller the policy lets read that patient's demographics (a care
   * relation, a break-the-glass grant) or who registers patients (demographics:write: registration duties). Anyone
   * else sees a masked entry: no name, birth date or MRN, so a search cannot confirm a VIP is here.
   */
  async vipHitVisible(user: AuthUser, patientId: number): Promise<boolean> {
    if (user.permissions.has('demographics:write')) return true;
    return (await this.explain(user, 'demographics:read', patientId)).decision === 'allow';
  }

  /** The caller of the item-visibility rule: who asks, through which view, with the facts already loaded. */
  callerFor(user: AuthUser, facts: PatientFacts): Caller {
    return { subject: subjectOf(user), facts, view: recordViewFor(user.role, user.permissions) };
  }

  /**
   * Decide before touching data. A refusal writes its audit row (with the reason) and throws 403; an unknown
   * patient is audited and answers 404. On success the facts come back for item-level checks.
   */
  async require(ctx: RequestContext, permission: Permission, patientId: number, target: AuditTarget, item?: ItemFacts): Promise<Granted> {
    const facts = await this.patientFacts(ctx.user, patientId);
    const decision = decide(subjectOf(ctx.user), permission, facts, item);
    if (decision.decision === 'allow') return { ...decision, facts };
    const reason = decision.reasons[decision.reasons.length - 1];
    await this.audit.append({
      ...fromContext(ctx),
      action: 'access-denied',
      outcome: facts.exists ? 'denied' : 'error',
      reason: facts.exists ? reason : 'patient not found',
      patientId: facts.exists ? patientId : null,
      resourceType: target.resourceType,
      resourceId: target.resourceId ?? null,
      details: { permission },
    });
    // The trail records that the patient does not exist; the caller learns it only when the policy says they may.
    if (decision.notFound) throw new NotFound(`Patient ${patientId}`);
    throw new AccessDenied(`Forbidden: ${reason}`, decision.reasons);
  }

  /** A route-level refusal decided by a service (not by a patient's facts), audited the same way. */
  async refuse(ctx: RequestContext, reason: string, target: AuditTarget & { patientId?: number | null }): Promise<never> {
    await this.audit.append({
      ...fromContext(ctx), action: 'access-denied', outcome: 'denied', reason,
      patientId: target.patientId ?? null, resourceType: target.resourceType, resourceId: target.resourceId ?? null,
    });
    throw new AccessDenied(`Forbidden: ${reason}`, [reason]);
  }
}

export type Granted = Decision & { facts: PatientFacts };

/**
 * The permission through which the caller exercises one of the individual's rights: the patient through self:record;
 * a personal representative's right to an accounting of disclosures (164.528) is disclosure:read, so the policy can
 * tell it from the right of access when the representation covers one and not the other.
 */
export function individualPermission(user: AuthUser, right: 'access' | 'accounting'): Permission {
  return user.role === 'representative' && right === 'accounting' ? 'disclosure:read' : 'self:record';
}

/** The caller acts as the individual (their own record, or as a personal representative, 164.502(g)). */
export function actsAsIndividual(grant: Granted): boolean {
  return grant.facts.ownRecord || grant.actingFor !== undefined;
}

function subjectOf(user: AuthUser) {
  return { userId: user.id, role: user.role, permissions: user.permissions };
}
