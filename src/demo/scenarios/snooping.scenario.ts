import { SPECIAL_PATIENTS } from '../special-patients';
import type { RequestContext } from '../../common/request-context';
import { Scenario, ScenarioKit, ScenarioResult, WORKSTATION_UA } from './scenario-kit';

const NURSE_STATION = { clientIp: '10.20.4.17', userAgent: WORKSTATION_UA };

/**
 * Snooping: last night, between 23:38 and 23:52 local time, nurse.patel looks up people she knows: Raj Patel
 * (patient 3, her surname, not her patient), the VIP (patient 4) and a coworker, dr.okafor, whose user account this
 * scenario links to a patient record (the seed has no coworker record other than her own). Each time she breaks the
 * glass with a thin reason, then opens the chart. Nothing here is refused by the access policy: break-the-glass
 * exists for emergencies, and only the review of the trail tells an emergency from curiosity.
 */
export const snoopingScenario: Scenario = {
  name: 'snooping',
  title: 'A nurse looks up a coworker, a same-surname relative and a VIP at night',
  description:
    'Plants activity by nurse.patel last night (23:38-23:52 in AUDIT_TIME_ZONE): a patient search, then break-the-glass and a chart ' +
    'read for patient 3 (same surname), patient 4 (VIP) and a coworker (dr.okafor, linked to a patient record by the scenario). ' +
    'Expected anomalies: same-surname, vip-without-care-relation, own-or-coworker-record, after-hours.',

  async run(kit: ScenarioKit, _instructor: RequestContext): Promise<ScenarioResult> {
    const nurse = await kit.user('nurse.patel');
    const okafor = await kit.user('dr.okafor');
    const coworkerPatient = await linkCoworkerRecord(kit, okafor.id);
    const relative = SPECIAL_PATIENTS.sameSurnameAsNurse;
    const vip = SPECIAL_PATIENTS.vipOffCareTeam;
    const at = (minute: number) => kit.clock.set(kit.localInstant(1, 23, minute));

    at(38);
    const matches = await kit.patients.countNamePrefix('patel');
    await kit.record(kit.ctx(nurse, NURSE_STATION), {
      action: 'search', outcome: 'success', resourceType: 'patient', details: { criteria: 'name', results: matches },
    });
    const grants: Record<string, number> = {};
    const steps: [number, number, string][] = [
      [relative, 39, 'Checking on a patient from the unit'],
      [vip, 44, 'Need to verify patient status'],
      [coworkerPatient, 51, 'Follow-up question about medications'],
    ];
    for (const [patientId, minute, reason] of steps) {
      at(minute);
      grants[String(patientId)] = await kit.breakTheGlass(kit.ctx(nurse, NURSE_STATION), patientId, reason);
      at(minute + 1);
      await kit.readRecord(kit.ctx(nurse, NURSE_STATION, 'TREAT'), patientId, true);
    }
    return {
      scenario: 'snooping',
      title: this.title,
      story: [
        `Last night at 23:38 (${kit.timeZone}) nurse.patel searched for "Patel" from workstation ${NURSE_STATION.clientIp}.`,
        `23:39-23:40: she broke the glass and opened patient ${relative} (Raj Patel), who shares her surname and is not her patient.`,
        `23:44-23:45: the same for patient ${vip}, a VIP on nobody's care team.`,
        `23:51-23:52: the same for patient ${coworkerPatient}, the record of her coworker dr.okafor.`,
        'Every request was allowed: break-the-glass exists for emergencies. Find her in the trail.',
        'Then close the loop as privacy.smith (the walkthrough below): judge the accesses inappropriate, open a breach incident with the audit rows as evidence, assess the four factors of 45 CFR 164.402(2), decide, and track the 60-day notification deadline (164.404(b)).',
      ],
      planted: { seqs: [...kit.seqs], from: new Date(kit.localInstant(1, 23, 38)).toISOString(), to: new Date(kit.localInstant(1, 23, 52)).toISOString() },
      lookFor: ['same-surname', 'vip-without-care-relation', 'own-or-coworker-record', 'after-hours'],
      details: {
        actor: 'nurse.patel', patients: { sameSurname: relative, vip, coworker: coworkerPatient }, coworkerUser: 'dr.okafor', grants,
        walkthrough: breachWalkthrough(grants[String(relative)], vip),
      },
    };
  },
};

/**
 * How the snooping ends: the finding, judged inappropriate, becomes a breach incident (docs/instructor-guide.md,
 * "Closing the loop"). Each step is a call a class makes as privacy.smith; the scenario plants none of them.
 */
function breachWalkthrough(grantId: number, vip: number): { step: string; call: string; citation: string }[] {
  return [
    { step: 'Find the accesses', call: 'GET /audit/anomalies?from=<planted.from>&to=<planted.to + 1 min>', citation: '45 CFR 164.308(a)(1)(ii)(D)' },
    { step: 'Judge the grant inappropriate', call: `POST /access/break-glass/${grantId}/review {"outcome":"violation","note":"..."}`, citation: '45 CFR 164.312(a)(2)(ii)' },
    { step: 'Open the incident (evidence: the audit rows under the grant)', call: `POST /privacy/incidents {"source":"break-glass-review","grantId":${grantId},"summary":"...","discoveredAt":"<first known>"}`, citation: '45 CFR 164.404(a)(2)' },
    { step: 'Or open one from the VIP finding', call: `POST /privacy/incidents {"source":"anomaly-finding","rule":"vip-without-care-relation","patientId":${vip},"subjectUserId":<actor.id>,"evidence":[<finding.evidence>],"summary":"..."}`, citation: '45 CFR 164.402' },
    { step: 'Assess the four factors (and any exception)', call: 'PUT /privacy/incidents/{id}/assessment {natureAndExtent, unauthorizedPerson, acquiredOrViewed, mitigation, individualsAffected, version}', citation: '45 CFR 164.402(1), (2)' },
    { step: 'Decide: breach or not, documented', call: 'POST /privacy/incidents/{id}/decision {"decision":"breach","rationale":"...","version":2}', citation: '45 CFR 164.414(b)' },
    { step: 'Track the deadlines and record the notices', call: 'GET /privacy/incidents/{id} (deadlines); POST /privacy/incidents/{id}/notifications {"target":"individual",...}', citation: '45 CFR 164.404(b), 164.406, 164.408' },
  ];
}

/** dr.okafor's own patient record: the one already linked, or the first bystander patient, linked now. */
async function linkCoworkerRecord(kit: ScenarioKit, userId: number): Promise<number> {
  const linked = await kit.patients.linkedTo(userId);
  if (linked !== null) return linked;
  const [patientId] = await kit.bystanders(1);
  await kit.db.transaction((tx) => kit.patients.linkUser(tx, patientId, userId, kit.realClock.nowIso()));
  return patientId;
}
