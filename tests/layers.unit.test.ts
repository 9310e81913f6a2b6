import { readFileSync, readdirSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join, posix, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

/**
 * The layers and which folder may import which (docs/architecture.md draws the same picture):
 *
 *   domain/        pure rules: imports only domain/ (and the pure libraries below); no I/O, clock or randomness
 *   eventstore/    the store port and its adapters: not application/, not api/
 *   projections/   read models following the log: not application/, not api/
 *   application/   use cases, built once by createApplication: not api/
 *   api/           transport only (express, GraphQL): may import all of the above
 *   scripts/, bench/  tools on the application: not api/
 *   web/src/       the browser app, speaks GraphQL only: nothing outside web/
 */
const ROOT = fileURLToPath(new URL('..', import.meta.url));
const SOURCE_FOLDERS = ['domain', 'application', 'eventstore', 'projections', 'api', 'scripts', 'bench', 'web/src', 'tests'];
/** The only packages domain/ may use: validation and dates, no I/O. */
const DOMAIN_PACKAGES = new Set(['zod', 'luxon']);
const SERVER_FOLDERS = ['domain', 'application', 'eventstore', 'projections', 'api', 'scripts', 'bench', 'tests'];

type Source = { path: string; text: string };
type Rule = { from: string; forbidden: string[]; why: string };

const RULES: Rule[] = [
  { from: 'application/', forbidden: ['api/'], why: 'the application does not know its transport' },
  { from: 'eventstore/', forbidden: ['api/', 'application/'], why: 'the store knows no use case and no transport' },
  { from: 'projections/', forbidden: ['api/', 'application/'], why: 'read models follow the log, not the use cases' },
  { from: 'scripts/', forbidden: ['api/'], why: 'scripts build the application, not the server' },
  { from: 'bench/', forbidden: ['api/'], why: 'benchmarks build the application, or start the real server as a process' },
  { from: 'web/src/', forbidden: SERVER_FOLDERS.map((f) => `${f}/`), why: 'the web app speaks GraphQL only' },
];

/** Clock, randomness and environment reads that would make a decision depend on more than its inputs. */
const IMPURE = ['Date.now', 'Math.random', 'performance.now', 'process.env', 'crypto.randomUUID', 'crypto.getRandomValues'];

/** Every module specifier a file names (static, re-export, dynamic and `import('…')` types), and its impure expressions. */
function scan({ path, text }: Source): { specifiers: string[]; impure: string[] } {
  const file = ts.createSourceFile(path, text, ts.ScriptTarget.Latest, true, path.endsWith('x') ? ts.ScriptKind.TSX : ts.ScriptKind.TS);
  const specifiers: string[] = [];
  const impure: string[] = [];
  const visit = (node: ts.Node): void => {
    if ((ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier))
      specifiers.push(node.moduleSpecifier.text);
    else if (
      ts.isCallExpression(node) &&
      node.expression.kind === ts.SyntaxKind.ImportKeyword &&
      node.arguments[0] &&
      ts.isStringLiteral(node.arguments[0])
    )
      specifiers.push(node.arguments[0].text);
    else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument) && ts.isStringLiteral(node.argument.literal))
      specifiers.push(node.argument.literal.text);
    else if (ts.isPropertyAccessExpression(node) && IMPURE.includes(node.getText(file))) impure.push(node.getText(file));
    else if (ts.isNewExpression(node) && node.expression.getText(file) === 'Date' && (node.arguments?.length ?? 0) === 0)
      impure.push('new Date()');
    ts.forEachChild(node, visit);
  };
  visit(file);
  return { specifiers, impure };
}

const isBuiltin = (specifier: string) => specifier.startsWith('node:') || builtinModules.includes(specifier.split('/')[0]!);

/** The layering's breaches in these files, one line each: `file → what it imports (why not)`. */
function layerViolations(sources: Source[]): string[] {
  const found: string[] = [];
  for (const source of sources) {
    const { specifiers, impure } = scan(source);
    for (const specifier of specifiers) {
      const relativeSpecifier = specifier.startsWith('.');
      const target = relativeSpecifier ? posix.join(posix.dirname(source.path), specifier) : specifier;
      if (source.path.startsWith('domain/')) {
        if (relativeSpecifier ? !target.startsWith('domain/') : isBuiltin(specifier) || !DOMAIN_PACKAGES.has(specifier.split('/')[0]!))
          found.push(`${source.path} → ${specifier} (domain/ imports only domain/ and ${[...DOMAIN_PACKAGES].join(', ')})`);
        continue;
      }
      if (!relativeSpecifier) continue;
      for (const rule of RULES)
        if (source.path.startsWith(rule.from) && rule.forbidden.some((folder) => target.startsWith(folder)))
          found.push(`${source.path} → ${specifier} (${rule.why})`);
    }
    if (source.path.startsWith('domain/'))
      for (const expression of impure) found.push(`${source.path} uses ${expression} (domain/ takes the clock and ids as inputs)`);
  }
  return found;
}

function sourcesUnder(folder: string): Source[] {
  return readdirSync(join(ROOT, folder), { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && /\.tsx?$/.test(entry.name))
    .map((entry) => {
      const absolute = join(entry.parentPath, entry.name);
      return { path: relative(ROOT, absolute).split('\\').join('/'), text: readFileSync(absolute, 'utf8') };
    });
}

describe('the layers', () => {
  const sources = SOURCE_FOLDERS.flatMap(sourcesUnder);

  it('reads the whole code base', () => {
    for (const folder of SOURCE_FOLDERS)
      expect(
        sources.some((s) => s.path.startsWith(`${folder}/`)),
        folder,
      ).toBe(true);
    expect(sources.some((s) => s.path === 'application/index.ts')).toBe(true);
  });

  it('import only in the allowed directions', () => {
    expect(layerViolations(sources)).toEqual([]);
  });

  it('the checker finds every kind of breach', () => {
    const breaches = layerViolations([
      { path: 'domain/rules.ts', text: "import { x } from '../projections/view.js';\nimport { readFileSync } from 'node:fs';" },
      { path: 'domain/ids.ts', text: "import { randomUUID } from 'crypto';\nexport const at = () => Date.now() + Math.random();" },
      { path: 'domain/today.ts', text: "import express from 'express';\nexport const today = () => new Date();" },
      { path: 'application/ledger.ts', text: "import type { Context } from '../api/context.js';" },
      { path: 'application/demo/index.ts', text: "export * from '../../api/server.js';" },
      { path: 'eventstore/sqlite.ts', text: "const m = await import('../application/index.js');" },
      { path: 'projections/view.ts', text: "type T = import('../api/schema/index.js').Schema;" },
      { path: 'scripts/user.ts', text: "import { createApp } from '../api/server.js';" },
      { path: 'bench/projections.ts', text: "import { startServer } from '../api/server.js';" },
      { path: 'web/src/pages/Map.tsx', text: "import { Status } from '../../../domain/index.js';" },
    ]);
    expect(breaches).toEqual([
      'domain/rules.ts → ../projections/view.js (domain/ imports only domain/ and zod, luxon)',
      'domain/rules.ts → node:fs (domain/ imports only domain/ and zod, luxon)',
      'domain/ids.ts → crypto (domain/ imports only domain/ and zod, luxon)',
      'domain/ids.ts uses Date.now (domain/ takes the clock and ids as inputs)',
      'domain/ids.ts uses Math.random (domain/ takes the clock and ids as inputs)',
      'domain/today.ts → express (domain/ imports only domain/ and zod, luxon)',
      'domain/today.ts uses new Date() (domain/ takes the clock and ids as inputs)',
      'application/ledger.ts → ../api/context.js (the application does not know its transport)',
      'application/demo/index.ts → ../../api/server.js (the application does not know its transport)',
      'eventstore/sqlite.ts → ../application/index.js (the store knows no use case and no transport)',
      'projections/view.ts → ../api/schema/index.js (read models follow the log, not the use cases)',
      'scripts/user.ts → ../api/server.js (scripts build the application, not the server)',
      'bench/projections.ts → ../api/server.js (benchmarks build the application, or start the real server as a process)',
      'web/src/pages/Map.tsx → ../../../domain/index.js (the web app speaks GraphQL only)',
    ]);
  });

  it('the checker lets the allowed directions through', () => {
    expect(
      layerViolations([
        {
          path: 'domain/problem.ts',
          text: "import { z } from 'zod';\nimport { DateTime } from 'luxon';\nimport { CalendarDay } from './calendar.js';\nexport const d = (iso: string) => new Date(iso);",
        },
        {
          path: 'application/ledger.ts',
          text: "import { decide } from '../domain/index.js';\nimport { readFileSync } from 'node:fs';\nconst now = Date.now();",
        },
        { path: 'api/server.ts', text: "import { createApplication } from '../application/index.js';" },
        { path: 'bench/run.ts', text: "import { generateCounty } from '../tests/support/countyLog.js';" },
        { path: 'web/src/App.tsx', text: "import { api } from './api';\nimport { createRoot } from 'react-dom/client';" },
      ]),
    ).toEqual([]);
  });
});
