import { GraphQLError } from 'graphql';
import type { Plugin } from 'graphql-yoga';

type Coded = Error & { code: string; details?: Record<string, unknown> };

const storeCodes = new Set(['CONCURRENCY_CONFLICT', 'DUPLICATE_EVENT_ID']);

/** Errors raised on purpose: the domain's error kinds (they carry `kind`) and the store's concurrency errors. */
function isExpected(error: unknown): error is Coded {
  if (!(error instanceof Error) || typeof (error as Partial<Coded>).code !== 'string') return false;
  return 'kind' in error || storeCodes.has((error as Coded).code);
}

/** A GraphQLError, told by its shape: graphql may be loaded twice (its CJS and ESM builds), so `instanceof` can lie. */
function isGraphQLError(error: unknown): error is GraphQLError {
  return error instanceof Error && 'extensions' in error && 'locations' in error && 'path' in error;
}

/**
 * A GraphQLError that wraps no other kind of error: said by the GraphQL layer itself about the
 * request (a syntax error, a variable of the wrong type, an unknown enum value, an Int out of range,
 * `first: -1`, a cursor this server never gave). The caller's mistake, never an incident.
 */
function isRequestError(error: unknown): error is GraphQLError {
  return isGraphQLError(error) && (error.originalError == null || isRequestError(error.originalError));
}

/** "Did you mean …?" in graphql's messages (fields, arguments, enum values, input fields): always the message's end. */
const SUGGESTION = /\s*Did you mean [\s\S]*$/;

/** The message without graphql's "Did you mean …?": in production it would tell a stranger the schema introspection hides. */
export const withoutSuggestions = (message: string) => message.replace(SUGGESTION, '');

/** Pothos' words for a cursor it cannot read, said so a person knows what to send instead. */
const clearer: Record<string, string> = {
  'Invalid base64 string': "The cursor is not one this server gave: pass a page's `endCursor` as `after` (or `startCursor` as `before`).",
  'Invalid offset cursor OffsetConnection:':
    "The cursor is not one this server gave: pass a page's `endCursor` as `after` (or `startCursor` as `before`).",
};

/** A value inspected by graphql into its message: a file (a web File) is shown as its innards; say "a file". */
const INSPECTED_FILE = /\{ blobParts: [\s\S]*?webkitRelativePath: "[^"]*" \}|\[(Ponyfill)?File\]/g;

/**
 * Expected failures keep their message and get a stable `extensions.code`; the caller's mistakes
 * that the GraphQL layer finds (variables that do not fit their type, a bad paging argument) are
 * `BAD_USER_INPUT`, with the GraphQL-over-HTTP status (400 for `application/graphql-response+json`
 * when nothing was executed); everything else is masked as "Unexpected error." (and only that is
 * logged) so no stack trace or internal detail reaches a client.
 * With `suggestions` off (production), no message says "Did you mean …?". The unexpected go to `log` (the server's JSON log).
 */
export function errorMasker({
  suggestions,
  log = (error) => console.error('Unexpected error:', error),
}: {
  suggestions: boolean;
  log?: (error: unknown) => void;
}): (error: unknown) => GraphQLError {
  const say = (message: string) => (suggestions ? message : withoutSuggestions(message)).replace(INSPECTED_FILE, 'a file');
  return (error) => {
    const wrapper = error as Partial<GraphQLError>;
    const original: unknown = wrapper.originalError ?? (isExpected(error) ? error : undefined);
    const base = { nodes: wrapper.nodes, path: wrapper.path };
    if (isExpected(original))
      return new GraphQLError(say(original.message), { ...base, extensions: { code: original.code, ...(original.details ?? {}) } });
    if (isRequestError(error)) {
      const code = (error.extensions.code ?? (original as Partial<GraphQLError> | undefined)?.extensions?.code) as string | undefined;
      if (code !== undefined) return new GraphQLError(say(error.message), { ...base, extensions: { ...error.extensions, code } });
      // In a field: its arguments (a bad page size or cursor); the field is null, the rest is answered.
      if (error.path !== undefined)
        return new GraphQLError(say(clearer[error.message] ?? error.message), { ...base, extensions: { code: 'BAD_USER_INPUT' } });
      // The variables did not fit their types, so nothing ran: a request error (400 for graphql-response+json).
      if (error.message.startsWith('Variable "$'))
        return new GraphQLError(say(error.message), { ...base, extensions: { code: 'BAD_USER_INPUT', http: { status: 400, spec: true } } });
      return new GraphQLError(say(error.message), { ...base, extensions: { ...error.extensions, code: 'GRAPHQL_VALIDATION_FAILED' } });
    }
    log(original ?? error);
    return new GraphQLError('Unexpected error.', { path: wrapper.path, extensions: { code: 'INTERNAL_SERVER_ERROR' } });
  };
}

/**
 * Validation errors are answered as they are, never through the masker: this strips "Did you mean …?"
 * from them when suggestions are off (graphql-armor's blockFieldSuggestion covers fields only, not
 * arguments or enum values).
 */
export function hideSuggestions(): Plugin {
  return {
    onValidate:
      () =>
      ({ result, setResult }) => {
        if (result.length === 0) return;
        setResult(
          result.map((e) =>
            SUGGESTION.test(e.message)
              ? new GraphQLError(withoutSuggestions(e.message), {
                  nodes: e.nodes,
                  source: e.source,
                  positions: e.positions,
                  path: e.path,
                  extensions: e.extensions,
                })
              : e,
          ),
        );
      },
  };
}

/**
 * A request that cannot be read (a multipart `map` that is not an object of path lists, a missing
 * `operations` field, unparsable GET parameters) is the caller's mistake: `BAD_REQUEST`, HTTP 400,
 * never a masked incident. Wraps whichever request parser yoga chose (user plugins run after its own).
 */
export function requestParseErrors(): Plugin {
  return {
    onRequestParse: ({ requestParser, setRequestParser }) => {
      if (!requestParser) return;
      setRequestParser(async (request) => {
        try {
          return await requestParser(request);
        } catch (error) {
          if (error instanceof Error && error.name === 'AbortError') throw error;
          const said = isGraphQLError(error) && typeof error.extensions.code === 'string';
          if (said) throw error;
          const message = isGraphQLError(error)
            ? error.message
            : 'The request could not be read: see the GraphQL-over-HTTP and GraphQL multipart request specifications.';
          throw new GraphQLError(message, { extensions: { code: 'BAD_REQUEST', http: { status: 400 } } });
        }
      });
    },
  };
}
