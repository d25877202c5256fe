import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Request, Response } from 'express';

/**
 * The console's stylesheets, script and icon, kept as files in src/console/assets (linted and
 * formatted like the code) and served by the service itself: no CDN, no build step. They are
 * read once, on first use, from the project root, so the same lookup works under tsx, from
 * dist/ and in the Docker image (which copies the folder).
 */
const ASSETS: Record<string, string> = {
  'console.css': 'text/css; charset=utf-8',
  'lists.css': 'text/css; charset=utf-8',
  'call.css': 'text/css; charset=utf-8',
  'waterfall.css': 'text/css; charset=utf-8',
  'console.js': 'text/javascript; charset=utf-8',
  'icon.svg': 'image/svg+xml',
};

interface Asset {
  body: Buffer;
  type: string;
  etag: string;
}

function assetsDir(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  while (!existsSync(path.join(dir, 'package.json'))) {
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error('package.json not found above static-assets');
    dir = parent;
  }
  return path.join(dir, 'src', 'console', 'assets');
}

const cache = new Map<string, Asset>();

function load(name: string): Asset | undefined {
  const type = ASSETS[name];
  if (type === undefined) return undefined;
  let asset = cache.get(name);
  if (!asset) {
    const body = readFileSync(path.join(assetsDir(), name));
    asset = { body, type, etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 16)}"` };
    cache.set(name, asset);
  }
  return asset;
}

/** GET /console/assets/:name — only the files listed above; anything else is 404. */
export function serveAsset(req: Request<{ name: string }>, res: Response): void {
  const asset = load(req.params.name);
  if (!asset) {
    res.status(404).type('text/plain').send('Not found');
    return;
  }
  res.set({ 'Cache-Control': 'public, max-age=3600', ETag: asset.etag, 'X-Content-Type-Options': 'nosniff' });
  if (req.header('if-none-match') === asset.etag) {
    res.status(304).end();
    return;
  }
  res.type(asset.type).send(asset.body);
}
