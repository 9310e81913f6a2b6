import SchemaBuilder from '@pothos/core';
import RelayPlugin from '@pothos/plugin-relay';
import type { Context } from '../context.js';

/** A file sent with a GraphQL multipart request (graphql-yoga parses it into a web File). */
export type UploadedFile = { name: string; size: number; arrayBuffer(): Promise<ArrayBuffer> };

/** The one schema builder, with the request context typed. */
export const builder = new SchemaBuilder<{
  Context: Context;
  Scalars: {
    JSON: { Input: unknown; Output: unknown };
    File: { Input: UploadedFile; Output: never };
  };
  DefaultFieldNullability: false;
}>({
  plugins: [RelayPlugin],
  defaultFieldNullability: false,
  relay: { clientMutationId: 'omit', cursorType: 'String', nodeQueryOptions: false, nodesQueryOptions: false },
});

builder.scalarType('JSON', {
  description: 'Any JSON value: the data of an event, as it was recorded.',
  serialize: (value) => value,
  parseValue: (value) => value,
});

builder.scalarType('File', {
  description: 'A file sent with the request (GraphQL multipart request), e.g. a problem list to import.',
  serialize: () => {
    throw new Error('File is an input only');
  },
});

builder.queryType({ description: 'Reading the ledger (整改台账) and its units.' });
builder.mutationType({ description: 'Every change to the ledger is a command that appends events.' });
