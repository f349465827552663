/** What the audit module offers the others (docs/architecture.md, section 1); the rest is its own. */
export * from './anomalies/anomaly-rules';
export * from './anomalies/anomaly.service';
export * from './anomalies/zoned-time';
export * from './audit-events.repository';
export * from './audit-query.service';
export * from './audit.types';
export * from './audit.writer';
export * from './audit-verifier';
export * from './audit-archive';
