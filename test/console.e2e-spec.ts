import request from 'supertest';
import { ConsoleAssets } from '../src/console';
import { createTestApp, TestApp } from './helpers/test-app';

/**
 * The classroom console's files (issue 14): served from src/console/public, public, gzip when asked, only the
 * files of that folder; and the Content-Security-Policy: strict for the console and the API, relaxed for /docs.
 */
describe('console files and the Content-Security-Policy', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ patients: 5 });
  });
  afterAll(() => t.close());

  it('serves the page at /console with a strict policy: scripts and styles from this origin only', async () => {
    const res = await request(t.http).get('/console').expect(200);
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(res.text).toContain('<script type="module" src="/console/js/main.js"></script>');
    const csp = res.headers['content-security-policy'];
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("script-src 'self';");
    expect(csp).toContain("style-src 'self';");
    expect(csp).not.toContain('unsafe-inline');
    expect(csp).not.toContain('upgrade-insecure-requests');
  });

  it('serves its modules and styles with their types, gzipped when the browser accepts it', async () => {
    // supertest (superagent) inflates the gzip body itself; the header says it travelled compressed.
    const js = await request(t.http).get('/console/js/main.js').set('Accept-Encoding', 'gzip').expect(200);
    expect(js.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(js.headers['content-encoding']).toBe('gzip');
    expect(js.text).toContain('hash router');
    const css = await request(t.http).get('/console/css/console.css').set('Accept-Encoding', 'identity').expect(200);
    expect(css.headers['content-type']).toBe('text/css; charset=utf-8');
    expect(css.headers['content-encoding']).toBeUndefined();
  });

  it('answers 404 in the API\'s error shape for anything that is not one of its files', async () => {
    for (const path of ['/console/nope.js', '/console/%2e%2e/package.json', '/console/..%2f..%2fpackage.json', '/console/js/../../../package.json']) {
      const res = await request(t.http).get(path);
      expect({ path, status: res.status }).toEqual({ path, status: 404 });
      expect(res.text).not.toContain('"name": "hit-records-workflow"');
    }
    const res = await request(t.http).get('/console/nope.js').expect(404);
    expect(res.body).toMatchObject({ statusCode: 404, error: 'Not Found' });
  });

  it('holds only the hand-written files of src/console/public, small enough for a first load under 300 KB', () => {
    const files = t.app.get(ConsoleAssets).list();
    expect(files.map((f) => f.path)).toContain('index.html');
    expect(files.every((f) => /^(index\.html|favicon\.svg|css\/[\w-]+\.css|js\/([\w-]+\/)?[\w-]+\.js)$/.test(f.path))).toBe(true);
    const gzipTotal = files.reduce((sum, f) => sum + f.gzipBytes, 0);
    expect(gzipTotal).toBeLessThan(300 * 1024);
  });

  it('the API carries the strict policy too; Swagger UI at /docs gets its own, which allows its inline script and styles', async () => {
    const health = await request(t.http).get('/health');
    expect(health.headers['content-security-policy']).toContain("script-src 'self';");
    const docs = await request(t.http).get('/docs').redirects(1).expect(200);
    expect(docs.headers['content-security-policy']).toContain("script-src 'self' 'unsafe-inline'");
    expect(docs.headers['content-security-policy']).toContain("style-src 'self' 'unsafe-inline'");
    const json = await request(t.http).get('/docs-json').expect(200);
    expect(json.body.paths['/console']).toBeUndefined();
  });
});
