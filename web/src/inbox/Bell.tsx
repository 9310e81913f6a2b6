import { useEffect } from 'react';
import { NavLink } from 'react-router';
import { useI18n } from '../shared/i18n';
import { useSubscription } from '../shared/liveUpdates';
import { useAsync } from '../shared/useAsync';
import { NEW_NOTIFICATIONS, fetchUnreadCount, inboxChanged, onInboxChanged } from './queries';

/** The bell in the header: the unread count, kept current by the live stream; opens the inbox. */
export function Bell() {
  const { t } = useI18n();
  const unread = useAsync(fetchUnreadCount, []);
  const { reload } = unread;
  useEffect(() => onInboxChanged(reload), [reload]);
  // Counted again whenever the stream (re)connects: a notification recorded while it was down is not pushed.
  useSubscription(NEW_NOTIFICATIONS, true, inboxChanged, inboxChanged);
  const count = unread.data ?? 0;
  return (
    <NavLink
      to="/inbox"
      className="bell"
      data-bell={count}
      aria-label={t('inbox.bell', { n: count })}
      title={t('inbox.bell', { n: count })}
    >
      <svg aria-hidden="true" viewBox="0 0 24 24" width="20" height="20" fill="currentColor">
        <path d="M12 22a2.5 2.5 0 0 0 2.45-2h-4.9A2.5 2.5 0 0 0 12 22Zm7-6V11a7 7 0 0 0-5.5-6.84V3a1.5 1.5 0 0 0-3 0v1.16A7 7 0 0 0 5 11v5l-2 2v1h18v-1l-2-2Z" />
      </svg>
      {count > 0 && (
        <span className="bell-count" data-unread>
          {count > 99 ? '99+' : count}
        </span>
      )}
    </NavLink>
  );
}
