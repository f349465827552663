import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { routeInventory } from './helpers/route-inventory';
import { createTestApp, TestApp } from './helpers/test-app';

/**
 * Every route declares its permission (or @Public / @Authenticated). The snapshot in route-permissions.json is
 * reviewed like a permission change: a diff there changes who may do what. Update it with UPDATE_ROUTES=1.
 */
const SNAPSHOT = join(__dirname, 'route-permissions.json');

describe('route inventory', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ patients: 5 });
  });
  afterAll(() => t.close());

  it('no route lacks a permission declaration', () => {
    const undeclared = routeInventory(t.app).filter((r) => r.permission === null);
    expect(undeclared).toEqual([]);
  });

  it('matches the reviewed snapshot of route permissions', () => {
    const current = Object.fromEntries(routeInventory(t.app).map((r) => [r.route, r.permission]));
    if (process.env.UPDATE_ROUTES === '1') writeFileSync(SNAPSHOT, `${JSON.stringify(current, null, 2)}\n`);
    const stored = JSON.parse(readFileSync(SNAPSHOT, 'utf8'));
    expect(current).toEqual(stored);
  });

  it('only login, refresh (it carries its own credential), health, the docs and the console\'s static files are public', () => {
    const publicRoutes = routeInventory(t.app).filter((r) => r.permission === 'public').map((r) => r.route);
    // The console's files hold no data: the page calls the API with the signed-in user's token (src/console/).
    expect(publicRoutes.sort()).toEqual(['GET /console', 'GET /console/*path', 'GET /health', 'POST /auth/login', 'POST /auth/refresh']);
  });
});
