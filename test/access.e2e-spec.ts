import request from 'supertest';
import { createTestApp, TestApp } from './helpers/test-app';
import { ROLES } from '../src/access/catalogue';

describe('access: roles, matrix, explain, role edits', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ patients: 20 });
  });
  afterAll(() => t.close());

  const careTeamPatient = async (username: string) =>
    (await t.db.one<{ patient_id: number }>(
      `SELECT c.patient_id FROM care_team_members c JOIN users u ON u.id = c.user_id JOIN patients p ON p.id = c.patient_id
        WHERE u.username = $1 AND p.vip = FALSE ORDER BY c.patient_id LIMIT 1`,
      [username],
    ))!.patient_id;
  const outsidePatient = async (username: string) =>
    (await t.db.one<{ id: number }>(
      `SELECT p.id FROM patients p WHERE p.vip = FALSE AND p.user_id IS NULL AND NOT EXISTS (
         SELECT 1 FROM care_team_members c JOIN users u ON u.id = c.user_id WHERE c.patient_id = p.id AND u.username = $1)
       ORDER BY p.id LIMIT 1`,
      [username],
    ))!.id;

  it('lists every role with its permissions, and the matrix as JSON and CSV', async () => {
    const nurse = await t.as('nurse.patel');
    const roles = (await nurse.get('/access/roles').expect(200)).body;
    expect(roles).toHaveLength(ROLES.length);
    expect(roles.find((r: { name: string }) => r.name === 'coder').permissions).toContain('coding:write');
    const matrix = (await nurse.get('/access/matrix').expect(200)).body;
    expect(matrix.matrix.admin['user:manage']).toBe(true);
    expect(matrix.matrix.admin['clinical:read']).toBe(false);
    const csv = await nurse.get('/access/matrix?format=csv').expect(200);
    expect(csv.headers['content-type']).toMatch(/text\/csv/);
    expect(csv.text.split('\n')[0]).toMatch(/^role,patient:search,/);
    await nurse.get('/access/matrix?format=xml').expect(400);
  });

  it('explain allows a nurse on a care-team patient, with the reasons', async () => {
    const id = await careTeamPatient('nurse.patel');
    const res = await (await t.as('nurse.patel')).get(`/access/explain?permission=clinical:read&patientId=${id}`).expect(200);
    expect(res.body).toMatchObject({ decision: 'allow', permission: 'clinical:read', role: 'nurse' });
    expect(res.body.reasons).toEqual(expect.arrayContaining([expect.stringMatching(/care team/)]));
  });

  it('explain denies a nurse outside the care team, and a coder note text, saying why', async () => {
    const id = await outsidePatient('nurse.patel');
    const res = await (await t.as('nurse.patel')).get(`/access/explain?permission=clinical:read&patientId=${id}`).expect(200);
    expect(res.body.decision).toBe('deny');
    expect(res.body.reasons.at(-1)).toMatch(/not on the patient's care team/);
    const coder = await (await t.as('coder.kim')).get(`/access/explain?permission=note:read&patientId=${id}`).expect(200);
    expect(coder.body).toMatchObject({ decision: 'deny', reasons: ['role coder lacks permission note:read'] });
  });

  it('explain refuses a bad question with 400 naming the field', async () => {
    const nurse = await t.as('nurse.patel');
    const res = await nurse.get('/access/explain?permission=root:everything').expect(400);
    expect(res.body.details).toEqual([expect.objectContaining({ field: 'permission' })]);
    const bad = await nurse.get('/access/explain?permission=clinical:read&patientId=abc').expect(400);
    expect(bad.body.details).toEqual([expect.objectContaining({ field: 'patientId' })]);
  });

  it('a role-matrix edit changes what the role may do on the next request, and is audited', async () => {
    const registrar = await t.as('reg.lopez');
    await registrar.get('/users').expect(403);
    const instructor = await t.as('instructor');
    const roles = (await instructor.get('/access/roles').expect(200)).body;
    const before = roles.find((r: { name: string }) => r.name === 'registrar').permissions;
    await instructor.put('/access/roles/registrar/permissions').send({ permissions: [...before, 'user:manage'] }).expect(200);
    await registrar.get('/users').expect(200);
    const row = await t.db.one<{ actor_username: string; details: string }>(
      `SELECT actor_username, details FROM audit_events WHERE action = 'permission-change' ORDER BY seq DESC LIMIT 1`,
    );
    expect(row!.actor_username).toBe('instructor');
    expect(JSON.parse(row!.details)).toMatchObject({ before, added: ['user:manage'], removed: [] });
    await instructor.put('/access/roles/registrar/permissions').send({ permissions: before }).expect(200);
    await registrar.get('/users').expect(403);
  });

  it('a role edit is refused without role:manage, with an unknown permission, or for an unknown role', async () => {
    await (await t.as('admin')).put('/access/roles/nurse/permissions').send({ permissions: [] }).expect(403);
    const instructor = await t.as('instructor');
    const bad = await instructor.put('/access/roles/nurse/permissions').send({ permissions: ['clinical:read', 'god:mode'] }).expect(400);
    expect(bad.body.details[0].field).toBe('permissions');
    await instructor.put('/access/roles/wizard/permissions').send({ permissions: [] }).expect(404);
  });

  it('no account changes the permissions of its own role, and admin and instructor never get patient-data permissions (issue 11, finding 4)', async () => {
    const instructor = await t.as('instructor');
    const roles = (await instructor.get('/access/roles').expect(200)).body as { name: string; permissions: string[] }[];
    const own = roles.find((r) => r.name === 'instructor')!.permissions;
    // The attack: the instructor gives its own role chart access, then reads a chart.
    const self = await instructor.put('/access/roles/instructor/permissions').send({ permissions: [...own, 'clinical:read', 'record:him'] }).expect(403);
    expect(self.body.message).toMatch(/role it holds/);
    await instructor.get('/patients/1/record').expect(403);
    const refused = await t.db.one<{ reason: string }>(`SELECT reason FROM audit_events WHERE action = 'access-denied' AND resource_type = 'role' ORDER BY seq DESC LIMIT 1`);
    expect(refused!.reason).toMatch(/role it holds \(instructor\)/);
    // Nor through the administrator's role.
    const admin = await instructor.put('/access/roles/admin/permissions').send({ permissions: ['user:manage', 'clinical:read', 'patient:search'] }).expect(400);
    expect(admin.body.details).toEqual([{ field: 'permissions', problems: [expect.stringMatching(/admin role may never hold patient-data permissions: clinical:read, patient:search/)] }]);
    const after = (await instructor.get('/access/roles').expect(200)).body as { name: string; permissions: string[] }[];
    expect(after.find((r) => r.name === 'instructor')!.permissions).toEqual(own);
    expect(after.find((r) => r.name === 'admin')!.permissions).toEqual(['user:manage']);
  });

  it('every 403 is audited with its reason', async () => {
    const res = await (await t.as('analyst.wong')).get('/users').expect(403);
    expect(res.body.message).toMatch(/lacks permission user:manage/);
    const row = await t.db.one<{ reason: string; outcome: string }>(
      `SELECT reason, outcome FROM audit_events WHERE action = 'access-denied' AND actor_username = 'analyst.wong' ORDER BY seq DESC LIMIT 1`,
    );
    expect(row).toEqual({ reason: 'role quality_analyst lacks permission user:manage', outcome: 'denied' });
  });

  it('health is public and pings the database', async () => {
    const res = await request(t.http).get('/health').expect(200);
    expect(res.body.info.database.status).toBe('up');
  });

  it('serves the OpenAPI document with the demo users and each operation\'s permission', async () => {
    const res = await request(t.http).get('/docs-json').expect(200);
    expect(res.body.info.description).toContain('nurse.patel');
    expect(res.body.paths['/access/roles/{role}/permissions'].put['x-permission']).toBe('role:manage');
    expect(res.body.components.securitySchemes.bearer).toBeDefined();
  });
});
