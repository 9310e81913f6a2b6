import { type CountyCalendar, dayNumber, dayOfNumber } from '../../domain/index.js';

/** Every day from `first` to `last`, both included. */
function days(first: string, last: string): string[] {
  const out: string[] = [];
  for (let n = dayNumber(first); n <= dayNumber(last); n += 1) out.push(dayOfNumber(n));
  return out;
}

/**
 * The demo county's calendar (工作日历): the national holiday schedules the State Council's General
 * Office published for the demo's years, as published — marked so, not a county's own decision.
 * Written out from the notices, holiday by holiday; a make-up working day (调休, 上班) is always a
 * Saturday or Sunday, which the calendar's schema checks.
 */
export const demoCalendar: CountyCalendar = {
  name: '全国节假日安排（2019—2021年，国务院办公厅公布）',
  years: [2019, 2020, 2021],
  holidays: [
    // 2019 — 国办发明电〔2018〕15号, 劳动节 as changed by 国办发明电〔2019〕2号.
    ...days('2018-12-30', '2019-01-01'), // 元旦 (the notice of 2019 begins in 2018)
    ...days('2019-02-04', '2019-02-10'), // 春节
    ...days('2019-04-05', '2019-04-07'), // 清明节
    ...days('2019-05-01', '2019-05-04'), // 劳动节
    ...days('2019-06-07', '2019-06-09'), // 端午节
    ...days('2019-09-13', '2019-09-15'), // 中秋节
    ...days('2019-10-01', '2019-10-07'), // 国庆节
    // 2020 — 国办发明电〔2019〕16号; 春节 extended to 2 February by 国办发明电〔2020〕1号 (新冠肺炎疫情).
    '2020-01-01', // 元旦
    ...days('2020-01-24', '2020-02-02'), // 春节, with the extension (originally 1/24–1/30)
    ...days('2020-04-04', '2020-04-06'), // 清明节
    ...days('2020-05-01', '2020-05-05'), // 劳动节
    ...days('2020-06-25', '2020-06-27'), // 端午节
    ...days('2020-10-01', '2020-10-08'), // 国庆节、中秋节
    // 2021 — 国办发明电〔2020〕27号.
    ...days('2021-01-01', '2021-01-03'), // 元旦
    ...days('2021-02-11', '2021-02-17'), // 春节
    ...days('2021-04-03', '2021-04-05'), // 清明节
    ...days('2021-05-01', '2021-05-05'), // 劳动节
    ...days('2021-06-12', '2021-06-14'), // 端午节
    ...days('2021-09-19', '2021-09-21'), // 中秋节
    ...days('2021-10-01', '2021-10-07'), // 国庆节
  ],
  workingWeekends: [
    // 2019
    '2018-12-29', // 元旦 (Saturday)
    '2019-02-02', // 春节 (Saturday)
    '2019-02-03', // 春节 (Sunday)
    '2019-04-28', // 劳动节 (Sunday)
    '2019-05-05', // 劳动节 (Sunday)
    '2019-09-29', // 国庆节 (Sunday)
    '2019-10-12', // 国庆节 (Saturday)
    // 2020 — 19 January was worked; 1 February, worked under the first notice, became a rest day with the extension.
    '2020-01-19', // 春节 (Sunday)
    '2020-04-26', // 劳动节 (Sunday)
    '2020-05-09', // 劳动节 (Saturday)
    '2020-06-28', // 端午节 (Sunday)
    '2020-09-27', // 国庆节、中秋节 (Sunday)
    '2020-10-10', // 国庆节、中秋节 (Saturday)
    // 2021
    '2021-02-07', // 春节 (Sunday)
    '2021-02-20', // 春节 (Saturday)
    '2021-04-25', // 劳动节 (Sunday)
    '2021-05-08', // 劳动节 (Saturday)
    '2021-09-18', // 中秋节 (Saturday)
    '2021-09-26', // 国庆节 (Sunday)
    '2021-10-09', // 国庆节 (Saturday)
  ],
  source:
    '国务院办公厅关于2019年部分节假日安排的通知（国办发明电〔2018〕15号）；国务院办公厅关于调整2019年劳动节假期安排的通知（国办发明电〔2019〕2号）；' +
    '国务院办公厅关于2020年部分节假日安排的通知（国办发明电〔2019〕16号）；国务院办公厅关于延长2020年春节假期的通知（国办发明电〔2020〕1号）；' +
    '国务院办公厅关于2021年部分节假日安排的通知（国办发明电〔2020〕27号）',
  marked: 'published schedule',
};
