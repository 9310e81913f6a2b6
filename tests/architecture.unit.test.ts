import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..');
const schemaDir = join(root, 'api', 'schema');
const schemaFiles = readdirSync(schemaDir, { recursive: true, encoding: 'utf8' })
  .filter((f) => f.endsWith('.ts'))
  .map((f) => ({ name: `api/schema/${f}`, text: readFileSync(join(schemaDir, f), 'utf8') }));

/** Every module specifier a file imports or re-exports from, type-only ones included. */
function importsOf(text: string): string[] {
  return [
    ...text.matchAll(/(?:^|\n)\s*(?:import|export)\b[^'"]*?\bfrom\s+['"]([^'"]+)['"]/g),
    ...text.matchAll(/\bimport\(\s*['"]([^'"]+)['"]\s*\)/g),
  ].map((m) => m[1]!);
}

/**
 * Thin resolvers (issue 9): a resolver maps arguments to a use case and exposes fields. It never
 * reaches the event store — reading streams, walking the log and verifying it are use cases of the
 * application layer (`application/`), which the resolvers call through the context.
 */
describe('the transport layer', () => {
  it('finds the resolver files', () => {
    expect(schemaFiles.length).toBeGreaterThan(10);
    expect(importsOf("import { a } from './x.js';\nimport type { B } from '../y.js';")).toEqual(['./x.js', '../y.js']);
  });

  it('has no resolver importing from eventstore/', () => {
    const offending = schemaFiles.flatMap(({ name, text }) =>
      importsOf(text)
        .filter((s) => /(^|\/)eventstore\//.test(s))
        .map((s) => `${name} → ${s}`),
    );
    expect(offending).toEqual([]);
  });

  it('has no resolver touching the store', () => {
    const offending = schemaFiles.filter(({ text }) => /\bctx\.store\b|\.store\./.test(text)).map(({ name }) => name);
    expect(offending).toEqual([]);
  });
});
