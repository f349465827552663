import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { dataSourceOptions } from '../src/database/data-source';
import { Db } from '../src/database/db';
import { SqliteBatchWriter } from './writer';
import { seedDatabase } from './generator';
const proto = SqliteBatchWriter.prototype as any;
const t: Record<string, number> = {};
for (const m of ['open', 'write', 'close']) { const f = proto[m]; proto[m] = async function (...a: any[]) { const s = performance.now(); try { return await f.apply(this, a); } finally { t[m] = (t[m] ?? 0) + performance.now() - s; } }; }
async function main() {
  const path = '/tmp/time.sqlite'; for (const x of ['', '-wal', '-shm']) require('fs').rmSync(path + x, { force: true });
  const ds = new DataSource(dataSourceOptions({ SQLITE_PATH: path } as any)); await ds.initialize(); await ds.runMigrations();
  const r = await seedDatabase(new Db(ds), { patients: Number(process.env.N ?? 100000) });
  const c = performance.now(); await ds.destroy();
  console.log(r.seconds, Object.fromEntries(Object.entries(t).map(([k, v]) => [k, v | 0])), 'destroy', (performance.now() - c) | 0);
}
main();
