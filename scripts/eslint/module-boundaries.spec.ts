import { Linter } from 'eslint';
import path from 'node:path';
import tseslint from 'typescript-eslint';
import moduleBoundaries = require('./module-boundaries');

/** The boundary rule fails the lint where it must, and only there (docs/architecture.md, section 1). */
describe('lint rule hit/module-boundaries', () => {
  const root = path.resolve(__dirname, '../..');
  const linter = new Linter({ configType: 'flat', cwd: root });
  // The rule as eslint.config.js registers it.
  const config = [{
    files: ['**/*.ts'],
    languageOptions: { parser: tseslint.parser as Linter.Parser },
    plugins: { hit: { rules: { 'module-boundaries': moduleBoundaries } } },
    rules: { 'hit/module-boundaries': 'error' as const },
  }];
  const lint = async (file: string, code: string) =>
    linter.verify(code, config, { filename: path.resolve(root, file) }).filter((m) => m.ruleId === 'hit/module-boundaries').map((m) => m.message);

  it("refuses another module's internals, and seed/ or migrations/ from a feature module", async () => {
    expect(await lint('src/reporting/x.ts', "import { ClinicalService } from '../records/clinical.service';\nexport const x = ClinicalService;\n"))
      .toEqual([expect.stringMatching(/internals of module records/)]);
    expect(await lint('src/records/x.ts', "import { seedDatabase } from '../../seed/generator';\nexport const x = seedDatabase;\n"))
      .toEqual([expect.stringMatching(/must not depend on the seed/)]);
    expect(await lint('src/audit/x.ts', "import { InitialSchema1764400000000 } from '../../migrations/1764400000000-initial-schema';\nexport const x = InitialSchema1764400000000;\n"))
      .toEqual([expect.stringMatching(/must not depend on the seed or the migrations/)]);
  });

  it('allows what an index.ts exports, Nest modules, the shared kernel and a module\'s own files', async () => {
    for (const [file, source] of [
      ['src/release-of-information/x.ts', '../records'],
      ['src/release-of-information/x.ts', '../records/visible-record'],
      ['src/reporting/x.ts', '../access/access.module'],
      ['src/reporting/x.ts', '../common/clock'],
      ['src/records/x.ts', './clinical.service'],
      ['src/main2.ts', '../seed/generator'],
    ]) {
      expect({ file, source, problems: await lint(file, `import * as m from '${source}';\nexport const x = m;\n`) }).toEqual({ file, source, problems: [] });
    }
  });
});
