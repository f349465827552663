import { SPECIAL_PATIENTS } from '../special-patients';
import type { RequestContext } from '../../common/request-context';
import { Scenario, ScenarioKit, ScenarioResult, WORKSTATION_UA } from './scenario-kit';

const ED_STATION = { clientIp: '10.20.9.41', userAgent: WORKSTATION_UA };
const OFFICE_STATION = { clientIp: '10.20.2.8', userAgent: WORKSTATION_UA };
const PRIVACY_STATION = { clientIp: '10.20.7.3', userAgent: WORKSTATION_UA };

/**
 * Break-the-glass, four days ago: one emergency access that is justified (dr.okafor in the ED, reviewed as
 * justified by privacy.smith the next morning) and one that is not (dr.chen opening the VIP "to see how they are
 * doing", never reviewed). With the 72-hour review deadline passed, the second one is an anomaly; the first is not.
 */
export const breakGlassScenario: Scenario = {
  name: 'break-glass',
  title: 'An emergency access that is justified and one that is not',
  description:
    'Plants two break-the-glass grants four days ago: dr.okafor on an ED patient outside his care team (reason stated, chart read, ' +
    'reviewed as justified 20 hours later by privacy.smith) and dr.chen on the VIP patient 4 (thin reason, chart read, never reviewed). ' +
    'Expected anomalies: break-glass-unreviewed and vip-without-care-relation for dr.chen; nothing for the justified access. ' +
    'Students then review the open grant: GET /access/break-glass?reviewed=false, POST /access/break-glass/:id/review.',

  async run(kit: ScenarioKit, _instructor: RequestContext): Promise<ScenarioResult> {
    const okafor = await kit.user('dr.okafor');
    const chen = await kit.user('dr.chen');
    const privacy = await kit.user('privacy.smith');
    // The second bystander: the snooping scenario may link the first to dr.okafor, whose own record needs no glass.
    const [, edPatient] = await kit.bystanders(2);
    const vip = SPECIAL_PATIENTS.vipOffCareTeam;
    const at = (hour: number, minute: number, daysAgo = 4) => kit.clock.set(kit.localInstant(daysAgo, hour, minute));

    at(14, 5);
    const justified = await kit.breakTheGlass(
      kit.ctx(okafor, ED_STATION, 'ETREAT'), edPatient,
      'Patient collapsed in the ED waiting room; attending unreachable, need allergies and current medications',
    );
    at(14, 7);
    await kit.readRecord(kit.ctx(okafor, ED_STATION, 'ETREAT'), edPatient, true);
    at(14, 20);
    await kit.readRecord(kit.ctx(okafor, ED_STATION, 'ETREAT'), edPatient, true);

    at(15, 30);
    const unjustified = await kit.breakTheGlass(kit.ctx(chen, OFFICE_STATION), vip, 'Wanted to check how the patient is doing');
    at(15, 31);
    await kit.readRecord(kit.ctx(chen, OFFICE_STATION), vip, true);

    at(10, 5, 3);
    await kit.review(kit.ctx(privacy, PRIVACY_STATION, 'HCOMPL'), justified, 'justified',
      'ED encounter confirmed; access limited to the emergency and to the attending\'s absence');

    return {
      scenario: 'break-glass',
      title: this.title,
      story: [
        `Four days ago at 14:05 (${kit.timeZone}) dr.okafor broke the glass for patient ${edPatient}, who collapsed in the ED; he read the chart twice.`,
        'The next morning privacy.smith reviewed that grant and found it justified.',
        `At 15:30 the same day dr.chen broke the glass for patient ${vip}, a VIP he does not treat: "Wanted to check how the patient is doing".`,
        'Nobody has reviewed that grant, and the 72 hours allowed for a review have passed.',
      ],
      planted: { seqs: [...kit.seqs], from: new Date(kit.localInstant(4, 14, 5)).toISOString(), to: new Date(kit.localInstant(3, 10, 5)).toISOString() },
      lookFor: ['break-glass-unreviewed', 'vip-without-care-relation'],
      details: { justified: { grantId: justified, user: 'dr.okafor', patientId: edPatient }, unjustified: { grantId: unjustified, user: 'dr.chen', patientId: vip } },
    };
  },
};
