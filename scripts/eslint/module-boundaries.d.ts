import type { Rule } from 'eslint';

/** `hit/module-boundaries` (module-boundaries.js; docs/architecture.md, section 1). */
declare const rule: Rule.RuleModule;
export = rule;
