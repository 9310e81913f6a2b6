import { ApiError } from './api';
import { type Translate, useI18n } from './i18n';

/** An error from the server in the reader's language when its code is known, else as the server said it. */
export function errorText(error: unknown, t: Translate, has: (key: string) => boolean): string {
  if (error instanceof ApiError) {
    if (error.code === 'NETWORK') return t('error.network');
    const key = `error.${error.code}`;
    // The error's details (a ledger number, a field) may fill the words, beside the server's message.
    const details = Object.fromEntries(
      Object.entries(error.extensions).filter((entry): entry is [string, string | number] =>
        ['string', 'number'].includes(typeof entry[1]),
      ),
    );
    if (has(key)) return t(key as never, { ...details, message: error.message });
    return error.message;
  }
  return error instanceof Error ? error.message : String(error);
}

export function ErrorMessage({ error }: { error: unknown }) {
  const { t, has } = useI18n();
  if (!error) return null;
  return (
    <p className="error" role="alert" data-error-code={error instanceof ApiError ? error.code : undefined}>
      {errorText(error, t, has)}
    </p>
  );
}
