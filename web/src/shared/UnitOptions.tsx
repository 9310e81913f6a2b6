import type { Unit } from './ledgerItem';

/** The county's units as a select's options, each by its name (the first option, "all" or "later", is the caller's). */
export function UnitOptions({ units }: { units: readonly Pick<Unit, 'id' | 'name'>[] }) {
  return (
    <>
      {units.map((u) => (
        <option key={u.id} value={u.id}>
          {u.name}
        </option>
      ))}
    </>
  );
}
