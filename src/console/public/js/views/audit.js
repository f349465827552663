// Audit: the verification badge, the instructor's classroom controls, anomaly findings with their evidence,
// break-the-glass review and the live trail, each shown when the role holds its permission.

import { append, h } from '../lib/dom.js';
import { session } from '../lib/session.js';
import { anomalies } from './audit-anomalies.js';
import { auditTrail } from './audit-trail.js';
import { verifyBadge } from './audit-verify.js';
import { breakGlassReview } from './break-glass-review.js';
import { classroom } from './classroom.js';

export function render(root) {
  const stops = [];
  const badge = session.can('audit:verify') ? verifyBadge() : null;
  const trail = session.can('audit:read') ? auditTrail() : null;
  const findings = session.can('audit:read') ? anomalies() : null;
  const review = session.can('break-glass:review') ? breakGlassReview() : null;
  const controls = session.can('demo:reset')
    ? classroom({ onChange: () => { badge?.check(); trail?.refresh(); findings?.run(); review?.load(); } })
    : null;
  if (badge) stops.push(badge.stop);
  if (trail) stops.push(trail.stop);

  append(root,
    h('div', { class: 'title-row' }, h('h1', { tabindex: '-1' }, 'Audit trail'), badge?.element),
    !badge && !trail ? h('p', { class: 'card' }, `The role ${session.user().role} holds neither audit:read nor audit:verify.`) : null,
    controls?.element,
    findings?.element,
    review?.element,
    trail?.element);
  return () => stops.forEach((stop) => stop());
}
