import { gql } from '../shared/api';

/** A configured channel as the admin sees it (secrets are never shown). */
export type Channel = {
  id: string;
  name: string;
  kind: 'smtp' | 'webhook';
  format: string | null;
  target: string;
  signed: boolean;
  configuredAt: string;
};
/** A delivery whose last attempt failed: retrying (nextAttemptAt) or given up. */
export type FailedDelivery = {
  id: string;
  channelId: string;
  attempts: number;
  lastError: string | null;
  nextAttemptAt: string | null;
  updatedAt: string;
  notification: { subject: string };
};
export type ChannelInput = {
  id: string;
  name: string;
  kind: 'smtp' | 'webhook';
  url: string;
  from: string | null;
  format: string | null;
  secret: string | null;
};

export const fetchChannels = async (): Promise<Channel[]> =>
  (await gql<{ notificationChannels: Channel[] }>('{ notificationChannels { id name kind format target signed configuredAt } }'))
    .notificationChannels;

export const fetchFailedDeliveries = async (): Promise<FailedDelivery[]> =>
  (
    await gql<{ notificationDeliveries: FailedDelivery[] }>(
      '{ notificationDeliveries(failedOnly: true, first: 200) { id channelId attempts lastError nextAttemptAt updatedAt notification { subject } } }',
    )
  ).notificationDeliveries;

export const fetchFailedCount = async (): Promise<number> =>
  (await gql<{ failedDeliveryCount: number }>('{ failedDeliveryCount }')).failedDeliveryCount;

/** Configures (or changes) a channel; the server checks the URL and answers what is wrong with it. */
export async function configureChannel(input: ChannelInput): Promise<void> {
  await gql(
    `mutation($id: String!, $name: String!, $kind: NotificationChannelKind!, $url: String!, $from: String, $format: WebhookFormat, $secret: String) {
      configureNotificationChannel(id: $id, name: $name, kind: $kind, url: $url, from: $from, format: $format, secret: $secret) { id }
    }`,
    input,
  );
}

export async function removeChannel(id: string): Promise<void> {
  await gql('mutation($id: String!) { removeNotificationChannel(id: $id) }', { id });
}
