/**
 * Fills a label's {name} placeholders. {name:one|other} is a plural: the first form when the number
 * is 1, the second otherwise (English "1 item", "2 items"; Chinese labels need none).
 */
export function fillTemplate(template: string, params?: Record<string, string | number>): string {
  return template
    .replace(/\{(\w+):([^|{}]*)\|([^{}]*)\}/g, (whole, name: string, one: string, other: string) =>
      params && name in params ? (Number(params[name]) === 1 ? one : other) : whole,
    )
    .replace(/\{(\w+)\}/g, (whole, name: string) => (params && name in params ? String(params[name]) : whole));
}
