// `npm start` builds first when dist/ is missing or older than the sources, so one command runs the service.
const { existsSync, statSync, readdirSync } = require('node:fs');
const { join } = require('node:path');
const { execSync } = require('node:child_process');

const root = join(__dirname, '..');
const target = join(root, 'dist', 'src', 'main.js');

function newest(dir) {
  let t = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, entry.name);
    t = Math.max(t, entry.isDirectory() ? newest(p) : statSync(p).mtimeMs);
  }
  return t;
}

const sources = Math.max(...['src', 'migrations', 'seed'].map((d) => newest(join(root, d))));
if (!existsSync(target) || statSync(target).mtimeMs < sources) {
  console.log('Building (dist/ is missing or older than the sources)...');
  execSync('npx nest build', { cwd: root, stdio: 'inherit' });
}
