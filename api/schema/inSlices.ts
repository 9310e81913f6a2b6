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
 * (issue 12, aim 3): at once it held a starting server's event loop 30–70 ms while the read models caught up. The
 * configuration's preparation too (`preparing`). The same schema: the printed schema's test holds it.
 */
export function* schemaInSlices(builder: typeof Builder): Generator<void, GraphQLSchema> {
  for (const scalar of [GraphQLID, GraphQLInt, GraphQLFloat, GraphQLString, GraphQLBoolean])
    if (!builder.configStore.hasImplementation(scalar.name)) builder.addScalarType(scalar.name as never, scalar);
  const cache = new BuildCache(builder, {});
  cache.plugin.beforeBuild();
  yield* preparing(builder.configStore);
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

/** What `preparing` reaches of Pothos 4's config store: its own fields, private in its types. */
type PendingStore = { pending: boolean; refs: Set<{ prepareForBuild(): void }>; pendingActions: (() => void)[] };

/**
 * `configStore.prepareForBuild()` (Pothos 4) pausing after each of its pending actions: each defines one type's fields (the
 * `fields` of its declarations, called), and all at once held a starting server's loop 34–43 ms (round 13). Then Pothos's
 * own `prepareForBuild`, with nothing left pending, does the rest (the field defaults, the check that every reference
 * has its type): its refs are prepared once, and an action asked for once preparing has begun runs at once.
 */
function* preparing(store: (typeof Builder)['configStore']): Generator<void> {
  const pending = store as unknown as PendingStore;
  pending.pending = false;
  for (const ref of pending.refs) ref.prepareForBuild();
  const actions = pending.pendingActions;
  pending.pendingActions = [];
  for (const action of actions) {
    action();
    yield;
  }
  store.prepareForBuild();
  yield;
}
