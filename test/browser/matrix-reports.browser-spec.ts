import { ConsoleTab, describeInBrowser, type Harness, startHarness } from './harness';

/**
 * Issue 14, sections 3, 5 and 6: the instructor's matrix toggle changes a student's next answer; the analyst's
 * de-identified outcomes chart; the ROI queue and its actions; the patient's own view.
 */
describeInBrowser('console: role matrix, reports, release of information, my record', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(() => h?.close());

  it('a matrix toggle by the instructor changes a student\'s next answer', async () => {
    const nurse = await ConsoleTab.open(h, 'nurse.patel');
    await nurse.go('patients/1');
    await nurse.page.locator('.chart[data-state="shown"]').waitFor();
    await expect(nurse.page.locator('.access-summary strong').textContent()).resolves.toBe('clinical');

    const instructor = await ConsoleTab.open(h, 'instructor');
    await instructor.go('matrix');
    const cell = instructor.page.getByRole('button', { name: 'nurse: clinical:read', exact: true });
    await expect(cell.getAttribute('aria-pressed')).resolves.toBe('true');
    // By keyboard: the grid is one Tab stop; arrows move; Space toggles.
    await instructor.page.getByRole('button', { name: 'admin: patient:search', exact: true }).focus();
    const nurseCol = await cell.getAttribute('data-col');
    const clinicalRow = await cell.getAttribute('data-row');
    for (let i = 0; i < Number(nurseCol); i += 1) await instructor.page.keyboard.press('ArrowRight');
    for (let i = 0; i < Number(clinicalRow); i += 1) await instructor.page.keyboard.press('ArrowDown');
    await expect(instructor.page.evaluate<string | null>("document.activeElement.getAttribute('aria-label')")).resolves.toBe('nurse: clinical:read');
    await instructor.page.keyboard.press('Space');
    await instructor.page.locator('.status').getByText('nurse no longer has clinical:read').waitFor();
    await expect(cell.getAttribute('aria-pressed')).resolves.toBe('false');
    await instructor.checkScreen('20-instructor-matrix-toggled');

    // The nurse's next request follows the new matrix: without clinical:read her view is demographics only.
    await nurse.page.getByRole('button', { name: 'Read the chart again' }).click();
    await nurse.page.locator('.access-summary strong', { hasText: 'demographics' }).waitFor();
    await expect(nurse.page.locator('section', { has: nurse.page.locator('#section-encounters') }).textContent()).resolves.toContain('The demographics view does not include encounters');
    await nurse.checkScreen('21-nurse-after-toggle');

    // Her matrix screen shows it too (read-only for a student).
    await nurse.go('matrix');
    await nurse.page.locator('table.matrix').waitFor();
    await expect(nurse.page.getByRole('button', { name: 'nurse: clinical:read' }).count()).resolves.toBe(0);
    await nurse.checkScreen('22-student-matrix');

    // Put it back.
    await cell.click();
    await instructor.page.locator('.status').getByText('nurse now has clinical:read').waitFor();
    await nurse.go('patients/1');
    await nurse.page.locator('.access-summary strong', { hasText: 'clinical' }).waitFor();
  });

  it('the instructor may not change their own role: the refusal is shown and nothing changes', async () => {
    const instructor = await ConsoleTab.open(h, 'instructor');
    await instructor.go('matrix');
    const own = instructor.page.getByRole('button', { name: 'instructor: clinical:read', exact: true });
    await own.click();
    await instructor.page.locator('.status .form-error').waitFor();
    await expect(instructor.page.locator('.status').textContent()).resolves.toMatch(/Refused/);
    await expect(own.getAttribute('aria-pressed')).resolves.toBe('false');
    expect(instructor.errors).toEqual([]);
  });

  it('analyst.wong sees a de-identified outcomes chart, its numbers and definitions, drawn in under a second', async () => {
    const analyst = await ConsoleTab.open(h, 'analyst.wong');
    const { page } = analyst;
    await page.getByRole('heading', { name: 'Reports' }).waitFor();
    const chart = page.locator('img.chart[data-render-ms]');
    await chart.waitFor();
    const ms = Number(await chart.getAttribute('data-render-ms'));
    console.log(`[browser tests] outcomes chart drawn ${ms} ms after the request started`);
    expect(ms).toBeLessThan(1000);
    await expect(chart.evaluate((img) => (img as unknown as { naturalWidth: number }).naturalWidth)).resolves.toBeGreaterThan(0);
    await expect(page.locator('.report-output').textContent()).resolves.toContain('de-identified');
    await expect(page.locator('.suppression').textContent()).resolves.toContain('Counts from 1 to 10');
    await expect(page.locator('.definitions dt').count()).resolves.toBeGreaterThan(3);
    await analyst.checkScreen('30-analyst-outcomes-chart');

    // Another grouping, by keyboard-free form use.
    await page.getByLabel('Group by', { exact: true }).selectOption('department');
    await page.getByRole('button', { name: 'Run the report' }).click();
    await page.getByRole('cell', { name: 'Cardiology' }).waitFor();
  });

  it('the instructor runs the audit summary and the ROI report', async () => {
    const instructor = await ConsoleTab.open(h, 'instructor');
    await instructor.go('reports');
    const { page } = instructor;
    await page.locator('img.chart[data-render-ms]').waitFor();
    await page.getByLabel('Report', { exact: true }).selectOption('audit-summary');
    await page.getByRole('button', { name: 'Run the report' }).click();
    await page.getByRole('heading', { name: /Audit trail summary/ }).waitFor();
    await page.locator('img.chart[data-render-ms]').waitFor();
    await instructor.checkScreen('31-audit-summary');
    await page.getByLabel('Report', { exact: true }).selectOption('roi');
    await page.getByRole('button', { name: 'Run the report' }).click();
    await page.getByRole('heading', { name: /Release of information: volume/ }).waitFor();
    await page.locator('img.chart[data-render-ms]').waitFor();
    expect(instructor.errors).toEqual([]);
  });

  it('roi.garcia logs a request, sees its due date and takes the actions her role may take', async () => {
    const roi = await ConsoleTab.open(h, 'roi.garcia');
    await roi.go('roi');
    const { page } = roi;
    await page.getByRole('button', { name: 'Log the request' }).click();
    const detail = page.locator('.roi-detail');
    await detail.waitFor();
    await expect(detail.textContent()).resolves.toMatch(/Due\d{4}-\d{2}-\d{2}/);
    await expect(page.getByRole('cell', { name: /Springfield Clinic/ }).count()).resolves.toBe(1);
    await page.getByRole('button', { name: 'verify-identity' }).click();
    await page.getByRole('heading', { name: /· identity-verified$/ }).waitFor();
    await expect(detail.getByRole('button', { name: 'verify-identity' }).count()).resolves.toBe(0);
    await roi.checkScreen('40-roi-request', true);
    // An insurer must say whether it is a health plan: unstated, the form shows the field at fault; a health plan is paid under payment.
    const newRequest = page.getByRole('region', { name: 'Log a request' });
    const form = newRequest.locator('form');
    await form.getByLabel('Requester type').selectOption('insurer');
    await form.getByLabel('Requester name').fill('Springfield Health Plan');
    await form.getByLabel('Purpose').fill('Claim review');
    await page.getByRole('button', { name: 'Log the request' }).click();
    await expect(newRequest.getByText(/^Refused: /).textContent()).resolves.toContain('recipientKind');
    await form.getByLabel('Recipient').selectOption('health-plan');
    await page.getByRole('button', { name: 'Log the request' }).click();
    await detail.getByText('Springfield Health Plan (insurer)').waitFor();
    await expect(detail.textContent()).resolves.toMatch(/Legal basis\s*payment/);
  });

  it('patient.demo sees their own record, access log and disclosures', async () => {
    const patient = await ConsoleTab.open(h, 'patient.demo');
    const { page } = patient;
    await page.getByRole('heading', { name: 'My record', level: 1 }).waitFor();
    await page.locator('.access-summary').waitFor();
    await expect(page.locator('.access-summary').textContent()).resolves.toContain('own-record');
    await page.getByRole('heading', { name: 'Who opened my record' }).waitFor();
    await expect(page.locator('.card', { hasText: 'Who opened my record' }).textContent()).resolves.toContain('Priya Patel');
    await patient.checkScreen('50-patient-my-record');
  });
});
