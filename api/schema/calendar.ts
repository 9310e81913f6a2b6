import { calendarView, type CalendarVersion } from '../../projections/calendarInForce.js';
import { asOfDescription, parseAsOf } from './args.js';
import { builder } from './builder.js';
import { LedgerEventRef } from './event.js';
import { commandContext, commandIdArg, settled } from './mutations.js';

const CountyCalendarRef = builder.objectRef<CalendarVersion>('CountyCalendar').implement({
  description:
    'A county calendar (工作日历): the public holidays and the make-up working days (调休) of the years it covers. Deadlines given in working days (工作日) are counted on the one in force; outside its years, Monday to Friday.',
  fields: (t) => ({
    version: t.exposeInt('version', { description: 'Version number; each adoption adds one.' }),
    name: t.string({ description: 'What the calendar is called.', resolve: (c) => c.document.name }),
    years: t.intList({ description: 'The years whose holidays it lists in full.', resolve: (c) => c.document.years }),
    holidays: t.stringList({
      description: 'Public holidays (法定节假日) and the rest days bridging them, YYYY-MM-DD.',
      resolve: (c) => c.document.holidays,
    }),
    workingWeekends: t.stringList({
      description: 'Saturdays and Sundays worked (调休), YYYY-MM-DD.',
      resolve: (c) => c.document.workingWeekends,
    }),
    source: t.string({ description: 'Where the dates come from (e.g. the 国务院办公厅 notice).', resolve: (c) => c.document.source }),
    marked: t.string({
      description: '"published schedule" (the State Council’s notices, as published) or "county" (the county’s own).',
      resolve: (c) => c.document.marked,
    }),
    document: t.field({ type: 'JSON', description: 'The whole document, as adopted.', resolve: (c) => c.document }),
    reason: t.exposeString('reason', { description: 'Why it was adopted.' }),
    adoptedAt: t.exposeString('adoptedAt', { description: 'When it came into force.' }),
    adoptedBy: t.exposeString('adoptedBy', { description: 'Who adopted it.' }),
  }),
});

builder.queryField('calendarInForce', (t) =>
  t.field({
    type: CountyCalendarRef,
    nullable: true,
    description:
      'The county calendar (工作日历) in force at an instant; null when none was adopted (working days are then Monday to Friday).',
    args: { asOf: t.arg.string({ required: false, description: asOfDescription }) },
    resolve: (_root, args, ctx) => ctx.services.readModels.calendar(parseAsOf(args.asOf) ?? ctx.services.clock()),
  }),
);

const CalendarPayloadRef = builder
  .objectRef<{ version: number; events: Awaited<ReturnType<typeof settled>>; replayed: boolean }>('CalendarPayload')
  .implement({
    description: 'The county calendar in force after the command, and the events appended.',
    fields: (t) => ({
      calendar: t.field({
        type: CountyCalendarRef,
        nullable: true,
        description: 'The calendar now in force.',
        resolve: (p, _a, ctx) => ctx.services.runner.state(calendarView).versions.find((v) => v.version === p.version) ?? null,
      }),
      events: t.field({
        type: [LedgerEventRef],
        description: 'Appended by this command; empty when the document is the one in force.',
        resolve: (p) => p.events,
      }),
      replayed: t.exposeBoolean('replayed', { description: 'True when this commandId was handled before.' }),
    }),
  });

builder.mutationField('adoptCalendar', (t) =>
  t.field({
    type: CalendarPayloadRef,
    description:
      'Adopt a county calendar (CalendarAdopted), in force from now: deadlines given in working days are counted on it. The document: name, years, holidays, workingWeekends (Saturdays and Sundays only), source, marked ("published schedule" or "county").',
    args: {
      document: t.arg({ type: 'JSON', required: true, description: 'The whole calendar document (see the CountyCalendar type).' }),
      reason: t.arg.string({ required: true, description: 'Why it is adopted.' }),
      commandId: commandIdArg(t) as never,
    },
    resolve: async (_root, args, ctx) => {
      const context = commandContext(ctx, args.commandId as string | undefined);
      const result = await ctx.services.ledger.adoptCalendar({ document: args.document, reason: args.reason }, context);
      const events = await settled(ctx, result);
      return { version: result.state.version, events, replayed: result.replayed };
    },
  }),
);
