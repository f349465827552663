import { readlinkSync } from 'node:fs';
import { setPriority } from 'node:os';
import { parentPort, workerData } from 'node:worker_threads';
import { hashPasswordSync } from '../src/auth/password';

/**
 * The demo password hashed `count` times, each with its own salt, one after the other on this thread at the lowest
 * priority (seed/generator.ts, hashInBackground): the seed's load keeps both cores, and the hashes take what it
 * leaves. On Linux a thread's priority is its own (setpriority on the thread id, read from /proc/thread-self);
 * elsewhere the hashes run at normal priority.
 */
const { password, count } = workerData as { password: string; count: number };
try {
  setPriority(Number(readlinkSync('/proc/thread-self').split('/').pop()), 19);
} catch {
  // Not Linux: normal priority.
}
const hashes: string[] = [];
for (let i = 0; i < count; i++) hashes.push(hashPasswordSync(password));
parentPort!.postMessage(hashes);
