import { rawSql } from '../helpers/test-app';
import { ConsoleTab, describeInBrowser, type Harness, startHarness } from './harness';

/**
 * Issue 14, section 4: the instructor plants the classroom scenarios from the console, the privacy officer finds
 * them (anomaly findings with their evidence rows), and the verification badge turns red naming a tampered row.
 */
describeInBrowser('console: audit, scenarios and the chain badge', () => {
  let h: Harness;
  let instructor: ConsoleTab;
  beforeAll(async () => {
    h = await startHarness();
    instructor = await ConsoleTab.open(h, 'instructor');
    await instructor.go('audit');
    await instructor.page.locator('.verify-badge.valid').waitFor();
  });
  afterAll(() => h?.close());

  it('the instructor plants the snooping scenario and privacy.smith finds the finding with its rows', async () => {
    const { page } = instructor;
    await page.getByRole('button', { name: 'Plant: snooping nurse' }).click();
    const result = page.locator('.scenario-result[data-scenario="snooping"]');
    await result.waitFor();
    const planted = (await result.textContent())!.match(/Planted rows: ([#\d, ]+)/)![1].match(/\d+/g)!.map(Number);
    expect(planted.length).toBeGreaterThan(3);
    await instructor.checkScreen('10-instructor-snooping-planted');

    const privacy = await ConsoleTab.open(h, 'privacy.smith');
    await privacy.go('audit');
    const finding = privacy.page.locator('.finding[data-rule="same-surname"]');
    await finding.waitFor();
    await expect(finding.textContent()).resolves.toContain('nurse.patel (nurse) opened patient 3, who shares the surname Patel');
    const evidence = (await finding.locator('.hint').textContent())!.match(/evidence rows (.*)$/)![1].match(/\d+/g)!.map(Number);
    expect(evidence.every((seq) => planted.includes(seq))).toBe(true);

    await finding.getByRole('button', { name: /Show the .* evidence row/ }).click();
    const rows = finding.locator('.evidence tbody tr');
    await rows.first().waitFor();
    await expect(rows.count()).resolves.toBe(evidence.length);
    const firstRow = await rows.first().textContent();
    expect(firstRow).toContain(`#${evidence[0]}`);
    expect(firstRow).toContain('nurse.patel');
    expect(firstRow).toContain('break-glass');
    await finding.scrollIntoViewIfNeeded();
    await privacy.checkScreen('11-privacy-finding-evidence');

    // The other rules the scenario plants are there too, and the grants wait for review.
    for (const rule of ['vip-without-care-relation', 'own-or-coworker-record', 'after-hours']) {
      await expect(privacy.page.locator(`.finding[data-rule="${rule}"]`).count()).resolves.toBeGreaterThan(0);
    }
    await expect(privacy.page.locator('.grant').count()).resolves.toBe(3);
  });

  it('the tamper scenario: once its SQL has run on the database, the badge turns red and names the row', async () => {
    const { page } = instructor;
    await page.getByRole('button', { name: 'Tamper: show the SQL' }).click();
    const variant = page.locator('.scenario-result[data-scenario="tamper"] .variant[data-variant="alter"]');
    await variant.waitFor();
    await instructor.checkScreen('12-instructor-tamper-sql');

    // The scenario changes nothing itself: it answers the statements someone with the database file would run.
    // Run the "alter" variant the way a student would with the sqlite3 CLI (here: on the test's in-memory database).
    const command = (await variant.locator('pre').textContent())!;
    const sql = command.slice(command.indexOf("<<'SQL'\n") + 8, command.lastIndexOf('\nSQL'));
    const row = Number(command.match(/WHERE seq = (\d+)/)![1]);
    await rawSql(h.t, sql);

    const badge = page.locator('.verify-badge.broken');
    await badge.waitFor({ timeout: 15000 });
    await expect(badge.textContent()).resolves.toContain(`Chain broken at row ${row} (row-altered)`);
    await expect(badge.getAttribute('data-broken-at')).resolves.toBe(String(row));
    await page.locator('.title-row').scrollIntoViewIfNeeded();
    await instructor.checkScreen('13-badge-red-after-tamper');
  });

  it('the demo reset puts the chain back: the badge turns green again', async () => {
    const { page } = instructor;
    page.once('dialog', (d) => d.accept());
    await page.getByRole('button', { name: 'Reset the demo' }).click();
    await page.getByText(/Reset done in/).waitFor({ timeout: 60000 });
    await page.locator('.verify-badge.valid').waitFor({ timeout: 15000 });
    expect(instructor.errors).toEqual([]);
  });
});
