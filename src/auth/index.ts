/** What the auth module offers the others (docs/architecture.md, section 1); the rest is its own. */
export * from './decorators';
export * from './users.repository';
