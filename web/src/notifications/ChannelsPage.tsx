import { type FormEvent, useEffect, useState } from 'react';
import { ErrorMessage } from '../shared/errors';
import { formatInstant, useI18n } from '../shared/i18n';
import { Loaded } from '../shared/Loaded';
import { useAsync } from '../shared/useAsync';
import { type ChannelInput, configureChannel, fetchChannels, fetchFailedCount, fetchFailedDeliveries, removeChannel } from './queries';

const FORMATS = ['json', 'dingtalk', 'wecom'] as const;

/** The admin's view of notifications: the channels (configure, remove) and the deliveries that failed. */
export function ChannelsPage() {
  const { t, lang } = useI18n();
  const channels = useAsync(fetchChannels, []);
  const failed = useAsync(fetchFailedDeliveries, []);
  const [error, setError] = useState<unknown>(null);
  const remove = async (id: string) => {
    // Users who chose it stop getting notifications there: asked first.
    if (!window.confirm(t('channel.removeConfirm', { id }))) return;
    setError(null);
    try {
      await removeChannel(id);
      channels.reload();
    } catch (caught) {
      setError(caught);
    }
  };
  return (
    <section className="channels">
      <div className="page-head">
        <h1>{t('channel.title')}</h1>
      </div>
      <ErrorMessage error={error} />
      <Loaded state={channels} empty="channel.empty">
        {(list) => (
          <div className="table-wrap">
            <table>
              <thead>
                <tr>
                  <th>{t('channel.id')}</th>
                  <th>{t('channel.name')}</th>
                  <th>{t('channel.kind')}</th>
                  <th className="wide">{t('channel.target')}</th>
                  <th>{t('channel.configuredAt')}</th>
                  <th />
                </tr>
              </thead>
              <tbody>
                {list.map((c) => (
                  <tr key={c.id} data-channel={c.id}>
                    <td className="nowrap">{c.id}</td>
                    <td>{c.name}</td>
                    <td>
                      {t(c.kind === 'smtp' ? 'channel.kind.smtp' : 'channel.kind.webhook')}
                      {c.format && ` · ${t(`channel.format.${c.format}` as never)}`}
                      {c.signed && ` · ${t('channel.signed')}`}
                    </td>
                    <td className="break">{c.target}</td>
                    <td className="nowrap">{formatInstant(c.configuredAt, lang)}</td>
                    <td>
                      <button type="button" onClick={() => void remove(c.id)} data-remove-channel={c.id}>
                        {t('channel.remove')}
                      </button>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </Loaded>
      <ChannelForm onSaved={channels.reload} />
      <h2>{t('delivery.failedTitle')}</h2>
      <Loaded state={failed} empty="delivery.noneFailed">
        {(list) => (
          <div className="table-wrap">
            <table data-failed-deliveries>
              <thead>
                <tr>
                  <th>{t('delivery.channel')}</th>
                  <th className="wide">{t('delivery.subject')}</th>
                  <th>{t('delivery.attempts')}</th>
                  <th className="wide">{t('delivery.lastError')}</th>
                  <th>{t('delivery.next')}</th>
                </tr>
              </thead>
              <tbody>
                {list.map((d) => (
                  <tr key={d.id} data-delivery={d.id}>
                    <td className="nowrap">{d.channelId}</td>
                    <td>{d.notification.subject}</td>
                    <td>{d.attempts}</td>
                    <td className="error-text">{d.lastError ?? t('common.none')}</td>
                    <td className="nowrap">{d.nextAttemptAt ? formatInstant(d.nextAttemptAt, lang) : t('delivery.gaveUp')}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </Loaded>
    </section>
  );
}

/** Configure (or change) a channel: SMTP (URL with user and password, sender) or a webhook (json, DingTalk, WeCom). */
function ChannelForm({ onSaved }: { onSaved: () => void }) {
  const { t } = useI18n();
  const [kind, setKind] = useState<'smtp' | 'webhook'>('webhook');
  const [format, setFormat] = useState<string>('json');
  const [error, setError] = useState<unknown>(null);
  const [saved, setSaved] = useState<string | null>(null);
  // Another type or format asks for other fields: what was said of the last ones no longer applies.
  const changed = () => {
    setError(null);
    setSaved(null);
  };
  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const text = (name: string) => String(form.get(name) ?? '').trim();
    const input: ChannelInput = {
      id: text('id'),
      name: text('name'),
      kind,
      url: text('url'),
      from: kind === 'smtp' ? text('from') : null,
      format: kind === 'webhook' ? format : null,
      secret: kind === 'webhook' && format === 'dingtalk' ? text('secret') || null : null,
    };
    setError(null);
    setSaved(null);
    try {
      await configureChannel(input);
      setSaved(input.id);
      onSaved();
    } catch (caught) {
      setError(caught);
    }
  };
  return (
    <form className="action-form" onSubmit={(e) => void submit(e)} data-form="channel">
      <h2>{t('channel.configure')}</h2>
      <label>
        {t('channel.id')}
        {/* As the domain's ChannelId; Chromium compiles it with the v flag, where a class's "-" is escaped. */}
        <input name="id" required pattern="[a-z0-9][a-z0-9\-]{1,39}" title={t('channel.idHint')} />
      </label>
      <label>
        {t('channel.name')}
        <input name="name" required />
      </label>
      <label>
        {t('channel.kind')}
        <select
          name="kind"
          value={kind}
          onChange={(e) => {
            setKind(e.target.value as 'smtp' | 'webhook');
            changed();
          }}
        >
          <option value="webhook">{t('channel.kind.webhook')}</option>
          <option value="smtp">{t('channel.kind.smtp')}</option>
        </select>
      </label>
      {kind === 'webhook' && (
        <label>
          {t('channel.format')}
          <select
            name="format"
            value={format}
            onChange={(e) => {
              setFormat(e.target.value);
              changed();
            }}
          >
            {FORMATS.map((f) => (
              <option key={f} value={f}>
                {t(`channel.format.${f}`)}
              </option>
            ))}
          </select>
        </label>
      )}
      <label>
        {t(kind === 'smtp' ? 'channel.smtpUrl' : 'channel.webhookUrl')}
        <input
          name="url"
          required
          placeholder={
            kind === 'smtp' ? 'smtps://user:password@smtp.example.cn:465' : 'https://oapi.dingtalk.com/robot/send?access_token=…'
          }
        />
      </label>
      {kind === 'smtp' && (
        <label>
          {t('channel.from')}
          <input name="from" type="email" required />
        </label>
      )}
      {kind === 'webhook' && format === 'dingtalk' && (
        <label>
          {t('channel.secret')}
          <input name="secret" autoComplete="off" />
        </label>
      )}
      <ErrorMessage error={error} />
      {saved && (
        <p className="ok" role="status">
          {t('channel.saved', { id: saved })}
        </p>
      )}
      <button type="submit">{t('channel.save')}</button>
    </form>
  );
}

/** The admin's badge in the header: deliveries whose last attempt failed, looked at again every half minute. */
export function FailedBadge() {
  const { t } = useI18n();
  const failed = useAsync(fetchFailedCount, []);
  const { reload } = failed;
  useEffect(() => {
    const timer = setInterval(reload, 30_000);
    return () => clearInterval(timer);
  }, [reload]);
  const count = failed.data ?? 0;
  if (count === 0) return null;
  return (
    <span className="bell-count failed" data-failed-count={count} title={t('delivery.failedBadge', { n: count })}>
      {count}
    </span>
  );
}
