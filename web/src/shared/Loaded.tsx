import type { ReactNode } from 'react';
import { ErrorMessage } from './errors';
import { type MessageKey, useI18n } from './i18n';
import type { Async } from './useAsync';

const nothing = (data: unknown) => data === null || (Array.isArray(data) && data.length === 0);

/**
 * What every page shows while it waits for a load: the error if it failed, "loading" until there is
 * data, the `empty` message when there is nothing (no rows, or null), else the content.
 */
export function Loaded<T>({
  state,
  empty,
  isEmpty = nothing,
  children,
}: {
  state: Async<T>;
  empty?: MessageKey;
  isEmpty?: (data: T) => boolean;
  children: (data: NonNullable<T>) => ReactNode;
}) {
  const { t } = useI18n();
  const { data, error } = state;
  return (
    <>
      <ErrorMessage error={error} />
      {data === undefined
        ? !error && <p className="muted">{t('common.loading')}</p>
        : isEmpty(data) || data === null
          ? empty && <p className="empty">{t(empty)}</p>
          : children(data)}
    </>
  );
}
