import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/**
 * The layout rules a newcomer relies on: the product (src/) never reaches into the tests, the
 * test infrastructure (testing/) or the tools (tools/); its modules import each other without
 * cycles; the files of one call's life (src/call/) stay short enough to read whole.
 */
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const SRC = path.join(ROOT, 'src');

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(full);
    return entry.name.endsWith('.ts') ? [full] : [];
  });
}

/** Relative imports of a file (type-only ones included: they couple modules too), resolved to .ts paths. */
function importsOf(file: string): string[] {
  const text = fs.readFileSync(file, 'utf8');
  const specs = [...text.matchAll(/(?:from\s+|import\s*\(\s*|import\s+)['"](\.{1,2}\/[^'"]+)['"]/g)].map((m) => m[1]!);
  return specs.map((spec) => path.resolve(path.dirname(file), spec).replace(/\.js$/, '.ts'));
}

const files = sourceFiles(SRC);
const graph = new Map(files.map((f) => [f, importsOf(f).filter((target) => target.endsWith('.ts'))]));

describe('the source layout', () => {
  it('keeps the product free of tests, test infrastructure and tools', () => {
    const outside = [...graph].flatMap(([file, targets]) =>
      targets.filter((t) => !t.startsWith(`${SRC}${path.sep}`)).map((t) => `${rel(file)} → ${rel(t)}`),
    );
    expect(outside).toEqual([]);
  });

  it('has no import cycle in src/', () => {
    const cycles: string[] = [];
    const state = new Map<string, 'visiting' | 'done'>();
    const visit = (file: string, trail: string[]): void => {
      if (state.get(file) === 'done') return;
      if (state.get(file) === 'visiting') {
        cycles.push([...trail.slice(trail.indexOf(file)), file].map(rel).join(' → '));
        return;
      }
      state.set(file, 'visiting');
      for (const target of graph.get(file) ?? []) if (graph.has(target)) visit(target, [...trail, file]);
      state.set(file, 'done');
    };
    for (const file of files) visit(file, []);
    expect(cycles).toEqual([]);
  });

  it("keeps every file of src/call/ (one call's life) under 300 lines", () => {
    const callDir = path.join(SRC, 'call');
    const long = sourceFiles(callDir)
      .map((file) => ({ file: rel(file), lines: fs.readFileSync(file, 'utf8').split('\n').length - 1 }))
      .filter((f) => f.lines >= 300)
      .map((f) => `${f.file}: ${f.lines} lines`);
    expect(long).toEqual([]);
  });
});

function rel(file: string): string {
  return path.relative(ROOT, file);
}
