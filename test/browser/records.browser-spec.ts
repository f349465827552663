import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import request from 'supertest';
import { ConsoleTab, describeInBrowser, type Harness, startHarness } from './harness';

const run = promisify(execFile);

/**
 * Issue 14, section 2 and 7: charts as each role receives them, refusals with the policy's explanation,
 * break-the-glass, the API panel's curl, and a token that expires without losing the screen.
 */
describeInBrowser('console: patients, charts and the API panel', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(() => h?.close());

  it('serves the console under a strict Content-Security-Policy, first load well under 300 KB compressed', async () => {
    const tab = await ConsoleTab.open(h);
    const csp = (await tab.page.request.get(`${h.base}/console`)).headers()['content-security-policy'];
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain('unsafe-inline');

    // Every byte of a fresh load of the sign-in screen, as transferred (gzip), headers included.
    const fresh = await h.context.newPage();
    const sizes: Promise<number>[] = [];
    fresh.on('requestfinished', (req) => sizes.push(req.sizes().then((s) => s.responseBodySize + s.responseHeadersSize)));
    await fresh.goto(`${h.base}/console`, { waitUntil: 'networkidle' });
    const total = (await Promise.all(sizes)).reduce((a, b) => a + b, 0);
    console.log(`[browser tests] first load of /console: ${sizes.length} requests, ${(total / 1024).toFixed(1)} KB transferred`);
    expect(total).toBeLessThan(300 * 1024);
    await fresh.close();

    await tab.checkScreen('01-sign-in');
  });

  it('nurse.patel opens a care-team chart, then is refused VIP patient 4 with the reason shown, then breaks the glass', async () => {
    const tab = await ConsoleTab.open(h, 'nurse.patel');
    const { page } = tab;
    await page.getByRole('heading', { name: 'Patients and charts' }).waitFor();
    await page.getByRole('searchbox').fill('Rivera');
    await page.getByRole('button', { name: 'Search' }).click();
    await page.getByRole('link', { name: 'Open chart 1' }).waitFor();
    await tab.checkScreen('02-nurse-patients');

    // A care-team chart: her view, its limit (no psychotherapy notes) marked with its reason.
    const started = Date.now();
    await page.getByRole('link', { name: 'Open chart 1' }).click();
    await page.locator('.chart[data-state="shown"]').waitFor();
    const chartMs = Date.now() - started;
    console.log(`[browser tests] chart of patient 1 shown ${chartMs} ms after the click`);
    expect(chartMs).toBeLessThan(1000);
    await expect(page.locator('.access-summary').textContent()).resolves.toContain('clinical');
    await expect(page.locator('.limits').textContent()).resolves.toContain('psychotherapy notes are not part of this view');
    await tab.checkScreen('03-nurse-chart-care-team');

    // The VIP: refused, with the 403's reason and the policy's explanation.
    await tab.go('patients/4');
    await page.locator('.chart[data-state="refused"] .decision').waitFor();
    const refusal = await page.locator('.refusal').textContent();
    expect(refusal).toContain('Refused · 403');
    expect(refusal).toContain('VIP patient: anyone outside the care team needs break-the-glass');
    expect(refusal).toContain('GET /access/explain?permission=clinical:read&patientId=4');
    await expect(page.locator('.refusal .decision').textContent()).resolves.toContain('deny');
    await tab.checkScreen('04-nurse-refused-vip');
    expect(tab.refusals.length).toBeGreaterThan(0);

    // Break the glass with a reason: the chart opens, flagged.
    await page.getByLabel('Reason (at least 10 characters)').fill('Patient unresponsive in the ED, need allergies');
    await page.getByRole('button', { name: 'Break the glass and open the chart' }).click();
    await page.locator('.chart[data-state="shown"]').waitFor();
    await expect(page.locator('.access-summary').textContent()).resolves.toContain('break-the-glass access');
    await tab.checkScreen('05-nurse-break-glass');
  });

  it('marks each redacted field and withheld section of the coder\'s view with its reason', async () => {
    // A chart where the coding view redacts a field: an item referring to a Part 2 item the view leaves out.
    const token = await h.t.token('coder.kim');
    let patientId = 0;
    for (let id = 1; id <= 40 && !patientId; id++) {
      const rec = (await request(h.t.http).get(`/patients/${id}/record`).set('Authorization', `Bearer ${token}`)).body as Record<string, unknown>;
      const items = ['encounters', 'diagnoses', 'procedures', 'observations', 'notes'].flatMap((k) => (rec[k] as { redactions?: unknown[] }[] | undefined) ?? []);
      if (items.some((i) => i.redactions?.length)) patientId = id;
    }
    expect(patientId).toBeGreaterThan(0);
    const tab = await ConsoleTab.open(h, 'coder.kim');
    await tab.go(`patients/${patientId}`);
    const { page } = tab;
    await page.locator('.chart[data-state="shown"]').waitFor();
    // The coder reads the whole documentation, notes included, less Part 2 records and psychotherapy notes.
    const limits = await page.locator('.limits').textContent();
    expect(limits).toContain('substance-use items are not part of the coding view');
    expect(limits).toContain('psychotherapy notes are not part of this view');
    await expect(page.locator('.section-absent').count()).resolves.toBe(0);
    const redacted = page.locator('tr.has-redactions .redacted').first();
    await expect(redacted.textContent()).resolves.toMatch(/redacted .+\((restricted-category|referenced-item-withheld)\)/);
    await redacted.scrollIntoViewIfNeeded();
    await tab.checkScreen('06-coder-redactions');
  });

  it('the API panel lists every request, and its "Copy as curl" reproduces one', async () => {
    const tab = await ConsoleTab.open(h, 'nurse.patel');
    const { page } = tab;
    await tab.go('patients/1');
    await page.locator('.chart[data-state="shown"]').waitFor();
    await page.getByRole('button', { name: /API calls/ }).click();
    const entry = page.locator('.api-entry[data-path="/patients/1/record"]').first();
    await expect(entry.getAttribute('data-status')).resolves.toBe('200');
    await expect(page.locator('.api-entry[data-path="/auth/login"]').count()).resolves.toBe(1);
    await tab.checkScreen('07-api-panel');

    await entry.getByRole('button', { name: /Copy as curl/ }).click();
    const curl = await page.evaluate<string>('navigator.clipboard.readText()');
    expect(curl).toMatch(/^curl -s 'http:\/\/127\.0\.0\.1:\d+\/patients\/1\/record' -H 'authorization: Bearer [\w.-]+'$/);
    // The token is shortened on screen (the panel may be projected); the clipboard has it whole.
    await expect(entry.locator('pre').textContent()).resolves.toContain('…');

    const { stdout } = await run('sh', ['-c', `${curl} -w '\\n%{http_code}'`]);
    const status = stdout.slice(stdout.lastIndexOf('\n') + 1);
    const body = JSON.parse(stdout.slice(0, stdout.lastIndexOf('\n')));
    expect(status).toBe('200');
    const direct = await request(h.t.http).get('/patients/1/record').set('Authorization', `Bearer ${await h.t.token('nurse.patel')}`);
    expect(body).toEqual(direct.body);
  });

  it('works from the keyboard alone: sign in, search, open a chart, open the API panel', async () => {
    const tab = await ConsoleTab.open(h);
    const { page } = tab;
    await tab.tabTo('Sign in as nurse.patel');
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Patients and charts' }).waitFor();
    await tab.tabTo(/^$/); // the search field (empty)
    await page.keyboard.type('Rivera');
    await expect(page.getByRole('searchbox').inputValue()).resolves.toBe('Rivera');
    await page.keyboard.press('Enter');
    await page.getByRole('table', { name: 'Patients matching "Rivera"' }).waitFor();
    await page.getByRole('link', { name: 'Open chart 1' }).waitFor();
    await tab.tabTo('Open chart 1');
    await page.keyboard.press('Enter');
    await page.locator('.chart[data-state="shown"]').waitFor();
    await page.keyboard.press('Shift+Tab'); // back up to the header
    await tab.tabTo(/^API calls/);
    await page.keyboard.press('Enter');
    await page.locator('#api-panel:not([hidden])').waitFor();
    await tab.tabTo(/^Copy as curl: GET \/patients\/1\/record/);
    expect(tab.errors).toEqual([]);
  });

  it('Swagger UI at /docs still works under its own relaxed policy', async () => {
    const page = await h.context.newPage();
    const errors: string[] = [];
    page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${h.base}/docs`);
    await page.locator('.swagger-ui .info .title').waitFor();
    await page.locator('.opblock').first().waitFor();
    expect(errors).toEqual([]);
    await page.close();
  });

  // Last: it moves the app's clock past the token's lifetime.
  it('an expired token asks to sign in again over the same screen, then resends the request', async () => {
    const tab = await ConsoleTab.open(h, 'nurse.patel');
    const { page } = tab;
    await page.getByRole('searchbox').fill('Patel');
    await page.getByRole('button', { name: 'Search' }).click();
    await page.getByRole('link', { name: 'Open chart 3' }).waitFor();

    h.t.clock.advance(16 * 60_000);
    await page.getByRole('button', { name: 'Search' }).click();
    const dialog = page.getByRole('dialog', { name: 'Your session has expired' });
    await dialog.waitFor();
    await tab.checkScreen('08-relogin-prompt');
    await dialog.getByRole('button', { name: 'Sign in again as nurse.patel' }).click();
    await dialog.waitFor({ state: 'detached' });
    // Same screen, same search, answered after the new sign-in.
    await expect(page.getByRole('searchbox').inputValue()).resolves.toBe('Patel');
    await page.getByRole('link', { name: 'Open chart 3' }).waitFor();
    await expect(page.locator('.api-entry[data-status="401"]').count()).resolves.toBe(1);
    expect(tab.errors).toEqual([]);
  });
});
