import SchemaBuilder from '@pothos/core';
import RelayPlugin from '@pothos/plugin-relay';
import { GraphQLError } from 'graphql';
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
  relay: {
    clientMutationId: 'omit',
    cursorType: 'String',
    nodeQueryOptions: false,
    nodesQueryOptions: false,
    // Every type, field and argument is described, the paging machinery included (the console shows them).
    pageInfoTypeOptions: { description: 'Where this page is in the whole list, and the cursors to move on.' },
    hasNextPageFieldOptions: { description: 'True when there are more after this page.' },
    hasPreviousPageFieldOptions: { description: 'True when there are more before this page.' },
    startCursorFieldOptions: { description: 'Cursor of the first item of this page.' },
    endCursorFieldOptions: { description: 'Cursor of the last item of this page: pass it as `after` for the next page.' },
    firstArgOptions: { description: 'At most this many items, from the start (or from `after`).' },
    lastArgOptions: { description: 'At most this many items, from the end (or from `before`).' },
    afterArgOptions: { description: 'Only items after this cursor.' },
    beforeArgOptions: { description: 'Only items before this cursor.' },
    defaultConnectionTypeOptions: { description: 'One page of a list.' },
    defaultEdgeTypeOptions: { description: 'One item of a page, with its cursor.' },
    edgesFieldOptions: { description: 'The items of this page, each with its cursor.' },
    pageInfoFieldOptions: { description: 'Where this page is, and how to get the next.' },
    cursorFieldOptions: { description: 'Where this item is in the list, for `after` and `before`.' },
    nodeFieldOptions: { description: 'The item.' },
  },
});

builder.scalarType('JSON', {
  description: 'Any JSON value: the data of an event, as it was recorded.',
  serialize: (value) => value,
  parseValue: (value) => value,
});

/** A file yoga parsed out of a multipart request, told by its shape (a web File). */
const isFile = (value: unknown): value is UploadedFile =>
  typeof value === 'object' &&
  value !== null &&
  typeof (value as UploadedFile).arrayBuffer === 'function' &&
  typeof (value as UploadedFile).name === 'string' &&
  typeof (value as UploadedFile).size === 'number';

const NOT_A_FILE = 'File cannot represent a value that is not a file: send the file as a part of a GraphQL multipart request.';

builder.scalarType('File', {
  description: 'A file sent with the request (GraphQL multipart request), e.g. a problem list to import.',
  serialize: () => {
    throw new Error('File is an input only');
  },
  // A string or an object where a file goes is the caller's mistake, refused before any resolver runs.
  parseValue: (value) => {
    if (!isFile(value)) throw new GraphQLError(NOT_A_FILE);
    return value;
  },
  parseLiteral: () => {
    throw new GraphQLError(NOT_A_FILE);
  },
});

builder.queryType({ description: 'Reading the ledger (整改台账) and its units.' });
builder.mutationType({ description: 'Every change to the ledger is a command that appends events.' });
