/**
 * The app's only ways to the server: GraphQL at /graphql (JSON, or a multipart request when a file
 * goes with it) and the evidence-file upload at /files. Both carry the sign-in token.
 */

const TOKEN_KEY = 'taizhang.token';

/** The sign-in token (from the login mutation), kept for this browser tab's session. */
export const session = {
  token: (): string | null => sessionStorage.getItem(TOKEN_KEY),
  set: (token: string) => sessionStorage.setItem(TOKEN_KEY, token),
  clear: () => {
    sessionStorage.removeItem(TOKEN_KEY);
    window.dispatchEvent(new Event('taizhang:signed-out'));
  },
};

function authorization(): Record<string, string> {
  const token = session.token();
  return token ? { authorization: `Bearer ${token}` } : {};
}

export type GraphQLErrorItem = { message: string; extensions?: { code?: string; [key: string]: unknown } };

/** A GraphQL error the server answered (code and message), or a network failure (code NETWORK). */
export class ApiError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly extensions: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

async function send<T>(init: RequestInit): Promise<T> {
  let response: Response;
  try {
    response = await fetch('/graphql', { ...init, headers: { accept: 'application/json', ...authorization(), ...init.headers } });
  } catch {
    throw new ApiError('NETWORK', 'Cannot reach the server.');
  }
  let body: { data?: T | null; errors?: GraphQLErrorItem[] };
  try {
    body = await response.json();
  } catch {
    throw new ApiError('NETWORK', `The server answered ${response.status} without a GraphQL response.`);
  }
  const [first] = body.errors ?? [];
  if (first) {
    const { code = 'INTERNAL_SERVER_ERROR', ...rest } = first.extensions ?? {};
    // The sign-in expired or was ended: back to the login form.
    if (code === 'UNAUTHENTICATED' && session.token()) session.clear();
    throw new ApiError(String(code), first.message, rest);
  }
  if (!body.data) throw new ApiError('INTERNAL_SERVER_ERROR', 'The server answered without data.');
  return body.data;
}

export function gql<T>(query: string, variables: Record<string, unknown> = {}): Promise<T> {
  return send<T>({ method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query, variables }) });
}

/** A GraphQL operation with one file, as the GraphQL multipart request spec sends it. */
export function gqlWithFile<T>(query: string, variable: string, file: File, variables: Record<string, unknown> = {}): Promise<T> {
  const form = new FormData();
  form.append('operations', JSON.stringify({ query, variables: { ...variables, [variable]: null } }));
  form.append('map', JSON.stringify({ '0': [`variables.${variable}`] }));
  form.append('0', file, file.name);
  return send<T>({ method: 'POST', body: form });
}

/** An evidence file as stored on the server and referenced from a RectificationReported event. */
export type StoredFile = { name: string; sha256: string; size: number; contentType: string };

export async function uploadFile(file: File): Promise<StoredFile> {
  let response: Response;
  try {
    response = await fetch(`/files?name=${encodeURIComponent(file.name)}`, {
      method: 'POST',
      headers: { 'content-type': file.type || 'application/octet-stream', ...authorization() },
      body: file,
    });
  } catch {
    throw new ApiError('NETWORK', 'Cannot reach the server.');
  }
  const body = await response.json().catch(() => ({}));
  if (!response.ok) {
    const error = body.error ?? body.errors?.[0]?.extensions ?? {};
    throw new ApiError(error.code ?? 'UPLOAD_FAILED', error.message ?? body.errors?.[0]?.message ?? `Upload failed (${response.status}).`);
  }
  return body as StoredFile;
}

/** The files chosen in a form's `files` input, uploaded to /files one by one; `onStep` says which is on its way. */
export async function uploadChosen(form: FormData, onStep: (name: string | null) => void): Promise<StoredFile[]> {
  const files: StoredFile[] = [];
  for (const file of form.getAll('files')) {
    if (!(file instanceof File) || file.size === 0) continue;
    onStep(file.name);
    files.push(await uploadFile(file));
  }
  onStep(null);
  return files;
}

export const fileUrl = (file: { sha256: string; name: string }) => `/files/${file.sha256}?name=${encodeURIComponent(file.name)}`;

/**
 * A report (通报) from the server's download routes (/reports/…), fetched with the sign-in token and
 * handed to the browser as a file under the name the server gives; a refusal becomes an ApiError.
 */
export async function downloadReport(path: string): Promise<void> {
  let response: Response;
  try {
    response = await fetch(path, { headers: authorization() });
  } catch {
    throw new ApiError('NETWORK', 'Cannot reach the server.');
  }
  if (!response.ok) {
    const body = await response.json().catch(() => ({}));
    const error = body.error ?? {};
    if (error.code === 'UNAUTHENTICATED' && session.token()) session.clear();
    throw new ApiError(error.code ?? 'DOWNLOAD_FAILED', error.message ?? `Download failed (${response.status}).`);
  }
  const disposition = response.headers.get('content-disposition') ?? '';
  const encoded = /filename\*=UTF-8''([^;]+)/i.exec(disposition)?.[1];
  const name = encoded ? decodeURIComponent(encoded) : (path.split('/').pop() ?? 'report');
  const url = URL.createObjectURL(await response.blob());
  const link = document.createElement('a');
  link.href = url;
  link.download = name;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
