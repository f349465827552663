import { ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface ChildServer {
  port: number;
  process: ChildProcess;
  /** Peak resident memory of the server process so far (VmHWM), in MB. */
  peakRssMb(): number;
  /** CPU time the server process has used so far (user + system, all threads), in ms: /proc/<pid>/stat. */
  cpuMs(): number;
  stop(): Promise<void>;
}

/** The node flags of `npm start` (package.json `scripts.start`): `node <flags> dist/src/main.js`. */
export function startFlags(): string[] {
  const pkg = JSON.parse(readFileSync(join(__dirname, '..', '..', 'package.json'), 'utf8')) as { scripts: { start: string } };
  return pkg.scripts.start.split(/\s+/).filter((word) => word.startsWith('--'));
}

/** Starts an entry point as a separate process (a .ts one through ts-node with SWC, transpile only) and waits for "listening <port>". */
export function startChild(entry: string, env: Record<string, string>): Promise<ChildServer> {
  // A .js entry runs as it is (the compiled build), with the V8 flags `npm start` gives it (package.json); a .ts entry
  // through ts-node with SWC.
  const args = entry.endsWith('.js') ? [...startFlags(), join(__dirname, '..', '..', entry)] : ['-r', join(__dirname, 'register-swc.js'), join(__dirname, '..', '..', entry)];
  const child = spawn(process.execPath, args, {
    env: { ...process.env, ...env, PORT: '0' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    let out = '';
    child.once('exit', (code) => reject(new Error(`${entry} exited with ${code} before listening`)));
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const m = /listening (\d+)/.exec(out);
      if (!m) return;
      child.removeAllListeners('exit');
      resolve({
        port: Number(m[1]),
        process: child,
        peakRssMb: () => {
          const status = readFileSync(`/proc/${child.pid}/status`, 'utf8');
          return Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024;
        },
        cpuMs: () => {
          // Fields after the command name: utime and stime are the 12th and 13th, in clock ticks (100 per second).
          const fields = readFileSync(`/proc/${child.pid}/stat`, 'utf8').split(') ')[1].split(' ');
          return (Number(fields[11]) + Number(fields[12])) * 10;
        },
        stop: () =>
          new Promise<void>((done) => {
            child.once('exit', () => done());
            child.kill('SIGTERM');
            setTimeout(() => child.kill('SIGKILL'), 5000).unref();
          }),
      });
    });
  });
}
