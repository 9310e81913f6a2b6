import { Fragment, useEffect, useMemo, useState } from 'react';
import { Navigate, useNavigate, useParams } from 'react-router';
import { downloadReport } from '../shared/api';
import { type ChartOption, EChart } from '../shared/EChart';
import { ErrorMessage } from '../shared/errors';
import { type MessageKey, formatInstant, useI18n } from '../shared/i18n';
import { LedgerNumbers } from '../shared/LedgerNumberLink';
import { Loaded } from '../shared/Loaded';
import { useUser } from '../shared/session';
import { useAsync } from '../shared/useAsync';
import { useAction } from '../shared/useSubmit';
import { type Count, Tile, TileDrill } from '../shared/Tiles';
import { type Bulletin, LINE_FIGURES, type LineFigure, type UnitLine, fetchBulletin, fetchPublished, publishBulletin } from './queries';

const RED = '#c62828';
const GREEN = '#2e7d32';
const BLUE = '#0b57d0';
const MONTH = /^\d{4}-(0[1-9]|1[0-2])$/;

const percent = (rate: number | null) => (rate === null ? '—' : `${(rate * 100).toFixed(1)}%`);
const signed = (n: number) => (n > 0 ? `+${n}` : String(n));

/** The month before this browser's current month: the last one over, the bulletin one usually wants. */
function lastMonth(): string {
  const now = new Date();
  const d = new Date(now.getFullYear(), now.getMonth() - 1, 1);
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}`;
}

/** /bulletin: the latest published month, else last month. */
export function BulletinIndex() {
  const published = useAsync(fetchPublished, []);
  if (published.error) return <ErrorMessage error={published.error} />;
  if (!published.data) return null;
  return <Navigate to={`/bulletin/${published.data[0]?.month ?? lastMonth()}`} replace />;
}

/**
 * 月通报 of a month, print-friendly: the county's totals and their change, the units ranked (your own
 * line marked), the red units named, the items overdue longest, 督办 / 约谈 / 12317 / 反弹; every
 * figure opens its ledger numbers, as on the wall. The office publishes (印发) it; once published the
 * page shows the frozen bulletin and, beside it, what the log has told differently since.
 */
export function BulletinPage() {
  const { t } = useI18n();
  const { month = '' } = useParams();
  const navigate = useNavigate();
  const user = useUser();
  const bulletin = useAsync(() => fetchBulletin(month), [month]);
  const published = useAsync(fetchPublished, [bulletin.data?.published?.at]);
  const { busy, error, run } = useAction();
  const [open, setOpen] = useState<string | null>(null);
  const toggle = (key: string) => setOpen((o) => (o === key ? null : key));
  const go = (next: string) => MONTH.test(next) && navigate(`/bulletin/${next}`);

  return (
    <section className="bulletin">
      <div className="page-head no-print">
        <h1>{t('bulletin.title', { month })}</h1>
        <label className="as-of">
          {t('bulletin.month')}
          <input type="month" value={month} onChange={(e) => go(e.target.value)} data-month />
        </label>
        {(published.data?.length ?? 0) > 0 && (
          <label className="as-of">
            {t('bulletin.publishedMonths')}
            <select
              value={published.data!.some((p) => p.month === month) ? month : ''}
              onChange={(e) => go(e.target.value)}
              data-published-months
            >
              <option value="">—</option>
              {published.data!.map((p) => (
                <option key={p.month} value={p.month}>
                  {p.month}
                </option>
              ))}
            </select>
          </label>
        )}
        {bulletin.data && (
          <>
            <button type="button" onClick={() => void run(() => downloadReport(bulletin.data!.docx))} disabled={busy} data-download="docx">
              {t('bulletin.downloadDocx')}
            </button>
            <button type="button" onClick={() => void run(() => downloadReport(bulletin.data!.xlsx))} disabled={busy} data-download="xlsx">
              {t('bulletin.downloadXlsx')}
            </button>
            <button type="button" onClick={() => window.print()} data-print>
              {t('bulletin.print')}
            </button>
            {user.roles.includes('office') && !bulletin.data.published && bulletin.data.complete && (
              <button
                type="button"
                className="primary"
                disabled={busy}
                data-publish
                onClick={() => void run(() => publishBulletin(month).then(bulletin.reload))}
              >
                {t('bulletin.publish')}
              </button>
            )}
          </>
        )}
      </div>
      <ErrorMessage error={error} />
      <Loaded state={bulletin}>{(b) => <BulletinBody b={b} open={open} toggle={toggle} />}</Loaded>
    </section>
  );
}

function BulletinBody({ b, open, toggle }: { b: Bulletin; open: string | null; toggle: (key: string) => void }) {
  const { t, lang } = useI18n();
  const c = b.county;
  const countyLabel: Record<LineFigure, string> = {
    raised: t('bulletin.raised'),
    closed: t('bulletin.closed'),
    closedOnTime: t('bulletin.closedOnTime'),
    overdue: t('bulletin.overdue'),
  };
  const change = (key: 'raised' | 'closed' | 'overdue') => t('bulletin.change', { n: signed(c.change[key]), was: c.previous[key] });
  const others: [string, string, Count][] = [
    ['issued', t('bulletin.supervisionIssued'), b.supervision.issued],
    ['answered', t('bulletin.supervisionAnswered'), b.supervision.answered],
    ['interviews', t('bulletin.interviews'), b.interviews.held],
    ['received', t('bulletin.hotlineReceived'), b.hotline.received],
    ['accepted', t('bulletin.hotlineAccepted'), b.hotline.accepted],
    ['dismissed', t('bulletin.hotlineDismissed'), b.hotline.dismissed],
    ['pending', t('bulletin.hotlinePending'), b.hotline.pending],
    ['recurrences', t('bulletin.recurrences'), b.recurrences.raised],
    ['reopened', t('bulletin.reopened'), b.recurrences.reopened],
  ];

  const unitOption = useMemo<ChartOption>(
    () => ({
      animation: false,
      tooltip: { trigger: 'axis' },
      legend: { data: [t('bulletin.overdue'), t('bulletin.closed'), t('bulletin.raised')] },
      grid: { left: 8, right: 8, top: 32, bottom: 8, containLabel: true },
      xAxis: {
        type: 'category',
        data: b.units.map((u) => u.name),
        axisLabel: { interval: b.units.length > 20 ? 'auto' : 0, rotate: b.units.length > 6 ? 40 : 0 },
      },
      yAxis: { type: 'value', minInterval: 1 },
      series: (
        [
          ['overdue', RED],
          ['closed', GREEN],
          ['raised', BLUE],
        ] as const
      ).map(([figure, color]) => ({
        name: t(`bulletin.${figure}`),
        type: 'bar',
        barMaxWidth: 24,
        itemStyle: { color },
        data: b.units.map((u) => ({ value: u.figures[figure].count, unitId: u.unitId, figure })),
      })),
    }),
    [b, t],
  );
  const countyOption = useMemo<ChartOption>(
    () => ({
      animation: false,
      tooltip: { trigger: 'axis' },
      legend: { data: [t('bulletin.lastMonth'), t('bulletin.thisMonth')] },
      grid: { left: 8, right: 8, top: 32, bottom: 8, containLabel: true },
      xAxis: { type: 'category', data: [t('bulletin.raised'), t('bulletin.closed'), t('bulletin.overdue')] },
      yAxis: { type: 'value', minInterval: 1 },
      series: [
        {
          name: t('bulletin.lastMonth'),
          type: 'bar',
          barMaxWidth: 40,
          itemStyle: { color: '#9e9e9e' },
          data: [c.previous.raised, c.previous.closed, c.previous.overdue],
        },
        {
          name: t('bulletin.thisMonth'),
          type: 'bar',
          barMaxWidth: 40,
          itemStyle: { color: BLUE },
          data: [c.figures.raised.count, c.figures.closed.count, c.figures.overdue.count],
        },
      ],
    }),
    [c, t],
  );
  const drillOf = (key: string): { title: string; count: Count } | null => {
    const [kind, id, figure] = key.split(':');
    if (kind === 'county') return { title: countyLabel[id as LineFigure], count: c.figures[id as LineFigure] };
    if (kind === 'red') {
      const red = b.redUnits.find((r) => r.unitId === id);
      return red ? { title: `${red.name} · ${t('bulletin.redItems', { n: red.red.count })}`, count: red.red } : null;
    }
    if (kind === 'other') {
      const found = others.find(([k]) => k === id);
      return found ? { title: found[1], count: found[2] } : null;
    }
    const unit = b.units.find((u) => u.unitId === id);
    if (kind === 'unit' && unit)
      return { title: `${unit.name} · ${countyLabel[figure as LineFigure]}`, count: unit.figures[figure as LineFigure] };
    return null;
  };
  // The document's title is the bulletin's: what a printed page's header and a saved PDF carry.
  const title = `${t('bulletin.docTitle', { month: b.month })}${b.published ? '' : ` (${t('bulletin.draft')})`}`;
  useEffect(() => {
    const before = document.title;
    document.title = title;
    return () => {
      document.title = before;
    };
  }, [title]);
  const countyDrill = open?.startsWith('county:') ? drillOf(open) : null;
  const otherDrill = open?.startsWith('other:') ? drillOf(open) : null;
  const redDrill = open?.startsWith('red:') ? drillOf(open) : null;

  return (
    <article className="bulletin-doc" data-bulletin={b.month}>
      <header className="bulletin-head">
        <h2 data-bulletin-title>
          {t('bulletin.docTitle', { month: b.month })}
          {!b.published && <span className="badge draft"> {t('bulletin.draft')}</span>}
        </h2>
        <p className="muted">
          {b.complete ? t('bulletin.period', { from: b.from, to: b.through }) : t('bulletin.running', { from: b.from, to: b.through })}
        </p>
        {b.published ? (
          <p className="frozen" data-frozen>
            {t('bulletin.frozen', {
              at: formatInstant(b.published.at, lang),
              by: b.published.by,
              position: b.published.position,
              hash: b.published.hash.slice(0, 16),
            })}{' '}
            <span className={b.reproduced ? 'ok' : 'error'} data-reproduced={String(b.reproduced)}>
              {t(b.reproduced ? 'bulletin.reproduced' : 'bulletin.notReproduced')}
            </span>
          </p>
        ) : (
          <p className="muted" data-draft>
            {t('bulletin.draftNote')}
          </p>
        )}
        {b.myLine && (
          <p className="mine-line" data-my-line>
            {t('bulletin.myLine', { name: b.myLine.name, rank: b.myLine.rank, of: b.units.length })}
          </p>
        )}
      </header>

      {b.published && b.difference && (
        <section className="card difference" data-difference>
          <h3>{t('bulletin.difference')}</h3>
          {b.difference.length === 0 ? (
            <p className="muted">{t('bulletin.noDifference')}</p>
          ) : (
            <ul>
              {b.difference.map((d) => (
                <li key={d.path} data-path={d.path}>
                  <code>{d.path}</code>: {d.before ?? '—'} → {d.after ?? '—'}
                  {d.added.length > 0 && <span className="muted"> +{d.added.join(', ')}</span>}
                  {d.removed.length > 0 && <span className="muted"> −{d.removed.join(', ')}</span>}
                </li>
              ))}
            </ul>
          )}
        </section>
      )}

      <h3>{t('bulletin.county')}</h3>
      <dl className="tiles" aria-label={t('bulletin.county')}>
        <Tile label={t('bulletin.countyLight')} value={t(`light.${c.light}`)} light={c.light} />
        {(['raised', 'closed', 'overdue'] as const).map((f) => (
          <Tile
            key={f}
            name={`county-${f}`}
            label={countyLabel[f]}
            value={c.figures[f].count}
            light={f === 'overdue' && c.figures.overdue.count > 0 ? 'red' : undefined}
            detail={change(f)}
            open={open === `county:${f}`}
            onToggle={() => toggle(`county:${f}`)}
          />
        ))}
        <Tile
          name="county-onTime"
          label={t('bulletin.onTimeRate')}
          value={percent(c.figures.onTimeClosureRate)}
          detail={t('bulletin.closedOnTimeOf', { n: c.figures.closedOnTime.count, was: percent(c.previous.onTimeClosureRate) })}
          open={open === 'county:closedOnTime'}
          onToggle={() => toggle('county:closedOnTime')}
        />
      </dl>
      {countyDrill && <TileDrill title={countyDrill.title} count={countyDrill.count} name={open!} />}

      <div className="wall-grid bulletin-charts">
        <section className="card">
          <h3>{t('bulletin.unitChart')}</h3>
          <EChart
            option={unitOption}
            height={300}
            label={t('bulletin.unitChart')}
            onClick={(data) => {
              const { unitId, figure } = data as { unitId: string; figure: LineFigure };
              toggle(`unit:${unitId}:${figure}`);
            }}
          />
        </section>
        <section className="card">
          <h3>{t('bulletin.countyChart')}</h3>
          <EChart option={countyOption} height={300} label={t('bulletin.countyChart')} />
        </section>
      </div>

      <h3>{t('bulletin.red')}</h3>
      {b.redUnits.length === 0 ? (
        <p className="muted">{t('bulletin.noRed')}</p>
      ) : (
        <>
          <p className="red-units" data-red-units>
            {t('bulletin.redNamed', { n: b.redUnits.length })}
            {b.redUnits.map((r) => (
              <button
                key={r.unitId}
                type="button"
                className="light red"
                data-red-unit={r.name}
                aria-expanded={open === `red:${r.unitId}`}
                onClick={() => toggle(`red:${r.unitId}`)}
              >
                {r.name} · {r.red.count}
              </button>
            ))}
          </p>
          {redDrill && <TileDrill title={redDrill.title} count={redDrill.count} name={open!} />}
        </>
      )}

      <h3>{t('bulletin.ranking')}</h3>
      <div className="table-wrap">
        <table data-ranking>
          <thead>
            <tr>
              <th>{t('bulletin.rank')}</th>
              <th>{t('field.unit')}</th>
              {LINE_FIGURES.map((f) => (
                <th key={f}>{countyLabel[f]}</th>
              ))}
              <th>{t('bulletin.onTimeRate')}</th>
              <th>{t('bulletin.overdueChange')}</th>
              <th>{t('bulletin.light')}</th>
            </tr>
          </thead>
          <tbody>
            {b.units.map((u) => (
              <UnitRow key={u.unitId} u={u} open={open} toggle={toggle} drill={drillOf} />
            ))}
          </tbody>
        </table>
      </div>

      <h3>{t('bulletin.longest')}</h3>
      {b.longestOverdue.length === 0 ? (
        <p className="muted">{t('bulletin.noOverdue')}</p>
      ) : (
        <div className="table-wrap">
          <table data-longest>
            <thead>
              <tr>
                <th>{t('field.ledgerNumber')}</th>
                <th>{t('field.unit')}</th>
                <th>{t('field.deadline')}</th>
                <th>{t('bulletin.overdueSince')}</th>
                <th>{t('bulletin.daysOverdue')}</th>
              </tr>
            </thead>
            <tbody>
              {b.longestOverdue.map((i) => (
                <tr key={i.ledgerNumber} data-ledger={i.ledgerNumber}>
                  <td>
                    <LedgerNumbers numbers={[i.ledgerNumber]} />
                  </td>
                  <td>{i.unitName ?? '—'}</td>
                  <td>{i.deadline}</td>
                  <td>{i.overdueSince}</td>
                  <td className="num">{i.daysOverdue}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}

      <h3>{t('bulletin.others')}</h3>
      <dl className="tiles">
        {others.map(([key, label, count]) => (
          <Tile
            key={key}
            name={`other-${key}`}
            label={label}
            value={count.count}
            open={open === `other:${key}`}
            onToggle={() => toggle(`other:${key}`)}
          />
        ))}
      </dl>
      {otherDrill && <TileDrill title={otherDrill.title} count={otherDrill.count} name={open!} />}
      {b.interviews.list.length > 0 && (
        <ul className="muted">
          {b.interviews.list.map((i) => (
            <li key={i.interviewId}>
              {i.heldOn} · {i.unitName} · <LedgerNumbers numbers={i.ledgerNumbers} />
            </li>
          ))}
        </ul>
      )}
      <p className="muted print-only">{t('bulletin.printedNote', { hash: b.hash.slice(0, 16), policy: b.policyVersion })}</p>
    </article>
  );
}

/** A unit's line: each count a button opening its ledger numbers in a row below; the reader's own unit marked. */
function UnitRow({
  u,
  open,
  toggle,
  drill,
}: {
  u: UnitLine;
  open: string | null;
  toggle: (key: string) => void;
  drill: (key: string) => { title: string; count: Count } | null;
}) {
  const { t } = useI18n();
  const mine = open?.startsWith(`unit:${u.unitId}:`) ? drill(open) : null;
  return (
    <Fragment>
      <tr data-unit={u.name} data-rank={u.rank} data-mine={u.mine || undefined} className={u.mine ? 'mine' : undefined}>
        <td className="num">{u.rank}</td>
        <td className="unit">
          {u.name}
          {u.mine && <span className="badge"> {t('bulletin.yours')}</span>}
        </td>
        {LINE_FIGURES.map((f) => (
          <td key={f} data-figure={f} className="num">
            {u.figures[f].count > 0 ? (
              <button
                type="button"
                className="link"
                aria-expanded={open === `unit:${u.unitId}:${f}`}
                onClick={() => toggle(`unit:${u.unitId}:${f}`)}
              >
                {u.figures[f].count}
              </button>
            ) : (
              '0'
            )}
          </td>
        ))}
        <td className="num">{percent(u.figures.onTimeClosureRate)}</td>
        <td className="num">{signed(u.change.overdue)}</td>
        <td>
          <span className={`light ${u.light}`}>{t(`light.${u.light}` as MessageKey)}</span>
        </td>
      </tr>
      {mine && (
        <tr className="drill-row">
          <td colSpan={9}>
            <TileDrill title={mine.title} count={mine.count} name={open!} />
          </td>
        </tr>
      )}
    </Fragment>
  );
}
