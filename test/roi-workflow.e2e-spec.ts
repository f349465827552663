import { DAY_MS } from '../src/common/clock';
import { createTestApp, TestApp } from './helpers/test-app';

/**
 * The release-of-information state machine through the API: every invalid transition from every state is a 409
 * that changes nothing; two transitions sent with the same version, exactly one wins; the deadlines with the
 * injectable clock (due date per requester type, the one extension, none after the due date, the overdue queue).
 * This suite configures ROI_DUE_DAYS and the cost-based fee for the patient's own copy.
 */

/** A law enforcement request's basis (164.512(f)(1)(ii)(A)): a court-ordered warrant, logged with its document. */
const WARRANT = { lawEnforcement: { path: 'legal-process' }, legalProcess: { type: 'court-ordered-warrant', issuedBy: 'County District Court', issuedOn: '2024-06-01', documents: [{ title: 'Search warrant', reference: 'SW-2024-1' }] } };

/** What the state machine must allow, written out here independently of the code's table. */
const ALLOWED: Record<string, string[]> = {
  received: ['verify-identity', 'deny', 'cancel', 'extend'],
  'identity-verified (third party)': ['validate-authorization', 'deny', 'cancel', 'extend'],
  'identity-verified (self)': ['confirm-right-of-access', 'deny', 'cancel', 'extend'],
  'authorization-validated': ['begin-review', 'deny', 'cancel', 'extend'],
  'right-of-access': ['begin-review', 'deny', 'cancel', 'extend'],
  'in-review': ['approve', 'deny', 'cancel', 'extend'],
  approved: ['fulfil', 'deny', 'cancel', 'extend'],
  fulfilled: ['close'],
  closed: [],
  denied: [],
  cancelled: [],
};
const ACTIONS = [
  'verify-identity', 'validate-authorization', 'confirm-right-of-access', 'begin-review', 'approve', 'fulfil', 'close', 'deny', 'cancel', 'extend',
];

/** How to reach each state: the kind of request and the actions from received. */
const PATHS: Record<string, { self: boolean; actions: [string, Record<string, unknown>?][] }> = {
  received: { self: false, actions: [] },
  'identity-verified (third party)': { self: false, actions: [['verify-identity']] },
  'identity-verified (self)': { self: true, actions: [['verify-identity']] },
  'authorization-validated': { self: false, actions: [['verify-identity'], ['validate-authorization']] },
  'right-of-access': { self: true, actions: [['verify-identity'], ['confirm-right-of-access']] },
  'in-review': { self: false, actions: [['verify-identity'], ['validate-authorization'], ['begin-review']] },
  approved: { self: false, actions: [['verify-identity'], ['validate-authorization'], ['begin-review'], ['approve']] },
  fulfilled: { self: false, actions: [['verify-identity'], ['validate-authorization'], ['begin-review'], ['approve'], ['fulfil']] },
  closed: { self: false, actions: [['verify-identity'], ['validate-authorization'], ['begin-review'], ['approve'], ['fulfil'], ['close']] },
  denied: { self: false, actions: [['deny', { denialCode: 'no-legal-basis', reason: 'No basis.' }]] },
  cancelled: { self: true, actions: [['cancel', { reason: 'Withdrawn by phone.' }]] },
};

describe('release of information: state machine and deadlines', () => {
  let t: TestApp;
  let patientId: number;
  let demoId: number;

  const as = (username: string) => t.as(username);
  const ms = (iso: string) => new Date(iso).getTime();
  const row = async (id: number) =>
    (await t.db.one<{ status: string; version: number; due_at: string; extended: unknown }>('SELECT status, version, due_at, extended FROM roi_requests WHERE id = $1', [id]))!;
  const historyCount = async (id: number) => Number((await t.db.one<{ n: number }>('SELECT COUNT(*) AS n FROM roi_transitions WHERE request_id = $1', [id]))!.n);

  /** A third party's request needing no authorization (law enforcement), or the patient's own, logged by ROI staff. */
  const create = async (self: boolean, body: Record<string, unknown> = {}) => {
    const roi = await as('roi.garcia');
    const res = await roi.post('/roi/requests')
      .send(self
        ? { patientId: demoId, requesterType: 'self', purpose: 'Own copy (by phone)', recordTypes: ['diagnoses'], format: 'electronic', ...body }
        : { patientId, requesterType: 'law_enforcement', requesterName: 'County Sheriff', purpose: 'Investigation', recordTypes: ['diagnoses'], format: 'electronic', ...WARRANT, ...body })
      .expect(201);
    return res.body as { id: number; version: number; dueAt: string; receivedAt: string };
  };
  const send = async (id: number, action: string, version: number, extra: Record<string, unknown> = {}) =>
    (await as('roi.nguyen')).post(`/roi/requests/${id}/transitions`).send({ action, version, ...extra });
  /** A body that passes input validation for the action, so only the state machine can refuse it. */
  const bodyFor = (action: string, self: boolean): Record<string, unknown> => {
    if (action === 'deny') return { denialCode: self ? 'confidential-source' : 'no-legal-basis', reason: 'Test denial.' };
    if (action === 'cancel') return { reason: 'Test cancel.' };
    if (action === 'extend') return { extensionDays: 10, reason: 'Records in off-site storage.' };
    return {};
  };

  beforeAll(async () => {
    t = await createTestApp({ patients: 20, env: { ROI_DUE_DAYS: 'attorney=20,insurer=25', ROI_SELF_FEE_METHOD: 'cost' } });
    demoId = Number((await t.db.one<{ id: number }>(`SELECT p.id FROM patients p JOIN users u ON u.id = p.user_id WHERE u.username = 'patient.demo'`))!.id);
    patientId = Number((await t.db.one<{ id: number }>('SELECT id FROM patients WHERE vip = FALSE AND user_id IS NULL AND id > 4 ORDER BY id LIMIT 1'))!.id);
  });
  afterAll(() => t.close());

  describe.each(Object.keys(ALLOWED))('from %s', (state) => {
    let id: number;
    let version: number;
    beforeAll(async () => {
      const path = PATHS[state];
      const created = await create(path.self);
      id = created.id;
      version = created.version;
      for (const [action, extra] of path.actions) {
        const res = await send(id, action, version, extra ?? {});
        expect(res.status).toBe(200);
        version = res.body.version;
      }
      expect((await row(id)).status).toBe(state.replace(/ \(.*\)$/, ''));
    });

    const invalid = ACTIONS.filter((a) => !ALLOWED[state].includes(a));
    it.each(invalid)(`%s answers 409 and changes nothing`, async (action) => {
      const before = await row(id);
      const entries = await historyCount(id);
      const res = await send(id, action, version, bodyFor(action, PATHS[state].self));
      expect(res.status).toBe(409);
      expect(res.body).toMatchObject({ statusCode: 409, error: 'Conflict' });
      expect(await row(id)).toEqual(before);
      expect(await historyCount(id)).toBe(entries);
    });

    if (ALLOWED[state].length) {
      it('a stale version is a 409 even for an allowed action', async () => {
        const res = await send(id, ALLOWED[state][0], version + 7, bodyFor(ALLOWED[state][0], PATHS[state].self));
        expect(res.status).toBe(409);
        expect(res.body.message).toMatch(/changed by someone else/);
        expect(Number((await row(id)).version)).toBe(version);
      });
    }
  });

  it('two transitions sent with the same version: exactly one succeeds', async () => {
    for (let round = 0; round < 4; round++) {
      const created = await create(round % 2 === 0);
      const pair = round < 2 ? ['verify-identity', 'verify-identity'] : ['verify-identity', 'cancel'];
      const results = await Promise.all(pair.map((a) => send(created.id, a, created.version, bodyFor(a, round % 2 === 0))));
      expect(results.map((r) => r.status).sort()).toEqual([200, 409]);
      const after = await row(created.id);
      expect(Number(after.version)).toBe(created.version + 1);
      expect(await historyCount(created.id)).toBe(2);
      const winner = results.find((r) => r.status === 200)!;
      expect(after.status).toBe(winner.body.status);
    }
  });

  it('the due date is 30 days after receipt by default, as configured per requester type, never over 30 for self', async () => {
    const roi = await as('roi.garcia');
    const base = { patientId, purpose: 'Claim', recordTypes: ['diagnoses'], format: 'electronic' };
    const attorney = (await roi.post('/roi/requests').send({ ...base, requesterType: 'attorney', requesterName: 'A', legalBasis: 'judicial' }).expect(201)).body;
    expect(ms(attorney.dueAt) - ms(attorney.receivedAt)).toBe(20 * DAY_MS);
    const insurer = (await roi.post('/roi/requests').send({ ...base, requesterType: 'insurer', recipientKind: 'health-plan', requesterName: 'I' }).expect(201)).body;
    expect(ms(insurer.dueAt) - ms(insurer.receivedAt)).toBe(25 * DAY_MS);
    const self = await create(true);
    expect(ms(self.dueAt) - ms(self.receivedAt)).toBe(30 * DAY_MS);
    const provider = (await roi.post('/roi/requests').send({ ...base, requesterType: 'provider', requesterName: 'P' }).expect(201)).body;
    expect(ms(provider.dueAt) - ms(provider.receivedAt)).toBe(30 * DAY_MS);
    // An attorney without an authorization needs another basis; the 400 says so and nothing is stored.
    const count = Number((await t.db.one<{ n: number }>('SELECT COUNT(*) AS n FROM roi_requests'))!.n);
    const bad = await roi.post('/roi/requests').send({ ...base, requesterType: 'attorney', requesterName: 'A', dateFrom: '2026-05-01', dateTo: '2026-04-01' }).expect(400);
    expect(bad.body.details.map((d: { field: string }) => d.field).sort()).toEqual(['authorization', 'dateTo']);
    expect(Number((await t.db.one<{ n: number }>('SELECT COUNT(*) AS n FROM roi_requests'))!.n)).toBe(count);
  });

  it('the patient\'s own electronic copy under the cost-based option: labor only, no search or retrieval fee', async () => {
    const created = await create(true, { recordTypes: ['diagnoses', 'notes'] });
    let version = created.version;
    for (const a of ['verify-identity', 'confirm-right-of-access', 'begin-review', 'approve', 'fulfil']) {
      const res = await send(created.id, a, version);
      expect(res.status).toBe(200);
      version = res.body.version;
      if (a === 'fulfil') {
        expect(res.body.fee.method).toBe('cost-based');
        expect(res.body.fee.lines).toEqual([{ item: expect.stringMatching(/^labor for copying, \d+ page/), cents: res.body.fee.totalCents }]);
        expect(res.body.fee.totalCents).toBe(res.body.fee.pages * 5);
      }
    }
  });

  it('an authorization that lapses during the review stops the request: no fulfilment (409), no records (403)', async () => {
    const roi = await as('roi.garcia');
    const day = (offset: number) => new Date(t.clock.now().getTime() + offset * DAY_MS).toISOString().slice(0, 10);
    const created = (await roi.post('/roi/requests').send({
      patientId, requesterType: 'attorney', requesterName: 'Smith & Jones LLP', purpose: 'Claim', recordTypes: ['diagnoses'], format: 'electronic',
      authorization: {
        description: 'Diagnoses', discloser: 'HIT', recipient: 'Smith & Jones LLP', purpose: 'Claim', expiresOn: day(3), signedBy: 'The patient', signedOn: day(-1),
        statements: { rightToRevoke: true, conditioning: true, redisclosure: true },
      },
    }).expect(201)).body;
    let version = created.version;
    for (const a of ['verify-identity', 'validate-authorization', 'begin-review', 'approve']) version = (await send(created.id, a, version)).body.version;
    await (await as('roi.nguyen')).get(`/roi/requests/${created.id}/records`).expect(200);
    t.clock.advance(5 * DAY_MS);
    const fulfil = await send(created.id, 'fulfil', version);
    expect(fulfil.status).toBe(409);
    expect(fulfil.body.message).toMatch(/no longer in force/);
    expect((await row(created.id)).status).toBe('approved');
    const records = await (await as('roi.nguyen')).get(`/roi/requests/${created.id}/records`).expect(403);
    expect(records.body.message).toMatch(/no longer in force/);
    const denied = await send(created.id, 'deny', version, { denialCode: 'authorization-expired', reason: 'Expired during review.' });
    expect(denied.status).toBe(200);
  });

  let extended: number;
  let lapsing: number;
  it('one extension of at most 30 days, before the due date, with the written reason; a second one is refused', async () => {
    const created = await create(true);
    extended = created.id;
    t.clock.advance(10 * DAY_MS);
    expect((await send(extended, 'extend', created.version, { extensionDays: 31, reason: 'x' })).status).toBe(400);
    const noReason = await send(extended, 'extend', created.version, { extensionDays: 30 });
    expect(noReason.status).toBe(400);
    expect(noReason.body.details[0].field).toBe('reason');
    const res = await send(extended, 'extend', created.version, { extensionDays: 30, reason: 'The records are in off-site storage.' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: 'received', extended: true, extensionDays: 30, extensionReason: 'The records are in off-site storage.', originalDueAt: created.dueAt });
    expect(ms(res.body.dueAt) - ms(created.dueAt)).toBe(30 * DAY_MS);
    expect(res.body.daysLeft).toBe(50);
    expect(res.body.history.at(-1)).toMatchObject({ action: 'extend', from: 'received', to: 'received', reason: 'The records are in off-site storage.', details: { extensionDays: 30 } });
    const again = await send(extended, 'extend', res.body.version, { extensionDays: 5, reason: 'More delay.' });
    expect(again.status).toBe(409);
    expect(again.body.message).toMatch(/only one extension/);
    expect(Number((await row(extended)).version)).toBe(res.body.version);
  });

  it('no extension once the due date has passed; the overdue queue lists it, soonest due first, with days left', async () => {
    const created = await create(false);
    lapsing = created.id;
    t.clock.advance(31 * DAY_MS);
    const late = await send(lapsing, 'extend', created.version, { extensionDays: 10, reason: 'Too late.' });
    expect(late.status).toBe(409);
    expect(late.body.message).toMatch(/before the original due date/);
    expect((await row(lapsing)).due_at).toBe(created.dueAt);

    const roi = await as('roi.garcia');
    const overdue = (await roi.get('/roi/requests?overdue=true&pageSize=200').expect(200)).body;
    const overdueIds = overdue.items.map((i: { id: number }) => i.id);
    expect(overdueIds).toContain(lapsing);
    expect(overdueIds).not.toContain(extended); // still inside its extension
    const entry = overdue.items.find((i: { id: number }) => i.id === lapsing);
    expect(entry).toMatchObject({ overdue: true, daysLeft: -1 });
    const dues = overdue.items.map((i: { dueAt: string }) => ms(i.dueAt));
    expect(dues).toEqual([...dues].sort((a, b) => a - b));
    expect(overdue.items.every((i: { overdue: boolean; status: string }) => i.overdue && !['fulfilled', 'closed', 'denied', 'cancelled'].includes(i.status))).toBe(true);
    expect(overdue.total).toBe(overdue.items.length);

    const notOverdue = (await roi.get('/roi/requests?overdue=false&pageSize=200').expect(200)).body.items.map((i: { id: number }) => i.id);
    expect(notOverdue).toContain(extended);
    expect(notOverdue).not.toContain(lapsing);
    const received = (await roi.get('/roi/requests?status=received&pageSize=200').expect(200)).body.items;
    expect(received.every((i: { status: string }) => i.status === 'received')).toBe(true);
    await roi.get('/roi/requests?overdue=maybe').expect(400);
    await (await as('patient.demo')).get('/roi/requests').expect(403);

    // Acting late is still possible, and the history says it was late.
    const done = await send(lapsing, 'verify-identity', created.version);
    expect(done.status).toBe(200);
    expect(done.body.history.at(-1).details).toMatchObject({ late: true });
  });
});
