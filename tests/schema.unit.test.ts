import { isEnumType, isInputObjectType, isObjectType, isScalarType, isSpecifiedScalarType, printSchema } from 'graphql';
import { describe, expect, it, vi } from 'vitest';
import { schema } from '../api/schema/index.js';

/** The console is the office's manual: every type, field and argument says what it is. */
describe('the GraphQL schema', () => {
  it('describes every type, field and argument', () => {
    const missing: string[] = [];
    for (const type of Object.values(schema.getTypeMap())) {
      if (type.name.startsWith('__') || (isScalarType(type) && isSpecifiedScalarType(type))) continue;
      if (!type.description) missing.push(type.name);
      if (!isObjectType(type) && !isInputObjectType(type)) continue;
      for (const field of Object.values(type.getFields())) {
        if (!field.description) missing.push(`${type.name}.${field.name}`);
        for (const arg of 'args' in field ? field.args : []) if (!arg.description) missing.push(`${type.name}.${field.name}(${arg.name})`);
      }
    }
    expect(missing).toEqual([]);
  });

  it('names a mutation of the schema in every ProblemAction (what Problem.availableActions lists)', () => {
    const actions = schema.getType('ProblemAction');
    if (!isEnumType(actions)) throw new Error('ProblemAction is not an enum');
    const mutations = schema.getMutationType()!.getFields();
    const values = actions.getValues().map((v) => v.name);
    expect(values.length).toBeGreaterThan(0);
    expect(values.filter((name) => !mutations[name] || !mutations[name]!.args.some((a) => a.name === 'problemId'))).toEqual([]);
  });

  it('is the schema Pothos builds at once: built in slices (api/schema/inSlices.ts), it prints the same', async () => {
    // Given the same types declared on a builder of their own (a fresh copy of the schema's modules)
    const served = printSchema(schema);
    vi.resetModules();
    const { builder } = await import('../api/schema/builder.js');
    const { declareTypes } = await import('../api/schema/declarations.js');
    await declareTypes();
    // When Pothos builds them its own way, at once
    const atOnce = printSchema(builder.toSchema({ sortSchema: true }));
    // Then the schema served (prepared and built in slices) prints the same, type for type, field for field
    expect(served).toBe(atOnce);
    expect(atOnce).toContain('type Mutation {');
  });
});
