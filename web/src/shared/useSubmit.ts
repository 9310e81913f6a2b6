import { type FormEvent, useState } from 'react';

/** Runs an action (a button's, a form's), keeping whether it is running and how it last failed. */
export function useAction() {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const run = async (work: () => Promise<unknown>) => {
    setBusy(true);
    setError(null);
    try {
      await work();
    } catch (caught) {
      setError(caught);
    } finally {
      setBusy(false);
    }
  };
  return { busy, error, run };
}

/** A form's submit handler: the action gets the form's fields; busy and error as `useAction` keeps them. */
export function useSubmit(action: (form: FormData) => Promise<void>) {
  const { busy, error, run } = useAction();
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    return run(() => action(form));
  };
  return { busy, error, submit };
}
