import { BuildCache } from '@pothos/core';
import {
  GraphQLBoolean,
  GraphQLFloat,
  GraphQLID,
  GraphQLInputObjectType,
  GraphQLInt,
  GraphQLInterfaceType,
  GraphQLObjectType,
  GraphQLSchema,
  GraphQLString,
  GraphQLUnionType,
} from 'graphql';
import type { builder as Builder } from './builder.js';

type Kind = 'Enum' | 'Scalar' | 'InputObject' | 'Interface' | 'Object' | 'Union' | 'Query' | 'Mutation' | 'Subscription';

/**
 * `builder.toSchema({ sortSchema: false })` (Pothos 4: its `toSchema` and `BuildCache.buildAll`, step for step in the same
 * order) written as a generator that pauses after each type built and each type's fields resolved, to be run `sliced`
 * (issue 12, aim 3): at once it held a starting server's event loop 30–70 ms while the read models caught up. Only the
 * configuration's preparation (`prepareForBuild`, ~10–15 ms) stays one step. The same schema: the printed schema's
 * test holds it.
 */
export function* schemaInSlices(builder: typeof Builder): Generator<void, GraphQLSchema> {
  for (const scalar of [GraphQLID, GraphQLInt, GraphQLFloat, GraphQLString, GraphQLBoolean])
    if (!builder.configStore.hasImplementation(scalar.name)) builder.addScalarType(scalar.name as never, scalar);
  const cache = new BuildCache(builder, {});
  cache.plugin.beforeBuild();
  builder.configStore.prepareForBuild();
  yield;
  const configs = builder.configStore.typeConfigs;
  function* build(kinds: readonly Kind[]): Generator<void> {
    for (const config of configs.values())
      if ((kinds as readonly string[]).includes(config.kind)) {
        cache.buildTypeFromConfig(config);
        yield;
      }
  }
  yield* build(['Enum', 'Scalar']);
  yield* build(['InputObject']);
  for (const type of cache.types.values())
    if (type instanceof GraphQLInputObjectType) {
      type.getFields();
      yield;
    }
  yield* build(['Interface']);
  yield* build(['Object']);
  yield* build(['Union']);
  yield* build(['Query', 'Mutation', 'Subscription']);
  for (const type of cache.types.values()) {
    if (type instanceof GraphQLObjectType || type instanceof GraphQLInterfaceType) type.getFields();
    else if (type instanceof GraphQLUnionType) type.getTypes();
    yield;
  }
  const named = (kind: Kind, otherwise: string) => [...configs.values()].find((c) => c.kind === kind)?.name ?? otherwise;
  const schema = new GraphQLSchema({
    query: cache.types.get(named('Query', 'Query')) as GraphQLObjectType | undefined,
    mutation: cache.types.get(named('Mutation', 'Mutation')) as GraphQLObjectType | undefined,
    subscription: cache.types.get(named('Subscription', 'Subscription')) as GraphQLObjectType | undefined,
    extensions: {},
    types: [...cache.types.values()],
  });
  return cache.plugin.afterBuild(schema);
}
