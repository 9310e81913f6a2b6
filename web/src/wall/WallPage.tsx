import { useMemo, useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import { type ChartOption, EChart } from '../shared/EChart';
import { eventLabel, useI18n } from '../shared/i18n';
import { LedgerNumberLink } from '../shared/LedgerNumberLink';
import { Loaded } from '../shared/Loaded';
import { Tile, TileDrill } from '../shared/Tiles';
import { useSubscription } from '../shared/liveUpdates';
import { useAsync } from '../shared/useAsync';
import { OverdueSweepsCard } from '../sweeps/SweepsPage';
import { useVocabulary } from '../shared/vocabulary';
import { type Light, UPDATES, fetchWall } from './queries';

const LIGHT_RANK: Record<Light, number> = { green: 0, yellow: 1, red: 2 };
const LIGHT_COLOR: Record<Light, string> = { green: '#2e7d32', yellow: '#f2a900', red: '#c62828' };
const LIGHTS: Light[] = ['green', 'yellow', 'red'];

/** The end of a county calendar day, as the instant the as-of picker asks about. */
const endOfDay = (day: string) => `${day}T23:59:59+08:00`;

type Cell = { unitId: string; unitName: string; category: string; light: Light; ledgerNumbers: string[] };

/**
 * 挂图作战: units × categories with their lights, the county's totals, opened against closed per
 * month — for today, live, or for any past day. A cell's light is its worst item's light.
 */
export function WallPage() {
  const i18n = useI18n();
  const { t } = i18n;
  const words = useVocabulary();
  const [params, setParams] = useSearchParams();
  const asOfDay = params.get('asOf') ?? '';
  const wall = useAsync(() => fetchWall(asOfDay ? endOfDay(asOfDay) : null), [asOfDay]);
  const [lastUpdate, setLastUpdate] = useState<{ ledgerNumber: string; eventType: string } | null>(null);
  // Live only when the wall shows today: a past day does not change.
  useSubscription<{ battleMapUpdates: { ledgerNumber: string; eventType: string } }>(UPDATES, !asOfDay, (data) => {
    setLastUpdate(data.battleMapUpdates);
    wall.reload();
  });
  const [selected, setSelected] = useState<{ unitId: string; category: string } | null>(null);
  const [openTile, setOpenTile] = useState<'recheck' | 'supervision' | null>(null);
  const toggleTile = (tile: 'recheck' | 'supervision') => setOpenTile((open) => (open === tile ? null : tile));

  const map = wall.data;
  const cells = useMemo(() => {
    const byKey = new Map<string, Cell>();
    for (const c of map?.cells ?? [])
      if (c.unit)
        byKey.set(`${c.unit.id}|${c.category}`, {
          unitId: c.unit.id,
          unitName: c.unit.name,
          category: c.category,
          light: c.light,
          ledgerNumbers: c.ledgerNumbers,
        });
    return byKey;
  }, [map]);
  const units = useMemo(() => (map?.units ?? []).filter((u) => u.unit).map((u) => ({ ...u, unit: u.unit! })), [map]);
  const categories = useMemo(
    () => words.categories.map((c) => c.value).filter((c) => [...cells.values()].some((cell) => cell.category === c)),
    [cells, words],
  );

  const gridOption = useMemo<ChartOption>(
    () => ({
      animation: false,
      tooltip: {
        formatter: (p: { data: [number, number, number, number] }) =>
          `${units[p.data[1]]?.unit.name}<br/>${words.label('categories', categories[p.data[0]]!)}: ${p.data[3]}`,
      },
      grid: { left: 8, right: 8, top: 8, bottom: 8, containLabel: true },
      xAxis: {
        type: 'category',
        data: categories.map((c) => words.label('categories', c)),
        axisLabel: { interval: 0, rotate: categories.length > 6 ? 30 : 0 },
        splitArea: { show: true },
      },
      yAxis: {
        type: 'category',
        data: units.map((u) => u.unit.name),
        inverse: true,
        axisLabel: { width: 160, overflow: 'truncate' },
        splitArea: { show: true },
      },
      visualMap: {
        type: 'piecewise',
        show: false,
        dimension: 2,
        pieces: LIGHTS.map((light) => ({ value: LIGHT_RANK[light], color: LIGHT_COLOR[light] })),
      },
      series: [
        {
          type: 'heatmap',
          data: [...cells.values()].map((cell) => [
            categories.indexOf(cell.category),
            units.findIndex((u) => u.unit.id === cell.unitId),
            LIGHT_RANK[cell.light],
            cell.ledgerNumbers.length,
          ]),
          label: { show: true, color: '#fff', formatter: (p: { data: number[] }) => String(p.data[3]) },
          itemStyle: { borderColor: '#fff', borderWidth: 2 },
        },
      ],
    }),
    [cells, units, categories, words],
  );

  const monthly = map?.monthly ?? [];
  const monthOption = useMemo<ChartOption>(
    () => ({
      animation: false,
      tooltip: { trigger: 'axis' },
      legend: { data: [t('wall.opened'), t('wall.closed')] },
      grid: { left: 8, right: 8, top: 32, bottom: 8, containLabel: true },
      xAxis: { type: 'category', data: monthly.map((m) => m.month) },
      yAxis: { type: 'value', minInterval: 1 },
      series: [
        { name: t('wall.opened'), type: 'bar', barMaxWidth: 48, data: monthly.map((m) => m.opened), itemStyle: { color: '#b3261e' } },
        { name: t('wall.closed'), type: 'bar', barMaxWidth: 48, data: monthly.map((m) => m.closed), itemStyle: { color: '#2e7d32' } },
      ],
    }),
    [monthly, t],
  );

  const cell = selected ? cells.get(`${selected.unitId}|${selected.category}`) : undefined;
  const setAsOf = (day: string) => {
    const next = new URLSearchParams(params);
    if (day) next.set('asOf', day);
    else next.delete('asOf');
    setParams(next);
  };

  return (
    <section className="wall">
      <div className="page-head">
        <h1>{t('wall.title')}</h1>
        <label className="as-of">
          {t('wall.asOf')}
          <input type="date" value={asOfDay} onChange={(e) => setAsOf(e.target.value)} data-as-of />
        </label>
        {asOfDay ? (
          <button type="button" onClick={() => setAsOf('')}>
            {t('wall.today')}
          </button>
        ) : (
          <span className="muted" data-live>
            {t('wall.live')}
            {lastUpdate && ` · ${t('wall.lastUpdate', { what: `${lastUpdate.ledgerNumber} · ${eventLabel(i18n, lastUpdate.eventType)}` })}`}
          </span>
        )}
      </div>
      <Loaded state={wall}>
        {(map) => (
          <>
            <p className="muted" data-wall-day={map.day}>
              {t('wall.dayIs', { day: map.day })}
            </p>
            <dl className="tiles" aria-label={t('wall.county')}>
              <Tile label={t('wall.county')} value={t(`light.${map.light}`)} light={map.light} />
              <Tile label={t('wall.total')} value={map.tally.total.count} />
              <Tile label={t('wall.open')} value={map.tally.open.count} />
              <Tile label={t('field.overdue')} value={map.tally.overdue.count} light={map.tally.overdue.count > 0 ? 'red' : undefined} />
              <Tile label={t('wall.dueSoon')} value={map.tally.dueSoon.count} />
              <Tile label={t('wall.closedCount')} value={map.tally.closed.count} />
              <Tile
                label={t('consolidation.awaiting_recheck')}
                value={map.awaitingRecheck.count}
                light={map.recheckOverdue.count > 0 ? 'red' : undefined}
                detail={map.recheckOverdue.count > 0 ? t('wall.recheckOverdue', { n: map.recheckOverdue.count }) : undefined}
                open={openTile === 'recheck'}
                onToggle={() => toggleTile('recheck')}
                name="recheck"
              />
              <Tile
                label={t('wall.awaitingReply')}
                value={map.awaitingSupervisionReply.count}
                light={map.supervisionReplyOverdue.count > 0 ? 'red' : undefined}
                detail={
                  map.supervisionReplyOverdue.count > 0 ? t('wall.replyOverdue', { n: map.supervisionReplyOverdue.count }) : undefined
                }
                open={openTile === 'supervision'}
                onToggle={() => toggleTile('supervision')}
                name="supervision"
              />
              <Tile
                label={t('wall.onTime')}
                value={map.onTimeClosureRate === null ? t('common.none') : `${Math.round(map.onTimeClosureRate * 100)}%`}
              />
            </dl>
            {openTile === 'recheck' && (
              <TileDrill
                title={t('consolidation.awaiting_recheck')}
                count={map.awaitingRecheck}
                late={map.recheckOverdue}
                lateLabel={t('wall.pastRecheckDay')}
                name="recheck"
              />
            )}
            {openTile === 'supervision' && (
              <TileDrill
                title={t('wall.awaitingReply')}
                count={map.awaitingSupervisionReply}
                late={map.supervisionReplyOverdue}
                lateLabel={t('wall.pastFinishBy')}
                name="supervision"
              />
            )}
            <OverdueSweepsCard asOf={asOfDay ? endOfDay(asOfDay) : null} />
            <div className="wall-grid">
              <section className="card">
                <h2>{t('wall.grid')}</h2>
                {cells.size === 0 ? (
                  <p className="empty">{t('wall.empty')}</p>
                ) : (
                  <EChart
                    option={gridOption}
                    height={Math.max(200, units.length * 40 + 90)}
                    label={t('wall.grid')}
                    onClick={(data) => {
                      const [x, y] = data as number[];
                      setSelected({ unitId: units[y!]!.unit.id, category: categories[x!]! });
                    }}
                  />
                )}
                {cells.size > 0 && (
                  // The canvas is neither keyboard- nor screen-reader-usable: the same grid as a table.
                  <details className="grid-table">
                    <summary>{t('wall.asTable')}</summary>
                    <div className="table-wrap">
                      <table>
                        <thead>
                          <tr>
                            <th>{t('field.unit')}</th>
                            {categories.map((c) => (
                              <th key={c}>{words.label('categories', c)}</th>
                            ))}
                          </tr>
                        </thead>
                        <tbody>
                          {units.map((u) => (
                            <tr key={u.unit.id}>
                              <th className="unit">{u.unit.name}</th>
                              {categories.map((c) => {
                                const here = cells.get(`${u.unit.id}|${c}`);
                                return (
                                  <td key={c}>
                                    {here && (
                                      <button
                                        type="button"
                                        className={`light ${here.light}`}
                                        onClick={() => setSelected({ unitId: u.unit.id, category: c })}
                                        data-cell={`${u.unit.name}|${c}`}
                                        aria-label={`${u.unit.name} · ${words.label('categories', c)} · ${t(`light.${here.light}`)}`}
                                      >
                                        {here.ledgerNumbers.length}
                                      </button>
                                    )}
                                  </td>
                                );
                              })}
                            </tr>
                          ))}
                        </tbody>
                      </table>
                    </div>
                  </details>
                )}
                {cell && (
                  <div className="drill" data-drill>
                    <h3>
                      {cell.unitName} · {words.label('categories', cell.category)}
                    </h3>
                    <ul className="inline-list">
                      {cell.ledgerNumbers.map((n) => (
                        <li key={n}>
                          <LedgerNumberLink ledgerNumber={n} />
                        </li>
                      ))}
                    </ul>
                    <Link to={`/ledger?unitId=${cell.unitId}&category=${cell.category}`}>{t('wall.openInLedger')}</Link>
                  </div>
                )}
              </section>
              <section className="card">
                <h2>{t('wall.units')}</h2>
                <div className="table-wrap">
                  <table>
                    <thead>
                      <tr>
                        <th>{t('field.unit')}</th>
                        <th>{t('wall.light')}</th>
                        <th>{t('wall.total')}</th>
                        <th>{t('field.overdue')}</th>
                        <th>{t('wall.closedCount')}</th>
                      </tr>
                    </thead>
                    <tbody>
                      {units.map((u) => (
                        <tr key={u.unit.id} data-unit-light={u.light} data-unit={u.unit.name}>
                          <td className="unit">
                            <Link to={`/ledger?unitId=${u.unit.id}`}>{u.unit.name}</Link>
                          </td>
                          <td>
                            <span className={`light ${u.light}`}>{t(`light.${u.light}`)}</span>
                          </td>
                          <td>{u.tally.total.count}</td>
                          <td>{u.tally.overdue.count}</td>
                          <td>{u.tally.closed.count}</td>
                        </tr>
                      ))}
                    </tbody>
                  </table>
                </div>
              </section>
            </div>
            <section className="card">
              <h2>{t('wall.monthly')}</h2>
              <EChart option={monthOption} height={260} label={t('wall.monthly')} />
            </section>
          </>
        )}
      </Loaded>
    </section>
  );
}
