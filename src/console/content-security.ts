import type { RequestHandler } from 'express';
import helmet from 'helmet';

/**
 * Security headers with a Content-Security-Policy (issue 14). Everything the service serves, the API and the
 * classroom console included, gets the strict policy: scripts, styles and connections from this origin only, no
 * inline script, no style attribute. The console is written for it (static .js and .css files; its charts are the
 * API's SVG shown through <img src="blob:...">, hence `img-src blob:`).
 *
 * Swagger UI at /docs is third-party HTML with an inline <style> and inline style attributes, so /docs (and its
 * assets) gets a relaxed policy of its own instead of turning CSP off for everyone.
 */
const common = {
  defaultSrc: ["'self'"],
  baseUri: ["'none'"],
  objectSrc: ["'none'"],
  frameAncestors: ["'self'"],
  formAction: ["'self'"],
  // Classroom laptops reach the service over plain http on the school network: never upgrade to https.
  upgradeInsecureRequests: null,
};

const strict = helmet({
  contentSecurityPolicy: {
    useDefaults: false,
    directives: { ...common, scriptSrc: ["'self'"], styleSrc: ["'self'"], imgSrc: ["'self'", 'blob:', 'data:'], connectSrc: ["'self'"] },
  },
});

const swaggerUi = helmet({
  contentSecurityPolicy: {
    useDefaults: false,
    directives: { ...common, scriptSrc: ["'self'", "'unsafe-inline'"], styleSrc: ["'self'", "'unsafe-inline'"], imgSrc: ["'self'", 'data:'], connectSrc: ["'self'"] },
  },
});

/** /docs, /docs/... and /docs-json: Swagger UI and its document. */
export function isSwaggerPath(path: string): boolean {
  return path === '/docs' || path.startsWith('/docs/') || path.startsWith('/docs-');
}

export const securityHeaders: RequestHandler = (req, res, next) => (isSwaggerPath(req.path) ? swaggerUi : strict)(req, res, next);
