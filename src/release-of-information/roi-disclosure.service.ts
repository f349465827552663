import { Inject, Injectable } from '@nestjs/common';
import { AccessPolicyService, Granted } from '../access/access-policy.service';
import { limitsOf } from '../access/item-visibility';
import type { PatientFacts } from '../access/policy';
import type { AuditEventInput } from '../audit/audit.types';
import { AuditWriter, fromContext } from '../audit/audit.writer';
import { Clock } from '../common/clock';
import { Conflict, NotFound } from '../common/errors';
import type { RequestContext } from '../common/request-context';
import { Db, Queryable } from '../database/db';
import { AmendmentReads, visibleChart } from '../records';
import { DeniedPart, deniedPartInForce } from './access-denial';
import { denialFactsOf, deniedPartOf } from './access-denial.service';
import { authorizationInForce } from './authorization';
import { deliveryOf } from './confidential-communications';
import { ConfidentialCommunicationsRepository } from './confidential-communications.repository';
import type { DenialCode } from './denial-grounds';
import { accountingExemption, LEGAL_BASES } from './disclosure-basis';
import { DisclosuresService } from './disclosures.service';
import { computeFee, estimatePages, Fee } from './fees';
import { serializeBundle, toFhirBundle } from './fhir-bundle';
import { buildPackage, describePackage, DisclosurePackage, serializePackage } from './package-builder';
import { RoiRequestsRepository, RoiRow } from './roi-request.repository';
import { authorizationOf, basisOf, deliveryRequestOf, DISCLOSURE, isDirected, requestFactsOfRow, RoiRequestView, today } from './roi-request.view';
import { basisFactsOf } from './roi-scope';
import { RECORD_TYPES, RecordType } from './roi-scope';
import { ROI_SETTINGS, RoiSettings } from './roi-settings';
import { READING_STATUSES } from './roi-state-machine';
import { ScopedRecordReader } from './scoped-record-reader';

/** The part of a self request denied in part and not reversed on review (164.524(d)(1), (d)(4)), or null. */
function deniedInForce(row: RoiRow): { part: DeniedPart; code: DenialCode } | null {
  const part = deniedPartInForce(deniedPartOf(row), denialFactsOf(row).review);
  return part && row.denial_code ? { part, code: row.denial_code as DenialCode } : null;
}

export interface PackageFile {
  body: string;
  contentType: string;
  sha256: string;
  filename: string;
}

/** What the fulfilment adds to the request row and to the trail. */
export interface Fulfilment {
  json: string;
  sha256: string;
  fhirSha256: string;
  fee: Fee;
  disclosureId: number;
  exempt: boolean;
  event: AuditEventInput;
}

/**
 * The disclosure itself: the scoped read for the review (GET /roi/requests/:id/records), the package built at
 * fulfilment (hashed, priced, entered in the accounting of disclosures) and its download as JSON or FHIR. Every item
 * passes the item-visibility rule as the ROI specialist holding the request, with its scope.
 */
@Injectable()
export class RoiDisclosureService {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly policy: AccessPolicyService,
    private readonly audit: AuditWriter,
    private readonly requests: RoiRequestsRepository,
    private readonly view: RoiRequestView,
    private readonly reader: ScopedRecordReader,
    private readonly disclosures: DisclosuresService,
    @Inject(ROI_SETTINGS) private readonly settings: RoiSettings,
    private readonly communications: ConfidentialCommunicationsRepository,
  ) {}

  /**
   * The records the request covers, exactly as the package would carry them, for the review. Only from the start of
   * the review until the request is closed, only inside its scope; audited as a read with purpose DISCLOSURE.
   */
  async records(ctx: RequestContext, id: number) {
    const row = await this.requests.find(this.db, id);
    const patientId = Number(row.patient_id);
    const target = { resourceType: 'record', resourceId: patientId, patientId };
    if (!(READING_STATUSES as readonly string[]).includes(row.status)) {
      await this.policy.refuse(ctx, `release-of-information request ${id} is ${row.status}; its records are read only from the start of its review until it is closed`, target);
    }
    const now = this.clock.nowIso();
    if (LEGAL_BASES[basisOf(row)].needsAuthorization && !authorizationInForce(authorizationOf(row), today(now))) {
      await this.policy.refuse(ctx, `the authorization of release-of-information request ${id} is no longer in force (expired or revoked)`, target);
    }
    const grant = await this.policy.require(ctx, 'clinical:read', patientId, target);
    const pkg = await this.assemble(this.db, ctx, row, grant.facts, now);
    await this.audit.append({
      ...fromContext(ctx), action: 'read', outcome: 'success', resourceType: 'record', resourceId: patientId, patientId, purposeOfUse: DISCLOSURE,
      details: { roiRequestId: id, view: 'release-of-information', counts: pkg.counts },
    });
    return {
      requestId: id, patientId, scope: pkg.scope, counts: pkg.counts, withheld: pkg.withheld, notices: pkg.notices, ...pkg.records, amendments: pkg.amendments,
      access: { reasons: grant.reasons, roiRequestId: id },
    };
  }

  /**
   * The disclosed package, as stored at fulfilment (format=json, the hashed bytes) or as a FHIR R4 Bundle. ROI staff
   * while the request is fulfilled (delivery); the patient, for their own request, at any time after.
   */
  async package(ctx: RequestContext, id: number, format: 'json' | 'fhir'): Promise<PackageFile> {
    const row = await this.requests.find(this.db, id);
    const patientId = Number(row.patient_id);
    const staff = await this.view.requireReader(ctx, row);
    const target = { resourceType: 'roi-package', resourceId: id, patientId };
    if (!['fulfilled', 'closed'].includes(row.status)) {
      throw new Conflict(`release-of-information request ${id} is ${row.status}: the package exists once it is fulfilled`, { status: row.status });
    }
    if (staff && row.status === 'closed') {
      await this.policy.refuse(ctx, `release-of-information request ${id} is closed: its package was delivered and is no longer open to ROI staff`, target);
    }
    // The package is the patient's records: ROI staff get it only while an open request covers the patient.
    if (staff) await this.policy.require(ctx, 'clinical:read', patientId, target);
    const json = (await this.requests.packageJson(id))!;
    let file: PackageFile;
    if (format === 'fhir') {
      const bundle = serializeBundle(toFhirBundle(JSON.parse(json) as DisclosurePackage, row.package_sha256!));
      file = { body: bundle.json, contentType: 'application/fhir+json; charset=utf-8', sha256: bundle.sha256, filename: `roi-request-${id}.fhir.json` };
    } else {
      file = { body: json, contentType: 'application/json; charset=utf-8', sha256: row.package_sha256!, filename: `roi-request-${id}.json` };
    }
    await this.audit.append({
      ...fromContext(ctx), action: 'export', outcome: 'success', resourceType: 'roi-package', resourceId: id, patientId,
      purposeOfUse: staff ? DISCLOSURE : ctx.purposeOfUse, details: { roiRequestId: id, format, sha256: file.sha256 },
    });
    return file;
  }

  /** Fulfilment, inside the transition's transaction: build, hash, price, and record the disclosure. */
  async fulfil(tx: Queryable, ctx: RequestContext, row: RoiRow, grant: Granted, now: string): Promise<Fulfilment> {
    const pkg = await this.assemble(tx, ctx, row, grant.facts, now);
    const { json, sha256 } = serializePackage(pkg);
    const fhir = serializeBundle(toFhirBundle(pkg, sha256));
    const notes = (pkg.records.notes ?? []).map((n) => String(n.text ?? '').length);
    const structured = RECORD_TYPES.filter((t) => t !== 'notes').reduce((n, t) => n + (pkg.counts[t] ?? 0), 0);
    const fee = computeFee(this.settings.fees, row.requester_type, row.delivery_format, estimatePages(structured, notes));
    const basis = basisOf(row);
    const { exempt, exemption } = accountingExemption(basis);
    // A copy sent at the patient's direction goes to, and is recorded as made to, the designated person (164.524(c)(3)(ii)).
    const directed = isDirected(row);
    const direction = directed ? basisFactsOf(row).direction : null;
    const disclosureId = await this.disclosures.record(tx, {
      patientId: Number(row.patient_id), roiRequestId: Number(row.id), disclosedAt: now, recipientName: row.requester_name,
      recipientAddress: row.requester_address ?? direction?.sendTo ?? null,
      description: describePackage(pkg), purpose: row.purpose, exempt,
      exemption: directed ? `${exemption}: a copy sent to the person the individual designated in a signed written direction (164.524(c)(3)(ii))` : exemption, recordedBy: ctx.user.id,
      legalBasis: basis, source: 'roi', recordedAt: now,
    });
    const event: AuditEventInput = {
      ...fromContext(ctx), action: 'disclose', outcome: 'success', resourceType: 'roi-package', resourceId: Number(row.id),
      patientId: Number(row.patient_id), purposeOfUse: DISCLOSURE,
      details: {
        roiRequestId: Number(row.id), legalBasis: basis, requesterType: row.requester_type, sha256, fhirSha256: fhir.sha256, counts: pkg.counts,
        disclosureId, exempt, ...(directed ? { directedBy: 'individual', recipientKind: row.recipient_kind } : {}),
      },
    };
    return { json, sha256, fhirSha256: fhir.sha256, fee, disclosureId, exempt, event };
  }

  /**
   * Reads the scope and builds the package: each item passes the item-visibility rule as the ROI specialist holding
   * this request (its scope in the policy facts), the same rule as every other answer that carries chart items.
   */
  private async assemble(q: Queryable, ctx: RequestContext, row: RoiRow, facts: PatientFacts, now: string): Promise<DisclosurePackage> {
    // The request's own facts, with the representative who filed it, if one did (a minor's own care stays out).
    const request = await this.policy.withRepresentative(requestFactsOfRow(row), now);
    const scope = request.scope;
    const rows = await this.reader.read(q, Number(row.patient_id), scope);
    if (!rows.patient) throw new NotFound(`Patient ${row.patient_id}`);
    const caller = this.policy.callerFor(ctx.user, { ...facts, roiRequest: request });
    const delivery = deliveryOf(
      deliveryRequestOf(row),
      await this.communications.inForce(q, Number(row.patient_id)),
    );
    return buildPackage({
      request: {
        id: Number(row.id), requesterType: row.requester_type, requesterName: row.requester_name, requesterAddress: row.requester_address,
        purpose: row.purpose, legalBasis: basisOf(row), format: row.delivery_format,
      },
      scope, patient: rows.patient, records: visibleChart(caller, rows.chart, scope.recordTypes as RecordType[]),
      limits: limitsOf(caller), generatedAt: now, generatedBy: { userId: ctx.user.id, username: ctx.user.username },
      disputes: await AmendmentReads.disputesOf(q, Number(row.patient_id)),
      denied: deniedInForce(row),
      delivery,
    });
  }
}
