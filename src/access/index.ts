/** What the access module offers the others (docs/architecture.md, section 1); the rest is its own. */
export * from './access-policy.service';
export * from './break-glass.service';
export * from './catalogue';
export * from './item-visibility';
export * from './policy';
export * from './record-views';
export * from './break-glass.repository';
export * from './role-permissions.repository';
export * from './representation';
export * from './restriction-rule';
export { ActingForDto } from './dto/representative.dto';
