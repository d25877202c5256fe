import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ErrorCodes } from '../../src/lib/errors.js';

/** docs/errors.md is the one table of error codes; it must list exactly the codes the source has. */
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const doc = fs.readFileSync(path.join(ROOT, 'docs/errors.md'), 'utf8');

/** The codes in the first column of the table under the `## heading` section. */
function tableCodes(heading: string): string[] {
  const sections = doc.split(/^## /m);
  const section = sections.find((s) => s.startsWith(`${heading}\n`));
  if (!section) throw new Error(`docs/errors.md has no "## ${heading}" section`);
  return section
    .split('\n')
    .map((line) => /^\|\s*`([A-Za-z_]+)`\s*\|/.exec(line)?.[1])
    .filter((code): code is string => code !== undefined);
}

/** The `code` values the recruiter API (and the app's fallbacks) answer with, read from src/http. */
function apiCodesInSource(): string[] {
  const dir = path.join(ROOT, 'src/http');
  const codes = new Set<string>();
  for (const file of fs.readdirSync(dir).filter((f) => f.endsWith('.ts'))) {
    const text = fs.readFileSync(path.join(dir, file), 'utf8');
    for (const m of text.matchAll(/errorBody\(\s*'([a-z_]+)'|\bcode: '([a-z_]+)'/g)) codes.add((m[1] ?? m[2])!);
  }
  return [...codes];
}

const sorted = (codes: Iterable<string>) => [...codes].sort();

describe('docs/errors.md', () => {
  it('lists every ErrorCodes code once, and nothing else', () => {
    const documented = tableCodes('Service error codes');
    expect(sorted(documented)).toEqual(sorted(Object.values(ErrorCodes)));
    expect(new Set(documented).size).toBe(documented.length);
  });

  it('lists every code of the recruiter API error answers once, and nothing else', () => {
    const documented = tableCodes('Recruiter API error codes');
    const inSource = apiCodesInSource();
    expect(inSource.length).toBeGreaterThan(0);
    expect(sorted(documented)).toEqual(sorted(inSource));
    expect(new Set(documented).size).toBe(documented.length);
  });
});
