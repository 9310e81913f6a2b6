import { type FormEvent, type ReactNode, createContext, useContext, useEffect, useState } from 'react';
import { gql, session } from './api';
import { ErrorMessage } from './errors';
import { useI18n } from './i18n';

/** Who is using the app: the signed-in user (the `me` query). */
export type User = { name: string; roles: string[]; unitId: string | null };

type Me = { displayName: string; roles: string[]; unit: { id: string } | null };
const ME_FIELDS = 'displayName roles unit { id }';
const toUser = (me: Me): User => ({ name: me.displayName, roles: me.roles, unitId: me.unit?.id ?? null });

const UserContext = createContext<User | null>(null);

/** The signed-in user; only used inside <SignedIn>, which renders nothing else until there is one. */
export function useUser(): User {
  const user = useContext(UserContext);
  if (!user) throw new Error('useUser outside <SignedIn>');
  return user;
}

/** Shows the login form until the user is signed in (every request needs the token), then the app. */
export function SignedIn({ children }: { children: ReactNode }) {
  const [user, setUser] = useState<User | null>(null);
  const [checking, setChecking] = useState(session.token() !== null);
  useEffect(() => {
    const signedOut = () => setUser(null);
    window.addEventListener('taizhang:signed-out', signedOut);
    if (session.token())
      gql<{ me: Me }>(`{ me { ${ME_FIELDS} } }`)
        .then((data) => setUser(toUser(data.me)))
        .catch(() => session.clear())
        .finally(() => setChecking(false));
    return () => window.removeEventListener('taizhang:signed-out', signedOut);
  }, []);
  if (checking) return null;
  if (!user) return <LoginForm onSignedIn={setUser} />;
  return <UserContext.Provider value={user}>{children}</UserContext.Provider>;
}

function LoginForm({ onSignedIn }: { onSignedIn: (user: User) => void }) {
  const { t } = useI18n();
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    setBusy(true);
    setError(null);
    try {
      const data = await gql<{ login: { token: string; user: Me } }>(
        `mutation($login: String!, $password: String!) { login(login: $login, password: $password) { token user { ${ME_FIELDS} } } }`,
        { login: String(form.get('login') ?? ''), password: String(form.get('password') ?? '') },
      );
      session.set(data.login.token);
      onSignedIn(toUser(data.login.user));
    } catch (caught) {
      setError(caught);
    } finally {
      setBusy(false);
    }
  };
  return (
    <main id="main" className="login">
      <h1>{t('app.title')}</h1>
      <form onSubmit={submit} data-form="login">
        <label>
          {t('login.login')}
          <input name="login" autoComplete="username" required />
        </label>
        <label>
          {t('login.password')}
          <input name="password" type="password" autoComplete="current-password" required />
        </label>
        <ErrorMessage error={error} />
        <button type="submit" disabled={busy}>
          {t('login.submit')}
        </button>
      </form>
    </main>
  );
}

/** Ends the sign-in on the server (every token of the user) and here. */
export async function signOut(): Promise<void> {
  await gql<{ logout: boolean }>('mutation { logout }').catch(() => undefined);
  session.clear();
}
