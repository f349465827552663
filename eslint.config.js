// ESLint 9 flat config: TypeScript-aware recommended rules, kept quiet about what tsc already checks.
const tseslint = require('typescript-eslint');
const moduleBoundaries = require('./scripts/eslint/module-boundaries');

module.exports = tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'coverage/**', 'data/**'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-require-imports': 'off',
    },
  },
  {
    // Module boundaries (docs/architecture.md, section 1): another module's internals are off limits.
    files: ['src/**/*.ts'],
    plugins: { hit: { rules: { 'module-boundaries': moduleBoundaries } } },
    rules: { 'hit/module-boundaries': 'error' },
  },
  {
    // Files a reader can hold (docs/architecture.md, section 8): no source file over 350 lines, no function over 60.
    files: ['src/**/*.ts'],
    ignores: ['src/**/*.spec.ts'],
    rules: {
      'max-lines': ['error', { max: 350 }],
      'max-lines-per-function': ['error', { max: 60, skipBlankLines: true, skipComments: true }],
    },
  },
);
