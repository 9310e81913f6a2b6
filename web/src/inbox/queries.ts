import { gql } from '../shared/api';

/** A notification in the signed-in user's inbox (站内信). */
export type Notification = {
  id: string;
  kind: string;
  subject: string;
  body: string;
  ledgerNumber: string | null;
  read: boolean;
  recordedAt: string;
};
export type Preferences = { channels: string[]; dailyDigest: boolean; email: string | null };
export type ChannelChoice = { id: string; name: string; kind: string };

/** The bell's live feed: the signed-in user's own new notifications, over the battle map's stream. */
export const NEW_NOTIFICATIONS = 'subscription { battleMapUpdates(kinds: [notification]) { notification { id } } }';

export const fetchUnreadCount = async (): Promise<number> =>
  (await gql<{ unreadNotificationCount: number }>('{ unreadNotificationCount }')).unreadNotificationCount;

/** The inbox, newest first (the latest 200). */
export const fetchInbox = async (): Promise<Notification[]> =>
  (await gql<{ myNotifications: Notification[] }>('{ myNotifications(first: 200) { id kind subject body ledgerNumber read recordedAt } }'))
    .myNotifications;

/** 已读: marks these notifications read. */
export async function markRead(ids: string[]): Promise<void> {
  if (ids.length === 0) return;
  await gql('mutation($ids: [ID!]!) { markNotificationsRead(ids: $ids) { id } }', { ids });
}

/** The user's preferences and the channels there are to choose from. */
export const fetchPreferences = () =>
  gql<{ myNotificationPreferences: Preferences; notificationChannelChoices: ChannelChoice[] }>(
    '{ myNotificationPreferences { channels dailyDigest email } notificationChannelChoices { id name kind } }',
  );

export async function savePreferences(preferences: Preferences): Promise<void> {
  await gql(
    'mutation($c: [String!]!, $d: Boolean!, $e: String) { setNotificationPreferences(channels: $c, dailyDigest: $d, email: $e) { channels } }',
    { c: preferences.channels, d: preferences.dailyDigest, e: preferences.email },
  );
}

const CHANGED = 'taizhang:inbox-changed';
/** Tells the bell and an open inbox that the inbox changed (a notification came, or some were read). */
export const inboxChanged = () => window.dispatchEvent(new Event(CHANGED));
export function onInboxChanged(listener: () => void): () => void {
  window.addEventListener(CHANGED, listener);
  return () => window.removeEventListener(CHANGED, listener);
}
