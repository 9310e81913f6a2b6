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
  useSubscription(NEW_NOTIFICATIONS, true, inboxChanged);
  const count = unread.data ?? 0;
  return (
    <NavLink to="/inbox" className="bell" data-bell={count} aria-label={t('inbox.bell', { n: count })} title={t('inbox.bell', { n: count })}>
      <span aria-hidden="true">🔔</span>
      {count > 0 && (
        <span className="bell-count" data-unread>
          {count > 99 ? '99+' : count}
        </span>
      )}
    </NavLink>
  );
}
