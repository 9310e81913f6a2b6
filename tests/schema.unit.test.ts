import { isEnumType, isInputObjectType, isObjectType, isScalarType, isSpecifiedScalarType } from 'graphql';
import { describe, expect, it } from 'vitest';
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
});
