import { GraphQLError } from 'graphql';

type Coded = Error & { code: string; details?: Record<string, unknown> };

const storeCodes = new Set(['CONCURRENCY_CONFLICT', 'DUPLICATE_EVENT_ID']);

/** Errors raised on purpose: the domain's error kinds (they carry `kind`) and the store's concurrency errors. */
function isExpected(error: unknown): error is Coded {
  if (!(error instanceof Error) || typeof (error as Partial<Coded>).code !== 'string') return false;
  return 'kind' in error || storeCodes.has((error as Coded).code);
}

/**
 * Expected failures keep their message and get a stable `extensions.code`; everything else is
 * masked as "Unexpected error." so no stack trace or internal detail reaches a client.
 * Checks are by shape, not `instanceof`: graphql may be loaded twice (its CJS and ESM builds).
 */
export function maskError(error: unknown): GraphQLError {
  const wrapper = error as Partial<GraphQLError>;
  const original: unknown = wrapper.originalError ?? (isExpected(error) ? error : undefined);
  const base = { nodes: wrapper.nodes, path: wrapper.path };
  if (original === undefined || (original as Partial<GraphQLError>).locations !== undefined) {
    // An error of the GraphQL layer itself (syntax, unknown field, wrong argument type): said as it is.
    const inner = (original ?? error) as Partial<GraphQLError>;
    if (typeof inner.message === 'string' && inner.extensions !== undefined)
      return new GraphQLError(inner.message, {
        ...base,
        extensions: { ...inner.extensions, code: (inner.extensions.code as string | undefined) ?? 'GRAPHQL_VALIDATION_FAILED' },
      });
  }
  if (isExpected(original))
    return new GraphQLError(original.message, { ...base, extensions: { code: original.code, ...(original.details ?? {}) } });
  console.error('Unexpected error:', original ?? error);
  return new GraphQLError('Unexpected error.', { path: wrapper.path, extensions: { code: 'INTERNAL_SERVER_ERROR' } });
}
