import { Injectable, Logger } from '@nestjs/common';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, extname, join, relative, sep } from 'node:path';
import { gzipSync } from 'node:zlib';

/** One file of the console, ready to send: its type, its bytes, and the same bytes gzipped. */
export interface ConsoleAsset {
  contentType: string;
  body: Buffer;
  gzip: Buffer;
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
};

/**
 * The console's files, read once at boot straight from the source folder src/console/public (hand-written HTML,
 * CSS and JS modules: no bundler, no build step, nothing built is committed). A request can only name a file of
 * this map, so no path from the URL ever reaches the file system.
 *
 * The folder is found from this file's location, which is src/console when run by ts-node or jest and
 * dist/src/console after `nest build`: walk up to the directory that holds src/console/public.
 */
@Injectable()
export class ConsoleAssets {
  private readonly files = new Map<string, ConsoleAsset>();

  constructor() {
    const root = ConsoleAssets.findRoot(__dirname);
    if (!root) {
      new Logger('Console').warn('src/console/public not found: /console is not served');
      return;
    }
    for (const file of walk(root)) {
      const type = TYPES[extname(file)];
      if (!type) continue;
      const body = readFileSync(file);
      this.files.set(relative(root, file).split(sep).join('/'), { contentType: type, body, gzip: gzipSync(body, { level: 9 }) });
    }
  }

  get(path: string): ConsoleAsset | undefined {
    return this.files.get(path);
  }

  /** Every file and its sizes (the browser tests budget the first load with it). */
  list(): { path: string; bytes: number; gzipBytes: number }[] {
    return [...this.files].map(([path, a]) => ({ path, bytes: a.body.length, gzipBytes: a.gzip.length }));
  }

  static findRoot(from: string): string | undefined {
    for (let dir = from; ; dir = dirname(dir)) {
      const candidate = join(dir, 'src', 'console', 'public');
      if (existsSync(join(candidate, 'index.html'))) return candidate;
      if (dirname(dir) === dir) return undefined;
    }
  }
}

function* walk(dir: string): Generator<string> {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, entry.name);
    if (entry.isDirectory()) yield* walk(p);
    else if (entry.isFile()) yield p;
  }
}
