import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/**
 * The repository stands alone: comments point to its own docs/ pages, which must exist, and
 * the pages' links between each other resolve. Nothing cites notes kept outside the repository.
 */
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const CODE_DIRS = ['src', 'tests', 'testing', 'tools', 'bench', 'fixtures'];
const SELF = fileURLToPath(import.meta.url);

function files(dir: string, ext: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'node_modules' ? [] : files(full, ext);
    return entry.name.endsWith(ext) ? [full] : [];
  });
}

const codeFiles = CODE_DIRS.flatMap((dir) => files(path.join(ROOT, dir), '.ts')).filter((f) => f !== SELF);
const rel = (file: string) => path.relative(ROOT, file);

describe('the docs the code points to', () => {
  it('exist for every docs/… page a source comment names', () => {
    const missing = codeFiles.flatMap((file) =>
      [...fs.readFileSync(file, 'utf8').matchAll(/\bdocs\/([\w-]+\.md)/g)]
        .map((m) => m[1]!)
        .filter((page) => !fs.existsSync(path.join(ROOT, 'docs', page)))
        .map((page) => `${rel(file)} → docs/${page}`),
    );
    expect(missing).toEqual([]);
  });

  it('are the only notes cited: no comment names the outside protocol or contract notes', () => {
    const outside = new RegExp(['PROTOCOLS', 'CONTRACT'].map((name) => `\\b${name}(\\.md|\\s§)`).join('|'));
    const citing = codeFiles.filter((file) => outside.test(fs.readFileSync(file, 'utf8'))).map(rel);
    expect(citing).toEqual([]);
  });

  it('link to each other with relative links that resolve', () => {
    const docs = files(path.join(ROOT, 'docs'), '.md');
    expect(docs.length).toBeGreaterThan(0);
    const broken = docs.flatMap((doc) =>
      [...fs.readFileSync(doc, 'utf8').matchAll(/\]\(((?!https?:)[^)#\s]+)(#[^)]*)?\)/g)]
        .map((m) => m[1]!)
        .filter((target) => !fs.existsSync(path.resolve(path.dirname(doc), target)))
        .map((target) => `${rel(doc)} → ${target}`),
    );
    expect(broken).toEqual([]);
  });
});
