import { describe, expect, it } from 'vitest';
import { fillTemplate } from '../../web/src/shared/template.js';

/** The web app's labels: placeholders filled, and English plurals that agree with their number. */
describe('label templates', () => {
  it('says "1 item" and "n items"', () => {
    expect(fillTemplate('{n} {n:item|items}', { n: 1 })).toBe('1 item');
    expect(fillTemplate('{n} {n:item|items}', { n: 0 })).toBe('0 items');
    expect(fillTemplate('{n} {n:item|items}', { n: 12 })).toBe('12 items');
    expect(fillTemplate('{n} {n:day|days} left', { n: '1' })).toBe('1 day left');
    expect(fillTemplate('{n} working {n:day|days}', { n: 5 })).toBe('5 working days');
  });

  it('fills placeholders and leaves those without a value as they are', () => {
    expect(fillTemplate('最新变动：{what}', { what: 'RX-2020-010 · 督办回复' })).toBe('最新变动：RX-2020-010 · 督办回复');
    expect(fillTemplate('{n} 条，{m} 条', { n: 1 })).toBe('1 条，{m} 条');
    expect(fillTemplate('{n:item|items}')).toBe('{n:item|items}');
  });
});
