import { GraphQLError } from 'graphql';
import { TaizhangError } from '../domain/index.js';
import { ConcurrencyRetriesExhaustedError } from '../eventstore/commandHandler.js';
import { DuplicateEventIdError, WrongExpectedRevisionError } from '../eventstore/port.js';

/**
 * Expected failures keep their message and get a stable `extensions.code`; everything else is
 * masked as "Unexpected error." so no stack trace or internal detail reaches a client.
 */
export function maskError(error: unknown): GraphQLError {
  const graphQLError = error instanceof GraphQLError ? error : new GraphQLError(String(error));
  const original = graphQLError.originalError ?? (error instanceof GraphQLError ? undefined : error);
  if (original === undefined || original instanceof GraphQLError) {
    // Errors of the GraphQL layer itself (syntax, unknown field, wrong argument type): say them as they are.
    const code = (graphQLError.extensions?.code as string | undefined) ?? 'GRAPHQL_VALIDATION_FAILED';
    return new GraphQLError(graphQLError.message, {
      nodes: graphQLError.nodes,
      path: graphQLError.path,
      extensions: { ...graphQLError.extensions, code },
    });
  }
  const known =
    original instanceof TaizhangError
      ? { code: original.code, details: original.details }
      : original instanceof WrongExpectedRevisionError ||
          original instanceof ConcurrencyRetriesExhaustedError ||
          original instanceof DuplicateEventIdError
        ? { code: original.code, details: undefined }
        : undefined;
  if (!known) {
    console.error('Unexpected error:', original);
    return new GraphQLError('Unexpected error.', { path: graphQLError.path, extensions: { code: 'INTERNAL_SERVER_ERROR' } });
  }
  return new GraphQLError((original as Error).message, {
    path: graphQLError.path,
    extensions: { code: known.code, ...(known.details ?? {}) },
  });
}
