import { type FormEvent, useEffect, useState } from 'react';
import { ErrorMessage } from '../shared/errors';
import { formatInstant, useI18n } from '../shared/i18n';
import { LedgerNumberLink } from '../shared/LedgerNumberLink';
import { Loaded } from '../shared/Loaded';
import { useAsync } from '../shared/useAsync';
import { type Notification, fetchInbox, fetchPreferences, inboxChanged, markRead, onInboxChanged, savePreferences } from './queries';

/** 站内信: the signed-in user's notifications, newest first, read one by one or all at once; and the preferences. */
export function InboxPage() {
  const { t, lang } = useI18n();
  const inbox = useAsync(fetchInbox, []);
  const { reload } = inbox;
  // A notification pushed while the page is open (the bell hears it) shows at once.
  useEffect(() => onInboxChanged(reload), [reload]);
  const [error, setError] = useState<unknown>(null);
  const read = async (ids: string[]) => {
    setError(null);
    try {
      await markRead(ids);
      inboxChanged();
    } catch (caught) {
      setError(caught);
    }
  };
  const unread = (inbox.data ?? []).filter((n) => !n.read);

  return (
    <section className="inbox">
      <div className="page-head">
        <h1>{t('inbox.title')}</h1>
        {unread.length > 0 && (
          <button type="button" onClick={() => void read(unread.map((n) => n.id))} data-read-all>
            {t('inbox.readAll', { n: unread.length })}
          </button>
        )}
      </div>
      <ErrorMessage error={error} />
      <Loaded state={inbox} empty="inbox.empty">
        {(list) => (
          <ul className="notifications">
            {list.map((n: Notification) => (
              <li key={n.id} className={n.read ? 'read' : 'unread'} data-notification={n.id} data-read={n.read}>
                <div className="notification-head">
                  {!n.read && <span className="badge unread-mark">{t('inbox.unread')}</span>}
                  <strong>{n.subject}</strong>
                  <time className="muted" dateTime={n.recordedAt}>
                    {formatInstant(n.recordedAt, lang)}
                  </time>
                  {n.ledgerNumber && <LedgerNumberLink ledgerNumber={n.ledgerNumber} />}
                  {!n.read && (
                    <button type="button" className="link" onClick={() => void read([n.id])} data-mark-read>
                      {t('inbox.markRead')}
                    </button>
                  )}
                </div>
                <p className="notification-body">{n.body}</p>
              </li>
            ))}
          </ul>
        )}
      </Loaded>
      <PreferencesForm />
    </section>
  );
}

/** 通知偏好: channels besides the inbox (of those the admin configured), a daily digest, the e-mail address. */
function PreferencesForm() {
  const { t } = useI18n();
  const loaded = useAsync(fetchPreferences, []);
  const [error, setError] = useState<unknown>(null);
  const [saved, setSaved] = useState(false);
  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    setError(null);
    setSaved(false);
    try {
      await savePreferences({
        channels: form.getAll('channel').map(String),
        dailyDigest: form.get('dailyDigest') === 'on',
        email: String(form.get('email') ?? '').trim() || null,
      });
      setSaved(true);
      loaded.reload();
    } catch (caught) {
      setError(caught);
    }
  };
  return (
    <section className="preferences">
      <h2>{t('prefs.title')}</h2>
      <Loaded state={loaded}>
        {({ myNotificationPreferences: prefs, notificationChannelChoices: channels }) => (
          <form onSubmit={(e) => void submit(e)} data-form="preferences" key={JSON.stringify(prefs)}>
            <fieldset>
              <legend>{t('prefs.channels')}</legend>
              {channels.length === 0 && <p className="muted">{t('prefs.noChannels')}</p>}
              {channels.map((c) => (
                <label key={c.id}>
                  <input type="checkbox" name="channel" value={c.id} defaultChecked={prefs.channels.includes(c.id)} data-channel={c.id} />{' '}
                  {c.name} <span className="muted">({t(c.kind === 'smtp' ? 'channel.kind.smtp' : 'channel.kind.webhook')})</span>
                </label>
              ))}
            </fieldset>
            <label>
              <input type="checkbox" name="dailyDigest" defaultChecked={prefs.dailyDigest} /> {t('prefs.dailyDigest')}
            </label>
            <label>
              {t('prefs.email')}
              <input type="email" name="email" defaultValue={prefs.email ?? ''} autoComplete="email" />
            </label>
            <ErrorMessage error={error} />
            {saved && (
              <p className="ok" role="status">
                {t('prefs.saved')}
              </p>
            )}
            <button type="submit">{t('prefs.save')}</button>
          </form>
        )}
      </Loaded>
    </section>
  );
}
