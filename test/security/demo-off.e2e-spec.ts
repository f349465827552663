import { demoEnabled } from '../../src/app.module';
import { createTestApp, TestApp } from '../helpers/test-app';

/** Issue 11, finding 4: the demo endpoints are off in production (404) and can be switched off by configuration. */
describe('demo endpoints off', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ patients: 2, env: { DEMO_ENABLED: 'false' } });
  });
  afterAll(() => t.close());

  it('answers 404 to the instructor when DEMO_ENABLED=false, and the trail is untouched', async () => {
    const before = Number((await t.db.one<{ n: number }>('SELECT MAX(seq) AS n FROM audit_events'))!.n);
    const instructor = await t.as('instructor');
    await instructor.post('/demo/reset').send({}).expect(404);
    await instructor.post('/demo/scenarios/snooping').expect(404);
    await instructor.get('/demo/scenarios').expect(404);
    expect(Number((await t.db.one<{ n: number }>('SELECT MIN(seq) AS n FROM audit_events'))!.n)).toBe(1);
    expect(Number((await t.db.one<{ n: number }>('SELECT MAX(seq) AS n FROM audit_events'))!.n)).toBeGreaterThanOrEqual(before);
  });

  it('is off whenever NODE_ENV=production, whatever DEMO_ENABLED says', () => {
    expect(demoEnabled({ NODE_ENV: 'production', DEMO_ENABLED: 'true' })).toBe(false);
    expect(demoEnabled({ NODE_ENV: 'production' })).toBe(false);
    expect(demoEnabled({ NODE_ENV: 'development' })).toBe(true);
    expect(demoEnabled({ NODE_ENV: 'test', DEMO_ENABLED: 'false' })).toBe(false);
  });
});
