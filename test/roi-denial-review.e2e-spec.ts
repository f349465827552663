import { createTestApp, TestApp } from './helpers/test-app';

/**
 * Denials of the right of access (45 CFR 164.524), end to end: a reviewable ground needs the licensed professional
 * who determined it (164.524(a)(3)); the review by another licensed professional who did not take part, upheld or
 * reversed, a reversal releasing (164.524(a)(4), (d)(4)); a partial denial releasing the rest, the package leaving out
 * exactly the denied part and saying so with its ground (164.524(d)(1)); the notice of 164.524(d)(2).
 */
describe('release of information: denials of access and their review', () => {
  let t: TestApp;
  let demoId: number;
  const user: Record<string, number> = {};

  const as = (username: string) => t.as(username);
  const read = async (id: number) => (await (await as('roi.nguyen')).get(`/roi/requests/${id}`).expect(200)).body;
  const step = async (id: number, action: string, extra: Record<string, unknown> = {}, status = 200) => {
    const current = await read(id);
    return (await as('roi.nguyen')).post(`/roi/requests/${id}/transitions`).send({ action, version: current.version, ...extra }).expect(status);
  };
  /** The patient's own request (filed by the patient, so any ROI specialist works it), walked to in-review. */
  const ownRequest = async (recordTypes: string[], to: 'identity-verified' | 'in-review' = 'in-review') => {
    const res = await (await as('patient.demo')).post('/roi/requests')
      .send({ patientId: demoId, requesterType: 'self', purpose: 'My own copy', recordTypes, format: 'electronic' }).expect(201);
    const id = res.body.id as number;
    await step(id, 'verify-identity');
    if (to === 'in-review') {
      await step(id, 'confirm-right-of-access');
      await step(id, 'begin-review');
    }
    return id;
  };
  const pkg = async (id: number) => JSON.parse((await (await as('patient.demo')).get(`/roi/requests/${id}/package`).expect(200)).text);
  const askReview = async (id: number, username: string, extra: Record<string, unknown> = {}, status = 200) =>
    (await as(username)).post(`/roi/requests/${id}/denial-review`).send({ version: (await read(id)).version, ...extra }).expect(status);
  const decide = async (id: number, username: string, decision: string, status = 200) =>
    (await as(username)).post(`/roi/requests/${id}/denial-review/decision`)
      .send({ decision, reason: `The reviewer's reasons (${decision}).`, version: (await read(id)).version }).expect(status);

  beforeAll(async () => {
    t = await createTestApp({ patients: 20 });
    demoId = Number((await t.db.one<{ id: number }>(`SELECT p.id FROM patients p JOIN users u ON u.id = p.user_id WHERE u.username = 'patient.demo'`))!.id);
    for (const u of await t.db.query<{ id: number; username: string }>('SELECT id, username FROM users')) user[u.username] = Number(u.id);
  });
  afterAll(() => t.close());

  it('a reviewable ground needs the licensed professional who determined it (164.524(a)(3)); an unreviewable one takes none', async () => {
    const id = await ownRequest(['notes'], 'identity-verified');
    const missing = await step(id, 'deny', { denialCode: 'endangerment', reason: 'Risk documented.' }, 400);
    expect(missing.body.details).toEqual([{ field: 'determinedBy', problems: [expect.stringMatching(/164\.524\(a\)\(3\)/)] }]);
    const coder = await step(id, 'deny', { denialCode: 'endangerment', reason: 'Risk documented.', determinedBy: user['coder.kim'] }, 400);
    expect(coder.body.details[0].problems[0]).toMatch(/not a licensed health care professional/);
    await step(id, 'deny', { denialCode: 'endangerment', reason: 'x', determinedBy: 999999 }, 400);
    expect((await read(id)).status).toBe('identity-verified');

    const denied = await step(id, 'deny', { denialCode: 'endangerment', reason: 'The treating psychiatrist documented the risk.', determinedBy: user['dr.chen'] });
    expect(denied.body).toMatchObject({ status: 'denied', denial: { code: 'endangerment', reviewable: true, determinedBy: user['dr.chen'], partial: false, review: null } });
    // 164.524(d)(2): the basis, the review rights and how to use them, the complaint to the entity (title, telephone) and to HHS.
    expect(denied.body.denial.notice.basis).toMatch(/164\.524\(a\)\(3\)\(i\)/);
    expect(denied.body.denial.notice.review).toMatch(/did not take part.*denial-review/s);
    expect(denied.body.denial.notice.complaint).toMatch(/Privacy Officer.*telephone.*Secretary of Health and Human Services/s);

    const other = await ownRequest(['notes'], 'identity-verified');
    const unneeded = await step(other, 'deny', { denialCode: 'litigation-compilation', reason: 'Compiled for the lawsuit.', determinedBy: user['dr.chen'] }, 400);
    expect(unneeded.body.details[0].field).toBe('determinedBy');
    await step(other, 'deny', { denialCode: 'litigation-compilation', reason: 'Compiled for the lawsuit.' });
    const refused = await askReview(other, 'patient.demo', {}, 409);
    expect(refused.body.message).toMatch(/not reviewable.*164\.524\(a\)\(1\)-\(2\)/);
  });

  it('the patient asks for a review; only another licensed professional decides; a reversal releases (164.524(a)(4), (d)(4))', async () => {
    const id = await ownRequest(['diagnoses', 'notes'], 'identity-verified');
    await step(id, 'deny', { denialCode: 'reference-to-another-person', reason: 'Notes name a family member at risk.', determinedBy: user['dr.chen'] });
    await decide(id, 'dr.okafor', 'reversed', 409); // nothing asked for yet
    const named = await askReview(id, 'patient.demo', { reviewerId: user['dr.okafor'] }, 400);
    expect(named.body.details[0].field).toBe('reviewerId');
    const asked = await askReview(id, 'patient.demo', { note: 'I want my whole record.' });
    expect(asked.body.denial.review).toMatchObject({ requestedBy: user['patient.demo'], note: 'I want my whole record.', decision: null, reviewerId: null });
    expect(asked.body.status).toBe('denied');
    await askReview(id, 'patient.demo', {}, 409);

    const before = await t.db.one<{ n: number }>(`SELECT COUNT(*) AS n FROM audit_events WHERE action = 'access-denied' AND resource_type = 'roi-request'`);
    await decide(id, 'roi.nguyen', 'reversed', 403); // the route: no clinical:read
    const him = await decide(id, 'him.jones', 'reversed', 403); // the service: not a licensed professional, audited
    expect(him.body.message).toMatch(/licensed health care professional/);
    const after = await t.db.one<{ n: number }>(`SELECT COUNT(*) AS n FROM audit_events WHERE action = 'access-denied' AND resource_type = 'roi-request'`);
    expect(Number(after!.n)).toBe(Number(before!.n) + 1);
    const own = await decide(id, 'dr.chen', 'reversed', 409);
    expect(own.body.message).toMatch(/did not take part|determined the denial/);
    expect((await read(id)).status).toBe('denied');

    const reversed = await decide(id, 'dr.okafor', 'reversed');
    expect(reversed.body).toMatchObject({ status: 'approved', closedAt: null, denial: { review: { decision: 'reversed', reviewerId: user['dr.okafor'] } } });
    expect(reversed.body.denial.review.notice).toMatch(/reversed.*164\.524\(d\)\(4\)/s);
    expect(reversed.body.history.at(-1)).toMatchObject({ action: 'denial-review-decision', from: 'denied', to: 'approved', actor: { username: 'dr.okafor' } });
    await decide(id, 'nurse.patel', 'upheld', 409); // already decided
    await step(id, 'fulfil');
    const released = await pkg(id);
    expect(released.denied).toBeUndefined();
    expect(released.records.notes.length).toBeGreaterThan(0);
  });

  it('staff designate the reviewer; the designated one decides; upheld, the denial stands', async () => {
    const id = await ownRequest(['notes'], 'identity-verified');
    await step(id, 'deny', { denialCode: 'endangerment', reason: 'Risk.', determinedBy: user['dr.chen'] });
    await askReview(id, 'roi.garcia', { reviewerId: user['coder.kim'] }, 400);
    await askReview(id, 'roi.garcia', { reviewerId: user['dr.chen'] }, 409);
    const asked = await askReview(id, 'roi.garcia', { reviewerId: user['nurse.patel'] });
    expect(asked.body.denial.review.reviewerId).toBe(user['nurse.patel']);
    const other = await decide(id, 'dr.okafor', 'reversed', 409);
    expect(other.body.message).toMatch(/another reviewing official/);
    const upheld = await decide(id, 'nurse.patel', 'upheld');
    expect(upheld.body).toMatchObject({ status: 'denied', denial: { review: { decision: 'upheld', reviewerId: user['nurse.patel'] } } });
    expect(upheld.body.denial.review.notice).toMatch(/upheld/);
    await (await as('patient.demo')).get(`/roi/requests/${id}/package`).expect(409);
  });

  it('a partial denial releases the rest; the package leaves out exactly the denied part and says why (164.524(d)(1))', async () => {
    const id = await ownRequest(['diagnoses', 'notes']);
    const records = (await (await as('roi.nguyen')).get(`/roi/requests/${id}/records`).expect(200)).body;
    const dx = records.diagnoses as { id: number }[];
    const notes = records.notes as { id: number }[];
    expect(dx.length).toBeGreaterThan(1);
    expect(notes.length).toBeGreaterThan(0);
    const base = { denialCode: 'endangerment', reason: 'The notes would endanger the patient.', determinedBy: user['dr.chen'] };

    const empty = await step(id, 'deny-in-part', base, 400);
    expect(empty.body.details[0].field).toBe('deniedSections');
    const all = await step(id, 'deny-in-part', { ...base, deniedSections: ['diagnoses', 'notes'] }, 400);
    expect(all.body.details[0].problems[0]).toMatch(/whole request/);
    const outside = await step(id, 'deny-in-part', { ...base, deniedSections: ['procedures'] }, 400);
    expect(outside.body.details[0].field).toBe('deniedSections');
    const unknown = await step(id, 'deny-in-part', { ...base, deniedItems: [{ recordType: 'diagnoses', id: 987654 }] }, 400);
    expect(unknown.body.details[0].field).toBe('deniedItems');
    await step(id, 'approve', { deniedSections: ['notes'] }, 400);
    await step(id, 'deny-in-part', { deniedSections: ['notes'], denialCode: 'endangerment', reason: 'x' }, 400); // no determination
    expect((await read(id)).denial).toBeNull();

    const partial = await step(id, 'deny-in-part', { ...base, deniedSections: ['notes'], deniedItems: [{ recordType: 'diagnoses', id: dx[0].id }] });
    expect(partial.body).toMatchObject({
      status: 'in-review', closedAt: null,
      denial: { code: 'endangerment', partial: true, deniedPart: { sections: ['notes'], items: [{ recordType: 'diagnoses', id: dx[0].id }] } },
    });
    expect(partial.body.denial.notice.access).toMatch(/rest.*164\.524\(d\)\(1\)/);
    const twice = await step(id, 'deny-in-part', { ...base, deniedSections: ['notes'] }, 409);
    expect(twice.body.message).toMatch(/already denied/);

    await step(id, 'approve');
    await step(id, 'fulfil');
    const released = await pkg(id);
    expect(released.records.notes).toEqual([]);
    expect(released.records.diagnoses.map((d: { id: number }) => d.id).sort()).toEqual(dx.slice(1).map((d) => d.id).sort());
    expect(released.counts).toMatchObject({ notes: 0, diagnoses: dx.length - 1 });
    expect(released.denied).toMatchObject({
      sections: ['notes'], items: [{ recordType: 'diagnoses', id: dx[0].id }], code: 'endangerment', citation: '45 CFR 164.524(a)(3)(i)',
    });
    expect(released.denied.notice).toMatch(/164\.524\(d\)\(1\)/);

    // The review reverses: the request returns to approved and the next package has everything.
    await askReview(id, 'patient.demo');
    const reversed = await decide(id, 'dr.okafor', 'reversed');
    expect(reversed.body.status).toBe('approved');
    await step(id, 'fulfil');
    const full = await pkg(id);
    expect(full.denied).toBeUndefined();
    expect(full.records.notes.length).toBe(notes.length);
    expect(full.records.diagnoses.length).toBe(dx.length);
  });

  it('deny-in-part is for the patient\'s own request under review only', async () => {
    const res = await (await as('roi.garcia')).post('/roi/requests')
      .send({ patientId: demoId, requesterType: 'law_enforcement', requesterName: 'County Sheriff', purpose: 'Investigation', recordTypes: ['diagnoses', 'notes'], format: 'electronic' })
      .expect(201);
    await step(res.body.id, 'deny-in-part', { denialCode: 'no-legal-basis', reason: 'x', deniedSections: ['notes'] }, 409);
    const early = await ownRequest(['diagnoses', 'notes'], 'identity-verified');
    await step(early, 'deny-in-part', { denialCode: 'endangerment', reason: 'x', determinedBy: user['dr.chen'], deniedSections: ['notes'] }, 409);
  });

  it('the seed plants the classroom examples on patient 3: a denial under review, a suspension, entered disclosures, a confidential address', async () => {
    const roi = await as('roi.nguyen');
    const queue = await roi.get('/roi/requests?patientId=3&status=denied').expect(200);
    const seeded = queue.body.items.find((r: { denial: { review: unknown } }) => r.denial?.review);
    expect(seeded.denial).toMatchObject({ code: 'endangerment', determinedBy: user['dr.chen'], review: { reviewerId: user['dr.okafor'], decision: null } });
    await decide(seeded.id, 'dr.chen', 'reversed', 409);
    const upheld = await decide(seeded.id, 'dr.okafor', 'upheld');
    expect(upheld.body).toMatchObject({ status: 'denied', delivery: { confidentialCommunication: true, address: 'PO Box 4411, Springfield 62704' } });
    const listed = (await roi.get('/patients/3/disclosures').expect(200)).body.items.map((i: { recipient: { name: string } }) => i.recipient.name);
    expect(listed).toContain('State Department of Health');
    const suspensions = (await roi.get('/patients/3/accounting-suspensions').expect(200)).body.items;
    expect(suspensions).toEqual([expect.objectContaining({ agencyName: 'Office of Inspector General', form: 'written' })]);
    // The seed's dates are fixed (2026-11-01), the app's clock is not: listed exactly when the suspension has ended.
    expect(listed.includes('Office of Inspector General')).toBe(!suspensions[0].inForce);
  });
});
