import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { dataSourceOptions } from '../src/database/data-source';
import { Db } from '../src/database/db';
import { buildPools } from './pools';
import { PatientGenerator } from './patient-generator';
import { emptyBatch, SqliteBatchWriter, SEED_TABLE_ORDER } from './writer';
async function main() {
  const path = process.env.P ?? '/tmp/bench.sqlite';
  require('fs').rmSync(path, { force: true }); require('fs').rmSync(path + '-wal', { force: true });
  const ds = new DataSource(dataSourceOptions({ SQLITE_PATH: path } as any));
  await ds.initialize(); await ds.runMigrations();
  const db = new Db(ds);
  const s = db.sqlite;
  for (const p of (process.env.PRAGMAS ?? '').split(';').filter(Boolean)) console.log(p, s.pragma(p));
  const dropIdx = process.env.DROPIDX === '1';
  let idx: { name: string; sql: string }[] = [];
  if (dropIdx) {
    idx = s.prepare(`SELECT name, sql FROM sqlite_master WHERE type='index' AND sql IS NOT NULL AND tbl_name IN (${SEED_TABLE_ORDER.map(t => `'${t}'`).join(',')})`).all() as any;
    for (const i of idx) s.exec(`DROP INDEX ${i.name}`);
  }
  const users: any = {}; ['admin','dr.chen','dr.okafor','nurse.patel','reg.lopez','him.jones','coder.kim','roi.garcia','privacy.smith','analyst.wong','instructor','patient.demo'].forEach((u,i)=>users[u]=i+1);
  s.exec(`INSERT INTO roles (name, description) VALUES ('x','x')`);
  for (let i = 1; i <= 12; i++) s.exec(`INSERT INTO users (id, username, display_name, role, password_hash, created_at, updated_at) VALUES (${i}, 'u${i}', 'x', 'x', 'x', 'x', 'x')`);
  const g = new PatientGenerator({ seed: 1, nowMs: Date.parse('2026-11-01T00:00:00Z'), pools: buildPools(), users, yes: 1, no: 0 });
  const w = new SqliteBatchWriter(db);
  const N = Number(process.env.N ?? 30000);
  let gen = 0, write = 0;
  const t0 = performance.now();
  for (let f = 1; f <= N; f += 1000) {
    const a = performance.now();
    const b = emptyBatch(); for (let id = f; id < f + 1000; id++) g.generate(id, b);
    const m = performance.now();
    await w.write(b);
    write += performance.now() - m; gen += m - a;
  }
  const t1 = performance.now();
  for (const i of idx) s.exec(i.sql);
  const t2 = performance.now();
  s.pragma('wal_checkpoint(TRUNCATE)');
  const t3 = performance.now();
  await ds.destroy();
  console.log({ gen: gen|0, write: write|0, reindex: (t2-t1)|0, checkpoint: (t3-t2)|0, close: (performance.now()-t3)|0, total: (performance.now()-t0)|0 });
}
main();
